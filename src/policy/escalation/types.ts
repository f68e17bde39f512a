import type { IamGroup, IamRole, IamUser, InstanceProfile, ManagedPolicy, PolicyDocument } from '../../snapshot/schema.js';
import type { AccessRequest, AccountModel, AdminAccess, PrincipalPermissions } from '../effective-permissions.js';
import type { ReachingPolicy } from '../principal-policies.js';
import type { ServiceTrust } from '../trust.js';
import type { ResourceQuery } from '../statement.js';

/**
 * The shapes the escalation analysis shares between its search, its methods and its evidence:
 * the results it returns, the interface every method implements, and what a method may ask of
 * the analysis it runs in.
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
  kind: MethodKind;
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

/** A user or role of the account, as the search sees it. */
export interface Principal {
  type: 'user' | 'role';
  name: string;
  arn: string;
  user?: IamUser;
  role?: IamRole;
  perms: PrincipalPermissions;
  admin: AdminAccess;
}

/** One step of a method: an action on a resource, with the context the method fixes. */
export interface StepSpec {
  action: string;
  resource: ResourceQuery;
  context?: AccessRequest['context'];
}

/** A run of steps: every group must pass, each by its surest alternative. */
export interface StepRun {
  ok: boolean;
  certainty: Certainty;
  steps: EscalationStep[];
}

/**
 * - self: the principal changes its own permissions into an administrator's;
 * - confer: it gives administrator rights to another principal (granting them is itself administrator power);
 * - become: it acts as another principal that is an administrator or can escalate.
 */
export type MethodKind = 'self' | 'confer' | 'become';

/**
 * One smallest set of actions that opens a path of a method (with the targets it needs); for
 * methods that differ by who takes them, the principal type it holds for.
 */
export interface Way {
  actions: readonly string[];
  principal?: 'user' | 'role';
}

interface MethodBase {
  /** Unique in the catalogue; the evidence id of its paths where it has one. */
  readonly id: string;
  readonly kind: MethodKind;
  /** What the principal does, in a sentence (for the catalogue). */
  readonly summary: string;
  /**
   * The actions it needs: each way is enough on its own (given a target), and no action of a
   * way can be spared. The sieve looks for these actions; a test holds the method's steps to them.
   */
  readonly ways: readonly Way[];
  /** Actions its steps name in some accounts only (an instance profile to create …). */
  readonly alsoUses?: readonly string[];
  /** The evidence ids (EscalationPath.method) of the paths it builds. */
  readonly pathIds: readonly string[];
}

/** A self or confer method: it picks its targets among the account's principals, groups and policies. */
export interface OwnMethod extends MethodBase {
  readonly kind: 'self' | 'confer';
  /**
   * self only: whether it applies when the principal's permissions boundary caps administrator
   * access (then only these apply: whatever else it does, the boundary caps) or when it does not.
   */
  readonly whenCapped?: boolean;
  /** The paths open to `from`, whose permissions are `perms` (its own, or what a step would make of them). */
  paths(from: Principal, perms: PrincipalPermissions, analysis: Analysis, depth: number): EscalationPath[];
}

/** A become method: it picks, among the principals already known to reach administrator, those `from` may act as. */
export interface BecomeMethod extends MethodBase {
  readonly kind: 'become';
  /** Reached principals `from` might act as by this method: a cheap first cut, `paths` decides. */
  candidates(from: Principal, reach: Reach, analysis: Analysis): Iterable<Principal>;
  /** The ways `from` acts as `to` by this method. */
  paths(from: Principal, to: Principal, analysis: Analysis): EscalationPath[];
}

export type EscalationMethod = OwnMethod | BecomeMethod;

/** A self or confer method written as its targets and the paths to each. */
export interface OwnMethodSpec<T> extends Omit<OwnMethod, 'paths'> {
  /** How it picks targets (lazily: once every path id has `perId` paths, no more are asked for). */
  targets(from: Principal, perms: PrincipalPermissions, analysis: Analysis, depth: number): Iterable<T>;
  /** How it builds the paths to one target. */
  pathsTo(from: Principal, perms: PrincipalPermissions, target: T, analysis: Analysis, depth: number): EscalationPath[];
  /** At most this many paths per evidence id (more targets are more of the same evidence); unlimited when absent. */
  readonly perId?: number;
}

/** Who is known so far to reach administrator, indexed by how one reaches them. */
export interface Reach {
  reached: ReadonlySet<Principal>;
  reachedUsers: readonly Principal[];
  reachedRoles: readonly Principal[];
  reachedAccountTrusting: readonly Principal[];
  reachedByService: ReadonlyMap<string, readonly Principal[]>;
  /** lower-case principal ARN → roles whose trust policy names it. */
  trustNaming: ReadonlyMap<string, readonly Principal[]>;
  /** lower-case role name → roles whose trust policy names a session of it. */
  trustingSessionsOf: ReadonlyMap<string, readonly Principal[]>;
  trustingAnyone: readonly Principal[];
  trustsAccount: ReadonlySet<Principal>;
  servicesOf: ReadonlyMap<Principal, readonly string[]>;
}

/** Resource templates of the account: what a principal's chosen name can stand for. */
export interface Templates {
  fn: string;
  instance: string;
  launchTemplate: string;
  autoScalingGroup: string;
  any: string;
  arn: (service: string, resource: string) => string;
  /** arn:<partition>:iam::<account>:<kind>/* */
  iam: (kind: 'user' | 'group' | 'role' | 'policy' | 'instance-profile') => string;
}

export interface Attachments {
  users: IamUser[];
  roles: IamRole[];
  groups: IamGroup[];
}

/** What a method may ask of the analysis it runs in: the sieve, the account's facts, and the search itself. */
export interface Analysis {
  readonly model: AccountModel;
  readonly templates: Templates;
  /** The ARN of AWS's AdministratorAccess in this partition. */
  readonly administratorAccess: string;
  /** AdministratorAccess first, then the customer-managed policies that grant everything. */
  readonly adminPolicyArns: readonly string[];

  // The sieve: cheap first tests, only what passes them is asked of the policy engine.
  /** Whether some statement could allow the action on some resource of this shape. */
  mayDo(perms: PrincipalPermissions, action: string, template?: string): boolean;
  /** mayDo for a principal that is not an administrator already. */
  holds(from: Principal, action: string): boolean;
  /** Whether an identity Allow for the action could name this resource. */
  mightTarget(perms: PrincipalPermissions, action: string, arn: string): boolean;
  /**
   * Whether the policy engine could allow the action on this resource: false only when no
   * identity Allow names it and every policy could be read (an unreadable one leaves it open).
   */
  mightApply(perms: PrincipalPermissions, action: string, arn: string): boolean;
  /** The users, roles, groups or attached customer-managed policies some Allow for one of the actions could name. */
  users(perms: PrincipalPermissions, actions: readonly string[]): readonly IamUser[];
  roles(perms: PrincipalPermissions, actions: readonly string[]): readonly IamRole[];
  groups(perms: PrincipalPermissions, actions: readonly string[]): readonly IamGroup[];
  attachedPolicies(perms: PrincipalPermissions, actions: readonly string[]): readonly ManagedPolicy[];
  /** `pool`, or (when the Allows for the actions name resources) the reached principals they name that are `member`s. */
  reachedNamed(from: Principal, actions: readonly string[], pool: readonly Principal[], among: 'users' | 'roles', reach: Reach, member: (p: Principal) => boolean): Iterable<Principal>;

  // Facts of the account.
  /** Whether a principal given administrator policies would be one (its boundary permitting). */
  admitsAdmin(boundaryArn: string | null): boolean;
  groupGrantsAdmin(group: IamGroup): boolean;
  isAdminArn(arn: string): boolean;
  attachments(policyArn: string): Attachments | undefined;
  policy(arn: string): ManagedPolicy | undefined;
  /** What iam:SetDefaultPolicyVersion can switch a customer-managed policy to. */
  otherVersions(arn: string, makesAdmin?: (document: PolicyDocument) => boolean): { certainty: Certainty; notes: string[] };
  /** The instance profiles that hold a role, or undefined when the snapshot does not say. */
  instanceProfilesOf(role: IamRole): InstanceProfile[] | undefined;
  /** Values of iam:PolicyARN to try for "attach an administrator policy". */
  policyArnContexts(perms: PrincipalPermissions, action: string): AccessRequest['context'][];
  /** The surest run of a new principal's steps, each try carrying one iam:PermissionsBoundary through all of them. */
  bestWithBoundary(perms: PrincipalPermissions, actions: readonly string[], groups: (boundary: { 'iam:PermissionsBoundary': string | null }) => StepSpec[][]): StepRun | null;

  /** The services a role's trust policy trusts, read once per run. */
  serviceTrust(role: IamRole): readonly ServiceTrust[];
  /** The same principal with policies added or taken away (what a step would make of it). */
  hypothetical(perms: PrincipalPermissions, change: { add?: readonly ReachingPolicy[]; remove?: (entry: ReachingPolicy) => boolean; dropBoundary?: boolean }): PrincipalPermissions;
  /** A value computed once per analysis run, per key. */
  once<T>(key: object, make: () => T): T;

  // The search, for methods that lead on to others.
  /** The self paths of `from` with permissions `perms` (what a step would make of them). */
  selfPaths(from: Principal, perms: PrincipalPermissions, depth: number): EscalationPath[];
  /** The first way a (hypothetical) principal can act as an administrator user or role of the account, or null. */
  becomeAdminAs(from: Principal): EscalationPath | null;
}
