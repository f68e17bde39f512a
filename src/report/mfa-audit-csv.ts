import type { Finding } from '../checks/check.js';
import { toCsv } from './csv.js';

const yesNo = (value: unknown) => (value === true ? 'yes' : value === false ? 'no' : 'unknown');

/**
 * One row per user and one for root, joining the user-console-mfa and mfa-enforcement
 * findings of the same principal.
 */
export function mfaAuditCsv(findings: readonly Finding[]): string {
  const header = ['User', 'ARN', 'Console Access', 'MFA Active', 'MFA Type', 'Enforcing Policy', 'MFA Status', 'Enforcement Status', 'Message'];
  const rows: unknown[][] = [];
  const rootMfa = findings.find((f) => f.controlId === 'root-mfa' && f.resourceType === 'AWS::IAM::RootUser');
  const rootType = findings.find((f) => f.controlId === 'root-hardware-mfa' && f.resourceType === 'AWS::IAM::RootUser');
  if (rootMfa) {
    rows.push([
      'root',
      rootMfa.resourceArn,
      'yes',
      yesNo(rootMfa.evidence.AccountMFAEnabled === 1 ? true : rootMfa.evidence.AccountMFAEnabled === 0 ? false : null),
      rootType?.evidence.mfaType ?? 'unknown',
      'not applicable (policies do not restrict root)',
      rootMfa.status,
      rootType?.status ?? 'ERROR',
      [rootMfa.message, rootType?.message].filter(Boolean).join('; '),
    ]);
  }
  const enforcement = new Map(findings.filter((f) => f.controlId === 'mfa-enforcement').map((f) => [f.resourceArn, f]));
  for (const f of findings.filter((x) => x.controlId === 'user-console-mfa' && x.resourceType === 'AWS::IAM::User')) {
    const enforced = enforcement.get(f.resourceArn);
    const policies = enforced?.evidence.enforcingPolicies;
    rows.push([
      f.resourceName,
      f.resourceArn,
      yesNo(f.evidence.consoleAccess),
      yesNo(f.evidence.mfaActive),
      f.evidence.mfaType ?? 'unknown',
      Array.isArray(policies) && policies.length > 0 ? policies.join('; ') : enforced ? 'none' : 'unknown',
      f.status,
      enforced?.status ?? 'ERROR',
      f.message,
    ]);
  }
  return toCsv(header, rows);
}
