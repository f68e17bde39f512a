import { peopleWithAccess, permissionSetInAccount, personLabel, type StoreIndex } from '../../identity-center/view.js';
import { adminAccess, hitLabel, type AdminAccess } from '../../policy/effective-permissions.js';
import type { IdentityCenterInstance, PermissionSet } from '../../snapshot/schema.js';
import { type CheckContext, type FindingDraft, type Status } from '../check.js';
import { passing } from '../pass-evidence.js';
import { holdersOf, identityCenterRun, judgeEachInAccount, listed, PERMISSION_SET_TYPE, permissionSetEvidence, permissionsInAccount, defineIdentityCenterCheck } from './common.js';

/** Break-glass permission sets may be held by at most this many people (CONTROLS.md IAM-033). */
export const MAX_BREAK_GLASS_PEOPLE = 2;

/**
 * No IAM Identity Center permission set grants administrator access in an account it reaches.
 *
 * Judged per permission set and account in scope (single-account run: every account the instance
 * reaches; organization run: this member), as IAM-014 judges a role: the set's AWS managed,
 * customer managed (resolved by name and path in that account) and inline policies within its
 * boundary are one principal (permissionSetPermissions, src/identity-center/view.ts), and
 * adminAccess decides (admin, conditional, partial: FAIL; cancelled, none: PASS). A policy the run
 * could not read (a customer managed reference in an account the run did not read, an AWS managed
 * document not read) is ERROR unless what was read already amounts to administrator access.
 * A permission set named as break-glass in settings passes while at most two people hold it over
 * all its accounts (counted in the identity store: ERROR when it could not be read).
 */
export default defineIdentityCenterCheck({
  meta: {
    controlId: 'identity-center-admin',
    riskId: 'IAM-033',
    title: 'No IAM Identity Center permission set grants administrator access',
    group: 'identity-center',
    severity: 'critical',
    hipaa: ['164.308(a)(4)(i)', '164.308(a)(3)(i)', '164.312(a)(1)'],
    description: 'No permission set, judged with its AWS managed, customer managed and inline policies and its boundary in each account it is provisioned to, allows every action on every resource; break-glass sets named in settings are held by at most two people.',
    remediation:
      'Replace AdministratorAccess and other `"Action": "*", "Resource": "*"` grants in permission sets with job-function policies; keep administration in one break-glass permission set (--break-glass-permission-sets) assigned to at most two people, and review who holds it.',
    documentation: 'https://docs.aws.amazon.com/singlesignon/latest/userguide/permissionsetsconcept.html',
    sources: ['identityCenter'],
    optionalSources: ['authorizationDetails'],
  },
  run(context) {
    const ic = identityCenterRun(context);
    if (Array.isArray(ic)) return ic;
    return judgeEachInAccount(context, ic, 'no permission set can be judged for administrator access', (instance, permissionSet, accountId, store) => judge(context, instance, permissionSet, accountId, store));
  },
});

function judge(context: CheckContext, instance: IdentityCenterInstance, permissionSet: PermissionSet, accountId: string, store: StoreIndex | null): FindingDraft {
  const { settings } = context;
  const perms = permissionsInAccount(context, instance, permissionSet, accountId);
  const access = adminAccess(perms);
  const grantedBy = access.grants.map((h) => hitLabel(perms, h));
  const holders = holdersOf(instance, permissionSet, accountId, store);
  const subject = `permission set ${permissionSet.name} in account ${accountId}`;
  const evidence: Record<string, unknown> = {
    ...permissionSetEvidence(instance, permissionSet, accountId, holders),
    adminStatus: access.status,
    grantedBy,
    limits: access.limits,
    except: access.except,
    remains: access.remains ?? null,
    leftOut: access.leftOut ?? null,
    unreadablePolicies: perms.unreadable,
  };
  const finding = (status: Status, message: string, extra: Record<string, unknown> = {}): FindingDraft =>
    passing({ status, resourceType: PERMISSION_SET_TYPE, resourceArn: permissionSetInAccount(permissionSet, accountId), resourceName: `${permissionSet.name}@${accountId}`, message: `${message}; ${holders.text}`, evidence: { ...evidence, ...extra } }, ['people', 'groups']);
  const via = grantedBy.length > 0 ? ` through ${grantedBy.join('; ')}` : '';
  const adminMessage = administratorMessage(access, subject, via);
  if (adminMessage !== null) {
    if (settings.breakGlassPermissionSets.includes(permissionSet.name)) return breakGlass(instance, permissionSet, store, adminMessage, finding);
    return finding('FAIL', adminMessage);
  }
  if (access.status === 'cancelled') {
    const by = access.takenBackBy === 'boundary' ? 'its permissions boundary takes' : 'a Deny takes';
    if (access.leftOut) return finding('PASS', `${subject} is granted * on *${via}, but ${by} back ${access.leftOut}, which leaves IAM administration out of reach`);
    return finding('PASS', `${subject} is granted * on *${via}, but ${by} it back${access.remains ? ` (only ${access.remains} remains)` : ''}`);
  }
  if (perms.unreadable.length > 0) return finding('ERROR', `${subject}: ${perms.unreadable.join('; ')} could not be read, so administrator access cannot be ruled out`);
  if (access.leftOut) return finding('PASS', `${subject} is granted every action but ${access.leftOut}${via}, which leaves IAM administration out of reach`);
  return finding('PASS', grantedBy.length > 0 ? `${subject} is granted * on *${via}, but ${access.limits.join('; ')}` : `${subject} has no policy granting * on *`);
}

/** The FAIL message of administrator access as IAM-014 words it (admin, conditional, partial), or null when the set is not an administrator. */
function administratorMessage(access: AdminAccess, subject: string, via: string): string | null {
  switch (access.status) {
    case 'admin':
      return `${subject} has administrator access (* on *)${via}`;
    case 'conditional':
      return `${subject} has administrator access (* on *)${via}, ${access.limits.length > 0 ? `subject to: ${access.limits.join('; ')}` : 'subject to conditions'}`;
    case 'partial':
      if (access.takenBackBy === null) {
        return `${subject} has administrator access: it is granted every action but ${access.except ?? 'some'}${via}, which leaves IAM administration in reach (${access.administration ?? 'iam'})`;
      }
      return `${subject} is granted * on *${via}; only ${access.except ?? 'some actions'} ${access.except?.includes(',') ? 'are' : 'is'} taken back, which leaves IAM administration in reach (${access.administration ?? 'iam'})`;
    default:
      return null;
  }
}

/**
 * A break-glass permission set with administrator access: PASS while at most two distinct people
 * hold it over every account it reaches (directly or through groups), FAIL naming them when more.
 * Counting needs the identity store (members of groups): ERROR when it could not be read.
 */
function breakGlass(
  instance: IdentityCenterInstance,
  permissionSet: PermissionSet,
  store: StoreIndex | null,
  adminMessage: string,
  finding: (status: Status, message: string, extra?: Record<string, unknown>) => FindingDraft,
): FindingDraft {
  const named = `${adminMessage}; it is named as break-glass in settings`;
  if (!store) {
    const error = instance.identityStore.status === 'error' ? `${instance.identityStore.error.code}: ${instance.identityStore.error.message}` : 'not read';
    return finding('ERROR', `${named}, but who holds it cannot be counted: identity store ${instance.identityStoreId} could not be read (${error})`, { breakGlass: true });
  }
  const everyAccount = [...new Set([...permissionSet.accounts, ...permissionSet.assignments.map((a) => a.accountId)])].sort();
  const byUser = new Map<string, string>();
  for (const accountId of everyAccount) for (const person of peopleWithAccess(permissionSet, accountId, store)) byUser.set(person.userId, personLabel(person));
  const holders = [...byUser.values()].sort();
  const extra = { breakGlass: true, breakGlassHolders: holders, breakGlassAccounts: everyAccount, maxBreakGlassPeople: MAX_BREAK_GLASS_PEOPLE };
  const over = `over all its accounts (${everyAccount.join(', ')})`;
  if (holders.length <= MAX_BREAK_GLASS_PEOPLE) {
    return finding('PASS', `${named} and ${holders.length === 0 ? 'nobody holds it' : `${holders.length === 1 ? 'one person holds' : 'two people hold'} it`} ${over}${holders.length > 0 ? `: ${holders.join(', ')}` : ''} (at most ${MAX_BREAK_GLASS_PEOPLE})`, extra);
  }
  return finding('FAIL', `${named}, but ${holders.length} people hold it ${over}: ${listed(holders)} (at most ${MAX_BREAK_GLASS_PEOPLE})`, extra);
}
