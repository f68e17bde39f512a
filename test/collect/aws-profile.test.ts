import { GetAccountPasswordPolicyCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { createAwsClients } from '../../src/collect/aws-clients.js';
import { resolveAwsProfile } from '../../src/collect/aws-profile.js';
import { describeEndpoints } from '../../src/collect/live-settings.js';
import { InputError } from '../../src/errors.js';
import { liveDescription } from '../../src/snapshot/obtain.js';
import { tempDir } from '../support/cli.js';

/** The case's HOME as it was handed over: ~/.aws/config `[profile gov] region = us-gov-west-1`, keys in ~/.aws/credentials. */
const CASE_HOME = fileURLToPath(new URL('../fixtures/cases/profile-region-ignored/home', import.meta.url));

/** The URL a client would send a command to, stopped before signing or sending (no network, no credentials needed). */
async function urlOf(client: { send(command: never): Promise<unknown>; middlewareStack: { add(m: never, o: { step: 'build'; name: string }): void } }, command: unknown): Promise<string> {
  const stop = () => async (args: { request: { protocol: string; hostname: string; port?: number; path: string } }) => {
    const { protocol, hostname, port, path } = args.request;
    throw Object.assign(new Error(`${protocol}//${hostname}${port ? `:${port}` : ''}${path}`), { name: 'Intercepted' });
  };
  client.middlewareStack.add(stop as never, { step: 'build', name: 'interceptUrl' });
  try {
    await client.send(command as never);
  } catch (error) {
    if ((error as Error).name === 'Intercepted') return (error as Error).message;
    throw error;
  }
  throw new Error('the request was not intercepted');
}

/** A HOME holding these two files. */
function home(config: string, credentials = '[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n'): string {
  const dir = tempDir('profile-home');
  mkdirSync(join(dir, '.aws'));
  writeFileSync(join(dir, '.aws', 'config'), config);
  writeFileSync(join(dir, '.aws', 'credentials'), credentials);
  return dir;
}

describe('profile-region-ignored: a GovCloud profile reaches GovCloud', () => {
  for (const [how, options, env] of [
    ['--profile gov', { profile: 'gov' }, { HOME: CASE_HOME }],
    ['AWS_PROFILE=gov', {}, { HOME: CASE_HOME, AWS_PROFILE: 'gov' }],
  ] as const) {
    it(`${how}: region us-gov-west-1 from the profile; IAM at iam.us-gov.amazonaws.com, STS in us-gov-west-1`, async () => {
      const clients = await createAwsClients(options, env);
      expect(clients.region).toBe('us-gov-west-1');
      expect(clients.profile).toMatchObject({ name: 'gov', regionSource: 'profile', endpoints: {} });
      expect(await clients.iam.config.region()).toBe('us-gov-west-1');
      expect(await urlOf(clients.iam, new GetAccountPasswordPolicyCommand({}))).toBe('https://iam.us-gov.amazonaws.com/');
      expect(await urlOf(clients.sts, new GetCallerIdentityCommand({}))).toBe('https://sts.us-gov-west-1.amazonaws.com/');
      for (const client of [clients.iam, clients.sts, clients.organizations, clients.ec2]) client.destroy();
    });
  }

  it('the run names the profile and who named it', async () => {
    expect(liveDescription(await resolveAwsProfile({ profile: 'gov' }, { HOME: CASE_HOME }))).toBe('live AWS (profile gov)');
    expect(liveDescription(await resolveAwsProfile({}, { HOME: CASE_HOME, AWS_PROFILE: 'gov' }), 'arn:aws-us-gov:iam::123456789012:role/a')).toBe('live AWS (profile gov (AWS_PROFILE), role arn:aws-us-gov:iam::123456789012:role/a)');
  });
});

describe('resolveAwsProfile: the region, as the AWS CLI picks it', () => {
  const HOME = home('[profile p]\nregion = eu-west-1\n[default]\nregion = ca-central-1\n');
  const cases: [string, { profile?: string; region?: string }, Record<string, string>, string, string][] = [
    ['--region wins over everything', { profile: 'p', region: 'ap-south-1' }, { AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'us-east-2' }, 'ap-south-1', '--region'],
    ['AWS_REGION wins over AWS_DEFAULT_REGION and the profile', { profile: 'p' }, { AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'us-east-2' }, 'us-west-2', 'AWS_REGION'],
    ['AWS_DEFAULT_REGION wins over the profile', { profile: 'p' }, { AWS_DEFAULT_REGION: 'us-east-2' }, 'us-east-2', 'AWS_DEFAULT_REGION'],
    ["the profile's region", { profile: 'p' }, {}, 'eu-west-1', 'profile'],
    ["the default profile's region without a profile named", {}, {}, 'ca-central-1', 'profile'],
  ];
  for (const [name, options, env, region, source] of cases) {
    it(name, async () => {
      const profile = await resolveAwsProfile(options, { HOME, ...env });
      expect([profile.region, profile.regionSource]).toEqual([region, source]);
    });
  }

  it('us-east-1 when nothing names a region', async () => {
    const profile = await resolveAwsProfile({ profile: 'p' }, { HOME: home('[profile p]\noutput = json\n') });
    expect([profile.region, profile.regionSource]).toEqual(['us-east-1', 'default']);
  });

  it('reads AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, and a region kept in the credentials file', async () => {
    const dir = tempDir('profile-files');
    writeFileSync(join(dir, 'cfg'), '[profile elsewhere]\nregion = eu-north-1\n');
    writeFileSync(join(dir, 'creds'), '[keys-only]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\nregion = sa-east-1\n');
    const env = { HOME: CASE_HOME, AWS_CONFIG_FILE: join(dir, 'cfg'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'creds') };
    expect((await resolveAwsProfile({ profile: 'elsewhere' }, env)).region).toBe('eu-north-1');
    expect((await resolveAwsProfile({ profile: 'keys-only' }, env)).region).toBe('sa-east-1');
    await expect(resolveAwsProfile({ profile: 'gov' }, env)).rejects.toThrow(InputError);
  });
});

describe('resolveAwsProfile: endpoints, as the SDK picks them', () => {
  const HOME = home(
    [
      '[profile local]',
      'region = us-gov-west-1',
      'endpoint_url = http://127.0.0.1:4566',
      '',
      '[profile split]',
      'region = us-gov-west-1',
      'services = split-services',
      'endpoint_url = http://everything.local:1',
      '',
      '[services split-services]',
      'iam =',
      '  endpoint_url = http://iam.local:2',
      'sts =',
      '  endpoint_url = http://sts.local:3',
      '',
      '[profile ignoring]',
      'endpoint_url = http://127.0.0.1:4566',
      'ignore_configured_endpoint_urls = true',
      '',
      '[profile broken]',
      'services = nowhere',
      '',
      '[profile plain]',
      'region = eu-west-1',
    ].join('\n'),
    ['local', 'split', 'plain'].map((name) => `[${name}]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n`).join(''),
  );

  it("a profile's endpoint_url is every service's endpoint", async () => {
    const profile = await resolveAwsProfile({ profile: 'local' }, { HOME });
    expect(profile.endpoints).toEqual({ IAM: 'http://127.0.0.1:4566', STS: 'http://127.0.0.1:4566', Organizations: 'http://127.0.0.1:4566', EC2: 'http://127.0.0.1:4566', CloudTrail: 'http://127.0.0.1:4566', AccessAnalyzer: 'http://127.0.0.1:4566', KMS: 'http://127.0.0.1:4566', 'SSO Admin': 'http://127.0.0.1:4566', identitystore: 'http://127.0.0.1:4566' });
    const clients = await createAwsClients({ profile: 'local' }, { HOME });
    expect(await urlOf(clients.iam, new GetAccountPasswordPolicyCommand({}))).toBe('http://127.0.0.1:4566/');
    expect(await clients.iam.config.region()).toBe('us-gov-west-1');
    expect(liveDescription(clients.profile!)).toBe('live AWS (profile local, endpoint http://127.0.0.1:4566)');
  });

  it('a [services] section names an endpoint per service; the others keep the profile-wide one', async () => {
    const clients = await createAwsClients({ profile: 'split' }, { HOME });
    expect(await urlOf(clients.iam, new GetAccountPasswordPolicyCommand({}))).toBe('http://iam.local:2/');
    expect(await urlOf(clients.sts, new GetCallerIdentityCommand({}))).toBe('http://sts.local:3/');
    expect(clients.profile!.endpoints.CloudTrail).toBe('http://everything.local:1');
    expect(describeEndpoints(clients.profile!, ['IAM', 'STS', 'CloudTrail'])).toBe('endpoint http://iam.local:2 for iam, endpoint http://sts.local:3 for sts, endpoint http://everything.local:1 for cloudtrail');
  });

  it('AWS_ENDPOINT_URL_IAM, then AWS_ENDPOINT_URL, win over the profile', async () => {
    const profile = await resolveAwsProfile({ profile: 'split' }, { HOME, AWS_ENDPOINT_URL_IAM: 'http://env-iam:5', AWS_ENDPOINT_URL: 'http://env-all:6' });
    expect([profile.endpoints.IAM, profile.endpoints.STS]).toEqual(['http://env-iam:5', 'http://env-all:6']);
  });

  it('ignore_configured_endpoint_urls in the profile, or AWS_IGNORE_CONFIGURED_ENDPOINT_URLS, leaves the SDK its own endpoints', async () => {
    expect((await resolveAwsProfile({ profile: 'ignoring' }, { HOME })).endpoints).toEqual({});
    expect((await resolveAwsProfile({ profile: 'local' }, { HOME, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' })).endpoints).toEqual({});
  });

  it("--profile's own settings, never AWS_PROFILE's: another profile's endpoint_url is not used", async () => {
    // The SDK's own lookup of configured endpoints reads the process's AWS_PROFILE, so that is where it is set.
    vi.stubEnv('HOME', HOME);
    vi.stubEnv('AWS_PROFILE', 'local');
    try {
      const clients = await createAwsClients({ profile: 'plain' }, process.env);
      expect(await urlOf(clients.iam, new GetAccountPasswordPolicyCommand({}))).toBe('https://iam.amazonaws.com/');
      expect(clients.region).toBe('eu-west-1');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('a profile no file holds, or a services section that is missing, is a usage error (exit 2)', async () => {
    await expect(resolveAwsProfile({ profile: 'nosuch' }, { HOME })).rejects.toThrow(/the AWS profile "nosuch" \(--profile\) is in neither/);
    await expect(resolveAwsProfile({}, { HOME, AWS_PROFILE: 'nosuch' })).rejects.toThrow(/\(AWS_PROFILE\) is in neither/);
    await expect(resolveAwsProfile({ profile: 'broken' }, { HOME })).rejects.toThrow(/names services = nowhere, but .* has no \[services nowhere\] section/);
    await expect(resolveAwsProfile({ profile: 'broken' }, { HOME })).rejects.toBeInstanceOf(InputError);
  });
});

describe('resolveAwsProfile: credential settings the AWS CLI names before calling anything', () => {
  const HOME = home(
    [
      '[profile sso]',
      'sso_session = nosuch',
      '',
      '[profile good-sso]',
      'sso_session = corp',
      'sso_account_id = 111122223333',
      'sso_role_name = Auditor',
      '',
      '[sso-session corp]',
      'sso_region = us-east-1',
      'sso_start_url = https://example.awsapps.com/start',
      '',
      '[profile cyc1]',
      'role_arn = arn:aws:iam::111122223333:role/a',
      'source_profile = cyc2',
      '',
      '[profile cyc2]',
      'role_arn = arn:aws:iam::111122223333:role/b',
      'source_profile = cyc1',
      '',
      '[profile orphan]',
      'role_arn = arn:aws:iam::111122223333:role/a',
      'source_profile = gone',
      '',
      '[profile self]',
      'role_arn = arn:aws:iam::111122223333:role/a',
      'source_profile = self',
    ].join('\n'),
    '[self]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n',
  );

  it.each([
    ['an sso_session without its section', 'sso', /names sso_session = nosuch, but .* has no \[sso-session nosuch\] section/],
    ['a loop of source_profiles', 'cyc1', /source_profile settings loop \(cyc1 → cyc2 → cyc1\)/],
    ['a source_profile no file holds', 'orphan', /names source_profile = gone, which neither shared file holds/],
  ])('%s is a usage error (exit 2) naming it', async (_label, profile, message) => {
    await expect(resolveAwsProfile({ profile }, { HOME })).rejects.toThrow(message);
    await expect(resolveAwsProfile({ profile }, { HOME })).rejects.toBeInstanceOf(InputError);
  });

  it('a whole sso_session, and a profile that is its own source_profile, are read', async () => {
    await expect(resolveAwsProfile({ profile: 'good-sso' }, { HOME })).resolves.toMatchObject({ name: 'good-sso' });
    await expect(resolveAwsProfile({ profile: 'self' }, { HOME })).resolves.toMatchObject({ name: 'self' });
  });
});
