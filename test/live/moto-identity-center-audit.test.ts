import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/checks/check.js';
import { hipaaIamAsync, readFindings, runFolders, tempDir } from '../support/cli.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { seedIdentityCenter, type SeededIdentityCenter } from '../support/identity-center-moto.js';
import { motoInstalled, startMoto, type Moto } from '../support/moto.js';

const ACCOUNT = '123456789012'; // moto's default account, where moto provisions every set
const ADMINISTRATOR_ACCESS = 'arn:aws:iam::aws:policy/AdministratorAccess';
// The compliant set: patient records read, decrypted with the records key (both services HIPAA-eligible).
const RECORDS_READ = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: ['arn:aws:s3:::phi-records', 'arn:aws:s3:::phi-records/*'] },
    { Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:us-east-1:123456789012:key/records' },
  ],
};
const CONTROLS = ['IAM-033', 'IAM-034', 'IAM-035', 'IAM-036', 'IAM-037'];

/**
 * Issue 14's Done-when, through the built CLI against moto: an instance with an administrator
 * set assigned to a user directly, a 12-hour set, a set allowing a service that is not
 * HIPAA-eligible and a compliant group-assigned set gives each of IAM-033 to IAM-036 its right
 * verdict per set and IAM-037 MANUAL; access-review.csv lists every person with access; a denied
 * sso-admin or identitystore call makes those controls ERROR, never PASS. moto has no
 * GetPermissionsBoundaryForPermissionSet: the fault proxy answers it as AWS does for a set with
 * no boundary (ResourceNotFoundException).
 */
describe.skipIf(!motoInstalled)('live path: IAM Identity Center judged on moto (issue 14 Done-when)', () => {
  let moto: Moto;
  let proxy: FaultProxy;
  let seeded: SeededIdentityCenter;
  const out = tempDir('moto-identity-center');
  const env = () => ({ ...moto.env, AWS_ENDPOINT_URL: proxy.endpoint });

  beforeAll(async () => {
    // Without MOTO_IAM_LOAD_MANAGED_POLICIES (every AWS managed policy in every authorization
    // details answer, which slows each run): the proxy serves the AWS managed policy used.
    moto = await startMoto();
    seeded = await seedIdentityCenter(moto.endpoint, {
      users: [{ userName: 'alice', displayName: 'Alice Admin' }, { userName: 'bob', displayName: 'Bob Builder' }, { userName: 'carol', displayName: 'Carol Nurse' }],
      groups: [
        { displayName: 'Operations', members: ['bob'] },
        { displayName: 'Clinicians', members: ['bob', 'carol'] },
      ],
      permissionSets: [
        { name: 'Admins', awsManagedPolicies: [ADMINISTRATOR_ACCESS], assignments: [{ user: 'alice' }] },
        { name: 'OnCall', sessionDuration: 'PT12H', inlinePolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['cloudwatch:GetMetricData', 'logs:GetLogEvents'], Resource: '*' }] }, assignments: [{ group: 'Operations' }] },
        { name: 'GameDay', inlinePolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'gamelift:*', Resource: '*' }] }, assignments: [{ group: 'Operations' }] },
        { name: 'Clinician', sessionDuration: 'PT4H', inlinePolicy: RECORDS_READ, assignments: [{ group: 'Clinicians' }] },
      ],
    });
    proxy = await startFaultProxy({
      upstream: moto.endpoint,
      permissionsBoundaries: {},
      awsManagedPolicies: {
        [ADMINISTRATOR_ACCESS]: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
      },
    });
  }, 120_000);
  afterAll(async () => {
    await proxy?.stop();
    await moto?.stop();
  });

  const run = async (name: string): Promise<Finding[]> => {
    const folder = join(out, name);
    const result = await hipaaIamAsync(['identity-center', '--out', folder, '--format', 'json,csv'], env());
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/); // never a stack trace
    expect([1, 3]).toContain(result.status);
    const [runDir] = runFolders(folder, ACCOUNT);
    return readFindings(runDir!).findings.filter((f) => CONTROLS.includes(f.riskId));
  };
  const bySet = (findings: Finding[], riskId: string) =>
    Object.fromEntries(findings.filter((f) => f.riskId === riskId).map((f) => [String(f.evidence.permissionSetName ?? f.resourceName), f.status]));

  it('gives each permission set its verdict on IAM-033 to IAM-036, and IAM-037 MANUAL', async () => {
    const findings = await run('clean');
    expect(bySet(findings, 'IAM-033')).toEqual({ Admins: 'FAIL', OnCall: 'PASS', GameDay: 'PASS', Clinician: 'PASS' });
    expect(bySet(findings, 'IAM-034')).toEqual({ Admins: 'PASS', OnCall: 'FAIL', GameDay: 'PASS', Clinician: 'PASS' });
    // Admins reaches every service (as IAM-021 judges administrators); GameDay reaches GameLift, which is not eligible.
    expect(bySet(findings, 'IAM-035')).toEqual({ Admins: 'FAIL', OnCall: 'PASS', GameDay: 'FAIL', Clinician: 'PASS' });
    const assignments = findings.filter((f) => f.riskId === 'IAM-036');
    expect(Object.fromEntries(assignments.map((f) => [`${String(f.evidence.permissionSetName)} ${String(f.evidence.principalType)} ${String(f.evidence.principalName)}`, f.status]))).toEqual({
      'Admins USER alice (Alice Admin)': 'FAIL',
      'OnCall GROUP Operations': 'PASS',
      'GameDay GROUP Operations': 'PASS',
      'Clinician GROUP Clinicians': 'PASS',
    });
    const mfa = findings.filter((f) => f.riskId === 'IAM-037');
    expect(mfa.map((f) => f.status)).toEqual(['MANUAL']);
    expect(mfa[0]?.message).toContain(seeded.instanceArn);
    // The administrator finding names who holds it.
    expect(findings.find((f) => f.riskId === 'IAM-033' && f.status === 'FAIL')?.message).toContain('alice (Alice Admin)');
  });

  it('lists every person with account access in access-review.csv, with what they reach', async () => {
    const folder = join(out, 'review');
    await hipaaIamAsync(['audit', '--out', folder], env());
    const [runDir] = runFolders(folder, ACCOUNT);
    const rows = parse(readFileSync(join(runDir!, 'access-review.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    const people = rows.filter((r) => /identity center/i.test(Object.values(r).join(' ')) && ['alice', 'bob', 'carol'].some((n) => Object.values(r).includes(n)));
    const line = (user: string, set: string) => people.find((r) => Object.values(r).includes(user) && Object.values(r).includes(set));
    for (const [user, set] of [['alice', 'Admins'], ['bob', 'OnCall'], ['bob', 'GameDay'], ['bob', 'Clinician'], ['carol', 'Clinician']] as const) {
      expect(line(user, set), `${user} × ${set}`).toBeDefined();
    }
    expect(people).toHaveLength(5);
    expect(Object.values(line('carol', 'Clinician')!).join(' ')).toContain('Clinicians');
    expect(Object.values(line('carol', 'Clinician')!).join(' ')).toMatch(/\bs3\b/);
  });

  it.each(['ListInstances', 'ListPermissionSets', 'DescribePermissionSet', 'ListAccountAssignments', 'GetInlinePolicyForPermissionSet', 'ListUsers', 'ListGroups', 'ListGroupMemberships'])(
    'with %s denied, IAM-033 to IAM-036 have no PASS and say ERROR',
    async (action) => {
      proxy.setRules([{ action, fault: 'denied' }]);
      try {
        const findings = (await run(`denied-${action}`)).filter((f) => f.riskId !== 'IAM-037');
        expect(findings.filter((f) => f.status === 'PASS')).toEqual([]);
        for (const riskId of ['IAM-033', 'IAM-034', 'IAM-035', 'IAM-036']) expect(findings.filter((f) => f.riskId === riskId).map((f) => f.status), riskId).toContain('ERROR');
        // run.json names what failed: the whole source, or the part of it the denied call reads.
        const [runDir] = runFolders(join(out, `denied-${action}`), ACCOUNT);
        const runInfo = JSON.parse(readFileSync(join(runDir!, 'run.json'), 'utf8')) as { sourceErrors: { source: string }[]; sourcePartErrors?: { source: string; part: string; message: string }[] };
        const named = [...runInfo.sourceErrors.map((e) => e.source), ...(runInfo.sourcePartErrors ?? []).map((e) => e.source)];
        expect(named).toContain('identityCenter');
      } finally {
        proxy.setRules([]);
      }
    },
    60_000,
  );
});
