import type { IamRole, IdentityCenterInstance, IdentityStore, PermissionSet, PolicyDocument, Snapshot } from '../../src/snapshot/schema.js';
import { ACCOUNT, iamRole } from './snapshot.js';

// Small IAM Identity Center snapshots for tests: an instance, its permission sets and identity
// store, and the AWSReservedSSO_* role a permission set becomes in an account.

export const INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-1111222233334444';
export const IDENTITY_STORE_ID = 'd-1111222233';
export const ADMINISTRATOR_ACCESS = 'arn:aws:iam::aws:policy/AdministratorAccess';
export const ADMINISTRATOR_DOCUMENT: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/** A permission set of INSTANCE_ARN named `name`, provisioned nowhere and assigned to nobody unless `fields` say so. */
export function permissionSet(name: string, fields: Partial<PermissionSet> = {}): PermissionSet {
  return {
    arn: `arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-${name.toLowerCase().replace(/[^a-z0-9]/g, '').padEnd(16, '0').slice(0, 16)}`,
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

/** An assignment of a permission set in `accountId` (default: the test ACCOUNT). */
export const toUser = (userId: string, accountId: string = ACCOUNT) => ({ accountId, principalType: 'USER' as const, principalId: userId });
export const toGroup = (groupId: string, accountId: string = ACCOUNT) => ({ accountId, principalType: 'GROUP' as const, principalId: groupId });

/** An identity store from `user id → [userName, displayName]`, `group id → displayName` and `group id → member user ids`. */
export function identityStore(users: Record<string, [string, string | null]>, groups: Record<string, string> = {}, members: Record<string, string[]> = {}): IdentityStore {
  return {
    users: Object.entries(users).map(([id, [userName, displayName]]) => ({ id, userName, displayName })),
    groups: Object.entries(groups).map(([id, displayName]) => ({ id, displayName, description: null })),
    memberships: Object.entries(members).flatMap(([groupId, userIds]) => userIds.map((userId) => ({ groupId, userId }))),
  };
}

/** An instance with these permission sets and store (each read), and AdministratorAccess's document. */
export function instance(permissionSets: PermissionSet[], store: IdentityStore, fields: Partial<IdentityCenterInstance> = {}): IdentityCenterInstance {
  return {
    instanceArn: INSTANCE_ARN,
    identityStoreId: IDENTITY_STORE_ID,
    name: null,
    ownerAccountId: ACCOUNT,
    status: 'ACTIVE',
    createdDate: null,
    permissionSets: { status: 'ok', data: permissionSets },
    identityStore: { status: 'ok', data: store },
    awsManagedPolicyDocuments: { [ADMINISTRATOR_ACCESS]: { status: 'ok', data: { versionId: 'v1', document: ADMINISTRATOR_DOCUMENT } } },
    ...fields,
  };
}

/** Sets the snapshot's identityCenter source to these instances (read in us-east-1). */
export function readIdentityCenter(snapshot: Snapshot, ...instances: IdentityCenterInstance[]): void {
  snapshot.sources.identityCenter = { status: 'ok', data: { region: 'us-east-1', instances } };
}

/** The role IAM Identity Center provisions for permission set `name` in the test account. */
export function ssoRole(name: string, fields: Partial<IamRole> = {}): IamRole {
  return iamRole(`AWSReservedSSO_${name}_0123456789abcdef`, {
    path: '/aws-reserved/sso.amazonaws.com/',
    assumeRolePolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${ACCOUNT}:saml-provider/AWSSSO_1111222233334444_DO_NOT_DELETE` }, Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'] }] },
    ...fields,
  });
}
