import { describe, expect, it } from 'vitest';
import federation from '../../../src/checks/least-privilege/federation.js';
import type { Snapshot } from '../../../src/snapshot/schema.js';
import { instance, INSTANCE_ARN, IDENTITY_STORE_ID, identityStore, permissionSet, readIdentityCenter, ssoRole, toGroup, toUser } from '../../support/identity-center-snapshot.js';
import { findingsIn, organizationContext, organizationFacts, unreadable } from '../../support/organization.js';
import { ACCOUNT, findingsOf, reportRow, snapshotWith } from '../../support/snapshot.js';

const OTHER = '444455556666';
// Two people in the test account: jdoe directly, asmith through Admins; bkhan in another account only.
const STORE = identityStore({ u1: ['jdoe', 'Jane Doe'], u2: ['asmith', 'Al Smith'], u3: ['bkhan', null] }, { g1: 'Admins' }, { g1: ['u1', 'u2'] });
const SETS = [
  permissionSet('ReadOnly', { accounts: [ACCOUNT], assignments: [toUser('u1'), toGroup('g1')] }),
  permissionSet('Billing', { accounts: [OTHER], assignments: [toUser('u3', OTHER)] }),
];

/** An account with no identity provider and these console users and roles. */
function account(consoleUsers: string[], patch: (s: Snapshot) => void = () => {}): Snapshot {
  return snapshotWith((s) => {
    s.sources.credentialReport = { status: 'ok', data: { generatedAt: null, rows: consoleUsers.map((u) => reportRow(u, { password_enabled: 'true' })) } };
    patch(s);
  });
}

describe('federation (IAM-032) with IAM Identity Center', () => {
  it('passes naming the instance read, with what it reaches as evidence', () => {
    const [finding] = findingsOf(federation, account([], (s) => readIdentityCenter(s, instance(SETS, STORE))));
    expect(finding).toMatchObject({ status: 'PASS', message: `people sign in through IAM Identity Center instance ${INSTANCE_ARN}; no IAM user has a console password` });
    // A single-account run judges all the instance reaches: two permission sets, three people.
    expect(finding?.evidence.identityCenterInstances).toEqual([{ instanceArn: INSTANCE_ARN, identityStoreId: IDENTITY_STORE_ID, region: 'us-east-1', permissionSets: 2, people: 3, notRead: [] }]);
  });

  it('still fails while IAM users sign in with passwords, naming the instance', () => {
    const [finding] = findingsOf(federation, account(['alice'], (s) => readIdentityCenter(s, instance(SETS, STORE))));
    expect(finding).toMatchObject({ status: 'FAIL', message: `federation exists (IAM Identity Center instance ${INSTANCE_ARN}) but IAM users still sign in with passwords: alice` });
  });

  it('counts people as unknown when the identity store was not read, and still names the instance', () => {
    const [finding] = findingsOf(federation, account([], (s) => readIdentityCenter(s, instance(SETS, STORE, { identityStore: unreadable('AccessDenied', 'identitystore:ListUsers') }))));
    expect(finding?.status).toBe('PASS');
    expect(finding?.evidence.identityCenterInstances).toEqual([expect.objectContaining({ permissionSets: 2, people: null, notRead: ['identity store: AccessDenied: identitystore:ListUsers'] })]);
  });

  it('falls back to the AWSReservedSSO_* roles when Identity Center could not be read, and says why', () => {
    const withRoles = account([], (s) => {
      s.sources.identityCenter = unreadable('AccessDenied', 'sso:ListInstances');
      if (s.sources.authorizationDetails.status === 'ok') s.sources.authorizationDetails.data.roles = [ssoRole('ReadOnly')];
    });
    const [finding] = findingsOf(federation, withRoles);
    expect(finding).toMatchObject({ status: 'PASS', message: 'people sign in through IAM Identity Center (its AWSReservedSSO_* roles); no IAM user has a console password' });
    expect(finding?.evidence).toMatchObject({ identityCenterNotRead: 'AccessDenied: sso:ListInstances', identityCenterInstances: [] });
    // Unreadable and no roles: nothing shows federation.
    const without = account([], (s) => {
      s.sources.identityCenter = unreadable('AccessDenied', 'sso:ListInstances');
    });
    expect(findingsOf(federation, without).map((f) => f.status)).toEqual(['FAIL']);
  });

  it('fails when no instance is visible and no role shows one', () => {
    expect(findingsOf(federation, account([])).map((f) => [f.status, f.message])).toEqual([['FAIL', 'no SAML/OIDC provider or IAM Identity Center; 0 IAM user(s) sign in with passwords']]);
  });

  it('in an organization run, counts the organization instance for a member only when a permission set reaches it', () => {
    const facts = organizationFacts((f) => {
      f.identityCenter = { status: 'ok', data: { region: 'eu-west-1', instances: [instance(SETS, STORE)] } };
    });
    // The member's own source is not read in an organization run: the facts are.
    const member = account([], (s) => {
      s.sources.identityCenter = unreadable('NotCollected', 'read once for the organization');
    });
    const [reached] = findingsIn(federation, member, organizationContext(facts));
    expect(reached).toMatchObject({ status: 'PASS', evidence: { identityCenterInstances: [{ instanceArn: INSTANCE_ARN, region: 'eu-west-1', permissionSets: 1, people: 2, notRead: [] }] } });
    const notReached = organizationFacts((f) => {
      f.identityCenter = { status: 'ok', data: { region: 'eu-west-1', instances: [instance([SETS[1]!], STORE)] } };
    });
    expect(findingsIn(federation, member, organizationContext(notReached)).map((f) => f.status)).toEqual(['FAIL']);
  });
});
