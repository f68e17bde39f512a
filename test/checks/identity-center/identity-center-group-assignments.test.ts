import { describe, expect, it } from 'vitest';
import check from '../../../src/checks/identity-center/identity-center-group-assignments.js';
import { MANAGEMENT, organizationContext, organizationFacts, orgAccount, ROOT } from '../../support/organization.js';
import { ACCOUNT, snapshotWith } from '../../support/snapshot.js';
import { at, group, instance, INSTANCE_ARN, judge, OTHER, permissionSet, statuses, unreadablePart, user, withIdentityCenter } from './helpers.js';

describe('identity-center-group-assignments (IAM-036)', () => {
  const ps = permissionSet('Clinician', { accounts: [ACCOUNT, OTHER], assignments: [group(ACCOUNT, 'g-clinicians'), user(ACCOUNT, 'u-alice'), user(OTHER, 'u-ghost')] });

  it('passes a group assignment and fails a user assignment, naming the user, the set and the account', () => {
    const found = judge(check, withIdentityCenter([instance([ps])]));
    expect(statuses(found)).toEqual({
      [`${at(ps, ACCOUNT)}/group/g-clinicians`]: 'PASS',
      [`${at(ps, ACCOUNT)}/user/u-alice`]: 'FAIL',
      [`${at(ps, OTHER)}/user/u-ghost`]: 'FAIL',
    });
    const alice = found.find((f) => f.resourceArn.endsWith('/user/u-alice'));
    expect(alice?.message).toBe(`permission set Clinician in account ${ACCOUNT} is assigned directly to user alice (Alice Ng), not through a group`);
    expect(alice?.evidence).toMatchObject({ instanceArn: INSTANCE_ARN, permissionSetArn: ps.arn, permissionSetName: 'Clinician', accountId: ACCOUNT, principalType: 'USER', principalId: 'u-alice', people: ['alice (Alice Ng)', 'dave (Dave Okafor)'], groups: ['Clinicians'] });
    expect(found.find((f) => f.resourceArn.endsWith('/user/u-ghost'))?.message).toContain('user u-ghost (not in the identity store)');
    expect(found.find((f) => f.status === 'PASS')?.message).toBe(`permission set Clinician in account ${ACCOUNT} is assigned to group Clinicians`);
  });

  it('still fails a direct user assignment when the identity store could not be read, naming the user id', () => {
    const found = judge(check, withIdentityCenter([instance([ps], { identityStore: unreadablePart() })]));
    const alice = found.find((f) => f.resourceArn.endsWith('/user/u-alice'));
    expect(alice?.status).toBe('FAIL');
    expect(alice?.message).toContain('user u-alice (identity store d-1111111111 could not be read)');
  });

  it('is NOT_APPLICABLE with no assignment, ERROR when the permission sets could not be read', () => {
    expect(judge(check, withIdentityCenter([instance([permissionSet('Idle', { accounts: [ACCOUNT] })])])).map((f) => f.status)).toEqual(['NOT_APPLICABLE']);
    expect(judge(check, withIdentityCenter([instance([], { permissionSets: unreadablePart() })])).map((f) => f.status)).toEqual(['ERROR']);
    expect(judge(check, withIdentityCenter([])).map((f) => f.status)).toEqual(['NOT_APPLICABLE']);
  });

  it("in an organization run judges only this member's assignments", () => {
    const facts = organizationFacts((f) => {
      f.accounts = { status: 'ok', data: [orgAccount(MANAGEMENT, { ouPath: [ROOT] }), orgAccount(ACCOUNT), orgAccount(OTHER)] };
      f.identityCenter = { status: 'ok', data: { region: 'us-east-1', instances: [instance([ps])] } };
    });
    expect(Object.keys(statuses(judge(check, snapshotWith(() => {}), {}, organizationContext(facts, ACCOUNT)))).sort()).toEqual([`${at(ps, ACCOUNT)}/group/g-clinicians`, `${at(ps, ACCOUNT)}/user/u-alice`]);
    const other = judge(check, snapshotWith((s) => void (s.accountId = '555566667777')), {}, { facts, account: orgAccount('555566667777') });
    expect(other.map((f) => f.status)).toEqual(['NOT_APPLICABLE']);
    expect(other[0]?.message).toContain('is in account 555566667777');
  });
});
