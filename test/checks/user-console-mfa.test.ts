import { describe, expect, it } from 'vitest';
import userConsoleMfa from '../../src/checks/mfa-audit/user-console-mfa.js';
import type { Status } from '../../src/checks/check.js';
import { ACCOUNT, findingsOf, iamUser, reportRow, snapshotWith, statusByResource } from '../support/snapshot.js';

describe('user-console-mfa (IAM-001)', () => {
  it.each<[string, Record<string, string>, Status]>([
    ['console password and MFA', { password_enabled: 'true', mfa_active: 'true' }, 'PASS'],
    ['console password without MFA', { password_enabled: 'true', mfa_active: 'false' }, 'FAIL'],
    ['no console password, no MFA', { password_enabled: 'false', mfa_active: 'false' }, 'NOT_APPLICABLE'],
    ['no console password, with MFA', { password_enabled: 'false', mfa_active: 'true' }, 'NOT_APPLICABLE'],
    ['unreadable password flag', { password_enabled: 'not_supported', mfa_active: 'false' }, 'ERROR'],
  ])('%s → %s', (_label, fields, status) => {
    const snapshot = snapshotWith((s) => {
      s.sources.credentialReport = { status: 'ok', data: { generatedAt: null, rows: [reportRow('alice', fields)] } };
      s.sources.authorizationDetails = { status: 'ok', data: { users: [iamUser('alice')], groups: [], roles: [], policies: [] } };
    });
    expect(statusByResource(userConsoleMfa, snapshot)).toEqual({ alice: status });
  });

  it('says which users lack MFA in the hardening guide words, and which type others use', () => {
    const snapshot = snapshotWith((s) => {
      s.sources.credentialReport = {
        status: 'ok',
        data: {
          generatedAt: null,
          rows: [
            reportRow('<root_account>', { arn: `arn:aws:iam::${ACCOUNT}:root`, password_enabled: 'not_supported', mfa_active: 'false' }),
            reportRow('alice', { password_enabled: 'true', mfa_active: 'false' }),
            reportRow('bob', { password_enabled: 'true', mfa_active: 'true' }),
            reportRow('carol', { password_enabled: 'true', mfa_active: 'true' }),
          ],
        },
      };
      s.sources.virtualMfaDevices = { status: 'ok', data: { devices: [{ serialNumber: `arn:aws:iam::${ACCOUNT}:mfa/bob`, userArn: `arn:aws:iam::${ACCOUNT}:user/bob`, userName: 'bob', enableDate: null }] } };
    });
    const byName = Object.fromEntries(findingsOf(userConsoleMfa, snapshot).map((f) => [f.resourceName, f]));
    expect(Object.keys(byName)).toEqual(['alice', 'bob', 'carol']); // root is not an IAM user
    expect(byName.alice?.message).toBe('alice has NO MFA — HIPAA compliance gap');
    expect(byName.bob?.evidence.mfaType).toBe('virtual');
    expect(byName.carol?.evidence.mfaType).toBe('hardware or FIDO');
  });

  it('is ERROR for a user created after the credential report', () => {
    const snapshot = snapshotWith((s) => {
      s.sources.credentialReport = { status: 'ok', data: { generatedAt: '2026-11-20T08:00:00Z', rows: [reportRow('alice', { password_enabled: 'true', mfa_active: 'true' })] } };
      s.sources.authorizationDetails = { status: 'ok', data: { users: [iamUser('alice'), iamUser('newcomer')], groups: [], roles: [], policies: [] } };
    });
    expect(statusByResource(userConsoleMfa, snapshot)).toEqual({ alice: 'PASS', newcomer: 'ERROR' });
  });

  it('is NOT_APPLICABLE for an account without users', () => {
    expect(findingsOf(userConsoleMfa, snapshotWith(() => {})).map((f) => f.status)).toEqual(['NOT_APPLICABLE']);
  });

  it('is ERROR when the credential report is unavailable', () => {
    const snapshot = snapshotWith((s) => {
      s.sources.credentialReport = { status: 'error', error: { code: 'NotInImport', message: 'credential-report.csv is missing' } };
    });
    const findings = findingsOf(userConsoleMfa, snapshot);
    expect(findings.map((f) => f.status)).toEqual(['ERROR']);
    expect(findings[0]?.message).toContain('credential-report.csv is missing');
  });
});
