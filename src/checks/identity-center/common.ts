import { accountsInScope, groupsAssigned, identityCenterRegionOfRole, permissionSetPermissions, identityCenterScope, identityCenterSource, indexStore, peopleWithAccess, permissionSetNameOfRole, personLabel, type IdentityCenterScope, type StoreIndex } from '../../identity-center/view.js';
import type { PrincipalPermissions } from '../../policy/effective-permissions.js';
import type { IdentityCenterInstance, PermissionSet } from '../../snapshot/schema.js';
import { isIdentityCenterRole } from '../../snapshot/principals.js';
import { accountFinding, defineCheck, optionalSourceData, type Check, type CheckContext, type FindingDraft, type Status } from '../check.js';
import { usedFacts } from '../organization/facts-evidence.js';

// What the identity-center controls (IAM-033 to IAM-037) share: the instances a run judges (or the
// one finding that stands for none), an instance part that could not be read as ERROR, and who
// holds a permission set in an account, as messages and evidence name them.

export const INSTANCE_TYPE = 'AWS::SSO::Instance';
export const PERMISSION_SET_TYPE = 'AWS::SSO::PermissionSet';
export const ASSIGNMENT_TYPE = 'AWS::SSO::Assignment';

/** The region Identity Center lives in when an AWSReservedSSO_* role's path names none (roles of us-east-1 instances). */
const DEFAULT_INSTANCE_REGION = 'us-east-1';

/** The Identity Center a check judges: the region sso-admin was asked in, its instances and the accounts in scope. */
export interface IdentityCenterRun {
  region: string;
  instances: readonly IdentityCenterInstance[];
  scope: IdentityCenterScope;
}

/**
 * The instances a check judges, or the findings that stand for none. The engine has made an
 * unreadable identityCenter source ERROR (sources: ['identityCenter']). With no instance in the
 * region: NOT_APPLICABLE, unless the account's own authorization details hold roles Identity
 * Center provisioned (AWSReservedSSO_*): permission sets then reach the account from an instance
 * this run could not read (another region, or an account this run did not read), and no verdict
 * on them may be "nothing to judge": ERROR saying where to read it.
 */
export function identityCenterRun(context: CheckContext): IdentityCenterRun | FindingDraft[] {
  const { snapshot, organization } = context;
  const source = identityCenterSource(snapshot, organization);
  if (source.status !== 'ok') throw new Error('identityCenter is unavailable');
  const { region, instances } = source.data;
  if (instances.length > 0) return { region, instances, scope: identityCenterScope(snapshot, organization) };
  const account = snapshot.accountId;
  const roles = (optionalSourceData(snapshot, 'authorizationDetails')?.roles ?? []).filter(isIdentityCenterRole);
  if (roles.length === 0) {
    return [accountFinding(account, 'NOT_APPLICABLE', `no IAM Identity Center instance in ${region} readable from this account`, { region, identityCenterRoles: [] })];
  }
  const permissionSets = [...new Set(roles.map((r) => permissionSetNameOfRole(r) ?? r.name))].sort();
  const regions = [...new Set(roles.map((r) => identityCenterRegionOfRole(r) ?? DEFAULT_INSTANCE_REGION))].sort();
  const where = organization
    ? `read IAM Identity Center from the account that holds the instance with --identity-center-region ${regions.join(' or ')}`
    : `audit the account that holds the instance (the management account or Identity Center's delegated administrator) with --identity-center-region ${regions.join(' or ')}, or run with --organization`;
  return [
    accountFinding(
      account,
      'ERROR',
      `permission sets ${permissionSets.join(', ')} reach account ${account} (roles ${roles.map((r) => r.name).sort().join(', ')}) from an IAM Identity Center instance this run could not read (none in ${region} readable from ${organization ? 'the account the organization\'s Identity Center was read from' : 'this account'}): ${where}`,
      { region, instanceRegions: regions, permissionSets, identityCenterRoles: roles.map((r) => r.arn).sort() },
    ),
  ];
}

/** A finding about an instance as a whole. */
export function instanceFinding(instance: IdentityCenterInstance, status: Status, message: string, evidence: Record<string, unknown> = {}): FindingDraft {
  return { status, resourceType: INSTANCE_TYPE, resourceArn: instance.instanceArn, resourceName: instance.name ?? instance.instanceArn, message, evidence: { instanceArn: instance.instanceArn, identityStoreId: instance.identityStoreId, ...evidence } };
}

/** The ERROR of an instance part that could not be read (permission sets or identity store): never a PASS. */
export function partError(instance: IdentityCenterInstance, part: 'permissionSets' | 'identityStore', why: string): FindingDraft {
  const result = instance[part];
  if (result.status === 'ok') throw new Error(`${part} was read`);
  const what = part === 'permissionSets' ? 'permission sets' : 'identity store';
  return instanceFinding(instance, 'ERROR', `IAM Identity Center instance ${instance.instanceArn}: its ${what} could not be read (${result.error.code}: ${result.error.message}), so ${why}`, { part, errorCode: result.error.code, errorMessage: result.error.message });
}

/** The identity store of an instance indexed, or null when it could not be read. */
export function storeOf(instance: IdentityCenterInstance): StoreIndex | null {
  return instance.identityStore.status === 'ok' ? indexStore(instance.identityStore.data) : null;
}

/** Who holds a permission set in an account: people (personLabel) and groups assigned, and a phrase naming them for messages. */
export interface Holders {
  people: string[];
  groups: string[];
  /** `held by jdoe (Jane Doe), bob; groups: Admins`, or `assigned to nobody`. */
  text: string;
}

/** How many names a message lists; the evidence lists them all. */
const NAMED_IN_MESSAGE = 10;

export function listed(names: readonly string[]): string {
  if (names.length <= NAMED_IN_MESSAGE) return names.join(', ');
  return `${names.slice(0, NAMED_IN_MESSAGE).join(', ')} and ${names.length - NAMED_IN_MESSAGE} more (every one in the evidence)`;
}

/**
 * The people and groups holding the permission set in the account. Without the identity store
 * (`store` null: it could not be read) only users assigned directly can be named, by id, and
 * groups by id; the phrase says the members of groups are unknown.
 */
export function holdersOf(instance: IdentityCenterInstance, permissionSet: PermissionSet, accountId: string, store: StoreIndex | null): Holders {
  const groups = groupsAssigned(permissionSet, accountId, store);
  let people: string[];
  let unknown = '';
  if (store) {
    people = peopleWithAccess(permissionSet, accountId, store).map(personLabel);
  } else {
    people = [...new Set(permissionSet.assignments.filter((a) => a.accountId === accountId && a.principalType === 'USER').map((a) => `user ${a.principalId}`))].sort();
    const error = instance.identityStore.status === 'error' ? instance.identityStore.error : null;
    unknown = ` (identity store ${instance.identityStoreId} could not be read${error ? `: ${error.code}` : ''}: users are named by id, members of groups are not known)`;
  }
  const parts = [...(people.length > 0 ? [`held by ${listed(people)}`] : []), ...(groups.length > 0 ? [`group${groups.length > 1 ? 's' : ''} ${listed(groups)}`] : [])];
  const text = parts.length > 0 ? `${parts.join('; ')}${unknown}` : `assigned to nobody${unknown}`;
  return { people, groups, text };
}

/** The evidence every finding about a permission set in an account carries. */
export function permissionSetEvidence(instance: IdentityCenterInstance, permissionSet: PermissionSet, accountId: string, holders: Holders): Record<string, unknown> {
  return { instanceArn: instance.instanceArn, permissionSetArn: permissionSet.arn, permissionSetName: permissionSet.name, accountId, people: holders.people, groups: holders.groups };
}

/** A permission set provisioned and assigned nowhere: nothing reaches an account through it. */
export function provisionedNowhere(instance: IdentityCenterInstance, permissionSet: PermissionSet): FindingDraft {
  return {
    status: 'NOT_APPLICABLE',
    resourceType: PERMISSION_SET_TYPE,
    resourceArn: permissionSet.arn,
    resourceName: permissionSet.name,
    message: `permission set ${permissionSet.name} is provisioned to no account`,
    evidence: { instanceArn: instance.instanceArn, permissionSetArn: permissionSet.arn, permissionSetName: permissionSet.name, accounts: [] },
  };
}

/** No permission set to judge: the instances hold none, or (organization run) none reaches the member. */
export function nothingReaches(context: CheckContext, run: IdentityCenterRun): FindingDraft {
  const account = context.snapshot.accountId;
  const instances = run.instances.map((i) => i.instanceArn).join(', ');
  const message = run.scope.kind === 'account' ? `no permission set of IAM Identity Center instance ${instances} reaches account ${account}` : `IAM Identity Center instance ${instances} holds no permission set`;
  return accountFinding(account, 'NOT_APPLICABLE', message, { region: run.region, instanceArns: run.instances.map((i) => i.instanceArn) });
}

/**
 * A refused or failed identitystore call leaves who holds each permission set unknown, so no
 * finding of that instance may PASS: a would-be PASS becomes ERROR naming the call's error (a
 * denied sso-admin or identitystore call is never a PASS); FAIL, MANUAL and the rest stand, as
 * they hold whoever the holders are. Findings name their instance in evidence.instanceArn.
 */
export function noPassWithoutStore(run: IdentityCenterRun, findings: FindingDraft[]): FindingDraft[] {
  const unreadable = new Map(run.instances.flatMap((i) => (i.identityStore.status === 'error' ? [[i.instanceArn, { id: i.identityStoreId, error: i.identityStore.error }] as const] : [])));
  if (unreadable.size === 0) return findings;
  return findings.map((finding) => {
    const store = finding.status === 'PASS' ? unreadable.get(finding.evidence.instanceArn as string) : undefined;
    if (!store) return finding;
    const why = `${store.error.code}: ${store.error.message}`;
    return { ...finding, status: 'ERROR', message: `${finding.message}; but identity store ${store.id} could not be read (${why}), so who holds it is unknown and it cannot pass`, evidence: { ...finding.evidence, identityStoreError: why } };
  });
}

/**
 * A permission set in one account as one principal (permissionSetPermissions): customer managed
 * references resolve only in an account whose authorization details the run read, its own, and
 * there the run's account model compiles the policies once.
 */
export function permissionsInAccount(context: CheckContext, instance: IdentityCenterInstance, permissionSet: PermissionSet, accountId: string): PrincipalPermissions {
  const { snapshot, now } = context;
  const details = accountId === snapshot.accountId ? optionalSourceData(snapshot, 'authorizationDetails') : null;
  return permissionSetPermissions(instance, permissionSet, accountId, details, now, details ? context.model : null);
}

/**
 * The findings of a control judged per permission set × account in scope (IAM-033, IAM-035):
 * `judge` for each pair; an instance whose permission sets could not be read is one ERROR saying
 * `cannot` ("no permission set can be judged for …"); a set reaching no account (single-account
 * run) is NOT_APPLICABLE; nothing in scope is one NOT_APPLICABLE; and no PASS without the
 * identity store (noPassWithoutStore).
 */
export function judgeEachInAccount(
  context: CheckContext,
  run: IdentityCenterRun,
  cannot: string,
  judge: (instance: IdentityCenterInstance, permissionSet: PermissionSet, accountId: string, store: StoreIndex | null) => FindingDraft,
): FindingDraft[] {
  const findings: FindingDraft[] = [];
  for (const instance of run.instances) {
    if (instance.permissionSets.status !== 'ok') {
      findings.push(partError(instance, 'permissionSets', cannot));
      continue;
    }
    const store = storeOf(instance);
    for (const permissionSet of instance.permissionSets.data) {
      const accounts = accountsInScope(permissionSet, run.scope);
      if (run.scope.kind === 'all' && accounts.length === 0) findings.push(provisionedNowhere(instance, permissionSet));
      for (const accountId of accounts) findings.push(judge(instance, permissionSet, accountId, store));
    }
  }
  return findings.length > 0 ? noPassWithoutStore(run, findings) : [nothingReaches(context, run)];
}

/**
 * An identity-center control (IAM-033 to IAM-037). In an organization run its verdicts come from
 * the organization's Identity Center, read once, and judge only what reaches the member: each
 * finding then carries evidence.organization saying so, as every verdict the organization's facts
 * decide does (src/checks/organization/facts-evidence.ts).
 */
export function defineIdentityCenterCheck(check: Check): Check {
  return defineCheck({
    meta: check.meta,
    run(context) {
      const drafts = check.run(context);
      const { organization } = context;
      if (!organization) return drafts;
      const facts = usedFacts(
        organization,
        'identityCenter',
        `judged from the organization's IAM Identity Center, read once from ${organization.facts.readFrom.accountId}, for what reaches this account only; a single-account run judges the instance the account itself can read, and everything it reaches`,
      );
      return drafts.map((draft) => ({ ...draft, evidence: { ...draft.evidence, organization: facts } }));
    },
  });
}
