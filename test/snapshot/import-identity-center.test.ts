import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { importAwsCliExports } from '../../src/snapshot/import.js';

/** An export folder of hand-made files shaped as the AWS CLI writes them (`--output json`, the API reference's fields). */
function exportDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hipaa-iam-import-identity-center-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 4));
  }
  return dir;
}
const identityCenterOf = (files: Record<string, unknown>) => importAwsCliExports(exportDir({ ...ACCOUNT_FILES, ...files })).sources.identityCenter;
/** What the AWS CLI prints on stderr when a call fails. */
const cliError = (code: string, operation: string, message: string) => `\nAn error occurred (${code}) when calling the ${operation} operation: ${message}\n`;

const ACCOUNT = '111122223333';
// An import names its account from the IAM ARNs it holds.
const ACCOUNT_FILES = {
  'account-authorization-details.json': { UserDetailList: [{ UserName: 'admin', UserId: 'AIDAADMIN', Arn: `arn:aws:iam::${ACCOUNT}:user/admin`, Path: '/', CreateDate: '2026-01-01T00:00:00+00:00', GroupList: [], AttachedManagedPolicies: [], Tags: [] }], GroupDetailList: [], RoleDetailList: [], Policies: [], IsTruncated: false },
};
const INSTANCE = 'arn:aws:sso:::instance/ssoins-1111aaaa2222bbbb';
const STORE = 'd-9067abcdef';
const SET = 'arn:aws:sso:::permissionSet/ssoins-1111aaaa2222bbbb/ps-3333cccc4444dddd';
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const IC = 'identity-center/eu-west-1/ssoins-1111aaaa2222bbbb';
const PS = `${IC}/ps-3333cccc4444dddd`;
const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/** A whole export of one instance with one set (provisioned to one account, assigned to a group) and one group of one user. */
const EXPORT: Record<string, unknown> = {
  'identity-center/eu-west-1/list-instances.json': { Instances: [{ InstanceArn: INSTANCE, IdentityStoreId: STORE, OwnerAccountId: ACCOUNT, Name: 'clinic', CreatedDate: '2025-03-04T05:06:07.123000+00:00', Status: 'ACTIVE' }] },
  [`${IC}/list-permission-sets.json`]: { PermissionSets: [SET] },
  [`${PS}.describe-permission-set.json`]: { PermissionSet: { Name: 'Admin', PermissionSetArn: SET, Description: 'break glass', CreatedDate: 1741064767.123, SessionDuration: 'PT12H' } },
  [`${PS}.list-managed-policies-in-permission-set.json`]: { AttachedManagedPolicies: [{ Name: 'AdministratorAccess', Arn: ADMIN }] },
  [`${PS}.list-customer-managed-policy-references-in-permission-set.json`]: { CustomerManagedPolicyReferences: [{ Name: 'clinic-extra', Path: '/clinic/' }] },
  [`${PS}.get-inline-policy-for-permission-set.json`]: { InlinePolicy: '' },
  [`${PS}.get-permissions-boundary-for-permission-set.json.error`]: cliError('ResourceNotFoundException', 'GetPermissionsBoundaryForPermissionSet', 'Could not find PermissionsBoundary'),
  [`${PS}.list-accounts-for-provisioned-permission-set.json`]: { AccountIds: ['444455556666'] },
  [`${PS}.444455556666.list-account-assignments.json`]: { AccountAssignments: [{ AccountId: '444455556666', PermissionSetArn: SET, PrincipalType: 'GROUP', PrincipalId: 'g-1' }] },
  [`${IC}/list-users.json`]: { Users: [{ IdentityStoreId: STORE, UserId: 'u-1', UserName: 'alice@clinic.example', DisplayName: 'Alice Nguyen', Name: { GivenName: 'Alice' } }] },
  [`${IC}/list-groups.json`]: { Groups: [{ IdentityStoreId: STORE, GroupId: 'g-1', DisplayName: 'Admins' }] },
  [`${IC}/g-1.list-group-memberships.json`]: { GroupMemberships: [{ IdentityStoreId: STORE, MembershipId: 'm-1', GroupId: 'g-1', MemberId: { UserId: 'u-1' } }] },
  // The AWS CLI decodes IAM's URL-encoded document into JSON.
  'identity-center/aws-managed-policies/AdministratorAccess.get-policy.json': { Policy: { PolicyName: 'AdministratorAccess', Arn: ADMIN, DefaultVersionId: 'v1' } },
  'identity-center/aws-managed-policies/AdministratorAccess.get-policy-version.json': { PolicyVersion: { Document: ALLOW_ALL, VersionId: 'v1', IsDefaultVersion: true } },
};
const without = (file: string, add: Record<string, unknown> = {}) => ({ ...Object.fromEntries(Object.entries(EXPORT).filter(([name]) => name !== file)), ...add });

describe('import of IAM Identity Center exports (examples/export-account.sh identity-center/)', () => {
  it('reads the instance, its set, identity store and AWS managed documents through the live collector\'s mappings', () => {
    expect(identityCenterOf(EXPORT)).toEqual({
      status: 'ok',
      data: {
        region: 'eu-west-1',
        instances: [
          {
            instanceArn: INSTANCE,
            identityStoreId: STORE,
            name: 'clinic',
            ownerAccountId: ACCOUNT,
            status: 'ACTIVE',
            createdDate: '2025-03-04T05:06:07.123Z',
            permissionSets: {
              status: 'ok',
              data: [
                {
                  arn: SET,
                  name: 'Admin',
                  description: 'break glass',
                  sessionDuration: 'PT12H',
                  // AWS CLI v1 prints epoch seconds.
                  createdDate: '2025-03-04T05:06:07.123Z',
                  awsManagedPolicies: [{ name: 'AdministratorAccess', arn: ADMIN }],
                  customerManagedPolicies: [{ name: 'clinic-extra', path: '/clinic/' }],
                  inlinePolicy: null,
                  permissionsBoundary: null,
                  accounts: ['444455556666'],
                  assignments: [{ accountId: '444455556666', principalType: 'GROUP', principalId: 'g-1' }],
                },
              ],
            },
            identityStore: { status: 'ok', data: { users: [{ id: 'u-1', userName: 'alice@clinic.example', displayName: 'Alice Nguyen' }], groups: [{ id: 'g-1', displayName: 'Admins', description: null }], memberships: [{ groupId: 'g-1', userId: 'u-1' }] } },
            awsManagedPolicyDocuments: { [ADMIN]: { status: 'ok', data: { versionId: 'v1', document: ALLOW_ALL } } },
          },
        ],
      },
    });
  });

  it('no identity-center/ at all: NotInImport, naming the command that makes it', () => {
    const files = Object.fromEntries(Object.entries(EXPORT).filter(([name]) => !name.startsWith('identity-center/')));
    expect(identityCenterOf(files)).toEqual({ status: 'error', error: { code: 'NotInImport', message: expect.stringContaining('make it with: aws sso-admin list-instances --region <region> --output json > identity-center/<region>/list-instances.json') } });
  });

  it('a missing file of one part is that part\'s NotInImport, the other parts still read', () => {
    const source = identityCenterOf(without(`${PS}.444455556666.list-account-assignments.json`));
    const instance = source.status === 'ok' ? source.data.instances[0] : undefined;
    expect(instance?.permissionSets).toEqual({ status: 'error', error: { code: 'NotInImport', message: expect.stringContaining(`aws sso-admin list-account-assignments --instance-arn ${INSTANCE} --permission-set-arn ${SET} --account-id 444455556666 --region eu-west-1`) } });
    expect(instance?.identityStore.status).toBe('ok');
  });

  it('a boundary answered is kept; a boundary call that failed otherwise is the sets\' error, never "no boundary"', () => {
    let source = identityCenterOf(without(`${PS}.get-permissions-boundary-for-permission-set.json.error`, { [`${PS}.get-permissions-boundary-for-permission-set.json`]: { PermissionsBoundary: { CustomerManagedPolicyReference: { Name: 'clinic-boundary', Path: '/' } } } }));
    expect(source.status === 'ok' && source.data.instances[0]?.permissionSets).toMatchObject({ status: 'ok', data: [{ permissionsBoundary: { managedPolicyArn: null, customerManagedPolicy: { name: 'clinic-boundary', path: '/' } } }] });
    source = identityCenterOf(without(`${PS}.get-permissions-boundary-for-permission-set.json.error`, { [`${PS}.get-permissions-boundary-for-permission-set.json.error`]: cliError('AccessDeniedException', 'GetPermissionsBoundaryForPermissionSet', 'User is not authorized to perform: sso:GetPermissionsBoundaryForPermissionSet') }));
    expect(source.status === 'ok' && source.data.instances[0]?.permissionSets).toEqual({ status: 'error', error: { code: 'AccessDeniedException', message: 'User is not authorized to perform: sso:GetPermissionsBoundaryForPermissionSet' } });
  });

  it('a denied identitystore call is the identity store\'s error; a denied ListInstances, the source\'s', () => {
    let source = identityCenterOf(without(`${IC}/list-groups.json`, { [`${IC}/list-groups.json.error`]: cliError('AccessDeniedException', 'ListGroups', 'not authorized to perform: identitystore:ListGroups') }));
    expect(source.status === 'ok' && source.data.instances[0]?.identityStore).toEqual({ status: 'error', error: { code: 'AccessDeniedException', message: 'not authorized to perform: identitystore:ListGroups' } });
    source = identityCenterOf({ 'identity-center/eu-west-1/list-instances.json.error': cliError('AccessDeniedException', 'ListInstances', 'not authorized to perform: sso:ListInstances') });
    expect(source).toEqual({ status: 'error', error: { code: 'AccessDeniedException', message: 'not authorized to perform: sso:ListInstances' } });
  });

  it('a malformed inline policy is the sets\' error, never "no inline policy"', () => {
    const source = identityCenterOf(without(`${PS}.get-inline-policy-for-permission-set.json`, { [`${PS}.get-inline-policy-for-permission-set.json`]: { InlinePolicy: '{"Statement": [' } }));
    expect(source.status === 'ok' && source.data.instances[0]?.permissionSets).toMatchObject({ status: 'error', error: { code: 'PolicyDocumentError' } });
  });

  it('a file that is not the command\'s output, a truncated page, or two regions, is bad input (exit 2)', () => {
    expect(() => importAwsCliExports(exportDir({ ...ACCOUNT_FILES, ...without(`${IC}/list-users.json`, { [`${IC}/list-users.json`]: { Groups: [] } }) }))).toThrow(/list-users.json: not the output of list-users \(no Users\)/);
    expect(() => importAwsCliExports(exportDir({ ...ACCOUNT_FILES, ...without(`${IC}/list-permission-sets.json`, { [`${IC}/list-permission-sets.json`]: { PermissionSets: [SET], NextToken: 'abc' } }) }))).toThrow(InputError);
    expect(() => importAwsCliExports(exportDir({ ...ACCOUNT_FILES, ...EXPORT, 'identity-center/us-east-1/list-instances.json': { Instances: [] } }))).toThrow(/holds list-instances from 2 regions/);
  });
});
