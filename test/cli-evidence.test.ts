import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { hipaaIam, readFindings, runFolders, tempDir } from './support/cli.js';

const ACCOUNT = '111122223333';
const BIN = new URL('../bin/hipaa-iam.js', import.meta.url).pathname;
const register = (out: string) => parse(readFileSync(join(out, ACCOUNT, 'risk-register.csv'), 'utf8'), { columns: true }) as Record<string, string>[];

/** What a person does in a spreadsheet between two monthly runs. */
function editRegister(out: string): void {
  const path = join(out, ACCOUNT, 'risk-register.csv');
  const rows = register(out).map((r) => (r['Risk ID'] === 'IAM-001' ? { ...r, Owner: 'Dr. Priya Shah (CISO)', Notes: 'Alice enrols a key by Dec 1; ticket SEC-42' } : r));
  const header = Object.keys(rows[0]!);
  const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;
  writeFileSync(path, [header.map(quote).join(','), ...rows.map((r) => header.map((h) => quote(r[h] ?? '')).join(','))].join('\n') + '\n');
}

describe('evidence across runs', () => {
  const out = tempDir('evidence');
  let runs: string[];
  beforeAll(() => {
    expect(hipaaIam(['audit', '--demo', '--out', out]).status).toBe(1);
    editRegister(out);
    expect(hipaaIam(['audit', '--demo', '--out', out]).status).toBe(1);
    runs = runFolders(out, ACCOUNT);
  });

  it('keeps both runs, and the Owner and Notes people typed into the living register', () => {
    expect(runs).toHaveLength(2);
    expect(register(out).find((r) => r['Risk ID'] === 'IAM-001')).toMatchObject({ Owner: 'Dr. Priya Shah (CISO)', Notes: 'Alice enrols a key by Dec 1; ticket SEC-42', Status: 'Open' });
    // The second run's own copy carries them too.
    expect(readFileSync(join(runs[1]!, 'risk-register.csv'), 'utf8')).toContain('Dr. Priya Shah (CISO)');
  });

  it('writes the compliance matrix and what changed since the first run', () => {
    const matrix = parse(readFileSync(join(runs[1]!, 'compliance-matrix.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(matrix.find((r) => r['HIPAA Specification'] === '164.312(e)(1)')).toMatchObject({ Status: 'MANUAL' });
    const changes = parse(readFileSync(join(runs[1]!, 'changes.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(changes.length).toBeGreaterThan(0);
    expect(new Set(changes.map((c) => c.Change))).toEqual(new Set(['still open']));
  });

  it('verify passes an untouched run and fails a changed, an added or a removed file, naming it', () => {
    const [first] = runs;
    expect(hipaaIam(['verify', first!])).toMatchObject({ status: 0 });
    appendFileSync(join(first!, 'findings.csv'), 'tampered,row\n');
    const changed = hipaaIam(['verify', first!]);
    expect(changed.status).toBe(1);
    expect(changed.stdout).toContain('changed: findings.csv');
    writeFileSync(join(first!, 'extra.txt'), 'x');
    unlinkSync(join(first!, 'mfa-audit.csv'));
    const more = hipaaIam(['verify', first!]);
    expect(more.stdout).toMatch(/added: extra\.txt; removed: mfa-audit\.csv/);
    expect(hipaaIam(['verify', join(out, 'nope')]).status).toBe(2);
  });

  it('rebuilds a lost living register from the archive, Owner and Notes included', () => {
    const before = readFileSync(join(out, ACCOUNT, 'risk-register.csv'), 'utf8');
    rmSync(join(out, ACCOUNT, 'risk-register.csv'));
    const shown = hipaaIam(['risk-register', '--out', out]);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toContain('Dr. Priya Shah (CISO)');
    const rebuilt = readFileSync(join(out, ACCOUNT, 'risk-register.csv'), 'utf8');
    expect(rebuilt).toBe(before);
  });
});

describe('run options', () => {
  it('--quiet prints nothing and still writes the evidence', () => {
    const out = tempDir('quiet');
    const result = hipaaIam(['audit', '--demo', '--out', out, '--quiet']);
    expect(result).toMatchObject({ status: 1, stdout: '', stderr: '' });
    expect(runFolders(out, ACCOUNT)).toHaveLength(1);
  });

  it('--format json writes findings.json, run.json and the manifest only', () => {
    const out = tempDir('format');
    expect(hipaaIam(['mfa-audit', '--demo', '--out', out, '--format', 'json']).status).toBe(1);
    expect(readdirSync(runFolders(out, ACCOUNT)[0]!).sort()).toEqual(['findings.json', 'manifest.json', 'run.json']);
    expect(hipaaIam(['mfa-audit', '--demo', '--out', out, '--format', 'ocsf,asff']).status).toBe(1);
    expect(readdirSync(runFolders(out, ACCOUNT)[1]!).sort()).toEqual(['findings.asff.json', 'findings.ocsf.json', 'manifest.json', 'run.json']);
    const bad = hipaaIam(['audit', '--demo', '--out', out, '--format', 'json,pdf']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/not pdf/);
  });

  it('--exceptions accepts matching failures (FAIL with suppressed in findings.json) with their justification; a bad file is rejected', () => {
    const dir = tempDir('exceptions');
    const good = join(dir, 'exceptions.csv');
    writeFileSync(good, 'control_id,resource,justification,approver,expires\nuser-console-mfa,dave.billing,Billing kiosk: hardware key on order,Dr. Priya Shah,2099-01-31\n');
    const out = tempDir('exceptions-out');
    hipaaIam(['mfa-audit', '--demo', '--out', out, '--exceptions', good]);
    const dave = readFindings(runFolders(out, ACCOUNT)[0]!).findings.find((f) => f.controlId === 'user-console-mfa' && f.resourceName === 'dave.billing');
    expect(dave).toMatchObject({ status: 'FAIL', suppressed: { justification: 'Billing kiosk: hardware key on order', approver: 'Dr. Priya Shah', expires: '2099-01-31', exceptionLine: 2 } });
    expect(dave?.message).toContain('Billing kiosk: hardware key on order');

    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'control_id,resource,justification,approver,expires\nuser-console-mfa,*,,nobody,2099-01-01\n');
    const rejected = hipaaIam(['mfa-audit', '--demo', '--out', out, '--exceptions', bad]);
    expect(rejected.status).toBe(2);
    expect(rejected.stderr.trim()).toBe(`hipaa-iam: exceptions file ${bad} line 2: justification is empty`);
  });
});

describe('interrupting a run', () => {
  it('never leaves a half-written living register: killed at any moment, it is the old one or the new one', async () => {
    const out = tempDir('killed');
    expect(hipaaIam(['audit', '--demo', '--out', out]).status).toBe(1);
    editRegister(out);
    const path = join(out, ACCOUNT, 'risk-register.csv');
    for (const delay of [5, 40, 80, 120, 160, 200, 260, 320]) {
      const child = spawn(process.execPath, [BIN, 'audit', '--demo', '--out', out, '--quiet'], { stdio: 'ignore', env: { PATH: process.env.PATH ?? '' } });
      // Listened for from the start: a run that ends before the kill emits 'exit' only once.
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await new Promise((resolve) => setTimeout(resolve, delay));
      child.kill('SIGKILL');
      await exited;
      const rows = register(out);
      expect(rows.find((r) => r['Risk ID'] === 'IAM-001')?.Owner, `killed after ${delay} ms`).toBe('Dr. Priya Shah (CISO)');
      expect(rows.length).toBeGreaterThan(20);
      expect(existsSync(path)).toBe(true);
    }
    // Whatever was interrupted left no visible run folder behind, only complete ones,
    expect(runFolders(out, ACCOUNT).length).toBeGreaterThan(0);
    for (const run of runFolders(out, ACCOUNT)) expect(existsSync(join(run, 'manifest.json')), run).toBe(true);
    // and the next run clears the hidden temporary folders the killed ones left.
    expect(hipaaIam(['audit', '--demo', '--out', out, '--quiet']).status).toBe(1);
    expect(readdirSync(join(out, ACCOUNT)).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });
});
