import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hipaaIam, runFolders, tempDir, type CliResult } from '../support/cli.js';
import { motoInstalled, startMoto, type Moto } from '../support/moto.js';

/**
 * Profiles as the AWS CLI reads them (issue 11, part 1), against moto: a HOME whose
 * ~/.aws/config names the region and the endpoint, and a clean environment (no AWS_ENDPOINT_URL,
 * AWS_REGION or keys), so only the profile can have sent the run to moto.
 */
const ACCOUNT = '123456789012'; // moto's default account
const ROLE = 'hipaa-iam-auditor';

interface RunJson {
  source: { description: string; region?: string; regionSource?: string };
  caller: { arn: string } | null;
  collection: { calls: Record<string, { operations: Record<string, number> }> };
  sourceErrors: { source: string; code: string }[];
  sourcesNotRead?: { source: string; reason: string }[];
}

describe.skipIf(!motoInstalled)('a profile with region and endpoint_url, against moto', () => {
  let moto: Moto;
  let home: string;
  let hostPort: string;

  beforeAll(async () => {
    moto = await startMoto();
    hostPort = new URL(moto.endpoint).host;
    home = tempDir('profile-moto-home');
    mkdirSync(join(home, '.aws'));
    writeFileSync(
      join(home, '.aws', 'config'),
      [
        '[profile gov]',
        'region = us-gov-west-1',
        `endpoint_url = ${moto.endpoint}`,
        '',
        '[profile base]',
        `endpoint_url = ${moto.endpoint}`,
        '',
        '[profile auditor]',
        `role_arn = arn:aws:iam::${ACCOUNT}:role/${ROLE}`,
        'source_profile = base',
        'role_session_name = profile-test',
        'region = us-gov-west-1',
        `endpoint_url = ${moto.endpoint}`,
        '',
        '[profile process]',
        `credential_process = ${process.execPath} -e "process.stdout.write(JSON.stringify({Version:1,AccessKeyId:'testing',SecretAccessKey:'testing'}))"`,
        'region = eu-central-1',
        `endpoint_url = ${moto.endpoint}`,
        '',
      ].join('\n'),
    );
    writeFileSync(join(home, '.aws', 'credentials'), '[gov]\naws_access_key_id = testing\naws_secret_access_key = testing\n[base]\naws_access_key_id = testing\naws_secret_access_key = testing\n');
    const iam = new IAMClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    await iam.send(new CreateRoleCommand({ RoleName: ROLE, AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] }) }));
    iam.destroy();
  }, 60_000);

  afterAll(async () => {
    await moto?.stop();
  });

  /** The real CLI, with only PATH, HOME and what the case adds in its environment. */
  const run = (args: string[], env: Record<string, string> = {}): { result: CliResult; run: RunJson } => {
    const out = tempDir('profile-moto-out');
    const result = hipaaIam([...args, '--out', out, '--quiet'], { HOME: home, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', AWS_MAX_ATTEMPTS: '2', ...env });
    const [folder] = runFolders(out, ACCOUNT);
    if (!folder) throw new Error(`no run folder for ${ACCOUNT}: exit ${result.status}: ${result.stderr}`);
    return { result, run: JSON.parse(readFileSync(join(folder, 'run.json'), 'utf8')) as RunJson };
  };

  for (const [how, args, env] of [
    ['--profile gov', ['--profile', 'gov'], {}],
    ['AWS_PROFILE=gov and no flag', [], { AWS_PROFILE: 'gov' }],
  ] as const) {
    it(`${how}: reaches the profile's endpoint and records the profile's region, us-gov-west-1`, () => {
      const { result, run: runJson } = run(['password-policy', ...args], env);
      // moto has no password policy: a FAIL, not an ERROR; the run was read from moto.
      expect(result.status, result.stderr).toBe(1);
      expect(runJson.source.region).toBe('us-gov-west-1');
      expect(runJson.source.regionSource).toBe('profile');
      expect(runJson.source.description).toBe(`live AWS (profile gov${how.startsWith('AWS_PROFILE') ? ' (AWS_PROFILE)' : ''}, endpoint http://${hostPort})`);
      // moto names the caller in the partition of the region it was asked in.
      expect(runJson.caller?.arn).toBe(`arn:aws-us-gov:sts::${ACCOUNT}:user/moto`);
      expect(runJson.sourceErrors).toEqual([]);
      expect(Object.keys(runJson.collection.calls).sort()).toEqual(['callerIdentity', 'passwordPolicy']);
    });
  }

  it('--region wins over the profile', () => {
    const { result, run: runJson } = run(['password-policy', '--profile', 'gov', '--region', 'us-west-2']);
    expect(result.status, result.stderr).toBe(1);
    expect([runJson.source.region, runJson.source.regionSource]).toEqual(['us-west-2', '--region']);
    expect(runJson.caller?.arn).toBe(`arn:aws:sts::${ACCOUNT}:user/moto`);
  });

  it('AWS_REGION wins over the profile too, as in the AWS CLI', () => {
    const { run: runJson } = run(['password-policy', '--profile', 'gov'], { AWS_REGION: 'eu-west-1' });
    expect([runJson.source.region, runJson.source.regionSource]).toEqual(['eu-west-1', 'AWS_REGION']);
  });

  it('role_arn with source_profile: the SDK assumes the role at the profile\'s STS endpoint, and the run is made as that role', () => {
    const { result, run: runJson } = run(['password-policy', '--profile', 'auditor']);
    expect(result.status, result.stderr).toBe(1);
    expect(runJson.caller?.arn).toBe(`arn:aws-us-gov:sts::${ACCOUNT}:assumed-role/${ROLE}/profile-test`);
    expect(runJson.source.region).toBe('us-gov-west-1');
  });

  it('--sign-with-kms and verify --kms-key-id reach KMS through the same profile (its endpoint_url; the key ARN gives the region)', async () => {
    const kms = new KMSClient({ endpoint: moto.endpoint, region: 'us-gov-west-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    const keyId = (await kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata!.Arn!;
    kms.destroy();
    expect(keyId).toMatch(/^arn:aws-us-gov:kms:us-gov-west-1:/);
    const out = tempDir('profile-moto-kms');
    const env = { HOME: home, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', AWS_MAX_ATTEMPTS: '2' };
    const signed = hipaaIam(['password-policy', '--profile', 'gov', '--out', out, '--quiet', '--sign-with-kms', keyId], env);
    expect(signed.status, signed.stderr).toBe(1);
    const [folder] = runFolders(out, ACCOUNT);
    expect(JSON.parse(readFileSync(join(folder!, 'manifest.sig.json'), 'utf8'))).toMatchObject({ keyId, signingAlgorithm: 'ECDSA_SHA_256' });
    const verified = hipaaIam(['verify', folder!, '--kms-key-id', keyId, '--profile', 'gov', '--require-signature'], env);
    expect([verified.status, verified.stdout]).toEqual([0, expect.stringContaining('signature valid')]);
  }, 60_000);

  it('credential_process: the SDK runs the profile\'s command for its keys', () => {
    const { result, run: runJson } = run(['password-policy', '--profile', 'process']);
    expect(result.status, result.stderr).toBe(1);
    expect(runJson.caller?.arn).toBe(`arn:aws:sts::${ACCOUNT}:user/moto`);
    expect(runJson.source.region).toBe('eu-central-1');
  });

  it('keys in the environment win over AWS_PROFILE\'s, and --profile wins over them, as in the AWS CLI; the SDK\'s warning about both is not printed', async () => {
    const iam = new IAMClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    await iam.send(new CreateUserCommand({ UserName: 'alice' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }))).AccessKey!;
    iam.destroy();
    appendFileSync(join(home, '.aws', 'config'), `[profile alicep]\nregion = us-east-1\nendpoint_url = ${moto.endpoint}\n`);
    appendFileSync(join(home, '.aws', 'credentials'), `[alicep]\naws_access_key_id = ${key.AccessKeyId}\naws_secret_access_key = ${key.SecretAccessKey}\n`);
    const envKeys = { AWS_ACCESS_KEY_ID: 'AKIAENVIRONMENTKEY01', AWS_SECRET_ACCESS_KEY: 'testing' };

    const byEnvironment = run(['password-policy'], { AWS_PROFILE: 'alicep', ...envKeys });
    expect(byEnvironment.run.caller?.arn).toBe(`arn:aws:sts::${ACCOUNT}:user/moto`);
    expect(byEnvironment.result.stderr).not.toContain('Multiple credential sources');
    const byFlag = run(['password-policy', '--profile', 'alicep'], envKeys);
    expect(byFlag.run.caller?.arn).toBe(`arn:aws:iam::${ACCOUNT}:user/alice`);
    expect(byFlag.result.stderr).not.toContain('Multiple credential sources');
    // Without keys in the environment, AWS_PROFILE's are used.
    expect(run(['password-policy'], { AWS_PROFILE: 'alicep' }).run.caller?.arn).toBe(`arn:aws:iam::${ACCOUNT}:user/alice`);
  });

  it('a profile that no file holds stops the run with one line, exit 2, nothing written', () => {
    const out = tempDir('profile-moto-missing');
    const result = hipaaIam(['password-policy', '--profile', 'nosuch', '--out', out], { HOME: home });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^hipaa-iam: the AWS profile "nosuch" \(--profile\) is in neither .*config nor .*credentials; name a profile those files hold \(aws configure list-profiles\)\n$/);
    expect(runFolders(out, ACCOUNT)).toEqual([]);
  });
});
