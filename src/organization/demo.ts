import { readFileSync } from 'node:fs';
import { TOOL } from '../snapshot/build.js';
import { DEMO_SNAPSHOT_PATH } from '../snapshot/load.js';
import { snapshotSchema, type Snapshot } from '../snapshot/schema.js';
import type { AccountOutcome, OrganizationSource } from './collection.js';
import { ORGANIZATION_FACTS_SCHEMA_VERSION, organizationFactsSchema, type OrganizationAccount } from './facts.js';

// `--demo --organization`: a fictional clinic's organization of three member accounts made from
// the embedded demo account (examples/demo-account.json) under other account ids, so the
// organization package can be seen without AWS: a production account whose password policy
// meets the baseline, a development account with the demo's weak policy, and a legacy account
// without the auditor role (unreachable: IAM-039 FAILs it).

const DEMO_ACCOUNT = '111122223333';
const MANAGEMENT = '444455556666';
const ORGANIZATION = 'o-rb7example';

/** The demo organization as an OrganizationSource; each snapshot is made when the run reaches it. */
export function demoOrganization(): OrganizationSource {
  const text = readFileSync(DEMO_SNAPSHOT_PATH, 'utf8');
  const root = { id: 'r-rb7e', name: 'Root' };
  const account = (id: string, name: string, ou: string): OrganizationAccount => ({ id, name, status: 'ACTIVE', ouPath: [root, { id: `ou-rb7e-${ou.toLowerCase().padEnd(8, '0')}`, name: ou }], management: false });
  const prod = account('210987654321', 'clinic-prod', 'PHI');
  const dev = account('310987654321', 'clinic-dev', 'Dev');
  const legacy = account('410987654321', 'clinic-legacy', 'Legacy');
  const management: OrganizationAccount = { id: MANAGEMENT, name: 'clinic-management', status: 'ACTIVE', ouPath: [root], management: true };
  const snapshotOf = (id: string, strong: boolean): Snapshot => {
    const snapshot = snapshotSchema.parse(JSON.parse(text.split(DEMO_ACCOUNT).join(id)));
    const policy = snapshot.sources.passwordPolicy;
    if (strong && policy.status === 'ok' && policy.data.policy) {
      Object.assign(policy.data.policy, { minimumPasswordLength: 16, requireLowercaseCharacters: true, passwordReusePrevention: 24 });
    }
    return snapshot;
  };
  const at = new Date(JSON.parse(text).collectedAt as string).toISOString();
  const facts = organizationFactsSchema.parse({
    schemaVersion: ORGANIZATION_FACTS_SCHEMA_VERSION,
    tool: TOOL,
    collectedAt: at,
    readFrom: { accountId: MANAGEMENT, arn: `arn:aws:iam::${MANAGEMENT}:user/auditor` },
    organization: { id: ORGANIZATION, arn: `arn:aws:organizations::${MANAGEMENT}:organization/${ORGANIZATION}`, masterAccountId: MANAGEMENT, featureSet: 'ALL' },
    accounts: { status: 'ok', data: [management, prod, dev, legacy] },
    scps: { status: 'ok', data: [] },
    organizationsFeatures: { status: 'ok', data: { enabledFeatures: [] } },
    organizationTrails: { status: 'ok', data: [] },
    organizationAnalyzers: { status: 'error', error: { code: 'NotInDemo', message: 'the demo organization has no Access Analyzer facts' } },
    collection: { startedAt: at, finishedAt: at, calls: {} },
  });
  const outcomes = async function* (): AsyncGenerator<AccountOutcome> {
    yield { account: prod, kind: 'collected', snapshot: snapshotOf(prod.id, true) };
    yield { account: dev, kind: 'collected', snapshot: snapshotOf(dev.id, false) };
    yield { account: legacy, kind: 'unreachable', step: 'assume-role', reason: `AccessDenied: User: arn:aws:iam::${MANAGEMENT}:user/auditor is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${legacy.id}:role/hipaa-iam-auditor` };
  };
  return {
    facts,
    selection: { accounts: null, ous: null, exclude: [MANAGEMENT], roleName: 'hipaa-iam-auditor', externalId: false },
    covered: [prod, dev, legacy],
    skipped: [{ account: management, why: '--exclude-accounts' }],
    outcomes: { [Symbol.asyncIterator]: outcomes },
    description: 'the embedded demo organization of a fictional clinic (three member accounts)',
  };
}
