import type { ChalkInstance } from 'chalk';
import { SEVERITIES, type Check, type ControlGroup, type Finding, type Severity } from './checks/check.js';
import { ALL_CHECKS, checksForGroup } from './checks/registry.js';
import { accessReviewCsv } from './report/access-review-csv.js';
import { runChecks } from './checks/engine.js';
import { DEFAULT_SETTINGS, type Settings } from './settings.js';
import { SOURCE_NAMES, type Snapshot } from './snapshot/schema.js';
import { writeRunFolder } from './report/evidence-writer.js';
import { archivedRunTimes } from './report/archive.js';
import { findingsCsv, findingsJson, runJson } from './report/findings.js';
import { groupCsv } from './report/group-csv.js';
import { mfaAuditCsv } from './report/mfa-audit-csv.js';
import { passwordPolicyCsv } from './report/password-policy-csv.js';
import type { RunInfo } from './report/run-info.js';
import { terminalSummary, totalsLine } from './report/terminal.js';

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
  colour: ChalkInstance;
  clock?: () => Date;
}

export interface AuditResult {
  findings: Finding[];
  runDir: string;
  exitCode: 0 | 1 | 3;
  summary: string;
}

/** Judges a snapshot, writes the run's evidence, and says how the run should exit. */
export function audit(request: AuditRequest): AuditResult {
  const { snapshot, checks } = request;
  const clock = request.clock ?? (() => new Date());
  // Checks judge "now" as of collection, so a saved snapshot gives the same verdicts later.
  const settings = { ...DEFAULT_SETTINGS, runArchive: archivedRunTimes(request.outDir, snapshot.accountId), ...request.settings };
  const findings = runChecks(checks, snapshot, settings, new Date(snapshot.collectedAt));
  const run: RunInfo = {
    tool: snapshot.tool,
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
    collection: snapshot.collection,
    sourceErrors: SOURCE_NAMES.flatMap((name) => {
      const source = snapshot.sources[name];
      return source.status === 'error' ? [{ source: name, ...source.error }] : [];
    }),
  };
  const files: Record<string, string> = {
    'findings.json': findingsJson(run, findings),
    'findings.csv': findingsCsv(findings),
    'run.json': runJson(run),
  };
  // The monthly access review a manager signs: only a full audit has every verdict it joins.
  if (checks.length === ALL_CHECKS.length) files['access-review.csv'] = accessReviewCsv(snapshot, findings);
  for (const group of new Set(checks.map((c) => c.meta.group))) {
    const report = GROUP_REPORTS[group];
    if (report) files[report.file] = report.render(findings);
  }
  const runDir = writeRunFolder(request.outDir, snapshot.accountId, request.startedAt, files);
  const summary = terminalSummary(checks, findings, request.colour) + totalsLine(findings, request.colour);
  return { findings, runDir, exitCode: exitCodeFor(findings, request.failOn), summary };
}

/** DESIGN.md: 3 when anything could not be judged (it wins), 1 for failures at or above the bar. */
export function exitCodeFor(findings: readonly Finding[], failOn: Severity): 0 | 1 | 3 {
  if (findings.some((f) => f.status === 'ERROR')) return 3;
  const bar = SEVERITIES.indexOf(failOn);
  return findings.some((f) => f.status === 'FAIL' && SEVERITIES.indexOf(f.severity) <= bar) ? 1 : 0;
}
