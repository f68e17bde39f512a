import type { AuthorizationDetails, IamGroup, IamRole, IamUser, ManagedPolicy, PolicyDocument } from '../snapshot/schema.js';

/** A policy that reaches a principal, named the way a person would look for it. */
export interface ReachingPolicy {
  /** e.g. "group human-users: managed policy deny-without-mfa" */
  label: string;
  via: 'user' | 'group' | 'role' | 'boundary';
  kind: 'inline' | 'managed' | 'boundary';
  policyName: string;
  policyArn: string | null;
  /** null when the snapshot does not hold the managed policy's document. */
  document: PolicyDocument | null;
  /** The group it comes through, when via is 'group'. */
  groupName?: string;
}

/**
 * Lookups over one set of authorization details: the account model (src/policy/effective-permissions.ts)
 * holds one for the run; indexDetails builds one for a caller that has only the details.
 */
export interface DetailsIndex {
  policies: ReadonlyMap<string, ManagedPolicy>;
  groups: ReadonlyMap<string, IamGroup>;
  /** group name → its members. */
  members: ReadonlyMap<string, IamUser[]>;
}

/** Builds the lookups (O(users + groups + policies)); build it once and pass it on, never per principal. */
export function indexDetails(details: AuthorizationDetails): DetailsIndex {
  const members = new Map<string, IamUser[]>();
  for (const user of details.users) {
    for (const g of user.groups) {
      const list = members.get(g);
      if (list) list.push(user);
      else members.set(g, [user]);
    }
  }
  return {
    policies: new Map(details.policies.map((p) => [p.arn, p])),
    groups: new Map(details.groups.map((g) => [g.name, g])),
    members,
  };
}

function managedEntry(index: DetailsIndex, owner: string, via: ReachingPolicy['via'], name: string, arn: string, groupName?: string): ReachingPolicy {
  return {
    label: `${owner}: managed policy ${name}`,
    via,
    kind: 'managed',
    policyName: name,
    policyArn: arn,
    document: index.policies.get(arn)?.document ?? null,
    ...(groupName === undefined ? {} : { groupName }),
  };
}

function boundaryEntry(index: DetailsIndex, owner: string, arn: string): ReachingPolicy {
  const name = index.policies.get(arn)?.name ?? arn.split('/').pop() ?? arn;
  return { label: `${owner}: permissions boundary ${name}`, via: 'boundary', kind: 'boundary', policyName: name, policyArn: arn, document: index.policies.get(arn)?.document ?? null };
}

/** A group's own inline and attached policies (what each member receives from it). */
export function policiesOfGroup(group: IamGroup, index: DetailsIndex): ReachingPolicy[] {
  const reaching: ReachingPolicy[] = [];
  for (const p of group.inlinePolicies) {
    reaching.push({ label: `group ${group.name}: inline policy ${p.name}`, via: 'group', kind: 'inline', policyName: p.name, policyArn: null, document: p.document, groupName: group.name });
  }
  for (const p of group.attachedPolicies) reaching.push(managedEntry(index, `group ${group.name}`, 'group', p.name, p.arn, group.name));
  return reaching;
}

/**
 * The policies that apply to a user: its own inline and attached policies, those of its
 * groups, and its permissions boundary. `ofGroup` lets the account model hand out each group's
 * list built once.
 */
export function policiesReachingUser(user: IamUser, index: DetailsIndex, ofGroup: (group: IamGroup) => readonly ReachingPolicy[] = (group) => policiesOfGroup(group, index)): ReachingPolicy[] {
  const reaching: ReachingPolicy[] = [];
  for (const p of user.inlinePolicies) {
    reaching.push({ label: `user ${user.name}: inline policy ${p.name}`, via: 'user', kind: 'inline', policyName: p.name, policyArn: null, document: p.document });
  }
  for (const p of user.attachedPolicies) reaching.push(managedEntry(index, `user ${user.name}`, 'user', p.name, p.arn));
  for (const groupName of user.groups) {
    const group = index.groups.get(groupName);
    if (group) reaching.push(...ofGroup(group));
  }
  if (user.permissionsBoundary) reaching.push(boundaryEntry(index, `user ${user.name}`, user.permissionsBoundary.arn));
  return reaching;
}

/** The policies that apply to a role: its inline and attached policies, and its permissions boundary. */
export function policiesReachingRole(role: IamRole, index: DetailsIndex): ReachingPolicy[] {
  const reaching: ReachingPolicy[] = [];
  for (const p of role.inlinePolicies) {
    reaching.push({ label: `role ${role.name}: inline policy ${p.name}`, via: 'role', kind: 'inline', policyName: p.name, policyArn: null, document: p.document });
  }
  for (const p of role.attachedPolicies) reaching.push(managedEntry(index, `role ${role.name}`, 'role', p.name, p.arn));
  if (role.permissionsBoundary) reaching.push(boundaryEntry(index, `role ${role.name}`, role.permissionsBoundary.arn));
  return reaching;
}

/** Groups a user names that the snapshot does not hold (their policies are unknown). */
export function missingGroups(user: IamUser, index: DetailsIndex): string[] {
  return user.groups.filter((g) => !index.groups.has(g));
}
