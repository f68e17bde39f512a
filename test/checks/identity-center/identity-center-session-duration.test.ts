import { describe, expect, it } from 'vitest';
import check from '../../../src/checks/identity-center/identity-center-session-duration.js';
import { MANAGEMENT, organizationContext, organizationFacts, orgAccount, ROOT } from '../../support/organization.js';
import { ACCOUNT, snapshotWith } from '../../support/snapshot.js';
import { group, instance, INSTANCE_ARN, judge, OTHER, permissionSet, statuses, unreadablePart, user, withIdentityCenter } from './helpers.js';

describe('identity-center-session-duration (IAM-034)', () => {
  // [session duration as DescribePermissionSet gives it, limit in hours, verdict]
  const rows: [string | null, number, string][] = [
    ['PT1H', 4, 'PASS'],
    ['PT4H', 4, 'PASS'],
    ['PT3600S', 4, 'PASS'],
    ['PT4H30M', 4, 'FAIL'],
    ['PT12H', 4, 'FAIL'],
    ['PT12H', 12, 'PASS'],
    ['PT8H', 6, 'FAIL'],
    [null, 1, 'PASS'], // AWS's default PT1H applies
    ['P1Y', 4, 'ERROR'],
    ['12 hours', 4, 'ERROR'],
  ];

  it.each(rows)('%s with a limit of %i h → %s', (sessionDuration, limit, expected) => {
    const ps = permissionSet('Clinician', { sessionDuration, accounts: [ACCOUNT], assignments: [group(ACCOUNT, 'g-clinicians')] });
    const found = judge(check, withIdentityCenter([instance([ps])]), { maxPermissionSetSessionHours: limit });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ status: expected, resourceArn: ps.arn, resourceType: 'AWS::SSO::PermissionSet', resourceName: 'Clinician' });
    expect(found[0]?.message).toContain(`permission set Clinician (in account ${ACCOUNT})`);
  });

  it('names the limit, the duration and who holds the set', () => {
    const ps = permissionSet('LongShift', { sessionDuration: 'PT12H', accounts: [ACCOUNT, OTHER], assignments: [user(ACCOUNT, 'u-alice'), group(OTHER, 'g-clinicians')] });
    const [found] = judge(check, withIdentityCenter([instance([ps])]));
    expect(found?.message).toBe(`permission set LongShift (in accounts ${ACCOUNT}, ${OTHER}): sessions may last 12 h (PT12H; limit 4 h)`);
    expect(found?.evidence).toMatchObject({ instanceArn: INSTANCE_ARN, permissionSetArn: ps.arn, permissionSetName: 'LongShift', accountIds: [ACCOUNT, OTHER], people: ['alice (Alice Ng)', 'dave (Dave Okafor)'], groups: ['Clinicians'], sessionHours: 12, limitHours: 4 });
  });

  it('judges every set of the instance in a single-account run, those provisioned nowhere too', () => {
    const idle = permissionSet('Idle', { sessionDuration: 'PT10H' });
    expect(statuses(judge(check, withIdentityCenter([instance([idle])])))).toEqual({ [idle.arn]: 'FAIL' });
  });

  it('an instance whose permission sets could not be read is ERROR; no instance is NOT_APPLICABLE', () => {
    expect(judge(check, withIdentityCenter([instance([], { permissionSets: unreadablePart() })])).map((f) => [f.status, f.resourceArn])).toEqual([['ERROR', INSTANCE_ARN]]);
    expect(judge(check, withIdentityCenter([])).map((f) => f.status)).toEqual(['NOT_APPLICABLE']);
    expect(judge(check, withIdentityCenter([instance([])])).map((f) => f.status)).toEqual(['NOT_APPLICABLE']);
  });

  it('in an organization run judges only the sets that reach the member', () => {
    const here = permissionSet('Here', { sessionDuration: 'PT2H', accounts: [ACCOUNT] });
    const there = permissionSet('There', { sessionDuration: 'PT12H', accounts: [OTHER] });
    const facts = organizationFacts((f) => {
      f.accounts = { status: 'ok', data: [orgAccount(MANAGEMENT, { ouPath: [ROOT] }), orgAccount(ACCOUNT), orgAccount(OTHER)] };
      f.identityCenter = { status: 'ok', data: { region: 'us-east-1', instances: [instance([here, there])] } };
    });
    expect(statuses(judge(check, snapshotWith(() => {}), {}, organizationContext(facts, ACCOUNT)))).toEqual({ [here.arn]: 'PASS' });
  });
});
