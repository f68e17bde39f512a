import { readFileSync } from 'node:fs';
import { TOOL } from '../snapshot/build.js';
import { DEMO_SNAPSHOT_PATH } from '../snapshot/load.js';
import { snapshotSchema, type IdentityCenterData, type PermissionSet, type Snapshot } from '../snapshot/schema.js';
import { asMemberSnapshot, type AccountOutcome, type OrganizationSource } from './collection.js';
import { ORGANIZATION_FACTS_SCHEMA_VERSION, organizationFactsSchema, type OrganizationAccount } from './facts.js';

// `--demo --organization`: a fictional clinic's organization of three member accounts made from
// the embedded demo account (examples/demo-account.json) under other account ids, so the
// organization package can be seen without AWS: a production account whose password policy
// meets the baseline, a development account with the demo's weak policy, and a legacy account
// without the auditor role (unreachable: IAM-039 FAILs it). The organization's IAM Identity
// Center (read once, in the management account) is the demo account's instance, `riverbend`, with
// the same people, groups and permission sets, assigned across the organization so that each
// account is reached by other people through other sets (demoIdentityCenter).

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
    return asMemberSnapshot(snapshot);
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
    identityCenter: { status: 'ok', data: demoIdentityCenter({ management: MANAGEMENT, prod: prod.id, dev: dev.id, legacy: legacy.id }) },
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

const INSTANCE = 'arn:aws:sso:::instance/ssoins-7223c4b1a9e05d62';
const USERS = { anguyen: ['00000001', 'Dr. Alice Nguyen'], bmartinez: ['00000002', 'Bob Martinez'], cokafor: ['00000003', 'Carol Okafor'], gkim: ['00000004', 'Grace Kim'], hpatel: ['00000005', 'Henry Patel'], ichen: ['00000006', 'Ivy Chen'], jreyes: ['00000007', 'Jorge Reyes'] } as const;
const GROUPS = { Clinicians: ['000000a1-4f3e-9d2c-1b0a9f8e7d01', 'Physicians and nurses: read patient records and imaging'], 'IT-Operations': ['000000a2-4f3e-9d2c-1b0a9f8e7d02', 'Clinic IT: on-call and infrastructure'], Compliance: ['000000a3-4f3e-9d2c-1b0a9f8e7d03', 'Privacy and compliance officers'] } as const;
const MEMBERS: Record<keyof typeof GROUPS, (keyof typeof USERS)[]> = { Clinicians: ['anguyen', 'bmartinez', 'cokafor'], 'IT-Operations': ['gkim', 'hpatel'], Compliance: ['cokafor', 'ichen'] };
const userId = (name: keyof typeof USERS) => `9067c4b1a9-${USERS[name][0]}-4a1b-8c2d-3e4f5a6b7c${USERS[name][0].slice(-2)}`;
const groupId = (name: keyof typeof GROUPS) => `9067c4b1a9-${GROUPS[name][0]}`;

/**
 * The demo organization's IAM Identity Center: the demo account's instance (examples/demo-account.json,
 * same instance, people, groups and permission sets) as the organization's, its sets provisioned
 * to the members: AdministratorAccess to hpatel directly in production, to IT-Operations in
 * development and to jreyes in the management account; the 12-hour ITOnCall to IT-Operations in
 * production; GameDayFleet (GameLift, not HIPAA eligible) to IT-Operations in development; the
 * compliant ClinicalReadOnly to Clinicians and Compliance in production and to Compliance in legacy.
 */
export function demoIdentityCenter(accounts: { management: string; prod: string; dev: string; legacy: string }): IdentityCenterData {
  const { management, prod, dev, legacy } = accounts;
  const user = (name: keyof typeof USERS, accountId: string) => ({ accountId, principalType: 'USER' as const, principalId: userId(name) });
  const group = (name: keyof typeof GROUPS, accountId: string) => ({ accountId, principalType: 'GROUP' as const, principalId: groupId(name) });
  const set = (id: string, fields: Partial<PermissionSet> & Pick<PermissionSet, 'name' | 'description' | 'sessionDuration' | 'assignments'>): PermissionSet => ({
    arn: `arn:aws:sso:::permissionSet/ssoins-7223c4b1a9e05d62/ps-${id}`,
    createdDate: '2025-04-02T09:00:00.000Z',
    awsManagedPolicies: [],
    customerManagedPolicies: [],
    inlinePolicy: null,
    permissionsBoundary: null,
    accounts: [...new Set(fields.assignments.map((a) => a.accountId))].sort(),
    ...fields,
  });
  const permissionSets: PermissionSet[] = [
    set('58d1c9e2a7f3b640', {
      name: 'AdministratorAccess',
      description: 'Full administrator access',
      sessionDuration: 'PT1H',
      awsManagedPolicies: [{ name: 'AdministratorAccess', arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }],
      assignments: [user('hpatel', prod), group('IT-Operations', dev), user('jreyes', management)],
    }),
    set('6a2e4f8b1c9d3e57', {
      name: 'ITOnCall',
      description: 'IT on-call: support cases and monitoring, for a whole shift',
      sessionDuration: 'PT12H',
      awsManagedPolicies: [{ name: 'AWSSupportAccess', arn: 'arn:aws:iam::aws:policy/AWSSupportAccess' }],
      inlinePolicy: { Version: '2012-10-17', Statement: [{ Sid: 'ReadMonitoring', Effect: 'Allow', Action: ['cloudwatch:DescribeAlarms', 'cloudwatch:GetMetricData', 'logs:FilterLogEvents', 'logs:GetLogEvents'], Resource: '*' }] },
      assignments: [group('IT-Operations', prod)],
    }),
    set('7b3f5a9c2d0e4f68', {
      name: 'GameDayFleet',
      description: 'Game-day resilience exercise fleet (left over from the 2025 drill)',
      sessionDuration: 'PT2H',
      inlinePolicy: {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'RunGameDayFleet', Effect: 'Allow', Action: 'gamelift:*', Resource: '*' },
          { Sid: 'WatchGameDay', Effect: 'Allow', Action: ['cloudwatch:GetMetricData'], Resource: '*' },
        ],
      },
      assignments: [group('IT-Operations', dev)],
    }),
    set('8c4a6b0d3e1f5a79', {
      name: 'ClinicalReadOnly',
      description: 'Clinicians and compliance: read patient records and imaging',
      sessionDuration: 'PT4H',
      customerManagedPolicies: [{ name: 'clinical-read-only', path: '/' }],
      permissionsBoundary: { managedPolicyArn: null, customerManagedPolicy: { name: 'hipaa-permissions-boundary', path: '/' } },
      assignments: [group('Clinicians', prod), group('Compliance', prod), group('Compliance', legacy)],
    }),
  ];
  return {
    region: 'us-east-1',
    instances: [
      {
        instanceArn: INSTANCE,
        identityStoreId: 'd-9067c4b1a9',
        name: 'riverbend',
        ownerAccountId: management,
        status: 'ACTIVE',
        createdDate: '2025-04-01T16:00:00.000Z',
        permissionSets: { status: 'ok', data: permissionSets },
        identityStore: {
          status: 'ok',
          data: {
            users: Object.entries(USERS).map(([name, [, displayName]]) => ({ id: userId(name as keyof typeof USERS), userName: name, displayName })),
            groups: Object.entries(GROUPS).map(([name, [, description]]) => ({ id: groupId(name as keyof typeof GROUPS), displayName: name, description })),
            memberships: Object.entries(MEMBERS).flatMap(([name, users]) => users.map((u) => ({ groupId: groupId(name as keyof typeof GROUPS), userId: userId(u) }))),
          },
        },
        awsManagedPolicyDocuments: {
          'arn:aws:iam::aws:policy/AdministratorAccess': { status: 'ok', data: { versionId: 'v1', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } } },
          'arn:aws:iam::aws:policy/AWSSupportAccess': { status: 'ok', data: { versionId: 'v1', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['support:*'], Resource: '*' }] } } },
        },
      },
    ],
  };
}
