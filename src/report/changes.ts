import type { Finding } from '../checks/check.js';
import { toCsv } from './csv.js';

const key = (f: Pick<Finding, 'controlId' | 'resourceArn' | 'resourceName'>) => `${f.controlId}\u0000${f.resourceArn}\u0000${f.resourceName}`;
const failing = (f: Finding) => f.status === 'FAIL' || f.status === 'ERROR';

/**
 * changes.csv: failing findings new since the previous run of the account, those resolved, and
 * those still open (ERROR counts as failing: it is not a resolution). No previous run: all new.
 */
export function changesCsv(previous: readonly Finding[] | null, current: readonly Finding[]): string {
  const before = new Map((previous ?? []).map((f) => [key(f), f]));
  const now = new Map(current.map((f) => [key(f), f]));
  const rows: unknown[][] = [];
  for (const f of current) {
    if (!failing(f)) continue;
    const old = before.get(key(f));
    rows.push([old && failing(old) ? 'still open' : 'new', f.controlId, f.riskId, f.resourceName, f.resourceArn, old?.status ?? (previous ? 'absent' : 'no previous run'), f.status, f.message]);
  }
  for (const f of previous ?? []) {
    if (!failing(f)) continue;
    const current = now.get(key(f));
    if (current && failing(current)) continue;
    rows.push(['resolved', f.controlId, f.riskId, f.resourceName, f.resourceArn, f.status, current?.status ?? 'absent', current?.message ?? 'the resource is no longer reported']);
  }
  return toCsv(['Change', 'Control ID', 'Risk ID', 'Resource Name', 'Resource ARN', 'Status Before', 'Status Now', 'Message'], rows);
}
