import { NO_HISTORY, type Check, type Finding } from '../../../src/checks/check.js';
import { runChecks } from '../../../src/checks/engine.js';
import type { OrganizationContext } from '../../../src/organization/facts.js';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/settings.js';
import type { IdentityCenterInstance, IdentityStore, PermissionSet, PolicyDocument, Snapshot } from '../../../src/snapshot/schema.js';
import { ACCOUNT, NOW, snapshotWith } from '../../support/snapshot.js';

/** Small IAM Identity Center instances for the identity-center controls' tables. */

export const OTHER = '222233334444';
export const INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-1111111111111111';
export const STORE_ID = 'd-1111111111';
export const ADMINISTRATOR_ACCESS = 'arn:aws:iam::aws:policy/AdministratorAccess';
export const S3_READ_ONLY = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';

export { allow, deny, doc } from '../least-privilege/helpers.js';
export const ALLOW_ALL: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
export const allowOnly = (...actions: string[]): PolicyDocument => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] });

/** A permission set of the test instance (PT1H, nothing attached, provisioned nowhere) with `fields` laid over it. */
export function permissionSet(name: string, fields: Partial<PermissionSet> = {}): PermissionSet {
  return {
    arn: `arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-${name.toLowerCase()}`,
    name,
    description: null,
    sessionDuration: 'PT1H',
    createdDate: null,
    awsManagedPolicies: [],
    customerManagedPolicies: [],
    inlinePolicy: null,
    permissionsBoundary: null,
    accounts: [],
    assignments: [],
    ...fields,
  };
}

export const user = (accountId: string, principalId: string) => ({ accountId, principalType: 'USER' as const, principalId });
export const group = (accountId: string, principalId: string) => ({ accountId, principalType: 'GROUP' as const, principalId });

/** alice, bob, carol, dave; group Admins (bob, carol) and Clinicians (dave). */
export const STORE: IdentityStore = {
  users: [
    { id: 'u-alice', userName: 'alice', displayName: 'Alice Ng' },
    { id: 'u-bob', userName: 'bob', displayName: 'Bob Ruiz' },
    { id: 'u-carol', userName: 'carol', displayName: null },
    { id: 'u-dave', userName: 'dave', displayName: 'Dave Okafor' },
  ],
  groups: [
    { id: 'g-admins', displayName: 'Admins', description: null },
    { id: 'g-clinicians', displayName: 'Clinicians', description: null },
  ],
  memberships: [
    { groupId: 'g-admins', userId: 'u-bob' },
    { groupId: 'g-admins', userId: 'u-carol' },
    { groupId: 'g-clinicians', userId: 'u-dave' },
  ],
};

/** The test instance holding these permission sets, the store above and the AWS managed documents below. */
export function instance(permissionSets: PermissionSet[], fields: Partial<IdentityCenterInstance> = {}): IdentityCenterInstance {
  return {
    instanceArn: INSTANCE_ARN,
    identityStoreId: STORE_ID,
    name: 'clinic',
    ownerAccountId: ACCOUNT,
    status: 'ACTIVE',
    createdDate: null,
    permissionSets: { status: 'ok', data: permissionSets },
    identityStore: { status: 'ok', data: STORE },
    awsManagedPolicyDocuments: {
      [ADMINISTRATOR_ACCESS]: { status: 'ok', data: { versionId: 'v1', document: ALLOW_ALL } },
      [S3_READ_ONLY]: { status: 'ok', data: { versionId: 'v3', document: allowOnly('s3:Get*', 's3:List*') } },
    },
    ...fields,
  };
}

export const unreadablePart = (code = 'AccessDeniedException', message = 'not authorized to perform sso:ListPermissionSets') => ({ status: 'error' as const, error: { code, message } });

/** A snapshot of ACCOUNT whose Identity Center holds these instances; `patch` changes anything else. */
export function withIdentityCenter(instances: IdentityCenterInstance[], patch: (s: Snapshot) => void = () => {}): Snapshot {
  return snapshotWith((s) => {
    s.sources.identityCenter = { status: 'ok', data: { region: 'us-east-1', instances } };
    patch(s);
  });
}

/** A check's findings as a single-account run (or, given one, an organization run) judges the snapshot. */
export function judge(check: Check, snapshot: Snapshot, settings: Partial<Settings> = {}, organization: OrganizationContext | null = null): Finding[] {
  return runChecks([check], snapshot, { ...DEFAULT_SETTINGS, ...settings }, NOW, NO_HISTORY, organization);
}

/** Status per finding resource. */
export function statuses(findings: readonly Finding[]): Record<string, string> {
  return Object.fromEntries(findings.map((f) => [f.resourceArn, f.status]));
}

export const at = (ps: PermissionSet, accountId: string) => `${ps.arn}@${accountId}`;
