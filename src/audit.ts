import { sourcePartErrors } from './snapshot/part-errors.js';
import type { ChalkInstance } from 'chalk';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SEVERITIES, STATUSES, type Check, type ControlGroup, type Finding, type Severity, type Status } from './checks/check.js';
import { runChecks } from './checks/engine.js';
import { ALL_CHECKS, checksForGroup } from './checks/registry.js';
import { applyExceptions, exceptionsUse, exceptionsWarnings, type ExceptionsFile } from './exceptions.js';
import { BUILT_IN_ELIGIBLE_SERVICES, eligibleServicesAge, staleEligibleServicesWarning } from './hipaa/eligible-services.js';
import { accessReviewCsvChunks } from './report/access-review-csv.js';
import { peopleAccess } from './identity-center/people-access.js';
import { roleHolders } from './identity-center/role-holders.js';
import { withAccountLock, type LockTiming } from './report/account-lock.js';
import { LIVING_REGISTER, readLivingRegister, readRunArchive, runFindings, sameScope, type ArchivedRun, type LivingRegister, type RunArchive } from './report/archive.js';
import { changesCsv } from './report/changes.js';
import { complianceMatrix, complianceMatrixCsv } from './report/compliance-matrix.js';
import { replaceFileAtomically, writeRunFolder, type FileContent } from './report/evidence-writer.js';
import { findingsCsvChunks, findingsJsonChunks, runJson } from './report/findings.js';
import { DEFAULT_FORMATS, type Format } from './report/formats.js';
import { asffFindingsChunks, ocsfDetectionFindingsChunks } from './report/machine-formats.js';
import { groupCsvChunks } from './report/group-csv.js';
import { htmlReportChunks } from './report/html-report.js';
import { chainLink } from './report/chain.js';
import { buildManifest, MANIFEST_FILE, type PreviousRun } from './report/manifest.js';
import { mfaAuditCsv } from './report/mfa-audit-csv.js';
import { passwordPolicyCsv } from './report/password-policy-csv.js';
import { encodeRegister, nextRiskRegister, riskRegisterCsv, type RegisterRow } from './report/risk-register.js';
import type { RemediationSummary } from './report/remediation-log.js';
import { identityCenterCost, type ControlFilters, type RunInfo, type RunScope } from './report/run-info.js';
import { terminalSummary, totalsLine } from './report/terminal.js';
import { CollectionError, EvidenceWriteError, errorMessage } from './errors.js';
import { DEFAULT_SETTINGS, type Settings } from './settings.js';
import { isReadFailure, NOT_COLLECTED, TOOL } from './snapshot/build.js';
import { SOURCE_NAMES, type Snapshot } from './snapshot/schema.js';
import { ouPathText, type OrganizationContext } from './organization/facts.js';

/** Evidence files a control group adds to its run folder. */
const GROUP_REPORTS: Partial<Record<ControlGroup, { file: string; render: (findings: readonly Finding[]) => Iterable<string> }>> = {
  'password-policy': { file: 'password-policy.csv', render: (findings) => rendered(() => passwordPolicyCsv(findings)) },
  'mfa-audit': { file: 'mfa-audit.csv', render: (findings) => rendered(() => mfaAuditCsv(findings)) },
  ...Object.fromEntries(
    (['credentials', 'least-privilege', 'boundary', 'analyzer', 'audit-trail', 'identity-center'] as const).map((group) => [
      group,
      { file: `${group}.csv`, render: (findings: readonly Finding[]) => groupCsvChunks(checksForGroup(group), findings) },
    ]),
  ),
};

/** A small file rendered when it is written (so its time counts as its own), as one chunk. */
function* rendered(render: () => string): Generator<string> {
  yield render();
}


export interface AuditRequest {
  command: string;
  checks: readonly Check[];
  snapshot: Snapshot;
  startedAt: Date;
  outDir: string;
  failOn: Severity;
  settings?: Partial<Settings>;
  /** Accepted risks (--exceptions): applied to failures; their use is recorded in run.json and warned of. */
  exceptions?: ExceptionsFile;
  formats?: readonly Format[];
  colour: ChalkInstance;
  clock?: () => Date;
  /** Files a command adds to the run folder beside the evidence (remediation-log.csv), covered by the manifest. */
  extraFiles?: Record<string, string>;
  /** What a remediating command planned or did, recorded in run.json. */
  remediation?: RemediationSummary;
  /** How long to wait for another run of the same account, and when its lock is stale (tests shorten it). */
  lockTiming?: LockTiming;
  /** The control filters that narrowed `checks`, recorded in run.json (a narrowed audit is already partial by its controls). */
  filters?: ControlFilters;
  /** The terminal summary shows only controls and lines that FAIL or are ERROR (--only-failures). */
  onlyFailures?: boolean;
  /**
   * Told how long each phase took, in milliseconds, as it ends: 'checks' (judging, exceptions
   * applied), 'report:<file name>' per evidence file (producing its content), 'write' (encoding,
   * hashing, writing, flushing and renaming the run folder) and 'register' (carrying the living
   * register forward). For benches; it must not throw.
   */
  onPhase?: (phase: string, milliseconds: number) => void;
  /** In an organization-wide run: the organization's facts and this account's place in it (CheckContext.organization). */
  organization?: OrganizationContext;
  /**
   * The run's scope when the caller knows better than `checks` (an organization run judges
   * IAM-039 once for the organization, not in each account: its full audit is a full audit of
   * each account); default 'full' exactly when `checks` holds every control.
   */
  scope?: RunScope;
}

export interface AuditResult {
  findings: Finding[];
  runDir: string;
  exitCode: 0 | 1 | 3;
  summary: string;
  /** One line each, for stderr (a stale eligible-services list); also recorded in run.json. */
  warnings: string[];
  /**
   * The findings document, the very text of findings.json (also when --format leaves that file
   * out), for --json on stdout: a fresh generator of its chunks at each call, never one string.
   */
  findingsDocument: () => Iterable<string>;
}

/**
 * Judges a snapshot, writes the run's evidence folder (atomically), carries the living risk
 * register forward (atomically, after the run folder exists), and says how the run should exit.
 * All of it happens under the account folder's lock (src/report/account-lock.ts), so runs into
 * one --out take turns instead of racing for a folder name or overwriting each other's register.
 */
export function audit(request: AuditRequest): AuditResult {
  return withAccountLock(join(request.outDir, request.snapshot.accountId), () => auditUnderLock(request), request.lockTiming);
}

function auditUnderLock(request: AuditRequest): AuditResult {
  const { snapshot, outDir } = request;
  const archive = readRunArchive(outDir, snapshot.accountId);
  // A register people broke is refused before any work is done.
  readLivingRegister(outDir, snapshot.accountId, archive.runs);
  const prepared = prepareAccountRun(request, archive, () => readLivingRegister(outDir, snapshot.accountId, archive.runs), join(outDir, snapshot.accountId));
  const { checks, findings, runDate, living } = prepared;
  const runDir = writeRunFolder(outDir, snapshot.accountId, request.startedAt, prepared.files, { last: prepared.manifest(chainLink(archive.runs)), ...(request.onPhase ? { onPhase: request.onPhase } : {}) });
  const registerStarted = performance.now();
  try {
    carryRegisterForward(living, (rows) => nextRiskRegister(rows, checks, findings, runDate), runDir, archive.runs);
    request.onPhase?.('register', performance.now() - registerStarted);
  } catch (error) {
    if (error instanceof CollectionError) throw error;
    // The run is filed and verifiable; only the register did not advance. Exit 3, never 2 ("nothing written").
    throw new EvidenceWriteError(`the run's evidence is complete in ${runDir}, but the living register was not updated: ${errorMessage(error)} (the register is as it was; the next run brings it up to date)`);
  }
  return { findings, runDir, exitCode: prepared.exitCode, summary: prepared.summary(), warnings: prepared.warnings, findingsDocument: prepared.findingsDocument };
}

/** A run judged and its evidence files ready to write (as generators), before anything is written: what audit() and an organization run's accounts share. */
export interface PreparedAccountRun {
  checks: readonly Check[];
  findings: Finding[];
  run: RunInfo;
  /** YYYY-MM-DD of the run's start: the register's dates. */
  runDate: string;
  /** The living register as read for this run (its copy is among the files). */
  living: LivingRegister;
  /** The evidence files by name, each rendered as it is written. */
  files: Record<string, FileContent>;
  /** The manifest, once the other files' hashes are known, chained to `previous`. */
  manifest: (previous: PreviousRun | null) => (hashes: Record<string, string>) => Record<string, FileContent>;
  exitCode: 0 | 1 | 3;
  warnings: string[];
  summary: () => string;
  findingsDocument: () => Iterable<string>;
}

/**
 * Judges the request's snapshot against `archive` (the account's verified earlier runs: IAM-003
 * reviews, changes.csv's previous run, the trend) and the living register `readLiving` returns
 * (its copy goes into the run), and renders the run's evidence files, without writing any.
 * `archiveLabel` names where the archive was read, in the warning about unverified folders.
 * With `request.organization`, each finding carries the account and its OU path, and
 * findings.csv the three account columns at its end. Throws InputError for a broken register.
 */
export function prepareAccountRun(request: AuditRequest, archive: RunArchive, readLiving: () => LivingRegister, archiveLabel: string): PreparedAccountRun {
  const { snapshot, checks } = request;
  const clock = request.clock ?? (() => new Date());
  const formats = new Set(request.formats ?? DEFAULT_FORMATS);
  const controls = checks.map((c) => c.meta.controlId);
  const scope: RunScope = request.scope ?? (ALL_CHECKS.every((c) => controls.includes(c.meta.controlId)) ? 'full' : 'partial');
  // A subcommand run is compared only with earlier runs that judged the same controls.
  const history = archive.runs.filter((r) => sameScope(r, { scope, command: request.command, controls }));

  // Checks judge "now" as of collection, so a saved snapshot gives the same verdicts later.
  // Only verified full audits are access reviews (IAM-003): a subcommand run looked at a part.
  const reviews = archive.runs.filter((r) => r.scope === 'full').map((r) => r.startedAt);
  const settings = { ...DEFAULT_SETTINGS, ...request.settings };
  const checksStarted = performance.now();
  const organization = request.organization;
  const placed = runChecks(checks, snapshot, settings, new Date(snapshot.collectedAt), { reviews }, organization ?? null);
  // An organization run's findings say which account they are about, and where it sits in the organization.
  const account = organization ? { id: organization.account.id, name: organization.account.name, ouPath: ouPathText(organization.account) } : undefined;
  const judged = account ? placed.map((f) => ({ ...f, account })) : placed;
  const runDate = request.startedAt.toISOString().slice(0, 10);
  const findings = request.exceptions ? applyExceptions(judged, request.exceptions.exceptions, runDate) : judged;
  const exceptions = request.exceptions ? exceptionsUse(request.exceptions, judged, controls, runDate) : undefined;
  request.onPhase?.('checks', performance.now() - checksStarted);

  // The list's age is judged against the run, not the snapshot: it is about what the run relied on.
  const listAge = checks.some((c) => c.meta.usesEligibleServices) ? eligibleServicesAge(settings.eligibleServices, request.startedAt) : undefined;
  const warnings = [listAge && staleEligibleServicesWarning(listAge, settings.eligibleServices === BUILT_IN_ELIGIBLE_SERVICES)].filter((w): w is string => typeof w === 'string');
  if (snapshot.origin.datedBy === 'run time (no date in the export)') {
    warnings.push(`nothing in the import dates its exports, so key ages and days unused count from this run (${snapshot.collectedAt}); pass --as-of DATE (the day they were taken), or save the report's GeneratedTime beside it (aws iam get-credential-report --query GeneratedTime --output text > credential-report-generated-time.txt)`);
  }
  if (archive.unverified.length > 0) {
    warnings.push(`${archive.unverified.length} folder(s) in ${archiveLabel} look like runs but their manifest does not verify or the chain of manifests does not vouch for them, so they were not counted as reviews, previous runs or trend points: ${archive.unverified.join(', ')}`);
  }
  if (exceptions) warnings.push(...exceptionsWarnings(exceptions));

  const statusCounts = Object.fromEntries(STATUSES.map((s) => [s, findings.filter((f) => f.status === s).length]).filter(([, n]) => n !== 0)) as Partial<Record<Status, number>>;
  const run: RunInfo = {
    tool: TOOL,
    command: request.command,
    scope,
    accountId: snapshot.accountId,
    caller: snapshot.sources.callerIdentity.status === 'ok'
      ? { arn: snapshot.sources.callerIdentity.data.arn, userId: snapshot.sources.callerIdentity.data.userId }
      : null,
    source: snapshot.origin,
    snapshotCollectedAt: snapshot.collectedAt,
    ...(snapshot.origin.datedBy ? { asOf: { at: snapshot.collectedAt, from: snapshot.origin.datedBy } } : {}),
    startedAt: request.startedAt.toISOString(),
    finishedAt: clock().toISOString(),
    controls,
    ...(request.filters ? { filters: request.filters } : {}),
    formats: [...formats].sort(),
    statusCounts,
    collection: snapshot.collection,
    sourceErrors: SOURCE_NAMES.flatMap((name) => {
      const source = snapshot.sources[name];
      return source.status === 'error' && isReadFailure(name, source.error.code) ? [{ source: name, ...source.error }] : [];
    }),
    ...partErrorsOf(snapshot),
    ...sourcesNotRead(snapshot),
    ...identityCenterCost(snapshot),
    ...(listAge ? { eligibleServices: listAge } : {}),
    ...(request.remediation ? { remediation: request.remediation } : {}),
    ...(exceptions ? { exceptions } : {}),
  };

  // People may have saved the register while the checks ran: start from what is there now.
  const living = readLiving();
  if (living.rebuiltFrom) warnings.push(`the living risk register ${living.path} was ${living.bytes ? 'empty' : 'missing'}; rebuilt from ${join(living.rebuiltFrom, LIVING_REGISTER)}, Owner and Notes included`);
  const register = nextRiskRegister(living.rows, checks, findings, runDate);
  const matrix = complianceMatrix(checks, findings);
  const previousRun = history.at(-1);
  // Every evidence file is a generator, rendered as it is written: no string holds a whole file.
  const files: Record<string, FileContent> = { 'run.json': runJson(run) };
  // Who signs in through IAM Identity Center, and to what: the access review's and the report's, built once, when one of them is written.
  let identityCenterPeople: ReturnType<typeof peopleAccess> | undefined;
  const people = () => (identityCenterPeople ??= peopleAccess(snapshot, organization ?? null, settings, new Date(snapshot.collectedAt)));
  const findingsDocument = () => findingsJsonChunks(run, findings);
  if (formats.has('json')) files['findings.json'] = findingsDocument();
  if (formats.has('csv')) {
    files['findings.csv'] = findingsCsvChunks(findings, { accounts: account !== undefined });
    for (const group of new Set(checks.map((c) => c.meta.group))) {
      const report = GROUP_REPORTS[group];
      if (report) files[report.file] = report.render(findings);
    }
    // The monthly access review a manager signs: only a full audit has every verdict it joins.
    if (scope === 'full') files['access-review.csv'] = accessReviewCsvChunks(snapshot, findings, { people: people(), roleHolders: roleHolders(snapshot, organization ?? null) });
    files['compliance-matrix.csv'] = rendered(() => complianceMatrixCsv(matrix));
    files['changes.csv'] = rendered(() => changesCsv(previousRun ? runFindings(previousRun.dir) : null, findings));
    files[LIVING_REGISTER] = rendered(() => riskRegisterCsv(register));
  }
  if (formats.has('ocsf')) files['findings.ocsf.json'] = ocsfDetectionFindingsChunks(run, findings);
  if (formats.has('asff')) files['findings.asff.json'] = asffFindingsChunks(run, findings, snapshot.origin.region ?? (snapshot.sources.cloudTrail.status === 'ok' ? snapshot.sources.cloudTrail.data.region : 'us-east-1'));
  if (formats.has('html')) {
    const trend = [...history.map((r) => ({ startedAt: r.startedAt, counts: r.statusCounts })), { startedAt: run.startedAt, counts: statusCounts }];
    files['report.html'] = htmlReportChunks({ run, controls: checks.map((c) => c.meta), findings, matrix, register, trend, ...(scope === 'full' || checks.some((c) => c.meta.group === 'identity-center') ? { people: people() } : {}) });
  }
  Object.assign(files, request.extraFiles);
  // The manifest is written last, from the hashes of the bytes written (never read back); the account's runs form a chain.
  const manifest = (previous: PreviousRun | null) => (hashes: Record<string, string>) => ({
    [MANIFEST_FILE]: `${JSON.stringify(buildManifest(hashes, { tool: TOOL, accountId: snapshot.accountId, runStartedAt: run.startedAt, previous }), null, 2)}\n`,
  });
  return {
    checks,
    findings,
    run,
    runDate,
    living,
    files,
    manifest,
    exitCode: exitCodeFor(findings, request.failOn),
    warnings,
    summary: () => terminalSummary(checks, findings, request.colour, { onlyFailures: request.onlyFailures }) + totalsLine(findings, request.colour),
    findingsDocument,
  };
}

/**
 * Replaces the living register with this run's, merged into the newest version people saved:
 * the file is read once more after the new one is on disk, just before the rename, and while it
 * differs from the version merged, the merge is done again from what is there now. A register
 * that became unreadable meanwhile is left as the person saved it (exit 3: the run is written).
 * The register is `<outDir>/<name>/risk-register.csv` (read.path): an account's, or in an
 * organization run an account's under `<out>/org-<id>/` or the organization's own.
 */
export function carryRegisterForward(read: LivingRegister, next: (rows: RegisterRow[]) => RegisterRow[], runDir: string, runs: readonly ArchivedRun[]): void {
  const [outDir, accountId] = [dirname(dirname(read.path)), basename(dirname(read.path))];
  let merged = read;
  replaceFileAtomically(read.path, encodeRegister(riskRegisterCsv(next(read.rows)), read.encoding), () => {
    const now = currentBytes(read.path);
    if (sameBytes(now, merged.bytes)) return null;
    try {
      merged = readLivingRegister(outDir, accountId, runs);
    } catch (error) {
      throw new CollectionError(`the run's evidence is in ${runDir}, but ${read.path} was changed during the run and cannot be merged (${errorMessage(error)}); fix it and rerun`);
    }
    return encodeRegister(riskRegisterCsv(next(merged.rows)), merged.encoding);
  });
}

function currentBytes(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch {
    return null;
  }
}

function sameBytes(a: Buffer | null, b: Buffer | null): boolean {
  return a === null || b === null ? a === b : a.equals(b);
}

/** The sources a narrowed live run left unread, with the reason, for run.json; nothing when every source was read. */
function partErrorsOf(snapshot: Snapshot): Pick<RunInfo, 'sourcePartErrors'> {
  const errors = sourcePartErrors(snapshot);
  return errors.length > 0 ? { sourcePartErrors: errors } : {};
}

function sourcesNotRead(snapshot: Snapshot): Pick<RunInfo, 'sourcesNotRead'> {
  const notRead = SOURCE_NAMES.flatMap((name) => {
    const source = snapshot.sources[name];
    return source.status === 'error' && source.error.code === NOT_COLLECTED ? [{ source: name, reason: source.error.message }] : [];
  });
  return notRead.length > 0 ? { sourcesNotRead: notRead } : {};
}

/** DESIGN.md: 3 when anything could not be judged (it wins), 1 for failures at or above the bar. */
export function exitCodeFor(findings: readonly Finding[], failOn: Severity): 0 | 1 | 3 {
  if (findings.some((f) => f.status === 'ERROR')) return 3;
  const bar = SEVERITIES.indexOf(failOn);
  return findings.some((f) => f.status === 'FAIL' && SEVERITIES.indexOf(f.severity) <= bar) ? 1 : 0;
}
