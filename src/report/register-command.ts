import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_CHECKS } from '../checks/registry.js';
import { InputError } from '../errors.js';
import { withAccountLock } from './account-lock.js';
import { archivedRuns, readLivingRegister, runFindings } from './archive.js';
import { removeAbandonedPartials, writeFileAtomically } from './evidence-writer.js';
import { encodeRegister, nextRiskRegister, riskRegisterCsv, type RegisterRow } from './risk-register.js';
import { registerTable } from './register-table.js';

/** How `hipaa-iam risk-register` prints the register: a table for people, or the raw CSV or JSON rows. */
export type RegisterView = 'table' | 'csv' | 'json';

/**
 * The living register as `view` shows it: the CSV text it is written as (`csv`), the rows as a
 * JSON array (`json`, one object per row with the register's fields and `extra` for columns
 * people added), or an aligned table (`table`, registerTable). See riskRegisterRows for how
 * the rows are found.
 */
export function showRiskRegister(outDir: string, account?: string, view: RegisterView = 'csv'): string {
  const rows = riskRegisterRows(outDir, account);
  if (view === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  if (view === 'table') return registerTable(rows);
  return riskRegisterCsv(rows);
}

/**
 * The rows of the living register. When it is missing or empty, they are rebuilt (and written
 * back) from the newest verified run's own copy, Owner and Notes included; when no run kept a
 * copy (`--format json` runs), by replaying the verified runs' findings in order. Runs under
 * the account lock, so it never interleaves with an audit writing the same register.
 */
export function riskRegisterRows(outDir: string, account?: string): RegisterRow[] {
  const accountId = account ?? onlyAccount(outDir);
  const accountDir = join(outDir, accountId);
  if (!existsSync(accountDir)) throw new InputError(`no risk register and no archived runs for account ${accountId} in ${outDir}`);
  return withAccountLock(accountDir, () => {
    removeAbandonedPartials(accountDir);
    const runs = archivedRuns(outDir, accountId);
    const living = readLivingRegister(outDir, accountId, runs);
    const text = (rows: readonly RegisterRow[]) => riskRegisterCsv(rows);
    if (!living.rebuiltFrom && living.rows.length > 0) return living.rows;
    if (living.rebuiltFrom) {
      writeFileAtomically(living.path, encodeRegister(text(living.rows), living.encoding));
      return living.rows;
    }
    if (runs.length === 0) throw new InputError(`no risk register and no verified runs for account ${accountId} in ${outDir}`);
    let register: RegisterRow[] = [];
    for (const run of runs) {
      const findings = runFindings(run.dir);
      if (!findings) continue;
      const controls = new Set(findings.map((f) => f.controlId));
      register = nextRiskRegister(register, ALL_CHECKS.filter((c) => controls.has(c.meta.controlId)), findings, run.startedAt.slice(0, 10));
    }
    writeFileAtomically(living.path, encodeRegister(text(register), living.encoding));
    return register;
  });
}

function onlyAccount(outDir: string): string {
  const accounts = existsSync(outDir) ? readdirSync(outDir).filter((name) => /^(\d{12}|unknown-account)$/.test(name)) : [];
  if (accounts.length === 1) return accounts[0]!;
  throw new InputError(accounts.length === 0 ? `no account folders in ${outDir}` : `${outDir} holds several accounts (${accounts.join(', ')}): name one with --account`);
}
