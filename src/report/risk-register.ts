import { parse } from 'csv-parse/sync';
import type { Check, Finding } from '../checks/check.js';
import { toCsv } from './csv.js';
import type { RiskRegisterRow } from './evidence-types.js';

export const REGISTER_COLUMNS = ['Risk ID', 'Risk Description', 'HIPAA Standard', 'Severity', 'Affected Resources', 'Mitigation', 'Status', 'First Detected', 'Last Seen', 'Closed On', 'Owner', 'Notes'] as const;
const FIELDS: (keyof RiskRegisterRow)[] = ['riskId', 'description', 'hipaaStandard', 'severity', 'affectedResources', 'mitigation', 'status', 'firstDetected', 'lastSeen', 'closedOn', 'owner', 'notes'];

/** A register row plus any columns people added in their spreadsheet, kept as they are. */
export type RegisterRow = RiskRegisterRow & { extra: Record<string, string> };

export class RegisterFormatError extends Error {}

/** Reads a register CSV as people may have edited it; rows and columns they added are kept. */
export function parseRiskRegister(text: string): RegisterRow[] {
  if (text.trim() === '') return [];
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, bom: true, relax_column_count: true }) as Record<string, string>[];
  } catch (error) {
    throw new RegisterFormatError(`not a readable CSV: ${(error as Error).message}`);
  }
  const header = Object.keys(records[0] ?? {});
  if (records.length > 0 && !header.includes('Risk ID')) throw new RegisterFormatError('no "Risk ID" column');
  return records.map((record) => {
    const row = Object.fromEntries(FIELDS.map((field, i) => [field, record[REGISTER_COLUMNS[i]!] ?? ''])) as unknown as RiskRegisterRow;
    const extra = Object.fromEntries(Object.entries(record).filter(([key]) => !(REGISTER_COLUMNS as readonly string[]).includes(key)));
    return { ...row, extra };
  });
}

export function riskRegisterCsv(rows: readonly RegisterRow[]): string {
  const extraColumns = [...new Set(rows.flatMap((r) => Object.keys(r.extra)))];
  return toCsv([...REGISTER_COLUMNS, ...extraColumns], rows.map((r) => [...FIELDS.map((f) => r[f]), ...extraColumns.map((c) => r.extra[c] ?? '')]));
}

/**
 * The register after a run: a row per risk id of the controls run. Open while any finding
 * fails; Accepted when every failure is covered by an unexpired exception; Closed (dated) when
 * failures stop, and Open again if they return. A control that could not be evaluated leaves
 * its row as it was (a new one opens: unknown is not safe). Owner, Notes, extra columns and
 * rows people added are never touched.
 */
export function nextRiskRegister(previous: readonly RegisterRow[], checks: readonly Check[], findings: readonly Finding[], runDate: string): RegisterRow[] {
  const byRisk = new Map(previous.map((r) => [r.riskId, r]));
  const judged = new Map<string, RegisterRow>();
  for (const check of checks) {
    const mine = findings.filter((f) => f.controlId === check.meta.controlId);
    const failing = mine.filter((f) => f.status === 'FAIL');
    const accepted = mine.filter((f) => f.status === 'SUPPRESSED');
    const unknown = mine.some((f) => f.status === 'ERROR');
    const before = byRisk.get(check.meta.riskId);
    const base: RegisterRow = before ?? {
      riskId: check.meta.riskId,
      description: '',
      hipaaStandard: '',
      severity: '',
      affectedResources: '',
      mitigation: '',
      status: '',
      firstDetected: '',
      lastSeen: '',
      closedOn: '',
      owner: '',
      notes: '',
      extra: {},
    };
    const row: RegisterRow = {
      ...base,
      description: `${check.meta.title}: ${check.meta.description}`,
      hipaaStandard: check.meta.hipaa.map((c) => `§${c}`).join('; '),
      severity: check.meta.severity,
      mitigation: check.meta.remediation,
    };
    if (failing.length > 0 || accepted.length > 0) {
      row.status = failing.length > 0 ? 'Open' : 'Accepted';
      row.affectedResources = [...failing.map((f) => f.resourceName), ...accepted.map((f) => `${f.resourceName} (accepted)`)].join('; ');
      if (!row.firstDetected) row.firstDetected = runDate;
      row.lastSeen = runDate;
      row.closedOn = '';
    } else if (unknown) {
      if (!before) {
        row.status = 'Open';
        row.affectedResources = 'could not be evaluated (see findings ERROR)';
      }
    } else if (before && before.status !== 'Closed') {
      row.status = 'Closed';
      row.closedOn = runDate;
      row.affectedResources = '';
    } else if (!before) {
      row.status = 'Closed';
    }
    judged.set(check.meta.riskId, row);
  }
  // Previous rows keep their place (people's order); new risks follow in control order.
  const next = previous.map((r) => judged.get(r.riskId) ?? r);
  for (const [riskId, row] of judged) if (!byRisk.has(riskId)) next.push(row);
  return next;
}
