import { describe, expect, it } from 'vitest';
import type { Status } from '../../../src/checks/check.js';
import rootHardwareMfa from '../../../src/checks/mfa-audit/root-hardware-mfa.js';
import rootMfa from '../../../src/checks/mfa-audit/root-mfa.js';
import rootCredentialsCentral from '../../../src/checks/organization/root-credentials-central.js';
import { ALL_CHECKS } from '../../../src/checks/registry.js';
import { loadSnapshot } from '../../../src/snapshot/load.js';
import type { CredentialReportRow, Snapshot } from '../../../src/snapshot/schema.js';
import { findingsIn, MANAGEMENT, orgAccount, organizationContext, organizationFacts, unreadable } from '../../support/organization.js';
import { ACCOUNT, reportRow, snapshotWith } from '../../support/snapshot.js';

const CASE = new URL('../../fixtures/cases/root-credentials-removed-centrally/snapshot.json', import.meta.url).pathname;

/** The credential report's root row of a member whose root credentials were deleted centrally. */
const removedRoot = (fields: Partial<CredentialReportRow> = {}): CredentialReportRow =>
  reportRow('<root_account>', { arn: `arn:aws:iam::${ACCOUNT}:root`, password_enabled: 'not_supported', cert_1_active: 'false', cert_2_active: 'false', ...fields });

function member(root: CredentialReportRow | null, summary: Record<string, number> = { AccountMFAEnabled: 0, AccountAccessKeysPresent: 0 }, id = ACCOUNT): Snapshot {
  return snapshotWith((s) => {
    s.accountId = id;
    s.sources.credentialReport = { status: 'ok', data: { generatedAt: null, rows: root ? [root] : [] } };
    s.sources.accountSummary = { status: 'ok', data: { summaryMap: summary } };
  });
}

const enabled = (features = ['RootCredentialsManagement', 'RootSessions']) =>
  organizationFacts((f) => {
    f.organizationsFeatures = { status: 'ok', data: { enabledFeatures: features } };
  });

describe('root-credentials-central (IAM-038)', () => {
  it('has the metadata of CONTROLS.md, in the organization group, and is registered', () => {
    expect(rootCredentialsCentral.meta).toMatchObject({ controlId: 'root-credentials-central', riskId: 'IAM-038', group: 'organization', severity: 'medium', hipaa: ['164.312(a)(2)(i)', '164.308(a)(3)(ii)(A)'] });
    expect(ALL_CHECKS).toContain(rootCredentialsCentral);
  });

  it.each<[string, Snapshot, ReturnType<typeof organizationContext> | null, Status, RegExp]>([
    ['a single-account run', member(removedRoot()), null, 'NOT_APPLICABLE', /organization-wide run .*audit --organization.*ListOrganizationsFeatures/],
    ['features unreadable (moto does not serve ListOrganizationsFeatures)', member(removedRoot()), organizationContext(organizationFacts((f) => { f.organizationsFeatures = unreadable('NotImplemented', 'ListOrganizationsFeatures'); })), 'ERROR', /could not be read .*NotImplemented: ListOrganizationsFeatures/],
    ['the management account', member(removedRoot(), undefined, MANAGEMENT), organizationContext(enabled(), MANAGEMENT), 'NOT_APPLICABLE', /management account.*IAM-005.*IAM-006/],
    ['a member, feature not enabled', member(removedRoot()), organizationContext(enabled(['RootSessions'])), 'FAIL', /RootCredentialsManagement not enabled; enabled features: RootSessions/],
    ['a member, no feature at all', member(removedRoot()), organizationContext(), 'FAIL', /enabled features: none/],
    ['a member, enabled, root holds nothing', member(removedRoot()), organizationContext(enabled()), 'PASS', /managed centrally \(RootCredentialsManagement, RootSessions\).*no password, access key or signing certificate/],
    ['a member, enabled, password_enabled false', member(removedRoot({ password_enabled: 'false' })), organizationContext(enabled()), 'PASS', /managed centrally/],
    ['a member, enabled, root still has a password', member(removedRoot({ password_enabled: 'true' })), organizationContext(enabled()), 'FAIL', /still holds a password/],
    ['a member, enabled, root has an active key', member(removedRoot({ access_key_2_active: 'true' }), { AccountAccessKeysPresent: 1 }), organizationContext(enabled()), 'FAIL', /still holds an active access key/],
    ['a member, enabled, root has an inactive key (AccountAccessKeysPresent)', member(removedRoot(), { AccountAccessKeysPresent: 1 }), organizationContext(enabled()), 'FAIL', /still holds an access key \(AccountAccessKeysPresent\)/],
    ['a member, enabled, root has an active certificate', member(removedRoot({ cert_1_active: 'true' })), organizationContext(enabled()), 'FAIL', /still holds an active signing certificate/],
    ['a member, enabled, no root row (moto)', member(null), organizationContext(enabled()), 'ERROR', /no <root_account> row/],
    ['a member, enabled, root row without certificate columns', member(reportRow('<root_account>', { password_enabled: 'not_supported' })), organizationContext(enabled()), 'ERROR', /lacks cert_1_active, cert_2_active/],
    ['a member, enabled, no AccountAccessKeysPresent', member(removedRoot(), { AccountMFAEnabled: 0 }), organizationContext(enabled()), 'ERROR', /no AccountAccessKeysPresent/],
  ])('%s: %s', (_name, snapshot, organization, status, message) => {
    const findings = findingsIn(rootCredentialsCentral, snapshot, organization);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ status, controlId: 'root-credentials-central', riskId: 'IAM-038' });
    expect(findings[0]!.message).toMatch(message);
  });

  it('a credential report that could not be read is ERROR for an enabled member, never PASS', () => {
    const snapshot = snapshotWith((s) => {
      s.sources.credentialReport = unreadable('ReportInProgress', 'not ready');
      s.sources.accountSummary = { status: 'ok', data: { summaryMap: { AccountAccessKeysPresent: 0 } } };
    });
    expect(findingsIn(rootCredentialsCentral, snapshot, organizationContext(enabled()))[0]).toMatchObject({ status: 'ERROR', message: expect.stringMatching(/credential report could not be read/) });
  });

  it('PASS evidence names the enabled features, where they were read and the root row', () => {
    const [finding] = findingsIn(rootCredentialsCentral, member(removedRoot()), organizationContext(enabled()));
    expect(finding!.evidence).toEqual({
      organizationId: 'o-test12345',
      readFrom: MANAGEMENT,
      management: MANAGEMENT,
      enabledFeatures: ['RootCredentialsManagement', 'RootSessions'],
      rootRow: { password_enabled: 'not_supported', access_key_1_active: 'false', access_key_2_active: 'false', cert_1_active: 'false', cert_2_active: 'false' },
      AccountAccessKeysPresent: 0,
    });
  });

  it('refuses a context of another account (ERROR naming both), never judging one account by another\'s place', () => {
    const [finding] = findingsIn(rootCredentialsCentral, member(removedRoot(), undefined, '222233334444'), organizationContext(enabled()));
    expect(finding).toMatchObject({ status: 'ERROR', message: expect.stringMatching(/context is for account 123456789012, but the snapshot is of account 222233334444/) });
  });
});

describe('root-mfa (IAM-005) and root-hardware-mfa (IAM-006) under central root management', () => {
  const CASE_ACCOUNT = '111122223333';
  const caseFacts = (features: string[] | 'unreadable', management = false) =>
    organizationFacts((f) => {
      f.accounts = { status: 'ok', data: [orgAccount(MANAGEMENT, { ouPath: [{ id: 'r-test', name: 'Root' }] }), orgAccount(CASE_ACCOUNT, { management })] };
      if (management) f.organization.masterAccountId = CASE_ACCOUNT;
      f.organizationsFeatures = features === 'unreadable' ? unreadable('NotImplemented', 'ListOrganizationsFeatures') : { status: 'ok', data: { enabledFeatures: features } };
    });

  it('says in evidence that the features were unreadable, with the reason', () => {
    const [finding] = findingsIn(rootMfa, loadSnapshot(CASE), organizationContext(caseFacts('unreadable'), CASE_ACCOUNT));
    expect(finding!.evidence.organization).toMatchObject({ organizationsFeatures: 'unreadable (NotImplemented: ListOrganizationsFeatures)', readFrom: MANAGEMENT });
  });

  describe('case root-credentials-removed-centrally, read through the snapshot loader', () => {
    const snapshot = loadSnapshot(CASE);

    it('single-account run: still the FAILs the case saw (nothing tells central management apart)', () => {
      expect(findingsIn(rootMfa, snapshot, null).map((f) => [f.status, f.message])).toEqual([['FAIL', 'root has NO MFA — HIPAA compliance gap']]);
      expect(findingsIn(rootHardwareMfa, snapshot, null).map((f) => [f.status, f.message])).toEqual([['FAIL', 'root has no MFA device at all']]);
    });

    it('organization reports RootCredentialsManagement: NOT_APPLICABLE, root cannot sign in, with the evidence', () => {
      const organization = organizationContext(caseFacts(['RootCredentialsManagement', 'RootSessions']), CASE_ACCOUNT);
      for (const check of [rootMfa, rootHardwareMfa]) {
        const [finding, ...rest] = findingsIn(check, snapshot, organization);
        expect(rest).toEqual([]);
        expect(finding).toMatchObject({ status: 'NOT_APPLICABLE', resourceName: 'root', message: expect.stringMatching(/centrally managed .*root cannot sign in/) });
        expect(finding!.evidence.organization).toMatchObject({
          usedFacts: 'organizationsFeatures',
          readFrom: MANAGEMENT,
          enabledFeatures: ['RootCredentialsManagement', 'RootSessions'],
          rootRow: { password_enabled: 'not_supported', access_key_1_active: 'false', access_key_2_active: 'false', cert_1_active: 'false', cert_2_active: 'false' },
          AccountAccessKeysPresent: 0,
          difference: expect.stringMatching(/single-account run judges root's MFA/),
        });
      }
    });

    it.each<[string, ReturnType<typeof caseFacts>, RegExp]>([
      ['the organization does not report central management', caseFacts(['RootSessions']), /RootCredentialsManagement is not enabled/],
      ['the features could not be read', caseFacts('unreadable'), /whether root credentials are managed centrally is unknown/],
      ['the account is the management account', caseFacts(['RootCredentialsManagement'], true), /management account/],
    ])('still FAIL when %s, its evidence saying why', (_name, facts, note) => {
      const organization = organizationContext(facts, CASE_ACCOUNT);
      for (const check of [rootMfa, rootHardwareMfa]) {
        const [finding] = findingsIn(check, snapshot, organization);
        expect(finding!.status).toBe('FAIL');
        expect(String((finding!.evidence.organization as { note: string }).note)).toMatch(note);
      }
    });
  });

  it.each<[string, Partial<CredentialReportRow> | null, Record<string, number>, Status, Status]>([
    ['root holds nothing', {}, { AccountMFAEnabled: 0, AccountAccessKeysPresent: 0 }, 'NOT_APPLICABLE', 'NOT_APPLICABLE'],
    ['root holds nothing and has MFA', {}, { AccountMFAEnabled: 1, AccountAccessKeysPresent: 0 }, 'NOT_APPLICABLE', 'NOT_APPLICABLE'],
    ['root still has a password', { password_enabled: 'true' }, { AccountMFAEnabled: 0, AccountAccessKeysPresent: 0 }, 'FAIL', 'FAIL'],
    ['root still has an active key', { access_key_1_active: 'true' }, { AccountMFAEnabled: 0, AccountAccessKeysPresent: 1 }, 'FAIL', 'FAIL'],
    ['root still has an active certificate', { cert_2_active: 'true' }, { AccountMFAEnabled: 0, AccountAccessKeysPresent: 0 }, 'FAIL', 'FAIL'],
    ['root still has a password, with hardware MFA', { password_enabled: 'true' }, { AccountMFAEnabled: 1, AccountAccessKeysPresent: 0 }, 'PASS', 'PASS'],
    ['no root row (fail closed: the account\'s own verdict)', null, { AccountMFAEnabled: 0, AccountAccessKeysPresent: 0 }, 'FAIL', 'FAIL'],
  ])('enabled member, %s: root-mfa %s, root-hardware-mfa %s', (_name, row, summary, mfa, hardware) => {
    const snapshot = member(row === null ? null : removedRoot(row), summary);
    const organization = organizationContext(enabled());
    expect(findingsIn(rootMfa, snapshot, organization)[0]!.status).toBe(mfa);
    expect(findingsIn(rootHardwareMfa, snapshot, organization)[0]!.status).toBe(hardware);
    // Without the organization, the account's own verdict, whatever the root row says.
    expect(findingsIn(rootMfa, snapshot, null)[0]!.status).toBe(summary.AccountMFAEnabled === 1 ? 'PASS' : 'FAIL');
    expect(findingsIn(rootMfa, snapshot, null)[0]!.evidence).toEqual({ AccountMFAEnabled: summary.AccountMFAEnabled });
  });
});
