import type { Finding } from '../checks/check.js';
import { toCsv } from './csv.js';
import type { RunInfo } from './run-info.js';

export const FINDINGS_SCHEMA_VERSION = 1;

export function findingsJson(run: RunInfo, findings: readonly Finding[]): string {
  const ordered = findings.map((f) => ({
    controlId: f.controlId,
    riskId: f.riskId,
    title: f.title,
    status: f.status,
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

export function findingsCsv(findings: readonly Finding[]): string {
  return toCsv(
    ['Control ID', 'Risk ID', 'Title', 'Status', 'Severity', 'Resource Type', 'Resource ARN', 'Resource Name', 'Message', 'HIPAA'],
    findings.map((f) => [f.controlId, f.riskId, f.title, f.status, f.severity, f.resourceType, f.resourceArn, f.resourceName, f.message, f.hipaa.join('; ')]),
  );
}

export function runJson(run: RunInfo): string {
  return `${JSON.stringify(run, null, 2)}\n`;
}
