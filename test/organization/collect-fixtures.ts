import type { AccountOutcome, OrganizationSource } from '../../src/organization/collection.js';
import { organizationFactsSchema, type OrganizationAccount, type OrganizationFacts } from '../../src/organization/facts.js';
import type { Snapshot } from '../../src/snapshot/schema.js';
import { NOW, snapshotWith } from '../support/snapshot.js';

export const MANAGEMENT = '111111111111';
export const ROOT = { id: 'r-ab12', name: 'Root' };
export const PHI = { id: 'ou-ab12-phi00001', name: 'PHI' };
export const PROD = { id: 'ou-ab12-prod0001', name: 'Prod' };

export function account(id: string, name: string, ouPath: OrganizationAccount['ouPath'] = [ROOT], status = 'ACTIVE'): OrganizationAccount {
  return { id, name, status, ouPath, management: id === MANAGEMENT };
}

/** Valid facts of an organization of `accounts`, every part read. */
export function factsOf(accounts: OrganizationAccount[]): OrganizationFacts {
  return organizationFactsSchema.parse({
    schemaVersion: 1,
    tool: { name: 'hipaa-iam', version: 'test' },
    collectedAt: NOW.toISOString(),
    readFrom: { accountId: MANAGEMENT, arn: `arn:aws:iam::${MANAGEMENT}:user/org-auditor` },
    organization: { id: 'o-ab12cd34ef', arn: `arn:aws:organizations::${MANAGEMENT}:organization/o-ab12cd34ef`, masterAccountId: MANAGEMENT, featureSet: 'ALL' },
    accounts: { status: 'ok', data: accounts },
    scps: { status: 'ok', data: [] },
    organizationsFeatures: { status: 'ok', data: { enabledFeatures: ['RootCredentialsManagement', 'RootSessions'] } },
    organizationTrails: { status: 'ok', data: [] },
    organizationAnalyzers: { status: 'error', error: { code: 'AccessDeniedException', message: 'not authorized' } },
    collection: { startedAt: NOW.toISOString(), finishedAt: NOW.toISOString(), calls: {} },
  });
}

/** A valid snapshot of account `id` (its caller names it), with `minimumPasswordLength` to tell accounts apart. */
export function snapshotOf(id: string, minimumPasswordLength: number): Snapshot {
  return snapshotWith((s) => {
    s.accountId = id;
    s.sources.callerIdentity = { status: 'ok', data: { account: id, arn: `arn:aws:sts::${id}:assumed-role/hipaa-iam-auditor/hipaa-iam-org-audit`, userId: 'AROATEST' } };
    s.sources.passwordPolicy = {
      status: 'ok',
      data: {
        policy: {
          minimumPasswordLength,
          requireSymbols: true,
          requireNumbers: true,
          requireUppercaseCharacters: true,
          requireLowercaseCharacters: true,
          allowUsersToChangePassword: true,
          expirePasswords: false,
          maxPasswordAge: null,
          passwordReusePrevention: null,
          hardExpiry: null,
        },
      },
    };
  });
}

/** An organization source over fixed outcomes. */
export function sourceOf(accounts: OrganizationAccount[], outcomes: AccountOutcome[]): OrganizationSource {
  return {
    facts: factsOf(accounts),
    selection: { accounts: null, ous: null, exclude: [], roleName: 'hipaa-iam-auditor', externalId: true },
    covered: outcomes.map((o) => o.account),
    skipped: accounts.filter((a) => !outcomes.some((o) => o.account.id === a.id)).map((a) => ({ account: a, why: `status ${a.status}: only ACTIVE accounts are audited` })),
    description: 'unit test',
    outcomes: {
      async *[Symbol.asyncIterator]() {
        yield* outcomes;
      },
    },
  };
}
