import type { NeededSources } from '../collect/live.js';
import { NOT_COLLECTED } from '../snapshot/build.js';
import { SOURCE_NAMES, type Snapshot, type SourceName } from '../snapshot/schema.js';
import type { OrganizationAccount, OrganizationFacts } from './facts.js';

// The shape every source of an organization-wide run produces, live (src/organization/collect-live.ts)
// or saved (`collect --organization --save DIR`, read back by `--snapshot DIR`): the facts read once,
// which accounts the run covers, and each account's snapshot or why it could not be read, one
// account at a time so that memory is bounded by the concurrency, never by the organization's size.

/** Which accounts a run covers (--accounts, --ou, --exclude-accounts), as recorded in run.json. */
export interface AccountSelection {
  /** --accounts: only these ids; null: every ACTIVE account. */
  accounts: string[] | null;
  /** --ou: only accounts under these OUs (at any depth); null: anywhere. */
  ous: string[] | null;
  /** --exclude-accounts. */
  exclude: string[];
  /** The role assumed in each account (--role-name; default hipaa-iam-auditor) and whether an ExternalId was given (never the id itself). */
  roleName: string;
  externalId: boolean;
}

/** An account left out of the run, and why (not ACTIVE, not selected, excluded): recorded, never judged. */
export interface SkippedAccount {
  account: OrganizationAccount;
  why: string;
}

/** One covered account's outcome: its snapshot, or why it could not be audited (IAM-039 organization-coverage FAILs it). */
export type AccountOutcome =
  | { account: OrganizationAccount; kind: 'collected'; snapshot: Snapshot }
  | {
      account: OrganizationAccount;
      kind: 'unreachable';
      /** The step that failed: assuming the auditor role, or reading the account (no source could be read). */
      step: 'assume-role' | 'collect';
      /** `<code>: <message>` of the failure, secrets removed. */
      reason: string;
    };

/**
 * An organization as a run reads it. `outcomes` yields each covered account once, in the order
 * collection finishes (not the order of `covered`); a consumer that stops early must call
 * `return()` on the iterator so that collections in flight are abandoned. At most the source's
 * concurrency of snapshots are alive at a time, the one being consumed included.
 */
export interface OrganizationSource {
  facts: OrganizationFacts;
  selection: AccountSelection;
  /** The ACTIVE accounts selected, in ListAccounts order: each appears exactly once in outcomes. */
  covered: OrganizationAccount[];
  skipped: SkippedAccount[];
  outcomes: AsyncIterable<AccountOutcome>;
  /** How the run names the source in run.json (live AWS with the profile and role, or the saved folder). */
  description: string;
}

/**
 * Sources an organization run reads once for every member, in the organization's facts
 * (organization.json), never in each member: IAM Identity Center, whose instance is the
 * organization's (each member's findings judge what reaches it, src/identity-center/view.ts).
 */
export const ORGANIZATION_READ_ONCE: readonly SourceName[] = ['identityCenter'];

/** What a member's snapshot holds for a source read once for the organization: NotCollected (not read on purpose, never a read failure). */
export const READ_ONCE_FOR_ORGANIZATION = { status: 'error' as const, error: { code: NOT_COLLECTED, message: 'read once for the organization (organization.json), not in each account' } };

/** The sources a member's collectLive reads: those `needed` (default every source), less those read once for the organization. */
export function memberSources(needed: NeededSources | undefined): NeededSources {
  const sources = (needed?.sources ?? SOURCE_NAMES).filter((name) => !ORGANIZATION_READ_ONCE.includes(name));
  return { sources, by: needed?.by ?? 'the organization run' };
}

/**
 * The member's snapshot as an organization run judges it: each source read once for the
 * organization replaced by READ_ONCE_FOR_ORGANIZATION, whatever the member held for it (a live
 * member never reads it; a snapshot saved otherwise may hold an error or another reading), so
 * the account's run.json lists it as not read on purpose, never as a read failure.
 */
export function asMemberSnapshot(snapshot: Snapshot): Snapshot {
  return { ...snapshot, sources: { ...snapshot.sources, ...Object.fromEntries(ORGANIZATION_READ_ONCE.map((name) => [name, READ_ONCE_FOR_ORGANIZATION])) } };
}
