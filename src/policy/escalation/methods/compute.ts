import { isServiceLinkedRole } from '../../../snapshot/principals.js';
import { becomeMethod, eachOf } from '../method.js';
import { chosen, exact, runStep, runSteps, worst } from '../steps.js';
import type { BecomeMethod, EscalationPath, StepSpec, Templates } from '../types.js';

/**
 * Code run as a role through an AWS service that the role trusts: a role passed (iam:PassRole,
 * with iam:PassedToService) to new compute — Lambda, Glue, CloudFormation, Data Pipeline, EC2,
 * CodeBuild, SageMaker, ECS — or code put into existing compute that already runs as the role.
 * One row per method; the rows are data, one code path reads them all.
 */

export interface ComputeRow {
  id: string;
  /** The service principal the role must trust. */
  service: string;
  description: string;
  passRole: boolean;
  /** The steps after iam:PassRole: every group must pass, by one of its alternatives. */
  steps: (t: Templates) => StepSpec[][];
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

export const COMPUTE: readonly ComputeRow[] = [
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

const PASS_ROLE = 'iam:PassRole';
/** A role in no instance profile yet: it must make one (or find an empty one) and add the role. */
const PROFILE_STEPS = ['iam:CreateInstanceProfile', 'iam:AddRoleToInstanceProfile'];
/** Templates that stand for any resource: the actions of a row's steps, whatever the account. */
const ANY: Templates = { fn: '*', instance: '*', launchTemplate: '*', autoScalingGroup: '*', any: '*', arn: () => '*', iam: () => '*' };

/** One compute row as a become method. */
export function computeMethod(row: ComputeRow): BecomeMethod {
  const groups = row.steps(ANY).map((group) => group.map((s) => s.action));
  const firstActions = groups[0] ?? [];
  // This run's steps, with its account's resource templates, built once per run.
  const stepsIn = (analysis: Parameters<BecomeMethod['paths']>[2]) => analysis.once(row, () => row.steps(analysis.templates));
  return becomeMethod({
    id: row.id,
    kind: 'become',
    summary: row.description,
    ways: eachOf(row.passRole ? [[PASS_ROLE], ...groups] : groups),
    ...(row.instanceProfile === 'launch' ? { alsoUses: PROFILE_STEPS } : {}),
    pathIds: [row.id],
    *candidates(from, reach, analysis) {
      const pool = reach.reachedByService.get(row.service) ?? [];
      if (pool.length === 0) return;
      if (row.passRole && !analysis.holds(from, PASS_ROLE)) return;
      if (!firstActions.some((a) => analysis.holds(from, a))) return;
      if (!row.passRole) {
        yield* pool;
        return;
      }
      yield* analysis.reachedNamed(from, [PASS_ROLE], pool, 'roles', reach, (n) => reach.servicesOf.get(n)?.includes(row.service) ?? false);
    },
    paths(from, to, analysis) {
      const role = to.role;
      if (!role || isServiceLinkedRole(role)) return [];
      const trust = analysis.serviceTrust(role).find((s) => s.service === row.service);
      if (!trust) return [];
      const perms = from.perms;
      if (firstActions.length === 1 && !analysis.holds(from, firstActions[0]!)) return [];
      if (row.passRole && !analysis.mightTarget(perms, PASS_ROLE, role.arn)) return [];
      const profiles = analysis.instanceProfilesOf(role);
      // A role known to be in no instance profile runs on no instance.
      if (row.instanceProfile === 'running' && profiles?.length === 0) return [];
      const groups: StepSpec[][] = [];
      if (row.passRole) groups.push([{ action: PASS_ROLE, resource: exact(role.arn), context: { 'iam:PassedToService': row.service } }]);
      // What the path needs beyond the policies; each is a reason to say 'depends'.
      let depends: string[] = row.depends ? [row.depends] : [];
      const profileNotes: string[] = [];
      if (row.instanceProfile === 'launch' && profiles) {
        depends = row.dependsWithProfile ? [row.dependsWithProfile] : [];
        if (profiles.length > 0) {
          profileNotes.push(`instance profile ${profiles.map((p) => p.name).join(', ')} holds the role`);
        } else {
          const profile = analysis.templates.iam('instance-profile');
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
      groups.push(...stepsIn(analysis));
      const run = runSteps(perms, groups);
      if (!run.ok) return [];
      const notes = [...depends, ...profileNotes, ...trust.conditions.map((c) => `the role's trust in ${row.service} requires ${c}`)];
      const certainty = worst(run.certainty, depends.length > 0 ? 'depends' : 'definite', trust.conditions.length > 0 ? 'conditional' : 'definite');
      const path: EscalationPath = { method: row.id, kind: 'become', description: `${row.description} (role ${role.name})`, target: `role ${role.name}`, targetArn: role.arn, certainty, steps: run.steps, notes, chain: [] };
      return [path];
    },
  });
}

export const computeMethods: readonly BecomeMethod[] = COMPUTE.map(computeMethod);
