import type { SourcePartError } from '../snapshot/part-errors.js';
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
  /** Parts of sources read whole that could not be read (a trail's status, a region, an Identity Center instance's permission sets); absent when none. */
  sourcePartErrors?: SourcePartError[];
  /**
   * Sources a live run did not read because none of its controls needs them, each with why
   * ("not needed by audit-trail's controls"); absent when every source was read. What was read
   * is in collection.calls, per source.
   */
  sourcesNotRead?: { source: string; reason: string }[];
  /** Present when a control of the run judges by the HIPAA-eligible services list: its date, sources, age and whether it is stale. */
  eligibleServices?: EligibleServicesAge;
  /** Present when IAM Identity Center was read: what its reading cost, and that it grows with permission sets × accounts. */
  identityCenter?: IdentityCenterCost;
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

/**
 * How much reading IAM Identity Center cost (run.json `identityCenter`): its calls grow with
 * permission sets × the accounts each is provisioned to (ListAccountAssignments per pair), and
 * with groups (ListGroupMemberships per group), not with the number of people.
 */
export interface IdentityCenterCost {
  /** The region sso-admin was asked in (--identity-center-region, else the collection region); null when not known. */
  region: string | null;
  /** Counts from what was read; null where the part could not be read. */
  instances: number | null;
  permissionSets: number | null;
  /** (permission set, account) pairs provisioned, each asked for its assignments. */
  provisionedPairs: number | null;
  groups: number | null;
  /** API operations made for the source (collection.calls.identityCenter), iam:GetPolicy/GetPolicyVersion included. */
  calls: number;
  note: string;
}

/** run.json's `identityCenter` block: present when a live collection called IAM Identity Center (its calls are recorded); absent otherwise (an import, the demo, a run that did not need it). */
export function identityCenterCost(snapshot: Snapshot): { identityCenter: IdentityCenterCost } | Record<string, never> {
  const source = snapshot.sources.identityCenter;
  const calls = snapshot.collection.calls.identityCenter?.calls;
  if (calls === undefined) return {};
  const data = source.status === 'ok' ? source.data : null;
  const sum = (count: (instance: NonNullable<typeof data>['instances'][number]) => number | null): number | null => {
    if (!data) return null;
    let total = 0;
    for (const instance of data.instances) {
      const n = count(instance);
      if (n === null) return null;
      total += n;
    }
    return total;
  };
  const sets = (instance: NonNullable<typeof data>['instances'][number]) => (instance.permissionSets.status === 'ok' ? instance.permissionSets.data : null);
  return {
    identityCenter: {
      region: data?.region ?? null,
      instances: data ? data.instances.length : null,
      permissionSets: sum((i) => sets(i)?.length ?? null),
      provisionedPairs: sum((i) => sets(i)?.reduce((n, s) => n + s.accounts.length, 0) ?? null),
      groups: sum((i) => (i.identityStore.status === 'ok' ? i.identityStore.data.groups.length : null)),
      calls: calls ?? 0,
      note: 'IAM Identity Center calls grow with permission sets × the accounts each is provisioned to (ListAccountAssignments per pair) and with groups (ListGroupMemberships per group), not with the number of people',
    },
  };
}
