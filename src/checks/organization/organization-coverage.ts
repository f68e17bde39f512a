import type { AccountOutcome, SkippedAccount } from '../../organization/collection.js';
import { ouPathText, type OrganizationAccount, type OrganizationFacts } from '../../organization/facts.js';
import { accountArn, accountFinding, defineCheck, type CheckMeta, type Finding, type FindingDraft } from '../check.js';
import { stampFindings } from '../engine.js';

const meta: CheckMeta = {
  controlId: 'organization-coverage',
  riskId: 'IAM-039',
  title: 'Every ACTIVE member account was audited',
  group: 'organization',
  severity: 'high',
  hipaa: ['164.308(a)(1)(ii)(D)', '164.308(a)(8)'],
  description: 'In an organization-wide run, the auditor role was assumed and the sources collected in every ACTIVE member account the run covers.',
  remediation:
    'Deploy the auditor role to every member account (policies/hipaa-iam-auditor-role.cfn.yaml as a service-managed StackSet targeting the organization root), trusted by the auditing account with the ExternalId the run uses; then rerun `hipaa-iam audit --organization`.',
  documentation: 'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_access.html',
  sources: [],
};

/**
 * IAM-039 as a Check: one account's snapshot says nothing about the organization's coverage, so
 * it is NOT_APPLICABLE in single-account runs and in each account of an organization run; the
 * organization run judges it over all accounts with organizationCoverageFindings, in its roll-up.
 */
export default defineCheck({
  meta,
  run({ snapshot, organization }) {
    return [
      accountFinding(
        snapshot.accountId,
        'NOT_APPLICABLE',
        organization === null
          ? 'judged only in an organization-wide run (`hipaa-iam audit --organization`), over every member account; a single account has nothing to judge'
          : 'judged over the organization in its roll-up (organization-coverage findings name each account and whether it was audited)',
        { organizationRun: organization !== null },
      ),
    ];
  },
});

/** An account's outcome as coverage needs it: whether it was collected, or the step that failed and why. A full AccountOutcome fits. */
export type CoverageOutcome =
  | { account: OrganizationAccount; kind: 'collected' }
  | { account: OrganizationAccount; kind: 'unreachable'; step: 'assume-role' | 'collect'; reason: string };

export interface CoverageInput {
  /** The organization's facts: `accounts` must have been read, or coverage cannot be established. */
  facts: OrganizationFacts;
  /** The ACTIVE accounts the run selected (OrganizationSource.covered): each must have an outcome. */
  covered: readonly OrganizationAccount[];
  /** Accounts left out (not ACTIVE, not selected by --accounts/--ou, excluded): listed, never failed. */
  skipped: readonly SkippedAccount[];
  /** Every outcome the run received (OrganizationSource.outcomes, snapshots not needed), any order. */
  outcomes: readonly (CoverageOutcome | AccountOutcome)[];
}

/**
 * IAM-039 organization-coverage over an organization run: full Findings (the control's identity
 * stamped as the engine stamps a check's), for the roll-up to write beside the per-account ones.
 *
 * - facts.accounts unreadable: one ERROR with the reason (which ACTIVE accounts exist is unknown,
 *   so no coverage can be claimed), plus a FAIL for each unreachable outcome (known failures are
 *   never dropped), and no PASS.
 * - Each covered account: PASS "audited: role assumed, sources collected" when it was collected;
 *   FAIL naming the account, its OU path, the step (assume-role | collect) and the reason when it
 *   was unreachable; FAIL "no outcome" when the run ended without one for it (fail closed).
 * - Each skipped account: NOT_APPLICABLE, its evidence saying why it was left out (status, selection).
 * - No covered account at all: one ERROR (an audit of nothing is not coverage).
 *
 * Every finding's resource is the account (AWS::::Account, arn:aws:::ID), resourceName its id;
 * evidence holds its name, status, OU path (`Root/PHI/Prod` and the ids), and the facts' source.
 * Linear in the number of accounts: each finding's evidence is about its account alone.
 */
export function organizationCoverageFindings(input: CoverageInput): Finding[] {
  const { facts } = input;
  const read = { organizationId: facts.organization.id, readFrom: facts.readFrom.accountId };
  const drafts: FindingDraft[] = [];
  const byId = new Map<string, CoverageOutcome | AccountOutcome>();
  for (const outcome of input.outcomes) byId.set(outcome.account.id, outcome);

  if (facts.accounts.status === 'error') {
    const reason = `${facts.accounts.error.code}: ${facts.accounts.error.message}`;
    drafts.push({
      status: 'ERROR',
      resourceType: 'AWS::Organizations::Organization',
      resourceArn: facts.organization.arn,
      resourceName: facts.organization.id,
      message: `the organization's accounts could not be listed (organizations:ListAccounts from ${facts.readFrom.accountId}: ${reason}), so whether every ACTIVE account was audited is unknown`,
      evidence: { ...read, accounts: reason },
    });
    for (const outcome of input.outcomes) if (outcome.kind === 'unreachable') drafts.push(unreachable(outcome, read));
    return stampFindings(meta, drafts);
  }

  if (input.covered.length === 0) {
    drafts.push({
      status: 'ERROR',
      resourceType: 'AWS::Organizations::Organization',
      resourceArn: facts.organization.arn,
      resourceName: facts.organization.id,
      message: `the run covered no ACTIVE account of organization ${facts.organization.id} (${input.skipped.length} left out), so no coverage can be judged`,
      evidence: { ...read, covered: 0, skipped: input.skipped.length },
    });
  }
  for (const account of input.covered) {
    const outcome = byId.get(account.id);
    if (outcome === undefined) {
      drafts.push({ ...resource(account), status: 'FAIL', message: `${label(account)}: not audited: the run ended without an outcome for it`, evidence: { ...accountEvidence(account), ...read, step: null, reason: 'no outcome' } });
    } else if (outcome.kind === 'unreachable') {
      drafts.push(unreachable(outcome, read));
    } else {
      drafts.push({ ...resource(account), status: 'PASS', message: `${label(account)}: audited: role assumed, sources collected`, evidence: { ...accountEvidence(account), ...read } });
    }
  }
  for (const { account, why } of input.skipped) {
    drafts.push({ ...resource(account), status: 'NOT_APPLICABLE', message: `${label(account)}: left out of the run: ${why}`, evidence: { ...accountEvidence(account), ...read, skipped: why } });
  }
  return stampFindings(meta, drafts);
}

function unreachable(outcome: Extract<CoverageOutcome, { kind: 'unreachable' }>, read: Record<string, unknown>): FindingDraft {
  const { account, step, reason } = outcome;
  const what = step === 'assume-role' ? 'the auditor role could not be assumed' : 'its sources could not be collected';
  return { ...resource(account), status: 'FAIL', message: `${label(account)}: not audited: ${what} (${reason})`, evidence: { ...accountEvidence(account), ...read, step, reason } };
}

function resource(account: OrganizationAccount) {
  return { resourceType: 'AWS::::Account', resourceArn: accountArn(account.id), resourceName: account.id };
}

function label(account: OrganizationAccount): string {
  return `account ${account.id} (${account.name}, ${ouPathText(account) || 'no OU path'})`;
}

function accountEvidence(account: OrganizationAccount): Record<string, unknown> {
  return {
    accountId: account.id,
    accountName: account.name,
    accountStatus: account.status,
    management: account.management,
    ouPath: ouPathText(account),
    ouIds: account.ouPath.map((ou) => ou.id),
  };
}
