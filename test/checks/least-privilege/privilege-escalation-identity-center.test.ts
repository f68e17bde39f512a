import { describe, expect, it } from 'vitest';
import privilegeEscalation from '../../../src/checks/least-privilege/privilege-escalation.js';
import { rolePathOfArn } from '../../../src/identity-center/role-holders.js';
import type { IamRole, Snapshot } from '../../../src/snapshot/schema.js';
import { ADMINISTRATOR_ACCESS, ADMINISTRATOR_DOCUMENT, instance, INSTANCE_ARN, identityStore, permissionSet, readIdentityCenter, ssoRole, toGroup, toUser } from '../../support/identity-center-snapshot.js';
import { unreadable } from '../../support/organization.js';
import { ACCOUNT, customerPolicy, findingsOf, iamRole, snapshotWith } from '../../support/snapshot.js';
import { allow, doc, inline } from './helpers.js';

const ADMIN_POLICY = { name: 'AdministratorAccess', arn: ADMINISTRATOR_ACCESS };
const STORE = identityStore({ u1: ['jdoe', 'Jane Doe'], u2: ['asmith', null] }, { g1: 'Operators' }, { g1: ['u2'] });
const ESCALATING = inline('AwsSSOInlinePolicy', doc(allow(['iam:CreateUser', 'iam:AttachUserPolicy', 'iam:CreateAccessKey'])));
const SETS = [
  permissionSet('Operators', { accounts: [ACCOUNT], assignments: [toGroup('g1')], inlinePolicy: ESCALATING.document }),
  permissionSet('AdministratorAccess', { accounts: [ACCOUNT], awsManagedPolicies: [ADMIN_POLICY], assignments: [toUser('u1')] }),
  permissionSet('ReadOnly', { accounts: [ACCOUNT], assignments: [toUser('u1')] }),
];

function account(roles: IamRole[], patch: (s: Snapshot) => void): Snapshot {
  return snapshotWith((s) => {
    s.sources.authorizationDetails = { status: 'ok', data: { users: [], groups: [], roles, policies: [customerPolicy('AdministratorAccess', ADMINISTRATOR_DOCUMENT, { arn: ADMINISTRATOR_ACCESS, awsManaged: true })] } };
    patch(s);
  });
}
const ROLES = [ssoRole('Operators', { inlinePolicies: [ESCALATING] }), ssoRole('AdministratorAccess', { attachedPolicies: [ADMIN_POLICY] }), ssoRole('ReadOnly'), iamRole('app')];

describe('privilege-escalation (IAM-020) on the roles of IAM Identity Center permission sets', () => {
  it('keeps each verdict and names the permission set and its holders here, on every status', () => {
    const findings = findingsOf(privilegeEscalation, account(ROLES, (s) => readIdentityCenter(s, instance(SETS, STORE))));
    expect(findings.map((f) => [f.resourceName, f.status, f.message.replace(/^.*?(\(IAM Identity Center.*\))?$/, '$1')])).toEqual([
      ['AWSReservedSSO_Operators_0123456789abcdef', 'FAIL', '(IAM Identity Center permission set Operators, held here by asmith; groups: Operators)'],
      ['AWSReservedSSO_AdministratorAccess_0123456789abcdef', 'NOT_APPLICABLE', '(IAM Identity Center permission set AdministratorAccess, held here by jdoe (Jane Doe))'],
      ['AWSReservedSSO_ReadOnly_0123456789abcdef', 'PASS', '(IAM Identity Center permission set ReadOnly, held here by jdoe (Jane Doe))'],
      ['app', 'PASS', ''],
    ]);
    expect(findings[0]?.evidence).toMatchObject({ identityCenter: { permissionSetName: 'Operators', permissionSetArn: SETS[0]!.arn, instanceArn: INSTANCE_ARN, people: ['asmith'], groups: ['Operators'] } });
    // The PASS evidence other principals share is not changed by the role of a permission set.
    expect(findings[3]?.evidence).toEqual({ adminStatus: 'none' });
    expect(findings[2]?.evidence).toEqual({ adminStatus: 'none', identityCenter: expect.objectContaining({ permissionSetName: 'ReadOnly' }) });
  });

  it('names the set from the role alone when Identity Center was not read', () => {
    const [finding] = findingsOf(privilegeEscalation, account([ROLES[0]!], (s) => { s.sources.identityCenter = unreadable('NotInSnapshot', 'saved before'); }));
    expect(finding?.status).toBe('FAIL');
    expect(finding?.message).toMatch(/\(IAM Identity Center permission set Operators; holders unknown: IAM Identity Center not read \(NotInSnapshot: saved before\)\)$/);
  });

  it('reads a role\'s path from its ARN', () => {
    expect(rolePathOfArn(`arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_X_0123456789abcdef`)).toBe('/aws-reserved/sso.amazonaws.com/eu-west-1/');
    expect(rolePathOfArn(`arn:aws:iam::${ACCOUNT}:role/app`)).toBe('/');
    expect(rolePathOfArn('not an arn')).toBe('/');
  });
});
