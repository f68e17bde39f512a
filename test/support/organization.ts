import { ORGANIZATION_FACTS_SCHEMA_VERSION, organizationFactsSchema, type OrganizationAccount, type OrganizationContext, type OrganizationFacts } from '../../src/organization/facts.js';
import { NO_HISTORY, type Check, type Finding } from '../../src/checks/check.js';
import { runChecks } from '../../src/checks/engine.js';
import { DEFAULT_SETTINGS } from '../../src/settings.js';
import type { Snapshot } from '../../src/snapshot/schema.js';
import { ACCOUNT, NOW } from './snapshot.js';

/** The test organization: its management account, root and OUs (Root/PHI/Prod holds the member ACCOUNT). */
export const MANAGEMENT = '999999999999';
export const ORG_ID = 'o-test12345';
export const ROOT = { id: 'r-test', name: 'Root' } as const;
export const PHI_OU = { id: 'ou-test-phi', name: 'PHI' } as const;
export const PROD_OU = { id: 'ou-test-prod', name: 'Prod' } as const;

/** An account entry of the organization; a member under Root/PHI/Prod unless fields say otherwise. */
export function orgAccount(id: string = ACCOUNT, fields: Partial<OrganizationAccount> = {}): OrganizationAccount {
  return { id, name: `account-${id}`, status: 'ACTIVE', ouPath: [ROOT, PHI_OU, PROD_OU], management: id === MANAGEMENT, ...fields };
}

/**
 * Valid OrganizationFacts read from the management account: the member ACCOUNT and the management
 * account, every part read and empty (no SCP, no feature, no organization trail, no analyzer
 * region); `patch` changes what a test judges, then the result is checked against the schema.
 */
export function organizationFacts(patch: (facts: OrganizationFacts) => void = () => {}): OrganizationFacts {
  const facts: OrganizationFacts = {
    schemaVersion: ORGANIZATION_FACTS_SCHEMA_VERSION,
    tool: { name: 'hipaa-iam', version: 'test' },
    collectedAt: NOW.toISOString(),
    readFrom: { accountId: MANAGEMENT, arn: `arn:aws:iam::${MANAGEMENT}:user/auditor` },
    organization: { id: ORG_ID, arn: `arn:aws:organizations::${MANAGEMENT}:organization/${ORG_ID}`, masterAccountId: MANAGEMENT, featureSet: 'ALL' },
    accounts: { status: 'ok', data: [orgAccount(MANAGEMENT, { ouPath: [ROOT] }), orgAccount(ACCOUNT)] },
    scps: { status: 'ok', data: [] },
    organizationsFeatures: { status: 'ok', data: { enabledFeatures: [] } },
    organizationTrails: { status: 'ok', data: [] },
    organizationAnalyzers: { status: 'ok', data: { regionSource: 'ec2:DescribeRegions', regions: {}, accountId: MANAGEMENT } },
    identityCenter: { status: 'ok', data: { region: 'us-east-1', instances: [] } },
    collection: { startedAt: NOW.toISOString(), finishedAt: NOW.toISOString(), calls: {} },
  };
  patch(facts);
  return organizationFactsSchema.parse(facts);
}

/** CheckContext.organization for `accountId` (default: the member ACCOUNT) in these facts; its entry must be in facts.accounts. */
export function organizationContext(facts: OrganizationFacts = organizationFacts(), accountId: string = ACCOUNT): OrganizationContext {
  if (facts.accounts.status !== 'ok') return { facts, account: orgAccount(accountId) };
  const account = facts.accounts.data.find((a) => a.id === accountId);
  if (!account) throw new Error(`test setup: account ${accountId} is not in the organization facts`);
  return { facts, account };
}

/** A facts part that could not be read, as collection records it. */
export function unreadable(code = 'AccessDenied', message = 'not authorized') {
  return { status: 'error' as const, error: { code, message } };
}

/** A check's findings on a snapshot as an organization run judges it (organization context given), else as a single-account run. */
export function findingsIn(check: Check, snapshot: Snapshot, organization: OrganizationContext | null): Finding[] {
  return runChecks([check], snapshot, DEFAULT_SETTINGS, NOW, NO_HISTORY, organization);
}
