import { describe, expect, it } from 'vitest';
import adminAccess from '../../../src/checks/least-privilege/admin-access.js';
import type { IamRole, Snapshot } from '../../../src/snapshot/schema.js';
import { ADMINISTRATOR_ACCESS, ADMINISTRATOR_DOCUMENT, instance, INSTANCE_ARN, identityStore, permissionSet, readIdentityCenter, ssoRole, toGroup, toUser } from '../../support/identity-center-snapshot.js';
import { findingsIn, organizationContext, organizationFacts, unreadable } from '../../support/organization.js';
import { ACCOUNT, customerPolicy, findingsOf, iamRole, snapshotWith } from '../../support/snapshot.js';

const ADMIN_POLICY = { name: 'AdministratorAccess', arn: ADMINISTRATOR_ACCESS };
const STORE = identityStore({ u1: ['jdoe', 'Jane Doe'], u2: ['asmith', 'asmith'], u3: ['bkhan', 'Bilal Khan'] }, { g1: 'Admins' }, { g1: ['u2', 'u3'] });
// Held in the test account by jdoe directly and by Admins (asmith, bkhan); in another account by bkhan alone.
const ADMIN_SET = permissionSet('AdministratorAccess', { awsManagedPolicies: [ADMIN_POLICY], accounts: [ACCOUNT, '444455556666'], assignments: [toUser('u1'), toGroup('g1'), toUser('u3', '444455556666')] });

/** An account holding these roles, AdministratorAccess among its policies; `patch` sets Identity Center. */
function account(roles: IamRole[], patch: (s: Snapshot) => void): Snapshot {
  return snapshotWith((s) => {
    s.sources.authorizationDetails = { status: 'ok', data: { users: [], groups: [], roles, policies: [customerPolicy('AdministratorAccess', ADMINISTRATOR_DOCUMENT, { arn: ADMINISTRATOR_ACCESS, awsManaged: true })] } };
    patch(s);
  });
}
const ADMIN_ROLE = ssoRole('AdministratorAccess', { attachedPolicies: [ADMIN_POLICY] });

describe('admin-access (IAM-014) on the roles of IAM Identity Center permission sets', () => {
  it('names the permission set and who holds it in this account; the verdict is the role\'s', () => {
    const [finding] = findingsOf(adminAccess, account([ADMIN_ROLE], (s) => readIdentityCenter(s, instance([ADMIN_SET], STORE))));
    expect(finding?.status).toBe('FAIL');
    expect(finding?.message).toMatch(/^role AWSReservedSSO_AdministratorAccess_0123456789abcdef has administrator access \(\* on \*\) through .* \(IAM Identity Center permission set AdministratorAccess, held here by asmith, bkhan \(Bilal Khan\), jdoe \(Jane Doe\); groups: Admins\)$/);
    expect(finding?.evidence.identityCenter).toEqual({ permissionSetName: 'AdministratorAccess', permissionSetArn: ADMIN_SET.arn, instanceArn: INSTANCE_ARN, people: ['asmith', 'bkhan (Bilal Khan)', 'jdoe (Jane Doe)'], groups: ['Admins'] });
  });

  it('names the set on a PASS too, and "no one" when nobody is assigned it here', () => {
    const readOnly = permissionSet('ReadOnly', { accounts: [ACCOUNT] });
    const [finding] = findingsOf(adminAccess, account([ssoRole('ReadOnly')], (s) => readIdentityCenter(s, instance([readOnly], STORE))));
    expect(finding).toMatchObject({ status: 'PASS', message: 'role AWSReservedSSO_ReadOnly_0123456789abcdef has no policy granting * on * (IAM Identity Center permission set ReadOnly, held here by no one)' });
  });

  it.each<[string, (s: Snapshot) => void, string]>([
    ['Identity Center was not read', (s) => { s.sources.identityCenter = unreadable('AccessDenied', 'sso:ListInstances'); }, 'IAM Identity Center not read (AccessDenied: sso:ListInstances)'],
    ['the permission sets were not read', (s) => readIdentityCenter(s, instance([], STORE, { permissionSets: unreadable('AccessDenied', 'sso:ListPermissionSets') })), `the permission sets of ${INSTANCE_ARN} were not read (AccessDenied: sso:ListPermissionSets)`],
    ['no set has the role\'s name', (s) => readIdentityCenter(s, instance([], STORE)), `no permission set so named in ${INSTANCE_ARN}`],
    ['no instance was visible', (s) => readIdentityCenter(s), 'no IAM Identity Center instance was read in us-east-1'],
  ])('keeps the verdict and says the holders are unknown when %s', (_label, patch, why) => {
    const [finding] = findingsOf(adminAccess, account([ADMIN_ROLE], patch));
    expect(finding?.status).toBe('FAIL');
    expect(finding?.message).toContain(`(IAM Identity Center permission set AdministratorAccess; holders unknown: ${why})`);
    expect(finding?.evidence.identityCenter).toEqual({ permissionSetName: 'AdministratorAccess', permissionSetArn: null, instanceArn: null, people: null, groups: null, holdersUnknown: why });
  });

  it('says when the role\'s path places its instance in another region than the one read', () => {
    const role = ssoRole('AdministratorAccess', { path: '/aws-reserved/sso.amazonaws.com/eu-west-1/', attachedPolicies: [ADMIN_POLICY] });
    const [finding] = findingsOf(adminAccess, account([role], (s) => readIdentityCenter(s)));
    expect(finding?.evidence.identityCenter).toMatchObject({ holdersUnknown: 'no IAM Identity Center instance was read in us-east-1; the role\'s path places its instance in eu-west-1' });
  });

  it('names the groups by id when the identity store was not read', () => {
    const [finding] = findingsOf(adminAccess, account([ADMIN_ROLE], (s) => readIdentityCenter(s, instance([ADMIN_SET], STORE, { identityStore: unreadable('AccessDenied', 'identitystore:ListUsers') }))));
    expect(finding?.evidence.identityCenter).toMatchObject({ permissionSetArn: ADMIN_SET.arn, people: null, groups: ['g1'], holdersUnknown: 'the identity store d-1111222233 was not read (AccessDenied: identitystore:ListUsers)' });
  });

  it('leaves other roles as they were', () => {
    const plain = iamRole('AWSReservedSSO_NotReally_0123456789abcdef', { attachedPolicies: [ADMIN_POLICY] });
    const [finding] = findingsOf(adminAccess, account([plain], (s) => readIdentityCenter(s, instance([ADMIN_SET], STORE))));
    expect(finding?.message).not.toContain('Identity Center');
    expect(finding?.evidence).not.toHaveProperty('identityCenter');
  });

  it('in an organization run, reads the organization\'s instance and names who holds the set in this member', () => {
    const facts = organizationFacts((f) => {
      f.identityCenter = { status: 'ok', data: { region: 'us-east-1', instances: [instance([ADMIN_SET], STORE)] } };
    });
    const member = account([ADMIN_ROLE], (s) => {
      s.sources.identityCenter = unreadable('NotCollected', 'read once for the organization');
    });
    const [finding] = findingsIn(adminAccess, member, organizationContext(facts));
    expect(finding?.evidence.identityCenter).toMatchObject({ people: ['asmith', 'bkhan (Bilal Khan)', 'jdoe (Jane Doe)'], groups: ['Admins'] });
  });
});
