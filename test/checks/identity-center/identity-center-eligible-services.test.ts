import { describe, expect, it } from 'vitest';
import check from '../../../src/checks/identity-center/identity-center-eligible-services.js';
import { BUILT_IN_ELIGIBLE_SERVICES } from '../../../src/hipaa/eligible-services.js';
import type { PermissionSet } from '../../../src/snapshot/schema.js';
import { MANAGEMENT, organizationContext, organizationFacts, orgAccount, ROOT } from '../../support/organization.js';
import { ACCOUNT, customerPolicy, snapshotWith } from '../../support/snapshot.js';
import { ADMINISTRATOR_ACCESS, allow, allowOnly, at, deny, doc, group, instance, INSTANCE_ARN, judge, OTHER, permissionSet, S3_READ_ONLY, statuses, unreadablePart, withIdentityCenter } from './helpers.js';

describe('identity-center-eligible-services (IAM-035)', () => {
  const rows: [string, Partial<PermissionSet>, string][] = [
    ['S3 and DynamoDB reads', { inlinePolicy: allowOnly('s3:GetObject', 'dynamodb:GetItem') }, 'PASS'],
    ['an AWS managed S3 read-only policy', { awsManagedPolicies: [{ name: 'AmazonS3ReadOnlyAccess', arn: S3_READ_ONLY }] }, 'PASS'],
    ['GameLift (not HIPAA-eligible)', { inlinePolicy: allowOnly('s3:GetObject', 'gamelift:*') }, 'FAIL'],
    ['GameLift denied again', { inlinePolicy: doc(allow(['s3:GetObject', 'gamelift:*']), deny('gamelift:*')) }, 'PASS'],
    ['administrator (every service)', { awsManagedPolicies: [{ name: 'AdministratorAccess', arn: ADMINISTRATOR_ACCESS }] }, 'FAIL'],
    ['ElastiCache (eligible only in part): review', { inlinePolicy: allowOnly('elasticache:*') }, 'MANUAL'],
    ['an AWS managed policy whose document was not read', { awsManagedPolicies: [{ name: 'ViewOnlyAccess', arn: 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess' }] }, 'ERROR'],
  ];

  it.each(rows)('%s → %s', (_, fields, expected) => {
    const ps = permissionSet('Staff', { accounts: [ACCOUNT], assignments: [group(ACCOUNT, 'g-clinicians')], ...fields });
    const found = judge(check, withIdentityCenter([instance([ps])]));
    expect(statuses(found)).toEqual({ [at(ps, ACCOUNT)]: expected });
    expect(found[0]?.message).toContain(`permission set Staff in account ${ACCOUNT}`);
    expect(found[0]?.message).toContain('held by dave (Dave Okafor); group Clinicians');
    if (expected !== 'ERROR') expect(found[0]?.message).toContain(`eligible`);
    expect(found[0]?.evidence).toMatchObject({ instanceArn: INSTANCE_ARN, permissionSetName: 'Staff', accountId: ACCOUNT, people: ['dave (Dave Okafor)'], groups: ['Clinicians'] });
  });

  it("names the list's date, as IAM-021 does", () => {
    const ps = permissionSet('Games', { inlinePolicy: allowOnly('gamelift:*'), accounts: [ACCOUNT] });
    const [found] = judge(check, withIdentityCenter([instance([ps])]));
    expect(found?.message).toContain(`can reach services that are not HIPAA-eligible: gamelift (eligible-services list as of ${BUILT_IN_ELIGIBLE_SERVICES.asOf})`);
    expect(found?.evidence).toMatchObject({ eligibleServicesAsOf: BUILT_IN_ELIGIBLE_SERVICES.asOf, notEligible: ['gamelift'] });
  });

  it('resolves customer managed references in the own account; another account\'s are unreadable (ERROR)', () => {
    const ps = permissionSet('Staff', { customerManagedPolicies: [{ name: 'staff', path: '/' }], accounts: [ACCOUNT, OTHER] });
    const snapshot = withIdentityCenter([instance([ps])], (s) => {
      s.sources.authorizationDetails = { status: 'ok', data: { users: [], groups: [], roles: [], policies: [customerPolicy('staff', allowOnly('s3:GetObject'))] } };
    });
    expect(statuses(judge(check, snapshot))).toEqual({ [at(ps, ACCOUNT)]: 'PASS', [at(ps, OTHER)]: 'ERROR' });
  });

  it('a set provisioned nowhere is NOT_APPLICABLE; unreadable permission sets are ERROR', () => {
    const idle = permissionSet('Idle', { inlinePolicy: allowOnly('gamelift:*') });
    expect(statuses(judge(check, withIdentityCenter([instance([idle])])))).toEqual({ [idle.arn]: 'NOT_APPLICABLE' });
    expect(judge(check, withIdentityCenter([instance([], { permissionSets: unreadablePart() })])).map((f) => f.status)).toEqual(['ERROR']);
  });

  it('in an organization run judges each set in this member only', () => {
    const wide = permissionSet('Games', { inlinePolicy: allowOnly('gamelift:*'), accounts: [ACCOUNT, OTHER] });
    const facts = organizationFacts((f) => {
      f.accounts = { status: 'ok', data: [orgAccount(MANAGEMENT, { ouPath: [ROOT] }), orgAccount(ACCOUNT), orgAccount(OTHER)] };
      f.identityCenter = { status: 'ok', data: { region: 'us-east-1', instances: [instance([wide])] } };
    });
    expect(statuses(judge(check, snapshotWith(() => {}), {}, organizationContext(facts, ACCOUNT)))).toEqual({ [at(wide, ACCOUNT)]: 'FAIL' });
  });
});
