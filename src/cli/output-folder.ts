import { accessSync, constants, existsSync, mkdirSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { EvidenceWriteError, InputError, errorMessage } from '../errors.js';
import { makeFolders, writeFileAtomically } from '../report/evidence-writer.js';

/**
 * Refuses, before anything is collected, a folder that output could never be written into:
 * the folder (or, when it does not exist yet, the nearest folder above it, where it would be
 * created) must be a folder this process may write to. Creates nothing.
 * @param dir the folder (--out, or the folder of --save's file)
 * @param flag how the user named it, for the message (`--out reports`)
 * @throws InputError (exit 2): a file in the way, no permission, a read-only file system
 */
export function checkOutputFolder(dir: string, flag: string): void {
  let existing = resolve(dir);
  for (;;) {
    try {
      if (!statSync(existing).isDirectory()) throw new InputError(`${flag}: ${existing} is a file, not a folder; nothing was collected or written`);
      break;
    } catch (error) {
      if (error instanceof InputError) throw error;
      // ENOTDIR: a file stands somewhere above; the walk up finds it and names it.
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || dirname(existing) === existing) {
        throw new InputError(`${flag}: cannot use ${existing}: ${errorMessage(error)}; nothing was collected or written`);
      }
      existing = dirname(existing);
    }
  }
  try {
    accessSync(existing, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new InputError(`${flag}: cannot write into ${existing} (${errorMessage(error)}): choose another folder or fix its permissions; nothing was collected or written`);
  }
  // Permission bits do not tell everything (procfs, sysfs, a root user on a read-only mount):
  // the first missing level is made and removed again, so it is known now, not after collecting.
  const wanted = resolve(dir);
  if (wanted === existing) return;
  let first = wanted;
  while (dirname(first) !== existing) first = dirname(first);
  try {
    mkdirSync(first);
    rmdirSync(first);
  } catch (error) {
    throw new InputError(`${flag}: cannot create ${first} (${errorMessage(error)}): choose another folder; nothing was collected or written`);
  }
}

/**
 * Refuses, before any work, a `--save FILE` that can never be written: FILE must name a file (not
 * an existing folder, not a path ending in /), in a folder checkOutputFolder accepts.
 * @throws InputError (exit 2)
 */
export function checkSaveFile(file: string, flag: string): void {
  if (/[\\/]$/.test(file) || (existsSync(file) && statSync(file).isDirectory())) {
    throw new InputError(`${flag}: ${file} is a folder; name the file to write, e.g. ${join(file, 'snapshot.json')}; nothing was collected or written`);
  }
  checkOutputFolder(dirname(resolve(file)), flag);
}

/**
 * Writes the file of `--save FILE` (collect, scp) as --out is written: missing parent folders
 * are created, and the file goes in by an atomic rename. Call checkOutputFolder(dirname(FILE))
 * first, so a folder that can never be written is refused (exit 2) before any work.
 * @throws EvidenceWriteError (exit 3) when the folder or file cannot be written after all
 */
export function saveFile(path: string, content: string): void {
  try {
    makeFolders(dirname(path));
  } catch (error) {
    throw new EvidenceWriteError(`cannot create the folder ${dirname(path)} for ${path}: ${errorMessage(error)}`);
  }
  writeFileAtomically(path, content);
}
