import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { AccessAnalyzerClient, ListAnalyzersCommand, ListFindingsV2Command } from '@aws-sdk/client-accessanalyzer';
import { CloudTrailClient, DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetAccountPasswordPolicyCommand, IAMClient, ListOrganizationsFeaturesCommand } from '@aws-sdk/client-iam';
import {
  AWSOrganizationsNotInUseException,
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListDelegatedAdministratorsCommand,
  ListOrganizationalUnitsForParentCommand,
  ListPoliciesCommand,
  ListRootsCommand,
  ListTargetsForPolicyCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../src/collect/aws-clients.js';
import { InputError } from '../../src/errors.js';
import { collectOrganization, type OrganizationAccess } from '../../src/organization/collect-live.js';
import type { AccountOutcome } from '../../src/organization/collection.js';
import { MANAGEMENT, PHI, PROD, ROOT } from './collect-fixtures.js';

// aws-sdk-client-mock for what moto lacks (ListOrganizationsFeatures, Access Analyzer, delegated
// administrators), paging, and the collection's concurrency and isolation: each account has
// its own mocked client instances, as a live run gives each its own clients.

const CREDENTIALS = { accessKeyId: 'x', secretAccessKey: 'y' };
const PROD_ID = '222222222222';
const DEV_ID = '333333333333';
const SANDBOX_ID = '444444444444';
const CLOSED_ID = '555555555555';
const ANALYZER_ADMIN = DEV_ID;

/** Real client instances, each mocked on its own, so one account's answers are only its own. */
function fakeClients() {
  const make = () => ({
    iam: new IAMClient({ region: 'us-east-1', credentials: CREDENTIALS }),
    sts: new STSClient({ region: 'us-east-1', credentials: CREDENTIALS }),
    organizations: new OrganizationsClient({ region: 'us-east-1', credentials: CREDENTIALS }),
    ec2: new EC2Client({ region: 'us-east-1', credentials: CREDENTIALS }),
    cloudTrail: new CloudTrailClient({ region: 'us-east-1', credentials: CREDENTIALS }),
    accessAnalyzer: new AccessAnalyzerClient({ region: 'us-east-1', credentials: CREDENTIALS }),
    ssoAdmin: new SSOAdminClient({ region: 'us-east-1', credentials: CREDENTIALS }),
    identityStore: new IdentitystoreClient({ region: 'us-east-1', credentials: CREDENTIALS }),
  });
  const c = make();
  const mocks = {
    iam: mockClient(c.iam),
    sts: mockClient(c.sts),
    organizations: mockClient(c.organizations),
    ec2: mockClient(c.ec2),
    cloudTrail: mockClient(c.cloudTrail),
    accessAnalyzer: mockClient(c.accessAnalyzer),
  };
  const clients: AwsClients = { iam: c.iam, sts: c.sts, organizations: c.organizations, ec2: c.ec2, cloudTrailIn: () => c.cloudTrail, accessAnalyzerIn: () => c.accessAnalyzer, ssoAdminIn: () => c.ssoAdmin, identityStoreIn: () => c.identityStore, region: 'us-east-1' };
  return { clients, mocks };
}

type Fake = ReturnType<typeof fakeClients>;

/**
 * The management account's organization: Root (management, sandbox, closed) / PHI (dev) / Prod
 * (prod), ListAccounts and ListTargetsForPolicy each in two pages, one SCP on PHI, an
 * organization trail, Access Analyzer delegated to the dev account.
 */
function organizationCaller(): Fake {
  const fake = fakeClients();
  const { organizations, iam, sts, cloudTrail } = fake.mocks;
  sts.on(GetCallerIdentityCommand).resolves({ Account: MANAGEMENT, Arn: `arn:aws:iam::${MANAGEMENT}:user/org-auditor` });
  organizations.on(DescribeOrganizationCommand).resolves({ Organization: { Id: 'o-ab12cd34ef', Arn: 'arn:aws:organizations::111111111111:organization/o-ab12cd34ef', MasterAccountId: MANAGEMENT, FeatureSet: 'ALL' } });
  const listed = (id: string, name: string, status: 'ACTIVE' | 'SUSPENDED' = 'ACTIVE') => ({ Id: id, Name: name, Status: status });
  organizations
    .on(ListAccountsCommand, { NextToken: undefined })
    .resolves({ Accounts: [listed(MANAGEMENT, 'management'), listed(PROD_ID, 'clinic-prod'), listed(DEV_ID, 'clinic-dev')], NextToken: 'page-2' })
    .on(ListAccountsCommand, { NextToken: 'page-2' })
    .resolves({ Accounts: [listed(SANDBOX_ID, 'sandbox'), listed(CLOSED_ID, 'closed', 'SUSPENDED')] });
  organizations.on(ListRootsCommand).resolves({ Roots: [{ Id: ROOT.id, Name: ROOT.name }] });
  organizations
    .on(ListAccountsForParentCommand)
    .resolves({ Accounts: [] })
    .on(ListAccountsForParentCommand, { ParentId: ROOT.id })
    .resolves({ Accounts: [listed(MANAGEMENT, 'management'), listed(SANDBOX_ID, 'sandbox'), listed(CLOSED_ID, 'closed', 'SUSPENDED')] })
    .on(ListAccountsForParentCommand, { ParentId: PHI.id })
    .resolves({ Accounts: [listed(DEV_ID, 'clinic-dev')] })
    .on(ListAccountsForParentCommand, { ParentId: PROD.id })
    .resolves({ Accounts: [listed(PROD_ID, 'clinic-prod')] });
  // aws-sdk-client-mock: the catch-all first, the more specific inputs after it.
  organizations
    .on(ListOrganizationalUnitsForParentCommand)
    .resolves({ OrganizationalUnits: [] })
    .on(ListOrganizationalUnitsForParentCommand, { ParentId: ROOT.id })
    .resolves({ OrganizationalUnits: [{ Id: PHI.id, Name: PHI.name }, { Id: 'ou-ab12-empty001', Name: 'Empty' }] })
    .on(ListOrganizationalUnitsForParentCommand, { ParentId: PHI.id })
    .resolves({ OrganizationalUnits: [{ Id: PROD.id, Name: PROD.name }] });
  organizations.on(ListPoliciesCommand).resolves({ Policies: [{ Id: 'p-phi00001', Name: 'phi-regions', Arn: 'arn:aws:organizations::111111111111:policy/o-ab12cd34ef/service_control_policy/p-phi00001', AwsManaged: false }] });
  organizations.on(DescribePolicyCommand).resolves({
    Policy: { PolicySummary: { Id: 'p-phi00001', Name: 'phi-regions' }, Content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: '*' }] }) },
  });
  organizations
    .on(ListTargetsForPolicyCommand, { PolicyId: 'p-phi00001', NextToken: undefined })
    .resolves({ Targets: [{ TargetId: PHI.id, Type: 'ORGANIZATIONAL_UNIT', Name: 'PHI' }], NextToken: 't2' })
    .on(ListTargetsForPolicyCommand, { PolicyId: 'p-phi00001', NextToken: 't2' })
    .resolves({ Targets: [{ TargetId: SANDBOX_ID, Type: 'ACCOUNT', Name: 'sandbox' }] });
  organizations.on(ListDelegatedAdministratorsCommand).resolves({ DelegatedAdministrators: [{ Id: ANALYZER_ADMIN, Name: 'clinic-dev' }] });
  iam.on(ListOrganizationsFeaturesCommand).resolves({ OrganizationId: 'o-ab12cd34ef', EnabledFeatures: ['RootCredentialsManagement', 'RootSessions'] });
  cloudTrail.on(DescribeTrailsCommand).resolves({
    trailList: [
      { Name: 'org-trail', TrailARN: 'arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail', HomeRegion: 'us-east-1', IsOrganizationTrail: true, IsMultiRegionTrail: true },
      { Name: 'local', TrailARN: 'arn:aws:cloudtrail:us-east-1:111111111111:trail/local', HomeRegion: 'us-east-1', IsOrganizationTrail: false },
    ],
  });
  return fake;
}

/** A member account that answers as itself: its caller, and a password policy of `minimumLength`. */
function memberClients(accountId: string, minimumLength = 14): Fake {
  const fake = fakeClients();
  fake.mocks.sts.on(GetCallerIdentityCommand).resolves({ Account: accountId, Arn: `arn:aws:sts::${accountId}:assumed-role/hipaa-iam-auditor/hipaa-iam-org-audit` });
  fake.mocks.iam.on(GetAccountPasswordPolicyCommand).resolves({ PasswordPolicy: { MinimumPasswordLength: minimumLength } });
  return fake;
}

interface AccessLog {
  asked: string[];
  released: string[];
}

/** An access whose accounts are `members` (clients made on each ask); an account absent from it refuses AssumeRole. */
function accessOf(caller: Fake, members: (accountId: string) => Fake | null, log: AccessLog = { asked: [], released: [] }): OrganizationAccess & { log: AccessLog } {
  return {
    log,
    caller: caller.clients,
    description: 'unit test',
    close: () => {},
    async clientsIn(accountId) {
      log.asked.push(accountId);
      const member = members(accountId);
      if (!member) throw Object.assign(new Error(`User: arn:aws:iam::${MANAGEMENT}:user/org-auditor is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${accountId}:role/hipaa-iam-auditor`), { name: 'AccessDenied' });
      return { clients: member.clients, how: `role arn:aws:iam::${accountId}:role/hipaa-iam-auditor`, release: () => log.released.push(accountId) };
    },
  };
}

const PASSWORD_ONLY = { sources: ['passwordPolicy' as const], by: 'password-policy’s controls' };

/** The analyzer admin answers Access Analyzer: an ORGANIZATION analyzer (and an ACCOUNT one the filter must drop). */
function analyzerAdmin(): Fake {
  const fake = memberClients(ANALYZER_ADMIN, 8);
  fake.mocks.ec2.on(DescribeRegionsCommand).resolves({ Regions: [{ RegionName: 'us-east-1', OptInStatus: 'opt-in-not-required' }] });
  fake.mocks.accessAnalyzer.on(ListAnalyzersCommand).resolves({
    analyzers: [
      { arn: 'arn:aws:access-analyzer:us-east-1:333333333333:analyzer/org', name: 'org', type: 'ORGANIZATION', status: 'ACTIVE', createdAt: new Date('2026-01-01T00:00:00Z'), lastResourceAnalyzed: undefined },
      { arn: 'arn:aws:access-analyzer:us-east-1:333333333333:analyzer/acct', name: 'acct', type: 'ACCOUNT', status: 'ACTIVE', createdAt: new Date('2026-01-01T00:00:00Z') },
    ],
  });
  fake.mocks.accessAnalyzer.on(ListFindingsV2Command).resolves({ findings: [] });
  return fake;
}

async function all(outcomes: AsyncIterable<AccountOutcome>): Promise<AccountOutcome[]> {
  const list: AccountOutcome[] = [];
  for await (const outcome of outcomes) list.push(outcome);
  return list;
}

describe('organization facts (mocked AWS)', () => {
  it('reads every part: accounts of both pages on their OU paths, SCP targets of both pages, root access features, the organization trail, the delegated administrator’s ORGANIZATION analyzer', async () => {
    const caller = organizationCaller();
    const admin = analyzerAdmin();
    const access = accessOf(caller, (id) => (id === ANALYZER_ADMIN ? admin : memberClients(id)));
    const source = await collectOrganization({ needed: PASSWORD_ONLY, live: { regions: ['us-east-1'] } }, access);
    const { facts } = source;
    expect(facts.accounts).toEqual({
      status: 'ok',
      data: [
        { id: MANAGEMENT, name: 'management', status: 'ACTIVE', ouPath: [ROOT], management: true },
        { id: PROD_ID, name: 'clinic-prod', status: 'ACTIVE', ouPath: [ROOT, PHI, PROD], management: false },
        { id: DEV_ID, name: 'clinic-dev', status: 'ACTIVE', ouPath: [ROOT, PHI], management: false },
        { id: SANDBOX_ID, name: 'sandbox', status: 'ACTIVE', ouPath: [ROOT], management: false },
        { id: CLOSED_ID, name: 'closed', status: 'SUSPENDED', ouPath: [ROOT], management: false },
      ],
    });
    expect(facts.scps.status === 'ok' && facts.scps.data.map((s) => [s.id, s.targets])).toEqual([
      ['p-phi00001', [{ targetId: PHI.id, type: 'ORGANIZATIONAL_UNIT', name: 'PHI' }, { targetId: SANDBOX_ID, type: 'ACCOUNT', name: 'sandbox' }]],
    ]);
    expect(facts.organizationsFeatures).toEqual({ status: 'ok', data: { enabledFeatures: ['RootCredentialsManagement', 'RootSessions'] } });
    expect(facts.organizationTrails.status === 'ok' && facts.organizationTrails.data.map((t) => t.name)).toEqual(['org-trail']);
    expect(facts.organizationAnalyzers.status).toBe('ok');
    if (facts.organizationAnalyzers.status === 'ok') {
      expect(facts.organizationAnalyzers.data.accountId).toBe(ANALYZER_ADMIN);
      const region = facts.organizationAnalyzers.data.regions['us-east-1'];
      expect(region?.status === 'ok' && region.data.analyzers.map((a) => [a.name, a.type])).toEqual([['org', 'ORGANIZATION']]);
    }
    // ListAnalyzers asked the delegated administrator for ORGANIZATION analyzers only; the caller's own were not read.
    expect(admin.mocks.accessAnalyzer.commandCalls(ListAnalyzersCommand).map((c) => c.args[0].input)).toEqual([{ type: 'ORGANIZATION' }]);
    expect(caller.mocks.accessAnalyzer.commandCalls(ListAnalyzersCommand)).toEqual([]);
    // Calls grow with pages and OUs: two pages of ListAccounts, one ListRoots, per parent (Root, PHI, Empty, Prod) one of each walk call.
    const count = (command: Parameters<Fake['mocks']['organizations']['commandCalls']>[0]) => caller.mocks.organizations.commandCalls(command).length;
    expect([ListAccountsCommand, ListRootsCommand, ListAccountsForParentCommand, ListOrganizationalUnitsForParentCommand, ListPoliciesCommand, DescribePolicyCommand, ListTargetsForPolicyCommand].map(count)).toEqual([2, 1, 4, 4, 1, 1, 2]);
    // The delegated administrator was entered once for its analyzers, and released.
    expect(access.log.asked.filter((id) => id === ANALYZER_ADMIN)).toEqual([ANALYZER_ADMIN]);
    expect(access.log.released).toContain(ANALYZER_ADMIN);
    await all(source.outcomes);
  });

  it('AccessDenied on ListOrganizationsFeatures is that part’s error, never "no features"; the rest stands', async () => {
    const caller = organizationCaller();
    caller.mocks.iam.on(ListOrganizationsFeaturesCommand).rejects(Object.assign(new Error('User is not authorized to perform: iam:ListOrganizationsFeatures'), { name: 'AccessDenied' }));
    const { facts } = await collectOrganization({ needed: PASSWORD_ONLY }, accessOf(caller, (id) => memberClients(id)));
    expect(facts.organizationsFeatures).toEqual({ status: 'error', error: { code: 'AccessDenied', message: 'User is not authorized to perform: iam:ListOrganizationsFeatures' } });
    expect(facts.accounts.status).toBe('ok');
  });

  it('trusted access for IAM not enabled is AWS saying no root access feature is enabled: none', async () => {
    const caller = organizationCaller();
    caller.mocks.iam.on(ListOrganizationsFeaturesCommand).rejects(Object.assign(new Error('The trusted access is not enabled.'), { name: 'ServiceAccessNotEnabledException' }));
    const { facts } = await collectOrganization({ needed: PASSWORD_ONLY }, accessOf(caller, (id) => memberClients(id)));
    expect(facts.organizationsFeatures).toEqual({ status: 'ok', data: { enabledFeatures: [] } });
  });

  it('without a delegated administrator the caller’s own ORGANIZATION analyzers are read; an answer without EnabledFeatures is an error', async () => {
    const caller = organizationCaller();
    caller.mocks.organizations.on(ListDelegatedAdministratorsCommand).resolves({ DelegatedAdministrators: [] });
    caller.mocks.accessAnalyzer.on(ListAnalyzersCommand).resolves({ analyzers: [] });
    caller.mocks.iam.on(ListOrganizationsFeaturesCommand).resolves({ OrganizationId: 'o-ab12cd34ef' });
    const access = accessOf(caller, (id) => memberClients(id));
    const { facts } = await collectOrganization({ needed: PASSWORD_ONLY, live: { regions: ['us-east-1'] } }, access);
    expect(facts.organizationAnalyzers).toMatchObject({ status: 'ok', data: { accountId: MANAGEMENT, regions: { 'us-east-1': { status: 'ok', data: { analyzers: [] } } } } });
    expect(caller.mocks.accessAnalyzer.commandCalls(ListAnalyzersCommand).map((c) => c.args[0].input)).toEqual([{ type: 'ORGANIZATION' }]);
    expect(facts.organizationsFeatures).toMatchObject({ status: 'error', error: { code: 'MalformedAnswer' } });
    expect(access.log.asked).toEqual([]);
  });

  it('a delegated administrator whose role cannot be assumed leaves the analyzers part an error', async () => {
    const caller = organizationCaller();
    const { facts } = await collectOrganization({ needed: PASSWORD_ONLY, live: { regions: ['us-east-1'] } }, accessOf(caller, (id) => (id === ANALYZER_ADMIN ? null : memberClients(id))));
    expect(facts.organizationAnalyzers).toMatchObject({ status: 'error', error: { code: 'AccessDenied', message: expect.stringContaining(`delegated administrator ${ANALYZER_ADMIN}`) } });
  });

  it('an account in no organization, or a member that may not list accounts, is told to run from the management account (InputError)', async () => {
    const alone = organizationCaller();
    alone.mocks.organizations.on(DescribeOrganizationCommand).rejects(new AWSOrganizationsNotInUseException({ message: 'not in use', $metadata: {} }));
    await expect(collectOrganization({}, accessOf(alone, () => null))).rejects.toThrow(InputError);
    await expect(collectOrganization({}, accessOf(alone, () => null))).rejects.toThrow(/in no AWS organization: --organization must run from/);

    const member = organizationCaller();
    member.mocks.sts.on(GetCallerIdentityCommand).resolves({ Account: PROD_ID, Arn: `arn:aws:iam::${PROD_ID}:user/someone` });
    member.mocks.organizations.on(ListAccountsCommand).rejects(Object.assign(new Error('You don’t have permissions to access this resource.'), { name: 'AccessDeniedException' }));
    const log: AccessLog = { asked: [], released: [] };
    await expect(collectOrganization({}, accessOf(member, () => null, log))).rejects.toThrow(/member of organization o-ab12cd34ef that may not list its accounts.*management account 111111111111 or a delegated administrator/);
    expect(log.asked).toEqual([]);
  });
});

describe('account selection (--accounts, --ou, --exclude-accounts)', () => {
  it('only ACTIVE accounts, narrowed by --ou at any depth and --exclude-accounts, each other account skipped with why', async () => {
    const source = await collectOrganization({ ous: [PHI.id], exclude: [DEV_ID], needed: PASSWORD_ONLY }, accessOf(organizationCaller(), (id) => memberClients(id)));
    expect(source.covered.map((a) => a.id)).toEqual([PROD_ID]);
    expect(source.skipped.map((s) => [s.account.id, s.why])).toEqual([
      [MANAGEMENT, `not under --ou ${PHI.id}`],
      [DEV_ID, 'excluded by --exclude-accounts'],
      [SANDBOX_ID, `not under --ou ${PHI.id}`],
      [CLOSED_ID, 'status SUSPENDED: only ACTIVE accounts are audited'],
    ]);
    expect(source.selection).toEqual({ accounts: null, ous: [PHI.id], exclude: [DEV_ID], roleName: 'hipaa-iam-auditor', externalId: false });
    expect((await all(source.outcomes)).map((o) => o.account.id)).toEqual([PROD_ID]);
  });

  it('--accounts keeps only those; an empty OU is a known OU', async () => {
    const source = await collectOrganization({ accounts: [SANDBOX_ID, CLOSED_ID], needed: PASSWORD_ONLY }, accessOf(organizationCaller(), (id) => memberClients(id)));
    expect(source.covered.map((a) => a.id)).toEqual([SANDBOX_ID]);
    expect(source.skipped.find((s) => s.account.id === CLOSED_ID)?.why).toBe('status SUSPENDED: only ACTIVE accounts are audited');
    const empty = await collectOrganization({ ous: ['ou-ab12-empty001'], roleName: 'Auditor', externalId: 'secret-id' }, accessOf(organizationCaller(), (id) => memberClients(id)));
    expect(empty.covered).toEqual([]);
    expect(empty.selection).toMatchObject({ roleName: 'Auditor', externalId: true });
    expect(JSON.stringify(empty.selection)).not.toContain('secret-id');
  });

  it.each([
    [{ accounts: ['999999999999'] }, /--accounts names 999999999999, not an account of the organization/],
    [{ accounts: ['12345'] }, /--accounts 12345: an AWS account id is 12 digits/],
    [{ exclude: ['999999999999'] }, /--exclude-accounts names 999999999999/],
    [{ ous: ['ou-zz99-nothere1'] }, /--ou names ou-zz99-nothere1, not an OU or root of the organization/],
  ])('%o is an InputError before any account is read', async (filter, message) => {
    const log: AccessLog = { asked: [], released: [] };
    const attempt = collectOrganization({ ...filter, live: { regions: ['us-east-1'] } }, accessOf(organizationCaller(), (id) => memberClients(id), log));
    await expect(attempt).rejects.toThrow(InputError);
    await expect(collectOrganization({ ...filter, live: { regions: ['us-east-1'] } }, accessOf(organizationCaller(), (id) => memberClients(id), log))).rejects.toThrow(message);
    // Only the analyzers' delegated administrator is entered while the facts are read, never a covered account.
    expect(log.asked.filter((id) => id !== ANALYZER_ADMIN)).toEqual([]);
  });
});

describe('collecting each account: isolation, outcomes, bounded concurrency', () => {
  it('each snapshot is its own account; a refused AssumeRole, an account that reads nothing or reads another account are unreachable with the step and reason', async () => {
    const members = new Map<string, Fake>([
      [MANAGEMENT, memberClients(MANAGEMENT, 12)],
      [PROD_ID, memberClients(PROD_ID, 14)],
      [DEV_ID, memberClients(DEV_ID, 6)],
    ]);
    // The sandbox's credentials work for nothing: no source can be read.
    const sandbox = fakeClients();
    sandbox.mocks.sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredToken' }));
    sandbox.mocks.iam.on(GetAccountPasswordPolicyCommand).rejects(Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredToken' }));
    members.set(SANDBOX_ID, sandbox);
    const log: AccessLog = { asked: [], released: [] };
    const access = accessOf(organizationCaller(), (id) => members.get(id) ?? null, log);
    const source = await collectOrganization({ needed: PASSWORD_ONLY, live: { regions: ['us-east-1'] } }, access);

    // The dev account answers as the prod account: filed under no account but its own.
    members.set(DEV_ID, memberClients(PROD_ID, 6));
    const outcomes = new Map((await all(source.outcomes)).map((o) => [o.account.id, o]));
    expect([...outcomes.keys()].sort()).toEqual([MANAGEMENT, PROD_ID, DEV_ID, SANDBOX_ID].sort());
    const prod = outcomes.get(PROD_ID);
    expect(prod?.kind === 'collected' && [prod.snapshot.accountId, prod.snapshot.sources.passwordPolicy]).toEqual([PROD_ID, { status: 'ok', data: { policy: expect.objectContaining({ minimumPasswordLength: 14 }) } }]);
    expect(prod?.kind === 'collected' && prod.snapshot.sources.authorizationDetails).toEqual({ status: 'error', error: { code: 'NotCollected', message: 'not needed by password-policy’s controls' } });
    const management = outcomes.get(MANAGEMENT);
    expect(management?.kind === 'collected' && management.snapshot.sources.passwordPolicy).toMatchObject({ data: { policy: { minimumPasswordLength: 12 } } });
    expect(outcomes.get(SANDBOX_ID)).toMatchObject({ kind: 'unreachable', step: 'collect', reason: expect.stringMatching(/^CollectionError: .*ExpiredToken/) });
    expect(outcomes.get(SANDBOX_ID)?.kind === 'unreachable' ? (outcomes.get(SANDBOX_ID) as { reason: string }).reason : '').not.toContain('nothing was written');
    expect(outcomes.get(DEV_ID)).toMatchObject({ kind: 'unreachable', step: 'collect', reason: `WrongAccount: the credentials for account ${DEV_ID} (role arn:aws:iam::${DEV_ID}:role/hipaa-iam-auditor) read account ${PROD_ID}` });
    // Every account entered was released.
    expect([...log.released].sort()).toEqual([...log.asked].sort());

    const refused = await collectOrganization({ accounts: [PROD_ID], needed: PASSWORD_ONLY, live: { regions: ['us-east-1'] } }, accessOf(organizationCaller(), () => null));
    expect(await all(refused.outcomes)).toEqual([
      {
        account: expect.objectContaining({ id: PROD_ID }),
        kind: 'unreachable',
        step: 'assume-role',
        reason: `AccessDenied: User: arn:aws:iam::${MANAGEMENT}:user/org-auditor is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${PROD_ID}:role/hipaa-iam-auditor`,
      },
    ]);
  });

  it('a reason never carries credentials a URL held', async () => {
    const access = accessOf(organizationCaller(), () => null);
    access.clientsIn = async () => {
      throw Object.assign(new Error('connect ECONNREFUSED http://auditor:hunter2@sts.local:4566/?X-Amz-Signature=abc123'), { name: 'NetworkingError' });
    };
    const source = await collectOrganization({ accounts: [PROD_ID], needed: PASSWORD_ONLY, live: { regions: ['us-east-1'] } }, access);
    const [outcome] = await all(source.outcomes);
    expect(outcome?.kind === 'unreachable' && outcome.reason).toBe('NetworkingError: connect ECONNREFUSED http://sts.local:4566/?X-Amz-Signature=REDACTED');
  });

  it('one account throttled: the others are collected, whole and first; only its own source is in error', async () => {
    const slow = memberClients(PROD_ID);
    slow.mocks.iam.on(GetAccountPasswordPolicyCommand).callsFake(async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      throw Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400, attempts: 8 } });
    });
    const access = accessOf(organizationCaller(), (id) => (id === PROD_ID ? slow : memberClients(id)));
    const source = await collectOrganization({ needed: PASSWORD_ONLY, concurrency: 8, live: { regions: ['us-east-1'] } }, access);
    const started = Date.now();
    const arrivals: [string, number][] = [];
    const outcomes: AccountOutcome[] = [];
    for await (const outcome of source.outcomes) {
      arrivals.push([outcome.account.id, Date.now() - started]);
      outcomes.push(outcome);
    }
    expect(arrivals.at(-1)?.[0]).toBe(PROD_ID);
    for (const [id, ms] of arrivals.slice(0, -1)) expect(ms, id).toBeLessThan(250);
    for (const outcome of outcomes) {
      expect(outcome.kind, outcome.account.id).toBe('collected');
      if (outcome.kind !== 'collected') continue;
      if (outcome.account.id === PROD_ID) expect(outcome.snapshot.sources.passwordPolicy).toMatchObject({ status: 'error', error: { code: 'Throttling' } });
      else expect(outcome.snapshot.sources.passwordPolicy.status, outcome.account.id).toBe('ok');
    }
  });

  it('never more than `concurrency` accounts alive (collecting, or yielded and not yet consumed), and the bound is used', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => String(600000000000 + i));
    const caller = organizationCaller();
    const listed = ids.map((id) => ({ Id: id, Name: `a${id}`, Status: 'ACTIVE' as const }));
    caller.mocks.organizations.on(ListAccountsCommand).resolves({ Accounts: listed });
    caller.mocks.organizations.on(ListAccountsForParentCommand).resolves({ Accounts: [] }).on(ListAccountsForParentCommand, { ParentId: ROOT.id }).resolves({ Accounts: listed });
    let alive = 0;
    let peak = 0;
    const access = accessOf(caller, (id) => {
      const fake = memberClients(id);
      fake.mocks.sts.on(GetCallerIdentityCommand).callsFake(async () => {
        await new Promise((resolve) => setTimeout(resolve, 5 + (Number(id.slice(-1)) % 4) * 10));
        return { Account: id, Arn: `arn:aws:sts::${id}:assumed-role/hipaa-iam-auditor/s` };
      });
      return fake;
    });
    const clientsIn = access.clientsIn.bind(access);
    access.clientsIn = async (id) => {
      if (ids.includes(id)) peak = Math.max(peak, ++alive);
      return clientsIn(id);
    };
    const source = await collectOrganization({ needed: PASSWORD_ONLY, concurrency: 3, live: { regions: ['us-east-1'] } }, access);
    const seen: string[] = [];
    for await (const outcome of source.outcomes) {
      seen.push(outcome.account.id);
      // A slow consumer: the yielded snapshot stays alive until the next is asked for.
      await new Promise((resolve) => setTimeout(resolve, 15));
      alive -= 1;
    }
    expect(seen.sort()).toEqual(ids);
    expect(peak).toBe(3);
  });

  it('a consumer that stops (return()) stops new accounts from starting', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => String(700000000000 + i));
    const caller = organizationCaller();
    const listed = ids.map((id) => ({ Id: id, Name: `a${id}`, Status: 'ACTIVE' as const }));
    caller.mocks.organizations.on(ListAccountsCommand).resolves({ Accounts: listed });
    caller.mocks.organizations.on(ListAccountsForParentCommand).resolves({ Accounts: [] }).on(ListAccountsForParentCommand, { ParentId: ROOT.id }).resolves({ Accounts: listed });
    const log: AccessLog = { asked: [], released: [] };
    const source = await collectOrganization({ needed: PASSWORD_ONLY, concurrency: 2, live: { regions: ['us-east-1'] } }, accessOf(caller, (id) => memberClients(id), log));
    let consumed = 0;
    for await (const outcome of source.outcomes) {
      expect(outcome.kind).toBe('collected');
      if (++consumed === 2) break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    const entered = log.asked.filter((id) => ids.includes(id));
    // Two consumed, at most two more in flight when the consumer left; none started after.
    expect(entered.length).toBeLessThanOrEqual(4);
    expect(entered.length).toBeGreaterThanOrEqual(2);
    expect(log.released.filter((id) => ids.includes(id)).sort()).toEqual([...entered].sort());
  });
});
