import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Check } from '../../src/checks/check.js';
import { ALL_CHECKS, checksForGroup } from '../../src/checks/registry.js';
import { audit } from '../../src/audit.js';
import { readRunArchive } from '../../src/report/archive.js';
import { colourFor } from '../../src/report/terminal.js';
import { loadSnapshot } from '../../src/snapshot/load.js';
import { hipaaIam, readFindings, runFolders, tempDir } from '../support/cli.js';

const BASE = new URL('../fixtures/cases/fault-harness/base-snapshot.json', import.meta.url).pathname;
const DEMO = '111122223333';
const BASE_ACCOUNT = '123456789012';
const csv = (path: string) => parse(readFileSync(path, 'utf8'), { columns: true }) as Record<string, string>[];
const runJson = (dir: string) => JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { command: string; scope: string };
/** The trend chart's text alternative in report.html: "… counts of N run(s), oldest first: …". */
const trendRuns = (dir: string) => Number(/counts of (\d+) run\(s\), oldest first/.exec(readFileSync(join(dir, 'report.html'), 'utf8'))?.[1]);
const reviewCadence = (dir: string) => readFindings(dir).findings.find((f) => f.controlId === 'review-cadence');

/** A genuine, verified run of the base snapshot as if made on `day` (audit() takes the start time). */
function runOn(out: string, day: string, command: string, checks: readonly Check[]): string {
  return audit({ command, checks, snapshot: loadSnapshot(BASE), startedAt: new Date(`${day}T06:00:00Z`), outDir: out, failOn: 'low', colour: colourFor({ isTTY: false }) }).runDir;
}

describe('partial-runs-in-history: a subcommand run is kept, marked, and compared only with its own kind', () => {
  // repro.sh: audit, audit-trail, audit on the unchanged demo account (and here a second audit-trail).
  const out = tempDir('history');
  let runs: string[];
  beforeAll(() => {
    for (const command of ['audit', 'audit-trail', 'audit', 'audit-trail']) expect(hipaaIam([command, '--demo', '--out', out, '--quiet']).status).toBe(1);
    runs = runFolders(out, DEMO);
  });

  it('run.json records the scope of each run', () => {
    expect(runs.map((dir) => [runJson(dir).command, runJson(dir).scope])).toEqual([
      ['audit', 'full'],
      ['audit-trail', 'partial'],
      ['audit', 'full'],
      ['audit-trail', 'partial'],
    ]);
  });

  it('the second audit\'s changes.csv compares with the first audit: nothing new, every failure still open (got.txt: 45 "new")', () => {
    const changes = csv(join(runs[2]!, 'changes.csv'));
    const failing = readFindings(runs[2]!).findings.filter((f) => f.status === 'FAIL' || f.status === 'ERROR');
    expect(failing.length).toBeGreaterThan(40);
    expect(changes).toHaveLength(failing.length);
    expect(new Set(changes.map((c) => c.Change))).toEqual(new Set(['still open']));
  });

  it('an audit-trail run compares only with the audit-trail run before it', () => {
    expect(new Set(csv(join(runs[1]!, 'changes.csv')).map((c) => c['Status Before']))).toEqual(new Set(['no previous run']));
    expect(new Set(csv(join(runs[3]!, 'changes.csv')).map((c) => c.Change))).toEqual(new Set(['still open']));
  });

  it('the trend of report.html has only runs of the same scope: the audits for an audit, the audit-trail runs for audit-trail', () => {
    expect(runs.map(trendRuns)).toEqual([1, 1, 2, 2]);
    expect(readFileSync(join(runs[2]!, 'report.html'), 'utf8')).not.toMatch(/: 4 PASS, 3 FAIL/);
    expect(readFileSync(join(runs[2]!, 'report.html'), 'utf8')).toContain('per full audit whose manifest verifies, oldest first.');
    expect(readFileSync(join(runs[3]!, 'report.html'), 'utf8')).toContain('per audit-trail run whose manifest verifies, oldest first.');
  });
});

describe('IAM-003 counts only verified full audits as access reviews', () => {
  const days = ['2026-09-01', '2026-10-01', '2026-10-30'];

  it('monthly full audits over the window PASS (the check can pass)', () => {
    const out = tempDir('reviews-full');
    for (const day of days) runOn(out, day, 'audit', ALL_CHECKS);
    expect(hipaaIam(['audit', '--snapshot', BASE, '--out', out, '--quiet']).status).toBe(3);
    expect(reviewCadence(runFolders(out, BASE_ACCOUNT).at(-1)!)).toMatchObject({ status: 'PASS' });
  });

  it('partial-runs-in-history: monthly audit-trail runs are no access review: FAIL', () => {
    const out = tempDir('reviews-partial');
    for (const day of days) runOn(out, day, 'audit-trail', checksForGroup('audit-trail'));
    expect(readRunArchive(out, BASE_ACCOUNT).runs.map((r) => r.scope)).toEqual(['partial', 'partial', 'partial']);
    hipaaIam(['audit', '--snapshot', BASE, '--out', out, '--quiet']);
    expect(reviewCadence(runFolders(out, BASE_ACCOUNT).at(-1)!)).toMatchObject({ status: 'FAIL', message: expect.stringMatching(/^no review between 2026-08-29 and 2026-11-29/) });
  });

  it('review-cadence-forged-archive: run.json files without a manifest count for nothing: FAIL, and the run says which folders it skipped', () => {
    // repro.sh, byte for byte: three folders holding only {"startedAt":"..."}.
    const out = tempDir('reviews-forged');
    const forged = ['2026-09-15T06-00-00Z', '2026-10-15T06-00-00Z', '2026-11-10T06-00-00Z'].map((name) => join(out, BASE_ACCOUNT, name));
    for (const dir of forged) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'run.json'), `{"startedAt":"${dir.slice(-20).replace(/T(..)-(..)-(..)Z/, 'T$1:$2:$3Z')}"}`);
    }
    expect(readFileSync(join(forged[0]!, 'run.json'), 'utf8')).toBe('{"startedAt":"2026-09-15T06:00:00Z"}');
    const result = hipaaIam(['audit', '--snapshot', BASE, '--out', out]);
    expect(result.stdout).toMatch(/IAM-003 review-cadence FAIL/);
    const latest = runFolders(out, BASE_ACCOUNT).at(-1)!;
    expect(reviewCadence(latest)).toMatchObject({ status: 'FAIL', message: expect.stringMatching(/^no review between 2026-08-29 and 2026-11-29/) });
    expect(result.stderr).toContain(`3 folder(s) in ${join(out, BASE_ACCOUNT)} look like runs but their manifest does not verify`);
    for (const dir of forged) expect(result.stderr).toContain(dir);
    expect(hipaaIam(['verify', forged[0]!]).status).toBe(2);
  });

  it('a real full audit whose files were changed afterwards (manifest not recomputed) is no review either', () => {
    const out = tempDir('reviews-altered');
    const dirs = days.map((day) => runOn(out, day, 'audit', ALL_CHECKS));
    appendFileSync(join(dirs[1]!, 'access-review.csv'), 'added,after,the,fact\n');
    hipaaIam(['audit', '--snapshot', BASE, '--out', out, '--quiet']);
    expect(reviewCadence(runFolders(out, BASE_ACCOUNT).at(-1)!)).toMatchObject({ status: 'FAIL', message: expect.stringMatching(/^no review between 2026-09-01 and 2026-10-30/) });
  });
});

describe('a run that does not verify is no previous run for changes.csv', () => {
  it('changes.csv skips an altered run and compares with the verified one before it', () => {
    const out = tempDir('changes-verified');
    const [first, second] = [runOn(out, '2026-10-01', 'audit', ALL_CHECKS), runOn(out, '2026-11-01', 'audit', ALL_CHECKS)];
    // Someone rewrites the second run's findings so that every failure looks "new" next time.
    const document = readFindings(second);
    writeFileSync(join(second, 'findings.json'), JSON.stringify({ ...document, findings: [] }));
    hipaaIam(['audit', '--snapshot', BASE, '--out', out, '--quiet']);
    const latest = runFolders(out, BASE_ACCOUNT).at(-1)!;
    expect(readRunArchive(out, BASE_ACCOUNT).runs.map((r) => r.dir)).toEqual([first, latest]);
    expect(new Set(csv(join(latest, 'changes.csv')).map((c) => c.Change))).toEqual(new Set(['still open']));
  });
});
