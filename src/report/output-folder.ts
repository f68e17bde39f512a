import { accessSync, constants, mkdirSync, rmdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError, errorMessage } from '../errors.js';

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
