import type { ChalkInstance } from 'chalk';
import { join } from 'node:path';
import { SEVERITIES, STATUSES, type Check, type ControlGroup, type Finding, type Severity, type Status } from './checks/check.js';
import { runChecks } from './checks/engine.js';
import { EvidenceWriteError, errorMessage } from './errors.js';
import { ALL_CHECKS, checksForGroup } from './checks/registry.js';
import { applyExceptions, type RiskException } from './exceptions.js';
import { eligibleServicesAge, staleEligibleServicesWarning } from './hipaa/eligible-services.js';
import { accessReviewCsv } from './report/access-review-csv.js';
import { archivedRuns, LIVING_REGISTER, readLivingRegister, runFindings } from './report/archive.js';
import { changesCsv } from './report/changes.js';
import { complianceMatrix, complianceMatrixCsv } from './report/compliance-matrix.js';
import { writeFileAtomically, writeRunFolder } from './report/evidence-writer.js';
import { findingsCsv, findingsJson, runJson } from './report/findings.js';
import { DEFAULT_FORMATS, type Format } from './report/formats.js';
import { asffFindings, ocsfDetectionFindings } from './report/machine-formats.js';
import { groupCsv } from './report/group-csv.js';
import { htmlReport } from './report/html-report.js';
import { buildManifest, MANIFEST_FILE } from './report/manifest.js';
import { mfaAuditCsv } from './report/mfa-audit-csv.js';
import { passwordPolicyCsv } from './report/password-policy-csv.js';
import { nextRiskRegister, riskRegisterCsv } from './report/risk-register.js';
import type { RemediationSummary } from './report/remediation-log.js';
import type { RunInfo } from './report/run-info.js';
import { terminalSummary, totalsLine } from './report/terminal.js';
import { DEFAULT_SETTINGS, type Settings } from './settings.js';
import { TOOL } from './snapshot/build.js';
import { SOURCE_NAMES, type Snapshot } from './snapshot/schema.js';

/** Evidence files a control group adds to its run folder. */
const GROUP_REPORTS: Partial<Record<ControlGroup, { file: string; render: (findings: readonly Finding[]) => string }>> = {
  'password-policy': { file: 'password-policy.csv', render: passwordPolicyCsv },
  'mfa-audit': { file: 'mfa-audit.csv', render: mfaAuditCsv },
  ...Object.fromEntries(
    (['credentials', 'least-privilege', 'boundary', 'analyzer', 'audit-trail'] as const).map((group) => [
      group,
      { file: `${group}.csv`, render: (findings: readonly Finding[]) => groupCsv(checksForGroup(group), findings) },
    ]),
  ),
};


export interface AuditRequest {
  command: string;
  checks: readonly Check[];
  snapshot: Snapshot;
  startedAt: Date;
  outDir: string;
  failOn: Severity;
  settings?: Partial<Settings>;
  exceptions?: readonly RiskException[];
  formats?: readonly Format[];
  colour: ChalkInstance;
  clock?: () => Date;
  /** Files a command adds to the run folder beside the evidence (remediation-log.csv), covered by the manifest. */
  extraFiles?: Record<string, string>;
  /** What a remediating command planned or did, recorded in run.json. */
  remediation?: RemediationSummary;
}

export interface AuditResult {
  findings: Finding[];
  runDir: string;
  exitCode: 0 | 1 | 3;
  summary: string;
  /** One line each, for stderr (a stale eligible-services list); also recorded in run.json. */
  warnings: string[];
}

/**
 * Judges a snapshot, writes the run's evidence folder (atomically), carries the living risk
 * register forward (atomically, after the run folder exists), and says how the run should exit.
 */
export function audit(request: AuditRequest): AuditResult {
  const { snapshot, checks, outDir } = request;
  const clock = request.clock ?? (() => new Date());
  const formats = new Set(request.formats ?? DEFAULT_FORMATS);
  const history = archivedRuns(outDir, snapshot.accountId);
  const previousRegister = readLivingRegister(outDir, snapshot.accountId);

  // Checks judge "now" as of collection, so a saved snapshot gives the same verdicts later.
  const settings = { ...DEFAULT_SETTINGS, runArchive: history.map((r) => r.startedAt), ...request.settings };
  const judged = runChecks(checks, snapshot, settings, new Date(snapshot.collectedAt));
  const runDate = request.startedAt.toISOString().slice(0, 10);
  const findings = request.exceptions?.length ? applyExceptions(judged, request.exceptions, runDate) : judged;

  // The list's age is judged against the run, not the snapshot: it is about what the run relied on.
  const listAge = checks.some((c) => c.meta.usesEligibleServices) ? eligibleServicesAge(settings.eligibleServices, request.startedAt) : undefined;
  const warnings = [listAge && staleEligibleServicesWarning(listAge)].filter((w): w is string => typeof w === 'string');

  const statusCounts = Object.fromEntries(STATUSES.map((s) => [s, findings.filter((f) => f.status === s).length]).filter(([, n]) => n !== 0)) as Partial<Record<Status, number>>;
  const run: RunInfo = {
    tool: TOOL,
    command: request.command,
    accountId: snapshot.accountId,
    caller: snapshot.sources.callerIdentity.status === 'ok'
      ? { arn: snapshot.sources.callerIdentity.data.arn, userId: snapshot.sources.callerIdentity.data.userId }
      : null,
    source: snapshot.origin,
    snapshotCollectedAt: snapshot.collectedAt,
    startedAt: request.startedAt.toISOString(),
    finishedAt: clock().toISOString(),
    controls: checks.map((c) => c.meta.controlId),
    statusCounts,
    collection: snapshot.collection,
    sourceErrors: SOURCE_NAMES.flatMap((name) => {
      const source = snapshot.sources[name];
      return source.status === 'error' ? [{ source: name, ...source.error }] : [];
    }),
    ...(listAge ? { eligibleServices: listAge } : {}),
    ...(request.remediation ? { remediation: request.remediation } : {}),
  };

  const register = nextRiskRegister(previousRegister, checks, findings, runDate);
  const matrix = complianceMatrix(checks, findings);
  const previousRun = history.at(-1);
  const files: Record<string, string> = { 'run.json': runJson(run) };
  if (formats.has('json')) files['findings.json'] = findingsJson(run, findings);
  if (formats.has('csv')) {
    files['findings.csv'] = findingsCsv(findings);
    for (const group of new Set(checks.map((c) => c.meta.group))) {
      const report = GROUP_REPORTS[group];
      if (report) files[report.file] = report.render(findings);
    }
    // The monthly access review a manager signs: only a full audit has every verdict it joins.
    if (checks.length === ALL_CHECKS.length) files['access-review.csv'] = accessReviewCsv(snapshot, findings);
    files['compliance-matrix.csv'] = complianceMatrixCsv(matrix);
    files['changes.csv'] = changesCsv(previousRun ? runFindings(previousRun.dir) : null, findings);
    files[LIVING_REGISTER] = riskRegisterCsv(register);
  }
  if (formats.has('ocsf')) files['findings.ocsf.json'] = ocsfDetectionFindings(run, findings);
  if (formats.has('asff')) files['findings.asff.json'] = asffFindings(run, findings, snapshot.sources.cloudTrail.status === 'ok' ? snapshot.sources.cloudTrail.data.region : 'us-east-1');
  if (formats.has('html')) {
    const trend = [...history.map((r) => ({ startedAt: r.startedAt, counts: r.statusCounts })), { startedAt: run.startedAt, counts: statusCounts }];
    files['report.html'] = htmlReport({ run, controls: checks.map((c) => c.meta), findings, matrix, register, trend });
  }
  Object.assign(files, request.extraFiles);
  files[MANIFEST_FILE] = `${JSON.stringify(buildManifest(files, { tool: TOOL, accountId: snapshot.accountId, runStartedAt: run.startedAt }), null, 2)}\n`;

  const runDir = writeRunFolder(outDir, snapshot.accountId, request.startedAt, files);
  try {
    writeFileAtomically(join(outDir, snapshot.accountId, LIVING_REGISTER), riskRegisterCsv(register));
  } catch (error) {
    // The run is filed and verifiable; only the register did not advance. Exit 3, never 2 ("nothing written").
    throw new EvidenceWriteError(`the run's evidence is complete in ${runDir}, but the living register was not updated: ${errorMessage(error)} (the register is as it was; the next run brings it up to date)`);
  }
  const summary = terminalSummary(checks, findings, request.colour) + totalsLine(findings, request.colour);
  return { findings, runDir, exitCode: exitCodeFor(findings, request.failOn), summary, warnings };
}

/** DESIGN.md: 3 when anything could not be judged (it wins), 1 for failures at or above the bar. */
export function exitCodeFor(findings: readonly Finding[], failOn: Severity): 0 | 1 | 3 {
  if (findings.some((f) => f.status === 'ERROR')) return 3;
  const bar = SEVERITIES.indexOf(failOn);
  return findings.some((f) => f.status === 'FAIL' && SEVERITIES.indexOf(f.severity) <= bar) ? 1 : 0;
}
