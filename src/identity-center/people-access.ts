import { indexEligibleServices } from '../hipaa/eligible-services.js';
import type { OrganizationContext } from '../organization/facts.js';
import { servicePrefixes } from '../policy/action-catalog.js';
import { adminAccess, reachableServices, type PrincipalPermissions } from '../policy/effective-permissions.js';
import type { Settings } from '../settings.js';
import type { AuthorizationDetails, IdentityCenterInstance, PermissionSet, Snapshot } from '../snapshot/schema.js';
import { accountsInScope, identityCenterScope, identityCenterSource, indexStore, peopleWithAccess, permissionSetPermissions, type IdentityCenterScope, type PersonAccess } from './view.js';

// Who reaches which account through which permission set, and what that set grants there: the
// rows of the monthly access review (access-review.csv) and of report.html's people × accounts,
// and the instance federation (IAM-032) names. Pure: built from the snapshot (or an organization
// run's facts) and the settings; nothing here judges a control.

/** An instance as federation names it: what it reaches in the scope of the run. */
export interface InstanceReach {
  instanceArn: string;
  identityStoreId: string;
  /** Where the instance was read (identityCenter.region). */
  region: string;
  /** Permission sets provisioned or assigned to an account in scope; null when they were not read (with notRead saying why). */
  permissionSets: number | null;
  /** Distinct people with access to an account in scope; null when the permission sets or the identity store were not read. */
  people: number | null;
  notRead: string[];
}

/** Every instance read, each with its reach in the run's scope (single-account run: every account it reaches; organization run: this member). */
export function instancesReaching(region: string, instances: readonly IdentityCenterInstance[], scope: IdentityCenterScope): InstanceReach[] {
  return instances.map((instance) => {
    const notRead: string[] = [];
    let permissionSets: number | null = null;
    let people: number | null = null;
    if (instance.permissionSets.status === 'error') notRead.push(`permission sets: ${instance.permissionSets.error.code}: ${instance.permissionSets.error.message}`);
    if (instance.identityStore.status === 'error') notRead.push(`identity store: ${instance.identityStore.error.code}: ${instance.identityStore.error.message}`);
    if (instance.permissionSets.status === 'ok') {
      const reaching = instance.permissionSets.data.filter((ps) => accountsInScope(ps, scope).length > 0);
      permissionSets = reaching.length;
      if (instance.identityStore.status === 'ok') {
        const index = indexStore(instance.identityStore.data);
        const userIds = new Set(reaching.flatMap((ps) => accountsInScope(ps, scope).flatMap((accountId) => peopleWithAccess(ps, accountId, index).map((p) => p.userId))));
        people = userIds.size;
      }
    }
    return { instanceArn: instance.instanceArn, identityStoreId: instance.identityStoreId, region, permissionSets, people, notRead };
  });
}

/** What a permission set grants in one account, as the review sheet states it. */
export interface PermissionSetGrant {
  /** 'yes' (administrator, as admin-access IAM-014 means it: every action, or all but some leaving IAM administration in reach), 'no', or 'unknown'. */
  admin: 'yes' | 'no' | 'unknown';
  /** Why: the condition or exception of a partial or conditional administrator, or the policies that could not be read. */
  adminNote: string | null;
  /** Services reached, in non-eligible-services' evidence form: prefixes, or "*" then "-prefix" for each catalogue service left out. */
  reachable: string[];
  /** The reached services the eligible-services list does not make eligible (same form). */
  notEligible: string[];
  /** The set's policies as the sheet lists them: `AdministratorAccess`, `clinical-read-only (customer managed)`, `AwsSSOInlinePolicy (inline)`. */
  policies: string[];
  /** The boundary's name, or null. */
  boundary: string | null;
  /** Policies (customer managed references, AWS managed documents) that could not be read in that account. */
  unreadable: string[];
}

/** One person's access to one account through one permission set: a row of the review sheet. */
export interface PersonAccountAccess extends PersonAccess {
  instanceArn: string;
  grant: PermissionSetGrant;
}

/**
 * The people with account access through IAM Identity Center, or why they cannot be listed: rows
 * (sorted by account, permission set name, then person), and what could not be read of an
 * instance (its permission sets or identity store), which the sheet states as a row of its own.
 */
export type PeopleAccess =
  | { status: 'ok'; rows: PersonAccountAccess[]; notRead: string[]; accounts: string[] }
  | { status: 'error'; reason: string };

/**
 * Every person × account × permission set in the run's scope (identityCenterScope), each with
 * what the set grants there: permissionSetPermissions judged with the account's authorization
 * details when the account is the snapshot's own (other accounts were not read: their customer
 * managed references are unknown, so admin is "unknown" unless the rest already makes it "yes").
 * A set without customer managed policies grants the same in every account: judged once.
 */
export function peopleAccess(snapshot: Snapshot, organization: OrganizationContext | null, settings: Pick<Settings, 'eligibleServices'>, now: Date): PeopleAccess {
  const source = identityCenterSource(snapshot, organization);
  if (source.status === 'error') return { status: 'error', reason: `IAM Identity Center not read (${source.error.code}: ${source.error.message})` };
  const scope = identityCenterScope(snapshot, organization);
  const details = snapshot.sources.authorizationDetails.status === 'ok' ? snapshot.sources.authorizationDetails.data : null;
  const grants = grantReader(snapshot.accountId, details, settings, now);
  const rows: PersonAccountAccess[] = [];
  const notRead: string[] = [];
  const accounts = new Set<string>();
  for (const instance of source.data.instances) {
    if (instance.permissionSets.status === 'error') {
      notRead.push(`the permission sets of ${instance.instanceArn} (${instance.permissionSets.error.code}: ${instance.permissionSets.error.message})`);
      continue;
    }
    if (instance.identityStore.status === 'error') {
      notRead.push(`the identity store ${instance.identityStoreId} of ${instance.instanceArn}, so nobody can be named (${instance.identityStore.error.code}: ${instance.identityStore.error.message})`);
      continue;
    }
    const index = indexStore(instance.identityStore.data);
    for (const permissionSet of instance.permissionSets.data) {
      for (const accountId of accountsInScope(permissionSet, scope)) {
        accounts.add(accountId);
        const people = peopleWithAccess(permissionSet, accountId, index);
        if (people.length === 0) continue;
        const grant = grants(instance, permissionSet, accountId);
        for (const person of people) rows.push({ ...person, instanceArn: instance.instanceArn, grant });
      }
    }
  }
  rows.sort((a, b) => a.accountId.localeCompare(b.accountId) || a.permissionSet.name.localeCompare(b.permissionSet.name) || (a.userName ?? '\uffff').localeCompare(b.userName ?? '\uffff') || a.userId.localeCompare(b.userId));
  return { status: 'ok', rows, notRead, accounts: [...accounts].sort() };
}

/** What a permission set grants in an account, each distinct (set, account whose policies matter) judged once. */
function grantReader(ownAccount: string, details: AuthorizationDetails | null, settings: Pick<Settings, 'eligibleServices'>, now: Date) {
  const index = indexEligibleServices(settings.eligibleServices);
  const catalogue = servicePrefixes();
  const judged = new Map<string, PermissionSetGrant>();
  return (instance: IdentityCenterInstance, permissionSet: PermissionSet, accountId: string): PermissionSetGrant => {
    // Only customer managed references (policies or boundary) resolve per account.
    const perAccount = permissionSet.customerManagedPolicies.length > 0 || permissionSet.permissionsBoundary?.customerManagedPolicy;
    const key = `${instance.instanceArn} ${permissionSet.arn} ${perAccount ? accountId : ''}`;
    let grant = judged.get(key);
    if (!grant) {
      const perms = permissionSetPermissions(instance, permissionSet, accountId, accountId === ownAccount ? details : null, now);
      grant = grantOf(perms, permissionSet, (service) => index.classify(service).status === 'not-eligible', catalogue);
      judged.set(key, grant);
    }
    return grant;
  };
}

function grantOf(perms: PrincipalPermissions, permissionSet: PermissionSet, notEligible: (service: string) => boolean, catalogue: readonly string[]): PermissionSetGrant {
  const access = adminAccess(perms);
  const policies = [
    ...permissionSet.awsManagedPolicies.map((p) => p.name),
    ...permissionSet.customerManagedPolicies.map((p) => `${p.name} (customer managed)`),
    ...(permissionSet.inlinePolicy ? ['AwsSSOInlinePolicy (inline)'] : []),
  ];
  const boundary = permissionSet.permissionsBoundary?.managedPolicyArn?.split('/').pop() ?? permissionSet.permissionsBoundary?.customerManagedPolicy?.name ?? null;
  const base = { policies, boundary, unreadable: perms.unreadable };
  // Every action on every resource reaches every service: no need to list them.
  const reached = access.status === 'admin' ? null : reachableServices(perms).map((r) => r.service);
  const reach = reached === null
    ? { reachable: ['*'], notEligible: ['*'] }
    : { reachable: compact(reached, catalogue), notEligible: compact(reached.filter(notEligible), catalogue.filter(notEligible)) };
  if (access.status === 'admin' || access.status === 'conditional' || access.status === 'partial') {
    const adminNote = access.status === 'admin' ? null : access.status === 'conditional' ? `under conditions: ${access.limits.join('; ') || 'see admin-access'}` : `every action but ${access.except ?? 'some'}, which leaves IAM administration in reach`;
    return { ...base, admin: 'yes', adminNote, ...reach };
  }
  const unknown = perms.unreadable.length > 0;
  return { ...base, admin: unknown ? 'unknown' : 'no', adminNote: unknown ? `${perms.unreadable.join('; ')} could not be read` : null, ...reach };
}

/** As non-eligible-services states a reach: listed when at most half of `universe`, else "*" and "-prefix" for each left out (then any prefix outside it). */
function compact(listed: readonly string[], universe: readonly string[]): string[] {
  const inUniverse = new Set(universe);
  if (listed.filter((s) => inUniverse.has(s)).length * 2 <= universe.length) return [...listed];
  const present = new Set(listed);
  return ['*', ...universe.filter((s) => !present.has(s)).sort((a, b) => a.localeCompare(b)).map((s) => `-${s}`), ...listed.filter((s) => !inUniverse.has(s))];
}
