import { AccessAnalyzerClient } from '@aws-sdk/client-accessanalyzer';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { EC2Client } from '@aws-sdk/client-ec2';
import { GetPolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { IdentitystoreClient, ListUsersCommand } from '@aws-sdk/client-identitystore';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { ListInstancesCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it, vi } from 'vitest';
import type { AwsClients } from '../../src/collect/aws-clients.js';
import type { IdentityCenterCollectOptions } from '../../src/collect/identity-center.js';
import { ORGANIZATION_ACTIONS, ORGANIZATION_PART_OF_OPERATION, operationsOf } from '../../src/collect/source-actions.js';
import { collectOrganization, type OrganizationAccess } from '../../src/organization/collect-live.js';
import { IDENTITY_CENTER_PRINCIPAL } from '../../src/organization/collect-facts.js';
import type { AccountOutcome } from '../../src/organization/collection.js';
import type { IdentityCenterData } from '../../src/snapshot/schema.js';

// collectIdentityCenter's body is helper A's (src/collect/identity-center.ts); here it is stood in
// for by a reader that makes one call of each client it is given (sso-admin ListInstances,
// identitystore ListUsers, iam GetPolicy) in the region it is told, so what this file proves is
// the organization's part: which account and region Identity Center is read in, that it is read
// once and never in a member, and that its calls count under the facts' identityCenter part.
// Clients answer through a middleware (Stub) rather than aws-sdk-client-mock, whose mocked send()
// skips the middleware stack where the run's call ledger counts.
const reads = vi.hoisted(() => [] as { region: string }[]);
vi.mock('../../src/collect/identity-center.js', () => ({
  async collectIdentityCenter(options: IdentityCenterCollectOptions): Promise<IdentityCenterData> {
    reads.push({ region: options.region });
    const instances = await options.ssoAdminIn(options.region).send(new ListInstancesCommand({}));
    await options.identityStoreIn(options.region).send(new ListUsersCommand({ IdentityStoreId: 'd-1234567890' }));
    await options.iam.send(new GetPolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
    return {
      region: options.region,
      instances: (instances.Instances ?? []).map((i) => ({
        instanceArn: i.InstanceArn!,
        identityStoreId: i.IdentityStoreId!,
        name: null,
        ownerAccountId: i.OwnerAccountId ?? null,
        status: 'ACTIVE',
        createdDate: null,
        permissionSets: { status: 'ok', data: [] },
        identityStore: { status: 'ok', data: { users: [], groups: [], memberships: [] } },
        awsManagedPolicyDocuments: {},
      })),
    };
  },
}));

const CREDENTIALS = { accessKeyId: 'x', secretAccessKey: 'y' };
const MANAGEMENT = '111111111111';
const PROD = '222222222222';
const DELEGATE = '333333333333';
const ROOT = { Id: 'r-ab12', Name: 'Root' };

type Answer = Record<string, unknown> | Error;
type Handler = (input: Record<string, unknown>) => Answer;

/**
 * A client that answers from `handlers` (by operation, e.g. ListInstances) at the SDK's build
 * step, after the run's call ledger (initialize step) has seen the call: so the ledger counts
 * the calls, which a mocked send() (aws-sdk-client-mock) would skip. Every call is recorded.
 */
class Stub {
  readonly handlers = new Map<string, Handler[]>();
  readonly calls: { operation: string; input: Record<string, unknown> }[] = [];
  constructor(client: { middlewareStack: { add: (m: never, o: { step: 'build'; name: string }) => void } }) {
    client.middlewareStack.add(
      ((_next: unknown, context: { commandName?: string }) => async (args: { input: Record<string, unknown> }) => {
        const operation = (context.commandName ?? '').replace(/Command$/, '');
        this.calls.push({ operation, input: args.input });
        const handler = this.handlers.get(operation)?.at(-1);
        if (!handler) throw Object.assign(new Error(`no answer for ${operation} in this test`), { name: 'NotStubbed', $metadata: { attempts: 1 } });
        const result = handler(args.input);
        if (result instanceof Error) throw Object.assign(result, { $metadata: { attempts: 1 } });
        return { output: { ...result, $metadata: { attempts: 1 } }, response: {} };
      }) as never,
      { step: 'build', name: 'testAnswers' },
    );
  }
  /** Answers `operation`; a later answer for it wins. */
  on(operation: string, handler: Answer | Handler): this {
    const list = this.handlers.get(operation) ?? [];
    list.push(typeof handler === 'function' ? handler : () => handler);
    this.handlers.set(operation, list);
    return this;
  }
  count(operation: string, where: (input: Record<string, unknown>) => boolean = () => true): number {
    return this.calls.filter((c) => c.operation === operation && where(c.input)).length;
  }
}

/** Real clients, each answered on its own; the Identity Center clients made per region are recorded. */
function fakeAccount(accountId: string) {
  const c = {
    iam: new IAMClient({ region: 'us-east-1', credentials: CREDENTIALS }),
    sts: new STSClient({ region: 'us-east-1', credentials: CREDENTIALS }),
    organizations: new OrganizationsClient({ region: 'us-east-1', credentials: CREDENTIALS }),
    ec2: new EC2Client({ region: 'us-east-1', credentials: CREDENTIALS }),
    cloudTrail: new CloudTrailClient({ region: 'us-east-1', credentials: CREDENTIALS }),
    accessAnalyzer: new AccessAnalyzerClient({ region: 'us-east-1', credentials: CREDENTIALS }),
    ssoAdmin: new SSOAdminClient({ region: 'us-east-1', credentials: CREDENTIALS }),
    identityStore: new IdentitystoreClient({ region: 'us-east-1', credentials: CREDENTIALS }),
  };
  const mocks = {
    iam: new Stub(c.iam),
    sts: new Stub(c.sts),
    organizations: new Stub(c.organizations),
    ec2: new Stub(c.ec2),
    cloudTrail: new Stub(c.cloudTrail),
    accessAnalyzer: new Stub(c.accessAnalyzer),
    ssoAdmin: new Stub(c.ssoAdmin),
    identityStore: new Stub(c.identityStore),
  };
  const regions = { ssoAdmin: [] as string[], identityStore: [] as string[] };
  const clients: AwsClients = {
    iam: c.iam,
    sts: c.sts,
    organizations: c.organizations,
    ec2: c.ec2,
    cloudTrailIn: () => c.cloudTrail,
    accessAnalyzerIn: () => c.accessAnalyzer,
    ssoAdminIn: (region) => (regions.ssoAdmin.push(region), c.ssoAdmin),
    identityStoreIn: (region) => (regions.identityStore.push(region), c.identityStore),
    region: 'us-east-1',
  };
  mocks.sts.on('GetCallerIdentity', { Account: accountId, Arn: `arn:aws:sts::${accountId}:assumed-role/hipaa-iam-auditor/hipaa-iam-org-audit` });
  mocks.iam.on('GetAccountPasswordPolicy', { PasswordPolicy: { MinimumPasswordLength: 14 } });
  mocks.iam.on('GetPolicy', { Policy: { Arn: 'arn:aws:iam::aws:policy/AdministratorAccess', DefaultVersionId: 'v1' } });
  mocks.ssoAdmin.on('ListInstances', { Instances: [{ InstanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef', IdentityStoreId: 'd-1234567890', OwnerAccountId: MANAGEMENT }] });
  mocks.identityStore.on('ListUsers', { Users: [] });
  return { clients, mocks, regions };
}

type Fake = ReturnType<typeof fakeAccount>;

/** The caller (`accountId`) of an organization of the management account and PROD; Identity Center delegated to `icAdmin` (none: null). */
function organizationCaller(accountId: string, icAdmin: string | null): Fake {
  const fake = fakeAccount(accountId);
  const { organizations, iam, cloudTrail, accessAnalyzer } = fake.mocks;
  organizations.on('DescribeOrganization', { Organization: { Id: 'o-ab12cd34ef', Arn: `arn:aws:organizations::${MANAGEMENT}:organization/o-ab12cd34ef`, MasterAccountId: MANAGEMENT, FeatureSet: 'ALL' } });
  const listed = [{ Id: MANAGEMENT, Name: 'management', Status: 'ACTIVE' }, { Id: PROD, Name: 'clinic-prod', Status: 'ACTIVE' }, { Id: DELEGATE, Name: 'security', Status: 'ACTIVE' }];
  organizations.on('ListAccounts', { Accounts: listed });
  organizations.on('ListRoots', { Roots: [ROOT] });
  organizations.on('ListAccountsForParent', { Accounts: listed });
  organizations.on('ListOrganizationalUnitsForParent', { OrganizationalUnits: [] });
  organizations.on('ListPolicies', { Policies: [] });
  organizations.on('ListDelegatedAdministrators', (input) => ({ DelegatedAdministrators: input.ServicePrincipal === IDENTITY_CENTER_PRINCIPAL && icAdmin ? [{ Id: icAdmin }] : [] }));
  iam.on('ListOrganizationsFeatures', { EnabledFeatures: [] });
  cloudTrail.on('DescribeTrails', { trailList: [] });
  accessAnalyzer.on('ListAnalyzers', { analyzers: [] });
  return fake;
}

function accessOf(caller: Fake, members: Map<string, Fake>, log: { asked: string[]; released: string[] } = { asked: [], released: [] }): OrganizationAccess & { log: typeof log } {
  return {
    log,
    caller: caller.clients,
    description: 'unit test',
    close: () => {},
    async clientsIn(accountId) {
      log.asked.push(accountId);
      const member = members.get(accountId);
      if (!member) throw Object.assign(new Error(`not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${accountId}:role/hipaa-iam-auditor`), { name: 'AccessDenied' });
      return { clients: member.clients, how: `role arn:aws:iam::${accountId}:role/hipaa-iam-auditor`, release: () => log.released.push(accountId) };
    },
  };
}

async function all(outcomes: AsyncIterable<AccountOutcome>): Promise<AccountOutcome[]> {
  const list: AccountOutcome[] = [];
  for await (const outcome of outcomes) list.push(outcome);
  return list;
}

const ssoDelegatedAsks = (fake: Fake) => fake.mocks.organizations.count('ListDelegatedAdministrators', (input) => input.ServicePrincipal === IDENTITY_CENTER_PRINCIPAL);

describe('IAM Identity Center in an organization run (mocked AWS)', () => {
  it('is read once, by the management account, in --identity-center-region; its calls count under the facts’ identityCenter part; no member reads its own', async () => {
    reads.length = 0;
    const caller = organizationCaller(MANAGEMENT, null);
    const members = new Map([[MANAGEMENT, fakeAccount(MANAGEMENT)], [PROD, fakeAccount(PROD)], [DELEGATE, fakeAccount(DELEGATE)]]);
    // collect --organization: no `needed`, every other source is read in each member.
    const source = await collectOrganization({ live: { regions: ['us-east-1'], identityCenterRegion: 'eu-west-1' } }, accessOf(caller, members));
    const { facts } = source;
    expect(facts.identityCenter).toMatchObject({ status: 'ok', data: { region: 'eu-west-1', instances: [{ instanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef', ownerAccountId: MANAGEMENT }] } });
    expect(reads).toEqual([{ region: 'eu-west-1' }]);
    expect(caller.regions).toEqual({ ssoAdmin: ['eu-west-1'], identityStore: ['eu-west-1'] });
    // The management account holds the instance: no need to ask who Identity Center is delegated to.
    expect(ssoDelegatedAsks(caller)).toBe(0);
    expect(facts.collection.calls.identityCenter).toEqual({ calls: 3, attempts: 3, operations: { ListInstances: 1, ListUsers: 1, GetPolicy: 1 } });
    // iam:GetPolicy counts only there: the other parts keep their own operations.
    expect(facts.collection.calls.organizationsFeatures?.operations).toEqual({ ListOrganizationsFeatures: 1 });
    expect(facts.collection.calls.other).toBeUndefined();

    const outcomes = await all(source.outcomes);
    expect(outcomes.map((o) => o.kind)).toEqual(['collected', 'collected', 'collected']);
    for (const outcome of outcomes) {
      if (outcome.kind !== 'collected') continue;
      expect(outcome.snapshot.sources.identityCenter).toEqual({ status: 'error', error: { code: 'NotCollected', message: 'read once for the organization (organization.json), not in each account' } });
      // Every other source was read (collect reads everything), Identity Center in no member.
      expect(outcome.snapshot.sources.passwordPolicy.status).toBe('ok');
      expect(outcome.snapshot.collection.calls.identityCenter).toBeUndefined();
    }
    for (const member of members.values()) {
      expect(member.mocks.ssoAdmin.calls).toEqual([]);
      expect(member.mocks.identityStore.calls).toEqual([]);
      expect(member.mocks.iam.count('GetPolicy')).toBe(0);
    }
    expect(reads).toHaveLength(1);
  });

  it('defaults to the caller’s region; a subcommand’s narrowed members leave it out too', async () => {
    reads.length = 0;
    const caller = organizationCaller(MANAGEMENT, null);
    const prod = fakeAccount(PROD);
    const source = await collectOrganization({ accounts: [PROD], needed: { sources: ['callerIdentity', 'passwordPolicy', 'identityCenter'], by: 'audit’s controls' }, live: { regions: ['us-east-1'] } }, accessOf(caller, new Map([[PROD, prod]])));
    expect(reads).toEqual([{ region: 'us-east-1' }]);
    const [outcome] = await all(source.outcomes);
    expect(outcome?.kind === 'collected' && outcome.snapshot.sources.identityCenter).toMatchObject({ status: 'error', error: { code: 'NotCollected', message: expect.stringContaining('read once for the organization') } });
    expect(outcome?.kind === 'collected' && outcome.snapshot.sources.authorizationDetails).toMatchObject({ error: { code: 'NotCollected', message: 'not needed by audit’s controls' } });
    expect(prod.mocks.ssoAdmin.calls).toEqual([]);
  });

  it('a caller that is Identity Center’s delegated administrator reads it with its own clients', async () => {
    reads.length = 0;
    const caller = organizationCaller(DELEGATE, DELEGATE);
    const log = { asked: [] as string[], released: [] as string[] };
    const { facts } = await collectOrganization({ accounts: [PROD], live: { regions: ['us-east-1'] } }, accessOf(caller, new Map([[PROD, fakeAccount(PROD)]]), log));
    expect(facts.identityCenter.status).toBe('ok');
    expect(ssoDelegatedAsks(caller)).toBe(1);
    expect(caller.mocks.ssoAdmin.count('ListInstances')).toBe(1);
    expect(log.asked).toEqual([]);
  });

  it('a caller that is not: through the auditor role in Identity Center’s delegated administrator, else in the management account', async () => {
    const caller = organizationCaller(DELEGATE, PROD);
    const prod = fakeAccount(PROD);
    const log = { asked: [] as string[], released: [] as string[] };
    const { facts } = await collectOrganization({ accounts: [MANAGEMENT], live: { regions: ['us-east-1'] } }, accessOf(caller, new Map([[PROD, prod], [MANAGEMENT, fakeAccount(MANAGEMENT)]]), log));
    expect(facts.identityCenter.status).toBe('ok');
    expect(log.asked).toEqual([PROD]);
    expect(log.released).toEqual([PROD]);
    expect(prod.mocks.ssoAdmin.count('ListInstances')).toBe(1);
    expect(caller.mocks.ssoAdmin.calls).toEqual([]);
    // The other account's calls count in the facts too, GetPolicy included.
    expect(facts.collection.calls.identityCenter?.operations).toEqual({ ListInstances: 1, ListUsers: 1, GetPolicy: 1 });

    const none = organizationCaller(DELEGATE, null);
    const management = fakeAccount(MANAGEMENT);
    const noneLog = { asked: [] as string[], released: [] as string[] };
    const other = await collectOrganization({ accounts: [PROD], live: { regions: ['us-east-1'] } }, accessOf(none, new Map([[PROD, fakeAccount(PROD)], [MANAGEMENT, management]]), noneLog));
    expect(other.facts.identityCenter.status).toBe('ok');
    expect(noneLog.asked).toEqual([MANAGEMENT]);
    expect(management.mocks.ssoAdmin.count('ListInstances')).toBe(1);
  });

  it('a refused AssumeRole or a denied sso-admin call is the part’s error, never "no instance"; the other parts stand', async () => {
    const caller = organizationCaller(DELEGATE, PROD);
    const { facts } = await collectOrganization({ accounts: [MANAGEMENT], live: { regions: ['us-east-1'] } }, accessOf(caller, new Map([[MANAGEMENT, fakeAccount(MANAGEMENT)]])));
    expect(facts.identityCenter).toMatchObject({ status: 'error', error: { code: 'AccessDenied', message: expect.stringContaining(`cannot read IAM Identity Center in account ${PROD}`) } });
    expect(facts.scps.status).toBe('ok');

    const denied = organizationCaller(MANAGEMENT, null);
    denied.mocks.ssoAdmin.on('ListInstances', Object.assign(new Error('User is not authorized to perform: sso:ListInstances'), { name: 'AccessDeniedException' }));
    const read = await collectOrganization({ accounts: [PROD], live: { regions: ['us-east-1'] } }, accessOf(denied, new Map([[PROD, fakeAccount(PROD)]])));
    expect(read.facts.identityCenter).toEqual({ status: 'error', error: { code: 'AccessDeniedException', message: 'User is not authorized to perform: sso:ListInstances' } });
    expect(read.facts.collection.calls.identityCenter?.operations).toEqual({ ListInstances: 1 });
    expect(read.facts.accounts.status).toBe('ok');
  });

  it('every operation of the facts counts under one part only (Identity Center’s iam:GetPolicy and GetPolicyVersion are its own)', () => {
    const parts = Object.entries(ORGANIZATION_ACTIONS).flatMap(([part, actions]) => actions.flatMap((action) => operationsOf(action).map((operation) => [operation, part] as const)));
    const seen = new Map<string, string>();
    for (const [operation, part] of parts) {
      expect(seen.get(operation) ?? part, `${operation} in ${seen.get(operation)} and ${part}`).toBe(part);
      seen.set(operation, part);
    }
    expect(ORGANIZATION_PART_OF_OPERATION.GetPolicy).toBe('identityCenter');
    expect(ORGANIZATION_PART_OF_OPERATION.GetPolicyVersion).toBe('identityCenter');
    expect(ORGANIZATION_PART_OF_OPERATION.ListInstances).toBe('identityCenter');
  });
});
