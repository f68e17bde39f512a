import type { Check, Finding } from '../checks/check.js';
import { toCsv } from './csv.js';

/** Evidence flattened for a spreadsheet: `key: value; …`, lists joined, objects as JSON. */
function evidenceText(evidence: Record<string, unknown>): string {
  return Object.entries(evidence)
    .filter(([, value]) => value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0))
    .map(([key, value]) => `${key}: ${Array.isArray(value) ? value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', ') : typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join('; ');
}

/** One row per finding of a subcommand group's controls, evidence included, for the group's CSV. */
export function groupCsv(checks: readonly Check[], findings: readonly Finding[]): string {
  const ids = new Set(checks.map((c) => c.meta.controlId));
  const rows = findings
    .filter((f) => ids.has(f.controlId))
    .map((f) => [f.riskId, f.controlId, f.status, f.severity, f.resourceType, f.resourceName, f.resourceArn, f.message, evidenceText(f.evidence), f.hipaa.join('; ')]);
  return toCsv(['Risk ID', 'Control ID', 'Status', 'Severity', 'Resource Type', 'Resource Name', 'Resource ARN', 'Message', 'Evidence', 'HIPAA'], rows);
}
