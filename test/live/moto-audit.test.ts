import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  IAMClient,
  PutGroupPolicyCommand,
  UpdateAccountPasswordPolicyCommand,
} from '@aws-sdk/client-iam';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hipaaIam, readFindings, runFolders, STALE_LIST_WARNING, tempDir, verdicts } from '../support/cli.js';
import { motoInstalled, startMoto, type Moto } from '../support/moto.js';

const ACCOUNT = '123456789012'; // moto's default account
const SELF_SERVICE = ['iam:CreateVirtualMFADevice', 'iam:EnableMFADevice', 'iam:ListMFADevices', 'iam:ResyncMFADevice', 'iam:GetUser', 'sts:GetSessionToken', 'iam:ChangePassword'];
const denyWithoutMfa = (extraExempt: string[] = []) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'DenyAllActionsIfNoMFA', Effect: 'Deny', NotAction: [...SELF_SERVICE, ...extraExempt], Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }],
  });

/**
 * An account seeded the way a clinic grows one: a weak password policy, console users with
 * and without MFA, a human-users group carrying the deny-without-MFA policy, a group whose
 * deny leaks a whole service, and a service user with only an access key.
 */
async function seed(iam: IAMClient): Promise<void> {
  const send = iam.send.bind(iam) as (command: unknown) => Promise<{ VirtualMFADevice?: { SerialNumber?: string } }>;
  await send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 8, RequireSymbols: false, RequireNumbers: true, RequireUppercaseCharacters: true, RequireLowercaseCharacters: true, AllowUsersToChangePassword: true, MaxPasswordAge: 180, PasswordReusePrevention: 24 }));
  const policy = (await send(new CreatePolicyCommand({ PolicyName: 'deny-without-mfa', PolicyDocument: denyWithoutMfa() }))) as { Policy?: { Arn?: string } };
  await send(new CreateGroupCommand({ GroupName: 'human-users' }));
  await send(new AttachGroupPolicyCommand({ GroupName: 'human-users', PolicyArn: policy.Policy?.Arn }));
  await send(new CreateGroupCommand({ GroupName: 'lab-staff' }));
  await send(new PutGroupPolicyCommand({ GroupName: 'lab-staff', PolicyName: 'lab-mfa', PolicyDocument: denyWithoutMfa(['s3:*']) }));

  const user = async (name: string, opts: { password?: boolean; mfa?: boolean; groups?: string[]; key?: boolean }) => {
    await send(new CreateUserCommand({ UserName: name }));
    if (opts.password) await send(new CreateLoginProfileCommand({ UserName: name, Password: 'Correct-Horse-9!' }));
    if (opts.mfa) {
      const device = await send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: name }));
      await send(new EnableMFADeviceCommand({ UserName: name, SerialNumber: device.VirtualMFADevice?.SerialNumber, AuthenticationCode1: '123456', AuthenticationCode2: '654321' }));
    }
    for (const group of opts.groups ?? []) await send(new AddUserToGroupCommand({ GroupName: group, UserName: name }));
    if (opts.key) await send(new CreateAccessKeyCommand({ UserName: name }));
  };
  await user('alice', { password: true }); // console, no MFA, no group
  await user('bob', { password: true, mfa: true, groups: ['human-users'] }); // compliant
  await user('carol', { password: true, groups: ['human-users'] }); // enforced, not yet enrolled
  await user('dave', { password: true, mfa: true, groups: ['lab-staff'] }); // MFA, but a leaky deny
  await user('svc-backup', { key: true }); // no console password
}

describe.skipIf(!motoInstalled)('live path: the real SDK against moto', () => {
  let moto: Moto;
  const out = tempDir('moto-out');

  beforeAll(async () => {
    moto = await startMoto();
    const iam = new IAMClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    await seed(iam);
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it('reaches the right verdict on every control of password-policy and mfa-audit', () => {
    const result = hipaaIam(['audit', '--out', out], moto.env);
    // Nothing on stderr but the warning that the built-in eligible-services list is over 180 days old.
    expect(result.stderr).toMatch(STALE_LIST_WARNING);
    // 3: moto has no Access Analyzer and no <root_account> row, and those controls must say so.
    expect(result.status).toBe(3);
    const [runDir] = runFolders(out, ACCOUNT);
    expect(runDir).toBeDefined();
    const { findings, run } = readFindings(runDir!);
    expect([...new Set(findings.filter((f) => f.status === 'ERROR').map((f) => f.controlId))].sort()).toEqual(['access-analyzer-enabled', 'access-analyzer-findings', 'root-recent-use']);
    const issueTwoControls = new Set(['password-policy', 'root-mfa', 'root-hardware-mfa', 'user-console-mfa', 'mfa-enforcement']);
    expect(verdicts(findings.filter((f) => issueTwoControls.has(f.controlId)))).toEqual({
      'password-policy MinimumPasswordLength': 'FAIL',
      'password-policy RequireSymbols': 'FAIL',
      'password-policy RequireNumbers': 'PASS',
      'password-policy RequireUppercaseCharacters': 'PASS',
      'password-policy RequireLowercaseCharacters': 'PASS',
      'password-policy MaxPasswordAge': 'FAIL',
      'password-policy PasswordReusePrevention': 'PASS',
      'password-policy AllowUsersToChangePassword': 'PASS',
      'root-mfa root': 'FAIL', // moto's root has no MFA
      'root-hardware-mfa root': 'FAIL',
      'user-console-mfa alice': 'FAIL',
      'user-console-mfa bob': 'PASS',
      'user-console-mfa carol': 'FAIL',
      'user-console-mfa dave': 'PASS',
      'user-console-mfa svc-backup': 'NOT_APPLICABLE',
      'mfa-enforcement alice': 'FAIL',
      'mfa-enforcement bob': 'PASS',
      'mfa-enforcement carol': 'PASS',
      'mfa-enforcement dave': 'FAIL',
      'mfa-enforcement svc-backup': 'NOT_APPLICABLE',
    });
    expect(run).toMatchObject({ accountId: ACCOUNT, caller: { arn: expect.stringContaining(ACCOUNT) } });

    const mfaCsv = parse(readFileSync(join(runDir!, 'mfa-audit.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(mfaCsv.map((r) => [r.User, r['Console Access'], r['MFA Active'], r['MFA Type'], r['MFA Status'], r['Enforcement Status']])).toEqual([
      ['root', 'yes', 'no', 'none', 'FAIL', 'FAIL'],
      ['alice', 'yes', 'no', 'none', 'FAIL', 'FAIL'],
      ['bob', 'yes', 'yes', 'virtual', 'PASS', 'PASS'],
      ['carol', 'yes', 'no', 'none', 'FAIL', 'PASS'],
      ['dave', 'yes', 'yes', 'virtual', 'PASS', 'FAIL'],
      ['svc-backup', 'no', 'no', 'none', 'NOT_APPLICABLE', 'NOT_APPLICABLE'],
    ]);
    expect(mfaCsv.find((r) => r.User === 'bob')?.['Enforcing Policy']).toBe('group human-users: managed policy deny-without-mfa (DenyAllActionsIfNoMFA) [BoolIfExists]');
    expect(result.stdout).toContain('❌ alice has NO MFA — HIPAA compliance gap');
  });

  it('makes a fixed handful of calls, one per page, and records them per source in run.json', () => {
    const result = hipaaIam(['mfa-audit', '--out', out], moto.env);
    expect(result.status).toBe(1);
    const runDir = runFolders(out, ACCOUNT).at(-1)!;
    const run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'));
    const calls = run.collection.calls as Record<string, { calls: number; operations: Record<string, number> }>;
    // mfa-audit reads only what its controls need (issue 11): their sources, the caller, and the
    // account summary that vouches for the authorization details and the virtual MFA devices.
    expect(Object.keys(calls).sort()).toEqual(['accountSummary', 'authorizationDetails', 'callerIdentity', 'credentialReport', 'virtualMfaDevices']);
    expect(calls.authorizationDetails?.operations).toEqual({ GetAccountAuthorizationDetails: 1, ListRoles: 1 });
    const iamSources = ['accountSummary', 'authorizationDetails', 'callerIdentity', 'credentialReport', 'passwordPolicy', 'virtualMfaDevices'];
    const total = iamSources.reduce((sum, name) => sum + (calls[name]?.calls ?? 0), 0);
    expect(total).toBeLessThanOrEqual(10);
    expect(run.sourceErrors).toEqual([]);

    // A full audit reads every source; the other sources grow with trails and regions, never with users (this account has no trail).
    const fullOut = tempDir('moto-audit-full');
    expect(hipaaIam(['audit', '--out', fullOut], moto.env).status).toBe(3); // Access Analyzer, which moto lacks, is ERROR
    const full = JSON.parse(readFileSync(join(runFolders(fullOut, ACCOUNT).at(-1)!, 'run.json'), 'utf8'));
    const fullCalls = full.collection.calls as Record<string, { calls: number; operations: Record<string, number> }>;
    expect(Object.keys(fullCalls).sort()).toEqual([
      'accessAnalyzer', 'accountSummary', 'authorizationDetails', 'callerIdentity', 'cloudTrail', 'credentialReport',
      'identityCenter', 'identityProviders', 'organizations', 'passwordPolicy', 'virtualMfaDevices',
    ]);
    expect(iamSources.reduce((sum, name) => sum + (fullCalls[name]?.calls ?? 0), 0)).toBeLessThanOrEqual(10);
    expect(fullCalls.identityProviders?.operations).toEqual({ ListSAMLProviders: 1, ListOpenIDConnectProviders: 1 });
    expect(fullCalls.cloudTrail?.operations).toEqual({ DescribeTrails: 1 });
    expect(fullCalls.organizations?.operations).toEqual({ DescribeOrganization: 1 });
    expect(Object.keys(fullCalls.accessAnalyzer?.operations ?? {}).sort()).toEqual(['DescribeRegions', 'ListAnalyzers']);
    expect(fullCalls.accessAnalyzer?.operations.DescribeRegions).toBe(1);
    // moto has no Access Analyzer: the one source it cannot serve is an error, and the only one.
    expect(full.sourceErrors).toEqual([{ source: 'accessAnalyzer', code: 'SyntaxError', message: expect.stringContaining('(HTTP 500)') }]);
  });

  it('audits a saved snapshot offline to the same verdicts as the live run', () => {
    const file = join(tempDir('moto-snap'), 'snapshot.json');
    const collected = hipaaIam(['collect', '--save', file], moto.env);
    expect(collected.status).toBe(0);
    expect(readFileSync(file, 'utf8')).not.toMatch(/Base32StringSeed|QRCodePNG/);
    const offlineOut = tempDir('moto-offline');
    const offline = hipaaIam(['audit', '--snapshot', file, '--out', offlineOut]);
    expect(offline.status).toBe(3);
    const live = readFindings(runFolders(out, ACCOUNT)[0]!).findings;
    const fromSnapshot = readFindings(runFolders(offlineOut, ACCOUNT)[0]!).findings;
    expect(verdicts(fromSnapshot)).toEqual(verdicts(live));
  });

  it('files nothing, never a PASS, when the endpoint stops answering: exit 3 and one line saying why, even with --quiet', () => {
    const deadOut = tempDir('moto-dead');
    const result = hipaaIam(['password-policy', '--out', deadOut, '--quiet'], { ...moto.env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1' });
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/^hipaa-iam: nothing could be read from live AWS \(default credential chain, endpoint http:\/\/127\.0\.0\.1:9\), so nothing was written: caller identity \(sts:GetCallerIdentity\): .*ECONNREFUSED/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(readdirSync(deadOut)).toEqual([]);
  });
});
