import type { Severity, Status } from '../checks/check.js';
import type { ExceptionsUse } from '../exceptions.js';
import type { EligibleServicesAge } from '../hipaa/eligible-services.js';
import type { ImportDatedBy, Snapshot } from '../snapshot/schema.js';
import type { RemediationSummary } from './remediation-log.js';

/**
 * 'full': an audit of every control, which alone counts as an access review (IAM-003), as the
 * previous run for changes.csv and as a point of the trend. 'partial': a subcommand's controls
 * (or a filtered set), compared only with earlier runs of the same command and controls.
 */
export type RunScope = 'full' | 'partial';

/** What a run was: recorded in run.json and at the head of findings.json. */
export interface RunInfo {
  tool: { name: string; version: string };
  command: string;
  scope: RunScope;
  accountId: string;
  caller: { arn: string; userId: string } | null;
  source: Snapshot['origin'];
  snapshotCollectedAt: string;
  /** Imports: the moment the checks judged the account as of (snapshotCollectedAt), and what it was taken from. */
  asOf?: { at: string; from: ImportDatedBy };
  startedAt: string;
  finishedAt: string;
  controls: string[];
  /** Present when --controls, --exclude-controls or --severity chose the controls: what was asked, as control ids. */
  filters?: ControlFilters;
  /** The --format list the run wrote, sorted: what `verify` requires the folder to hold. */
  formats?: string[];
  /** Findings per status, so the archive's trend needs only run.json. */
  statusCounts: Partial<Record<Status, number>>;
  collection: Snapshot['collection'];
  /** Sources that were read and failed (a source not read on purpose is in sourcesNotRead instead). */
  sourceErrors: { source: string; code: string; message: string }[];
  /**
   * Sources a live run did not read because none of its controls needs them, each with why
   * ("not needed by audit-trail's controls"); absent when every source was read. What was read
   * is in collection.calls, per source.
   */
  sourcesNotRead?: { source: string; reason: string }[];
  /** Present when a control of the run judges by the HIPAA-eligible services list: its date, sources, age and whether it is stale. */
  eligibleServices?: EligibleServicesAge;
  /** Present when the command planned or applied changes. */
  remediation?: RemediationSummary;
  /** Present when the run was given --exceptions: what the file accepted, and which entries matched nothing or expire soon. */
  exceptions?: ExceptionsUse;
}

/** The control filters of a run (src/cli/filters.ts): `controls` lists the control ids it was narrowed to, `excludeControls` those taken out, `severity` the severities kept. */
export interface ControlFilters {
  controls?: string[];
  excludeControls?: string[];
  severity?: Severity[];
}
