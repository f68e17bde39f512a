import type { OrganizationContext } from '../organization/facts.js';
import type { IamRole, Snapshot } from '../snapshot/schema.js';
import { groupsAssigned, identityCenterRegionOfRole, identityCenterSource, indexStore, peopleWithAccess, permissionSetNameOfRole, personLabel, type StoreIndex } from './view.js';

// The permission set behind an AWSReservedSSO_* role and who holds it in the account, as the
// findings on that role (admin-access, privilege-escalation) name them: the role alone says only
// the permission set's name; IAM Identity Center says which set it is and who is assigned it.

/** Who holds, in the snapshot's account, the permission set an AWSReservedSSO_* role comes from. */
export interface PermissionSetHolders {
  permissionSetName: string;
  /** Null when IAM Identity Center (or that permission set) was not read. */
  permissionSetArn: string | null;
  instanceArn: string | null;
  /** The people assigned the set in the account, directly or through groups (personLabel, sorted by user name); null when unknown. */
  people: string[] | null;
  /** The groups assigned the set in the account (display names, or ids when the store was not read); null when unknown. */
  groups: string[] | null;
  /** Why the holders are unknown (null when people and groups are known). */
  holdersUnknown: string | null;
}

/** A role's permission set and holders, or null for a role IAM Identity Center did not create. */
export type RoleHolders = (role: Pick<IamRole, 'name' | 'path'>) => PermissionSetHolders | null;

/**
 * The lookup of a run: Identity Center as the run reads it (identityCenterSource: the
 * organization's facts in an organization run), the holders in the snapshot's own account (the
 * account the roles are in). Stores are indexed once; each permission set is looked up once.
 */
export function roleHolders(snapshot: Snapshot, organization: OrganizationContext | null): RoleHolders {
  const source = identityCenterSource(snapshot, organization);
  const accountId = snapshot.accountId;
  const known = new Map<string, PermissionSetHolders>();
  const indexes = new Map<string, StoreIndex>();
  const lookUp = (name: string, roleRegion: string | null): PermissionSetHolders => {
    const unknown = (holdersUnknown: string, found: { permissionSetArn: string; instanceArn: string; groups: string[] | null } | null = null): PermissionSetHolders => ({
      permissionSetName: name,
      permissionSetArn: found?.permissionSetArn ?? null,
      instanceArn: found?.instanceArn ?? null,
      people: null,
      groups: found?.groups ?? null,
      holdersUnknown,
    });
    if (source.status === 'error') return unknown(`IAM Identity Center not read (${source.error.code}: ${source.error.message})`);
    const unread: string[] = [];
    for (const instance of source.data.instances) {
      if (instance.permissionSets.status === 'error') {
        unread.push(`the permission sets of ${instance.instanceArn} were not read (${instance.permissionSets.error.code}: ${instance.permissionSets.error.message})`);
        continue;
      }
      const permissionSet = instance.permissionSets.data.find((ps) => ps.name === name);
      if (!permissionSet) continue;
      const found = { permissionSetArn: permissionSet.arn, instanceArn: instance.instanceArn };
      const store = instance.identityStore;
      if (store.status === 'error') {
        return unknown(`the identity store ${instance.identityStoreId} was not read (${store.error.code}: ${store.error.message})`, { ...found, groups: groupsAssigned(permissionSet, accountId, null) });
      }
      let index = indexes.get(instance.instanceArn);
      if (!index) indexes.set(instance.instanceArn, (index = indexStore(store.data)));
      return { permissionSetName: name, ...found, people: peopleWithAccess(permissionSet, accountId, index).map(personLabel), groups: groupsAssigned(permissionSet, accountId, index), holdersUnknown: null };
    }
    if (unread.length > 0) return unknown(unread.join('; '));
    const read = source.data.instances.map((i) => i.instanceArn);
    // A role made outside us-east-1 names its instance's region in its path: say so when another region was read.
    const elsewhere = roleRegion && roleRegion !== source.data.region ? `; the role's path places its instance in ${roleRegion}` : '';
    return unknown(`${read.length > 0 ? `no permission set so named in ${read.join(', ')}` : `no IAM Identity Center instance was read in ${source.data.region}`}${elsewhere}`);
  };
  return (role) => {
    const name = permissionSetNameOfRole(role);
    if (name === null) return null;
    let holders = known.get(name);
    if (!holders) known.set(name, (holders = lookUp(name, identityCenterRegionOfRole(role))));
    return holders;
  };
}

/**
 * The path of a role from its ARN (`arn:aws:iam::1:role/aws-reserved/sso.amazonaws.com/X` →
 * `/aws-reserved/sso.amazonaws.com/`), for callers that hold only the ARN; `/` for anything else.
 */
export function rolePathOfArn(arn: string): string {
  const resource = arn.split(':role', 2)[1];
  if (!resource) return '/';
  return resource.slice(0, resource.lastIndexOf('/') + 1) || '/';
}

/** How many people a message names; the evidence lists them all. */
const NAMED_IN_MESSAGE = 10;

/**
 * What a finding on the role adds to its message: `(IAM Identity Center permission set X, held
 * here by jdoe (Jane Doe), asmith; groups: Admins)`, or the set's name and why its holders are unknown.
 */
export function holdersText(holders: PermissionSetHolders): string {
  const set = `IAM Identity Center permission set ${holders.permissionSetName}`;
  if (holders.people === null) return `(${set}; holders unknown: ${holders.holdersUnknown ?? 'not read'})`;
  const people = holders.people.length === 0
    ? 'no one'
    : holders.people.length <= NAMED_IN_MESSAGE
      ? holders.people.join(', ')
      : `${holders.people.slice(0, NAMED_IN_MESSAGE).join(', ')} and ${holders.people.length - NAMED_IN_MESSAGE} more (every one in the evidence)`;
  const groups = holders.groups && holders.groups.length > 0 ? `; groups: ${holders.groups.join(', ')}` : '';
  return `(${set}, held here by ${people}${groups})`;
}

/** The finding's evidence field: `identityCenter: { permissionSetName, permissionSetArn, instanceArn, people, groups }` (and holdersUnknown when they are). */
export function holdersEvidence(holders: PermissionSetHolders): { identityCenter: Record<string, unknown> } {
  const { holdersUnknown, ...known } = holders;
  return { identityCenter: holdersUnknown === null ? known : { ...known, holdersUnknown } };
}
