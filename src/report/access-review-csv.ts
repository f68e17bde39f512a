import type { Finding } from '../checks/check.js';
import type { PeopleAccess, PersonAccountAccess } from '../identity-center/people-access.js';
import { holdersText, type RoleHolders } from '../identity-center/role-holders.js';
import { permissionSetNameOfRole, personLabel } from '../identity-center/view.js';
import { isRootRow, reportDate, reportFlag } from '../snapshot/credential-report.js';
import { isServiceLinkedRole } from '../snapshot/principals.js';
import type { Snapshot } from '../snapshot/schema.js';
import { csvChunks } from './csv.js';
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

/** What the sheet's Access Kind column says of a row. */
export const ACCESS_KINDS = { iam: 'IAM principal', identityCenter: 'Identity Center person' } as const;

const HEADER = [
  'Access Kind', 'Principal Type', 'Name', 'Display Name', 'ARN', 'Account', 'Permission Set', 'Groups', 'Policies', 'Administrator',
  'Services Reachable', 'ePHI Services Reachable', 'Non-Eligible Services Reachable', 'MFA', 'Permissions Boundary', 'Last Activity', 'Manager Approval', 'Review Notes',
] as const;
type Column = (typeof HEADER)[number];

/** A row from its cells by column name (a column left out is empty). */
function row(cells: Partial<Record<Column, string>>): string[] {
  return HEADER.map((column) => cells[column] ?? '');
}

/** What IAM Identity Center adds to the review: the people who sign in through it, and the roles its sets make here. */
export interface IdentityCenterReview {
  /** Every person × account × permission set in the run's scope (src/identity-center/people-access.ts), or why they cannot be listed. */
  people: PeopleAccess;
  /** The permission set and holders behind each AWSReservedSSO_* role of the account (src/identity-center/role-holders.ts). */
  roleHolders: RoleHolders;
}

/**
 * The monthly re-approval sheet a manager signs. A row per IAM user and customer role (Access
 * Kind "IAM principal"), then a row per person × account × permission set IAM Identity Center
 * grants in the run's scope ("Identity Center person": user name, display name, the groups the
 * access comes through or "direct", the account, the permission set by name with its ARN in the
 * ARN column, administrator or not, services reachable, the ePHI and the non-eligible ones among
 * them). Verdicts on IAM principals come from the findings (admin-access, non-eligible-services,
 * user-console-mfa); a permission set is judged here as one principal by the same policy engine
 * (people-access.ts). What could not be read is a row of its own (Principal Type ERROR), never
 * silently nothing: authorization details, IAM Identity Center, an instance's permission sets or
 * identity store, or the instance behind the account's AWSReservedSSO_* roles.
 */
export function accessReviewCsv(snapshot: Snapshot, findings: readonly Finding[], identityCenter: IdentityCenterReview): string {
  return [...accessReviewCsvChunks(snapshot, findings, identityCenter)].join('');
}

/** accessReviewCsv's text in chunks of rows, each row built as it is written. */
export function* accessReviewCsvChunks(snapshot: Snapshot, findings: readonly Finding[], identityCenter: IdentityCenterReview): Generator<string> {
  const details = snapshot.sources.authorizationDetails;
  const byControl = (id: string) => new Map(findings.filter((f) => f.controlId === id).map((f) => [f.resourceArn, f]));
  const admin = byControl('admin-access');
  const services = byControl('non-eligible-services');
  const mfa = byControl('user-console-mfa');
  const report = snapshot.sources.credentialReport.status === 'ok' ? snapshot.sources.credentialReport.data.rows.filter((r) => !isRootRow(r)) : [];
  const reportByArn = new Map(report.map((r) => [r.arn ?? '', r]));

  const adminVerdict = (arn: string) => {
    const f = admin.get(arn);
    return f ? (f.status === 'FAIL' ? 'yes' : f.status === 'PASS' ? 'no' : f.status) : 'unknown';
  };
  const evidenceList = (arn: string, field: string) => {
    const finding = services.get(arn);
    if (!finding) return null;
    const list = finding.evidence[field];
    return Array.isArray(list) ? (list as string[]) : [];
  };
  const catalogue = new Set(servicePrefixes());
  const serviceCells = (arn: string) => {
    const reach = evidenceList(arn, 'reachableServices');
    const notEligible = evidenceList(arn, 'notEligible');
    if (reach === null || notEligible === null) return { 'Services Reachable': 'unknown', 'ePHI Services Reachable': 'unknown', 'Non-Eligible Services Reachable': 'unknown' };
    return { 'Services Reachable': servicesCell(reach), 'ePHI Services Reachable': ephiServices(reach, catalogue).join(' '), 'Non-Eligible Services Reachable': servicesCell(notEligible) };
  };
  const iam = { 'Access Kind': ACCESS_KINDS.iam, Account: snapshot.accountId };
  const notRead = (what: string) => row({ 'Access Kind': ACCESS_KINDS.identityCenter, 'Principal Type': 'ERROR', Name: what });

  function* iamRows(): Generator<string[]> {
    if (details.status !== 'ok') {
      yield row({ 'Access Kind': ACCESS_KINDS.iam, 'Principal Type': 'ERROR', Account: snapshot.accountId, Name: `authorization details unavailable: ${details.error.message}` });
      return;
    }
    const { users, roles } = details.data;
    const groups = new Map(details.data.groups.map((g) => [g.name, g]));
    for (const user of users) {
      const report = reportByArn.get(user.arn);
      const lastActivity = report ? [reportDate(report, 'password_last_used'), reportDate(report, 'access_key_1_last_used_date'), reportDate(report, 'access_key_2_last_used_date')].filter((d): d is string => d !== null).sort().at(-1) ?? 'never' : 'unknown';
      const policies = [
        ...user.attachedPolicies.map((p) => p.name),
        ...user.inlinePolicies.map((p) => `${p.name} (inline)`),
        ...user.groups.flatMap((g) => [...(groups.get(g)?.attachedPolicies.map((p) => `${p.name} (via ${g})`) ?? []), ...(groups.get(g)?.inlinePolicies.map((p) => `${p.name} (inline, via ${g})`) ?? [])]),
      ];
      const mfaFinding = mfa.get(user.arn);
      const mfaCell = report && reportFlag(report, 'password_enabled') === false ? 'no console password' : mfaFinding ? String(mfaFinding.evidence.mfaActive === true ? `yes (${mfaFinding.evidence.mfaType})` : 'NO') : 'unknown';
      yield row({ ...iam, 'Principal Type': 'user', Name: user.name, ARN: user.arn, Groups: user.groups.join(' '), Policies: policies.join('; '), Administrator: adminVerdict(user.arn), ...serviceCells(user.arn), MFA: mfaCell, 'Permissions Boundary': user.permissionsBoundary?.arn ?? 'none', 'Last Activity': lastActivity });
    }
    for (const role of roles.filter((r) => !isServiceLinkedRole(r))) {
      const policies = [...role.attachedPolicies.map((p) => p.name), ...role.inlinePolicies.map((p) => `${p.name} (inline)`)];
      yield row({ ...iam, 'Principal Type': 'role', Name: role.name, ARN: role.arn, 'Permission Set': permissionSetNameOfRole(role) ?? '', Policies: policies.join('; '), Administrator: adminVerdict(role.arn), ...serviceCells(role.arn), MFA: 'not applicable (role)', 'Permissions Boundary': role.permissionsBoundary?.arn ?? 'none', 'Last Activity': role.lastUsed ?? 'never' });
    }
  }

  function* identityCenterRows(): Generator<string[]> {
    const { people } = identityCenter;
    if (people.status === 'error') {
      yield notRead(`${people.reason}: the people who sign in through it are not listed`);
      return;
    }
    for (const what of people.notRead) yield notRead(`IAM Identity Center: ${what} could not be read, so the people it grants access are not all listed`);
    // Roles IAM Identity Center made here whose permission set no instance read holds: their people are not in the sheet.
    if (details.status === 'ok') {
      for (const role of details.data.roles) {
        const holders = identityCenter.roleHolders(role);
        if (holders && holders.people === null) yield notRead(`role ${role.name} ${holdersText(holders)}: the people who hold it are not listed`);
      }
    }
    for (const access of people.rows) yield personRow(access);
  }

  function personRow(access: PersonAccountAccess): string[] {
    const { grant } = access;
    const unknown = grant.admin === 'unknown';
    const administrator = grant.adminNote ? `${grant.admin}: ${grant.adminNote}` : grant.admin;
    const reach = unknown
      ? { 'Services Reachable': 'unknown', 'ePHI Services Reachable': 'unknown', 'Non-Eligible Services Reachable': 'unknown' }
      : { 'Services Reachable': servicesCell(grant.reachable), 'ePHI Services Reachable': ephiServices(grant.reachable, catalogue).join(' '), 'Non-Eligible Services Reachable': servicesCell(grant.notEligible) };
    return row({
      'Access Kind': ACCESS_KINDS.identityCenter,
      'Principal Type': 'person',
      Name: access.userName ?? personLabel(access),
      'Display Name': access.displayName ?? '',
      ARN: access.permissionSet.arn,
      Account: access.accountId,
      'Permission Set': access.permissionSet.name,
      Groups: [...(access.direct ? ['direct'] : []), ...access.viaGroups].join('; '),
      Policies: grant.policies.join('; '),
      Administrator: administrator,
      ...reach,
      MFA: 'IAM Identity Center sign-in (attest its MFA setting: IAM-037)',
      'Permissions Boundary': grant.boundary ?? 'none',
      'Last Activity': 'unknown (IAM Identity Center does not report it per person)',
    });
  }

  function* rows(): Generator<string[]> {
    yield* iamRows();
    yield* identityCenterRows();
  }
  yield* csvChunks(HEADER, rows());
}
