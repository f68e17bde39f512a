import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, errorMessage } from '../errors.js';
import { compareWithManifest, MANIFEST_FILE, sha256, type Manifest } from './manifest.js';

/** Recomputes every file's SHA-256 in a run folder and compares it with the run's manifest. */
export function verifyRunFolder(runDir: string): { ok: boolean; report: string } {
  if (!existsSync(runDir) || !statSync(runDir).isDirectory()) throw new InputError(`${runDir} is not a run folder`);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(join(runDir, MANIFEST_FILE), 'utf8')) as Manifest;
    if (!manifest.files || typeof manifest.files !== 'object') throw new Error('no files listed');
  } catch (error) {
    throw new InputError(`${join(runDir, MANIFEST_FILE)} cannot be read: ${errorMessage(error)}`);
  }
  const present = Object.fromEntries(
    readdirSync(runDir)
      .filter((name) => name !== MANIFEST_FILE && statSync(join(runDir, name)).isFile())
      .map((name) => [name, sha256(readFileSync(join(runDir, name)))]),
  );
  const { changed, added, removed } = compareWithManifest(manifest, present);
  const ok = changed.length + added.length + removed.length === 0;
  if (ok) return { ok, report: `OK: all ${Object.keys(manifest.files).length} files of ${runDir} match manifest.json (sha256)` };
  const parts = [
    changed.length ? `changed: ${changed.join(', ')}` : '',
    added.length ? `added: ${added.join(', ')}` : '',
    removed.length ? `removed: ${removed.join(', ')}` : '',
  ].filter(Boolean);
  return { ok, report: `MODIFIED: ${runDir} no longer matches manifest.json; ${parts.join('; ')}` };
}
