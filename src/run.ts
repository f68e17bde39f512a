import type { ChalkInstance } from 'chalk';
import { readFileSync, renameSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { audit, type AuditResult } from './audit.js';
import type { Check, Severity } from './checks/check.js';
import { sourcesNeeded } from './checks/sources-needed.js';
import { CollectionError, InputError, errorMessage } from './errors.js';
import type { ExceptionsFile } from './exceptions.js';
import type { ChangeOutcome } from './remediate/apply.js';
import type { RemediationPlan } from './remediate/plan.js';
import { writeFileAtomically } from './report/evidence-writer.js';
import type { Format } from './report/formats.js';
import type { ManifestSigner } from './report/kms.js';
import { MANIFEST_FILE, SIGNATURE_FILE } from './report/manifest.js';
import { checkOutputFolder } from './report/output-folder.js';
import { REMEDIATION_LOG, REMEDIATION_PLAN, remediationLogCsv, remediationPlanCsv, remediationSummary } from './report/remediation-log.js';
import type { ControlFilters } from './report/run-info.js';
import { DEFAULT_SETTINGS, type Settings } from './settings.js';
import type { ImportAsOf } from './snapshot/import.js';
import { obtainSnapshot, type SourceSelection } from './snapshot/obtain.js';
import type { Snapshot, SourceName } from './snapshot/schema.js';

// The core of an auditing command, callable by any program: choose the source, read the account,
// plan (and with apply, make) the remediation and read the account again, judge, write the
// evidence, sign it. It prints nothing and sets no exit code: progress, the interrupt note and
// phase timings go through the request's callbacks, everything else is in the result. The AWS
// SDK is loaded (dynamic import) only by what needs it: a live source, an apply, a KMS signature.

/** The source a caller names: at most one of snapshot, import, demo; none of them is live AWS (the CLI's flags have these names). */
export interface SourceChoice {
  snapshot?: string;
  import?: string;
  demo?: boolean;
  /** With `import`: when the exports were taken. */
  asOf?: ImportAsOf;
  profile?: string;
  region?: string;
  roleArn?: string;
  externalId?: string;
  regions?: string[];
  /** The region IAM Identity Center is read in; default: the collection region. */
  identityCenterRegion?: string;
  /** Per-attempt limits of a live run, milliseconds. */
  connectTimeout?: number;
  requestTimeout?: number;
}

/**
 * Where the run reads the account from: a snapshot file, a folder of AWS CLI exports, the
 * embedded demo, else live AWS. Throws InputError (exit 2) for --as-of without --import.
 */
export function selectSource(choice: SourceChoice): SourceSelection {
  // Only an import needs dating: a live run, a snapshot and the demo carry when they were collected.
  if (choice.asOf && !choice.import) throw new InputError('--as-of dates an import of AWS CLI exports (--import DIR); a live run, a snapshot and the demo are dated by their collection');
  if (choice.snapshot) return { kind: 'snapshot', path: choice.snapshot };
  if (choice.import) return { kind: 'import', dir: choice.import, ...(choice.asOf ? { asOf: choice.asOf } : {}) };
  if (choice.demo) return { kind: 'demo' };
  const timeouts = { ...(choice.connectTimeout ? { connectMs: choice.connectTimeout } : {}), ...(choice.requestTimeout ? { requestMs: choice.requestTimeout } : {}) };
  return { kind: 'live', live: { profile: choice.profile, region: choice.region, roleArn: choice.roleArn, externalId: choice.externalId, regions: choice.regions, ...(choice.identityCenterRegion ? { identityCenterRegion: choice.identityCenterRegion } : {}), timeouts } };
}

/** The remediation a run plans from the account as read (src/remediate/*), and whether it makes it. */
export interface RunRemediation {
  /** The plan, from the snapshot and the run's settings; pure. */
  plan: (snapshot: Snapshot, settings: Settings) => RemediationPlan;
  /** The sources the plan reads: a live run reads them too. */
  sources: readonly SourceName[];
  /** Make the changes (a live source only); without it the plan is only recorded. */
  apply: boolean;
}

export interface RunRequest {
  /** The command's name, recorded in run.json (`audit`, `mfa-audit`, ...). */
  command: string;
  /** The controls judged; a live run reads only the sources they (and the plan) need. */
  checks: readonly Check[];
  source: SourceSelection;
  /** The evidence folder; the run goes to <outDir>/<account-id>/<timestamp>/. */
  outDir: string;
  /** How messages name outDir (the CLI: `--out DIR`); default the path itself. */
  outDirName?: string;
  failOn: Severity;
  formats?: readonly Format[];
  /** Settings laid over DEFAULT_SETTINGS (an eligible-services list, the password baseline, the required boundary). */
  settings?: Partial<Settings>;
  exceptions?: ExceptionsFile;
  filters?: ControlFilters;
  onlyFailures?: boolean;
  colour: ChalkInstance;
  remediation?: RunRemediation;
  /** Sign manifest.json with this asymmetric KMS key (the key is checked before anything is read). */
  signWithKms?: { keyId: string; profile?: string };
  /** When the run started (default: now); the run folder is named after it. */
  startedAt?: Date;
  /** One line at a time, for people watching (collection, apply). */
  progress?: (message: string) => void;
  /** What is true of the run's output were the process stopped from now on (the CLI's Ctrl-C line says it). */
  onOutputNote?: (whatIsWritten: string) => void;
  /** How long each phase took, in milliseconds: 'load' (obtaining the snapshot) here, the others from audit(). */
  onPhase?: (phase: string, milliseconds: number) => void;
}

export interface RunResult extends AuditResult {
  /** The account as judged (read again after an apply that changed it). */
  snapshot: Snapshot;
  /** True when an apply changed the account and it was read again. */
  readAgain: boolean;
  /** The plan, and what applying it did (null: planned only). */
  remediation?: { plan: RemediationPlan; outcomes: ChangeOutcome[] | null };
  /** 0 none failing at --fail-on, 1 failing findings, 3 ERROR findings or a blocked, failed or skipped change (3 wins). */
  exitCode: 0 | 1 | 3;
}

/**
 * Runs one auditing command end to end (DESIGN.md "The flow"). Before anything is read: --apply
 * needs a live source and the evidence folder must be writable (InputError, exit 2); a KMS key
 * that cannot sign is an InputError too. A source that cannot be read is a CollectionError (3).
 * With `remediation.apply`, the plan is applied (src/remediate/apply.ts, which never throws) and,
 * when it changed anything, the account is read again so the evidence records it as it now is.
 * @throws InputError, CollectionError, EvidenceWriteError (src/errors.ts), each with its exit code
 */
export async function run(request: RunRequest): Promise<RunResult> {
  const { source, remediation } = request;
  const startedAt = request.startedAt ?? new Date();
  const progress = request.progress ?? (() => {});
  const note = request.onOutputNote ?? (() => {});
  if (remediation?.apply && source.kind !== 'live') throw new InputError('--apply changes a live account; it cannot be used with --demo, --snapshot or --import');
  // Before collecting (which may take minutes): evidence that could never be written is a usage error.
  checkOutputFolder(request.outDir, request.outDirName ?? request.outDir);
  // The key is checked before collecting, so a key that cannot sign fails fast (exit 2).
  const signer = request.signWithKms ? await (await import('./report/kms.js')).kmsSigner(request.signWithKms.keyId, request.signWithKms.profile) : undefined;
  // A live run reads only what the checks it runs (and the plan it makes) need; `collect` reads everything.
  const needed = { sources: sourcesNeeded(request.checks, remediation ? [...remediation.sources] : []), by: `${request.command}'s controls` };
  const load = async () => {
    const started = performance.now();
    const snapshot = await obtainSnapshot(source, progress, needed);
    request.onPhase?.('load', performance.now() - started);
    return snapshot;
  };
  let snapshot = await load();

  let readAgain = false;
  let remediated: { plan: RemediationPlan; outcomes: ChangeOutcome[] | null; file: string; csv: string } | undefined;
  if (remediation) {
    const plan = remediation.plan(snapshot, { ...DEFAULT_SETTINGS, ...request.settings });
    if (remediation.apply && source.kind === 'live') {
      note('changes of --apply may already have been made to the account, and nothing was written for this run: rerun to see and record the account as it is');
      const [{ applyPlan }, { createAwsClients }] = await Promise.all([import('./remediate/apply.js'), import('./collect/aws-clients.js')]);
      const outcomes = await applyPlan(plan, await createAwsClients(source.live), () => new Date(), progress);
      // The evidence records the account as the changes left it, so it is read again.
      if (outcomes.some((o) => o.result === 'applied')) {
        progress('reading the account again, to record it as the changes left it…');
        snapshot = await load();
        readAgain = true;
      }
      remediated = { plan, outcomes, file: REMEDIATION_LOG, csv: remediationLogCsv(outcomes) };
    } else {
      remediated = { plan, outcomes: null, file: REMEDIATION_PLAN, csv: remediationPlanCsv(plan, startedAt) };
    }
  }

  const result = audit({
    command: request.command,
    checks: request.checks,
    snapshot,
    startedAt,
    outDir: request.outDir,
    failOn: request.failOn,
    settings: request.settings ?? {},
    ...(request.exceptions ? { exceptions: request.exceptions } : {}),
    ...(request.formats ? { formats: request.formats } : {}),
    colour: request.colour,
    ...(request.filters ? { filters: request.filters } : {}),
    ...(request.onlyFailures !== undefined ? { onlyFailures: request.onlyFailures } : {}),
    ...(request.onPhase ? { onPhase: request.onPhase } : {}),
    ...(remediated ? { extraFiles: { [remediated.file]: remediated.csv }, remediation: remediationSummary(remediated.plan, remediated.outcomes) } : {}),
  });
  note(`the run's evidence was written in full to ${result.runDir}${signer ? ', but its manifest is not signed' : ''}`);
  if (signer) await signRun(result.runDir, signer);
  note(`the run's evidence was written in full to ${result.runDir}`);
  const remediationFailed = remediated !== undefined && (remediated.plan.blocked.length > 0 || (remediated.outcomes ?? []).some((o) => o.result === 'failed' || o.result === 'skipped'));
  return {
    ...result,
    snapshot,
    readAgain,
    ...(remediated ? { remediation: { plan: remediated.plan, outcomes: remediated.outcomes } } : {}),
    exitCode: remediationFailed ? 3 : result.exitCode,
  };
}

/**
 * Writes manifest.sig.json into a written run folder. It is written beside the account's runs
 * under a hidden `.partial` name first, then renamed in, so a run reading the archive meanwhile
 * never sees a half-written or unexpected file in the folder. The run is written by then: a
 * failure is exit 3 naming the folder, never 2.
 */
async function signRun(runDir: string, signer: ManifestSigner): Promise<void> {
  const temporary = join(dirname(runDir), `.${basename(runDir)}.sig.${process.pid}.partial`);
  try {
    const signature = await signer(readFileSync(join(runDir, MANIFEST_FILE)));
    writeFileAtomically(temporary, `${JSON.stringify(signature, null, 2)}\n`);
    renameSync(temporary, join(runDir, SIGNATURE_FILE));
  } catch (error) {
    throw new CollectionError(`the run's evidence is in ${runDir}, but its manifest could not be signed (${errorMessage(error)}); it is unsigned`);
  }
}
