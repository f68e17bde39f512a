import { InputError } from '../errors.js';
import { ACCOUNT_ID } from '../snapshot/build.js';
import type { AccountSelection, SkippedAccount } from './collection.js';
import type { OrganizationAccount } from './facts.js';

/** The default auditor role assumed in each member account (--role-name). */
export const DEFAULT_ROLE_NAME = 'hipaa-iam-auditor';

/** The part of a selection that picks accounts (--accounts, --ou, --exclude-accounts). */
export type AccountFilter = Pick<AccountSelection, 'accounts' | 'ous' | 'exclude'>;

/**
 * Which accounts a run covers, in ListAccounts order, and why each other account is left out:
 * only ACTIVE accounts are audited; `accounts` keeps only those ids, `ous` only accounts whose
 * OU path passes through one of those OUs or roots (at any depth), and `exclude` drops ids.
 * An account left out for several reasons is recorded with the first of: not ACTIVE, not in
 * --accounts, not under --ou, --exclude-accounts.
 *
 * Throws InputError (exit 2, before any account is read) for an id that is not 12 digits or not
 * an account of the organization, or an OU id the walk of the organization did not meet
 * (`knownOuIds`: every root and OU, holding accounts or not).
 */
export function selectAccounts(accounts: readonly OrganizationAccount[], filter: AccountFilter, knownOuIds: ReadonlySet<string>): { covered: OrganizationAccount[]; skipped: SkippedAccount[] } {
  const known = new Set(accounts.map((account) => account.id));
  for (const [flag, ids] of [['--accounts', filter.accounts ?? []], ['--exclude-accounts', filter.exclude]] as const) {
    const malformed = ids.filter((id) => !ACCOUNT_ID.test(id));
    if (malformed.length > 0) throw new InputError(`${flag} ${malformed.join(', ')}: an AWS account id is 12 digits`);
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length > 0) throw new InputError(`${flag} names ${unknown.join(', ')}, not an account of the organization (organizations:ListAccounts lists ${accounts.length}); nothing was read`);
  }
  const unknownOus = (filter.ous ?? []).filter((id) => !knownOuIds.has(id));
  if (unknownOus.length > 0) throw new InputError(`--ou names ${unknownOus.join(', ')}, not an OU or root of the organization (give ids such as ou-ab12-cdef3456 or r-ab12); nothing was read`);

  const only = filter.accounts ? new Set(filter.accounts) : null;
  const ous = filter.ous ? new Set(filter.ous) : null;
  const exclude = new Set(filter.exclude);
  const covered: OrganizationAccount[] = [];
  const skipped: SkippedAccount[] = [];
  for (const account of accounts) {
    const why =
      account.status !== 'ACTIVE'
        ? `status ${account.status}: only ACTIVE accounts are audited`
        : only && !only.has(account.id)
          ? 'not in --accounts'
          : ous && !account.ouPath.some((ou) => ous.has(ou.id))
            ? `not under --ou ${[...ous].join(', ')}`
            : exclude.has(account.id)
              ? 'excluded by --exclude-accounts'
              : null;
    if (why) skipped.push({ account, why });
    else covered.push(account);
  }
  return { covered, skipped };
}
