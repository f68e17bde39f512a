import type { CheckMeta, Finding } from '../checks/check.js';
import type { SkippedAccount } from './collection.js';
import { ouPathText, type OrganizationAccount, type OrganizationFacts } from './facts.js';

// LOCAL ADAPTER, TO BE REPLACED AT MERGE by helper B's pure function in
// src/checks/<group>/organization-coverage.ts (IAM-039 organization-coverage, with its
// metadata in the registry). It exists so that the organization run (src/organization/run.ts)
// can judge coverage from its outcomes now; the interface below is the one the run calls.

/** What the run remembers of each covered account once its snapshot is dropped: collected, or why it could not be. */
export type CoverageOutcome =
  | { account: OrganizationAccount; kind: 'collected' }
  | { account: OrganizationAccount; kind: 'unreachable'; step: 'assume-role' | 'collect'; reason: string };

/** IAM-039's metadata as docs/CONTROLS.md states it (replaced by the registry's check at merge). */
export const COVERAGE_META: CheckMeta = {
  controlId: 'organization-coverage',
  riskId: 'IAM-039',
  title: 'Organization coverage',
  group: 'organization',
  severity: 'high',
  hipaa: ['164.308(a)(1)(ii)(D)', '164.308(a)(8)'],
  description: 'in an organization-wide run, every ACTIVE member account was audited (its role assumed and its sources collected)',
  remediation: 'Deploy the hipaa-iam-auditor role (policies/hipaa-iam-auditor-role.cfn.yaml, by StackSets) to every member account, trusted by the auditing account, and rerun.',
  documentation: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/what-is-cfnstacksets.html',
  sources: [],
};

/**
 * IAM-039 findings of an organization run: a FAIL per covered account that could not be
 * audited (naming the step and the reason) or that the source never reported, else one PASS for
 * the organization stating how many accounts were audited; an ERROR when the organization's
 * account list could not be read (coverage cannot be known). `skipped` accounts were left out on
 * purpose (not ACTIVE, not selected, excluded) and are stated in the PASS evidence, never judged.
 */
export function coverageFindings(outcomes: readonly CoverageOutcome[], covered: readonly OrganizationAccount[], skipped: readonly SkippedAccount[], facts: OrganizationFacts): Finding[] {
  const base = { controlId: COVERAGE_META.controlId, riskId: COVERAGE_META.riskId, title: COVERAGE_META.title, severity: COVERAGE_META.severity, hipaa: [...COVERAGE_META.hipaa] };
  const org = facts.organization;
  const orgFinding = { resourceType: 'AWS::Organizations::Organization', resourceArn: org.arn, resourceName: org.id };
  if (facts.accounts.status === 'error') {
    return [{ ...base, ...orgFinding, status: 'ERROR', message: `could not be evaluated: the organization's accounts could not be listed (${facts.accounts.error.code}: ${facts.accounts.error.message})`, evidence: { accounts: facts.accounts.error } }];
  }
  const reported = new Set(outcomes.map((o) => o.account.id));
  const accountArn = (account: OrganizationAccount) => `arn:aws:organizations::${org.masterAccountId}:account/${org.id}/${account.id}`;
  const accountOf = (account: OrganizationAccount) => ({ id: account.id, name: account.name, ouPath: ouPathText(account) });
  const failures: Finding[] = [];
  for (const outcome of outcomes) {
    if (outcome.kind !== 'unreachable') continue;
    const what = outcome.step === 'assume-role' ? 'its auditor role could not be assumed' : 'its sources could not be read';
    failures.push({
      ...base,
      status: 'FAIL',
      resourceType: 'AWS::Organizations::Account',
      resourceArn: accountArn(outcome.account),
      resourceName: outcome.account.id,
      message: `account ${outcome.account.id} (${outcome.account.name}) was not audited: ${what} (${outcome.reason})`,
      evidence: { account: outcome.account.id, name: outcome.account.name, ouPath: ouPathText(outcome.account), step: outcome.step, reason: outcome.reason },
      account: accountOf(outcome.account),
    });
  }
  for (const account of covered) {
    if (reported.has(account.id)) continue;
    failures.push({
      ...base,
      status: 'FAIL',
      resourceType: 'AWS::Organizations::Account',
      resourceArn: accountArn(account),
      resourceName: account.id,
      message: `account ${account.id} (${account.name}) was selected but the run never received its outcome`,
      evidence: { account: account.id, name: account.name, ouPath: ouPathText(account), step: 'never reported' },
      account: accountOf(account),
    });
  }
  if (failures.length > 0) return failures;
  return [
    {
      ...base,
      ...orgFinding,
      status: 'PASS',
      message: `all ${covered.length} ACTIVE account(s) selected were audited${skipped.length ? `; ${skipped.length} left out on purpose (see evidence)` : ''}`,
      evidence: { audited: covered.length, skipped: skipped.map((s) => ({ account: s.account.id, status: s.account.status, why: s.why })) },
    },
  ];
}
