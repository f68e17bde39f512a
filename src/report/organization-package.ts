import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Status } from '../checks/check.js';
import { InputError, errorMessage } from '../errors.js';
import { ACCOUNT_ID } from '../snapshot/build.js';
import { verifiedRun, type ArchivedRun, type RunArchive } from './archive.js';
import { vouchedRuns } from './chain.js';
import { compareWithManifest, MANIFEST_FILE, sha256, sha256File, SIGNATURE_FILE, type Manifest } from './manifest.js';
import { checkRunFolder, checkSignature, type RunFolderCheck, type VerifyOptions } from './verify.js';

// An organization run's evidence package (docs/DESIGN.md, "Evidence layout"):
//   <out>/org-<organization-id>/<timestamp>/            the package: roll-up files, manifest.json
//   <out>/org-<organization-id>/<timestamp>/<account>/   each audited account's run folder, own manifest.json
//   <out>/org-<organization-id>/risk-register.csv        the organization's living register
//   <out>/org-<organization-id>/<account>/risk-register.csv   each account's living register in the organization
// The package's manifest lists every file of the package, account files by `<account>/<file>`,
// and records the previous package of the organization (the chain), as a run's manifest does.

/** Run and package folders are named by their start time (evidence-writer.ts runFolderName). */
export const PACKAGE_FOLDER = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z(-\d+)?$/;
/** `o-` and 10 to 32 lowercase letters or digits (Organizations' id pattern): safe as a path segment. */
export const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;

/** The organization's folder under --out: `<out>/org-<organization-id>`. Throws for an id that is not an organization id (it would be a path). */
export function organizationFolder(outDir: string, organizationId: string): string {
  if (!ORGANIZATION_ID.test(organizationId)) throw new Error(`refusing to file evidence under organization id ${JSON.stringify(organizationId)}: an organization id is o- and 10 to 32 lowercase letters or digits`);
  return join(outDir, `org-${organizationId}`);
}

/** Files every package holds whatever its --format, and those its formats add at its root. */
export function requiredPackageFiles(run: { formats?: unknown }): string[] {
  const formats = new Set(Array.isArray(run.formats) ? run.formats : []);
  const all = ['run.json', 'organization.json'];
  if (formats.has('json')) all.push('findings.json');
  if (formats.has('csv')) all.push('findings.csv', 'compliance-matrix.csv', 'account-control-matrix.csv', 'risk-register.csv');
  if (formats.has('html')) all.push('report.html');
  return all;
}

/**
 * Checks an organization package: every file of it (root files, and each account folder's files
 * as `<account>/<file>`) against the package's manifest.json by SHA-256, nothing added or
 * removed, no folder but 12-digit account folders holding only files, the root files its
 * run.json calls for, the manifest's organization and start time equal to run.json's, each
 * account folder verified on its own (checkRunFolder: its own manifest, its core files), every
 * audited account of run.json present, and the signature as for a run. Problems name the file
 * or account folder. Throws InputError (exit 2) when the folder is not a package.
 */
export function checkPackage(packageDir: string, options: VerifyOptions = {}): RunFolderCheck {
  if (!existsSync(packageDir) || !statSync(packageDir).isDirectory()) throw new InputError(`${packageDir} is not an organization package; give <out>/org-<organization-id>/<timestamp>`);
  let manifestBytes: Buffer;
  let manifest: Manifest;
  try {
    manifestBytes = readFileSync(join(packageDir, MANIFEST_FILE));
    manifest = JSON.parse(manifestBytes.toString('utf8')) as Manifest;
    if (!manifest || !manifest.files || typeof manifest.files !== 'object') throw new Error('no files listed');
  } catch (error) {
    throw new InputError(`${join(packageDir, MANIFEST_FILE)} cannot be read (${errorMessage(error)}); give a package written by hipaa-iam --organization`);
  }
  const problems: string[] = [];
  const notes: string[] = [];
  const present: Record<string, string> = {};
  const accountDirs: string[] = [];
  for (const name of readdirSync(packageDir).sort()) {
    if (name === MANIFEST_FILE || name === SIGNATURE_FILE) continue;
    const entry = lstatSync(join(packageDir, name));
    if (entry.isDirectory()) {
      if (!ACCOUNT_ID.test(name)) {
        problems.push(`unexpected sub-folder ${name}/`);
        continue;
      }
      accountDirs.push(name);
      for (const file of readdirSync(join(packageDir, name)).sort()) {
        const inner = lstatSync(join(packageDir, name, file));
        if (inner.isFile()) present[`${name}/${file}`] = sha256File(join(packageDir, name, file));
        else problems.push(`${name}/${file} is not a regular file`);
      }
    } else if (!entry.isFile()) problems.push(`${name} is not a regular file (a link or device)`);
    else present[name] = sha256File(join(packageDir, name));
  }
  const { changed, added, removed } = compareWithManifest(manifest, present);
  if (changed.length) problems.push(`changed: ${changed.join(', ')}`);
  if (added.length) problems.push(`added: ${added.join(', ')}`);
  if (removed.length) problems.push(`removed: ${removed.join(', ')}`);

  let run: { formats?: unknown; organization?: { id?: unknown }; startedAt?: unknown; accounts?: unknown } = {};
  try {
    if ('run.json' in present) run = JSON.parse(readFileSync(join(packageDir, 'run.json'), 'utf8')) as typeof run;
  } catch {
    problems.push('run.json is not JSON');
  }
  const missing = requiredPackageFiles(run).filter((name) => !(name in present));
  if (missing.length) problems.push(`core file(s) missing: ${missing.join(', ')}`);
  if ('run.json' in present) {
    if (run.organization?.id !== manifest.organizationId) problems.push(`manifest organizationId ${String(manifest.organizationId)} differs from run.json's ${String(run.organization?.id)}`);
    if (run.startedAt !== manifest.runStartedAt) problems.push(`manifest runStartedAt ${String(manifest.runStartedAt)} differs from run.json's ${String(run.startedAt)}`);
    const audited = Array.isArray(run.accounts) ? (run.accounts as { id?: unknown; outcome?: unknown }[]).filter((a) => a.outcome === 'audited').map((a) => String(a.id)) : [];
    const absent = audited.filter((id) => !accountDirs.includes(id));
    if (absent.length) problems.push(`account folder(s) missing: ${absent.join(', ')} (run.json records them as audited)`);
  }
  for (const account of accountDirs) {
    try {
      const check = checkRunFolder(join(packageDir, account));
      for (const problem of check.problems) problems.push(`${account}/: ${problem}`);
      if (check.manifest.accountId !== account) problems.push(`${account}/: its manifest is for account ${String(check.manifest.accountId)}`);
    } catch (error) {
      problems.push(`${account}/: ${errorMessage(error)}`);
    }
  }
  const signature = checkSignature(packageDir, manifestBytes, options, problems, notes);
  return { runDir: packageDir, manifest, manifestSha256: sha256(manifestBytes), problems, notes, signature };
}

/** Whether a folder is an organization package (its manifest names an organization). */
export function isPackage(dir: string): boolean {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as Partial<Manifest>;
    return typeof manifest.organizationId === 'string';
  } catch {
    return false;
  }
}

/**
 * `verify PACKAGE`: checkPackage as a report, one line per problem. When the organization folder
 * holds the package written after this one, the manifest hash it recorded is checked too.
 */
export function verifyPackage(packageDir: string, options: VerifyOptions = {}): { ok: boolean; report: string } {
  const check = checkPackage(packageDir, options);
  const accounts = new Set(Object.keys(check.manifest.files).filter((name) => name.includes('/')).map((name) => name.split('/')[0]));
  const next = nextPackageRecord(packageDir);
  if (next && next.manifestSha256 !== check.manifestSha256) check.problems.push(`replaced or re-hashed: its manifest.json has sha256 ${check.manifestSha256}, but the next package ${next.run} recorded ${next.manifestSha256}`);
  const chained = next ? `; the next package ${next.run} records this manifest` : '; no later package records this manifest (verify --chain the organization folder; only a signature protects the newest package)';
  const signed = check.signature === 'valid' ? `; signature valid (${options.trustedKey?.fingerprint})` : '';
  const notes = check.notes.map((n) => `\nnote: ${n}`).join('');
  if (check.problems.length === 0) {
    return { ok: true, report: `OK: all ${Object.keys(check.manifest.files).length} files of ${packageDir} match manifest.json (sha256), and each of its ${accounts.size} account folder(s) verifies on its own${signed}${chained}${notes}` };
  }
  return { ok: false, report: `BROKEN: ${packageDir}: ${check.problems.length} problem(s)\n${check.problems.map((p) => `  ${p}`).join('\n')}${notes}` };
}

function nextPackageRecord(packageDir: string): { run: string; manifestSha256: string } | null {
  const name = basename(packageDir);
  const orgDir = join(packageDir, '..');
  for (const sibling of readdirSync(orgDir)) {
    if (sibling === name || !PACKAGE_FOLDER.test(sibling)) continue;
    try {
      const manifest = JSON.parse(readFileSync(join(orgDir, sibling, MANIFEST_FILE), 'utf8')) as Manifest;
      if (manifest.previous && manifest.previous.run === name && typeof manifest.previous.manifestSha256 === 'string') return { run: sibling, manifestSha256: manifest.previous.manifestSha256 };
    } catch {
      // Not a package, or not readable: it records nothing.
    }
  }
  return null;
}

/** The names of the folders under `<out>/org-<id>/` named like packages, sorted. */
export function packageNames(orgDir: string): string[] {
  return existsSync(orgDir) ? readdirSync(orgDir).filter((name) => PACKAGE_FOLDER.test(name)).sort() : [];
}

/** The organization's packages that count, oldest first, and those that do not (with why): as readRunArchive for an account. */
export interface PackageArchive {
  packages: ArchivedRun[];
  unverified: string[];
  /** The package folder names seen, to notice one written meanwhile. */
  names: string[];
}

/**
 * The packages under `<out>/org-<id>/`: each verified whole (checkPackage, no trusted key), then
 * vouched for by the chain of package manifests (chain.ts vouchedRuns). Anything named like a
 * package that does not verify, or that the chain does not vouch for, is listed in `unverified`
 * and counts for nothing: not as an account's previous run, an access review or a trend point.
 */
export function readPackageArchive(orgDir: string): PackageArchive {
  const names = packageNames(orgDir);
  const runs: ArchivedRun[] = [];
  const unverified: string[] = [];
  for (const name of names) {
    const dir = join(orgDir, name);
    try {
      const check = checkPackage(dir);
      const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { startedAt?: unknown; command?: unknown; controls?: unknown; statusCounts?: unknown };
      if (check.problems.length > 0 || typeof run.startedAt !== 'string') {
        unverified.push(dir);
        continue;
      }
      runs.push({
        dir,
        startedAt: run.startedAt,
        command: typeof run.command === 'string' ? run.command : 'unknown',
        scope: 'partial',
        controls: Array.isArray(run.controls) ? run.controls.filter((c): c is string => typeof c === 'string').sort() : [],
        statusCounts: (run.statusCounts && typeof run.statusCounts === 'object' ? run.statusCounts : {}) as Partial<Record<Status, number>>,
        manifestSha256: check.manifestSha256,
        previous: check.manifest.previous,
      });
    } catch {
      unverified.push(dir);
    }
  }
  const { vouched, unvouched } = vouchedRuns(runs, unverified);
  for (const { run, why } of unvouched) unverified.push(`${run.dir} (${why})`);
  return { packages: vouched.sort((a, b) => a.startedAt.localeCompare(b.startedAt)), unverified, names };
}

/**
 * An account's runs in the organization's packages, oldest first: its folder in each package the
 * archive vouches for, when that folder verifies on its own (archive.ts verifiedRun). These are
 * the account's history in organization runs: IAM-003's reviews, changes.csv's previous run, the
 * trend, and the copies its living register is rebuilt from. Its runs under `<out>/<account>/`
 * (single-account runs) are a separate history and are not read.
 */
export function accountArchive(archive: PackageArchive, accountId: string): RunArchive {
  const runs: ArchivedRun[] = [];
  const unverified: string[] = [];
  for (const pkg of archive.packages) {
    const dir = join(pkg.dir, accountId);
    if (!existsSync(dir)) continue;
    const run = verifiedRun(dir);
    if (run) runs.push(run);
    else unverified.push(dir);
  }
  return { runs, unverified };
}
