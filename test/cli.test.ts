import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../src/checks/registry.js';
import { BUILT_IN_ELIGIBLE_SERVICES } from '../src/hipaa/eligible-services.js';
import { hipaaIam, readFindings, runFolders, STALE_LIST_WARNING, tempDir, verdicts, type CliResult } from './support/cli.js';

const DEMO_ACCOUNT = '111122223333';
const daysSince = (date: string) => Math.floor((Date.now() - Date.parse(`${date}T00:00:00Z`)) / 86_400_000);

describe('hipaa-iam audit --demo', () => {
  let result: CliResult;
  let runDir: string | undefined;
  beforeAll(() => {
    const out = tempDir('cli-demo');
    result = hipaaIam(['audit', '--demo', '--out', out]);
    runDir = runFolders(out, DEMO_ACCOUNT)[0];
  });

  it('exits 1 for failing findings and writes the evidence files', () => {
    // The one line on stderr: the built-in list (2026-05-22) is more than 180 days older than any run from 2026-11-19 on.
    expect(result.stderr).toMatch(STALE_LIST_WARNING);
    expect(result.status).toBe(1);
    expect(runDir).toMatch(/\/111122223333\/\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z$/);
    for (const file of ['findings.json', 'findings.csv', 'password-policy.csv', 'mfa-audit.csv', 'run.json']) {
      expect(existsSync(join(runDir!, file)), file).toBe(true);
    }
  });

  it('records the eligible-services list it judged by, its age and that it is stale, in run.json and findings.json', () => {
    const run = JSON.parse(readFileSync(join(runDir!, 'run.json'), 'utf8')) as Record<string, unknown>;
    const age = daysSince('2026-05-22');
    expect(run.eligibleServices).toMatchObject({ asOf: '2026-05-22', staleAfterDays: 180, stale: true });
    expect((run.eligibleServices as { ageDays: number }).ageDays).toBeGreaterThanOrEqual(age - 1);
    expect((run.eligibleServices as { ageDays: number }).ageDays).toBeLessThanOrEqual(age);
    expect(Number(STALE_LIST_WARNING.exec(result.stderr)?.[1])).toBe((run.eligibleServices as { ageDays: number }).ageDays);
    expect(readFindings(runDir!).run).toMatchObject({ eligibleServices: { asOf: '2026-05-22', stale: true } });
    const iam021 = readFindings(runDir!).findings.filter((f) => f.controlId === 'non-eligible-services' && f.status !== 'ERROR');
    expect(iam021.length).toBeGreaterThan(0);
    for (const finding of iam021) expect(finding.evidence).toMatchObject({ eligibleServicesAsOf: '2026-05-22' });
  });

  it('writes findings.json in the DESIGN.md contract', () => {
    const document = readFindings(runDir!);
    expect(document.schemaVersion).toBe(1);
    expect(document.run).toMatchObject({ accountId: DEMO_ACCOUNT, command: 'audit', source: { kind: 'demo' } });
    expect(Object.keys(document.findings[0]!)).toEqual(['controlId', 'riskId', 'title', 'status', 'severity', 'resourceType', 'resourceArn', 'resourceName', 'message', 'hipaa', 'evidence']);
  });

  it('shows the demo clinic compliant and non-compliant principals', () => {
    const v = verdicts(readFindings(runDir!).findings);
    expect(v).toMatchObject({
      'password-policy MinimumPasswordLength': 'FAIL',
      'password-policy RequireSymbols': 'PASS',
      'root-mfa root': 'PASS',
      'root-hardware-mfa root': 'FAIL',
      'user-console-mfa dr.alice.nguyen': 'FAIL',
      'user-console-mfa bob.martinez': 'PASS',
      'mfa-enforcement bob.martinez': 'PASS',
      'mfa-enforcement erin.lab': 'FAIL',
    });
  });

  it('writes one password-policy.csv row per parameter and one mfa-audit.csv row per user and root', () => {
    const policy = parse(readFileSync(join(runDir!, 'password-policy.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(policy.map((r) => r.Parameter)).toEqual(['MinimumPasswordLength', 'RequireSymbols', 'RequireNumbers', 'RequireUppercaseCharacters', 'RequireLowercaseCharacters', 'MaxPasswordAge', 'PasswordReusePrevention', 'AllowUsersToChangePassword']);
    expect(policy[0]).toMatchObject({ Required: '>= 14', Actual: '12', Status: 'FAIL' });
    const mfa = parse(readFileSync(join(runDir!, 'mfa-audit.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(mfa.map((r) => r.User)).toEqual(['root', 'dr.alice.nguyen', 'bob.martinez', 'carol.okafor', 'dave.billing', 'erin.lab', 'svc-ehr-backup', 'svc-claims-export', 'frank.former']);
    expect(mfa.find((r) => r.User === 'carol.okafor')).toMatchObject({ 'Console Access': 'yes', 'MFA Active': 'yes', 'MFA Type': 'hardware or FIDO', 'MFA Status': 'PASS' });
  });

  it('prints a line per user in the hardening guide style, without colour off a terminal', () => {
    expect(result.stdout).toContain('❌ dr.alice.nguyen has NO MFA — HIPAA compliance gap');
    expect(result.stdout).toContain('✅ bob.martinez has MFA enabled (virtual) — compliant');
    expect(result.stdout).not.toContain('\u001b['); // no ANSI colour codes
    expect(result.stdout).toContain(`Evidence written to ${runDir}`);
  });

  it('evaluates every control, and shows both verdicts for each that judges more than one resource', () => {
    const findings = readFindings(runDir!).findings;
    const statuses = (id: string) => new Set(findings.filter((f) => f.controlId === id).map((f) => f.status));
    // One root, one account, one archive: these controls have a single verdict in any one account.
    const singleVerdict = new Set(['root-mfa', 'root-hardware-mfa', 'root-access-keys', 'root-recent-use', 'support-role', 'federation', 'cloudtrail-multi-region', 'review-cadence', 'scp-eligible-allowlist', 'identity-center-mfa']);
    // The organization controls judge only in an organization-wide run: NOT_APPLICABLE in a single account.
    const organizationOnly = new Set(['root-credentials-central', 'organization-coverage']);
    for (const check of ALL_CHECKS) {
      const seen = statuses(check.meta.controlId);
      expect(seen.size, check.meta.controlId).toBeGreaterThan(0);
      expect(seen.has('ERROR'), check.meta.controlId).toBe(false);
      if (organizationOnly.has(check.meta.controlId)) expect([...seen], check.meta.controlId).toEqual(['NOT_APPLICABLE']);
      else if (!singleVerdict.has(check.meta.controlId)) expect([...seen].filter((s) => s === 'PASS' || s === 'FAIL').sort(), check.meta.controlId).toEqual(['FAIL', 'PASS']);
    }
  });

  it('writes access-review.csv: a row per user and customer role, and per person × account × permission set, for the monthly re-approval', () => {
    const rows = parse(readFileSync(join(runDir!, 'access-review.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.filter((r) => r['Access Kind'] === 'IAM principal').map((r) => `${r['Principal Type']} ${r.Name}`)).toEqual([
      'user dr.alice.nguyen', 'user bob.martinez', 'user carol.okafor', 'user dave.billing', 'user erin.lab', 'user svc-ehr-backup', 'user svc-claims-export', 'user frank.former',
      'role ehr-app-server', 'role okta-clinicians', 'role okta-it-oncall', 'role ci-deployer',
      // The roles IAM Identity Center provisions for the demo's permission sets.
      'role AWSReservedSSO_AdministratorAccess_9a1f7b3d2e480c5e', 'role AWSReservedSSO_ITOnCall_3b7e1d9c5a2f8e04', 'role AWSReservedSSO_GameDayFleet_c81f4a6e2d0b9735', 'role AWSReservedSSO_ClinicalReadOnly_5d2a8c0e6f1b4a93',
    ]);
    // Everyone IAM Identity Center lets into the account (jreyes has no assignment), per permission set.
    expect(rows.filter((r) => r['Access Kind'] === 'Identity Center person').map((r) => `${r.Name} ${r['Permission Set']} ${r.Groups} ${r.Administrator} ${r['Non-Eligible Services Reachable']}`)).toEqual([
      'hpatel AdministratorAccess direct yes *',
      'anguyen ClinicalReadOnly Clinicians no ', 'bmartinez ClinicalReadOnly Clinicians no ', 'cokafor ClinicalReadOnly Clinicians; Compliance no ', 'ichen ClinicalReadOnly Compliance no ',
      'gkim GameDayFleet IT-Operations no gamelift', 'hpatel GameDayFleet IT-Operations no gamelift',
      'gkim ITOnCall IT-Operations no ', 'hpatel ITOnCall IT-Operations no ',
    ]);
    expect(rows.find((r) => r.Name === 'anguyen')).toMatchObject({ 'Display Name': 'Dr. Alice Nguyen', Account: DEMO_ACCOUNT, 'ePHI Services Reachable': 'dynamodb s3', 'Manager Approval': '' });
    expect(rows.find((r) => r.Name === 'carol.okafor')).toMatchObject({ Administrator: 'yes', 'Services Reachable': '*', 'ePHI Services Reachable': '*' });
    expect(rows.find((r) => r.Name === 'bob.martinez')).toMatchObject({ Administrator: 'no' });
    expect(rows.find((r) => r.Name === 'bob.martinez')?.['ePHI Services Reachable']?.split(' ')).toEqual(expect.arrayContaining(['dynamodb', 's3']));
    expect(rows.find((r) => r.Name === 'carol.okafor')).toMatchObject({ Groups: 'human-users it-admins', MFA: 'yes (hardware or FIDO)', 'Manager Approval': '' });
    expect(rows.find((r) => r.Name === 'frank.former')?.['Last Activity']).toBe('2026-06-02T16:45:10+00:00');
  });

  it('records the run in run.json', () => {
    const run = JSON.parse(readFileSync(join(runDir!, 'run.json'), 'utf8'));
    expect(run).toMatchObject({ accountId: DEMO_ACCOUNT, tool: { name: 'hipaa-iam' }, controls: ALL_CHECKS.map((c) => c.meta.controlId) });
    expect(Date.parse(run.finishedAt)).toBeGreaterThanOrEqual(Date.parse(run.startedAt));
  });
});

describe('subcommands, thresholds and exit codes', () => {
  it('password-policy writes only its own evidence', () => {
    const out = tempDir('cli-pp');
    expect(hipaaIam(['password-policy', '--demo', '--out', out]).status).toBe(1);
    const [runDir] = runFolders(out, DEMO_ACCOUNT);
    expect(existsSync(join(runDir!, 'password-policy.csv'))).toBe(true);
    expect(existsSync(join(runDir!, 'mfa-audit.csv'))).toBe(false);
    expect(new Set(readFindings(runDir!).findings.map((f) => f.controlId))).toEqual(new Set(['password-policy']));
  });

  it.each([
    ['critical', 0], // the demo's only critical control (root-mfa) passes
    ['high', 1],
    ['low', 1],
  ])('--fail-on %s exits %i', (severity, code) => {
    expect(hipaaIam(['mfa-audit', '--demo', '--out', tempDir('cli-failon'), '--fail-on', severity as string]).status).toBe(code);
  });

  it('keeps every run: two runs leave two folders', () => {
    const out = tempDir('cli-two');
    hipaaIam(['audit', '--demo', '--out', out]);
    hipaaIam(['audit', '--demo', '--out', out]);
    expect(runFolders(out, DEMO_ACCOUNT)).toHaveLength(2);
  });

  it('collect --save writes a snapshot that audits to the same verdicts', () => {
    const dir = tempDir('cli-collect');
    const file = join(dir, 'demo-snapshot.json');
    expect(hipaaIam(['collect', '--demo', '--save', file]).status).toBe(0);
    const a = tempDir('cli-a');
    const b = tempDir('cli-b');
    hipaaIam(['audit', '--demo', '--out', a]);
    hipaaIam(['audit', '--snapshot', file, '--out', b]);
    expect(verdicts(readFindings(runFolders(b, DEMO_ACCOUNT)[0]!).findings)).toEqual(verdicts(readFindings(runFolders(a, DEMO_ACCOUNT)[0]!).findings));
  });

  it('an import missing exports exits 3: what it holds is judged, the rest is ERROR, never PASS', () => {
    const dir = tempDir('cli-import');
    writeFileSync(join(dir, 'account-summary.json'), JSON.stringify({ SummaryMap: { AccountMFAEnabled: 1 } }));
    // The account is named by an ARN in the exports (here a group's); nothing in it judges an MFA control.
    writeFileSync(join(dir, 'account-authorization-details.json'), JSON.stringify(groupOnlyAuthorizationDetails('123456789012')));
    const out = tempDir('cli-import-out');
    const result = hipaaIam(['mfa-audit', '--import', dir, '--out', out]);
    expect(result.status).toBe(3);
    const findings = readFindings(runFolders(out, '123456789012')[0]!).findings;
    expect(findings.filter((f) => f.controlId === 'root-mfa').map((f) => f.status)).toEqual(['PASS']);
    expect(findings.filter((f) => f.controlId !== 'root-mfa').every((f) => f.status === 'ERROR')).toBe(true);
  });

  it.each<[string, (dir: string) => void, RegExp]>([
    [
      'names no account (no export carries an ARN)',
      (dir) => writeFileSync(join(dir, 'account-summary.json'), JSON.stringify({ SummaryMap: { AccountMFAEnabled: 1 } })),
      /cannot tell which account was read from the AWS CLI exports in .*: STS GetCallerIdentity failed \(NotInImport: .*\) and no IAM ARN of the account was read/,
    ],
    [
      'names two accounts (exports of two clients in one folder)',
      (dir) => {
        writeFileSync(join(dir, 'account-authorization-details.json'), JSON.stringify(groupOnlyAuthorizationDetails('111111111111')));
        const header = 'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';
        const root = '<root_account>,arn:aws:iam::222222222222:root,2020-01-01T00:00:00+00:00,not_supported,no_information,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A';
        writeFileSync(join(dir, 'credential-report.csv'), `${header}\n${root}\n`);
      },
      /the sources name 2 accounts: "111111111111" \(the authorization details\), "222222222222" \(the credential report\)/,
    ],
  ])('an import that %s exits 3 with one line, even with --quiet, and writes nothing', (_label, exports, message) => {
    const dir = tempDir('cli-import');
    exports(dir);
    const out = tempDir('cli-import-out');
    const result = hipaaIam(['mfa-audit', '--import', dir, '--out', out, '--quiet']);
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/so nothing was written/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(readdirSync(out)).toEqual([]);
  });
});

/** get-account-authorization-details of an account with one empty group and nothing else. */
function groupOnlyAuthorizationDetails(account: string) {
  return {
    UserDetailList: [],
    GroupDetailList: [{ GroupName: 'staff', GroupId: 'AGPASTAFF', Arn: `arn:aws:iam::${account}:group/staff`, Path: '/', CreateDate: '2021-01-02T00:00:00Z', GroupPolicyList: [], AttachedManagedPolicies: [] }],
    RoleDetailList: [],
    Policies: [],
  };
}

describe('bad input: one clear line, exit 2, nothing written', () => {
  const corrupt = join(tempDir('cli-bad'), 'corrupt.json');
  writeFileSync(corrupt, '{"schemaVersion": 1, "accountId": "1234');
  const unreadable = tempDir('cli-unreadable');
  writeFileSync(join(unreadable, 'account-authorization-details.json'), '{not json');

  it.each<[string, string[], RegExp]>([
    ['a corrupt snapshot', ['audit', '--snapshot', corrupt], /snapshot .*corrupt\.json is not valid JSON/],
    ['a missing snapshot', ['audit', '--snapshot', '/nonexistent/snap.json'], /cannot read snapshot/],
    ['an unknown flag', ['audit', '--demo', '--colour'], /unknown option '--colour'/],
    ['an unknown command', ['audti'], /unknown command 'audti'/],
    ['two sources at once', ['audit', '--demo', '--import', '/tmp'], /cannot be used with/],
    ['a live flag with an offline source', ['audit', '--demo', '--profile', 'prod'], /cannot be used with/],
    ['a bad severity', ['audit', '--demo', '--fail-on', 'extreme'], /Allowed choices are critical, high, medium, low/],
    ['an unreadable import', ['audit', '--import', unreadable], /account-authorization-details\.json is not valid JSON/],
    ['an import folder that does not exist', ['audit', '--import', '/nonexistent/exports'], /does not exist/],
    ['collect without --save', ['collect', '--demo'], /required option '--save <file>'/],
    ['an eligible-services list that is not one', ['audit', '--demo', '--eligible-services', corrupt], /eligible-services file .*corrupt\.json/],
    ['--apply on an offline source', ['password-policy', '--demo', '--apply'], /--apply changes a live account; it cannot be used with --demo, --snapshot or --import/],
    ['--apply without --enforce', ['mfa-audit', '--demo', '--apply'], /--apply needs --enforce/],
    ['--apply without --enable', ['analyzer', '--demo', '--apply'], /--apply needs --enable/],
    ['a password baseline AWS would refuse', ['password-policy', '--demo', '--min-password-length', '200'], /expected a whole number from 6 to 128/],
    ['a --policy-arn that is not a policy ARN', ['boundary', '--demo', '--policy-arn', 'my-boundary'], /expected an IAM policy ARN/],
    ['a --policy-arn the account does not hold', ['boundary', '--demo', '--policy-arn', `arn:aws:iam::${DEMO_ACCOUNT}:policy/nope`], /is not a managed policy in account 111122223333/],
    ['scp from a list that is not one', ['scp', '--eligible-services', corrupt], /eligible-services file .*corrupt\.json/],
  ])('%s', (_label, args, message) => {
    const out = tempDir('cli-bad-out');
    const writesEvidence = ['audit', 'password-policy', 'mfa-audit', 'boundary', 'analyzer'].includes(args[0]!);
    const result = hipaaIam([...args, ...(writesEvidence ? ['--out', out] : [])]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(runFolders(out, DEMO_ACCOUNT)).toEqual([]);
  });

  it('--help explains sources, exit codes and examples', () => {
    const result = hipaaIam(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Exit codes');
    expect(result.stdout).toContain('hipaa-iam audit --demo');
  });
});

describe('remediation plans and the SCP from the command line', () => {
  it('a dry run prints the plan, records it in remediation-plan.csv and run.json, and the manifest covers it', () => {
    const out = tempDir('cli-plan');
    const result = hipaaIam(['boundary', '--demo', '--out', out]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('Planned changes (dry run; --apply makes them):');
    expect(result.stdout).toMatch(/1\. iam:CreatePolicy arn:aws:iam::111122223333:policy\/permissions-boundary-base\n/);
    expect(result.stdout).toContain('role ci-deployer keeps its boundary arn:aws:iam::111122223333:policy/legacy-allow-all-boundary');
    const [runDir] = runFolders(out, DEMO_ACCOUNT);
    const plan = parse(readFileSync(join(runDir!, 'remediation-plan.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(plan[0]).toMatchObject({ action: 'iam:CreatePolicy', before: 'absent', result: 'planned (not applied)' });
    expect(plan.filter((r) => r.action === 'iam:PutUserPermissionsBoundary')).toHaveLength(8);
    const run = JSON.parse(readFileSync(join(runDir!, 'run.json'), 'utf8'));
    expect(run.remediation).toMatchObject({ mode: 'plan', command: 'boundary --apply', planned: 9, applied: 0, failed: 0, blocked: [] });
    expect(hipaaIam(['verify', runDir!]).status).toBe(0);
  });

  it('--policy-arn names the boundary to require and to set, creating nothing', () => {
    const out = tempDir('cli-policy-arn');
    const result = hipaaIam(['boundary', '--demo', '--out', out, '--policy-arn', 'arn:aws:iam::111122223333:policy/hipaa-permissions-boundary']);
    expect(result.stdout).not.toContain('iam:CreatePolicy');
    const v = verdicts(readFindings(runFolders(out, DEMO_ACCOUNT)[0]!).findings);
    expect(v).toMatchObject({ 'permissions-boundary ehr-app-server': 'PASS', 'permissions-boundary ci-deployer': 'FAIL' });
  });

  it('a configured password baseline is what is judged and what would be set, never weakening a stronger setting', () => {
    const out = tempDir('cli-baseline');
    const result = hipaaIam(['password-policy', '--demo', '--out', out, '--min-password-length', '10', '--password-reuse-prevention', '5']);
    const v = verdicts(readFindings(runFolders(out, DEMO_ACCOUNT)[0]!).findings);
    expect(v).toMatchObject({ 'password-policy MinimumPasswordLength': 'PASS', 'password-policy PasswordReusePrevention': 'PASS', 'password-policy RequireLowercaseCharacters': 'FAIL' });
    expect(result.stdout).toMatch(/after: {2}MinimumPasswordLength=12 .*RequireLowercaseCharacters=true/);
  });

  it('mfa-audit without --enforce plans nothing; with it, names the users who will lose access until they enrol', () => {
    const out = tempDir('cli-mfa');
    expect(hipaaIam(['mfa-audit', '--demo', '--out', out]).stdout).not.toContain('Planned changes');
    const enforce = hipaaIam(['mfa-audit', '--demo', '--out', out, '--enforce']);
    expect(enforce.stdout).toContain('1. iam:AddUserToGroup user dr.alice.nguyen');
    expect(enforce.stdout).toContain('⚠ dr.alice.nguyen has no MFA device');
  });

  it('scp prints the policy alone on stdout, the notes on stderr; --save writes the shipped file', () => {
    const printed = hipaaIam(['scp']);
    expect(printed.status).toBe(0);
    const shipped = readFileSync(new URL('../policies/hipaa-scp-allowlist.json', import.meta.url), 'utf8');
    expect(printed.stdout).toBe(shipped);
    expect(printed.stderr).toMatch(/^HIPAA-eligible services list of \d{4}-\d{2}-\d{2}: \d+ service prefixes, 1 document\(s\) \(deny-not-action\), \d+ of 5120 characters\./);
    expect(printed.stderr.split('\n').filter((line) => line.startsWith('hipaa-iam: warning: '))).toHaveLength(1);
    expect(printed.stderr).toMatch(/\nhipaa-iam: warning: the HIPAA-eligible services list is dated 2026-05-22, \d+ days before this run/);
    const file = join(tempDir('cli-scp'), 'nested', 'scp.json');
    const saved = hipaaIam(['scp', '--save', file]);
    expect(saved.stdout).toContain(`Wrote ${file}`);
    expect(readFileSync(file, 'utf8')).toBe(shipped);
  });
});

describe('the age of the eligible-services list', () => {
  it('judges a list of the user\'s by its own date: a fresh one gives no warning, and run.json says it is not stale', () => {
    const today = new Date().toISOString().slice(0, 10);
    const file = join(tempDir('cli-fresh-list'), 'eligible.json');
    writeFileSync(file, JSON.stringify({ ...BUILT_IN_ELIGIBLE_SERVICES, asOf: today }));
    const out = tempDir('cli-fresh');
    const fresh = hipaaIam(['least-privilege', '--demo', '--out', out, '--eligible-services', file]);
    expect(fresh.stderr).toBe('');
    const run = JSON.parse(readFileSync(join(runFolders(out, DEMO_ACCOUNT)[0]!, 'run.json'), 'utf8')) as Record<string, unknown>;
    expect(run.eligibleServices).toMatchObject({ asOf: today, ageDays: 0, stale: false });
  });

  it('says nothing of the list in a run whose controls do not use it', () => {
    const out = tempDir('cli-no-list');
    const result = hipaaIam(['password-policy', '--demo', '--out', out]);
    expect(result.stderr).toBe('');
    const run = JSON.parse(readFileSync(join(runFolders(out, DEMO_ACCOUNT)[0]!, 'run.json'), 'utf8')) as Record<string, unknown>;
    expect(run).not.toHaveProperty('eligibleServices');
  });
});
