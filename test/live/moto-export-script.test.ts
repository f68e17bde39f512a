import { CloudTrailClient, CreateTrailCommand, PutEventSelectorsCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreateOpenIDConnectProviderCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateSAMLProviderCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  IAMClient,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  UpdateAccountPasswordPolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateOrganizationCommand, CreatePolicyCommand as CreateScpCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/checks/check.js';
import type { Snapshot } from '../../src/snapshot/schema.js';
import { EXPORT_SCRIPT_PATH } from '../../src/snapshot/import-files.js';
import { hipaaIam, readFindings, runFolders, tempDir } from '../support/cli.js';
import { createBucket, motoInstalled, startMoto, type Moto } from '../support/moto.js';

const ACCOUNT = '123456789012'; // moto's default account
const REGIONS = 'us-east-1,us-west-2';

/**
 * The AWS CLIs to run the shipped export script with: the `aws` on PATH and Debian's
 * /usr/bin/aws (package awscli), each once (v1 and v2 print timestamps differently).
 * HIPAA_IAM_REQUIRE_AWS_CLI=1 (CI) makes a machine without any a failure, not a skip.
 */
function awsClis(): string[] {
  const onPath = spawnSync('sh', ['-c', 'command -v aws'], { encoding: 'utf8' }).stdout.trim();
  const found = [onPath, '/usr/bin/aws'].filter((path) => path && existsSync(path) && spawnSync(path, ['--version'], { encoding: 'utf8' }).status === 0);
  // pyenv's shim and the interpreter's own script are one CLI.
  const real = new Map(found.map((path) => [cliVersion(path), path]));
  return [...real.values()];
}
function cliVersion(path: string): string {
  const result = spawnSync(path, ['--version'], { encoding: 'utf8' });
  return `${result.stdout}${result.stderr}`.trim().split(' ')[0] ?? realpathSync(path);
}
const CLIS = awsClis();
if (CLIS.length === 0) {
  if (process.env.HIPAA_IAM_REQUIRE_AWS_CLI === '1') throw new Error('HIPAA_IAM_REQUIRE_AWS_CLI=1 but no AWS CLI is installed (apt-get install awscli)');
  console.warn('\n⚠ the AWS CLI is not installed: the export-script test against moto is skipped (apt-get install awscli to run it)\n');
}

const SAML_METADATA = `<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.clinic.example/">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"/>
</md:EntityDescriptor>`;
const doc = (statement: Record<string, unknown>) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });

/**
 * A clinic's account with something for every control: users with and without MFA, keys and
 * passwords, groups and direct policies, an administrator role trusted by a SAML provider, an
 * OIDC provider, a local trail never started and a compliant multi-region trail homed in
 * another region, and an organization with an SCP.
 */
async function seed(moto: Moto): Promise<void> {
  const config = (region: string) => ({ endpoint: moto.endpoint, region, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  const iam = new IAMClient(config('us-east-1'));
  const send = iam.send.bind(iam) as (command: unknown) => Promise<Record<string, Record<string, string> | undefined>>;
  await send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 14, RequireSymbols: true, RequireNumbers: true, RequireUppercaseCharacters: true, RequireLowercaseCharacters: true, MaxPasswordAge: 90, PasswordReusePrevention: 24 }));
  const denyWithoutMfa = await send(
    new CreatePolicyCommand({
      PolicyName: 'deny-without-mfa',
      PolicyDocument: doc({ Effect: 'Deny', NotAction: ['iam:CreateVirtualMFADevice', 'iam:EnableMFADevice', 'iam:ListMFADevices', 'iam:GetUser', 'sts:GetSessionToken', 'iam:ChangePassword'], Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }),
    }),
  );
  await send(new CreateGroupCommand({ GroupName: 'human-users' }));
  await send(new AttachGroupPolicyCommand({ GroupName: 'human-users', PolicyArn: denyWithoutMfa.Policy?.Arn }));
  const user = async (name: string, opts: { password?: boolean; mfa?: boolean; group?: boolean; keys?: number }) => {
    await send(new CreateUserCommand({ UserName: name }));
    if (opts.password) await send(new CreateLoginProfileCommand({ UserName: name, Password: 'Correct-Horse-9!' }));
    if (opts.mfa) {
      const device = await send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: name }));
      await send(new EnableMFADeviceCommand({ UserName: name, SerialNumber: device.VirtualMFADevice?.SerialNumber, AuthenticationCode1: '123456', AuthenticationCode2: '654321' }));
    }
    if (opts.group) await send(new AddUserToGroupCommand({ GroupName: 'human-users', UserName: name }));
    for (let i = 0; i < (opts.keys ?? 0); i++) await send(new CreateAccessKeyCommand({ UserName: name }));
  };
  await user('alice', { password: true });
  await user('bob', { password: true, mfa: true, group: true });
  await user('svc-backup', { keys: 1 });
  await user('svc-etl', { keys: 2 });
  await send(new PutUserPolicyCommand({ UserName: 'svc-etl', PolicyName: 'etl', PolicyDocument: doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }) }));

  const saml = await send(new CreateSAMLProviderCommand({ Name: 'ClinicIdP', SAMLMetadataDocument: SAML_METADATA }));
  await send(new CreateOpenIDConnectProviderCommand({ Url: 'https://token.actions.githubusercontent.com', ClientIDList: ['sts.amazonaws.com'], ThumbprintList: ['6938fd4d98bab03faadb97b34396831e3780aea1'] }));
  await send(
    new CreateRoleCommand({
      RoleName: 'clinic-admins',
      AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { Federated: saml.SAMLProviderArn }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } } }),
    }),
  );
  await send(new PutRolePolicyCommand({ RoleName: 'clinic-admins', PolicyName: 'admin', PolicyDocument: doc({ Effect: 'Allow', Action: '*', Resource: '*' }) }));
  await send(new CreateRoleCommand({ RoleName: 'ehr-app', AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }) }));
  iam.destroy();

  await createBucket(moto.endpoint, 'clinic-trail-logs', 'us-east-1');
  await createBucket(moto.endpoint, 'clinic-audit-logs', 'us-west-2');
  const east = new CloudTrailClient(config('us-east-1'));
  const west = new CloudTrailClient(config('us-west-2'));
  await east.send(new CreateTrailCommand({ Name: 'clinic-local', S3BucketName: 'clinic-trail-logs' }));
  await west.send(
    new CreateTrailCommand({
      Name: 'clinic-all-regions',
      S3BucketName: 'clinic-audit-logs',
      IsMultiRegionTrail: true,
      EnableLogFileValidation: true,
      KmsKeyId: `arn:aws:kms:us-west-2:${ACCOUNT}:key/6f1c2e4a-9b3d-4c2a-8e7f-0a1b2c3d4e5f`,
    }),
  );
  await west.send(new PutEventSelectorsCommand({ TrailName: 'clinic-all-regions', EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] }));
  await west.send(new StartLoggingCommand({ Name: 'clinic-all-regions' }));
  east.destroy();
  west.destroy();

  const organizations = new OrganizationsClient(config('us-east-1'));
  await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  await organizations.send(new CreateScpCommand({ Name: 'hipaa-eligible-only', Description: 'HIPAA-eligible services only', Type: 'SERVICE_CONTROL_POLICY', Content: doc({ Effect: 'Deny', NotAction: ['s3:*', 'rds:*', 'kms:*'], Resource: '*' }) }));
  organizations.destroy();
}

const key = (f: Finding) => `${f.controlId} ${f.resourceType} ${f.resourceArn ?? f.resourceName}`;

describe.skipIf(!motoInstalled || CLIS.length === 0)('examples/export-account.sh with the real AWS CLI against moto, imported, against a live run', () => {
  let moto: Moto;
  let live: { status: number | null; findings: Finding[]; collectedAt: string };

  beforeAll(async () => {
    moto = await startMoto();
    await seed(moto);
    const out = tempDir('export-live');
    const result = hipaaIam(['audit', '--out', out, '--regions', REGIONS, '--quiet'], moto.env);
    const [runDir] = runFolders(out, ACCOUNT);
    if (!runDir) throw new Error(`the live run wrote nothing: ${result.stderr}`);
    const { run, findings } = readFindings(runDir);
    live = { status: result.status, findings, collectedAt: String(run.snapshotCollectedAt) };
  }, 120_000);
  afterAll(async () => {
    await moto?.stop();
  });

  it.each(CLIS)('an export made by the script with %s imports to the same finding, status and exit code as the live run, for every control', (cli) => {
    const bin = tempDir('aws-cli-bin');
    symlinkSync(cli, join(bin, 'aws'));
    const dir = join(tempDir('export'), 'clinic');
    const exported = spawnSync('bash', [EXPORT_SCRIPT_PATH, dir, '--regions', REGIONS], {
      encoding: 'utf8',
      timeout: 240_000,
      env: {
        ...moto.env,
        PATH: `${bin}:${process.env.PATH ?? ''}`,
        HOME: tempDir('aws-home'),
        AWS_CONFIG_FILE: '/nonexistent/hipaa-iam/config',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/hipaa-iam/credentials',
      },
    });
    // moto has no Access Analyzer: the script records both regions' failure and says so.
    expect(exported.stderr).toContain('access-analyzer/us-east-1/list-analyzers.json');
    expect(exported.status, exported.stderr).toBe(1);
    expect(readdirSync(join(dir, 'access-analyzer', 'us-east-1'))).toEqual(['list-analyzers.json.error']);
    // Every other call answered, including one status and one selectors file per trail, and each SCP.
    expect(existsSync(join(dir, 'credential-report.csv.error'))).toBe(false);
    expect(readdirSync(join(dir, 'cloudtrail', 'us-west-2', ACCOUNT)).sort()).toEqual(['clinic-all-regions.get-event-selectors.json', 'clinic-all-regions.get-trail-status.json']);
    expect(readdirSync(join(dir, 'organizations')).filter((f) => f.endsWith('.describe-policy.json'))).toHaveLength(2);

    // The credential report's GeneratedTime, as the CLI prints it (ISO 8601), which dates an import.
    const generatedTime = join(dir, 'credential-report-generated-time.txt');
    expect(readFileSync(generatedTime, 'utf8')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|\+00:00)\n$/);
    // moto answers every GetCredentialReport with GeneratedTime 2015-02-02T20:02:02Z: the import is
    // dated instead by the moment the live run read the same account, so key ages compare alike.
    writeFileSync(generatedTime, `${live.collectedAt}\n`);

    const out = tempDir('export-import');
    const imported = hipaaIam(['audit', '--import', dir, '--out', out, '--quiet']);
    const [runDir] = runFolders(out, ACCOUNT);
    if (!runDir) throw new Error(`the import wrote nothing: ${imported.stderr}`);
    const findings = readFindings(runDir).findings;

    expect(imported.status).toBe(live.status);
    expect(live.status).toBe(3);
    // A resource may have several findings of one control (password-policy, per parameter): compared as sorted lists.
    const statuses = (list: Finding[]) => list.map((f) => `${key(f)} ${f.status}`).sort();
    expect(statuses(findings)).toEqual(statuses(live.findings));
    // Both sides judged the trails, providers and the organization, and failed Access Analyzer alike.
    for (const control of ['access-analyzer-enabled', 'access-analyzer-findings']) {
      expect([...new Set(findings.filter((f) => f.controlId === control).map((f) => f.status))], control).toEqual(['ERROR']);
    }
    const judged = new Set(findings.filter((f) => f.status === 'PASS' || f.status === 'FAIL').map((f) => f.controlId));
    expect([...judged]).toEqual(expect.arrayContaining(['cloudtrail-multi-region', 'cloudtrail-kms', 'cloudtrail-log-validation', 'federation', 'scp-eligible-allowlist', 'password-policy', 'user-console-mfa']));
    // Where both sides read the same answer, they say the same thing.
    const messages = (list: Finding[]) => list.filter((f) => f.status !== 'ERROR').map((f) => `${key(f)} ${f.message}`).sort();
    expect(messages(findings)).toEqual(messages(live.findings));

    // moto has no Access Analyzer. With its answers added as AWS gives them (an ACTIVE account
    // analyzer in each region, no active finding), the export is complete: nothing is ERROR, and
    // the import exits as a run with failing findings does (1), not 3.
    for (const region of REGIONS.split(',')) {
      const folder = join(dir, 'access-analyzer', region);
      rmSync(join(folder, 'list-analyzers.json.error'));
      const analyzer = { arn: `arn:aws:access-analyzer:${region}:${ACCOUNT}:analyzer/account-access-analyzer`, name: 'account-access-analyzer', type: 'ACCOUNT', status: 'ACTIVE', createdAt: '2026-01-05T10:00:00+00:00' };
      writeFileSync(join(folder, 'list-analyzers.json'), JSON.stringify({ analyzers: [analyzer] }, null, 4));
      writeFileSync(join(folder, 'account-access-analyzer.list-findings-v2.json'), JSON.stringify({ findings: [] }, null, 4));
    }
    // moto's credential report has no <root_account> row, which AWS's always has: add it as AWS writes it.
    const report = join(dir, 'credential-report.csv');
    const [header] = readFileSync(report, 'utf8').split('\n');
    const root: Record<string, string> = { user: '<root_account>', arn: `arn:aws:iam::${ACCOUNT}:root`, user_creation_time: '2024-01-02T03:04:05+00:00', password_enabled: 'not_supported', password_last_used: '2024-02-01T00:00:00+00:00', password_last_changed: 'not_supported', password_next_rotation: 'not_supported', mfa_active: 'true', access_key_1_active: 'false', access_key_2_active: 'false', cert_1_active: 'false', cert_2_active: 'false' };
    const rows = readFileSync(report, 'utf8').replace(/\n$/, '').split('\n');
    writeFileSync(report, `${[header, header!.split(',').map((column) => root[column] ?? 'N/A').join(','), ...rows.slice(1)].join('\n')}\n`);
    const completeOut = tempDir('export-import-complete');
    const complete = hipaaIam(['audit', '--import', dir, '--out', completeOut, '--quiet']);
    const [completeRun] = runFolders(completeOut, ACCOUNT);
    if (!completeRun) throw new Error(`the complete import wrote nothing: ${complete.stderr}`);
    const completeFindings = readFindings(completeRun).findings;
    expect(completeFindings.filter((f) => f.status === 'ERROR').map(key)).toEqual([]);
    expect(completeFindings.filter((f) => f.controlId === 'access-analyzer-enabled').map((f) => f.status)).toEqual(REGIONS.split(',').map(() => 'PASS'));
    expect(complete.status, complete.stderr).toBe(1);
    // Every source was read: no "could not be read" for the caller an import never records.
    expect(readFindings(completeRun).run.sourceErrors).toEqual([]);
    expect(readFileSync(join(completeRun, 'report.html'), 'utf8')).not.toContain('class="source-errors"');
  }, 300_000);

  it('without --regions, the script asks every region DescribeRegions lists, and the import checks the same enabled regions as live', () => {
    const [cli] = CLIS;
    const bin = tempDir('aws-cli-bin');
    symlinkSync(cli!, join(bin, 'aws'));
    const dir = join(tempDir('export-all-regions'), 'clinic');
    const exported = spawnSync('bash', [EXPORT_SCRIPT_PATH, dir], {
      encoding: 'utf8',
      timeout: 240_000,
      env: { ...moto.env, PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: tempDir('aws-home'), AWS_CONFIG_FILE: '/nonexistent/hipaa-iam/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/hipaa-iam/credentials' },
    });
    expect(exported.status, exported.stderr).toBe(1);
    expect(existsSync(join(dir, 'access-analyzer', 'describe-regions.json'))).toBe(true);
    // moto's GeneratedTime is always 2015-02-02, before the users it reports were made: date the import now.
    writeFileSync(join(dir, 'credential-report-generated-time.txt'), `${new Date().toISOString()}\n`);

    const snapshotOf = (args: string[], env: Record<string, string> = {}) => {
      const file = join(tempDir('export-snapshot'), 'snapshot.json');
      const result = hipaaIam(['collect', '--save', file, ...args], env);
      expect(result.status, result.stderr).toBe(0);
      return JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
    };
    const liveSource = snapshotOf([], moto.env).sources.accessAnalyzer;
    const importSource = snapshotOf(['--import', dir]).sources.accessAnalyzer;
    const regionCount = (source: Snapshot['sources']['accessAnalyzer']) => (source.status === 'error' ? /any of the (\d+) region\(s\) checked \(ec2:DescribeRegions\)/.exec(source.error.message)?.[1] : undefined);
    // moto lists regions not opted in too: both sides leave them out, and fail in every other one.
    expect(Number(regionCount(importSource))).toBeGreaterThan(1);
    expect(regionCount(importSource)).toBe(regionCount(liveSource));
  }, 300_000);
});
