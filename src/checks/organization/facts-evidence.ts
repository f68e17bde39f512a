import type { OrganizationContext, OrganizationFacts } from '../../organization/facts.js';

/** The facts parts a check can lay over an account's own sources. */
export type FactsPart = 'accounts' | 'scps' | 'organizationsFeatures' | 'organizationTrails' | 'organizationAnalyzers' | 'identityCenter';

/**
 * The `organization` evidence of a finding whose verdict the organization facts made (or could
 * have made): which part was used, read from which account, and how that differs from what the
 * account's own sources say. An organization run's verdicts are compared with single-account
 * verdicts, so every difference the facts cause must be stated in the finding itself.
 */
export function usedFacts(organization: OrganizationContext, part: FactsPart, difference: string): Record<string, unknown> {
  return {
    usedFacts: part,
    readFrom: organization.facts.readFrom.accountId,
    organizationId: organization.facts.organization.id,
    ouPath: organization.account.ouPath.map((ou) => `${ou.name} (${ou.id})`),
    difference,
  };
}

/** The `organization` evidence of a finding judged as in a single-account run because a facts part could not be read. */
export function unreadableFacts(organization: OrganizationContext, part: FactsPart, error: { code: string; message: string }): Record<string, unknown> {
  return {
    unreadableFacts: part,
    error: `${error.code}: ${error.message}`,
    readFrom: organization.facts.readFrom.accountId,
    organizationId: organization.facts.organization.id,
    note: `the organization's ${part} could not be read, so this verdict is the account's own, as in a single-account run`,
  };
}

/**
 * The context's account must be the snapshot's: a facts entry laid over another account's
 * snapshot would judge one account with another's place in the organization. Throws (the
 * engine makes it an ERROR naming both) rather than judge.
 */
export function assertSameAccount(organization: OrganizationContext, accountId: string): void {
  if (organization.account.id !== accountId) {
    throw new Error(`the organization context is for account ${organization.account.id}, but the snapshot is of account ${accountId}`);
  }
}

/** Whether the facts name this account the management account (its entry's flag, or DescribeOrganization's MasterAccountId). */
export function isManagementAccount(organization: OrganizationContext): boolean {
  return organization.account.management || organization.account.id === organization.facts.organization.masterAccountId;
}

export type { OrganizationFacts };
