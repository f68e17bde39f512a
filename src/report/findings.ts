import type { Finding, Status } from '../checks/check.js';
import { toCsv } from './csv.js';
import type { RunInfo } from './run-info.js';

export const FINDINGS_SCHEMA_VERSION = 1;

/**
 * The status machine-readable outputs carry: a failure an exception accepted is still a FAIL
 * there, marked by its `suppressed` object; the terminal, register and matrix say SUPPRESSED.
 */
export function underlyingStatus(f: Finding): Exclude<Status, 'SUPPRESSED'> {
  return f.status === 'SUPPRESSED' ? 'FAIL' : f.status;
}

/**
 * findings.json: `{ schemaVersion, run, findings }`, each finding with the underlying status
 * (FAIL for an accepted failure) and, when an exception accepted it, `suppressed` beside the
 * status ({ justification, approver, expires, exceptionLine, exceptionId, exceptionResource }).
 * archive.ts runFindings reads it back as SUPPRESSED.
 */
export function findingsJson(run: RunInfo, findings: readonly Finding[]): string {
  const ordered = findings.map((f) => ({
    controlId: f.controlId,
    riskId: f.riskId,
    title: f.title,
    status: underlyingStatus(f),
    // Always present on an accepted failure, even one built without the details, so it reads back as accepted.
    ...(f.status === 'SUPPRESSED' ? { suppressed: f.suppressed ?? {} } : {}),
    severity: f.severity,
    resourceType: f.resourceType,
    resourceArn: f.resourceArn,
    resourceName: f.resourceName,
    message: f.message,
    hipaa: f.hipaa,
    evidence: f.evidence,
  }));
  return `${JSON.stringify({ schemaVersion: FINDINGS_SCHEMA_VERSION, run, findings: ordered }, null, 2)}\n`;
}

/** findings.csv: a row per finding, the underlying status, and the accepting exception in the last four columns. */
export function findingsCsv(findings: readonly Finding[]): string {
  return toCsv(
    ['Control ID', 'Risk ID', 'Title', 'Status', 'Severity', 'Resource Type', 'Resource ARN', 'Resource Name', 'Message', 'HIPAA', 'Suppressed', 'Justification', 'Approver', 'Expires'],
    findings.map((f) => [
      f.controlId,
      f.riskId,
      f.title,
      underlyingStatus(f),
      f.severity,
      f.resourceType,
      f.resourceArn,
      f.resourceName,
      f.message,
      f.hipaa.join('; '),
      f.status === 'SUPPRESSED' ? 'yes' : 'no',
      f.suppressed?.justification ?? '',
      f.suppressed?.approver ?? '',
      f.suppressed?.expires ?? '',
    ]),
  );
}

export function runJson(run: RunInfo): string {
  return `${JSON.stringify(run, null, 2)}\n`;
}
