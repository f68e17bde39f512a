import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding, Status } from '../checks/check.js';
import { InputError, errorMessage } from '../errors.js';
import { vouchedRuns } from './chain.js';
import { documentFindings } from './findings.js';
import { compareWithManifest, MANIFEST_FILE, sha256, sha256File, SIGNATURE_FILE, type Manifest, type PreviousRun } from './manifest.js';
import { decodeRegister, parseRiskRegister, RegisterFormatError, type RegisterEncoding, type RegisterRow } from './risk-register.js';
import type { RunScope } from './run-info.js';

const RUN_FOLDER = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z(-\d+)?$/;
export const LIVING_REGISTER = 'risk-register.csv';

export interface ArchivedRun {
  dir: string;
  startedAt: string;
  command: string;
  /** 'full' for an audit of every control; 'partial' for a subcommand's (or a filtered) set. */
  scope: RunScope;
  /** The control ids the run judged, sorted. */
  controls: string[];
  statusCounts: Partial<Record<Status, number>>;
  /** SHA-256 of its manifest.json's bytes: what the next run records as its previous. */
  manifestSha256: string;
  /** The previous run its manifest records: null for an account's first run, undefined before runs were chained. */
  previous: PreviousRun | null | undefined;
}

export interface RunArchive {
  /** The runs that count, oldest first: run folders whose manifest verifies and that the chain vouches for (vouchedRuns). */
  runs: ArchivedRun[];
  /** Folders named like runs that do not verify or that the chain does not vouch for (forged, altered, inserted, or not runs at all), with why: never counted. */
  unverified: string[];
}

/**
 * The runs of an account kept under `<out>/<account>/`, oldest first. A folder counts only when
 * its manifest.json verifies (every file's SHA-256 as recorded, no file added or removed, no
 * sub-folder) and its run.json, covered by that manifest, has the start time the manifest
 * records, and the chain of manifests vouches for it (chain.ts vouchedRuns: not inserted beside
 * the real chain, nor a chainless run the chain cannot account for). Anything else named like a
 * run is listed in `unverified` and counts for nothing:
 * not as an access review, not as a previous run, not as a trend point.
 */
export function readRunArchive(outDir: string, accountId: string): RunArchive {
  const accountDir = join(outDir, accountId);
  if (!existsSync(accountDir)) return { runs: [], unverified: [] };
  const runs: ArchivedRun[] = [];
  const unverified: string[] = [];
  for (const name of readdirSync(accountDir).sort()) {
    if (!RUN_FOLDER.test(name)) continue;
    const run = verifiedRun(join(accountDir, name));
    if (run) runs.push(run);
    else unverified.push(join(accountDir, name));
  }
  // A manifest anyone can recompute proves little on its own: only runs the chain vouches for count.
  const { vouched, unvouched } = vouchedRuns(runs, unverified);
  for (const { run, why } of unvouched) unverified.push(`${run.dir} (${why})`);
  return { runs: vouched.sort((a, b) => a.startedAt.localeCompare(b.startedAt)), unverified };
}

/** The verified runs of an account, oldest first (see readRunArchive). */
export function archivedRuns(outDir: string, accountId: string): ArchivedRun[] {
  return readRunArchive(outDir, accountId).runs;
}

/** Two runs judged the same thing: both full audits, or the same command over the same controls. */
export function sameScope(a: Pick<ArchivedRun, 'scope' | 'command' | 'controls'>, b: Pick<ArchivedRun, 'scope' | 'command' | 'controls'>): boolean {
  if (a.scope === 'full' || b.scope === 'full') return a.scope === b.scope;
  return a.command === b.command && a.controls.join(',') === [...b.controls].sort().join(',');
}

/** A run folder as an ArchivedRun when its manifest verifies (every file, nothing added or removed, no sub-folder) and its run.json agrees with it; else null. */
export function verifiedRun(dir: string): ArchivedRun | null {
  try {
    const manifestBytes = readFileSync(join(dir, MANIFEST_FILE));
    const manifest = JSON.parse(manifestBytes.toString('utf8')) as Partial<Manifest>;
    if (!manifest.files || typeof manifest.files !== 'object') return null;
    const present: Record<string, string> = {};
    for (const name of readdirSync(dir)) {
      if (name === MANIFEST_FILE || name === SIGNATURE_FILE) continue;
      if (!statSync(join(dir, name)).isFile()) return null;
      present[name] = sha256File(join(dir, name));
    }
    const { changed, added, removed } = compareWithManifest(manifest as Manifest, present);
    if (changed.length + added.length + removed.length > 0 || !('run.json' in present)) return null;
    const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { startedAt?: unknown; command?: unknown; scope?: unknown; controls?: unknown; statusCounts?: unknown };
    if (typeof run.startedAt !== 'string' || Number.isNaN(Date.parse(run.startedAt)) || run.startedAt !== manifest.runStartedAt) return null;
    const command = typeof run.command === 'string' ? run.command : 'unknown';
    return {
      dir,
      startedAt: run.startedAt,
      command,
      // Runs from before run.json said its scope: only `audit` ran every control then.
      scope: run.scope === 'full' || run.scope === 'partial' ? run.scope : command === 'audit' ? 'full' : 'partial',
      controls: Array.isArray(run.controls) ? run.controls.filter((c): c is string => typeof c === 'string').sort() : [],
      statusCounts: (run.statusCounts && typeof run.statusCounts === 'object' ? run.statusCounts : {}) as Partial<Record<Status, number>>,
      manifestSha256: sha256(manifestBytes),
      previous: manifest.previous,
    };
  } catch {
    return null;
  }
}

/**
 * The findings a run folder recorded, or null when it has none readable. An accepted failure
 * reads back as SUPPRESSED with its `suppressed` details whichever way the run wrote it: FAIL
 * with a `suppressed` object (findings.json since exceptions kept the underlying status), or
 * status SUPPRESSED with the exception in evidence.exception (older runs).
 */
export function runFindings(runDir: string): Finding[] | null {
  try {
    // Shared evidence (findings.json's sharedEvidence table) is resolved, so a finding reads as it was judged.
    const findings = documentFindings(JSON.parse(readFileSync(join(runDir, 'findings.json'), 'utf8')));
    return findings ? (findings as unknown as Finding[]).map(asRecorded) : null;
  } catch {
    return null;
  }
}

function asRecorded(finding: Finding): Finding {
  if (finding.status === 'FAIL' && isObject(finding.suppressed)) return { ...finding, status: 'SUPPRESSED' };
  if (finding.status !== 'SUPPRESSED' || isObject(finding.suppressed)) return finding;
  const old = isObject(finding.evidence) ? finding.evidence.exception : undefined;
  if (!isObject(old)) return finding;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return { ...finding, suppressed: { justification: text(old.justification), approver: text(old.approver), expires: text(old.expires), exceptionLine: typeof old.line === 'number' ? old.line : 0 } };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The living register as a run found it. */
export interface LivingRegister {
  path: string;
  /** The file's bytes as read, to notice an edit saved since; null when there was no file. */
  bytes: Buffer | null;
  rows: RegisterRow[];
  /** How the file was saved; null when there was no file or it was empty. */
  encoding: RegisterEncoding | null;
  /** The run folder whose copy the rows were rebuilt from, when the file was missing or empty. */
  rebuiltFrom: string | null;
}

/**
 * The living register of an account, `<out>/<account>/risk-register.csv`. When it is missing,
 * empty, or a header without rows (a deleted file, a spreadsheet crash, a sync conflict, rows
 * deleted in a spreadsheet), its rows are the newest verified
 * run's own copy, Owner, Notes and people's columns included, so a run never starts a register
 * afresh over people's words. Throws InputError (exit 2) for a register people broke (not
 * CSV, no Risk ID column, an encoding it cannot read for certain): bad input, never overwritten.
 */
export function readLivingRegister(outDir: string, accountId: string, runs: readonly ArchivedRun[] = archivedRuns(outDir, accountId)): LivingRegister {
  const path = join(outDir, accountId, LIVING_REGISTER);
  let bytes: Buffer | null = null;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new InputError(`the living risk register ${path} cannot be read (${errorMessage(error)}); fix it or move it aside, then rerun`);
  }
  const decoded = bytes ? decodeOrRefuse(path, bytes) : null;
  if (decoded && decoded.text.trim() !== '') {
    const rows = parseOrRefuse(path, decoded.text);
    // A header and no rows is a register whose rows someone deleted: rebuilt like an empty file, never taken as "no risks".
    if (rows.length > 0 || !runs.some((run) => existsSync(join(run.dir, LIVING_REGISTER)))) return { path, bytes, rows, encoding: decoded.encoding, rebuiltFrom: null };
  }
  for (const run of [...runs].reverse()) {
    const copy = join(run.dir, LIVING_REGISTER);
    if (!existsSync(copy)) continue;
    return { path, bytes, rows: parseOrRefuse(copy, decodeOrRefuse(copy, readFileSync(copy)).text), encoding: decoded?.encoding ?? null, rebuiltFrom: run.dir };
  }
  return { path, bytes, rows: [], encoding: decoded?.encoding ?? null, rebuiltFrom: null };
}

function decodeOrRefuse(path: string, bytes: Buffer): { text: string; encoding: RegisterEncoding } {
  try {
    return decodeRegister(bytes);
  } catch (error) {
    throw new InputError(`the living risk register ${path} cannot be read (${errorMessage(error)}); fix it or move it aside, then rerun`);
  }
}

function parseOrRefuse(path: string, text: string): RegisterRow[] {
  try {
    return parseRiskRegister(text);
  } catch (error) {
    const reason = error instanceof RegisterFormatError ? error.message : errorMessage(error);
    throw new InputError(`the living risk register ${path} cannot be read (${reason}); fix it or move it aside, then rerun`);
  }
}
