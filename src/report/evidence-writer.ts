import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, errorMessage } from '../errors.js';

/** `2026-11-23T05-01-02Z`: sortable, and legal in file names everywhere. */
export function runFolderName(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
}

/**
 * Writes a run's files into `<out>/<account>/<timestamp>/` all at once: they go to a hidden
 * temporary folder that is renamed into place, so a crash leaves no half-written run, and an
 * existing run folder is never touched.
 */
export function writeRunFolder(outDir: string, accountId: string, startedAt: Date, files: Record<string, string>): string {
  const accountDir = join(outDir, accountId);
  try {
    mkdirSync(accountDir, { recursive: true });
  } catch (error) {
    throw new InputError(`cannot create evidence folder ${accountDir}: ${errorMessage(error)}`);
  }
  removeAbandonedPartials(accountDir);
  const base = runFolderName(startedAt);
  let target = join(accountDir, base);
  for (let n = 2; existsSync(target); n += 1) target = join(accountDir, `${base}-${n}`);
  const temporary = join(accountDir, `.${base}.${process.pid}.partial`);
  try {
    mkdirSync(temporary);
    for (const [name, content] of Object.entries(files)) writeFileSync(join(temporary, name), content, { flag: 'wx' });
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    throw new InputError(`cannot write evidence into ${accountDir}: ${errorMessage(error)}`);
  }
  return target;
}

/** A run killed mid-write leaves its hidden temporary folder; once its process is gone, it is litter. */
function removeAbandonedPartials(accountDir: string): void {
  for (const name of readdirSync(accountDir)) {
    const pid = /^\..+\.(\d+)\.partial$/.exec(name)?.[1];
    if (pid && !processAlive(Number(pid))) rmSync(join(accountDir, name), { recursive: true, force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Writes one file by way of a temporary name, so readers never see half of it. */
export function writeFileAtomically(path: string, content: string): void {
  const temporary = `${path}.${process.pid}.partial`;
  try {
    writeFileSync(temporary, content);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new InputError(`cannot write ${path}: ${errorMessage(error)}`);
  }
}
