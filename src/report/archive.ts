import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding, Status } from '../checks/check.js';
import { InputError, errorMessage } from '../errors.js';
import { parseRiskRegister, RegisterFormatError, type RegisterRow } from './risk-register.js';

const RUN_FOLDER = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z(-\d+)?$/;
export const LIVING_REGISTER = 'risk-register.csv';

export interface ArchivedRun {
  dir: string;
  startedAt: string;
  command: string;
  statusCounts: Partial<Record<Status, number>>;
}

/**
 * The completed runs of an account kept under `<out>/<account>/`, oldest first: a run counts
 * when its folder holds a readable run.json (written inside the atomic rename, so never half).
 */
export function archivedRuns(outDir: string, accountId: string): ArchivedRun[] {
  const accountDir = join(outDir, accountId);
  if (!existsSync(accountDir)) return [];
  const runs: ArchivedRun[] = [];
  for (const name of readdirSync(accountDir)) {
    if (!RUN_FOLDER.test(name)) continue;
    try {
      const run = JSON.parse(readFileSync(join(accountDir, name, 'run.json'), 'utf8')) as { startedAt?: unknown; command?: unknown; statusCounts?: unknown };
      if (typeof run.startedAt !== 'string' || Number.isNaN(Date.parse(run.startedAt))) continue;
      runs.push({
        dir: join(accountDir, name),
        startedAt: run.startedAt,
        command: typeof run.command === 'string' ? run.command : 'unknown',
        statusCounts: (run.statusCounts && typeof run.statusCounts === 'object' ? run.statusCounts : {}) as Partial<Record<Status, number>>,
      });
    } catch {
      // An unreadable run is no evidence of a review.
    }
  }
  return runs.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

/** The findings a run folder recorded, or null when it has none readable. */
export function runFindings(runDir: string): Finding[] | null {
  try {
    const document = JSON.parse(readFileSync(join(runDir, 'findings.json'), 'utf8')) as { findings?: unknown };
    return Array.isArray(document.findings) ? (document.findings as Finding[]) : null;
  } catch {
    return null;
  }
}

/** The living register of an account; a register people broke is bad input, not something to overwrite. */
export function readLivingRegister(outDir: string, accountId: string): RegisterRow[] {
  const path = join(outDir, accountId, LIVING_REGISTER);
  if (!existsSync(path)) return [];
  try {
    return parseRiskRegister(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = error instanceof RegisterFormatError ? error.message : errorMessage(error);
    throw new InputError(`the living risk register ${path} cannot be read (${reason}); fix it or move it aside, then rerun`);
  }
}
