import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { hipaaIam, readFindings, runFolders, tempDir, type CliResult } from './support/cli.js';

const ACCOUNT = '111122223333';
const HEADER = 'control_id,resource,justification,approver,expires';
const csv = (path: string) => parse(readFileSync(path, 'utf8'), { columns: true }) as Record<string, string>[];
const runJson = (dir: string) => JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as Record<string, unknown>;
/** The UTC date `days` after today, as the run dates its exceptions. */
const daysFromToday = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const exceptionsFile = (dir: string, name: string, rows: string[]) => {
  const path = join(dir, name);
  writeFileSync(path, `${[HEADER, ...rows].join('\n')}\n`);
  return path;
};

describe('--exceptions that accept every failure of mfa-audit on the demo account, by risk id and control id', () => {
  // The demo's mfa-audit failures: root-hardware-mfa (root), user-console-mfa (alice, dave), mfa-enforcement (alice, erin).
  const dir = tempDir('exc-cli');
  const out = tempDir('exc-cli-out');
  const file = exceptionsFile(dir, 'accepted.csv', [
    'IAM-006,*,Hardware key on order,Dr. Priya Shah (CISO),2099-01-31',
    'iam-001,*,Console users move to Identity Center,Dr. Priya Shah (CISO),2099-01-31',
    'mfa-enforcement,*,Console users move to Identity Center,Dr. Priya Shah (CISO),2099-01-31',
  ]);
  let first: CliResult;
  let second: CliResult;
  let runs: string[];
  beforeAll(() => {
    first = hipaaIam(['mfa-audit', '--demo', '--out', out, '--exceptions', file]);
    second = hipaaIam(['mfa-audit', '--demo', '--out', out, '--exceptions', file]);
    runs = runFolders(out, ACCOUNT);
  });

  it('exits 0 as before (an accepted failure does not fail the run), and 1 without the file', () => {
    expect([first.status, second.status]).toEqual([0, 0]);
    expect(first.stderr).toBe('');
    expect(hipaaIam(['mfa-audit', '--demo', '--out', tempDir('exc-cli-none'), '--quiet']).status).toBe(1);
  });

  it('the terminal still shows the failures as accepted', () => {
    expect(first.stdout).toContain('🔕 IAM-006 root-hardware-mfa ACCEPTED [high] Root MFA is a hardware device (1 SUPPRESSED)');
    // A control with passes beside its accepted failures reads ACCEPTED too, not ✅ PASS.
    expect(first.stdout).toContain('🔕 IAM-001 user-console-mfa ACCEPTED [high] Console users have MFA (2 SUPPRESSED, 4 PASS, 2 NOT_APPLICABLE)');
    expect(first.stdout).not.toMatch(/^✅ IAM-00[19] /m);
    expect(first.stdout).toContain('    🔕 dave.billing has NO MFA — HIPAA compliance gap — accepted: Console users move to Identity Center (approved by Dr. Priya Shah (CISO), until 2099-01-31)');
    expect(first.stdout).toContain('Totals: 9 PASS, 0 FAIL, 0 ERROR, 4 NOT_APPLICABLE, 5 SUPPRESSED');
  });

  it('findings.json carries FAIL with the exception beside it; run.json counts them SUPPRESSED and records the file', () => {
    const accepted = readFindings(runs[0]!).findings.filter((f) => f.suppressed);
    expect(accepted.map((f) => `${f.controlId} ${f.resourceName} ${f.status} ${f.suppressed?.exceptionId} ${f.suppressed?.exceptionLine}`).sort()).toEqual([
      'mfa-enforcement dr.alice.nguyen FAIL mfa-enforcement 4',
      'mfa-enforcement erin.lab FAIL mfa-enforcement 4',
      'root-hardware-mfa root FAIL IAM-006 2',
      'user-console-mfa dave.billing FAIL iam-001 3',
      'user-console-mfa dr.alice.nguyen FAIL iam-001 3',
    ]);
    expect(readFindings(runs[0]!).findings.filter((f) => f.status === 'FAIL' && !f.suppressed)).toEqual([]);
    expect(runJson(runs[0]!)).toMatchObject({
      statusCounts: { PASS: 9, NOT_APPLICABLE: 4, SUPPRESSED: 5 },
      exceptions: { file, entries: 3, suppressedFindings: 5, unmatched: [], expiringSoon: [], expired: [], notJudged: [] },
    });
  });

  it('findings.csv says FAIL with the exception in its last columns', () => {
    const dave = csv(join(runs[0]!, 'findings.csv')).find((r) => r['Control ID'] === 'user-console-mfa' && r['Resource Name'] === 'dave.billing');
    expect(dave).toMatchObject({ Status: 'FAIL', Suppressed: 'yes', Justification: 'Console users move to Identity Center', Approver: 'Dr. Priya Shah (CISO)', Expires: '2099-01-31' });
  });

  it('the register shows the risks Accepted, the matrix counts them SUPPRESSED, and the second run sees nothing change', () => {
    const register = Object.fromEntries(csv(join(out, ACCOUNT, 'risk-register.csv')).map((r) => [r['Risk ID'], r.Status]));
    expect(register).toEqual({ 'IAM-005': 'Not detected', 'IAM-006': 'Accepted', 'IAM-001': 'Accepted', 'IAM-009': 'Accepted' });
    const matrix = csv(join(runs[0]!, 'compliance-matrix.csv')).find((r) => r['HIPAA Specification'] === '164.312(d)');
    expect(matrix).toMatchObject({ FAIL: '0', SUPPRESSED: '5' });
    // The first run's FAIL + suppressed is read back as accepted: no accepted failure turns up as "resolved" or "new".
    expect(csv(join(runs[1]!, 'changes.csv'))).toEqual([]);
  });

  it('report.html names the exceptions file and what it accepted', () => {
    expect(readFileSync(join(runs[0]!, 'report.html'), 'utf8')).toContain(`<dt>Exceptions</dt><dd>${file}: 5 failing finding(s) accepted; 0 exception(s) matched nothing; 0 expire within 30 days; 0 expired, their failures still FAIL</dd>`);
  });
});

describe('--exceptions that matched nothing or expire soon', () => {
  const dir = tempDir('exc-warn');
  const soon = daysFromToday(10);
  const file = exceptionsFile(dir, 'exceptions.csv', [
    `user-console-mfa,dave.billing,Billing kiosk: hardware key on order,Dr. Priya Shah,${soon}`,
    'IAM-001,bob.martinez,Bob lost his phone,Dr. Priya Shah,2099-01-31',
    'access-key-rotation,*,Keys rotate by hand,Dr. Priya Shah,2099-01-31',
    'user-console-mfa,dr.alice.nguyen,On leave,Dr. Priya Shah,2020-01-31',
  ]);
  const unmatched = `hipaa-iam: warning: exceptions file ${file} line 3 (IAM-001, bob.martinez) matched no failing finding of the controls this run judged: remove it if the risk is gone, or correct its id or resource pattern\n`;
  const expiring = `hipaa-iam: warning: exceptions file ${file} line 2 (user-console-mfa, dave.billing) expires on ${soon}, in 10 day(s): the failures it accepts will count again after that day unless it is renewed\n`;

  it('warns one line each on stderr, records them in run.json, and leaves an exception for a control not run alone', () => {
    const out = tempDir('exc-warn-out');
    const result = hipaaIam(['mfa-audit', '--demo', '--out', out, '--exceptions', file]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(unmatched + expiring);
    const run = runFolders(out, ACCOUNT)[0]!;
    expect(runJson(run).exceptions).toEqual({
      file,
      entries: 4,
      suppressedFindings: 1,
      unmatched: [{ line: 3, id: 'IAM-001', resource: 'bob.martinez', expires: '2099-01-31' }],
      expiringSoon: [{ line: 2, id: 'user-console-mfa', resource: 'dave.billing', expires: soon, daysLeft: 10 }],
      expired: [{ line: 5, id: 'user-console-mfa', resource: 'dr.alice.nguyen', expires: '2020-01-31' }],
      notJudged: [{ line: 4, id: 'access-key-rotation', resource: '*', expires: '2099-01-31' }],
    });
    const alice = readFindings(run).findings.find((f) => f.controlId === 'user-console-mfa' && f.resourceName === 'dr.alice.nguyen');
    expect(alice).toMatchObject({ status: 'FAIL', message: expect.stringContaining('expired on 2020-01-31') });
    expect(alice?.suppressed).toBeUndefined();
    expect(readFileSync(join(run, 'report.html'), 'utf8')).toContain('; 1 expired, their failures still FAIL (line 5)</dd>');
  });

  it('keeps stderr quiet under --quiet, still recording them in run.json', () => {
    const out = tempDir('exc-warn-quiet');
    const result = hipaaIam(['mfa-audit', '--demo', '--out', out, '--exceptions', file, '--quiet']);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('');
    expect(runJson(runFolders(out, ACCOUNT)[0]!).exceptions).toMatchObject({ unmatched: [{ line: 3 }], expiringSoon: [{ line: 2 }] });
  });

  it('judges the access-key-rotation exception in a run of its control: matched, or unmatched', () => {
    const out = tempDir('exc-warn-credentials');
    const result = hipaaIam(['credentials', '--demo', '--out', out, '--exceptions', file]);
    const use = runJson(runFolders(out, ACCOUNT)[0]!).exceptions as { notJudged: { line: number }[]; unmatched: { line: number }[]; suppressedFindings: number };
    expect(use.notJudged.map((e) => e.line)).toEqual([2, 3, 5]);
    // The demo has keys older than 90 days, so line 4 accepts them rather than matching nothing.
    expect(use.unmatched).toEqual([]);
    expect(use.suppressedFindings).toBeGreaterThan(0);
    expect(result.stderr).toBe('');
  });

  it('rejects an unknown id naming the line, with exit 2 and nothing written', () => {
    const bad = exceptionsFile(dir, 'bad.csv', ['IAM-001,*,a,b,2099-01-31', 'IAM-100,*,a,b,2099-01-31']);
    const out = tempDir('exc-bad');
    const result = hipaaIam(['mfa-audit', '--demo', '--out', out, '--exceptions', bad]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`hipaa-iam: exceptions file ${bad} line 3: unknown control id "IAM-100" (name a control id such as user-console-mfa or a risk id such as IAM-001, as docs/CONTROLS.md lists them)\n`);
    expect(runFolders(out, ACCOUNT)).toEqual([]);
  });
});
