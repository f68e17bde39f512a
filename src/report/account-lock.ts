import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { CollectionError, InputError, errorMessage } from '../errors.js';
import { makeFolders } from './evidence-writer.js';

/** `<out>/<account>/.hipaa-iam.lock`: hidden, so nobody mistakes it for evidence. */
export const LOCK_FILE = '.hipaa-iam.lock';

export interface LockTiming {
  /** How long a run waits for another run of the same account before giving up (ms). */
  waitMs: number;
  /** Between two looks at a held lock (ms). */
  pollMs: number;
  /**
   * A lock older than this is stale whoever holds it (ms). The lock is held only while a run
   * judges and writes (not while it collects), seconds even for large accounts, so an hour is
   * far beyond any real holder; it is the fallback where the holder's pid cannot be asked
   * (another host on a shared folder, or the pid reused by an unrelated process).
   */
  staleAfterMs: number;
}

export const DEFAULT_LOCK_TIMING: LockTiming = { waitMs: 15 * 60_000, pollMs: 50, staleAfterMs: 60 * 60_000 };

/** What a lock file records about its holder (JSON). */
interface LockHolder {
  pid: number;
  host: string;
  since: string;
}

/**
 * Runs `work` while holding the account folder's lock, so one run at a time reads, merges and
 * writes the living register and the run folders of `<out>/<account>/`. A run that finds the
 * lock held waits (polling) up to `timing.waitMs`, then throws CollectionError (exit 3) naming
 * the holder. A lock is stale, and is removed, when its holder is a process of this host that
 * no longer exists (a killed or crashed run: pid liveness, immediate), or when it is older than
 * `timing.staleAfterMs` (age: the fallback where liveness cannot be asked). The lock is released
 * when `work` returns or throws; a killed run leaves it behind, for the next run to find stale.
 * Errors: InputError (exit 2) when the folder cannot be created or the lock file cannot be made.
 */
export function withAccountLock<T>(accountDir: string, work: () => T, timing: LockTiming = DEFAULT_LOCK_TIMING): T {
  try {
    makeFolders(accountDir);
  } catch (error) {
    throw new InputError(`cannot create evidence folder ${accountDir}: ${errorMessage(error)}`);
  }
  const path = join(accountDir, LOCK_FILE);
  const deadline = Date.now() + timing.waitMs;
  for (;;) {
    if (tryCreate(path)) break;
    const holder = readHolder(path);
    if (holder === 'gone') continue;
    if (isStale(path, holder, timing)) {
      breakStaleLock(path, holder);
      continue;
    }
    if (Date.now() >= deadline) {
      const who = holder ? `process ${holder.pid} on ${holder.host} since ${holder.since}` : 'an unknown process';
      throw new CollectionError(`another hipaa-iam run (${who}) has held ${path} for longer than ${Math.round(timing.waitMs / 1000)} s; if no run is going, delete that file and rerun`);
    }
    sleep(timing.pollMs);
  }
  // A guard left by a run killed in the microseconds it breaks a stale lock is litter too.
  const guardAge = lockAge(`${path}.break`);
  if (guardAge !== null && guardAge > UNREADABLE_GRACE_MS) rmSync(`${path}.break`, { force: true });
  held.add(path);
  try {
    return work();
  } finally {
    rmSync(path, { force: true });
    held.delete(path);
  }
}

const held = new Set<string>();

/** The lock files this process holds now (for a signal handler to release). */
export function heldAccountLocks(): string[] {
  return [...held];
}

function tryCreate(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new InputError(`cannot create the lock file ${path}: ${errorMessage(error)}`);
  }
  try {
    const holder: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    writeSync(fd, `${JSON.stringify(holder)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The holder, null when the file cannot be understood (being written, or garbage), 'gone' when it vanished. */
function readHolder(path: string): LockHolder | null | 'gone' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    return null;
  }
  try {
    const holder = JSON.parse(text) as Partial<LockHolder>;
    return typeof holder.pid === 'number' && typeof holder.host === 'string' && typeof holder.since === 'string' ? (holder as LockHolder) : null;
  } catch {
    return null;
  }
}

/** An unreadable lock is given a few seconds: its writer may be between creating and filling it. */
const UNREADABLE_GRACE_MS = 5_000;

function isStale(path: string, holder: LockHolder | null, timing: LockTiming): boolean {
  const age = lockAge(path);
  if (age === null) return false;
  if (age > timing.staleAfterMs) return true;
  if (holder === null) return age > UNREADABLE_GRACE_MS;
  if (holder.host !== hostname()) return false;
  // Our own pid in a lock we do not hold (we never nest) is a dead run's, reused: containers restart at the same pids.
  return holder.pid === process.pid || !processAlive(holder.pid);
}

function lockAge(path: string): number | null {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

/**
 * Removes a stale lock, once. Two waiters may judge the same lock stale; without a guard the
 * slower one would delete the lock the faster one has just taken. The guard is a second file
 * made exclusively and held for microseconds, so age alone tells whether a crash left it.
 */
function breakStaleLock(path: string, judged: LockHolder | null): void {
  const guard = `${path}.break`;
  if (!tryCreateGuard(guard)) {
    const age = lockAge(guard);
    if (age !== null && age > UNREADABLE_GRACE_MS) rmSync(guard, { force: true });
    return;
  }
  try {
    // Only the lock that was judged is removed; one taken since is someone's live lock.
    const now = readHolder(path);
    const same = now === 'gone' ? false : JSON.stringify(now) === JSON.stringify(judged);
    if (same) rmSync(path, { force: true });
  } finally {
    rmSync(guard, { force: true });
  }
}

function tryCreateGuard(path: string): boolean {
  try {
    closeSync(openSync(path, 'wx'));
    return true;
  } catch {
    return false;
  }
}

/** Whether a process of this host exists (EPERM: it does, but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Blocks this thread; audit() is synchronous, and a waiting run has nothing else to do. No
 * JavaScript signal handler can run while it blocks, so SIGINT and SIGTERM get their default
 * action meanwhile (the process ends at once): a waiting run holds no lock and has written nothing.
 */
function sleep(ms: number): void {
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const listeners = signals.map((signal) => process.listeners(signal));
  for (const [i, signal] of signals.entries()) for (const listener of listeners[i]!) process.removeListener(signal, listener);
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  } finally {
    for (const [i, signal] of signals.entries()) for (const listener of listeners[i]!) process.on(signal, listener);
  }
}
