import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { EvidenceWriteError, InputError, errorMessage } from '../errors.js';
import { makeFolders, writeFileAtomically } from '../report/evidence-writer.js';
import { checkOutputFolder } from '../report/output-folder.js';

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
