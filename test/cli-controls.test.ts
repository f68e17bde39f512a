import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Check } from '../src/checks/check.js';
import { ALL_CHECKS, checksForGroup } from '../src/checks/registry.js';
import { hipaaIam, readFindings, runFolders, tempDir, type CliResult } from './support/cli.js';

const DEMO = '111122223333';
const DEMO_SNAPSHOT = new URL('../examples/demo-account.json', import.meta.url).pathname;
const ids = (checks: readonly Check[]) => checks.map((c) => c.meta.controlId);
const runJson = (dir: string) => JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as Record<string, unknown>;
const judged = (dir: string) => [...new Set(readFindings(dir).findings.map((f) => f.controlId))];

/** A run into a fresh --out, and the one run folder it wrote (undefined if none). */
function run(args: string[]): { result: CliResult; out: string; runDir: string | undefined } {
  const out = tempDir('controls');
  const result = hipaaIam([...args, '--out', out]);
  return { result, out, runDir: runFolders(out, DEMO)[0] };
}

describe('hipaa-iam controls', () => {
  it('--json lists every registered control, in the registry order, with the catalogue fields', () => {
    const result = hipaaIam(['controls', '--json']);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    const listing = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(listing).toEqual(
      ALL_CHECKS.map(({ meta }) => ({
        controlId: meta.controlId,
        riskId: meta.riskId,
        title: meta.title,
        severity: meta.severity,
        group: meta.group,
        commands: meta.group === 'risk-register' || meta.group === 'organization' ? ['audit'] : [meta.group, 'audit'],
        hipaa: meta.hipaa,
        sources: meta.sources,
        optionalSources: meta.optionalSources ?? [],
        description: meta.description,
        remediation: meta.remediation,
      })),
    );
  });

  it('prints an aligned table, one line per control, whose columns a pipe can cut', () => {
    const result = hipaaIam(['controls']);
    expect(result.status).toBe(0);
    const [header, ...rows] = result.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^RISK_ID +CONTROL_ID +SEVERITY +GROUP +HIPAA +SOURCES +TITLE$/);
    // The heading is one word a column too, so awk reads its columns as it reads the rows'.
    expect(header!.split(/\s+/)).toHaveLength(7);
    expect(rows).toHaveLength(ALL_CHECKS.length);
    const starts = ['CONTROL_ID', 'SEVERITY', 'GROUP', 'HIPAA', 'SOURCES', 'TITLE'].map((column) => header!.indexOf(column));
    ALL_CHECKS.forEach(({ meta }, i) => {
      const row = rows[i]!;
      const cells = [meta.controlId, meta.severity, meta.group, meta.hipaa.join(','), [...meta.sources, ...(meta.optionalSources ?? []).map((s) => `${s}?`)].join(',') || '-', meta.title];
      // Each cell starts under its heading.
      expect(starts.map((start, c) => row.slice(start, start + cells[c]!.length))).toEqual(cells);
      expect(row.split(/\s+/).slice(0, 6)).toEqual([meta.riskId, ...cells.slice(0, 5)]);
    });
  });

  it('SOURCES says what --controls IAM-001 reads: the optional sources too, marked ?', () => {
    const row = hipaaIam(['controls']).stdout.split('\n').find((line) => line.startsWith('IAM-001 '));
    expect(row!.split(/\s+/)[5]!.split(',')).toEqual(expect.arrayContaining(['credentialReport', 'virtualMfaDevices?', 'authorizationDetails?']));
  });

  it('--list-controls on the program prints the same, with or without --json', () => {
    expect(hipaaIam(['--list-controls'])).toEqual(hipaaIam(['controls']));
    const json = hipaaIam(['--list-controls', '--json']);
    expect(json.status).toBe(0);
    expect(json.stdout).toBe(hipaaIam(['controls', '--json']).stdout);
  });

  it('--list-controls beside a command is a usage error, not silently ignored', () => {
    const { result, out } = run(['audit', '--demo', '--list-controls']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^hipaa-iam: --list-controls stands alone/);
    expect(runFolders(out, DEMO)).toEqual([]);
  });

  it('--help names the command, the option and the filters', () => {
    expect(hipaaIam(['--help']).stdout).toMatch(/--list-controls[\s\S]*controls \[options\]/);
    const audit = hipaaIam(['audit', '--help']).stdout;
    for (const option of ['--controls <list>', '--exclude-controls <list>', '--severity <list>', '--only-failures', '--json']) expect(audit).toContain(option);
    expect(hipaaIam(['audit-trail', '--help']).stdout).toContain('--controls <list>');
  });
});

describe('filters on the audit commands', () => {
  it('--controls takes risk ids and control ids in any case; only those controls are judged; run.json says partial and records the filter', () => {
    const { result, runDir } = run(['audit', '--demo', '--controls', 'iam-004, USER-CONSOLE-MFA']);
    expect(result.status).toBe(1);
    expect(judged(runDir!)).toEqual(['password-policy', 'user-console-mfa']);
    expect(runJson(runDir!)).toMatchObject({ command: 'audit', scope: 'partial', controls: ['password-policy', 'user-console-mfa'], filters: { controls: ['password-policy', 'user-console-mfa'] } });
    expect(readFindings(runDir!).run).toMatchObject({ filters: { controls: ['password-policy', 'user-console-mfa'] } });
    expect(result.stdout).toContain('IAM-004 password-policy');
    expect(result.stdout).not.toContain('IAM-005 root-mfa');
  });

  it('--exclude-controls judges the rest of the command; an audit without one control is partial, not an access review', () => {
    const { result, runDir } = run(['mfa-audit', '--demo', '--exclude-controls', 'IAM-006']);
    expect(result.status).toBe(1);
    expect(judged(runDir!)).toEqual(ids(checksForGroup('mfa-audit')).filter((id) => id !== 'root-hardware-mfa'));
    expect(runJson(runDir!)).toMatchObject({ scope: 'partial', filters: { excludeControls: ['root-hardware-mfa'] } });

    const almostFull = run(['audit', '--demo', '--exclude-controls', 'non-eligible-services', '--format', 'json']);
    expect(judged(almostFull.runDir!)).toHaveLength(ALL_CHECKS.length - 1);
    expect(runJson(almostFull.runDir!)).toMatchObject({ command: 'audit', scope: 'partial' });
    // The same command unfiltered is a full audit (the assertion above can fail).
    expect(runJson(run(['audit', '--demo', '--format', 'json']).runDir!)).toMatchObject({ scope: 'full' });
    expect(runJson(run(['audit', '--demo', '--format', 'json']).runDir!)).not.toHaveProperty('filters');
  });

  it('a filter given twice adds to the list, never keeps only the last', () => {
    const controls = run(['audit', '--demo', '--controls', 'IAM-004', '--controls', 'IAM-005', '--format', 'json']);
    expect(judged(controls.runDir!)).toEqual(['password-policy', 'root-mfa']);
    const excluded = run(['mfa-audit', '--demo', '--exclude-controls', 'IAM-001', '--exclude-controls', 'IAM-006', '--format', 'json']);
    expect(judged(excluded.runDir!)).toEqual(ids(checksForGroup('mfa-audit')).filter((id) => id !== 'user-console-mfa' && id !== 'root-hardware-mfa'));
    const severities = run(['audit', '--demo', '--severity', 'critical', '--severity', 'high', '--format', 'json']);
    expect(runJson(severities.runDir!)).toMatchObject({ filters: { severity: ['critical', 'high'] } });
  });

  it('--severity is a list of severities, not a minimum', () => {
    const { runDir } = run(['audit', '--demo', '--severity', 'High,critical']);
    expect(judged(runDir!)).toEqual(ids(ALL_CHECKS.filter((c) => c.meta.severity === 'critical' || c.meta.severity === 'high')));
    expect(runJson(runDir!)).toMatchObject({ scope: 'partial', filters: { severity: ['critical', 'high'] } });
    const lowOnly = run(['credentials', '--demo', '--severity', 'low']);
    expect(judged(lowOnly.runDir!)).toEqual(ids(checksForGroup('credentials').filter((c) => c.meta.severity === 'low')));
    expect(judged(lowOnly.runDir!).length).toBeGreaterThan(0);
  });

  it('the filters combine: listed, not excluded, of a listed severity', () => {
    const { runDir } = run(['audit', '--demo', '--controls', 'IAM-005,IAM-006,IAM-001,IAM-009', '--exclude-controls', 'IAM-001', '--severity', 'critical,high']);
    expect(judged(runDir!)).toEqual(['root-mfa', 'root-hardware-mfa']);
    expect(runJson(runDir!).filters).toEqual({ controls: ['root-mfa', 'root-hardware-mfa', 'user-console-mfa', 'mfa-enforcement'], excludeControls: ['user-console-mfa'], severity: ['critical', 'high'] });
  });

  it.each([
    [['audit', '--controls', 'IAM-999'], /^hipaa-iam: --controls: no control is named "IAM-999"; `hipaa-iam controls` lists every control id and risk id\n$/],
    [['audit', '--exclude-controls', 'root-mfa,no-such-control'], /^hipaa-iam: --exclude-controls: no control is named "no-such-control"; `hipaa-iam controls`/],
    [['password-policy', '--controls', 'IAM-001'], /^hipaa-iam: --controls: IAM-001 user-console-mfa is not judged by `hipaa-iam password-policy`; `hipaa-iam mfa-audit` or `hipaa-iam audit` judges it\n$/],
    [['credentials', '--exclude-controls', 'review-cadence'], /IAM-003 review-cadence is not judged by `hipaa-iam credentials`; `hipaa-iam audit` judges it\n$/],
    [['audit-trail', '--severity', 'critical'], /^hipaa-iam: --severity critical leaves no control of `hipaa-iam audit-trail` to judge/],
    [['password-policy', '--exclude-controls', 'IAM-004'], /^hipaa-iam: --exclude-controls password-policy leaves no control of `hipaa-iam password-policy` to judge/],
    [['audit', '--severity', 'severe'], /--severity <list>.* expected some of critical, high, medium, low, not severe/],
    [['audit', '--controls', ' , '], /--controls <list>.* name at least one control/],
  ])('%j is a usage error: one line, exit 2, nothing written', (args, message) => {
    const { result, out } = run([...args, '--demo']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toBe('');
    expect(existsSync(join(out, DEMO))).toBe(false);
  });
});

describe('a filtered audit is no access review for IAM-003', () => {
  /** The demo account as if collected tomorrow, so a run made now falls inside the review window. */
  function tomorrowsSnapshot(): string {
    const file = join(tempDir('tomorrow'), 'snapshot.json');
    const snapshot = JSON.parse(readFileSync(DEMO_SNAPSHOT, 'utf8')) as { collectedAt: string };
    writeFileSync(file, JSON.stringify({ ...snapshot, collectedAt: new Date(Date.now() + 86_400_000).toISOString() }));
    return file;
  }
  const reviews = (out: string) => {
    const latest = runFolders(out, DEMO).at(-1)!;
    return (readFindings(latest).findings.find((f) => f.controlId === 'review-cadence')!.evidence as { reviewsInWindow: string[] }).reviewsInWindow;
  };

  it('an earlier full audit is counted, an earlier audit with --exclude-controls is not', () => {
    const snapshot = tomorrowsSnapshot();
    const full = tempDir('review-full');
    hipaaIam(['audit', '--snapshot', snapshot, '--out', full, '--quiet', '--format', 'json']);
    hipaaIam(['audit', '--snapshot', snapshot, '--out', full, '--quiet', '--format', 'json']);
    expect(reviews(full)).toHaveLength(1);

    const filtered = tempDir('review-filtered');
    hipaaIam(['audit', '--snapshot', snapshot, '--out', filtered, '--quiet', '--format', 'json', '--exclude-controls', 'IAM-021']);
    hipaaIam(['audit', '--snapshot', snapshot, '--out', filtered, '--quiet', '--format', 'json']);
    expect(runFolders(filtered, DEMO)).toHaveLength(2);
    expect(reviews(filtered)).toEqual([]);
  });
});

describe('--only-failures', () => {
  let full: CliResult;
  let short: CliResult;
  beforeAll(() => {
    full = run(['audit', '--demo']).result;
    short = run(['audit', '--demo', '--only-failures']).result;
  });

  it('shows only controls with a FAIL or ERROR, and only those lines', () => {
    expect(short.status).toBe(full.status);
    const findingLines = short.stdout.split('\n').filter((line) => line.startsWith('    '));
    expect(findingLines.length).toBeGreaterThan(20);
    for (const line of findingLines) expect(line).toMatch(/^ {4}(❌|⚠️)/);
    const controlLines = short.stdout.split('\n').filter((line) => /^\S+ IAM-\d{3} /.test(line));
    for (const line of controlLines) expect(line).toMatch(/^(❌|⚠️) /);
    // The demo has passing controls (IAM-005 root-mfa) and passing lines in failing ones (bob.martinez has MFA).
    expect(full.stdout).toMatch(/✅ IAM-005 root-mfa PASS/);
    expect(short.stdout).not.toContain('IAM-005 root-mfa');
    expect(full.stdout).toContain('bob.martinez has MFA enabled');
    expect(short.stdout).not.toContain('bob.martinez has MFA enabled');
    expect(short.stdout).toContain('dr.alice.nguyen has NO MFA');
  });

  it('says how much it hid, and the totals still count everything', () => {
    const hiddenControls = full.stdout.split('\n').filter((line) => /^\S+ IAM-\d{3} /.test(line) && !/^(❌|⚠️) /.test(line)).length;
    const totals = (text: string) => /^Totals: .*$/m.exec(text)?.[0];
    const count = (status: string) => Number(new RegExp(`(\\d+) ${status}`).exec(totals(full.stdout)!)?.[1] ?? 0);
    expect(hiddenControls).toBeGreaterThan(0);
    expect(short.stdout).toContain(`--only-failures hid ${hiddenControls} of ${ALL_CHECKS.length} controls (no FAIL or ERROR) and ${count('PASS')} PASS, ${count('MANUAL')} MANUAL, ${count('NOT_APPLICABLE')} NOT_APPLICABLE findings`);
    expect(totals(short.stdout)).toBe(totals(full.stdout));
  });
});

describe('--json', () => {
  it('prints the findings document and nothing else on stdout: the very bytes of findings.json', () => {
    const { result, runDir } = run(['audit', '--demo', '--json']);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe(readFileSync(join(runDir!, 'findings.json'), 'utf8'));
    const document = JSON.parse(result.stdout) as { findings: { controlId: string }[] };
    expect(document.findings.map((f) => f.controlId)).toContain('root-mfa');
    // What a person reads went to stderr.
    expect(result.stderr).toContain(`Evidence written to ${runDir}`);
    expect(result.stdout).not.toContain('Evidence written to');
  });

  it('`hipaa-iam audit --demo --json | jq .findings[0].controlId` prints a control id', () => {
    const out = tempDir('jq');
    const jq = spawnSync('sh', ['-c', 'command -v jq'], { encoding: 'utf8' });
    const pipeline = jq.status === 0 ? `| jq .findings[0].controlId` : `| node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.stringify(JSON.parse(s).findings[0].controlId)))"`;
    const bin = new URL('../bin/hipaa-iam.js', import.meta.url).pathname;
    const result = spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" audit --demo --json --out "${out}" ${pipeline}`], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' } });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`"${ALL_CHECKS[0]!.meta.controlId}"\n`);
    expect(ids(ALL_CHECKS)).toContain(JSON.parse(result.stdout));
  });

  it('a subcommand with filters and a remediation plan: stdout is still the document alone, the plan goes to stderr', () => {
    const { result, runDir } = run(['mfa-audit', '--demo', '--enforce', '--controls', 'IAM-001', '--json']);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe(readFileSync(join(runDir!, 'findings.json'), 'utf8'));
    expect(new Set((JSON.parse(result.stdout) as { findings: { controlId: string }[] }).findings.map((f) => f.controlId))).toEqual(new Set(['user-console-mfa']));
    expect(result.stderr).toContain('Planned changes (dry run; --enforce --apply makes them):');
  });

  it('with --quiet stdout still carries the document and stderr is silent; without json in --format it is printed all the same', () => {
    const quiet = run(['audit', '--demo', '--json', '--quiet']);
    expect(quiet.result.status).toBe(1);
    expect(quiet.result.stdout).toBe(readFileSync(join(quiet.runDir!, 'findings.json'), 'utf8'));
    expect(quiet.result.stderr).toBe('');

    const csvOnly = run(['credentials', '--demo', '--json', '--format', 'csv']);
    expect(existsSync(join(csvOnly.runDir!, 'findings.json'))).toBe(false);
    const document = JSON.parse(csvOnly.result.stdout) as { schemaVersion: number; run: { command: string }; findings: { controlId: string }[] };
    expect(document).toMatchObject({ schemaVersion: 1, run: { command: 'credentials' } });
    expect(new Set(document.findings.map((f) => f.controlId))).toEqual(new Set(ids(checksForGroup('credentials'))));
  });

  it('exit codes are unchanged: a run with ERROR findings exits 3 with the document on stdout', () => {
    const snapshot = JSON.parse(readFileSync(DEMO_SNAPSHOT, 'utf8')) as { sources: Record<string, unknown> };
    const file = join(tempDir('error-source'), 'snapshot.json');
    writeFileSync(file, JSON.stringify({ ...snapshot, sources: { ...snapshot.sources, cloudTrail: { status: 'error', error: { code: 'AccessDenied', message: 'not authorized to perform cloudtrail:DescribeTrails' } } } }));
    const out = tempDir('json-error');
    const result = hipaaIam(['audit-trail', '--snapshot', file, '--json', '--out', out]);
    expect(result.status).toBe(3);
    const document = JSON.parse(result.stdout) as { findings: { status: string }[] };
    expect(document.findings.length).toBeGreaterThan(0);
    expect(new Set(document.findings.map((f) => f.status))).toEqual(new Set(['ERROR']));
  });
});

