import type { IamGroup, IamRole, IamUser, InstanceProfile, PolicyDocument } from '../snapshot/schema.js';
import {
  adminAccess,
  decide,
  explain,
  hypothetical,
  isAdministrator,
  policyPermissions,
  type AccessRequest,
  type AccountModel,
  type AdminAccess,
  type PrincipalPermissions,
} from './effective-permissions.js';
import { policiesOfGroup, type ReachingPolicy } from './principal-policies.js';
import { namedPrincipals, trustedServices, trustFor } from './role-trust.js';
import type { ResourceQuery } from './statement.js';
import { globMatches, isAllStar } from './wildcard.js';
import { isServiceLinkedRole } from '../snapshot/principals.js';

/**
 * Privilege escalation: which principals that are not administrators can become one through a
 * known method. Three kinds of method:
 * - self: the principal changes its own permissions (a new version of a policy attached to it,
 *   attaching or writing a policy on itself or its group, joining an administrators' group,
 *   making a new administrator user or role, removing its own boundary or Deny);
 * - confer: it can give administrator rights to another principal (whose credentials it may
 *   hold or later obtain): granting administrator access is itself administrator power;
 * - become: it can act as another principal that is an administrator or can escalate (assume a
 *   role, take over a user's keys or password, rewrite a trust policy, pass a role to compute it
 *   controls, or run code in compute that already runs as such a role).
 * Each step is a question to the policy engine, so Deny statements, resource constraints,
 * conditions and boundaries are honoured; a step that depends on a condition or on a resource
 * the snapshot cannot show (an existing function, instance or stack) is kept, and marked so.
 */

export type Certainty = 'definite' | 'conditional' | 'depends';

export interface EscalationStep {
  action: string;
  resource: string;
  verdict: 'allowed' | 'conditional';
  allowedBy: string[];
  /** Conditions and limits the step depends on. */
  reasons: string[];
}

export interface EscalationPath {
  /** Short id of the method, e.g. "iam:CreatePolicyVersion" or "iam:PassRole+lambda:CreateFunction+lambda:InvokeFunction". */
  method: string;
  kind: 'self' | 'confer' | 'become';
  /** What happens, in a sentence. */
  description: string;
  target: string;
  targetArn: string;
  certainty: Certainty;
  steps: EscalationStep[];
  /** What the path depends on beyond the policies (existing resources, non-default versions …). */
  notes: string[];
  /** For become: the principals from the target on to administrator, e.g. ["role ci", "administrator"]. */
  chain: string[];
}

export interface PrincipalEscalation {
  type: 'user' | 'role';
  name: string;
  arn: string;
  /** A service-linked role: only its AWS service can act as it, and its policies are AWS's. */
  serviceLinked: boolean;
  admin: AdminAccess;
  /** administrator: already one (IAM-014's concern); escalates: a path exists; none. */
  status: 'administrator' | 'escalates' | 'none';
  paths: EscalationPath[];
  /** Policies or groups that apply but could not be read. */
  unreadable: string[];
}

const MAX_TARGETS = 2;
const MAX_PATHS = 6;
/** Targets a principal already known to escalate still looks at, for more evidence. */
const MORE_TARGETS = 3;
const CERTAINTY_RANK: Record<Certainty, number> = { definite: 0, conditional: 1, depends: 2 };

function worst(...values: Certainty[]): Certainty {
  return values.reduce((a, b) => (CERTAINTY_RANK[b] > CERTAINTY_RANK[a] ? b : a), 'definite');
}

interface Node {
  type: 'user' | 'role';
  name: string;
  arn: string;
  user?: IamUser;
  role?: IamRole;
  perms: PrincipalPermissions;
  admin: AdminAccess;
}

interface StepResult {
  ok: boolean;
  certainty: Certainty;
  step: EscalationStep;
}

/** One step of a method: an action on a resource, with the context the method fixes. */
interface StepSpec {
  action: string;
  resource: ResourceQuery;
  context?: AccessRequest['context'];
}

function resourceText(resource: ResourceQuery): string {
  return resource.kind === 'exact' ? resource.arn : resource.kind === 'chosen' ? `${resource.template} (a name the principal chooses)` : '*';
}

/** A step as evidence; its words are put together only when someone reads them. */
class LazyStep implements EscalationStep {
  private words: { allowedBy: string[]; reasons: string[] } | null = null;

  constructor(
    readonly action: string,
    readonly resource: string,
    readonly verdict: 'allowed' | 'conditional',
    private readonly perms: PrincipalPermissions,
    private readonly decision: ReturnType<typeof decide>,
  ) {}

  private explained() {
    if (!this.words) {
      const e = explain(this.perms, this.decision, this.action);
      this.words = { allowedBy: e.allowedBy, reasons: e.reasons };
    }
    return this.words;
  }

  get allowedBy(): string[] {
    return this.explained().allowedBy;
  }

  get reasons(): string[] {
    return this.explained().reasons;
  }
}

function runStep(perms: PrincipalPermissions, spec: StepSpec): StepResult {
  const request: AccessRequest = { action: spec.action, resource: spec.resource, ...(spec.context ? { context: spec.context } : {}) };
  const decision = decide(perms, request);
  const ok = decision.verdict === 'allowed' || decision.verdict === 'conditional';
  const verdict = decision.verdict === 'allowed' ? 'allowed' : 'conditional';
  return { ok, certainty: verdict === 'allowed' ? 'definite' : 'conditional', step: new LazyStep(spec.action, resourceText(spec.resource), verdict, perms, decision) };
}

/** All groups of steps must pass; within a group, the best alternative is taken. */
function runSteps(perms: PrincipalPermissions, groups: StepSpec[][]): { ok: boolean; certainty: Certainty; steps: EscalationStep[] } {
  const steps: EscalationStep[] = [];
  let certainty: Certainty = 'definite';
  for (const alternatives of groups) {
    let best: StepResult | null = null;
    for (const spec of alternatives) {
      const result = runStep(perms, spec);
      if (result.ok && (!best || CERTAINTY_RANK[result.certainty] < CERTAINTY_RANK[best.certainty])) best = result;
      if (best?.certainty === 'definite') break;
    }
    if (!best) return { ok: false, certainty, steps };
    steps.push(best.step);
    certainty = worst(certainty, best.certainty);
  }
  return { ok: true, certainty, steps };
}

/** Actions whose Allow a policy holds, among those escalation asks about (filled in below). */
const RELEVANT_ACTIONS = new Set<string>();
const relevantByPolicy = new WeakMap<object, Set<string>>();
const relevantByShared = new WeakMap<object, Set<string>>();

function relevantActions(perms: PrincipalPermissions): Set<string> {
  let set = relevantByShared.get(perms.shared);
  if (!set) {
    set = new Set();
    for (const entry of perms.identity) {
      let own = relevantByPolicy.get(entry.policy);
      if (!own) {
        own = new Set([...RELEVANT_ACTIONS].filter((a) => entry.policy.statementsFor(a).some((st) => st.effect === 'Allow')));
        relevantByPolicy.set(entry.policy, own);
      }
      for (const a of own) set.add(a);
    }
    relevantByShared.set(perms.shared, set);
  }
  return set;
}

/** Whether any statement could allow the action on some resource of this shape (a cheap first test). */
function mayDo(perms: PrincipalPermissions, action: string, template = '*'): boolean {
  const lower = action.toLowerCase();
  if (RELEVANT_ACTIONS.has(lower) && !relevantActions(perms).has(lower)) return false;
  const verdict = decide(perms, { action, resource: { kind: 'chosen', template } }).verdict;
  return verdict === 'allowed' || verdict === 'conditional';
}

interface ComputeMethod {
  id: string;
  /** The service principal the role must trust. */
  service: string;
  description: string;
  passRole: boolean;
  steps: (tpl: Templates) => StepSpec[][];
  /** What it depends on that the snapshot cannot show. */
  depends?: string;
  /**
   * EC2 methods, which reach the role through an instance profile: 'launch' puts the role's
   * profile on an instance (then `depends` says what is left once a profile is known to hold
   * the role, in `dependsWithProfile`); 'running' uses an instance already running with it,
   * so a role known to be in no instance profile cannot be reached this way.
   */
  instanceProfile?: 'launch' | 'running';
  dependsWithProfile?: string;
}

interface Templates {
  fn: string;
  instance: string;
  launchTemplate: string;
  autoScalingGroup: string;
  any: string;
  arn: (service: string, resource: string) => string;
}

const chosen = (template: string): ResourceQuery => ({ kind: 'chosen', template });

function withChain(path: Omit<EscalationPath, 'chain'>): EscalationPath {
  const full = path as EscalationPath;
  full.chain = [];
  return full;
}

/** Methods that run the principal's code as a role through an AWS service. */
const COMPUTE_METHODS: ComputeMethod[] = [
  {
    id: 'iam:PassRole+lambda:CreateFunction+lambda:InvokeFunction',
    service: 'lambda.amazonaws.com',
    description: 'creates a Lambda function that runs as the role, and invokes it',
    passRole: true,
    steps: (t) => [[{ action: 'lambda:CreateFunction', resource: chosen(t.fn) }], [{ action: 'lambda:InvokeFunction', resource: chosen(t.fn) }]],
  },
  {
    id: 'iam:PassRole+lambda:CreateFunction+lambda:CreateEventSourceMapping',
    service: 'lambda.amazonaws.com',
    description: 'creates a Lambda function that runs as the role, triggered from an event source',
    passRole: true,
    steps: (t) => [[{ action: 'lambda:CreateFunction', resource: chosen(t.fn) }], [{ action: 'lambda:CreateEventSourceMapping', resource: chosen(t.any) }]],
    depends: 'needs an event source it can feed (a DynamoDB or Kinesis stream, an SQS queue)',
  },
  {
    id: 'iam:PassRole+glue:CreateDevEndpoint',
    service: 'glue.amazonaws.com',
    description: 'creates a Glue development endpoint that runs as the role, and logs in to it',
    passRole: true,
    steps: (t) => [[{ action: 'glue:CreateDevEndpoint', resource: chosen(t.arn('glue', 'devEndpoint/*')) }]],
  },
  {
    id: 'iam:PassRole+glue:CreateJob',
    service: 'glue.amazonaws.com',
    description: 'creates a Glue job that runs as the role, and starts it',
    passRole: true,
    steps: (t) => [
      [{ action: 'glue:CreateJob', resource: chosen(t.arn('glue', 'job/*')) }],
      [
        { action: 'glue:StartJobRun', resource: chosen(t.arn('glue', 'job/*')) },
        { action: 'glue:CreateTrigger', resource: chosen(t.arn('glue', 'trigger/*')) },
      ],
    ],
  },
  {
    id: 'iam:PassRole+cloudformation:CreateStack',
    service: 'cloudformation.amazonaws.com',
    description: 'creates a CloudFormation stack that runs as the role (its template can grant anything)',
    passRole: true,
    steps: (t) => [[{ action: 'cloudformation:CreateStack', resource: chosen(t.arn('cloudformation', 'stack/*')) }]],
  },
  {
    id: 'iam:PassRole+cloudformation:CreateChangeSet+cloudformation:ExecuteChangeSet',
    service: 'cloudformation.amazonaws.com',
    description: 'creates and executes a CloudFormation change set that runs as the role',
    passRole: true,
    steps: (t) => [
      [{ action: 'cloudformation:CreateChangeSet', resource: chosen(t.arn('cloudformation', 'stack/*')) }],
      [{ action: 'cloudformation:ExecuteChangeSet', resource: chosen(t.arn('cloudformation', 'stack/*')) }],
    ],
  },
  {
    id: 'iam:PassRole+datapipeline:CreatePipeline',
    service: 'datapipeline.amazonaws.com',
    description: 'creates, defines and activates a Data Pipeline that runs its commands as the role',
    passRole: true,
    steps: (t) => [
      [{ action: 'datapipeline:CreatePipeline', resource: chosen(t.any) }],
      [{ action: 'datapipeline:PutPipelineDefinition', resource: chosen(t.any) }],
      [{ action: 'datapipeline:ActivatePipeline', resource: chosen(t.any) }],
    ],
  },
  {
    id: 'iam:PassRole+ec2:RunInstances',
    service: 'ec2.amazonaws.com',
    description: "launches an EC2 instance with the role's instance profile and runs its own user data",
    passRole: true,
    steps: (t) => [[{ action: 'ec2:RunInstances', resource: chosen(t.any) }]],
    depends: 'needs an instance profile holding the role (the snapshot does not show instance profiles)',
    instanceProfile: 'launch',
  },
  {
    id: 'iam:PassRole+ec2:AssociateIamInstanceProfile',
    service: 'ec2.amazonaws.com',
    description: "attaches the role's instance profile to an instance it can run commands on",
    passRole: true,
    steps: (t) => [
      [
        { action: 'ec2:AssociateIamInstanceProfile', resource: chosen(t.instance) },
        { action: 'ec2:ReplaceIamInstanceProfileAssociation', resource: chosen(t.instance) },
      ],
      [
        { action: 'ssm:SendCommand', resource: chosen(t.instance) },
        { action: 'ssm:StartSession', resource: chosen(t.instance) },
        { action: 'ec2-instance-connect:SendSSHPublicKey', resource: chosen(t.instance) },
      ],
    ],
    depends: 'needs a running instance it can reach and an instance profile holding the role',
    instanceProfile: 'launch',
    dependsWithProfile: 'needs a running instance it can reach',
  },
  {
    id: 'iam:PassRole+codebuild:CreateProject',
    service: 'codebuild.amazonaws.com',
    description: 'creates a CodeBuild project that runs as the role, and starts a build',
    passRole: true,
    steps: (t) => [
      [{ action: 'codebuild:CreateProject', resource: chosen(t.arn('codebuild', 'project/*')) }],
      [
        { action: 'codebuild:StartBuild', resource: chosen(t.arn('codebuild', 'project/*')) },
        { action: 'codebuild:StartBuildBatch', resource: chosen(t.arn('codebuild', 'project/*')) },
      ],
    ],
  },
  {
    id: 'iam:PassRole+sagemaker:CreateNotebookInstance',
    service: 'sagemaker.amazonaws.com',
    description: 'creates a SageMaker notebook instance that runs as the role, and opens it',
    passRole: true,
    steps: (t) => [
      [{ action: 'sagemaker:CreateNotebookInstance', resource: chosen(t.arn('sagemaker', 'notebook-instance/*')) }],
      [{ action: 'sagemaker:CreatePresignedNotebookInstanceUrl', resource: chosen(t.arn('sagemaker', 'notebook-instance/*')) }],
    ],
  },
  {
    id: 'iam:PassRole+sagemaker:CreateTrainingJob',
    service: 'sagemaker.amazonaws.com',
    description: 'creates a SageMaker training job whose container runs as the role',
    passRole: true,
    steps: (t) => [[{ action: 'sagemaker:CreateTrainingJob', resource: chosen(t.arn('sagemaker', 'training-job/*')) }]],
  },
  {
    id: 'iam:PassRole+sagemaker:CreateProcessingJob',
    service: 'sagemaker.amazonaws.com',
    description: 'creates a SageMaker processing job whose container runs as the role',
    passRole: true,
    steps: (t) => [[{ action: 'sagemaker:CreateProcessingJob', resource: chosen(t.arn('sagemaker', 'processing-job/*')) }]],
  },
  {
    id: 'iam:PassRole+ecs:RegisterTaskDefinition+ecs:RunTask',
    service: 'ecs-tasks.amazonaws.com',
    description: 'registers an ECS task definition with the role and runs it',
    passRole: true,
    steps: (t) => [
      [{ action: 'ecs:RegisterTaskDefinition', resource: chosen(t.any) }],
      [
        { action: 'ecs:RunTask', resource: chosen(t.any) },
        { action: 'ecs:StartTask', resource: chosen(t.any) },
        { action: 'ecs:CreateService', resource: chosen(t.any) },
      ],
    ],
  },
  // Existing compute that already runs as the role: the snapshot cannot show it exists.
  {
    id: 'lambda:UpdateFunctionCode',
    service: 'lambda.amazonaws.com',
    description: 'replaces the code of an existing Lambda function that runs as the role',
    passRole: false,
    steps: (t) => [[{ action: 'lambda:UpdateFunctionCode', resource: chosen(t.fn) }]],
    depends: 'needs an existing Lambda function that runs as the role',
  },
  {
    id: 'glue:UpdateDevEndpoint',
    service: 'glue.amazonaws.com',
    description: 'adds its SSH key to an existing Glue development endpoint that runs as the role',
    passRole: false,
    steps: (t) => [[{ action: 'glue:UpdateDevEndpoint', resource: chosen(t.arn('glue', 'devEndpoint/*')) }]],
    depends: 'needs an existing Glue development endpoint that runs as the role',
  },
  {
    id: 'cloudformation:UpdateStack',
    service: 'cloudformation.amazonaws.com',
    description: 'updates an existing CloudFormation stack whose service role is the role',
    passRole: false,
    steps: (t) => [
      [
        { action: 'cloudformation:UpdateStack', resource: chosen(t.arn('cloudformation', 'stack/*')) },
        { action: 'cloudformation:UpdateStackSet', resource: chosen(t.arn('cloudformation', 'stackset/*')) },
      ],
    ],
    depends: 'needs an existing stack that uses the role as its service role',
  },
  {
    id: 'cloudformation:CreateChangeSet+cloudformation:ExecuteChangeSet',
    service: 'cloudformation.amazonaws.com',
    description: 'changes an existing CloudFormation stack whose service role is the role, through a change set',
    passRole: false,
    steps: (t) => [
      [{ action: 'cloudformation:CreateChangeSet', resource: chosen(t.arn('cloudformation', 'stack/*')) }],
      [{ action: 'cloudformation:ExecuteChangeSet', resource: chosen(t.arn('cloudformation', 'stack/*')) }],
    ],
    depends: 'needs an existing stack that uses the role as its service role',
  },
  {
    id: 'sagemaker:CreatePresignedNotebookInstanceUrl',
    service: 'sagemaker.amazonaws.com',
    description: 'opens an existing SageMaker notebook instance that runs as the role',
    passRole: false,
    steps: (t) => [[{ action: 'sagemaker:CreatePresignedNotebookInstanceUrl', resource: chosen(t.arn('sagemaker', 'notebook-instance/*')) }]],
    depends: 'needs an existing notebook instance that runs as the role',
  },
  {
    id: 'codebuild:StartBuild',
    service: 'codebuild.amazonaws.com',
    description: 'starts a build of an existing CodeBuild project that runs as the role, overriding its buildspec',
    passRole: false,
    steps: (t) => [
      [
        { action: 'codebuild:StartBuild', resource: chosen(t.arn('codebuild', 'project/*')) },
        { action: 'codebuild:StartBuildBatch', resource: chosen(t.arn('codebuild', 'project/*')) },
      ],
    ],
    depends: 'needs an existing CodeBuild project that runs as the role',
  },
  {
    id: 'ssm:SendCommand',
    service: 'ec2.amazonaws.com',
    description: 'runs commands through SSM on an EC2 instance whose instance profile holds the role',
    passRole: false,
    steps: (t) => [[{ action: 'ssm:SendCommand', resource: chosen(t.instance) }]],
    depends: 'needs a running instance with the role in its instance profile and the SSM agent',
    instanceProfile: 'running',
  },
  {
    id: 'ssm:StartSession',
    service: 'ec2.amazonaws.com',
    description: 'opens an SSM session on an EC2 instance whose instance profile holds the role',
    passRole: false,
    steps: (t) => [[{ action: 'ssm:StartSession', resource: chosen(t.instance) }]],
    depends: 'needs a running instance with the role in its instance profile and the SSM agent',
    instanceProfile: 'running',
  },
  {
    id: 'ec2-instance-connect:SendSSHPublicKey',
    service: 'ec2.amazonaws.com',
    description: 'pushes an SSH key to an EC2 instance whose instance profile holds the role, and logs in',
    passRole: false,
    steps: (t) => [
      [
        { action: 'ec2-instance-connect:SendSSHPublicKey', resource: chosen(t.instance) },
        { action: 'ec2-instance-connect:SendSerialConsoleSSHPublicKey', resource: chosen(t.instance) },
      ],
    ],
    depends: 'needs a running instance with the role in its instance profile that it can reach over SSH',
    instanceProfile: 'running',
  },
  {
    id: 'ec2:ModifyInstanceAttribute+ec2:StopInstances+ec2:StartInstances',
    service: 'ec2.amazonaws.com',
    description: 'rewrites the user data of an EC2 instance whose instance profile holds the role, and restarts it so the new user data runs as the role',
    passRole: false,
    steps: (t) => [[{ action: 'ec2:ModifyInstanceAttribute', resource: chosen(t.instance) }], [{ action: 'ec2:StopInstances', resource: chosen(t.instance) }], [{ action: 'ec2:StartInstances', resource: chosen(t.instance) }]],
    depends: 'needs an instance whose instance profile holds the role (user data changes only while it is stopped)',
    instanceProfile: 'running',
  },
  {
    id: 'ec2:CreateLaunchTemplateVersion+autoscaling',
    service: 'ec2.amazonaws.com',
    description: 'writes a new version of a launch template whose instance profile holds the role, with its own user data, and has Auto Scaling launch instances from it',
    passRole: false,
    steps: (t) => [
      [{ action: 'ec2:CreateLaunchTemplateVersion', resource: chosen(t.launchTemplate) }],
      [
        { action: 'autoscaling:StartInstanceRefresh', resource: chosen(t.autoScalingGroup) },
        { action: 'autoscaling:SetDesiredCapacity', resource: chosen(t.autoScalingGroup) },
        { action: 'autoscaling:UpdateAutoScalingGroup', resource: chosen(t.autoScalingGroup) },
        { action: 'ec2:TerminateInstances', resource: chosen(t.instance) },
      ],
    ],
    depends: 'needs a launch template whose instance profile holds the role, used at its latest version by an Auto Scaling group (or at its default version, which ec2:ModifyLaunchTemplate moves)',
    instanceProfile: 'running',
  },
  {
    id: 'ecs:ExecuteCommand',
    service: 'ecs-tasks.amazonaws.com',
    description: 'runs a command in a running ECS task that uses the role',
    passRole: false,
    steps: (t) => [[{ action: 'ecs:ExecuteCommand', resource: chosen(t.any) }]],
    depends: 'needs a running ECS task with the role and ECS Exec enabled',
  },
];

const CREDENTIAL_METHODS = [
  { action: 'iam:CreateAccessKey', description: 'creates an access key for the user', note: null },
  { action: 'iam:CreateLoginProfile', description: 'sets a console password for the user', note: 'works only if the user has no console password yet (and signs in only without MFA)' },
  { action: 'iam:UpdateLoginProfile', description: "resets the user's console password", note: 'works only if the user has a console password (and signs in only without MFA)' },
] as const;

/** Things sorted by ARN, to find those a resource pattern can match through its literal prefix. */
class ArnIndex<T> {
  private readonly sorted: { arn: string; item: T }[];
  private readonly cache = new Map<string, T[]>();

  constructor(items: readonly T[], arnOf: (item: T) => string) {
    this.sorted = items.map((item) => ({ arn: arnOf(item), item })).sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
  }

  private everything: T[] | null = null;

  all(): T[] {
    if (!this.everything) this.everything = this.sorted.map((e) => e.item);
    return this.everything;
  }

  matching(pattern: string): T[] {
    let hit = this.cache.get(pattern);
    if (hit) return hit;
    const cut = pattern.search(/[*?]/);
    const prefix = cut < 0 ? pattern : pattern.slice(0, cut);
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid]!.arn < prefix) lo = mid + 1;
      else hi = mid;
    }
    hit = [];
    for (let i = lo; i < this.sorted.length && this.sorted[i]!.arn.startsWith(prefix); i++) {
      if (globMatches(pattern, this.sorted[i]!.arn)) hit.push(this.sorted[i]!.item);
    }
    this.cache.set(pattern, hit);
    return hit;
  }
}

for (const method of COMPUTE_METHODS) {
  const template: Templates = { fn: '*', instance: '*', launchTemplate: '*', autoScalingGroup: '*', any: '*', arn: () => '*' };
  for (const group of method.steps(template)) for (const step of group) RELEVANT_ACTIONS.add(step.action.toLowerCase());
}
for (const action of [
  ...CREDENTIAL_METHODS.map((m) => m.action),
  'sts:AssumeRole',
  'iam:PassRole',
  'iam:UpdateAssumeRolePolicy',
  'iam:CreatePolicyVersion',
  'iam:SetDefaultPolicyVersion',
  'iam:AttachUserPolicy',
  'iam:AttachGroupPolicy',
  'iam:AttachRolePolicy',
  'iam:PutUserPolicy',
  'iam:PutGroupPolicy',
  'iam:PutRolePolicy',
  'iam:AddUserToGroup',
  'iam:CreateUser',
  'iam:CreateRole',
  'iam:DeleteUserPermissionsBoundary',
  'iam:DeleteRolePermissionsBoundary',
  'iam:PutUserPermissionsBoundary',
  'iam:PutRolePermissionsBoundary',
  'iam:AddRoleToInstanceProfile',
  'iam:CreateInstanceProfile',
]) {
  RELEVANT_ACTIONS.add(action.toLowerCase());
}

class Analyzer {
  private readonly model: AccountModel;
  private readonly nodes: Node[] = [];
  private readonly byArn = new Map<string, Node>();
  private readonly templates: Templates;
  private readonly methodSteps = new Map<ComputeMethod, StepSpec[][]>();
  private readonly adminPolicyArns: string[];
  private readonly boundaryAdmin = new Map<string, boolean>();
  private readonly groupAdmin = new Map<string, boolean>();
  /** policy ARN → the principals (and groups) it is attached to. */
  private readonly attachments = new Map<string, { users: IamUser[]; roles: IamRole[]; groups: IamGroup[] }>();
  private readonly results = new Map<string, { paths: EscalationPath[]; reached: boolean }>();
  private readonly patterns = new WeakMap<object, Map<string, string[] | 'any'>>();
  private readonly userIndex: ArnIndex<IamUser>;
  private readonly roleIndex: ArnIndex<IamRole>;
  private readonly groupIndex: ArnIndex<IamGroup>;
  private readonly policyIndex: ArnIndex<{ arn: string; name: string }>;

  constructor(model: AccountModel) {
    this.model = model;
    const account = model.accountId;
    const partition = model.partition;
    this.templates = {
      fn: `arn:${partition}:lambda:*:${account}:function:*`,
      instance: `arn:${partition}:ec2:*:${account}:instance/*`,
      launchTemplate: `arn:${partition}:ec2:*:${account}:launch-template/*`,
      autoScalingGroup: `arn:${partition}:autoscaling:*:${account}:autoScalingGroup:*:autoScalingGroupName/*`,
      any: '*',
      arn: (service, resource) => `arn:${partition}:${service}:*:${account}:${resource}`,
    };
    for (const method of COMPUTE_METHODS) this.methodSteps.set(method, method.steps(this.templates));
    for (const user of model.details.users) {
      const perms = model.userPermissions(user);
      this.addNode({ type: 'user', name: user.name, arn: user.arn, user, perms, admin: adminAccess(perms) });
    }
    for (const role of model.details.roles) {
      const perms = model.rolePermissions(role);
      this.addNode({ type: 'role', name: role.name, arn: role.arn, role, perms, admin: adminAccess(perms) });
    }
    this.adminPolicyArns = [
      `arn:${partition}:iam::aws:policy/AdministratorAccess`,
      ...model.details.policies.filter((p) => !p.awsManaged && p.document && isAdministrator(adminAccess(policyPermissions(p, model.now)))).map((p) => p.arn),
    ];
    const attach = (arn: string) => {
      let entry = this.attachments.get(arn);
      if (!entry) {
        entry = { users: [], roles: [], groups: [] };
        this.attachments.set(arn, entry);
      }
      return entry;
    };
    for (const user of model.details.users) for (const p of user.attachedPolicies) attach(p.arn).users.push(user);
    for (const role of model.details.roles) for (const p of role.attachedPolicies) attach(p.arn).roles.push(role);
    for (const group of model.details.groups) for (const p of group.attachedPolicies) attach(p.arn).groups.push(group);
    this.userIndex = new ArnIndex(model.details.users, (u) => u.arn);
    this.roleIndex = new ArnIndex(model.details.roles, (r) => r.arn);
    this.groupIndex = new ArnIndex(model.details.groups, (g) => g.arn);
    this.policyIndex = new ArnIndex(
      model.details.policies.filter((p) => !p.awsManaged && this.attachments.has(p.arn)),
      (p) => p.arn,
    );
  }

  /**
   * The resource patterns of the identity Allow statements that cover an action, or 'any' when
   * one of them reaches every resource (or names it through NotResource or a policy variable).
   * A cheap first sieve: only what passes it is asked of the policy engine.
   */
  private allowPatterns(perms: PrincipalPermissions, action: string): string[] | 'any' {
    let byAction = this.patterns.get(perms.shared);
    if (!byAction) {
      byAction = new Map();
      this.patterns.set(perms.shared, byAction);
    }
    let found = byAction.get(action);
    if (found === undefined) {
      const list: string[] = [];
      found = list;
      for (const entry of perms.identity) {
        for (const s of entry.policy.statements) {
          if (s.effect !== 'Allow' || !s.resource || !s.coversAction(action)) continue;
          if (s.resource.negated || s.resource.patterns.some((p) => isAllStar(p) || p.includes('${'))) {
            found = 'any';
            break;
          }
          list.push(...s.resource.patterns);
        }
        if (found === 'any') break;
      }
      byAction.set(action, found);
    }
    return found;
  }

  private mightTarget(perms: PrincipalPermissions, action: string, arn: string): boolean {
    const found = this.allowPatterns(perms, action);
    return found === 'any' || found.some((p) => globMatches(p, arn));
  }

  /** The items some Allow for one of the actions could name. */
  private targets<T>(perms: PrincipalPermissions, actions: readonly string[], index: ArnIndex<T>): readonly T[] {
    const patterns = new Set<string>();
    for (const action of actions) {
      const found = this.allowPatterns(perms, action);
      if (found === 'any') return index.all();
      for (const p of found) patterns.add(p);
    }
    const lists = [...patterns].map((p) => index.matching(p)).filter((l) => l.length > 0);
    if (lists.length <= 1) return lists[0] ?? [];
    return [...new Set(lists.flat())];
  }

  private addNode(node: Node) {
    this.nodes.push(node);
    this.byArn.set(node.arn.toLowerCase(), node);
  }

  /** Whether a principal has some statement that could allow the action: the only ones worth asking in detail. */
  private holds(node: Node, action: string): boolean {
    return !isAdministrator(node.admin) && mayDo(node.perms, action);
  }

  /**
   * Values of iam:PolicyARN to try for "attach an administrator policy": AdministratorAccess, and,
   * only when the principal's policies test iam:PolicyARN at all, the customer-managed policies
   * that grant everything too.
   */
  private policyArnContexts(perms: PrincipalPermissions, action: string): AccessRequest['context'][] {
    const first = this.adminPolicyArns.slice(0, 1);
    const tests = perms.identity.some((e) => e.policy.statementsFor(action).some((s) => s.conditions.some((c) => c.keyLower === 'iam:policyarn')));
    return (tests ? this.adminPolicyArns : first).map((arn) => ({ 'iam:PolicyARN': arn }));
  }

  /**
   * What iam:SetDefaultPolicyVersion on a customer-managed policy can switch to: definite when
   * one of its non-default versions (kept since snapshot schema 2) grants administrator access on
   * its own; otherwise it depends on a version that grants more (or one made later).
   */
  private otherVersions(arn: string, makesAdmin?: (document: PolicyDocument) => boolean): { certainty: Certainty; notes: string[] } {
    const policy = this.model.details.policies.find((p) => p.arn === arn);
    const versions = policy?.otherVersions;
    if (!policy || !versions) return { certainty: 'depends', notes: ['works only if a non-default version grants more (the snapshot does not hold the other versions)'] };
    // By default a version is judged alone (for others who hold the policy); `makesAdmin` judges it in the principal's place.
    const judge = makesAdmin ?? ((document: PolicyDocument) => isAdministrator(adminAccess(policyPermissions({ name: policy.name, arn: policy.arn, document }, this.model.now))));
    const admin = versions.find((v) => judge(v.document));
    if (admin) return { certainty: 'definite', notes: [`its version ${admin.versionId} grants administrator access`] };
    if (versions.length === 0) return { certainty: 'depends', notes: ['it has no other version now: works only once one that grants more exists'] };
    return { certainty: 'depends', notes: [`works only if one of its other versions (${versions.map((v) => v.versionId).join(', ')}) grants more: none grants administrator access by itself`] };
  }

  /** Whether a principal given administrator policies would be an administrator (its boundary permitting). */
  private admitsAdmin(boundaryArn: string | null): boolean {
    if (boundaryArn === null) return true;
    let known = this.boundaryAdmin.get(boundaryArn);
    if (known === undefined) {
      const policy = this.model.details.policies.find((p) => p.arn === boundaryArn);
      known = policy?.document ? isAdministrator(adminAccess(policyPermissions(policy, this.model.now))) : false;
      this.boundaryAdmin.set(boundaryArn, known);
    }
    return known;
  }

  /** Whether a group's own policies make its members administrators. */
  private groupGrantsAdmin(group: IamGroup): boolean {
    let known = this.groupAdmin.get(group.name);
    if (known === undefined) {
      known = isAdministrator(adminAccess(this.model.groupPermissions(group)));
      this.groupAdmin.set(group.name, known);
    }
    return known;
  }

  private tryGrant(node: Node, perms: PrincipalPermissions, kind: 'User' | 'Group' | 'Role', target: { name: string; arn: string }, pathKind: 'self' | 'confer', describe: (method: string) => string): EscalationPath[] {
    const out: EscalationPath[] = [];
    for (const method of [`iam:Attach${kind}Policy`, `iam:Put${kind}Policy`]) {
      if (!mayDo(perms, method, this.typeTemplate(kind)) || !this.mightTarget(perms, method, target.arn)) continue;
      const resource: ResourceQuery = { kind: 'exact', arn: target.arn };
      const alternatives: StepSpec[] = method.startsWith('iam:Attach') ? this.policyArnContexts(perms, method).map((context) => ({ action: method, resource, ...(context ? { context } : {}) })) : [{ action: method, resource }];
      const run = runSteps(perms, [alternatives]);
      if (!run.ok) continue;
      out.push(withChain({ method, kind: pathKind, description: describe(method), target: `${kind.toLowerCase()} ${target.name}`, targetArn: target.arn, certainty: run.certainty, steps: run.steps, notes: [] }));
    }
    return out;
  }

  /** Ways a principal changes its own permissions into an administrator's. */
  private selfPaths(node: Node, perms: PrincipalPermissions, depth = 0): EscalationPath[] {
    const paths: EscalationPath[] = [];
    const boundaryOk = this.admitsAdmin(perms.principal.boundaryArn);
    const account = this.model.accountId;
    const partition = this.model.partition;

    if (!boundaryOk && perms.principal.boundaryArn) {
      // The boundary caps whatever it grants itself, unless it can take the boundary away.
      const kind = node.type === 'user' ? 'User' : 'Role';
      const canRemove = [`iam:Delete${kind}PermissionsBoundary`, `iam:Put${kind}PermissionsBoundary`].some((a) => this.mightTarget(perms, a, node.arn) && mayDo(perms, a));
      if (!canRemove) return paths;
      const dropped = hypothetical(perms, { dropBoundary: true }, this.model.now);
      const freed = isAdministrator(adminAccess(dropped)) || this.selfPaths(node, dropped, depth + 1).length > 0;
      if (freed) {
        for (const action of [`iam:Delete${kind}PermissionsBoundary`, `iam:Put${kind}PermissionsBoundary`]) {
          const context = action.startsWith('iam:Put') ? { 'iam:PermissionsBoundary': this.adminPolicyArns[0] ?? '' } : undefined;
          const run = runSteps(perms, [[{ action, resource: { kind: 'exact', arn: node.arn }, ...(context ? { context } : {}) }]]);
          if (run.ok) {
            paths.push(withChain({ method: action, kind: 'self', description: `removes or replaces its own permissions boundary, leaving its identity policies in force`, target: `${node.type} ${node.name}`, targetArn: node.arn, certainty: run.certainty, steps: run.steps, notes: [] }));
          }
        }
      }
      return paths;
    }

    // A new default version of a customer-managed policy attached to itself (directly or through a group).
    const ownPolicies = new Map<string, ReachingPolicy>();
    for (const r of perms.reaching) if (r.kind === 'managed' && r.policyArn && !this.isAwsManaged(r.policyArn)) ownPolicies.set(r.policyArn, r);
    for (const [arn, r] of ownPolicies) {
      for (const action of ['iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion']) {
        if (!mayDo(perms, action)) continue;
        const run = runSteps(perms, [[{ action, resource: { kind: 'exact', arn } }]]);
        if (!run.ok) continue;
        const setDefault = action === 'iam:SetDefaultPolicyVersion';
        const switched = this.otherVersions(arn, (document) => isAdministrator(adminAccess(hypothetical(perms, { remove: (x) => x === r, add: [{ ...r, document }] }, this.model.now))));
        paths.push(
          withChain({
            method: action,
            kind: 'self',
            description: setDefault ? `makes another version of ${r.policyName} (${r.label}) the default` : `writes a new default version of ${r.policyName} (${r.label}) granting everything`,
            target: `policy ${r.policyName}`,
            targetArn: arn,
            certainty: setDefault ? worst(run.certainty, switched.certainty) : run.certainty,
            steps: run.steps,
            notes: setDefault ? switched.notes : [],
          }),
        );
      }
    }

    // Attach or write a policy on itself, or on a group it belongs to.
    if (node.type === 'user' && node.user) {
      paths.push(...this.tryGrant(node, perms, 'User', node, 'self', (m) => `${m.endsWith('AttachUserPolicy') ? 'attaches an administrator policy' : 'writes an inline administrator policy'} to itself`));
      const groupNames = new Set(perms.reaching.filter((r) => r.groupName).map((r) => r.groupName as string));
      for (const name of node.user.groups) groupNames.add(name);
      for (const name of groupNames) {
        const group = this.model.groups.get(name);
        if (!group) continue;
        paths.push(...this.tryGrant(node, perms, 'Group', group, 'self', (m) => `${m.endsWith('AttachGroupPolicy') ? 'attaches an administrator policy' : 'writes an inline administrator policy'} to its group ${group.name}`));
      }
      // Join a group that makes it an administrator.
      if (depth === 0 && mayDo(perms, 'iam:AddUserToGroup')) {
        for (const group of this.targets(perms, ['iam:AddUserToGroup'], this.groupIndex)) {
          if (groupNames.has(group.name)) continue;
          const run = runSteps(perms, [[{ action: 'iam:AddUserToGroup', resource: { kind: 'exact', arn: group.arn } }]]);
          if (!run.ok) continue;
          const joined = hypothetical(perms, { add: policiesOfGroup(group, this.model) }, this.model.now);
          const becomesAdmin = isAdministrator(adminAccess(joined));
          if (!becomesAdmin && this.selfPaths(node, joined, depth + 1).length === 0) continue;
          paths.push(withChain({ method: 'iam:AddUserToGroup', kind: 'self', description: `adds itself to group ${group.name}${becomesAdmin ? ', whose policies grant administrator access' : ', whose policies let it escalate'}`, target: `group ${group.name}`, targetArn: group.arn, certainty: run.certainty, steps: run.steps, notes: [] }));
          if (paths.filter((p) => p.method === 'iam:AddUserToGroup').length >= MAX_TARGETS) break;
        }
      }
    } else if (node.type === 'role') {
      paths.push(...this.tryGrant(node, perms, 'Role', node, 'self', (m) => `${m.endsWith('AttachRolePolicy') ? 'attaches an administrator policy' : 'writes an inline administrator policy'} to itself`));
    }

    // A new user or role of its own, made an administrator. The new principal keeps the boundary
    // it was created with, and iam:PermissionsBoundary on the later steps (AttachRolePolicy,
    // PutRolePolicy …) is that boundary (Service Authorization Reference, IAM condition keys):
    // each try carries one boundary through every step — none, or one that itself grants everything.
    const newUser = `arn:${partition}:iam::${account}:user/*`;
    if (mayDo(perms, 'iam:CreateUser', newUser)) {
      const run = this.bestWithBoundary(perms, ['iam:CreateUser', 'iam:AttachUserPolicy', 'iam:PutUserPolicy', 'iam:CreateAccessKey', 'iam:CreateLoginProfile'], (boundary) => [
        [{ action: 'iam:CreateUser', resource: chosen(newUser), context: boundary }],
        [...this.policyArnContexts(perms, 'iam:AttachUserPolicy').map((context) => ({ action: 'iam:AttachUserPolicy', resource: chosen(newUser), context: { ...context, ...boundary } })), { action: 'iam:PutUserPolicy', resource: chosen(newUser), context: boundary }],
        [
          { action: 'iam:CreateAccessKey', resource: chosen(newUser), context: boundary },
          { action: 'iam:CreateLoginProfile', resource: chosen(newUser), context: boundary },
        ],
      ]);
      if (run) paths.push(withChain({ method: 'iam:CreateUser', kind: 'self', description: 'creates a new user, makes it an administrator and takes its credentials', target: 'a new user', targetArn: newUser, certainty: run.certainty, steps: run.steps, notes: [] }));
    }
    const newRole = `arn:${partition}:iam::${account}:role/*`;
    if (mayDo(perms, 'iam:CreateRole', newRole)) {
      const run = this.bestWithBoundary(perms, ['iam:CreateRole', 'iam:AttachRolePolicy', 'iam:PutRolePolicy'], (boundary) => [
        [{ action: 'iam:CreateRole', resource: chosen(newRole), context: boundary }],
        [...this.policyArnContexts(perms, 'iam:AttachRolePolicy').map((context) => ({ action: 'iam:AttachRolePolicy', resource: chosen(newRole), context: { ...context, ...boundary } })), { action: 'iam:PutRolePolicy', resource: chosen(newRole), context: boundary }],
      ]);
      const assumeDenied = decide(perms, { action: 'sts:AssumeRole', resource: chosen(newRole) }).verdict === 'denied';
      if (run && !assumeDenied) paths.push(withChain({ method: 'iam:CreateRole', kind: 'self', description: 'creates a new role that trusts it, makes the role an administrator and assumes it', target: 'a new role', targetArn: newRole, certainty: run.certainty, steps: run.steps, notes: [] }));
    }

    // Take away a Deny that stands between it and administrator access.
    if (node.admin.status === 'partial' || node.admin.status === 'cancelled') paths.push(...this.removeDenyPaths(node, perms));
    return paths;
  }

  /**
   * The surest run of a new principal's steps, each try carrying one iam:PermissionsBoundary
   * through all of them: absent (null), or, when the principal's policies test the key on one of
   * `actions`, each policy that grants everything (a boundary that caps nothing). null: none runs.
   */
  private bestWithBoundary(perms: PrincipalPermissions, actions: string[], groups: (boundary: { 'iam:PermissionsBoundary': string | null }) => StepSpec[][]): ReturnType<typeof runSteps> | null {
    const tests = perms.identity.some((e) => actions.some((a) => e.policy.statementsFor(a).some((s) => s.conditions.some((c) => c.keyLower === 'iam:permissionsboundary'))));
    const boundaries: (string | null)[] = tests ? [null, ...this.adminPolicyArns] : [null];
    let best: ReturnType<typeof runSteps> | null = null;
    for (const boundary of boundaries) {
      const run = runSteps(perms, groups({ 'iam:PermissionsBoundary': boundary }));
      if (run.ok && (!best || CERTAINTY_RANK[run.certainty] < CERTAINTY_RANK[best.certainty])) best = run;
      if (best?.certainty === 'definite') break;
    }
    return best;
  }

  private removeDenyPaths(node: Node, perms: PrincipalPermissions): EscalationPath[] {
    const paths: EscalationPath[] = [];
    const seen = new Set<string>();
    for (const entry of perms.identity) {
      if (!entry.policy.statements.some((s) => s.effect === 'Deny')) continue;
      const r = entry.reaching;
      const key = r.groupName ? `group:${r.groupName}` : `${r.kind}:${r.policyArn ?? r.policyName}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const without = hypothetical(perms, { remove: (x) => (r.groupName ? x.groupName === r.groupName : x === r) }, this.model.now);
      // Freed of the Deny it is an administrator, or it can then act as one (assume an administrator role, …).
      const onward = isAdministrator(adminAccess(without)) ? null : this.becomeAdminAs({ ...node, perms: without, admin: adminAccess(without) });
      if (!isAdministrator(adminAccess(without)) && !onward) continue;
      let specs: StepSpec[];
      let description: string;
      if (r.groupName) {
        const group = this.model.groups.get(r.groupName);
        if (!group) continue;
        specs = [{ action: 'iam:RemoveUserFromGroup', resource: { kind: 'exact', arn: group.arn } }];
        if (r.kind === 'managed' && r.policyArn) specs.push({ action: 'iam:DetachGroupPolicy', resource: { kind: 'exact', arn: group.arn }, context: { 'iam:PolicyARN': r.policyArn } });
        else specs.push({ action: 'iam:DeleteGroupPolicy', resource: { kind: 'exact', arn: group.arn } });
        description = `takes away the Deny of ${r.label}`;
      } else {
        const kind = node.type === 'user' ? 'User' : 'Role';
        specs = r.kind === 'managed' && r.policyArn ? [{ action: `iam:Detach${kind}Policy`, resource: { kind: 'exact', arn: node.arn }, context: { 'iam:PolicyARN': r.policyArn } }] : [{ action: `iam:Delete${kind}Policy`, resource: { kind: 'exact', arn: node.arn } }];
        description = `takes away the Deny of ${r.label}`;
      }
      const run = runSteps(perms, [specs]);
      if (!run.ok) continue;
      const certainty = onward ? worst(run.certainty, onward.certainty) : run.certainty;
      const then = onward ? `, then ${onward.description}` : '';
      paths.push(withChain({ method: run.steps[0]?.action ?? specs[0]?.action ?? 'iam', kind: 'self', description: `${description}${then}`, target: r.label, targetArn: r.policyArn ?? node.arn, certainty, steps: onward ? [...run.steps, ...onward.steps] : run.steps, notes: onward?.notes ?? [] }));
    }
    return paths;
  }

  /** The first way a (hypothetical) principal can act as an administrator user or role of the account, or null. */
  private becomeAdminAs(from: Node): EscalationPath | null {
    for (const to of this.administrators()) {
      if (to.arn === from.arn) continue;
      const path = this.becomePaths(from, to)[0];
      if (path) return path;
    }
    return null;
  }

  private typeTemplate(kind: 'User' | 'Group' | 'Role'): string {
    return `arn:${this.model.partition}:iam::${this.model.accountId}:${kind.toLowerCase()}/*`;
  }

  private adminArns: Set<string> | null = null;
  private adminNodes: Node[] | null = null;

  /** The users and roles that are administrators already, found once. */
  private administrators(): Node[] {
    this.adminNodes ??= this.nodes.filter((n) => isAdministrator(n.admin));
    return this.adminNodes;
  }

  private isAdminArn(arn: string): boolean {
    this.adminArns ??= new Set(this.administrators().map((n) => n.arn));
    return this.adminArns.has(arn);
  }

  private isAwsManaged(arn: string): boolean {
    return /^arn:[^:]+:iam::aws:policy\//.test(arn);
  }

  /** Ways a principal can give administrator rights to someone else. */
  private conferPaths(node: Node): EscalationPath[] {
    const perms = node.perms;
    const paths: EscalationPath[] = [];
    const limit = (method: string) => paths.filter((p) => p.method === method).length >= MAX_TARGETS;
    const account = this.model.accountId;
    const partition = this.model.partition;

    const userTpl = `arn:${partition}:iam::${account}:user/*`;
    if (mayDo(perms, 'iam:AttachUserPolicy', userTpl) || mayDo(perms, 'iam:PutUserPolicy', userTpl)) {
      for (const user of this.targets(perms, ['iam:AttachUserPolicy', 'iam:PutUserPolicy'], this.userIndex)) {
        if (user.arn === node.arn || this.isAdminArn(user.arn) || !this.admitsAdmin(user.permissionsBoundary?.arn ?? null)) continue;
        for (const p of this.tryGrant(node, perms, 'User', user, 'confer', (m) => `${m.endsWith('AttachUserPolicy') ? 'attaches an administrator policy' : 'writes an inline administrator policy'} to user ${user.name}`)) {
          if (!limit(p.method)) paths.push(p);
        }
        if (limit('iam:AttachUserPolicy') && limit('iam:PutUserPolicy')) break;
      }
    }
    const roleTpl = `arn:${partition}:iam::${account}:role/*`;
    if (mayDo(perms, 'iam:AttachRolePolicy', roleTpl) || mayDo(perms, 'iam:PutRolePolicy', roleTpl)) {
      for (const role of this.targets(perms, ['iam:AttachRolePolicy', 'iam:PutRolePolicy'], this.roleIndex)) {
        if (role.arn === node.arn || this.isAdminArn(role.arn) || isServiceLinkedRole(role) || !this.admitsAdmin(role.permissionsBoundary?.arn ?? null)) continue;
        for (const p of this.tryGrant(node, perms, 'Role', role, 'confer', (m) => `${m.endsWith('AttachRolePolicy') ? 'attaches an administrator policy' : 'writes an inline administrator policy'} to role ${role.name}`)) {
          if (!limit(p.method)) paths.push(p);
        }
        if (limit('iam:AttachRolePolicy') && limit('iam:PutRolePolicy')) break;
      }
    }
    const groupTpl = `arn:${partition}:iam::${account}:group/*`;
    const ownGroups = new Set(node.user?.groups ?? []);
    if (mayDo(perms, 'iam:AttachGroupPolicy', groupTpl) || mayDo(perms, 'iam:PutGroupPolicy', groupTpl)) {
      for (const group of this.targets(perms, ['iam:AttachGroupPolicy', 'iam:PutGroupPolicy'], this.groupIndex)) {
        if (ownGroups.has(group.name) || this.groupGrantsAdmin(group)) continue;
        const members = this.model.groupMembers(group.name).filter((u) => !this.isAdminArn(u.arn) && this.admitsAdmin(u.permissionsBoundary?.arn ?? null));
        if (members.length === 0) continue;
        for (const p of this.tryGrant(node, perms, 'Group', group, 'confer', (m) => `${m.endsWith('AttachGroupPolicy') ? 'attaches an administrator policy' : 'writes an inline administrator policy'} to group ${group.name} (members: ${members.slice(0, 3).map((u) => u.name).join(', ')}${members.length > 3 ? ', …' : ''})`)) {
          if (!limit(p.method)) paths.push(p);
        }
        if (limit('iam:AttachGroupPolicy') && limit('iam:PutGroupPolicy')) break;
      }
    }
    // New versions of customer-managed policies attached to others.
    const policyTpl = `arn:${partition}:iam::${account}:policy/*`;
    for (const action of ['iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion']) {
      if (!mayDo(perms, action, policyTpl)) continue;
      for (const policy of this.targets(perms, [action], this.policyIndex)) {
        if (limit(action)) break;
        const holders = this.attachments.get(policy.arn);
        if (!holders) continue;
        const who = [
          ...holders.users.filter((u) => u.arn !== node.arn && !this.isAdminArn(u.arn) && this.admitsAdmin(u.permissionsBoundary?.arn ?? null)).map((u) => `user ${u.name}`),
          ...holders.roles.filter((r) => r.arn !== node.arn && !this.isAdminArn(r.arn) && this.admitsAdmin(r.permissionsBoundary?.arn ?? null)).map((r) => `role ${r.name}`),
          ...holders.groups.filter((g) => !ownGroups.has(g.name) && this.model.groupMembers(g.name).some((u) => !this.isAdminArn(u.arn))).map((g) => `group ${g.name}`),
        ];
        if (who.length === 0) continue;
        const run = runSteps(perms, [[{ action, resource: { kind: 'exact', arn: policy.arn } }]]);
        if (!run.ok) continue;
        const setDefault = action === 'iam:SetDefaultPolicyVersion';
        const switched = this.otherVersions(policy.arn);
        paths.push(
          withChain({
            method: action,
            kind: 'confer',
            description: `${setDefault ? 'switches the default version of' : 'writes a new default version of'} policy ${policy.name}, attached to ${who.slice(0, 3).join(', ')}${who.length > 3 ? ', …' : ''}`,
            target: `policy ${policy.name}`,
            targetArn: policy.arn,
            certainty: setDefault ? worst(run.certainty, switched.certainty) : run.certainty,
            steps: run.steps,
            notes: setDefault ? switched.notes : [],
          }),
        );
      }
    }
    // Put another user into a group of administrators.
    if (mayDo(perms, 'iam:AddUserToGroup', groupTpl)) {
      for (const group of this.targets(perms, ['iam:AddUserToGroup'], this.groupIndex)) {
        if (limit('iam:AddUserToGroup')) break;
        if (!this.groupGrantsAdmin(group)) continue;
        const run = runSteps(perms, [[{ action: 'iam:AddUserToGroup', resource: { kind: 'exact', arn: group.arn } }]]);
        if (!run.ok) continue;
        paths.push(withChain({ method: 'iam:AddUserToGroup', kind: 'confer', description: `adds any user to group ${group.name}, whose policies grant administrator access`, target: `group ${group.name}`, targetArn: group.arn, certainty: run.certainty, steps: run.steps, notes: [] }));
      }
    }
    return paths;
  }

  /** Ways `from` can act as `to` (a user or role that is an administrator or can escalate). */
  private becomePaths(from: Node, to: Node): EscalationPath[] {
    const perms = from.perms;
    const paths: EscalationPath[] = [];
    if (to.type === 'user' && to.user) {
      for (const m of CREDENTIAL_METHODS) {
        if (!this.holds(from, m.action) || !this.mightTarget(perms, m.action, to.arn)) continue;
        const run = runSteps(perms, [[{ action: m.action, resource: { kind: 'exact', arn: to.arn } }]]);
        if (!run.ok) continue;
        paths.push({ method: m.action, kind: 'become', description: `${m.description} ${to.name}`, target: `user ${to.name}`, targetArn: to.arn, certainty: m.note ? worst(run.certainty, 'depends') : run.certainty, steps: run.steps, notes: m.note ? [m.note] : [], chain: [] });
      }
      return paths;
    }
    const role = to.role;
    if (!role) return paths;
    const serviceLinked = isServiceLinkedRole(role);
    const trust = trustFor(role, perms.principal, perms.context);
    if (trust.kind === 'named' || (trust.kind === 'account' && this.mightTarget(perms, 'sts:AssumeRole', role.arn))) {
      const step = runStep(perms, { action: 'sts:AssumeRole', resource: { kind: 'exact', arn: role.arn } });
      const explicitDeny = decide(perms, { action: 'sts:AssumeRole', resource: { kind: 'exact', arn: role.arn } }).verdict === 'denied';
      // Named in the trust policy: enough on its own within the account (a role's boundary still applies).
      const byTrust = trust.kind === 'named' && !explicitDeny && (perms.principal.type !== 'role' || perms.principal.boundaryArn === null || step.ok);
      if (step.ok || byTrust) {
        const certainty = worst(step.ok ? step.certainty : 'definite', trust.conditions.length > 0 ? 'conditional' : 'definite');
        const trustStep: EscalationStep = {
          action: 'sts:AssumeRole (trust policy)',
          resource: role.arn,
          verdict: trust.conditions.length > 0 ? 'conditional' : 'allowed',
          allowedBy: [trust.statement ?? `trust policy of role ${role.name}`],
          reasons: [
            ...(trust.kind === 'named' && !step.ok ? ['the trust policy names it, which is enough within the account without an identity-policy Allow'] : []),
            ...trust.conditions.map((c) => `the trust policy requires ${c}`),
          ],
        };
        const steps = step.ok ? [step.step, trustStep] : [trustStep];
        paths.push({ method: 'sts:AssumeRole', kind: 'become', description: `assumes role ${role.name} (${trust.kind === 'named' ? 'its trust policy names it' : 'its trust policy trusts the account'})`, target: `role ${role.name}`, targetArn: role.arn, certainty, steps, notes: [], chain: [] });
      }
    }
    if (!serviceLinked && this.holds(from, 'iam:UpdateAssumeRolePolicy') && this.mightTarget(perms, 'iam:UpdateAssumeRolePolicy', role.arn)) {
      const run = runSteps(perms, [[{ action: 'iam:UpdateAssumeRolePolicy', resource: { kind: 'exact', arn: role.arn } }]]);
      const assumeDenied = decide(perms, { action: 'sts:AssumeRole', resource: { kind: 'exact', arn: role.arn } }).verdict === 'denied';
      if (run.ok && !assumeDenied) {
        paths.push({ method: 'iam:UpdateAssumeRolePolicy', kind: 'become', description: `rewrites the trust policy of role ${role.name} to trust itself, then assumes it`, target: `role ${role.name}`, targetArn: role.arn, certainty: run.certainty, steps: run.steps, notes: [], chain: [] });
      }
    }
    if (!serviceLinked) {
      const services = trustedServices(role);
      for (const method of COMPUTE_METHODS) {
        const trust = services.find((s) => s.service === method.service);
        if (!trust) continue;
        const first = this.methodSteps.get(method)![0]?.[0]?.action;
        if (first && !this.holds(from, first) && this.methodSteps.get(method)![0]?.length === 1) continue;
        if (method.passRole && !this.mightTarget(perms, 'iam:PassRole', role.arn)) continue;
        const profiles = this.instanceProfilesOf(role);
        // A role known to be in no instance profile runs on no instance.
        if (method.instanceProfile === 'running' && profiles?.length === 0) continue;
        const groups: StepSpec[][] = [];
        if (method.passRole) groups.push([{ action: 'iam:PassRole', resource: { kind: 'exact', arn: role.arn }, context: { 'iam:PassedToService': method.service } }]);
        // What the path needs beyond the policies; each is a reason to say 'depends'.
        let depends: string[] = method.depends ? [method.depends] : [];
        const profileNotes: string[] = [];
        if (method.instanceProfile === 'launch' && profiles) {
          depends = method.dependsWithProfile ? [method.dependsWithProfile] : [];
          if (profiles.length > 0) {
            profileNotes.push(`instance profile ${profiles.map((p) => p.name).join(', ')} holds the role`);
          } else {
            // In no instance profile yet: it must put the role in one, made or found.
            const profile = `arn:${this.model.partition}:iam::${this.model.accountId}:instance-profile/*`;
            const create: StepSpec = { action: 'iam:CreateInstanceProfile', resource: chosen(profile) };
            if (runStep(perms, create).ok) {
              groups.push([create]);
              profileNotes.push('the role is in no instance profile: it creates one and adds the role');
            } else {
              depends.push('needs an instance profile without a role to add the role to (the role is in none, and it cannot create one)');
            }
            groups.push([{ action: 'iam:AddRoleToInstanceProfile', resource: chosen(profile) }]);
          }
        }
        groups.push(...this.methodSteps.get(method)!);
        const run = runSteps(perms, groups);
        if (!run.ok) continue;
        const notes = [...depends, ...profileNotes, ...trust.conditions.map((c) => `the role's trust in ${method.service} requires ${c}`)];
        const certainty = worst(run.certainty, depends.length > 0 ? 'depends' : 'definite', trust.conditions.length > 0 ? 'conditional' : 'definite');
        paths.push({ method: method.id, kind: 'become', description: `${method.description} (role ${role.name})`, target: `role ${role.name}`, targetArn: role.arn, certainty, steps: run.steps, notes, chain: [] });
      }
    }
    return paths;
  }

  /**
   * The instance profiles that hold a role: from the role's own list (schema 2), or undefined
   * when the snapshot does not say (schema 1, or an export without InstanceProfileList).
   */
  private instanceProfilesOf(role: IamRole): InstanceProfile[] | undefined {
    return role.instanceProfiles;
  }

  analyse(): Map<string, PrincipalEscalation> {
    const reached = new Set<Node>();
    const chains = new Map<Node, string[]>();
    const isServiceLinked = (n: Node) => (n.role ? isServiceLinkedRole(n.role) : false);
    const record = (node: Node, paths: EscalationPath[]) => {
      let entry = this.results.get(node.arn);
      if (!entry) {
        entry = { paths: [], reached: false };
        this.results.set(node.arn, entry);
      }
      for (const p of paths) {
        if (entry.paths.length >= MAX_PATHS) break;
        // A few targets per method are evidence enough; keep room for other methods.
        if (entry.paths.filter((q) => q.method === p.method).length >= MAX_TARGETS) continue;
        entry.paths.push(p);
      }
      if (paths.length > 0) entry.reached = true;
    };
    const best = (node: Node) => this.results.get(node.arn)?.paths.reduce<EscalationPath | undefined>((a, b) => (!a || CERTAINTY_RANK[b.certainty] < CERTAINTY_RANK[a.certainty] ? b : a), undefined);
    // Once a principal is known to escalate, a few more targets give evidence enough.
    const budget = new Map<Node, number>();
    const saturated = (node: Node) => (this.results.get(node.arn)?.paths.length ?? 0) >= MAX_PATHS || (budget.get(node) ?? 1) <= 0;
    const spend = (node: Node) => {
      if (this.results.get(node.arn)?.reached) budget.set(node, (budget.get(node) ?? MORE_TARGETS) - 1);
    };

    // Who can be reached, by the way one reaches them (kept as they are reached).
    const reachedUsers: Node[] = [];
    const reachedRoles: Node[] = [];
    const reachedAccountTrusting: Node[] = [];
    const reachedByService = new Map<string, Node[]>();
    const trustsAccount = new Set<Node>();
    const trustNaming = new Map<string, Node[]>();
    const trustingSessionsOf = new Map<string, Node[]>();
    const trustingAnyone: Node[] = [];
    const servicesOf = new Map<Node, string[]>();
    for (const node of this.nodes) {
      if (!node.role || isServiceLinked(node)) continue;
      const named = namedPrincipals(node.role);
      if (named.accounts.includes(node.arn.split(':')[4] ?? '')) trustsAccount.add(node);
      if (named.anyone) trustingAnyone.push(node);
      for (const arn of named.arns) trustNaming.set(arn, [...(trustNaming.get(arn) ?? []), node]);
      for (const role of named.sessionsOf) trustingSessionsOf.set(role, [...(trustingSessionsOf.get(role) ?? []), node]);
      servicesOf.set(node, [...new Set(trustedServices(node.role).map((t) => t.service))]);
    }
    const markReached = (node: Node, chain: string[]) => {
      reached.add(node);
      chains.set(node, chain);
      if (node.type === 'user') reachedUsers.push(node);
      else if (!isServiceLinked(node)) {
        reachedRoles.push(node);
        if (trustsAccount.has(node)) reachedAccountTrusting.push(node);
        for (const service of servicesOf.get(node) ?? []) {
          const list = reachedByService.get(service);
          if (list) list.push(node);
          else reachedByService.set(service, [node]);
        }
      }
    };

    // Administrators first, so that paths lead to them before they lead to other escalators.
    for (const node of this.nodes) if (isAdministrator(node.admin)) markReached(node, ['administrator']);
    for (const node of this.nodes) {
      if (isServiceLinked(node) || isAdministrator(node.admin)) continue;
      const paths = [...this.selfPaths(node, node.perms), ...this.conferPaths(node)];
      record(node, paths);
      if (paths.length > 0) {
        const first = [...paths].sort((a, b) => CERTAINTY_RANK[a.certainty] - CERTAINTY_RANK[b.certainty])[0];
        markReached(node, [`escalates itself (${first?.method ?? 'see its paths'})`]);
      }
    }

    // Then, round by round, those who can act as someone already reached (role chains need several rounds).
    const examined = new Map<Node, Set<Node>>();
    const sources = this.nodes.filter((n) => !isAdministrator(n.admin));
    let changed = true;
    while (changed) {
      changed = false;
      for (const from of sources) {
        if (saturated(from)) continue;
        let seen = examined.get(from);
        if (!seen) {
          seen = new Set();
          examined.set(from, seen);
        }
        for (const to of this.candidateTargets(from, { reachedUsers, reachedRoles, reachedAccountTrusting, reachedByService, trustNaming, trustingSessionsOf, trustingAnyone, trustsAccount, servicesOf, reached })) {
          if (to === from || seen.has(to)) continue;
          seen.add(to);
          spend(from);
          const paths = this.becomePaths(from, to);
          if (paths.length === 0) {
            if (saturated(from)) break;
            continue;
          }
          const chain = [`${to.type} ${to.name}`, ...(chains.get(to) ?? [])];
          // A path is no surer than the way on from its target.
          const onward = isAdministrator(to.admin) ? 'definite' : (best(to)?.certainty ?? 'definite');
          record(from, paths.map((p) => ({ ...p, chain, certainty: worst(p.certainty, onward), notes: onward === 'definite' || p.notes.length > 0 ? p.notes : [...p.notes, `${to.type} ${to.name} escalates only ${onward === 'depends' ? 'through resources the snapshot cannot show' : 'under a condition'}`] })));
          if (!reached.has(from) && !isServiceLinked(from)) {
            markReached(from, chain);
            changed = true;
          }
          if (saturated(from)) break;
        }
      }
    }

    const out = new Map<string, PrincipalEscalation>();
    for (const node of this.nodes) {
      const admin = isAdministrator(node.admin);
      const paths = admin ? [] : [...(this.results.get(node.arn)?.paths ?? [])];
      paths.sort((a, b) => CERTAINTY_RANK[a.certainty] - CERTAINTY_RANK[b.certainty]);
      out.set(node.arn, {
        type: node.type,
        name: node.name,
        arn: node.arn,
        serviceLinked: isServiceLinked(node),
        admin: node.admin,
        status: admin ? 'administrator' : paths.length > 0 ? 'escalates' : 'none',
        paths,
        unreadable: node.perms.unreadable,
      });
    }
    return out;
  }

  /**
   * Principals already reached that `from` might act as, narrowed cheaply: by the resources its
   * Allow statements name, and by who trusts whom.
   */
  private *candidateTargets(
    from: Node,
    reach: {
      reachedUsers: Node[];
      reachedRoles: Node[];
      reachedAccountTrusting: Node[];
      reachedByService: Map<string, Node[]>;
      trustNaming: Map<string, Node[]>;
      trustingSessionsOf: Map<string, Node[]>;
      trustingAnyone: Node[];
      trustsAccount: Set<Node>;
      servicesOf: Map<Node, string[]>;
      reached: Set<Node>;
    },
  ): Generator<Node> {
    const perms = from.perms;
    /** The pool, or (when the Allows name resources) the reached principals they name that belong to it. */
    const byPatterns = function* (this: Analyzer, actions: string[], pool: Node[], index: ArnIndex<IamUser> | ArnIndex<IamRole>, member: (n: Node) => boolean): Generator<Node> {
      const patterns = actions.map((a) => this.allowPatterns(perms, a));
      if (patterns.some((p) => p === 'any')) {
        yield* pool;
        return;
      }
      const arns = new Set<string>();
      for (const list of patterns) for (const p of list as string[]) for (const item of (index as ArnIndex<{ arn: string }>).matching(p)) arns.add(item.arn.toLowerCase());
      for (const arn of arns) {
        const node = this.byArnLower(arn);
        if (node && reach.reached.has(node) && member(node)) yield node;
      }
    }.bind(this);

    const credentialActions = reach.reachedUsers.length === 0 ? [] : CREDENTIAL_METHODS.map((m) => m.action).filter((a) => this.holds(from, a));
    if (credentialActions.length > 0) yield* byPatterns(credentialActions, reach.reachedUsers, this.userIndex, (n) => n.type === 'user');
    for (const node of reach.trustNaming.get(from.arn.toLowerCase()) ?? []) if (reach.reached.has(node)) yield node;
    if (from.type === 'role') for (const node of reach.trustingSessionsOf.get(from.name.toLowerCase()) ?? []) if (reach.reached.has(node)) yield node;
    for (const node of reach.trustingAnyone) if (reach.reached.has(node)) yield node;
    if (reach.reachedAccountTrusting.length > 0 && this.holds(from, 'sts:AssumeRole')) {
      yield* byPatterns(['sts:AssumeRole'], reach.reachedAccountTrusting, this.roleIndex, (n) => reach.trustsAccount.has(n));
    }
    if (reach.reachedRoles.length > 0 && this.holds(from, 'iam:UpdateAssumeRolePolicy')) yield* byPatterns(['iam:UpdateAssumeRolePolicy'], reach.reachedRoles, this.roleIndex, (n) => n.type === 'role');
    let passes: boolean | null = null;
    for (const method of COMPUTE_METHODS) {
      const pool = reach.reachedByService.get(method.service) ?? [];
      if (pool.length === 0) continue;
      if (method.passRole && !(passes ??= this.holds(from, 'iam:PassRole'))) continue;
      const firstStep = this.methodSteps.get(method)![0] ?? [];
      if (!firstStep.some((alt) => this.holds(from, alt.action))) continue;
      if (!method.passRole) {
        yield* pool;
        continue;
      }
      yield* byPatterns(['iam:PassRole'], pool, this.roleIndex, (n) => reach.servicesOf.get(n)?.includes(method.service) ?? false);
    }
  }

  private byArnLower(arn: string): Node | undefined {
    return this.byArn.get(arn);
  }
}

/** Escalation paths of every user and role of the run's account model, keyed by principal ARN. */
export function analyseEscalation(model: AccountModel): Map<string, PrincipalEscalation> {
  return new Analyzer(model).analyse();
}
