import { Chalk } from 'chalk';
import * as fs from 'node:fs';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { audit } from '../../src/audit.js';
import { ALL_CHECKS } from '../../src/checks/registry.js';
import { EvidenceWriteError } from '../../src/errors.js';
import { verifyRunFolder } from '../../src/report/verify.js';
import { ACCOUNT, emptySnapshot } from '../support/snapshot.js';

/**
 * exit-code-after-run-written, at the evidence writer's seam (node:fs): the write that fails is
 * chosen by its path, so this runs anywhere; test/cli-safe-exits.test.ts has the same on a real
 * full tmpfs where one can be mounted.
 */
const failing = vi.hoisted(() => ({ path: null as RegExp | null }));
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const full = () => Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC' });
  const writeFileSync: typeof real.writeFileSync = (file, ...rest) => {
    if (failing.path?.test(String(file))) throw full();
    return real.writeFileSync(file, ...rest);
  };
  // The evidence writer opens each file it writes and fsyncs it (writeDurably): fail at that open.
  const openSync = ((file: fs.PathLike, ...rest: unknown[]) => {
    if (failing.path?.test(String(file))) throw full();
    return (real.openSync as (...args: unknown[]) => number)(file, ...rest);
  }) as typeof real.openSync;
  return { ...real, writeFileSync, openSync, default: { ...real, writeFileSync, openSync } };
});

const run = (outDir: string) =>
  audit({ command: 'audit', checks: ALL_CHECKS, snapshot: emptySnapshot(), startedAt: new Date('2026-11-29T10:00:00Z'), outDir, failOn: 'low', colour: new Chalk({ level: 0 }) });

describe('evidence that could not be written is exit 3, naming the file', () => {
  let out: string;
  beforeEach(() => {
    failing.path = null;
    out = mkdtempSync(join(tmpdir(), 'hipaa-iam-write-failure-'));
    run(out); // an earlier run and its living register
  });

  it('a full disk after the run folder is filed: the run verifies, the register is as it was, exit 3 naming risk-register.csv', () => {
    const register = join(out, ACCOUNT, 'risk-register.csv');
    const before = readFileSync(register, 'utf8');
    failing.path = /\/\.risk-register\.csv\.\d+\.partial$/;
    let error: unknown;
    try {
      run(out);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(EvidenceWriteError);
    expect((error as EvidenceWriteError).exitCode).toBe(3);
    expect((error as Error).message).toMatch(new RegExp(`^the run's evidence is complete in ${out}/${ACCOUNT}/2026-11-29T10-00-00Z-2, but the living register was not updated: cannot write ${out}/${ACCOUNT}/risk-register\\.csv: ENOSPC`));
    expect(verifyRunFolder(join(out, ACCOUNT, '2026-11-29T10-00-00Z-2')).ok).toBe(true);
    expect(readFileSync(register, 'utf8')).toBe(before);
    expect(readdirSync(join(out, ACCOUNT)).sort()).toEqual(['2026-11-29T10-00-00Z', '2026-11-29T10-00-00Z-2', 'risk-register.csv']);
  });

  it('a full disk while the run folder is written: nothing is filed, exit 3 saying so', () => {
    failing.path = /\.partial\/findings\.csv$/;
    expect(() => run(out)).toThrow(EvidenceWriteError);
    expect(() => run(out)).toThrow(/^cannot write evidence into .*: ENOSPC: no space left on device, write; nothing was written$/);
    expect(readdirSync(join(out, ACCOUNT)).sort()).toEqual(['2026-11-29T10-00-00Z', 'risk-register.csv']);
    expect(fs.existsSync(join(out, ACCOUNT, '2026-11-29T10-00-00Z-2'))).toBe(false);
  });
});
