import { SEVERITIES, STATUSES, type CheckMeta, type Finding, type Severity, type Status } from '../checks/check.js';
import { ouPathText, type OrganizationAccount } from './facts.js';

// What an organization run keeps of its accounts once each is judged and written (DESIGN.md,
// "Organization runs"): counts per account × control × status, and the failing findings (FAIL,
// ERROR, SUPPRESSED) with their account. Snapshots and passing findings are never kept, so
// memory grows with failures and the organization's size in counts, not with its principals.

export type StatusCounts = Partial<Record<Status, number>>;

/** Statuses the roll-up keeps findings of: what someone must act on or could not be judged. */
export const FAILING_STATUSES: ReadonlySet<Status> = new Set(['FAIL', 'ERROR', 'SUPPRESSED']);

/** One account's line in the roll-up: audited (with its folder and counts) or unreachable (with why). */
export interface RollupAccount {
  id: string;
  name: string;
  ouPath: string;
  outcome: 'audited' | 'unreachable';
  /** The account's folder in the package (`<id>`), when audited. */
  folder?: string;
  /** Findings per status (after exceptions), when audited. */
  statusCounts: StatusCounts;
  /** Per control id: findings per status. */
  byControl: Record<string, StatusCounts>;
  /** Unreachable: the step that failed and the reason. */
  step?: string;
  reason?: string;
  /** The account's own exit judgement: 3 with an ERROR finding, 1 with a failure at --fail-on, else 0. */
  exitCode: 0 | 1 | 3;
}

export class OrganizationRollup {
  readonly accounts: RollupAccount[] = [];
  /** FAIL, ERROR and SUPPRESSED findings of every account (and IAM-039's), each with its account. */
  readonly failing: Finding[] = [];
  /** Organization-level findings (IAM-039's PASS) that belong to no account. */
  readonly organizationFindings: Finding[] = [];
  readonly totals: StatusCounts = {};
  readonly byControl: Record<string, StatusCounts> = {};

  /**
   * Records an audited account's findings: counts, and a copy of the failing ones (copied so
   * that nothing of the account's snapshot stays reachable through their evidence).
   */
  addAudited(account: OrganizationAccount, findings: readonly Finding[], exitCode: 0 | 1 | 3): { line: RollupAccount; failing: Finding[] } {
    const line: RollupAccount = { id: account.id, name: account.name, ouPath: ouPathText(account), outcome: 'audited', folder: account.id, statusCounts: {}, byControl: {}, exitCode };
    const failing: Finding[] = [];
    for (const f of findings) {
      const kept = this.count(line, f);
      if (kept) failing.push(kept);
    }
    this.accounts.push(line);
    return { line, failing };
  }

  addUnreachable(account: OrganizationAccount, step: string, reason: string): RollupAccount {
    const line: RollupAccount = { id: account.id, name: account.name, ouPath: ouPathText(account), outcome: 'unreachable', statusCounts: {}, byControl: {}, step, reason, exitCode: 3 };
    this.accounts.push(line);
    return line;
  }

  /**
   * Organization-level findings (IAM-039): each is counted under the account it names (so the
   * account-by-control table shows it), else under the organization, and every one of them is
   * documented, PASS included: they are the run's record of which accounts it audited.
   */
  addOrganizationFindings(findings: readonly Finding[]): void {
    for (const f of findings) {
      const line = f.account ? this.accounts.find((a) => a.id === f.account!.id) : undefined;
      if (line) {
        bump(line.statusCounts, f.status);
        bump((line.byControl[f.controlId] ??= {}), f.status);
      }
      this.organizationFindings.push(f);
      bump(this.totals, f.status);
      bump((this.byControl[f.controlId] ??= {}), f.status);
    }
  }

  /** Counts a finding; returns the copy kept when it is failing. */
  private count(line: RollupAccount, f: Finding): Finding | null {
    bump(line.statusCounts, f.status);
    bump((line.byControl[f.controlId] ??= {}), f.status);
    bump(this.totals, f.status);
    bump((this.byControl[f.controlId] ??= {}), f.status);
    if (!FAILING_STATUSES.has(f.status)) return null;
    const copy = JSON.parse(JSON.stringify(f)) as Finding;
    this.failing.push(copy);
    return copy;
  }

  /** Every finding the roll-up documents: the failing ones, then the organization's own. */
  documented(): Finding[] {
    return [...this.failing, ...this.organizationFindings];
  }
}

function bump(counts: StatusCounts, status: Status): void {
  counts[status] = (counts[status] ?? 0) + 1;
}

/** The worst status of a cell, as the account-by-control table shows it (ERROR first: unknown is never better than a failure). */
export const WORST_FIRST: readonly Status[] = ['ERROR', 'FAIL', 'SUPPRESSED', 'MANUAL', 'PASS', 'NOT_APPLICABLE'];

export function worstStatus(counts: StatusCounts | undefined): Status | null {
  return WORST_FIRST.find((s) => (counts?.[s] ?? 0) > 0) ?? null;
}

/**
 * An organization run's exit code (DESIGN.md): 3 when any finding is ERROR or any account was
 * unreachable (3 wins), else 1 when a FAIL (IAM-039's included) is at or above --fail-on, else 0.
 */
export function organizationExitCode(rollup: OrganizationRollup, failOn: Severity): 0 | 1 | 3 {
  if ((rollup.totals.ERROR ?? 0) > 0 || rollup.accounts.some((a) => a.outcome === 'unreachable')) return 3;
  const bar = SEVERITIES.indexOf(failOn);
  return rollup.documented().some((f) => f.status === 'FAIL' && SEVERITIES.indexOf(f.severity) <= bar) ? 1 : 0;
}

/** `12 PASS, 3 FAIL, 1 ERROR`: nonzero statuses in the fixed order. */
export function countsText(counts: StatusCounts): string {
  const parts = STATUSES.filter((s) => (counts[s] ?? 0) > 0).map((s) => `${counts[s]} ${s}`);
  return parts.length ? parts.join(', ') : 'no findings';
}

/** The controls of the account-by-control table: those run, then any organization-level one (IAM-039). */
export function tableControls(checks: readonly CheckMeta[], extra: readonly CheckMeta[]): CheckMeta[] {
  return [...checks, ...extra.filter((e) => !checks.some((c) => c.controlId === e.controlId))];
}
