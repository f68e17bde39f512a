import type { Snapshot, SourceData, SourceName } from '../snapshot/schema.js';
import type { Settings } from '../settings.js';
import type { AccountModel } from '../policy/effective-permissions.js';
import type { OrganizationContext } from '../organization/facts.js';

export const STATUSES = ['PASS', 'FAIL', 'ERROR', 'MANUAL', 'NOT_APPLICABLE', 'SUPPRESSED'] as const;
export type Status = (typeof STATUSES)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Subcommand groups of CONTROLS.md; a check belongs to exactly one. */
export const CONTROL_GROUPS = ['password-policy', 'mfa-audit', 'credentials', 'least-privilege', 'boundary', 'analyzer', 'audit-trail', 'identity-center', 'risk-register', 'organization'] as const;
export type ControlGroup = (typeof CONTROL_GROUPS)[number];

export interface CheckMeta {
  controlId: string;
  riskId: string;
  title: string;
  group: ControlGroup;
  severity: Severity;
  hipaa: string[];
  /** One sentence: what compliant means. */
  description: string;
  remediation: string;
  /** An AWS documentation page (https) that shows how to make this control pass; report.html links it beside the remediation. */
  documentation: string;
  /** Sources the check cannot judge without; an error in any of them makes it ERROR. */
  sources: SourceName[];
  /**
   * Sources the check reads when they could be read (optionalSourceData) and judges without
   * otherwise; a run of the check reads them too, so its verdicts are those of a full collection.
   * Every source a check reads is in `sources` or here (test/checks/sources-needed.test.ts).
   */
  optionalSources?: SourceName[];
  /** The check judges by the dated HIPAA-eligible services list, so a run of it records the list's date and age. */
  usesEligibleServices?: true;
}

/** What a check reports; the engine adds the control's identity from its metadata. */
export interface FindingDraft {
  status: Status;
  resourceType: string;
  resourceArn: string;
  resourceName: string;
  message: string;
  evidence: Record<string, unknown>;
}

export interface Finding extends FindingDraft {
  controlId: string;
  riskId: string;
  title: string;
  severity: Severity;
  hipaa: string[];
  /** Present exactly when status is SUPPRESSED: the exception that accepted the failure (src/exceptions.ts). */
  suppressed?: Suppression;
  /** In an organization-wide run only: the member account the finding is about and its OU path (`Root/PHI/Prod`); src/organization/run.ts sets it. */
  account?: FindingAccount;
}

/** The account of an organization run's finding: its id, its name in the organization and its OU path (ouPathText). */
export interface FindingAccount {
  id: string;
  name: string;
  ouPath: string;
}

/**
 * The exception behind a SUPPRESSED finding, as findings.json carries it beside the underlying
 * status FAIL. Runs written before this field existed lack exceptionId and exceptionResource.
 */
export interface Suppression {
  justification: string;
  approver: string;
  /** Last day the exception applies (YYYY-MM-DD, inclusive). */
  expires: string;
  /** Line of the exceptions file (the header is line 1). */
  exceptionLine: number;
  /** The control id or risk id the exception names, as written in the file. */
  exceptionId?: string;
  /** The exception's resource pattern (`*` and `?` wildcards). */
  exceptionResource?: string;
}

/**
 * What the runs before this one say, read from the evidence archive by the caller (src/audit.ts):
 * checks never read files.
 */
export interface RunHistory {
  /**
   * IAM-003: start times (ISO 8601) of the full audits of this account in the evidence archive
   * whose manifest verifies (subcommand runs and unverifiable folders are not access reviews);
   * null when there is no archive to read (the check then says so rather than guessing).
   */
  reviews: string[] | null;
}

/** No archive was read: a check that needs one says so (ERROR) instead of guessing. */
export const NO_HISTORY: RunHistory = { reviews: null };

/**
 * Everything a check judges, built once per run by the engine (src/checks/engine.ts) and passed
 * to every check: the snapshot, the thresholds, the time the run judges as of (the snapshot's
 * collection time), the account model (principals with their policies compiled once, group
 * membership, trust) and the run history.
 */
export interface CheckContext {
  readonly snapshot: Snapshot;
  readonly settings: Settings;
  readonly now: Date;
  /**
   * The account model of the snapshot's authorization details, built on first use and shared by
   * every check of the run. Reading it throws when authorizationDetails is unavailable; a check
   * reads it only when that source is among its `sources` (the engine has then made it ERROR).
   */
  readonly model: AccountModel;
  readonly history: RunHistory;
  /**
   * In an organization-wide run (`--organization`), the facts read once from the management
   * account (organization trail and analyzers, SCPs with their targets, central root management)
   * and this account's place in the organization; null in a single-account run.
   */
  readonly organization: OrganizationContext | null;
}

export interface Check {
  meta: CheckMeta;
  /** Pure: the same context always gives the same findings. */
  run(context: CheckContext): FindingDraft[];
}

export function defineCheck(check: Check): Check {
  return check;
}

export function rootArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:root`;
}

export function accountArn(accountId: string): string {
  return `arn:aws:::${accountId}`;
}

/** A finding about the account as a whole (nothing to judge, or nothing could be judged). */
export function accountFinding(accountId: string, status: Status, message: string, evidence: Record<string, unknown> = {}): FindingDraft {
  return { status, resourceType: 'AWS::::Account', resourceArn: accountArn(accountId), resourceName: accountId, message, evidence };
}

/** A source's data inside a check; the engine has already turned unavailable sources into ERROR. */
export function sourceData<K extends SourceName>(snapshot: Snapshot, name: K): SourceData<K> {
  const source = snapshot.sources[name];
  if (source.status !== 'ok') throw new Error(`${name} is unavailable`);
  return source.data as SourceData<K>;
}

/** A source's data when a check can do without it, else null. */
export function optionalSourceData<K extends SourceName>(snapshot: Snapshot, name: K): SourceData<K> | null {
  const source = snapshot.sources[name];
  return source.status === 'ok' ? (source.data as SourceData<K>) : null;
}
