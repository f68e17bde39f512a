import { cpSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hipaaIam, readFindings, runFolders, tempDir, verdicts } from './support/cli.js';

const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;
const COMMAND = 'aws iam get-credential-report --query Content --output text | base64 -d > credential-report.csv';

/** An import that must stop: exit 2, exactly this one line, nothing on stdout, nothing under --out. */
function expectRefused(args: string[], line: string | RegExp): void {
  const out = tempDir('import-hints-out');
  const result = hipaaIam(['audit', ...args, '--out', join(out, 'evidence')]);
  expect(result.status, result.stderr).toBe(2);
  if (typeof line === 'string') expect(result.stderr).toBe(`hipaa-iam: ${line}\n`);
  else expect(result.stderr).toMatch(line);
  expect(result.stdout).toBe('');
  expect(readdirSync(out)).toEqual([]);
}

describe('import-hints: a wrong export says what to do, exits 2, writes nothing', () => {
  it('b64-report: the credential report still base64', () => {
    const dir = `${FIXTURES}cases/import-hints/b64-report`;
    expectRefused(['--import', dir], `${dir}/credential-report.csv looks base64-encoded: decode it with base64 -d (${COMMAND})`);
  });

  it('forgot-query: the JSON answer of get-credential-report', () => {
    const dir = `${FIXTURES}cases/import-hints/forgot-query`;
    expectRefused(['--import', dir], `${dir}/credential-report.csv is the JSON output of aws iam get-credential-report, not the report: export it with --query Content --output text | base64 -d (${COMMAND})`);
  });

  it.each(['yaml', 'text', 'table'])('JSON exports made with the CLI printing %s (aws-cli 2.9 against moto)', (format) => {
    const dir = `${FIXTURES}cli-output-formats/${format}`;
    // The summary is read first of the JSON exports: it is what paged exports are checked against.
    expectRefused(['--import', dir], `${dir}/account-summary.json is ${format} output of the AWS CLI, not JSON: re-export with --output json`);
  });

  it('a 7.4 GB table export is refused from its first bytes, not read (sparse file)', () => {
    const dir = tempDir('import-hints-huge');
    cpSync(`${FIXTURES}cli-pages`, dir, { recursive: true });
    const path = join(dir, 'account-authorization-details.json');
    writeFileSync(path, readFileSync(`${FIXTURES}cli-output-formats/table/account-authorization-details.json`));
    truncateSync(path, 7_400_000_000);
    expectRefused(['--import', dir], `${path} is table output of the AWS CLI, not JSON (7400000000 bytes): re-export with --output json`);
  });
});

const HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';

/**
 * An export taken on 2026-06-02: root signed in on 2026-05-01; alice's key was made and last
 * used on 2026-06-01.
 */
function datedExport(generatedTime?: string): string {
  const dir = tempDir('import-dated');
  const files: Record<string, string> = {
    'credential-report.csv': `${HEADER}
<root_account>,arn:aws:iam::222233334444:root,2020-01-01T00:00:00+00:00,not_supported,2026-05-01T00:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
alice,arn:aws:iam::222233334444:user/alice,2024-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-06-01T00:00:00+00:00,2026-06-01T00:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
`,
    'account-authorization-details.json': JSON.stringify({
      UserDetailList: [{ UserName: 'alice', UserId: 'AIDA1', Arn: 'arn:aws:iam::222233334444:user/alice', Path: '/', CreateDate: '2024-01-01T00:00:00Z', GroupList: [], UserPolicyList: [], AttachedManagedPolicies: [] }],
      GroupDetailList: [],
      RoleDetailList: [],
      Policies: [],
    }),
  };
  if (generatedTime !== undefined) files['credential-report-generated-time.txt'] = generatedTime;
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

function credentialsRun(args: string[]) {
  const out = tempDir('import-dated-out');
  const result = hipaaIam(['credentials', ...args, '--out', out]);
  const [runDir] = runFolders(out, '222233334444');
  if (!runDir) throw new Error(`no run: ${result.stderr}`);
  const { run, findings } = readFindings(runDir);
  const pick = (control: string) => verdicts(findings.filter((f) => f.controlId === control));
  return { result, run, rotation: pick('access-key-rotation'), unused: pick('unused-credentials'), root: pick('root-recent-use') };
}

describe('an import is dated by when its data was taken', () => {
  it('--as-of: the same export 100 days apart changes IAM-010, IAM-011 and IAM-008 accordingly', () => {
    const dir = datedExport();
    const early = credentialsRun(['--import', dir, '--as-of', '2026-06-02']);
    const late = credentialsRun(['--import', dir, '--as-of', '2026-09-10']);
    // Key 1 day old and used yesterday; root used 32 days before.
    expect(early.rotation).toEqual({ 'access-key-rotation alice access key 1': 'PASS' });
    expect(early.unused).toEqual({ 'unused-credentials alice': 'PASS' });
    expect(early.root).toEqual({ 'root-recent-use root': 'FAIL' });
    // 101 days later: the key is past 90 days and unused for more than 90; root's use is 132 days old.
    expect(late.rotation).toEqual({ 'access-key-rotation alice access key 1': 'FAIL' });
    expect(late.unused).toEqual({ 'unused-credentials alice': 'FAIL' });
    expect(late.root).toEqual({ 'root-recent-use root': 'PASS' });
    expect(early.run.asOf).toEqual({ at: '2026-06-02T00:00:00.000Z', from: '--as-of' });
    expect(early.run.snapshotCollectedAt).toBe('2026-06-02T00:00:00.000Z');
    expect(late.run.asOf).toEqual({ at: '2026-09-10T00:00:00.000Z', from: '--as-of' });
    expect(early.result.stderr).not.toMatch(/--as-of/);
  });

  it("the credential report's GeneratedTime, saved beside it, dates the import when --as-of is not given", () => {
    const { run, rotation } = credentialsRun(['--import', datedExport('2026-06-02T10:00:00+00:00\n')]);
    expect(run.asOf).toEqual({ at: '2026-06-02T10:00:00.000Z', from: 'credential report GeneratedTime' });
    expect(rotation).toEqual({ 'access-key-rotation alice access key 1': 'PASS' });
    // --as-of wins over it.
    expect(credentialsRun(['--import', datedExport('2026-06-02T10:00:00+00:00\n'), '--as-of', '2026-09-10']).run.asOf).toEqual({ at: '2026-09-10T00:00:00.000Z', from: '--as-of' });
  });

  it('a date alone names its whole UTC day: --as-of the day of the report\'s newest time (later that day) is taken', () => {
    // alice's key was made and last used at 2026-06-01T00:00:00Z; the same day at noon is in the report too.
    const dir = datedExport();
    const csv = join(dir, 'credential-report.csv');
    writeFileSync(csv, readFileSync(csv, 'utf8').replace('2024-01-01T00:00:00+00:00,false', '2026-06-01T21:14:04+00:00,false'));
    const { run, result } = credentialsRun(['--import', dir, '--as-of', '2026-06-01']);
    expect(result.status, result.stderr).not.toBe(2);
    expect(run.asOf).toEqual({ at: '2026-06-01T00:00:00.000Z', from: '--as-of' });
    // A date and time is an instant: the same time of day refuses it.
    expectRefused(['--import', dir, '--as-of', '2026-06-01T12:00:00Z'], /^hipaa-iam: --as-of 2026-06-01T12:00:00\.000Z is before 2026-06-01T21:14:04\.000Z/);
  });

  it.each([
    ['not one timestamp', 'yesterday'],
    ['after the run', '2999-01-01T00:00:00Z'],
    ['before the report it dates', '2015-02-02T20:02:02+00:00'],
  ])('with --as-of, a GeneratedTime file %s is not read: --as-of dates the import', (_label, text) => {
    const { run, result } = credentialsRun(['--import', datedExport(text), '--as-of', '2026-06-02']);
    expect(run.asOf).toEqual({ at: '2026-06-02T00:00:00.000Z', from: '--as-of' });
    expect(result.stderr).not.toMatch(/credential-report-generated-time/);
  });

  it('nothing dates the export: the run time, said in run.json and in one warning line suggesting --as-of', () => {
    const { run, result, rotation } = credentialsRun(['--import', datedExport()]);
    expect(run.asOf).toMatchObject({ from: 'run time (no date in the export)' });
    expect(run.asOf).toHaveProperty('at', run.snapshotCollectedAt);
    expect(rotation).toEqual({ 'access-key-rotation alice access key 1': 'FAIL' }); // counted from today, months later
    const lines = result.stderr.split('\n').filter((line) => line.includes('--as-of'));
    expect(lines).toEqual([expect.stringMatching(/^hipaa-iam: warning: nothing in the import dates its exports, so key ages and days unused count from this run \(.+\); pass --as-of DATE/)]);
  });

  it.each([
    ['not a date', ['--as-of', 'last tuesday'], /^hipaa-iam: error: option '--as-of <date>' argument 'last tuesday' is invalid\. expected an ISO date/],
    ['no such day', ['--as-of', '2026-02-30'], /is invalid\. expected an ISO date/],
    ['a time without a zone', ['--as-of', '2026-06-02T10:00'], /is invalid\. expected an ISO date/],
    ['in the future', ['--as-of', '2999-01-01'], /is invalid\. 2999-01-01T00:00:00\.000Z is in the future/],
    ['before a date in the report', ['--as-of', '2026-05-31'], /^hipaa-iam: --as-of 2026-05-31 is before 2026-06-01T00:00:00\.000Z, a date in .*credential-report\.csv: the report was taken later/],
  ])('--as-of %s: exit 2, one line, nothing written', (_label, flags, line) => {
    expectRefused(['--import', datedExport(), ...flags], new RegExp(`${line.source}[^\\n]*\\n$`));
  });

  it.each([
    ['not one timestamp', 'yesterday', /credential-report-generated-time\.txt does not hold one ISO timestamp: remake it with aws iam get-credential-report --query GeneratedTime --output text/],
    ['before the report it dates (moto answers 2015-02-02)', '2015-02-02T20:02:02+00:00', /the GeneratedTime in .*credential-report-generated-time\.txt \(2015-02-02T20:02:02\.000Z\) is before 2026-06-01T00:00:00\.000Z/],
    ['after the run', '2999-01-01T00:00:00Z', /says the credential report was generated at 2999-01-01T00:00:00\.000Z, after this run's clock/],
  ])('a GeneratedTime %s: exit 2, one line, nothing written', (_label, text, line) => {
    expectRefused(['--import', datedExport(text)], new RegExp(`^hipaa-iam: .*${line.source}[^\\n]*\\n$`));
  });

  it.each([
    ['--demo', ['--demo']],
    ['a snapshot', ['--snapshot', `${FIXTURES}../../examples/demo-account.json`]],
    ['live collection', []],
  ])('--as-of with %s: exit 2 before anything is read', (_label, source) => {
    expectRefused([...source, '--as-of', '2026-06-02'], '--as-of dates an import of AWS CLI exports (--import DIR); a live run, a snapshot and the demo are dated by their collection');
  });
});

describe('an import where every call failed', () => {
  it('names the export\'s own failure, not the caller identity an import never records', () => {
    const dir = tempDir('import-no-credentials');
    const noCredentials = 'Unable to locate credentials. You can configure credentials by running "aws configure".\n';
    for (const file of ['credential-report.csv', 'account-authorization-details.json', 'account-summary.json', 'password-policy.json']) writeFileSync(join(dir, `${file}.error`), noCredentials);
    const out = tempDir('import-no-credentials-out');
    const result = hipaaIam(['audit', '--import', dir, '--out', join(out, 'evidence')]);
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/^hipaa-iam: nothing could be read from .*, so nothing was written: credential report \(iam:GenerateCredentialReport, iam:GetCredentialReport\): ExportFailed: the export of credential-report\.csv failed: Unable to locate credentials/);
    expect(result.stderr).not.toMatch(/NotInImport/);
    expect(readdirSync(out)).toEqual([]);
  });
});
