import type { Finding } from '../checks/check.js';
import { isRootRow, reportDate, reportFlag } from '../snapshot/credential-report.js';
import { isServiceLinkedRole } from '../snapshot/principals.js';
import type { Snapshot } from '../snapshot/schema.js';
import { csvChunks, toCsv } from './csv.js';
import { servicePrefixes } from '../policy/action-catalog.js';

/** Services whose resources typically hold ePHI: a manager should look twice at access to them. */
export const EPHI_SERVICES: ReadonlySet<string> = new Set([
  's3', 'rds', 'rds-db', 'dynamodb', 'healthlake', 'medical-imaging', 'redshift', 'redshift-data', 'elasticfilesystem', 'fsx',
  'backup', 'glacier', 'ec2', 'neptune-db', 'es', 'aoss', 'kinesis', 'firehose', 'sqs', 'sns', 'logs', 'athena', 'glue',
  'comprehendmedical', 'transcribe', 'textract', 'sagemaker', 'cassandra', 'qldb', 'timestream', 'omics', 'workspaces', 'workdocs',
]);

/**
 * non-eligible-services states a reach of most of the catalogue as "*" followed by "-prefix" for
 * each catalogue service not reached (and any reached service the catalogue lacks); "*" alone is
 * every service. The review sheet says "* except …" so a manager reads it without the convention.
 */
function servicesCell(list: readonly string[]): string {
  if (list[0] !== '*' || list.length === 1) return list.join(' ');
  const left = list.filter((s) => s.startsWith('-')).map((s) => s.slice(1));
  const extra = list.slice(1).filter((s) => !s.startsWith('-'));
  return [`* except ${left.join(' ')}`, ...extra].join(' ');
}

/** The ePHI services a reach (as servicesCell reads it) includes; ["*"] for every service. */
function ephiServices(list: readonly string[], inCatalogue: ReadonlySet<string>): string[] {
  if (list[0] !== '*') return list.filter((s) => EPHI_SERVICES.has(s));
  if (list.length === 1) return ['*'];
  const left = new Set(list.filter((s) => s.startsWith('-')).map((s) => s.slice(1)));
  const extra = list.slice(1).filter((s) => !s.startsWith('-') && EPHI_SERVICES.has(s));
  return [...[...EPHI_SERVICES].filter((s) => inCatalogue.has(s) && !left.has(s)), ...extra].sort((a, b) => a.localeCompare(b));
}

/**
 * A row per user and per customer role with what a manager re-approves each month. Verdicts come
 * from the findings (admin-access, non-eligible-services, user-console-mfa, permissions-boundary);
 * facts (groups, policies, activity) from the snapshot. Nothing is judged here.
 */
export function accessReviewCsv(snapshot: Snapshot, findings: readonly Finding[]): string {
  return [...accessReviewCsvChunks(snapshot, findings)].join('');
}

/** accessReviewCsv's text in chunks of rows, each row built as it is written. */
export function* accessReviewCsvChunks(snapshot: Snapshot, findings: readonly Finding[]): Generator<string> {
  const details = snapshot.sources.authorizationDetails;
  const header = ['Principal Type', 'Name', 'ARN', 'Groups', 'Policies', 'Administrator', 'Services Reachable', 'ePHI Services Reachable', 'MFA', 'Permissions Boundary', 'Last Activity', 'Manager Approval', 'Review Notes'];
  if (details.status !== 'ok') {
    yield toCsv(header, [['ERROR', '', '', '', '', '', '', '', '', '', `authorization details unavailable: ${details.error.message}`, '', '']]);
    return;
  }

  const byControl = (id: string) => new Map(findings.filter((f) => f.controlId === id).map((f) => [f.resourceArn, f]));
  const admin = byControl('admin-access');
  const services = byControl('non-eligible-services');
  const mfa = byControl('user-console-mfa');
  const report = snapshot.sources.credentialReport.status === 'ok' ? snapshot.sources.credentialReport.data.rows.filter((r) => !isRootRow(r)) : [];
  const reportByArn = new Map(report.map((r) => [r.arn ?? '', r]));
  const { users, roles } = details.data;
  const groups = new Map(details.data.groups.map((g) => [g.name, g]));

  const adminVerdict = (arn: string) => {
    const f = admin.get(arn);
    return f ? (f.status === 'FAIL' ? 'yes' : f.status === 'PASS' ? 'no' : f.status) : 'unknown';
  };
  const reachable = (arn: string) => {
    const list = services.get(arn)?.evidence.reachableServices;
    return Array.isArray(list) ? (list as string[]) : null;
  };
  const catalogue = new Set(servicePrefixes());
  const serviceCells = (arn: string) => {
    const list = reachable(arn);
    if (list === null) return ['unknown', 'unknown'];
    return [servicesCell(list), ephiServices(list, catalogue).join(' ')];
  };

  function* rows(): Generator<unknown[]> {
    for (const user of users) {
      const row = reportByArn.get(user.arn);
      const lastActivity = row ? [reportDate(row, 'password_last_used'), reportDate(row, 'access_key_1_last_used_date'), reportDate(row, 'access_key_2_last_used_date')].filter((d): d is string => d !== null).sort().at(-1) ?? 'never' : 'unknown';
      const policies = [
        ...user.attachedPolicies.map((p) => p.name),
        ...user.inlinePolicies.map((p) => `${p.name} (inline)`),
        ...user.groups.flatMap((g) => [...(groups.get(g)?.attachedPolicies.map((p) => `${p.name} (via ${g})`) ?? []), ...(groups.get(g)?.inlinePolicies.map((p) => `${p.name} (inline, via ${g})`) ?? [])]),
      ];
      const mfaFinding = mfa.get(user.arn);
      const mfaCell = row && reportFlag(row, 'password_enabled') === false ? 'no console password' : mfaFinding ? String(mfaFinding.evidence.mfaActive === true ? `yes (${mfaFinding.evidence.mfaType})` : 'NO') : 'unknown';
      yield ['user', user.name, user.arn, user.groups.join(' '), policies.join('; '), adminVerdict(user.arn), ...serviceCells(user.arn), mfaCell, user.permissionsBoundary?.arn ?? 'none', lastActivity, '', ''];
    }
    for (const role of roles.filter((r) => !isServiceLinkedRole(r))) {
      const policies = [...role.attachedPolicies.map((p) => p.name), ...role.inlinePolicies.map((p) => `${p.name} (inline)`)];
      yield ['role', role.name, role.arn, '', policies.join('; '), adminVerdict(role.arn), ...serviceCells(role.arn), 'not applicable (role)', role.permissionsBoundary?.arn ?? 'none', role.lastUsed ?? 'never', '', ''];
    }
  }
  yield* csvChunks(header, rows());
}
