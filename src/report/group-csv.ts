import type { Check, Finding } from '../checks/check.js';
import { csvChunks } from './csv.js';

/** Evidence flattened for a spreadsheet: `key: value; …`, lists joined, objects as JSON. */
function evidenceText(evidence: Record<string, unknown>): string {
  return Object.entries(evidence)
    .filter(([, value]) => value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0))
    .map(([key, value]) => `${key}: ${Array.isArray(value) ? value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', ') : typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join('; ');
}

/** One row per finding of a subcommand group's controls, evidence included, for the group's CSV. */
export function groupCsv(checks: readonly Check[], findings: readonly Finding[]): string {
  return [...groupCsvChunks(checks, findings)].join('');
}

/** groupCsv's text in chunks of rows. */
export function groupCsvChunks(checks: readonly Check[], findings: readonly Finding[]): Generator<string> {
  const ids = new Set(checks.map((c) => c.meta.controlId));
  function* rows(): Generator<unknown[]> {
    for (const f of findings) {
      if (ids.has(f.controlId)) yield [f.riskId, f.controlId, f.status, f.severity, f.resourceType, f.resourceName, f.resourceArn, f.message, evidenceText(f.evidence), f.hipaa.join('; ')];
    }
  }
  return csvChunks(['Risk ID', 'Control ID', 'Status', 'Severity', 'Resource Type', 'Resource Name', 'Resource ARN', 'Message', 'Evidence', 'HIPAA'], rows());
}
