import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError, errorMessage } from '../errors.js';
import { compareWithManifest, MANIFEST_FILE, sha256, sha256File, SIGNATURE_FILE, type Manifest } from './manifest.js';
import { parseSignature, signatureValid, type TrustedKey } from './signature.js';

export interface VerifyOptions {
  /** The public key the verifier trusts (pinned fingerprint or fetched from KMS); never one read from the folder. */
  trustedKey?: TrustedKey;
  /** An unsigned run, or a signed one checked without a trusted key, is a problem (exit 1). */
  requireSignature?: boolean;
  /** With a trusted key: an unsigned run is only a note (verify --chain passes it for runs from before the account's first signed run). */
  allowUnsigned?: boolean;
}

export interface RunFolderCheck {
  runDir: string;
  /** The parsed manifest.json. */
  manifest: Manifest;
  /** SHA-256 (hex) of the manifest.json bytes: what the next run of the chain records. */
  manifestSha256: string;
  /** What is wrong, one phrase each; empty when the folder verifies. */
  problems: string[];
  /** Said but not wrong: a signature present but not checked for want of a trusted key. */
  notes: string[];
  signature: 'valid' | 'invalid' | 'unchecked' | 'absent';
}

/**
 * Files every run holds whatever its --format (run.json), and those its formats add, as
 * src/audit.ts writes them. run.json is covered by the manifest, so it says what must be there;
 * a run.json from before it listed its formats only needs some findings file.
 */
export function requiredFiles(run: { formats?: unknown; scope?: unknown }): { all: string[]; oneOf: string[] } {
  if (!Array.isArray(run.formats)) return { all: ['run.json'], oneOf: ['findings.json', 'findings.csv', 'report.html', 'findings.ocsf.json', 'findings.asff.json'] };
  const formats = new Set(run.formats);
  const all = ['run.json'];
  if (formats.has('json')) all.push('findings.json');
  if (formats.has('csv')) all.push('findings.csv', 'compliance-matrix.csv', 'changes.csv', 'risk-register.csv', ...(run.scope === 'full' ? ['access-review.csv'] : []));
  if (formats.has('html')) all.push('report.html');
  if (formats.has('ocsf')) all.push('findings.ocsf.json');
  if (formats.has('asff')) all.push('findings.asff.json');
  return { all, oneOf: [] };
}

/**
 * Checks a run folder: every file's SHA-256 against manifest.json, nothing added or removed, no
 * sub-folder, link or other non-file, the core files its run.json calls for, and the manifest's
 * account and start time equal to run.json's (the manifest's own fields are covered by no hash).
 * With a signature (manifest.sig.json) and a trusted key, the signature too.
 * Throws InputError (exit 2) when runDir is not a folder or has no readable manifest.json.
 */
export function checkRunFolder(runDir: string, options: VerifyOptions = {}): RunFolderCheck {
  if (!existsSync(runDir) || !statSync(runDir).isDirectory()) throw new InputError(`${runDir} is not a run folder; give <out>/<account-id>/<timestamp>`);
  let manifestBytes: Buffer;
  let manifest: Manifest;
  try {
    manifestBytes = readFileSync(join(runDir, MANIFEST_FILE));
    manifest = JSON.parse(manifestBytes.toString('utf8')) as Manifest;
    if (!manifest || !manifest.files || typeof manifest.files !== 'object') throw new Error('no files listed');
  } catch (error) {
    throw new InputError(`${join(runDir, MANIFEST_FILE)} cannot be read (${errorMessage(error)}); give a run folder written by hipaa-iam`);
  }
  const problems: string[] = [];
  const notes: string[] = [];
  const present: Record<string, string> = {};
  for (const name of readdirSync(runDir).sort()) {
    if (name === MANIFEST_FILE || name === SIGNATURE_FILE) continue;
    const entry = lstatSync(join(runDir, name));
    if (entry.isDirectory()) problems.push(`unexpected sub-folder ${name}/`);
    else if (!entry.isFile()) problems.push(`${name} is not a regular file (a link or device)`);
    else present[name] = sha256File(join(runDir, name));
  }
  const { changed, added, removed } = compareWithManifest(manifest, present);
  if (changed.length) problems.push(`changed: ${changed.join(', ')}`);
  if (added.length) problems.push(`added: ${added.join(', ')}`);
  if (removed.length) problems.push(`removed: ${removed.join(', ')}`);

  let run: { formats?: unknown; scope?: unknown; accountId?: unknown; startedAt?: unknown } = {};
  try {
    if ('run.json' in present) run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as typeof run;
  } catch {
    problems.push('run.json is not JSON');
  }
  const required = requiredFiles(run);
  const missing = required.all.filter((name) => !(name in present));
  if (missing.length) problems.push(`core file(s) missing: ${missing.join(', ')}`);
  if (required.oneOf.length && !required.oneOf.some((name) => name in present)) problems.push(`no findings file (${required.oneOf.join(', ')})`);
  if ('run.json' in present) {
    if (run.accountId !== manifest.accountId) problems.push(`manifest accountId ${String(manifest.accountId)} differs from run.json's ${String(run.accountId)}`);
    if (run.startedAt !== manifest.runStartedAt) problems.push(`manifest runStartedAt ${String(manifest.runStartedAt)} differs from run.json's ${String(run.startedAt)}`);
  }

  const signature = checkSignature(runDir, manifestBytes, options, problems, notes);
  return { runDir, manifest, manifestSha256: sha256(manifestBytes), problems, notes, signature };
}

/**
 * The folder's manifest.sig.json judged against the trusted key (src/report/signature.ts), its
 * problems and notes added to the lists given: what checkRunFolder and an organization package's
 * check (src/report/organization-package.ts) say of a signature.
 */
export function checkSignature(runDir: string, manifestBytes: Buffer, options: VerifyOptions, problems: string[], notes: string[]): RunFolderCheck['signature'] {
  let signature: RunFolderCheck['signature'] = 'absent';
  if (existsSync(join(runDir, SIGNATURE_FILE))) {
    try {
      const recorded = parseSignature(readFileSync(join(runDir, SIGNATURE_FILE), 'utf8'));
      if (options.trustedKey) {
        signature = signatureValid(manifestBytes, recorded, options.trustedKey.publicKey) ? 'valid' : 'invalid';
        if (signature === 'invalid') problems.push(`${SIGNATURE_FILE} does not verify with the trusted key ${options.trustedKey.fingerprint} (${options.trustedKey.source})`);
      } else {
        signature = 'unchecked';
        const note = `${SIGNATURE_FILE} (key ${recorded.keyId}) NOT checked: no trusted key given (--key-fingerprint with --public-key, or --kms-key-id)`;
        if (options.requireSignature) problems.push(note);
        else notes.push(note);
      }
    } catch (error) {
      signature = 'invalid';
      problems.push(`${SIGNATURE_FILE} cannot be read (${errorMessage(error)})`);
    }
  } else if (options.requireSignature) {
    problems.push(`not signed (no ${SIGNATURE_FILE})`);
  } else if (options.trustedKey && !options.allowUnsigned) {
    // Asked to check against a key, there is nothing to check: a stripped signature must not read as OK.
    problems.push(`not signed (no ${SIGNATURE_FILE}), although a trusted key was given: its signature may have been removed`);
  } else if (options.trustedKey) {
    notes.push(`not signed (no ${SIGNATURE_FILE}): written before the account's runs were signed; the trusted key was not used`);
  }
  return signature;
}

/**
 * `verify RUN_DIR`: the check above as a report; ok when nothing is wrong. When the account
 * folder holds the run written after this one, the manifest hash that run recorded is checked
 * too: a run edited and given a recomputed manifest verifies on its own, not against the chain.
 */
export function verifyRunFolder(runDir: string, options: VerifyOptions = {}): { ok: boolean; report: string } {
  const check = checkRunFolder(runDir, options);
  const next = nextRunRecord(runDir);
  if (next && next.manifestSha256 !== check.manifestSha256) check.problems.push(`replaced or re-hashed: its manifest.json has sha256 ${check.manifestSha256}, but the next run ${next.run} recorded ${next.manifestSha256}`);
  const chained = next ? `; the next run ${next.run} records this manifest` : '; no later run records this manifest (verify --chain the account folder; only a signature protects the newest run)';
  const signed = check.signature === 'valid' ? `; signature valid (${options.trustedKey?.fingerprint})` : '';
  const notes = check.notes.map((n) => `\nnote: ${n}`).join('');
  if (check.problems.length === 0) return { ok: true, report: `OK: all ${Object.keys(check.manifest.files).length} files of ${runDir} match manifest.json (sha256)${signed}${chained}${notes}` };
  return { ok: false, report: `MODIFIED: ${runDir} does not verify; ${check.problems.join('; ')}${notes}` };
}

/** The run beside runDir whose manifest records runDir as its previous run: its name and the hash it recorded. */
function nextRunRecord(runDir: string): { run: string; manifestSha256: string } | null {
  const name = basename(runDir);
  const accountDir = dirname(runDir);
  for (const sibling of readdirSync(accountDir)) {
    if (sibling === name || sibling.startsWith('.')) continue;
    try {
      const manifest = JSON.parse(readFileSync(join(accountDir, sibling, MANIFEST_FILE), 'utf8')) as Manifest;
      if (manifest.previous && manifest.previous.run === name && typeof manifest.previous.manifestSha256 === 'string') return { run: sibling, manifestSha256: manifest.previous.manifestSha256 };
    } catch {
      // Not a run folder, or not readable: it records nothing.
    }
  }
  return null;
}
