import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_CHECKS } from '../checks/registry.js';
import { InputError } from '../errors.js';
import { archivedRuns, LIVING_REGISTER, readLivingRegister, runFindings } from './archive.js';
import { writeFileAtomically } from './evidence-writer.js';
import { nextRiskRegister, parseRiskRegister, riskRegisterCsv, type RegisterRow } from './risk-register.js';

/**
 * The living register as CSV text. When it is missing, it is rebuilt by replaying the archived
 * runs in order (Owner and Notes taken from the newest run's own copy), and written back.
 */
export function showRiskRegister(outDir: string, account?: string): string {
  const accountId = account ?? onlyAccount(outDir);
  const living = join(outDir, accountId, LIVING_REGISTER);
  if (existsSync(living)) return riskRegisterCsv(readLivingRegister(outDir, accountId));
  const runs = archivedRuns(outDir, accountId);
  if (runs.length === 0) throw new InputError(`no risk register and no archived runs for account ${accountId} in ${outDir}`);
  let register: RegisterRow[] = [];
  for (const run of runs) {
    const findings = runFindings(run.dir);
    if (!findings) continue;
    const controls = new Set(findings.map((f) => f.controlId));
    register = nextRiskRegister(register, ALL_CHECKS.filter((c) => controls.has(c.meta.controlId)), findings, run.startedAt.slice(0, 10));
  }
  // People's Owner and Notes live in the registers the runs kept; the newest copy has the latest.
  const newestCopy = [...runs].reverse().map((r) => join(r.dir, LIVING_REGISTER)).find((p) => existsSync(p));
  if (newestCopy) {
    const people = new Map(parseRiskRegister(readFileSync(newestCopy, 'utf8')).map((r) => [r.riskId, r]));
    register = register.map((r) => ({ ...r, owner: people.get(r.riskId)?.owner ?? r.owner, notes: people.get(r.riskId)?.notes ?? r.notes, extra: people.get(r.riskId)?.extra ?? r.extra }));
    for (const [riskId, row] of people) if (!register.some((r) => r.riskId === riskId)) register.push(row);
  }
  const text = riskRegisterCsv(register);
  writeFileAtomically(living, text);
  return text;
}

function onlyAccount(outDir: string): string {
  const accounts = existsSync(outDir) ? readdirSync(outDir).filter((name) => /^(\d{12}|unknown-account)$/.test(name)) : [];
  if (accounts.length === 1) return accounts[0]!;
  throw new InputError(accounts.length === 0 ? `no account folders in ${outDir}` : `${outDir} holds several accounts (${accounts.join(', ')}): name one with --account`);
}
