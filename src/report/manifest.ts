import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';

export const MANIFEST_FILE = 'manifest.json';
/** The manifest's signature (src/report/signature.ts), beside it and outside its file list: it signs the manifest. */
export const SIGNATURE_FILE = 'manifest.sig.json';

/** The account's run written just before this one: its folder name and the SHA-256 (hex) of its manifest.json bytes. */
export interface PreviousRun {
  run: string;
  manifestSha256: string;
}

export interface Manifest {
  schemaVersion: 1;
  tool: { name: string; version: string };
  /** The account of the run; in an organization package's manifest, the organization's management account. */
  accountId: string;
  /** Organization packages only (src/report/organization-package.ts): the organization's id; `files` then names account files `<account-id>/<file>`. */
  organizationId?: string;
  runStartedAt: string;
  algorithm: 'sha256';
  /**
   * The link of the account's chain of runs (src/report/chain.ts): the previous run's manifest
   * hash, null for an account's first run, absent in manifests written before runs were chained.
   */
  previous?: PreviousRun | null;
  /** Every other file of the run folder and its SHA-256 (hex). */
  files: Record<string, string>;
}

export function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/**
 * The SHA-256 (hex) of a file's bytes, read in pieces of 1 MiB, so that a large evidence file
 * is never held whole. Throws the file system's error.
 */
export function sha256File(path: string): string {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(path, 'r');
  try {
    for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer)) hash.update(buffer.subarray(0, read));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** The manifest of a run folder from the SHA-256 (hex) of each of its files, by name (src/report/evidence-writer.ts computes them as it writes). */
export function buildManifest(sha256ByName: Record<string, string>, meta: Omit<Manifest, 'schemaVersion' | 'algorithm' | 'files' | 'previous'> & { previous: PreviousRun | null }): Manifest {
  const hashes = Object.fromEntries(Object.keys(sha256ByName).sort().map((name) => [name, sha256ByName[name]!]));
  const { previous, ...rest } = meta;
  return { schemaVersion: 1, ...rest, algorithm: 'sha256', previous, files: hashes };
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
