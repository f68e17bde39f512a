import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { CollectionError, EvidenceWriteError, errorMessage } from '../errors.js';
import { ACCOUNT_ID } from '../snapshot/build.js';
import { processAlive } from './account-lock.js';

/** `2026-11-23T05-01-02Z`: sortable, and legal in file names everywhere. */
export function runFolderName(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
}

/**
 * A file's content: text, bytes, or text in chunks (a generator), so that no single string need
 * hold a large evidence file; chunks are encoded as UTF-8 and written as they come.
 */
export type FileContent = string | Buffer | Iterable<string>;

export interface RunFolderOptions {
  /**
   * Files written last, from the SHA-256 (hex) of every file written before them, by name: the
   * manifest. Their own bytes are in no hash.
   */
  last?: (sha256ByName: Record<string, string>) => Record<string, FileContent>;
  /**
   * Told, per file, the milliseconds spent producing its chunks (`report:<name>`), and once the
   * folder is in place, those spent encoding, hashing, writing, flushing and renaming (`write`).
   */
  onPhase?: (phase: string, milliseconds: number) => void;
}

/**
 * Writes a run's files into `<out>/<account>/<timestamp>/` all at once: they go to a hidden
 * temporary folder that is renamed into place, so a crash leaves no half-written run, and an
 * existing run folder is never touched. A name taken meanwhile (another process writing into
 * the same folder without the account lock) moves on to the next `-N` suffix. Each file's
 * SHA-256 is computed from the very bytes written, as they are written (never read back), and
 * handed to `options.last`. A failure to write, or a generator that throws, is an
 * EvidenceWriteError (exit 3), and nothing is left behind.
 */
export function writeRunFolder(outDir: string, accountId: string, startedAt: Date, files: Record<string, FileContent>, options: RunFolderOptions = {}): string {
  // The account id is a path segment: anything but 12 digits could reach outside --out.
  if (!ACCOUNT_ID.test(accountId)) throw new Error(`refusing to file evidence under account id ${JSON.stringify(accountId)}: an account id is 12 digits`);
  const accountDir = join(outDir, accountId);
  try {
    makeFolders(accountDir);
  } catch (error) {
    throw new EvidenceWriteError(`cannot create evidence folder ${accountDir}: ${errorMessage(error)}; nothing was written`);
  }
  removeAbandonedPartials(accountDir);
  const base = runFolderName(startedAt);
  const temporary = join(accountDir, `.${base}.${process.pid}.partial`);
  try {
    mkdirSync(temporary);
    const timing = writeFilesInto(temporary, files, options);
    const started = performance.now();
    const target = renameIntoPlace(temporary, accountDir, base);
    options.onPhase?.('write', timing.writing + performance.now() - started);
    return target;
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    throw new EvidenceWriteError(`cannot write evidence into ${accountDir}: ${errorMessage(error)}; nothing was written`);
  }
}

/**
 * Writes `files` (then `options.last`'s, from their hashes) into an existing, empty folder,
 * each streamed, hashed as written and flushed, then the folder itself flushed. No rename: the
 * caller writes into a folder nobody reads yet (writeRunFolder's hidden temporary folder, an
 * account's folder inside an organization package's temporary folder). Throws the file
 * system's or a generator's error. Returns the milliseconds spent producing and writing.
 */
export function writeFilesInto(folder: string, files: Record<string, FileContent>, options: RunFolderOptions = {}): { producing: number; writing: number } {
  const timing = { producing: 0, writing: 0 };
  const hashes: Record<string, string> = {};
  for (const [name, content] of Object.entries(files)) {
    const produced = timing.producing;
    hashes[name] = writeStream(join(folder, name), content, timing);
    options.onPhase?.(`report:${name}`, timing.producing - produced);
  }
  for (const [name, content] of Object.entries(options.last?.(hashes) ?? {})) writeStream(join(folder, name), content, timing);
  const started = performance.now();
  syncFolder(folder);
  timing.writing += performance.now() - started;
  return timing;
}

/** Chunks of a file are gathered to about this many UTF-16 code units before they are encoded, hashed and written. */
const WRITE_BATCH = 1 << 16;

/**
 * Writes content to a new file (exclusive create), flushed to disk; returns the SHA-256 (hex) of
 * the bytes written. Time spent in the content's generator and in the writing are added apart.
 */
function writeStream(path: string, content: FileContent, timing: { producing: number; writing: number }): string {
  const fd = openSync(path, 'wx');
  try {
    const hash = createHash('sha256');
    const put = (bytes: Buffer) => {
      const started = performance.now();
      hash.update(bytes);
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
      timing.writing += performance.now() - started;
    };
    if (typeof content === 'string' || Buffer.isBuffer(content)) {
      put(typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    } else {
      let pending: string[] = [];
      let size = 0;
      const iterator = content[Symbol.iterator]();
      for (;;) {
        const started = performance.now();
        const next = iterator.next();
        timing.producing += performance.now() - started;
        if (next.done) break;
        pending.push(next.value);
        size += next.value.length;
        if (size >= WRITE_BATCH) {
          put(Buffer.from(pending.join(''), 'utf8'));
          pending = [];
          size = 0;
        }
      }
      if (size > 0) put(Buffer.from(pending.join(''), 'utf8'));
    }
    const started = performance.now();
    fsyncSync(fd);
    timing.writing += performance.now() - started;
    return hash.digest('hex');
  } finally {
    closeSync(fd);
  }
}

/**
 * What a killed run leaves in the account folder once its process is gone: its hidden run
 * folder (`.<timestamp>.<pid>.partial`) and a file it was replacing (`.<name>.<pid>.partial`,
 * or `<name>.<pid>.partial` as older versions named it), so nobody opens half a register.
 */
export function removeAbandonedPartials(accountDir: string): void {
  for (const name of readdirSync(accountDir)) {
    const pid = /^.+\.(\d+)\.partial$/.exec(name)?.[1];
    if (pid && !processAlive(Number(pid))) rmSync(join(accountDir, name), { recursive: true, force: true });
  }
}

/**
 * Writes one file by way of a hidden temporary name beside it, flushed to disk before the
 * rename, so readers never see half of it and a crash leaves the old file or the new one.
 */
export function writeFileAtomically(path: string, content: string | Buffer): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
  try {
    writeDurably(temporary, content, 'w');
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new EvidenceWriteError(`cannot write ${path}: ${errorMessage(error)}`);
  }
}

/**
 * Like writeFileAtomically, with `beforeRename` called once the new content is safely on disk
 * and just before it replaces the old: the last moment to notice that someone changed the file
 * (it returns new content to write instead, or null to go ahead).
 */
export function replaceFileAtomically(path: string, content: string | Buffer, beforeRename: () => string | Buffer | null): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
  try {
    let pending = content;
    for (;;) {
      writeDurably(temporary, pending, 'w');
      const replacement = beforeRename();
      if (replacement === null) break;
      pending = replacement;
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    // What beforeRename refuses says so itself; a failure to write is exit 3, never 2 ("nothing written").
    if (error instanceof CollectionError) throw error;
    throw new EvidenceWriteError(`cannot write ${path}: ${errorMessage(error)}`);
  }
}

function writeDurably(path: string, content: string | Buffer, flag: 'w' | 'wx'): void {
  const fd = openSync(path, flag);
  try {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes a rename inside a folder durable; some platforms cannot open a folder, and then the rename is all we have. */
export function syncFolder(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch {
    // Windows: folders cannot be opened for fsync.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * mkdir -p, one level at a time from the nearest folder that exists. Node's own recursive mkdir
 * loops forever where a file system answers ENOENT for a folder whose parent exists (procfs:
 * `--out /proc/x` spun at full CPU and ignored SIGTERM); here every error is thrown.
 * @throws the file system's error (ENOENT, EACCES, ENOTDIR, EROFS, ...) for the level that failed
 */
export function makeFolders(path: string): void {
  const missing: string[] = [];
  for (let folder = resolve(path); !existsSync(folder); folder = dirname(folder)) {
    missing.unshift(folder);
    if (dirname(folder) === folder) break;
  }
  for (const folder of missing) {
    try {
      mkdirSync(folder);
    } catch (error) {
      // Made meanwhile by another run: fine, as long as it is a folder.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(folder).isDirectory()) throw error;
    }
  }
}

/**
 * Renames a finished temporary folder to `<parent>/<name>`, or `<name>-2`, `-3`, … when that
 * name is taken (by another process writing without the lock), and flushes the parent, so the
 * folder appears whole or not at all. Errors other than a taken name are thrown.
 */
export function renameIntoPlace(temporary: string, parent: string, name: string): string {
  for (let n = 1; ; n += 1) {
    const target = join(parent, n === 1 ? name : `${name}-${n}`);
    if (existsSync(target)) continue;
    try {
      renameSync(temporary, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' || code === 'ENOTEMPTY') continue;
      throw error;
    }
    syncFolder(parent);
    return target;
  }
}
