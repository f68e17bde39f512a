import { IAMClient, UpdateAccountPasswordPolicyCommand } from '@aws-sdk/client-iam';
import { Chalk } from 'chalk';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ALL_CHECKS, checksForGroup } from '../src/checks/registry.js';
import { InputError } from '../src/errors.js';
import { planMfaEnforcement } from '../src/remediate/mfa-enforcement.js';
import { planPasswordPolicy } from '../src/remediate/password-policy.js';
import { ACTION_OF } from '../src/remediate/plan.js';
import { run, selectSource, type RunRequest } from '../src/run.js';
import { DEMO_SNAPSHOT_PATH } from '../src/snapshot/load.js';
import { runFolders, tempDir, verdicts } from './support/cli.js';
import { motoInstalled, startMoto, type Moto } from './support/moto.js';

// The core run() (src/run.ts) called as a program would: no process, no flags, no terminal.

const DEMO_ACCOUNT = '111122223333';
const NO_COLOUR = new Chalk({ level: 0 });

function request(overrides: Partial<RunRequest>): RunRequest {
  return { command: 'audit', checks: ALL_CHECKS, source: { kind: 'demo' }, outDir: tempDir('run'), failOn: 'low', colour: NO_COLOUR, ...overrides };
}

describe('run() on the demo and on a snapshot file', () => {
  const writes = { stdout: 0, stderr: 0 };
  beforeEach(() => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => ++writes.stdout > 0);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => ++writes.stderr > 0);
    process.exitCode = undefined;
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  it('judges the demo, writes its evidence, and returns what the CLI prints, printing nothing itself', async () => {
    const phases: string[] = [];
    const notes: string[] = [];
    const progress: string[] = [];
    const result = await run(request({ onPhase: (phase, ms) => (expect(ms).toBeGreaterThanOrEqual(0), phases.push(phase)), onOutputNote: (n) => notes.push(n), progress: (m) => progress.push(m) }));
    expect(writes).toEqual({ stdout: 0, stderr: 0 });
    expect(process.exitCode).toBeUndefined();
    expect(result.exitCode).toBe(1);
    expect(result.snapshot.accountId).toBe(DEMO_ACCOUNT);
    expect(result.readAgain).toBe(false);
    expect(result.remediation).toBeUndefined();
    expect(result.runDir).toBe(runFolders(dirname(dirname(result.runDir)), DEMO_ACCOUNT)[0]);
    expect(JSON.parse(readFileSync(join(result.runDir, 'findings.json'), 'utf8')).findings).toHaveLength(result.findings.length);
    expect([...result.findingsDocument()].join('')).toBe(readFileSync(join(result.runDir, 'findings.json'), 'utf8'));
    expect(result.summary).toMatch(/FAIL/);
    // The built-in list is over 180 days old from 2026-11-19 on: a warning for the caller to show, not printed.
    expect(result.warnings.join('\n')).toMatch(/eligible services list is dated/);
    expect(phases).toEqual(expect.arrayContaining(['load', 'checks', 'report:findings.json', 'report:report.html', 'write', 'register']));
    expect(phases[0]).toBe('load');
    expect(notes.at(-1)).toBe(`the run's evidence was written in full to ${result.runDir}`);
  });

  it('gives the same verdicts for the demo saved as a snapshot file, and records where it came from', async () => {
    const demo = await run(request({}));
    const file = await run(request({ source: selectSource({ snapshot: DEMO_SNAPSHOT_PATH }) }));
    expect(file.snapshot.origin).toEqual(demo.snapshot.origin);
    expect(verdicts(file.findings)).toEqual(verdicts(demo.findings));
    expect(JSON.parse(readFileSync(join(file.runDir, 'run.json'), 'utf8'))).toMatchObject({ command: 'audit', scope: 'full', accountId: DEMO_ACCOUNT });
  });

  it('a subcommand judges only its controls, and a narrowed audit is partial', async () => {
    const result = await run(request({ command: 'credentials', checks: checksForGroup('credentials') }));
    expect(new Set(result.findings.map((f) => f.controlId))).toEqual(new Set(checksForGroup('credentials').map((c) => c.meta.controlId)));
    expect(JSON.parse(readFileSync(join(result.runDir, 'run.json'), 'utf8')).scope).toBe('partial');
  });

  it('plans a remediation without applying it: the plan in the result, remediation-plan.csv in the run, run.json says plan', async () => {
    const result = await run(request({ command: 'mfa-audit', checks: checksForGroup('mfa-audit'), remediation: { plan: (snapshot) => planMfaEnforcement(snapshot), sources: ['credentialReport', 'authorizationDetails'], apply: false } }));
    expect(result.remediation?.outcomes).toBeNull();
    expect(result.remediation?.plan.changes.length).toBeGreaterThan(0);
    const rows = parse(readFileSync(join(result.runDir, 'remediation-plan.csv'), 'utf8'), { columns: true }) as { action: string }[];
    expect(rows.map((r) => r.action)).toEqual(result.remediation!.plan.changes.map((c) => ACTION_OF[c.change.kind]));
    expect(rows.map((r) => r.action)).toContain('iam:AddUserToGroup');
    expect(existsSync(join(result.runDir, 'remediation-log.csv'))).toBe(false);
    expect(JSON.parse(readFileSync(join(result.runDir, 'run.json'), 'utf8')).remediation).toMatchObject({ mode: 'plan', planned: result.remediation!.plan.changes.length, applied: 0 });
  });

  it('plans with the settings laid over the defaults (the password baseline given)', async () => {
    const baseline = { minimumPasswordLength: 20, maxPasswordAge: 60, passwordReusePrevention: 24 };
    const result = await run(request({ command: 'password-policy', checks: checksForGroup('password-policy'), settings: { passwordPolicy: baseline }, remediation: { plan: (snapshot, settings) => planPasswordPolicy(snapshot, settings.passwordPolicy), sources: ['passwordPolicy'], apply: false } }));
    const change = result.remediation!.plan.changes[0]!.change;
    expect(change).toMatchObject({ kind: 'update-password-policy', parameters: { MinimumPasswordLength: 20, MaxPasswordAge: 60 } });
  });

  it('refuses --apply on an offline source and an evidence folder that cannot be written, before anything is written', async () => {
    const out = tempDir('run-refused');
    const apply = run(request({ outDir: out, remediation: { plan: (snapshot) => planMfaEnforcement(snapshot), sources: [], apply: true } }));
    await expect(apply).rejects.toThrow(InputError);
    await expect(apply).rejects.toThrow(/--apply changes a live account/);
    expect(readdirSync(out)).toEqual([]);
    const file = join(out, 'a-file');
    writeFileSync(file, '');
    await expect(run(request({ outDir: file, outDirName: '--out a-file' }))).rejects.toThrow(/^--out a-file: .* is a file, not a folder/);
    expect(readdirSync(out)).toEqual(['a-file']);
  });
});

describe('selectSource', () => {
  it.each([
    [{ snapshot: 'x.json' }, { kind: 'snapshot', path: 'x.json' }],
    [{ import: 'dir' }, { kind: 'import', dir: 'dir' }],
    [{ import: 'dir', asOf: { at: new Date('2026-11-01T00:00:00Z'), day: true } }, { kind: 'import', dir: 'dir', asOf: { at: new Date('2026-11-01T00:00:00Z'), day: true } }],
    [{ demo: true }, { kind: 'demo' }],
    [{ profile: 'p', regions: ['us-east-1'], connectTimeout: 2000 }, { kind: 'live', live: { profile: 'p', regions: ['us-east-1'], timeouts: { connectMs: 2000 } } }],
  ])('%o → %o', (choice, selection) => {
    expect(selectSource(choice)).toMatchObject(selection);
  });

  it('--as-of without --import is a usage error', () => {
    expect(() => selectSource({ demo: true, asOf: { at: new Date('2026-11-01T00:00:00Z'), day: true } })).toThrow(InputError);
  });
});

describe('src/run.ts stands apart from the command line', () => {
  /** The src/ files a module imports statically, transitively (import type and import() excluded: neither loads at start). */
  function staticImports(entry: string): { files: Set<string>; packages: Set<string> } {
    const files = new Set<string>();
    const packages = new Set<string>();
    const visit = (file: string) => {
      if (files.has(file)) return;
      files.add(file);
      const text = readFileSync(file, 'utf8');
      for (const [, specifier] of text.matchAll(/^(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?'([^']+)';/gm)) {
        if (specifier!.startsWith('.')) visit(resolve(dirname(file), specifier!.replace(/\.js$/, '.ts')));
        else packages.add(specifier!);
      }
    };
    visit(new URL(`../${entry}`, import.meta.url).pathname);
    return { files, packages };
  }

  it('imports nothing from src/cli/, directly or through another module', () => {
    const { files } = staticImports('src/run.ts');
    expect(files.size).toBeGreaterThan(20);
    expect([...files].filter((f) => f.includes('/src/cli/'))).toEqual([]);
  });

  it('loads no AWS SDK module at start (a live source, --apply and KMS import theirs when used)', () => {
    const { packages } = staticImports('src/run.ts');
    expect(packages).toContain('zod');
    expect([...packages].filter((p) => p.startsWith('@aws-sdk/') || p.startsWith('@smithy/'))).toEqual([]);
  });
});

describe.skipIf(!motoInstalled)('run() on a live account (moto): plan, apply, read again', () => {
  let moto: Moto;
  const saved: Record<string, string | undefined> = {};
  beforeAll(async () => {
    moto = await startMoto();
    for (const [key, value] of Object.entries(moto.env)) {
      saved[key] = process.env[key];
      process.env[key] = value;
    }
    const iam = new IAMClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    await iam.send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 8, RequireSymbols: true, RequireNumbers: true, RequireUppercaseCharacters: true, RequireLowercaseCharacters: true, AllowUsersToChangePassword: true, MaxPasswordAge: 90, PasswordReusePrevention: 24 }));
    iam.destroy();
  }, 60_000);
  afterAll(async () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await moto?.stop();
  });

  it('applies the plan, reads the account again, and judges it as the change left it', async () => {
    const progress: string[] = [];
    const result = await run(request({
      command: 'password-policy',
      checks: checksForGroup('password-policy'),
      source: selectSource({ region: 'us-east-1', regions: ['us-east-1'] }),
      remediation: { plan: (snapshot, settings) => planPasswordPolicy(snapshot, settings.passwordPolicy), sources: ['passwordPolicy'], apply: true },
      progress: (m) => progress.push(m),
    }));
    expect(result.remediation?.outcomes?.map((o) => o.result)).toEqual(['applied']);
    expect(result.readAgain).toBe(true);
    expect(progress).toContain('reading the account again, to record it as the changes left it…');
    expect(result.snapshot.sources.passwordPolicy).toMatchObject({ status: 'ok', data: { policy: { minimumPasswordLength: 14 } } });
    expect(verdicts(result.findings)['password-policy MinimumPasswordLength']).toBe('PASS');
    expect(existsSync(join(result.runDir, 'remediation-log.csv'))).toBe(true);
    expect(result.exitCode).toBe(0);
  }, 60_000);
});
