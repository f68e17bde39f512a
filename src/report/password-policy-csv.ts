import type { Finding } from '../checks/check.js';
import { toCsv } from './csv.js';

/** One row per password-policy parameter: what HIPAA's baseline requires and what is set. */
export function passwordPolicyCsv(findings: readonly Finding[]): string {
  const rows = findings
    .filter((f) => f.controlId === 'password-policy')
    .map((f) => [f.resourceName, f.evidence.required ?? '', f.evidence.actual ?? '', f.status, f.message]);
  return toCsv(['Parameter', 'Required', 'Actual', 'Status', 'Message'], rows);
}
