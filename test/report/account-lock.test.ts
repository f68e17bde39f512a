import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CollectionError } from '../../src/errors.js';
import { LOCK_FILE, withAccountLock } from '../../src/report/account-lock.js';
import { tempDir } from '../support/cli.js';

const FAST = { waitMs: 300, pollMs: 20, staleAfterMs: 60 * 60_000 };
const holder = (pid: number, host = hostname(), since = new Date().toISOString()) => `${JSON.stringify({ pid, host, since })}\n`;
/** Sets a file's modification time `ms` into the past. */
const age = (path: string, ms: number) => utimesSync(path, new Date(Date.now() - ms), new Date(Date.now() - ms));
const deadPid = () => Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);

describe('withAccountLock', () => {
  const live = spawn('sleep', ['60']);
  afterAll(() => live.kill());

  it('holds the lock while the work runs, records its holder, and releases it after, even when the work throws', () => {
    const dir = join(tempDir('lock'), '123456789012');
    const seen = withAccountLock(dir, () => JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as { pid: number; host: string }, FAST);
    expect(seen).toMatchObject({ pid: process.pid, host: hostname() });
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    expect(() => withAccountLock(dir, () => { throw new Error('boom'); }, FAST)).toThrow('boom');
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('waits for a live holder of this host, then gives up with exit 3 naming it; the lock stays', () => {
    const dir = tempDir('lock-live');
    const lock = holder(live.pid!);
    writeFileSync(join(dir, LOCK_FILE), lock);
    let ran = false;
    const started = Date.now();
    const attempt = () => withAccountLock(dir, () => (ran = true), FAST);
    expect(attempt).toThrow(CollectionError);
    expect(attempt).toThrow(new RegExp(`another hipaa-iam run \\(process ${live.pid} on .*\\) has held ${join(dir, LOCK_FILE)} for longer than 0 s; if no run is going, delete that file and rerun`));
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * FAST.waitMs);
    expect(ran).toBe(false);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(lock);
  });

  it.each<[string, (path: string) => void]>([
    ['a holder of this host that no longer runs (pid liveness)', (path) => writeFileSync(path, holder(deadPid()))],
    ['our own pid, left by a dead run in a container that reuses pids', (path) => writeFileSync(path, holder(process.pid))],
    ['a holder on another host, older than the stale age', (path) => { writeFileSync(path, holder(live.pid!, 'another-host')); age(path, 2 * 60 * 60_000); }],
    ['a live holder whose lock is older than the stale age (its pid reused)', (path) => { writeFileSync(path, holder(live.pid!)); age(path, 2 * 60 * 60_000); }],
    ['an unreadable lock older than a few seconds (crashed while writing it)', (path) => { writeFileSync(path, ''); age(path, 10_000); }],
  ])('takes over a stale lock: %s', (_label, leave) => {
    const dir = tempDir('lock-stale');
    leave(join(dir, LOCK_FILE));
    expect(withAccountLock(dir, () => 'ran', FAST)).toBe('ran');
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it.each<[string, (path: string) => void]>([
    ['a holder on another host, younger than the stale age (its pid cannot be asked)', (path) => writeFileSync(path, holder(live.pid!, 'another-host'))],
    ['an unreadable lock just made (its writer may be filling it)', (path) => writeFileSync(path, '')],
  ])('respects a lock that may be live: %s', (_label, leave) => {
    const dir = tempDir('lock-respected');
    leave(join(dir, LOCK_FILE));
    expect(() => withAccountLock(dir, () => 'ran', FAST)).toThrow(CollectionError);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
  });

  it('sweeps the guard a run killed while breaking a stale lock left behind', () => {
    const dir = tempDir('lock-guard');
    writeFileSync(join(dir, `${LOCK_FILE}.break`), '');
    age(join(dir, `${LOCK_FILE}.break`), 10_000);
    expect(withAccountLock(dir, () => 'ran', FAST)).toBe('ran');
    expect(existsSync(join(dir, `${LOCK_FILE}.break`))).toBe(false);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });
});
