import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import type { ArchivedRun } from './archive.js';
import { MANIFEST_FILE, sha256, SIGNATURE_FILE, type Manifest, type PreviousRun } from './manifest.js';
import { checkPackage, isPackage } from './organization-package.js';
import { checkRunFolder, type RunFolderCheck, type VerifyOptions } from './verify.js';

/** Run folders are named by their start time (src/report/evidence-writer.ts runFolderName). */
const RUN_FOLDER = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z(-\d+)?$/;

/**
 * The link a new run records: the newest end of the account's chain among its verified runs,
 * that is the verified run no other verified run records as its previous (runs are chained in
 * the order they were written, which the account lock makes one at a time, not in start-time
 * order: audits started together finish in any order). Several ends (an archive from before
 * runs were chained, or a forged one) give the newest by start time. null for an account's
 * first run. Call it under the account lock.
 */
export function chainLink(runs: readonly ArchivedRun[]): PreviousRun | null {
  const recorded = new Set(runs.map((run) => run.previous?.manifestSha256).filter(Boolean));
  const ends = runs.filter((run) => !recorded.has(run.manifestSha256)).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const newest = ends.at(-1);
  return newest ? { run: basename(newest.dir), manifestSha256: newest.manifestSha256 } : null;
}

export interface ChainCheck {
  ok: boolean;
  /** One line per problem, each naming the run folder it is about. */
  problems: string[];
  notes: string[];
  /** The run that ends the chain: protected by no later run, only by its signature. */
  newest: string | null;
  runs: number;
}

/**
 * `verify --chain ACCOUNT_DIR`: every run folder verified on its own (checkRunFolder; for an
 * organization folder `<out>/org-<id>`, every package checked whole by checkPackage), then the
 * links between them. A run whose recorded previous manifest is in no present run was preceded
 * by a run that was removed (or the run itself was forged); one whose previous run is there
 * with another manifest hash had that run replaced or re-hashed; a run that no later run
 * records, other than the one newest end, was inserted (forged); two runs recording the same
 * previous run mean one was inserted. Runs whose manifests predate chaining (no `previous`)
 * and precede the first chained run are noted as not covered. The lock files, hidden
 * `.partial` leftovers and the living register in the account folder are ignored.
 * Throws InputError (exit 2) when accountDir is not a folder or holds no run folder.
 */
export function verifyChain(accountDir: string, options: VerifyOptions = {}): ChainCheck {
  if (!existsSync(accountDir) || !statSync(accountDir).isDirectory()) throw new InputError(`${accountDir} is not an account folder; give <out>/<account-id> (or <out>/org-<organization-id>)`);
  const names = readdirSync(accountDir).filter((name) => RUN_FOLDER.test(name)).sort();
  if (names.length === 0) throw new InputError(`${accountDir} holds no run folders; give <out>/<account-id>, the folder that holds the <timestamp> runs (or <out>/org-<organization-id>, the folder that holds the packages)`);
  const problems: string[] = [];
  const notes: string[] = [];
  const checks: RunFolderCheck[] = [];
  // Runs from before the account's first signed run may be unsigned; once signing began, a run without a signature had it removed.
  const firstSigned = names.find((name) => existsSync(join(accountDir, name, SIGNATURE_FILE)));
  // An organization folder (<out>/org-<id>) holds packages: each is checked whole, its account folders included.
  const organization = basename(resolve(accountDir)).startsWith('org-') || isPackage(join(accountDir, names[0]!));
  for (const name of names) {
    const dir = join(accountDir, name);
    if (!statSync(dir).isDirectory()) {
      problems.push(`${name}: named like a run but is not a folder`);
      continue;
    }
    try {
      const checkFolder = organization ? checkPackage : checkRunFolder;
      const check = checkFolder(dir, { ...options, allowUnsigned: firstSigned !== undefined && name < firstSigned });
      checks.push(check);
      for (const problem of check.problems) problems.push(`${name}: ${problem}`);
      for (const note of check.notes) notes.push(`${name}: ${note}`);
    } catch (error) {
      problems.push(`${name}: ${(error as Error).message}`);
    }
  }
  const account = basename(accountDir);
  for (const check of checks) {
    if (/^\d{12}$/.test(account) && check.manifest.accountId !== account) problems.push(`${basename(check.runDir)}: its manifest is for account ${String(check.manifest.accountId)}, not ${account}`);
  }

  const byName = new Map(checks.map((c) => [basename(c.runDir), c]));
  // A byte-for-byte copy of a run has its manifest hash too: the recorded name picks the original.
  const byHashAll = new Map<string, RunFolderCheck[]>();
  for (const c of checks) byHashAll.set(c.manifestSha256, [...(byHashAll.get(c.manifestSha256) ?? []), c]);
  const byHash = { get: (hash: string, name?: string) => byHashAll.get(hash)?.find((c) => basename(c.runDir) === name) ?? byHashAll.get(hash)?.[0] };
  // Who records each run as its previous, by hash or (when the hash no longer matches) by name.
  const successors = new Map<RunFolderCheck, RunFolderCheck[]>();
  const link = (from: RunFolderCheck, to: RunFolderCheck) => successors.set(to, [...(successors.get(to) ?? []), from]);
  for (const check of checks) {
    const name = basename(check.runDir);
    const previous = check.manifest.previous;
    if (!previous) continue;
    if (typeof previous.manifestSha256 !== 'string' || typeof previous.run !== 'string') {
      problems.push(`${name}: its manifest's previous-run record is malformed`);
      continue;
    }
    const target = byHash.get(previous.manifestSha256, previous.run);
    const named = byName.get(previous.run);
    if (target) {
      link(check, target);
      if (basename(target.runDir) !== previous.run) problems.push(`${basename(target.runDir)}: renamed; the next run ${name} recorded it as ${previous.run}`);
    } else if (named) {
      link(check, named);
      problems.push(`${previous.run}: replaced or re-hashed; its manifest.json has sha256 ${named.manifestSha256}, but the next run ${name} recorded ${previous.manifestSha256}`);
    } else {
      problems.push(`${previous.run}: removed; the run after it, ${name}, records its manifest (sha256 ${previous.manifestSha256}) and no run in ${accountDir} has it (or ${name} itself was forged)`);
    }
  }
  for (const [target, froms] of successors) {
    if (froms.length > 1) problems.push(`${basename(target.runDir)}: recorded as the previous run by ${froms.map((f) => basename(f.runDir)).join(' and ')}; a run was inserted (forged) beside the real next one`);
  }

  // The ends of the chain: runs no later run records. Only the newest may be one.
  const firstChained = checks.filter((c) => c.manifest.previous !== undefined).map((c) => c.manifest.runStartedAt).sort()[0];
  const unchained = checks.filter((c) => c.manifest.previous === undefined && !successors.has(c) && (firstChained === undefined || c.manifest.runStartedAt < firstChained));
  // The first chained run records the newest run from before chaining (or none, when there was none): unchained runs it cannot account for were forged.
  const first = checks.filter((c) => c.manifest.previous !== undefined).sort((a, b) => a.manifest.runStartedAt.localeCompare(b.manifest.runStartedAt))[0];
  const reachedLegacy = first?.manifest.previous ? byHash.get(first.manifest.previous.manifestSha256, first.manifest.previous.run) : undefined;
  const forgedLegacy = first ? unchained.filter((c) => !reachedLegacy || c.manifest.runStartedAt > reachedLegacy.manifest.runStartedAt) : [];
  for (const c of forgedLegacy) {
    problems.push(
      `${basename(c.runDir)}: forged; written without a chain link, yet the first chained run ${basename(first!.runDir)} ${reachedLegacy ? `records ${basename(reachedLegacy.runDir)} as the newest run before chaining` : 'records no earlier run'}`,
    );
  }
  const legacy = unchained.filter((c) => !forgedLegacy.includes(c));
  if (legacy.length > 0 && firstChained !== undefined) notes.push(`${legacy.length} run(s) written before manifests were chained (${legacy.map((c) => basename(c.runDir)).join(', ')}): each verified on its own, not covered by the chain`);
  const ends = checks.filter((c) => !successors.has(c) && !(firstChained !== undefined && unchained.includes(c)));
  const length = (c: RunFolderCheck): number => {
    let n = 0;
    const seen = new Set<RunFolderCheck>();
    for (let at: RunFolderCheck | undefined = c; at && !seen.has(at); n += 1) {
      seen.add(at);
      const previous: PreviousRun | null | undefined = at.manifest.previous;
      at = previous ? (byHash.get(previous.manifestSha256, previous.run) ?? byName.get(previous.run)) : undefined;
    }
    return n;
  };
  // The longest chain's end is taken as the real one; ties go to the newest start time.
  const ranked = [...ends].sort((a, b) => length(b) - length(a) || b.manifest.runStartedAt.localeCompare(a.manifest.runStartedAt));
  const newest = ranked[0];
  if (firstChained !== undefined) {
    for (const end of ranked.slice(1)) {
      const tie = length(end) === length(newest!) ? ` (or ${basename(newest!.runDir)} was, both end chains as long: only a signature tells them apart)` : '';
      problems.push(`${basename(end.runDir)}: inserted (forged); no later run records its manifest, and only the newest run, ${basename(newest!.runDir)}, may be unrecorded${tie}`);
    }
  }
  return { ok: problems.length === 0, problems, notes, newest: newest ? basename(newest.runDir) : null, runs: names.length };
}

/** The report `verify --chain` prints. */
export function chainReport(accountDir: string, check: ChainCheck): string {
  const notes = check.notes.map((n) => `note: ${n}`);
  const newest = check.newest ? `note: the newest run, ${check.newest}, is recorded by no later run: only its signature (--sign-with-kms) protects it, and removing it leaves no trace in the chain` : '';
  if (check.ok) return [`OK: ${check.runs} runs of ${accountDir} verify and form one unbroken chain`, ...notes, newest].filter(Boolean).join('\n');
  return [`BROKEN: ${accountDir}: ${check.problems.length} problem(s)`, ...check.problems.map((p) => `  ${p}`), ...notes, newest].filter(Boolean).join('\n');
}

/** A verified run the chain does not vouch for, and why. */
export interface UnvouchedRun {
  run: ArchivedRun;
  why: string;
}

interface Link {
  dir: string;
  startedAt: string;
  hash: string;
  previous: PreviousRun | null | undefined;
  /** The run, when its own manifest verifies; undefined for a folder that only links. */
  run?: ArchivedRun;
}

/**
 * Of an account's runs, those the chain vouches for: the verified runs (each manifest checked on
 * its own) on the longest chain back from its newest end and, when that chain reaches back to a
 * run from before manifests were chained, the older unchained ones. Folders whose files no
 * longer match their manifest (`linkOnly`, their dirs) still carry the chain's links, so a run
 * altered after the fact drops out alone, not with the history before it. A chained run no later
 * run records (other than the newest end) was inserted; an unchained run is forged when the
 * account's first chained run records no earlier run, or when it is newer than the unchained run
 * the chain reaches. Without any chained run (an archive from before chaining) every verified
 * run is vouched for. What a signature adds is not judged here.
 */
export function vouchedRuns(runs: readonly ArchivedRun[], linkOnly: readonly string[] = []): { vouched: ArchivedRun[]; unvouched: UnvouchedRun[] } {
  const info: Link[] = runs.map((run) => ({ dir: run.dir, startedAt: run.startedAt, hash: run.manifestSha256, previous: run.previous, run }));
  for (const dir of linkOnly) {
    try {
      const bytes = readFileSync(join(dir, MANIFEST_FILE));
      const manifest = JSON.parse(bytes.toString('utf8')) as Partial<Manifest>;
      if (typeof manifest.runStartedAt === 'string') info.push({ dir, startedAt: manifest.runStartedAt, hash: sha256(bytes), previous: manifest.previous });
    } catch {
      // No readable manifest: it links nothing.
    }
  }
  if (!info.some((i) => i.run && i.previous !== undefined)) return { vouched: [...runs], unvouched: [] };
  const chained = info.filter((i) => i.previous !== undefined);
  const byHash = new Map<string, Link>();
  for (const i of info) if (!byHash.has(i.hash)) byHash.set(i.hash, i);
  const back = (i: Link) => (i.previous ? byHash.get(i.previous.manifestSha256) : undefined);
  const path = (end: Link) => {
    const seen: Link[] = [];
    for (let at: Link | undefined = end; at && !seen.includes(at); at = back(at)) seen.push(at);
    return seen;
  };
  const recorded = new Set(chained.map((i) => i.previous?.manifestSha256));
  const ends = chained.filter((i) => !recorded.has(i.hash));
  const best = ends.map(path).sort((a, b) => b.length - a.length || b[0]!.startedAt.localeCompare(a[0]!.startedAt))[0] ?? [];
  const onPath = new Set(best);
  const oldest = best.at(-1);
  // The chain reaches back to an unchained run: that run and the older unchained ones are the history from before chaining.
  const legacyFloor = oldest && oldest.previous === undefined ? oldest.startedAt : null;
  const vouched: ArchivedRun[] = [];
  const unvouched: UnvouchedRun[] = [];
  for (const i of info) {
    if (!i.run) continue;
    if (onPath.has(i)) vouched.push(i.run);
    else if (i.previous === undefined && legacyFloor !== null && i.startedAt < legacyFloor) vouched.push(i.run);
    else if (i.previous === undefined) unvouched.push({ run: i.run, why: 'a run without a chain link, yet not among the runs from before chaining that the chain reaches back to' });
    else unvouched.push({ run: i.run, why: 'no later run records its manifest, and it is not the newest end of the chain: inserted' });
  }
  return { vouched, unvouched };
}
