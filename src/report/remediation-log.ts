import type { ChalkInstance } from 'chalk';
import type { ChangeOutcome } from '../remediate/apply.js';
import { ACTION_OF, type RemediationPlan } from '../remediate/plan.js';
import { toCsv } from './csv.js';

export const REMEDIATION_LOG = 'remediation-log.csv';
export const REMEDIATION_PLAN = 'remediation-plan.csv';
const COLUMNS = ['time', 'action', 'target', 'before', 'after', 'result'] as const;

/** What a run's remediation was, for run.json: enough to tell a dry run from a failed apply without opening the log. */
export interface RemediationSummary {
  mode: 'plan' | 'apply';
  command: string;
  planned: number;
  applied: number;
  alreadyInPlace: number;
  failed: number;
  skipped: number;
  blocked: string[];
  warnings: string[];
}

export function remediationSummary(plan: RemediationPlan, outcomes: readonly ChangeOutcome[] | null): RemediationSummary {
  const count = (result: ChangeOutcome['result']) => (outcomes ?? []).filter((o) => o.result === result).length;
  return {
    mode: outcomes === null ? 'plan' : 'apply',
    command: plan.command,
    planned: plan.changes.length,
    applied: count('applied'),
    alreadyInPlace: count('already in place'),
    failed: count('failed'),
    skipped: count('skipped'),
    blocked: plan.blocked,
    warnings: plan.warnings,
  };
}

/** remediation-log.csv: one row per change made or tried, for change management. */
export function remediationLogCsv(outcomes: readonly ChangeOutcome[]): string {
  return toCsv(
    COLUMNS,
    outcomes.map((o) => [o.time, ACTION_OF[o.planned.change.kind], o.planned.target, o.planned.before, o.planned.after, o.reason ? `${o.result}: ${o.reason}` : o.result]),
  );
}

/** remediation-plan.csv: the same columns for a dry run, every row "planned (not applied)", to attach to a change request. */
export function remediationPlanCsv(plan: RemediationPlan, plannedAt: Date): string {
  return toCsv(
    COLUMNS,
    plan.changes.map((c) => [plannedAt.toISOString(), ACTION_OF[c.change.kind], c.target, c.before, c.after, 'planned (not applied)']),
  );
}

/** "Nothing to change" only when nothing stood in the way of knowing. */
function nothingPlanned(plan: RemediationPlan): string {
  return plan.blocked.length === 0 ? 'Nothing to change.' : 'No change could be planned where it is needed:';
}

/** The plan, or what became of it, for a person at a terminal. */
export function remediationText(plan: RemediationPlan, outcomes: readonly ChangeOutcome[] | null, c: ChalkInstance): string {
  const lines: string[] = [];
  const flag = plan.command.replace(/^\S+\s*/, '');
  if (outcomes === null) {
    lines.push(c.bold(plan.changes.length === 0 ? nothingPlanned(plan) : `Planned changes (dry run; ${flag} makes them):`));
    plan.changes.forEach((p, i) => lines.push(`  ${i + 1}. ${ACTION_OF[p.change.kind]} ${p.target}`, `       before: ${p.before}`, `       after:  ${p.after}`));
  } else {
    lines.push(c.bold(outcomes.length === 0 ? nothingPlanned(plan) : 'Changes:'));
    for (const o of outcomes) {
      const mark = o.result === 'applied' || o.result === 'already in place' ? c.green('✔') : c.red('✘');
      lines.push(`  ${mark} ${ACTION_OF[o.planned.change.kind]} ${o.planned.target}: ${o.result}${o.reason ? ` (${o.reason})` : ''}`);
    }
  }
  for (const w of plan.warnings) lines.push(c.yellow(`  ⚠ ${w}`));
  for (const b of plan.blocked) lines.push(c.red(`  ✘ cannot plan: ${b}`));
  for (const u of plan.unchanged) lines.push(c.dim(`  · ${u}`));
  return `${lines.join('\n')}\n`;
}
