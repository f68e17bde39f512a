import { Chalk } from 'chalk';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.js';
import { ALL_CHECKS } from '../../src/checks/registry.js';
import { verifyChain } from '../../src/report/chain.js';
import { MANIFEST_FILE, sha256, type Manifest } from '../../src/report/manifest.js';
import { ACCOUNT, emptySnapshot } from '../support/snapshot.js';

/**
 * A first user's forgery: copy a real run to earlier dates, rewrite its start time and recompute
 * its manifest, so that it looks like monthly access reviews. Each forged folder verifies on its
 * own; the chain of manifests does not vouch for it, so it must not count as a review (IAM-003)
 * and `verify --chain` must name it, whether or not the forger kept the `previous` link.
 */
const run = (outDir: string, at: string) =>
  audit({ command: 'audit', checks: ALL_CHECKS, snapshot: emptySnapshot(), startedAt: new Date(at), outDir, failOn: 'low', colour: new Chalk({ level: 0 }) });

function forge(accountDir: string, from: string, to: string, keepLink: boolean): void {
  const dir = join(accountDir, to.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z'));
  cpSync(join(accountDir, from), dir, { recursive: true });
  const runJson = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { startedAt: string };
  runJson.startedAt = to;
  writeFileSync(join(dir, 'run.json'), `${JSON.stringify(runJson, null, 2)}\n`);
  const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
  manifest.runStartedAt = to;
  if (!keepLink) delete manifest.previous;
  for (const name of Object.keys(manifest.files)) manifest.files[name] = sha256(readFileSync(join(dir, name)));
  writeFileSync(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

describe('forged review history (runs re-hashed to earlier dates)', () => {
  it.each([
    ['keeping the chain link they copied', true],
    ['dropping the chain link, as if written before chaining', false],
  ])('%s: they count as no review, and verify --chain names each', (_label, keepLink) => {
    const out = mkdtempSync(join(tmpdir(), 'hipaa-iam-forged-'));
    const accountDir = join(out, ACCOUNT);
    run(out, '2026-11-29T10:00:00.000Z');
    const real = readdirSync(accountDir).find((name) => /^\d{4}-/.test(name))!;
    const dates = ['2026-08-25T06:00:00.000Z', '2026-09-20T06:00:00.000Z', '2026-10-18T06:00:00.000Z', '2026-11-15T06:00:00.000Z'];
    for (const date of dates) forge(accountDir, real, date, keepLink);

    const next = run(out, '2026-11-29T12:00:00.000Z');
    const review = next.findings.find((f) => f.controlId === 'review-cadence');
    // Two genuine reviews today, none in the three months before: the forged monthly runs do not count.
    expect(review?.status).toBe('FAIL');
    expect(next.warnings.join('\n')).toMatch(/4 folder\(s\) .* the chain of manifests does not vouch for them/);

    const chain = verifyChain(accountDir);
    expect(chain.ok).toBe(false);
    for (const date of dates) expect(chain.problems.join('\n')).toContain(date.slice(0, 10));
  });

  it('an honest archive still counts every run and verifies whole', () => {
    const out = mkdtempSync(join(tmpdir(), 'hipaa-iam-honest-'));
    for (const at of ['2026-09-01T10:00:00.000Z', '2026-10-01T10:00:00.000Z', '2026-11-01T10:00:00.000Z']) run(out, at);
    const last = run(out, '2026-11-29T10:00:00.000Z');
    expect(last.findings.find((f) => f.controlId === 'review-cadence')?.status).toBe('PASS');
    expect(last.warnings.filter((w) => /vouch/.test(w))).toEqual([]);
    expect(verifyChain(join(out, ACCOUNT)).ok).toBe(true);
  });
});
