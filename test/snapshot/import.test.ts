import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../src/checks/engine.js';
import { ALL_CHECKS } from '../../src/checks/registry.js';
import { InputError } from '../../src/errors.js';
import { DEFAULT_SETTINGS } from '../../src/settings.js';
import { importAwsCliExports } from '../../src/snapshot/import.js';

const CORPUS = new URL('../fixtures/iam-vulnerable-authorization-details.json', import.meta.url).pathname;
const CSV_HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';

function exportDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hipaa-iam-import-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

const FULL = {
  'credential-report.csv': `${CSV_HEADER}
<root_account>,arn:aws:iam::222233334444:root,2020-01-01T00:00:00+00:00,not_supported,2026-01-01T00:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
alice,arn:aws:iam::222233334444:user/alice,2024-01-01T00:00:00+00:00,true,2026-11-01T00:00:00+00:00,2024-01-01T00:00:00+00:00,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
`,
  'account-authorization-details.json': JSON.stringify({
    UserDetailList: [{ UserName: 'alice', UserId: 'AIDA1', Arn: 'arn:aws:iam::222233334444:user/alice', Path: '/', CreateDate: '2024-01-01T00:00:00Z', GroupList: [], UserPolicyList: [], AttachedManagedPolicies: [] }],
    GroupDetailList: [],
    RoleDetailList: [],
    Policies: [],
  }),
  'password-policy.json': JSON.stringify({ PasswordPolicy: { MinimumPasswordLength: 8, RequireSymbols: false, RequireNumbers: true, RequireUppercaseCharacters: true, RequireLowercaseCharacters: true, AllowUsersToChangePassword: true, ExpirePasswords: false } }),
  'account-summary.json': JSON.stringify({ SummaryMap: { AccountMFAEnabled: 1, Users: 1 } }),
  'virtual-mfa-devices.json': JSON.stringify({ VirtualMFADevices: [{ SerialNumber: 'arn:aws:iam::222233334444:mfa/root-account-mfa-device', Base32StringSeed: 'SECRETSEEDVALUE', User: { Arn: 'arn:aws:iam::222233334444:root' } }] }),
};

describe('importAwsCliExports', () => {
  it('reads all five exports into a snapshot with every source ok', () => {
    const snapshot = importAwsCliExports(exportDir(FULL));
    expect(snapshot.accountId).toBe('222233334444');
    expect(snapshot.origin.kind).toBe('import');
    for (const name of ['credentialReport', 'authorizationDetails', 'passwordPolicy', 'accountSummary', 'virtualMfaDevices'] as const) {
      expect(snapshot.sources[name].status, name).toBe('ok');
    }
    expect(JSON.stringify(snapshot)).not.toContain('SECRETSEEDVALUE');
  });

  it('records the sources whose exports are not in the folder as NotInImport, saying how to make them', () => {
    const snapshot = importAwsCliExports(exportDir(FULL));
    for (const [name, export_] of [
      ['identityProviders', 'aws iam list-saml-providers --output json > identity-providers/list-saml-providers.json'],
      ['cloudTrail', 'aws cloudtrail describe-trails --include-shadow-trails --region <region> --output json > cloudtrail/<region>/describe-trails.json'],
      ['organizations', 'aws organizations describe-organization --output json > organizations/describe-organization.json'],
      ['accessAnalyzer', 'aws ec2 describe-regions --output json > access-analyzer/describe-regions.json'],
    ] as const) {
      expect(snapshot.sources[name], name).toEqual({ status: 'error', error: { code: 'NotInImport', message: expect.stringContaining(export_) } });
    }
  });

  it('reads the iam-vulnerable corpus as it is and errors the controls it cannot feed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hipaa-iam-corpus-'));
    cpSync(CORPUS, join(dir, 'account-authorization-details.json'));
    const snapshot = importAwsCliExports(dir);
    const details = snapshot.sources.authorizationDetails;
    if (details.status !== 'ok') throw new Error('corpus not read');
    // The corpus README: 44 users, 5 groups, 78 roles, 84 policies.
    expect([details.data.users.length, details.data.groups.length, details.data.roles.length, details.data.policies.length]).toEqual([44, 5, 78, 84]);
    expect(details.data.policies.every((p) => p.document !== null)).toBe(true);
    expect(snapshot.sources.credentialReport).toMatchObject({ status: 'error', error: { code: 'NotInImport' } });

    const findings = runChecks(ALL_CHECKS, snapshot, DEFAULT_SETTINGS, new Date(snapshot.collectedAt));
    // A control that needs a missing export is ERROR, never PASS; one that needs only the
    // authorization details is judged.
    const missing = new Set(Object.entries(snapshot.sources).filter(([, s]) => s.status === 'error').map(([name]) => name));
    for (const check of ALL_CHECKS) {
      const statuses = new Set(findings.filter((f) => f.controlId === check.meta.controlId).map((f) => f.status));
      if (check.meta.sources.some((source) => missing.has(source))) expect([...statuses], check.meta.controlId).toEqual(['ERROR']);
      // Authorization details omit roles' session limits: without list-roles.json that control cannot judge them.
      else if (check.meta.sources.length > 0 && check.meta.controlId !== 'session-duration') expect(statuses.has('ERROR'), check.meta.controlId).toBe(false);
    }
    expect(findings.find((f) => f.controlId === 'inline-policies' && f.resourceName === 'privesc10-PutUserPolicy-user')?.status).toBe('PASS');
    expect(findings.find((f) => f.controlId === 'password-policy')?.message).toContain('password-policy.json is not in');
  });

  it('takes roles\' maximum session durations from an optional list-roles.json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hipaa-iam-roles-'));
    cpSync(CORPUS, join(dir, 'account-authorization-details.json'));
    const arn = 'arn:aws:iam::200611803367:role/privesc-sre-role';
    writeFileSync(join(dir, 'list-roles.json'), JSON.stringify({ Roles: [{ RoleName: 'privesc-sre-role', Arn: arn, MaxSessionDuration: 43200 }] }));
    const details = importAwsCliExports(dir).sources.authorizationDetails;
    if (details.status !== 'ok') throw new Error('not read');
    expect(details.data.roles.find((r) => r.arn === arn)?.maxSessionDuration).toBe(43200);
    expect(details.data.roles.find((r) => r.name === 'MyRole')?.maxSessionDuration).toBeNull();
  });

  it('treats {} in password-policy.json as no policy set, and an empty file as unknown', () => {
    const none = importAwsCliExports(exportDir({ 'password-policy.json': '{}' }));
    expect(none.sources.passwordPolicy).toEqual({ status: 'ok', data: { policy: null } });
    const empty = importAwsCliExports(exportDir({ 'password-policy.json': '' }));
    expect(empty.sources.passwordPolicy.status).toBe('error');
  });

  it.each<[string, Record<string, string>, RegExp]>([
    ['malformed JSON', { 'account-summary.json': '{"SummaryMap": ' }, /account-summary\.json is not valid JSON/],
    ['a CSV that is not a credential report', { 'credential-report.csv': 'name,age\nalice,3\n' }, /credential-report\.csv: not a credential report: missing column/],
    ['a malformed inline policy', { 'account-authorization-details.json': JSON.stringify({ UserDetailList: [{ UserName: 'bob', UserPolicyList: [{ PolicyName: 'p', PolicyDocument: '%7Bbroken' }] }] }) }, /inline policy p of user bob/],
    ['the wrong export in a file', { 'virtual-mfa-devices.json': JSON.stringify({ Users: [] }) }, /not the output of list-virtual-mfa-devices/],
  ])('rejects %s as bad input naming the file', (_label, files, reason) => {
    const dir = exportDir(files);
    expect(() => importAwsCliExports(dir)).toThrow(InputError);
    expect(() => importAwsCliExports(dir)).toThrow(reason);
  });

  it('rejects a folder that does not exist', () => {
    expect(() => importAwsCliExports('/nonexistent/hipaa-iam')).toThrow(/does not exist/);
  });

  it('rejects an export it cannot read', () => {
    const dir = exportDir({});
    mkdirSync(join(dir, 'credential-report.csv'));
    expect(() => importAwsCliExports(dir)).toThrow(/cannot read .*credential-report\.csv/);
  });
});
