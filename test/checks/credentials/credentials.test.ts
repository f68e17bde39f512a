import { describe, expect, it } from 'vitest';
import type { Status } from '../../../src/checks/check.js';
import accessKeyRotation from '../../../src/checks/credentials/access-key-rotation.js';
import keyAtSetup from '../../../src/checks/credentials/key-at-setup.js';
import multipleActiveKeys from '../../../src/checks/credentials/multiple-active-keys.js';
import rootAccessKeys from '../../../src/checks/credentials/root-access-keys.js';
import rootRecentUse from '../../../src/checks/credentials/root-recent-use.js';
import unusedCredentials from '../../../src/checks/credentials/unused-credentials.js';
import type { CredentialReportRow } from '../../../src/snapshot/schema.js';
import { ACCOUNT, findingsOf, reportRow, snapshotWith, statusByResource } from '../../support/snapshot.js';

// NOW in the support snapshot is 2026-11-20T12:00:00Z.
const daysAgo = (days: number) => new Date(Date.parse('2026-11-20T12:00:00Z') - days * 86_400_000).toISOString();
const withRows = (...rows: CredentialReportRow[]) =>
  snapshotWith((s) => {
    s.sources.credentialReport = { status: 'ok', data: { generatedAt: null, rows } };
  });
const key = (slot: 1 | 2, rotatedDaysAgo: number, usedDaysAgo: number | null) => ({
  [`access_key_${slot}_active`]: 'true',
  [`access_key_${slot}_last_rotated`]: daysAgo(rotatedDaysAgo),
  [`access_key_${slot}_last_used_date`]: usedDaysAgo === null ? 'N/A' : daysAgo(usedDaysAgo),
});
const root = (fields: Record<string, string>) => reportRow('<root_account>', { arn: `arn:aws:iam::${ACCOUNT}:root`, password_enabled: 'not_supported', ...fields });

describe('root-access-keys (IAM-007)', () => {
  it.each<[number | undefined, Status]>([
    [0, 'PASS'],
    [1, 'FAIL'],
    [undefined, 'ERROR'],
  ])('AccountAccessKeysPresent %s → %s', (present, status) => {
    const snapshot = snapshotWith((s) => {
      s.sources.accountSummary = { status: 'ok', data: { summaryMap: present === undefined ? {} : { AccountAccessKeysPresent: present } } };
    });
    expect(findingsOf(rootAccessKeys, snapshot).map((f) => f.status)).toEqual([status]);
  });
});

describe('root-recent-use (IAM-008)', () => {
  it.each<[string, Record<string, string>, Status]>([
    ['password used 10 days ago', { password_last_used: daysAgo(10) }, 'FAIL'],
    ['password used 200 days ago', { password_last_used: daysAgo(200) }, 'PASS'],
    ['never used', { password_last_used: 'no_information' }, 'PASS'],
    ['a key used yesterday', { password_last_used: daysAgo(400), access_key_1_last_used_date: daysAgo(1) }, 'FAIL'],
    ['exactly at the window', { password_last_used: daysAgo(90) }, 'FAIL'],
    ['just outside the window', { password_last_used: daysAgo(91) }, 'PASS'],
  ])('%s → %s', (_label, fields, status) => {
    expect(statusByResource(rootRecentUse, withRows(root(fields)))).toEqual({ root: status });
  });

  it('is ERROR when the report has no root row (moto, or a trimmed export)', () => {
    const [finding] = findingsOf(rootRecentUse, withRows(reportRow('alice')));
    expect(finding?.status).toBe('ERROR');
    expect(finding?.message).toContain('<root_account>');
  });
});

describe('access-key-rotation (IAM-010)', () => {
  it('judges each active key by its age, skipping inactive keys and root', () => {
    const snapshot = withRows(
      root(key(1, 900, 1)),
      reportRow('fresh', key(1, 10, 1)),
      reportRow('old', { ...key(1, 91, 1), ...key(2, 30, null) }),
      reportRow('inactive', { access_key_1_active: 'false', access_key_1_last_rotated: daysAgo(900) }),
    );
    expect(statusByResource(accessKeyRotation, snapshot)).toEqual({ 'fresh access key 1': 'PASS', 'old access key 1': 'FAIL', 'old access key 2': 'PASS' });
  });

  it('is NOT_APPLICABLE without active keys', () => {
    expect(findingsOf(accessKeyRotation, withRows(reportRow('alice'))).map((f) => f.status)).toEqual(['NOT_APPLICABLE']);
  });
});

describe('unused-credentials (IAM-011)', () => {
  it.each<[string, Record<string, string>, Status]>([
    ['password used last week', { password_enabled: 'true', password_last_used: daysAgo(7), password_last_changed: daysAgo(300) }, 'PASS'],
    ['password unused for 120 days', { password_enabled: 'true', password_last_used: daysAgo(120), password_last_changed: daysAgo(300) }, 'FAIL'],
    ['new password never used (grace period)', { password_enabled: 'true', password_last_used: 'no_information', password_last_changed: daysAgo(20) }, 'PASS'],
    ['old password never used', { password_enabled: 'true', password_last_used: 'no_information', password_last_changed: daysAgo(200) }, 'FAIL'],
    ['key used yesterday', key(1, 300, 1), 'PASS'],
    ['key idle for 100 days', key(1, 300, 100), 'FAIL'],
    ['new key never used (grace period)', key(1, 5, null), 'PASS'],
    ['old key never used', key(1, 95, null), 'FAIL'],
    ['one good and one stale credential', { password_enabled: 'true', password_last_used: daysAgo(1), ...key(2, 200, 150) }, 'FAIL'],
  ])('%s → %s', (_label, fields, status) => {
    expect(statusByResource(unusedCredentials, withRows(reportRow('alice', fields)))).toEqual({ alice: status });
  });

  it('leaves out users without credentials', () => {
    expect(statusByResource(unusedCredentials, withRows(reportRow('nobody'), reportRow('alice', key(1, 5, 1))))).toEqual({ alice: 'PASS' });
  });
});

describe('multiple-active-keys (IAM-012)', () => {
  it('fails two active keys and passes one', () => {
    const snapshot = withRows(reportRow('two', { ...key(1, 10, 1), ...key(2, 10, 1) }), reportRow('one', key(2, 10, 1)), reportRow('none'));
    expect(statusByResource(multipleActiveKeys, snapshot)).toEqual({ two: 'FAIL', one: 'PASS' });
  });
});

describe('key-at-setup (IAM-013)', () => {
  const created = daysAgo(30);
  it.each<[string, Record<string, string>, Status | undefined]>([
    ['console user with an unused key from setup', { password_enabled: 'true', access_key_1_active: 'true', access_key_1_last_rotated: created, access_key_1_last_used_date: 'N/A' }, 'FAIL'],
    ['the setup key was used', { password_enabled: 'true', access_key_1_active: 'true', access_key_1_last_rotated: created, access_key_1_last_used_date: daysAgo(2) }, 'PASS'],
    ['an unused key made later', { password_enabled: 'true', ...key(1, 3, null) }, 'PASS'],
    ['no console password', { password_enabled: 'false', access_key_1_active: 'true', access_key_1_last_rotated: created, access_key_1_last_used_date: 'N/A' }, undefined],
  ])('%s → %s', (_label, fields, status) => {
    const statuses = statusByResource(keyAtSetup, withRows(reportRow('alice', { user_creation_time: created, ...fields })));
    expect(statuses.alice).toBe(status);
  });
});
