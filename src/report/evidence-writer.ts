import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EvidenceWriteError, errorMessage } from '../errors.js';
import { ACCOUNT_ID } from '../snapshot/build.js';

/** `2026-11-23T05-01-02Z`: sortable, and legal in file names everywhere. */
export function runFolderName(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
}

/**
 * Writes a run's files into `<out>/<account>/<timestamp>/` all at once: they go to a hidden
 * temporary folder that is renamed into place, so a crash leaves no half-written run, and an
 * existing run folder is never touched. A failure to write is an EvidenceWriteError (exit 3).
 */
export function writeRunFolder(outDir: string, accountId: string, startedAt: Date, files: Record<string, string>): string {
  // The account id is a path segment: anything but 12 digits could reach outside --out.
  if (!ACCOUNT_ID.test(accountId)) throw new Error(`refusing to file evidence under account id ${JSON.stringify(accountId)}: an account id is 12 digits`);
  const accountDir = join(outDir, accountId);
  try {
    mkdirSync(accountDir, { recursive: true });
  } catch (error) {
    throw new EvidenceWriteError(`cannot create evidence folder ${accountDir}: ${errorMessage(error)}; nothing was written`);
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
    throw new EvidenceWriteError(`cannot write evidence into ${accountDir}: ${errorMessage(error)}; nothing was written`);
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

/** Writes one file by way of a temporary name, so readers never see half of it; the file as it was stays on failure (EvidenceWriteError). */
export function writeFileAtomically(path: string, content: string): void {
  const temporary = `${path}.${process.pid}.partial`;
  try {
    writeFileSync(temporary, content);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new EvidenceWriteError(`cannot write ${path}: ${errorMessage(error)}`);
  }
}
