import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hipaaIam, readFindings, runFolders, tempDir } from '../support/cli.js';
import { motoInstalled, startMoto, type Moto } from '../support/moto.js';

const ACCOUNT = '123456789012';

/** The ways a user points hipaa-iam at an account: a named profile, and a role assumed through STS. */
describe.skipIf(!motoInstalled)('live path: credentials as a user configures them', () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto();
    const iam = new IAMClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'hipaa-iam-auditor',
        AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] }),
      }),
    );
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it('--role-arn collects as the assumed role and records it as the caller', () => {
    const out = tempDir('moto-role');
    const result = hipaaIam(['mfa-audit', '--role-arn', `arn:aws:iam::${ACCOUNT}:role/hipaa-iam-auditor`, '--out', out], moto.env);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1); // moto's root has no MFA
    const { run, findings } = readFindings(runFolders(out, ACCOUNT)[0]!);
    expect(run.caller).toMatchObject({ arn: `arn:aws:sts::${ACCOUNT}:assumed-role/hipaa-iam-auditor/hipaa-iam-audit` });
    expect(findings.some((f) => f.status === 'ERROR')).toBe(false);
  });

  it('--profile reads credentials from the shared config files, not the environment', () => {
    const home = tempDir('moto-profile');
    const credentials = join(home, 'credentials');
    writeFileSync(credentials, '[clinic-readonly]\naws_access_key_id = testing\naws_secret_access_key = testing\n');
    const withoutKeys = Object.fromEntries(Object.entries(moto.env).filter(([name]) => name !== 'AWS_ACCESS_KEY_ID' && name !== 'AWS_SECRET_ACCESS_KEY'));
    const env = { ...withoutKeys, AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_CONFIG_FILE: join(home, 'config') };
    const out = tempDir('moto-profile-out');

    const withProfile = hipaaIam(['password-policy', '--profile', 'clinic-readonly', '--out', out], env);
    expect(withProfile.stderr).toBe('');
    expect(withProfile.status).toBe(1); // moto has no password policy: a FAIL, not an ERROR
    expect(readFindings(runFolders(out, ACCOUNT)[0]!).findings.every((f) => f.status === 'FAIL')).toBe(true);

    // A profile the files do not hold is a usage error, as `aws --profile` says (issue 11): exit 2, nothing read or written.
    const unknownProfile = hipaaIam(['password-policy', '--profile', 'no-such-profile', '--out', out], env);
    expect(unknownProfile.status).toBe(2);
    expect(unknownProfile.stderr).toMatch(/^hipaa-iam: the AWS profile "no-such-profile" \(--profile\) is in neither .*config nor .*credentials; name a profile those files hold/);
    expect(unknownProfile.stderr.trim().split('\n')).toHaveLength(1);
    expect(runFolders(out, ACCOUNT)).toHaveLength(1);
  });
});
