import type { AuthorizationDetails, IamUser, PolicyDocument } from '../snapshot/schema.js';

/** A policy that reaches a principal, named the way a person would look for it. */
export interface ReachingPolicy {
  /** e.g. "group human-users: managed policy deny-without-mfa" */
  label: string;
  via: 'user' | 'group' | 'boundary';
  kind: 'inline' | 'managed' | 'boundary';
  policyName: string;
  policyArn: string | null;
  /** null when the snapshot does not hold the managed policy's document. */
  document: PolicyDocument | null;
}

/**
 * The policies that apply to a user: its own inline and attached policies, those of its
 * groups, and its permissions boundary.
 */
export function policiesReachingUser(user: IamUser, details: AuthorizationDetails): ReachingPolicy[] {
  const managed = new Map(details.policies.map((p) => [p.arn, p]));
  const groups = new Map(details.groups.map((g) => [g.name, g]));
  const reaching: ReachingPolicy[] = [];
  const addManaged = (owner: string, via: ReachingPolicy['via'], name: string, arn: string) =>
    reaching.push({
      label: `${owner}: managed policy ${name}`,
      via,
      kind: 'managed',
      policyName: name,
      policyArn: arn,
      document: managed.get(arn)?.document ?? null,
    });

  for (const p of user.inlinePolicies) {
    reaching.push({ label: `user ${user.name}: inline policy ${p.name}`, via: 'user', kind: 'inline', policyName: p.name, policyArn: null, document: p.document });
  }
  for (const p of user.attachedPolicies) addManaged(`user ${user.name}`, 'user', p.name, p.arn);
  for (const groupName of user.groups) {
    const group = groups.get(groupName);
    if (!group) continue;
    for (const p of group.inlinePolicies) {
      reaching.push({ label: `group ${group.name}: inline policy ${p.name}`, via: 'group', kind: 'inline', policyName: p.name, policyArn: null, document: p.document });
    }
    for (const p of group.attachedPolicies) addManaged(`group ${group.name}`, 'group', p.name, p.arn);
  }
  if (user.permissionsBoundary) {
    const arn = user.permissionsBoundary.arn;
    const name = managed.get(arn)?.name ?? arn.split('/').pop() ?? arn;
    reaching.push({ label: `user ${user.name}: permissions boundary ${name}`, via: 'boundary', kind: 'boundary', policyName: name, policyArn: arn, document: managed.get(arn)?.document ?? null });
  }
  return reaching;
}

/** Groups a user names that the snapshot does not hold (their policies are unknown). */
export function missingGroups(user: IamUser, details: AuthorizationDetails): string[] {
  const known = new Set(details.groups.map((g) => g.name));
  return user.groups.filter((g) => !known.has(g));
}
