import { readFileSync } from 'node:fs';
import type { AccountOutcome, OrganizationSource, SkippedAccount } from '../../src/organization/collection.js';
import { ORGANIZATION_FACTS_SCHEMA_VERSION, organizationFactsSchema, type OrganizationAccount, type OrganizationFacts } from '../../src/organization/facts.js';
import { snapshotSchema, type Snapshot } from '../../src/snapshot/schema.js';
import { compliantPasswordPolicy } from './snapshot.js';

// In-memory organizations for tests of the organization run: the demo account's snapshot under
// other account ids, facts that validate against the schema, and a source that makes each
// snapshot only when the run asks for the next outcome (so a run that keeps none alive can be seen).

export const ORG_ID = 'o-rb7example';
export const MANAGEMENT = '444455556666';
const DEMO_ACCOUNT = '111122223333';
const DEMO_TEXT = readFileSync(new URL('../../examples/demo-account.json', import.meta.url), 'utf8');

/** The demo snapshot as account `accountId` (every mention of the demo's id replaced), optionally patched. */
export function demoAs(accountId: string, patch?: (s: Snapshot) => void): Snapshot {
  const snapshot = snapshotSchema.parse(JSON.parse(DEMO_TEXT.split(DEMO_ACCOUNT).join(accountId)));
  patch?.(snapshot);
  return snapshotSchema.parse(snapshot);
}

/** A password policy meeting CONTROLS.md's baseline (IAM-004 PASS). */
export function strongPasswordPolicy(s: Snapshot): void {
  s.sources.passwordPolicy = { status: 'ok', data: { policy: compliantPasswordPolicy({ minimumPasswordLength: 16 }) } };
}

export function orgAccount(id: string, name: string, ous: string[] = ['PHI'], status = 'ACTIVE'): OrganizationAccount {
  return {
    id,
    name,
    status,
    ouPath: [{ id: 'r-ab12', name: 'Root' }, ...ous.map((ou, i) => ({ id: `ou-ab12-${String(i).padStart(8, '0')}`, name: ou }))],
    management: id === MANAGEMENT,
  };
}

export function orgFacts(accounts: OrganizationAccount[]): OrganizationFacts {
  return organizationFactsSchema.parse({
    schemaVersion: ORGANIZATION_FACTS_SCHEMA_VERSION,
    tool: { name: 'hipaa-iam', version: 'test' },
    collectedAt: '2026-11-20T12:00:00Z',
    readFrom: { accountId: MANAGEMENT, arn: `arn:aws:iam::${MANAGEMENT}:user/auditor` },
    organization: { id: ORG_ID, arn: `arn:aws:organizations::${MANAGEMENT}:organization/${ORG_ID}`, masterAccountId: MANAGEMENT, featureSet: 'ALL' },
    accounts: { status: 'ok', data: accounts },
    scps: { status: 'ok', data: [] },
    organizationsFeatures: { status: 'ok', data: { enabledFeatures: [] } },
    organizationTrails: { status: 'ok', data: [] },
    organizationAnalyzers: { status: 'error', error: { code: 'NotCollected', message: 'not read in this test' } },
    collection: { startedAt: '2026-11-20T12:00:00Z', finishedAt: '2026-11-20T12:00:00Z', calls: {} },
  });
}

/** An account of the fake source: made when asked (a snapshot factory), or unreachable with a reason. */
export type FakeAccount = { account: OrganizationAccount; snapshot: () => Snapshot } | { account: OrganizationAccount; unreachable: string };

export interface FakeSourceOptions {
  skipped?: SkippedAccount[];
  /** Thrown by the source after this many outcomes (a collection that fails midway). */
  failAfter?: number;
  /** Called with each snapshot made, before it is yielded. */
  made?: (snapshot: Snapshot) => void;
  /** Called before each outcome is made, with how many were yielded. */
  beforeNext?: (yielded: number) => void | Promise<void>;
}

/** An OrganizationSource over FakeAccounts, yielding each outcome in order and making each snapshot only when it is asked for. */
export function fakeSource(accounts: FakeAccount[], options: FakeSourceOptions = {}): OrganizationSource {
  const covered = accounts.map((a) => a.account);
  const facts = orgFacts([...covered, ...(options.skipped ?? []).map((s) => s.account)]);
  async function* outcomes(): AsyncGenerator<AccountOutcome> {
    let yielded = 0;
    for (const entry of accounts) {
      await options.beforeNext?.(yielded);
      if (options.failAfter !== undefined && yielded >= options.failAfter) throw new Error('the fake source failed');
      if ('unreachable' in entry) {
        yield { account: entry.account, kind: 'unreachable', step: 'assume-role', reason: entry.unreachable };
      } else {
        const snapshot = entry.snapshot();
        options.made?.(snapshot);
        yield { account: entry.account, kind: 'collected', snapshot };
      }
      yielded += 1;
    }
  }
  return {
    facts,
    selection: { accounts: null, ous: null, exclude: [], roleName: 'hipaa-iam-auditor', externalId: false },
    covered,
    skipped: options.skipped ?? [],
    outcomes: { [Symbol.asyncIterator]: outcomes },
    description: 'an in-memory test organization',
  };
}

/** The three-account organization of the issue: one strong, one with the demo's weak password policy, one without the auditor role. */
export const STRONG = '210987654321';
export const WEAK = '310987654321';
export const UNREACHABLE = '410987654321';

export function threeAccounts(options: FakeSourceOptions = {}): OrganizationSource {
  return fakeSource(
    [
      { account: orgAccount(STRONG, 'clinic-prod', ['PHI', 'Prod']), snapshot: () => demoAs(STRONG, strongPasswordPolicy) },
      { account: orgAccount(WEAK, 'clinic-dev', ['Dev']), snapshot: () => demoAs(WEAK) },
      { account: orgAccount(UNREACHABLE, 'legacy'), unreachable: 'AccessDenied: not authorized to perform sts:AssumeRole on arn:aws:iam::410987654321:role/hipaa-iam-auditor' },
    ],
    options,
  );
}
