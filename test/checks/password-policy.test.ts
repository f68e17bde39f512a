import { describe, expect, it } from 'vitest';
import passwordPolicy from '../../src/checks/password-policy/password-policy.js';
import type { PasswordPolicy } from '../../src/snapshot/schema.js';
import { compliantPasswordPolicy, findingsOf, snapshotWith, statusByResource } from '../support/snapshot.js';

const BASELINE: PasswordPolicy = compliantPasswordPolicy();

const withPolicy = (policy: PasswordPolicy | null) =>
  snapshotWith((s) => {
    s.sources.passwordPolicy = { status: 'ok', data: { policy } };
  });

describe('password-policy (IAM-004)', () => {
  it('passes every parameter of the hardening guide baseline', () => {
    const statuses = statusByResource(passwordPolicy, withPolicy(BASELINE));
    expect(Object.keys(statuses)).toHaveLength(8);
    expect(Object.values(statuses).every((s) => s === 'PASS')).toBe(true);
  });

  it.each<[string, Partial<PasswordPolicy>, string, string]>([
    ['short minimum length', { minimumPasswordLength: 13 }, 'MinimumPasswordLength', '13'],
    ['no symbols', { requireSymbols: false }, 'RequireSymbols', 'false'],
    ['no numbers', { requireNumbers: false }, 'RequireNumbers', 'false'],
    ['no upper case', { requireUppercaseCharacters: false }, 'RequireUppercaseCharacters', 'false'],
    ['no lower case', { requireLowercaseCharacters: false }, 'RequireLowercaseCharacters', 'false'],
    ['expiry too long', { maxPasswordAge: 91 }, 'MaxPasswordAge', '91 days'],
    ['passwords never expire', { expirePasswords: false, maxPasswordAge: null }, 'MaxPasswordAge', 'passwords never expire'],
    ['age set but expiry off', { expirePasswords: false, maxPasswordAge: 30 }, 'MaxPasswordAge', 'passwords never expire'],
    ['reuse prevention too small', { passwordReusePrevention: 5 }, 'PasswordReusePrevention', '5'],
    ['reuse prevention unset', { passwordReusePrevention: null }, 'PasswordReusePrevention', 'not set'],
    ['users cannot change password', { allowUsersToChangePassword: false }, 'AllowUsersToChangePassword', 'false'],
  ])('%s fails only that parameter and shows the actual value', (_label, change, parameter, actual) => {
    const findings = findingsOf(passwordPolicy, withPolicy({ ...BASELINE, ...change }));
    const failed = findings.filter((f) => f.status === 'FAIL');
    expect(failed.map((f) => f.resourceName)).toEqual([parameter]);
    expect(failed[0]?.evidence.actual).toBe(actual);
    expect(failed[0]?.message).toContain(`actual ${actual}`);
  });

  it('passes the thresholds exactly at the limit', () => {
    const statuses = statusByResource(passwordPolicy, withPolicy({ ...BASELINE, minimumPasswordLength: 14, maxPasswordAge: 1, passwordReusePrevention: 24 }));
    expect(statuses.MinimumPasswordLength).toBe('PASS');
    expect(statuses.MaxPasswordAge).toBe('PASS');
  });

  it('fails every parameter when no policy is set, saying the AWS default applies', () => {
    const findings = findingsOf(passwordPolicy, withPolicy(null));
    expect(findings).toHaveLength(8);
    expect(findings.every((f) => f.status === 'FAIL')).toBe(true);
    expect(findings[0]?.message).toContain('no password policy set');
  });

  it('is ERROR, not PASS, when the policy could not be read', () => {
    const snapshot = snapshotWith((s) => {
      s.sources.passwordPolicy = { status: 'error', error: { code: 'AccessDenied', message: 'not authorized to perform iam:GetAccountPasswordPolicy' } };
    });
    const findings = findingsOf(passwordPolicy, snapshot);
    expect(findings.map((f) => f.status)).toEqual(['ERROR']);
    expect(findings[0]?.message).toContain('AccessDenied');
  });

  it('carries its control identity from CONTROLS.md', () => {
    const [finding] = findingsOf(passwordPolicy, withPolicy(BASELINE));
    expect(finding).toMatchObject({ controlId: 'password-policy', riskId: 'IAM-004', severity: 'medium' });
    expect(finding?.hipaa).toEqual(['164.308(a)(5)(ii)(D)', '164.308(a)(4)(ii)(C)', '164.312(d)']);
  });
});
