import { createHash } from 'node:crypto';

export const MANIFEST_FILE = 'manifest.json';

export interface Manifest {
  schemaVersion: 1;
  tool: { name: string; version: string };
  accountId: string;
  runStartedAt: string;
  algorithm: 'sha256';
  /** Every other file of the run folder and its SHA-256 (hex). */
  files: Record<string, string>;
}

export function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

export function buildManifest(files: Record<string, string>, meta: Omit<Manifest, 'schemaVersion' | 'algorithm' | 'files'>): Manifest {
  const hashes = Object.fromEntries(Object.keys(files).sort().map((name) => [name, sha256(files[name]!)]));
  return { schemaVersion: 1, ...meta, algorithm: 'sha256', files: hashes };
}

export interface ManifestCheck {
  changed: string[];
  added: string[];
  removed: string[];
}

/** Compares a manifest with the files a folder holds now (name → content hash). */
export function compareWithManifest(manifest: Manifest, present: Record<string, string>): ManifestCheck {
  const changed = Object.keys(manifest.files).filter((name) => name in present && present[name] !== manifest.files[name]);
  const removed = Object.keys(manifest.files).filter((name) => !(name in present));
  const added = Object.keys(present).filter((name) => !(name in manifest.files));
  return { changed: changed.sort(), added: added.sort(), removed: removed.sort() };
}
