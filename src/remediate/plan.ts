import { codeAndMessage } from '../collect/source-error.js';
import type { ManagedPolicy, PolicyDocument, Snapshot } from '../snapshot/schema.js';

/** Password policy parameters as UpdateAccountPasswordPolicy takes them (every one is sent: omitted ones reset). */
export interface PasswordPolicyParameters {
  MinimumPasswordLength: number;
  RequireSymbols: boolean;
  RequireNumbers: boolean;
  RequireUppercaseCharacters: boolean;
  RequireLowercaseCharacters: boolean;
  AllowUsersToChangePassword: boolean;
  MaxPasswordAge: number;
  PasswordReusePrevention: number;
  HardExpiry: boolean;
}

/** One write to AWS. Plain data, so a plan can be printed, logged and tested without a client. */
export type Change =
  | { kind: 'update-password-policy'; parameters: PasswordPolicyParameters }
  | { kind: 'create-policy'; name: string; arn: string; description: string; document: PolicyDocument }
  | { kind: 'create-group'; name: string }
  | { kind: 'attach-group-policy'; group: string; policyArn: string }
  | { kind: 'add-user-to-group'; user: string; group: string }
  | { kind: 'put-user-permissions-boundary'; user: string; policyArn: string }
  | { kind: 'put-role-permissions-boundary'; role: string; policyArn: string }
  | { kind: 'create-analyzer'; region: string; name: string };

/** The AWS API each kind of change calls, as IAM names the permission. */
export const ACTION_OF: Record<Change['kind'], string> = {
  'update-password-policy': 'iam:UpdateAccountPasswordPolicy',
  'create-policy': 'iam:CreatePolicy',
  'create-group': 'iam:CreateGroup',
  'attach-group-policy': 'iam:AttachGroupPolicy',
  'add-user-to-group': 'iam:AddUserToGroup',
  'put-user-permissions-boundary': 'iam:PutUserPermissionsBoundary',
  'put-role-permissions-boundary': 'iam:PutRolePermissionsBoundary',
  'create-analyzer': 'access-analyzer:CreateAnalyzer',
};

export interface PlannedChange {
  change: Change;
  /** What is changed, by name or ARN, as the change-management log shows it. */
  target: string;
  before: string;
  after: string;
  /** Indexes of earlier changes this one needs; if one of them fails, this one is not tried. */
  dependsOn: number[];
}

export interface RemediationPlan {
  /** e.g. "password-policy --apply" */
  command: string;
  changes: PlannedChange[];
  /** What a person must know before applying, by name (users who will lose access, the caller bounding itself). */
  warnings: string[];
  /** What was looked at and left as it is, and why. */
  unchanged: string[];
  /**
   * What should be fixed but cannot be planned (its data could not be read, or a name is taken
   * by something else). Counts as a failure: the run exits 3.
   */
  blocked: string[];
}

export function emptyPlan(command: string): RemediationPlan {
  return { command, changes: [], warnings: [], unchanged: [], blocked: [] };
}

/** The partition of the account's ARNs (aws, aws-us-gov, aws-cn), from the caller when known. */
export function partitionOf(snapshot: Snapshot): string {
  const caller = snapshot.sources.callerIdentity;
  return caller.status === 'ok' ? (caller.data.arn.split(':')[1] ?? 'aws') : 'aws';
}

export function customerPolicyArn(snapshot: Snapshot, name: string): string {
  return `arn:${partitionOf(snapshot)}:iam::${snapshot.accountId}:policy/${name}`;
}

/** Why a source's data is missing, for a blocked line. */
export function sourceProblem(snapshot: Snapshot, source: keyof Snapshot['sources']): string | null {
  const result = snapshot.sources[source];
  return result.status === 'error' ? codeAndMessage(result.error) : null;
}

/** A customer managed policy (not an AWS managed one) of that name, at any path. */
export function customerPolicyNamed(policies: readonly ManagedPolicy[], name: string): ManagedPolicy | undefined {
  return policies.find((p) => p.name === name && !p.awsManaged);
}

/** The IAM user or role the run is signed in as, from the caller ARN (assumed-role sessions name the role). */
export function callerPrincipal(snapshot: Snapshot): { kind: 'user' | 'role'; name: string } | null {
  const caller = snapshot.sources.callerIdentity;
  if (caller.status !== 'ok') return null;
  const resource = caller.data.arn.split(':').slice(5).join(':');
  const [type, ...rest] = resource.split('/');
  if (type === 'user') return { kind: 'user', name: rest.at(-1) ?? '' };
  if (type === 'assumed-role') return { kind: 'role', name: rest[0] ?? '' };
  return null;
}
