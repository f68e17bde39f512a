import type { OrganizationContext } from '../organization/facts.js';
import { permissionsFrom, type PolicyRegistry, type PrincipalInfo, type PrincipalPermissions } from '../policy/effective-permissions.js';
import type { ReachingPolicy } from '../policy/principal-policies.js';
import type { AuthorizationDetails, IamRole, IdentityCenterInstance, IdentityStore, PermissionSet, PolicyDocument, Snapshot, SourceResult } from '../snapshot/schema.js';

// Pure lookups over IAM Identity Center as a snapshot (or an organization's facts) holds it: which
// source a run reads, which accounts it judges, who holds a permission set where, and what a
// permission set grants in one account. Checks, the access review and the reports share them.

/**
 * The Identity Center a run judges: in an organization-wide run the facts read once from the
 * account that holds the instance (OrganizationFacts.identityCenter; each member's own source is
 * not read), else the snapshot's own identityCenter source.
 */
export function identityCenterSource(snapshot: Snapshot, organization: OrganizationContext | null): SourceResult<'identityCenter'> {
  return organization ? organization.facts.identityCenter : snapshot.sources.identityCenter;
}

/**
 * The accounts whose Identity Center access a run judges: in an organization-wide run only the
 * member account at hand (each account's findings name what reaches it); in a single-account run
 * every account the instances read reach (the run reads the instance, so it judges all of it).
 */
export type IdentityCenterScope = { kind: 'all' } | { kind: 'account'; accountId: string };

export function identityCenterScope(snapshot: Snapshot, organization: OrganizationContext | null): IdentityCenterScope {
  return organization ? { kind: 'account', accountId: snapshot.accountId } : { kind: 'all' };
}

/** Whether the scope covers an account. */
export function inScope(scope: IdentityCenterScope, accountId: string): boolean {
  return scope.kind === 'all' || scope.accountId === accountId;
}

/** The accounts of a permission set the scope judges: where it is provisioned or assigned, sorted. */
export function accountsInScope(permissionSet: PermissionSet, scope: IdentityCenterScope): string[] {
  const accounts = new Set([...permissionSet.accounts, ...permissionSet.assignments.map((a) => a.accountId)]);
  return [...accounts].filter((a) => inScope(scope, a)).sort();
}

export type IdentityStoreUser = IdentityStore['users'][number];
export type IdentityStoreGroup = IdentityStore['groups'][number];

/** One person's access to one account through one permission set, and how it comes to them. */
export interface PersonAccess {
  accountId: string;
  permissionSet: PermissionSet;
  /** The identity store user; a user id the store does not list is kept with userName null. */
  userId: string;
  userName: string | null;
  displayName: string | null;
  /** Assigned the set in the account as a user (not only through groups). */
  direct: boolean;
  /** Display names (or ids, for groups the store does not list) of the groups through which the access comes, sorted. */
  viaGroups: string[];
}

/** Lookups over one identity store, built once per instance. */
export interface StoreIndex {
  users: ReadonlyMap<string, IdentityStoreUser>;
  groups: ReadonlyMap<string, IdentityStoreGroup>;
  /** group id → its members' user ids. */
  members: ReadonlyMap<string, readonly string[]>;
}

export function indexStore(store: IdentityStore): StoreIndex {
  const members = new Map<string, string[]>();
  for (const m of store.memberships) {
    const list = members.get(m.groupId);
    if (list) list.push(m.userId);
    else members.set(m.groupId, [m.userId]);
  }
  return { users: new Map(store.users.map((u) => [u.id, u])), groups: new Map(store.groups.map((g) => [g.id, g])), members };
}

/** A group as findings name it: its display name, or its id when the store does not list it. */
export function groupLabel(index: StoreIndex, groupId: string): string {
  return index.groups.get(groupId)?.displayName ?? groupId;
}

/**
 * Every person's access through the permission set in the account: users assigned directly, and
 * the members of groups assigned, one entry per user (sorted by user name, then id). Needs the
 * identity store: without it nobody behind a group can be named.
 */
export function peopleWithAccess(permissionSet: PermissionSet, accountId: string, index: StoreIndex): PersonAccess[] {
  const byUser = new Map<string, { direct: boolean; groups: Set<string> }>();
  const entry = (userId: string) => {
    let e = byUser.get(userId);
    if (!e) byUser.set(userId, (e = { direct: false, groups: new Set() }));
    return e;
  };
  for (const a of permissionSet.assignments) {
    if (a.accountId !== accountId) continue;
    if (a.principalType === 'USER') entry(a.principalId).direct = true;
    else for (const userId of index.members.get(a.principalId) ?? []) entry(userId).groups.add(groupLabel(index, a.principalId));
  }
  return [...byUser.entries()]
    .map(([userId, e]) => {
      const user = index.users.get(userId);
      return { accountId, permissionSet, userId, userName: user?.userName ?? null, displayName: user?.displayName ?? null, direct: e.direct, viaGroups: [...e.groups].sort() };
    })
    .sort((a, b) => (a.userName ?? '\uffff').localeCompare(b.userName ?? '\uffff') || a.userId.localeCompare(b.userId));
}

/** The groups assigned the permission set in the account, as findings name them (sorted). */
export function groupsAssigned(permissionSet: PermissionSet, accountId: string, index: StoreIndex | null): string[] {
  return permissionSet.assignments
    .filter((a) => a.accountId === accountId && a.principalType === 'GROUP')
    .map((a) => (index ? groupLabel(index, a.principalId) : a.principalId))
    .sort();
}

/** A person as findings and the access review name them: `jdoe (Jane Doe)`, or the user id when the store does not list them. */
export function personLabel(person: Pick<PersonAccess, 'userId' | 'userName' | 'displayName'>): string {
  if (person.userName === null) return `user ${person.userId} (not in the identity store)`;
  return person.displayName && person.displayName !== person.userName ? `${person.userName} (${person.displayName})` : person.userName;
}

/**
 * `PT12H`, `PT1H30M`, `PT3600S` → hours (12, 1.5, 1); anything else → null. Permission set
 * session durations are ISO 8601 durations of hours, minutes and seconds (sso-admin
 * CreatePermissionSet: "SessionDuration ... in the ISO-8601 standard"; 1 to 12 hours).
 */
export function durationHours(iso: string): number | null {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(iso.trim());
  if (!m || iso.trim() === 'P' || iso.trim().endsWith('T')) return null;
  const [, d, h, min, s] = m;
  if (d === undefined && h === undefined && min === undefined && s === undefined) return null;
  return Number(d ?? 0) * 24 + Number(h ?? 0) + Number(min ?? 0) / 60 + Number(s ?? 0) / 3600;
}

/** AWS's default session duration of a permission set that names none (sso-admin: "the default value is PT1H"). */
export const DEFAULT_SESSION_DURATION = 'PT1H';

/**
 * The name of the permission set behind a role IAM Identity Center created in an account
 * (`AWSReservedSSO_<permission set name>_<16 hex digits>` under `/aws-reserved/sso.amazonaws.com/`),
 * or null for any other role. The name alone is known from the role; the instance says the rest.
 */
export function permissionSetNameOfRole(role: Pick<IamRole, 'name' | 'path'>): string | null {
  if (!role.path.startsWith('/aws-reserved/sso.amazonaws.com/')) return null;
  const m = /^AWSReservedSSO_(.+)_[0-9a-f]{16}$/.exec(role.name);
  return m ? m[1]! : null;
}

/** The region named in an Identity Center role's path (`/aws-reserved/sso.amazonaws.com/eu-west-1/`), else null (us-east-1 roles name none). */
export function identityCenterRegionOfRole(role: Pick<IamRole, 'path'>): string | null {
  const m = /^\/aws-reserved\/sso\.amazonaws\.com\/([a-z]{2}(?:-[a-z]+)+-\d+)\/$/.exec(role.path);
  return m ? m[1]! : null;
}

/** The permission set of the instances with this name (names are unique within an instance), with its instance. */
export function permissionSetNamed(instances: readonly IdentityCenterInstance[], name: string): { instance: IdentityCenterInstance; permissionSet: PermissionSet } | null {
  for (const instance of instances) {
    if (instance.permissionSets.status !== 'ok') continue;
    const permissionSet = instance.permissionSets.data.find((ps) => ps.name === name);
    if (permissionSet) return { instance, permissionSet };
  }
  return null;
}

/** `arn:aws:iam::111122223333:policy/path/name`: a customer managed reference as it resolves in one account. */
export function customerManagedPolicyArn(reference: { name: string; path: string }, accountId: string, partition = 'aws'): string {
  const path = reference.path === '' ? '/' : reference.path;
  return `arn:${partition}:iam::${accountId}:policy${path.endsWith('/') ? path : `${path}/`}${reference.name}`;
}

/** The partition of an instance (`arn:aws-us-gov:sso:::instance/…` → aws-us-gov). */
export function partitionOf(instanceArn: string): string {
  return instanceArn.split(':')[1] || 'aws';
}

/**
 * What a permission set grants in one account, as the policies that reach the role Identity
 * Center provisions there: its AWS managed policies (documents read with the instance, else from
 * the account's own authorization details), its customer managed references resolved by name and
 * path in that account, its inline policy and its boundary. `details` are the account's
 * authorization details, or null when the run did not read that account: every customer managed
 * reference is then unreadable, and so judged as unknown (never as granting nothing).
 */
export function permissionSetPolicies(instance: IdentityCenterInstance, permissionSet: PermissionSet, accountId: string, details: AuthorizationDetails | null): { reaching: ReachingPolicy[]; boundaryArn: string | null } {
  const partition = partitionOf(instance.instanceArn);
  const owner = `permission set ${permissionSet.name}`;
  const inAccount = details ? new Map(details.policies.map((p) => [p.arn, p])) : null;
  const awsDocument = (arn: string): PolicyDocument | null => {
    const read = instance.awsManagedPolicyDocuments[arn];
    if (read?.status === 'ok') return read.data.document;
    return inAccount?.get(arn)?.document ?? null;
  };
  const customerDocument = (arn: string): PolicyDocument | null => inAccount?.get(arn)?.document ?? null;
  const reaching: ReachingPolicy[] = [];
  if (permissionSet.inlinePolicy) {
    reaching.push({ label: `${owner}: inline policy`, via: 'role', kind: 'inline', policyName: 'AwsSSOInlinePolicy', policyArn: null, document: permissionSet.inlinePolicy });
  }
  for (const p of permissionSet.awsManagedPolicies) {
    reaching.push({ label: `${owner}: managed policy ${p.name}`, via: 'role', kind: 'managed', policyName: p.name, policyArn: p.arn, document: awsDocument(p.arn) });
  }
  for (const ref of permissionSet.customerManagedPolicies) {
    const arn = customerManagedPolicyArn(ref, accountId, partition);
    const where = details ? '' : ` (account ${accountId} was not read)`;
    reaching.push({ label: `${owner}: customer managed policy ${ref.path}${ref.name} in ${accountId}${where}`, via: 'role', kind: 'managed', policyName: ref.name, policyArn: arn, document: customerDocument(arn) });
  }
  let boundaryArn: string | null = null;
  const boundary = permissionSet.permissionsBoundary;
  if (boundary?.managedPolicyArn) {
    boundaryArn = boundary.managedPolicyArn;
    reaching.push({ label: `${owner}: permissions boundary ${boundaryArn.split('/').pop()}`, via: 'boundary', kind: 'boundary', policyName: boundaryArn.split('/').pop() ?? boundaryArn, policyArn: boundaryArn, document: awsDocument(boundaryArn) });
  } else if (boundary?.customerManagedPolicy) {
    boundaryArn = customerManagedPolicyArn(boundary.customerManagedPolicy, accountId, partition);
    reaching.push({ label: `${owner}: permissions boundary ${boundary.customerManagedPolicy.path}${boundary.customerManagedPolicy.name} in ${accountId}`, via: 'boundary', kind: 'boundary', policyName: boundary.customerManagedPolicy.name, policyArn: boundaryArn, document: customerDocument(boundaryArn) });
  }
  return { reaching, boundaryArn };
}

/**
 * The permission set in one account judged as one principal by the policy engine (a role named
 * `AWSReservedSSO_<name>` of that account), so admin access, escalation and service reach read it
 * as they read any role. `registry` shares compiled policies with the run's account model; pass
 * it only when `accountId` is the run's own account and `details` are its details.
 */
export function permissionSetPermissions(
  instance: IdentityCenterInstance,
  permissionSet: PermissionSet,
  accountId: string,
  details: AuthorizationDetails | null,
  now: Date,
  registry: PolicyRegistry | null = null,
): PrincipalPermissions {
  const { reaching, boundaryArn } = permissionSetPolicies(instance, permissionSet, accountId, details);
  const partition = partitionOf(instance.instanceArn);
  const principal: PrincipalInfo = {
    type: 'role',
    name: `AWSReservedSSO_${permissionSet.name}`,
    arn: `arn:${partition}:iam::${accountId}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_${permissionSet.name}`,
    id: permissionSet.arn,
    tags: new Map(),
    boundaryArn,
    serviceLinked: false,
  };
  return permissionsFrom(principal, reaching, now, [], registry);
}

/** The finding resource of a permission set in one account: `<permission set ARN>@<account id>` (stable: names may change, ARNs do not). */
export function permissionSetInAccount(permissionSet: Pick<PermissionSet, 'arn'>, accountId: string): string {
  return `${permissionSet.arn}@${accountId}`;
}
