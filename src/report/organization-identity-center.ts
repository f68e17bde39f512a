import { accountsInScope, indexStore, peopleWithAccess, permissionSetPermissions, personLabel } from '../identity-center/view.js';
import type { OrganizationAccount, OrganizationFacts } from '../organization/facts.js';
import { adminAccess } from '../policy/effective-permissions.js';
import type { AuthorizationDetails, IdentityCenterInstance, PermissionSet } from '../snapshot/schema.js';
import { csvChunks } from './csv.js';
import { escapeHtml as esc } from './html/charts.js';

// Who reaches which account of the organization through IAM Identity Center, from the facts read
// once (OrganizationFacts.identityCenter): the package's people × accounts table (report.html)
// and identity-center-access.csv, a row per person × account × permission set. They judge
// nothing (IAM-033..037 do, in each account): they lay out the assignments, and mark the
// permission sets that amount to administrator access (IAM-014's rule, adminAccess).

/**
 * Whether a permission set amounts to administrator access in an account, as admin-access
 * (IAM-014) means it: `admin` (every action on every resource, or all but some that leave IAM
 * administration in reach), `conditional` (so, when conditions hold), `no`, or `unknown` when a
 * policy it uses could not be read (a customer managed policy of an account the run did not read,
 * an AWS managed document not read) and what could be read is not administrator access.
 */
export type AdminMark = 'admin' | 'conditional' | 'no' | 'unknown';

/**
 * adminAccess of the permission set judged as one principal in `accountId` (permissionSetPermissions):
 * `details` are that account's authorization details (its customer managed policies), or null
 * when the run did not read the account.
 */
export function permissionSetAdminMark(instance: IdentityCenterInstance, permissionSet: PermissionSet, accountId: string, details: AuthorizationDetails | null, now: Date): AdminMark {
  const perms = permissionSetPermissions(instance, permissionSet, accountId, details, now);
  const access = adminAccess(perms);
  if (access.status === 'admin' || access.status === 'partial') return 'admin';
  if (access.status === 'conditional') return 'conditional';
  return perms.unreadable.length > 0 ? 'unknown' : 'no';
}

/** One person's access to one account through one permission set. */
export interface OrganizationAccessRow {
  accountId: string;
  /** The account's name in the organization ('' for an account ListAccounts did not list). */
  accountName: string;
  userId: string;
  /** null: a user id the identity store does not list. */
  userName: string | null;
  displayName: string | null;
  /** `jdoe (Jane Doe)` (personLabel). */
  person: string;
  permissionSet: string;
  permissionSetArn: string;
  instanceArn: string;
  /** Assigned as a user, not only through groups. */
  direct: boolean;
  /** The groups through which the access comes (display names), sorted. */
  viaGroups: string[];
  admin: AdminMark;
}

/** Everything the people × accounts table and the CSV show: the rows, and what could not be read (then the rows are incomplete). */
export interface OrganizationAccess {
  rows: OrganizationAccessRow[];
  /** `<part>: <code>: <message>` of each part of Identity Center that could not be read; empty when it was read whole. */
  unreadable: string[];
  /** The Identity Center region read, when it was read. */
  region: string | null;
}

/**
 * The organization's Identity Center access, person × account × permission set, sorted by person,
 * account and permission set. `adminOf` says whether a permission set is administrator access in
 * an account (permissionSetAdminMark, with that account's details when the run read it).
 * Instances whose permission sets or identity store could not be read give no rows and are named
 * in `unreadable`, so an empty table is never read as "nobody".
 */
export function organizationAccess(
  facts: Pick<OrganizationFacts, 'identityCenter' | 'accounts'>,
  adminOf: (instance: IdentityCenterInstance, permissionSet: PermissionSet, accountId: string) => AdminMark,
): OrganizationAccess {
  const source = facts.identityCenter;
  if (source.status === 'error') return { rows: [], unreadable: [`IAM Identity Center: ${source.error.code}: ${source.error.message}`], region: null };
  const names = new Map((facts.accounts.status === 'ok' ? facts.accounts.data : []).map((a: OrganizationAccount) => [a.id, a.name]));
  const rows: OrganizationAccessRow[] = [];
  const unreadable: string[] = [];
  for (const instance of source.data.instances) {
    const problems = [
      instance.permissionSets.status === 'error' ? `permission sets of ${instance.instanceArn}: ${instance.permissionSets.error.code}: ${instance.permissionSets.error.message}` : null,
      instance.identityStore.status === 'error' ? `identity store ${instance.identityStoreId}: ${instance.identityStore.error.code}: ${instance.identityStore.error.message}` : null,
    ].filter((p): p is string => p !== null);
    if (instance.permissionSets.status === 'error' || instance.identityStore.status === 'error') {
      unreadable.push(...problems);
      continue;
    }
    const index = indexStore(instance.identityStore.data);
    for (const permissionSet of instance.permissionSets.data) {
      for (const accountId of accountsInScope(permissionSet, { kind: 'all' })) {
        const people = peopleWithAccess(permissionSet, accountId, index);
        if (people.length === 0) continue;
        const admin = adminOf(instance, permissionSet, accountId);
        for (const p of people) {
          rows.push({
            accountId,
            accountName: names.get(accountId) ?? '',
            userId: p.userId,
            userName: p.userName,
            displayName: p.displayName,
            person: personLabel(p),
            permissionSet: permissionSet.name,
            permissionSetArn: permissionSet.arn,
            instanceArn: instance.instanceArn,
            direct: p.direct,
            viaGroups: p.viaGroups,
            admin,
          });
        }
      }
    }
  }
  rows.sort((a, b) => a.person.localeCompare(b.person) || a.userId.localeCompare(b.userId) || a.accountId.localeCompare(b.accountId) || a.permissionSet.localeCompare(b.permissionSet));
  return { rows, unreadable, region: source.data.region };
}

export const IDENTITY_CENTER_ACCESS_CSV = 'identity-center-access.csv';

/** `direct`, `group Clinicians`, `direct; groups A, B`: how the access comes. */
function howText(row: Pick<OrganizationAccessRow, 'direct' | 'viaGroups'>): string {
  const groups = row.viaGroups.length === 0 ? '' : `group${row.viaGroups.length > 1 ? 's' : ''} ${row.viaGroups.join(', ')}`;
  return [row.direct ? 'direct' : '', groups].filter(Boolean).join('; ');
}

const ADMIN_TEXT: Record<AdminMark, string> = { admin: 'yes', conditional: 'yes, when conditions hold', no: 'no', unknown: 'unknown (a policy could not be read)' };

/**
 * identity-center-access.csv: a row per person × account × permission set of the whole
 * organization (User Name, Display Name, User ID, Account ID, Account Name, Permission Set,
 * Assigned, Groups, Administrator, Permission Set ARN, Instance ARN); cells neutralised (csv.ts).
 */
export function identityCenterAccessCsv(access: OrganizationAccess): Generator<string> {
  return csvChunks(
    ['User Name', 'Display Name', 'User ID', 'Account ID', 'Account Name', 'Permission Set', 'Assigned', 'Groups', 'Administrator', 'Permission Set ARN', 'Instance ARN'],
    access.rows.map((r) => [r.userName ?? '', r.displayName ?? '', r.userId, r.accountId, r.accountName, r.permissionSet, r.direct ? 'directly' : 'through groups', r.viaGroups.join('; '), ADMIN_TEXT[r.admin], r.permissionSetArn, r.instanceArn]),
  );
}

/**
 * The report.html section: a row per person, a column per account Identity Center reaches (its
 * id and name), each cell the permission sets through which the person reaches the account, an
 * administrator set marked. What could not be read is said above the table. Every value escaped.
 */
export function identityCenterAccessSection(access: OrganizationAccess): string {
  const head = '<section id="identity-center" class="major"><h2>IAM Identity Center: people × accounts</h2>\n';
  const notes = access.unreadable.map((u) => `<p class="unreadable"><strong>Could not be read:</strong> ${esc(u)}; who reaches the accounts through it is unknown.</p>`).join('\n');
  if (access.rows.length === 0) {
    const none = access.unreadable.length === 0 ? `<p>No person reaches an account of the organization through IAM Identity Center (region ${esc(access.region ?? '')}).</p>` : '';
    return `${head}${notes}${none}</section>\n`;
  }
  const accounts = [...new Map(access.rows.map((r) => [r.accountId, r.accountName])).entries()].sort(([a], [b]) => a.localeCompare(b));
  const people = [...new Map(access.rows.map((r) => [r.userId, r.person])).entries()];
  const cells = new Map<string, OrganizationAccessRow[]>();
  for (const r of access.rows) {
    const key = `${r.userId}\n${r.accountId}`;
    const list = cells.get(key);
    if (list) list.push(r);
    else cells.set(key, [r]);
  }
  const cell = (rows: readonly OrganizationAccessRow[] | undefined): string =>
    (rows ?? [])
      .map((r) => {
        const mark = r.admin === 'admin' ? ' <strong class="admin">admin</strong>' : r.admin === 'conditional' ? ' <strong class="admin">admin (conditional)</strong>' : r.admin === 'unknown' ? ' <span class="muted">admin?</span>' : '';
        return `<span class="ps" title="${esc(howText(r))}">${esc(r.permissionSet)}${mark}</span>`;
      })
      .join('<br>');
  return [
    head,
    notes,
    `<p>${people.length} person(s) reach ${accounts.length} account(s) through IAM Identity Center (region ${esc(access.region ?? '')}). Each cell lists the permission sets through which the person reaches the account (assigned directly or through groups: on hover, and in ${IDENTITY_CENTER_ACCESS_CSV}); <strong class="admin">admin</strong> marks administrator access. Each account’s own report judges them (IAM-033 to IAM-037).</p>\n`,
    `<div class="wide"><table class="people-accounts"><thead><tr><th>Person</th>${accounts.map(([id, name]) => `<th>${esc(id)}<br><span class="muted">${esc(name)}</span></th>`).join('')}</tr></thead><tbody>\n`,
    ...people.map(([userId, person]) => `<tr><th scope="row">${esc(person)}</th>${accounts.map(([accountId]) => `<td>${cell(cells.get(`${userId}\n${accountId}`))}</td>`).join('')}</tr>\n`),
    '</tbody></table></div>\n</section>\n',
  ].join('');
}
