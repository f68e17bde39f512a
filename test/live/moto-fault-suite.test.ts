import { CloudTrailClient, CreateTrailCommand, PutEventSelectorsCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateSAMLProviderCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  IAMClient,
  PutUserPolicyCommand,
  UpdateAccountPasswordPolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateOrganizationCommand, CreatePolicyCommand as CreateScpCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding, Status } from '../../src/checks/check.js';
import { runChecks } from '../../src/checks/engine.js';
import { ALL_CHECKS } from '../../src/checks/registry.js';
import { createAwsClients } from '../../src/collect/aws-clients.js';
import type { Timeouts } from '../../src/collect/live-settings.js';
import { SOURCE_OF_OPERATION } from '../../src/collect/call-ledger.js';
import { collectLive } from '../../src/collect/live.js';
import { DEFAULT_SETTINGS } from '../../src/settings.js';
import type { IdentityCenterInstance, Snapshot, SourceName } from '../../src/snapshot/schema.js';
import { startFaultProxy, type Fault, type FaultProxy, type FaultRule } from '../support/fault-proxy.js';
import { seedIdentityCenter } from '../support/identity-center-moto.js';
import { createBucket, motoInstalled, startMoto, type Moto } from '../support/moto.js';

const ACCOUNT = '123456789012';
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const policy = (statement: object) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
const trustEc2 = policy({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' });
const SAML_METADATA = `<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.clinic.example/"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"/></md:EntityDescriptor>`;

/**
 * What moto cannot show of root, as AWS would: AccountMFAEnabled 1 in the account summary (moto
 * hard-codes 0), and root's row in the credential report (moto leaves it out), so root's
 * controls have something to judge.
 */
function withRoot(action: string, body: string): string {
  if (action === 'GetAccountSummary') return body.replace(/(<key>AccountMFAEnabled<\/key>\s*<value>)0(<\/value>)/, '$11$2');
  if (action !== 'GetCredentialReport') return body;
  return body.replace(/<Content>([^<]*)<\/Content>/, (_, content: string) => {
    const [header = '', ...rows] = Buffer.from(content, 'base64').toString('utf8').split('\n');
    const root: Record<string, string> = {
      user: '<root_account>',
      arn: `arn:aws:iam::${ACCOUNT}:root`,
      user_creation_time: '2020-01-01T00:00:00+00:00',
      password_enabled: 'not_supported',
      password_last_used: '2025-06-01T09:00:00+00:00',
      password_last_changed: 'not_supported',
      password_next_rotation: 'not_supported',
      mfa_active: 'true',
      access_key_1_active: 'false',
      access_key_2_active: 'false',
      cert_1_active: 'false',
      cert_2_active: 'false',
    };
    const row = header.split(',').map((column) => root[column] ?? 'N/A').join(',');
    return `<Content>${Buffer.from([header, row, ...rows].join('\n')).toString('base64')}</Content>`;
  });
}

/** The four ways an answer goes wrong that retries cannot absorb, each as the proxy makes it. */
const DETERMINISTIC: Record<'empty' | 'malformed' | 'denied' | 'slow', Fault[]> = {
  empty: ['empty', 'empty0'],
  malformed: ['truncated', 'misshapen'],
  denied: ['denied'],
  slow: ['delay'],
};
/** Faults the SDK's retries must absorb. */
const TRANSIENT: Fault[] = ['throttle', 'e500', 'e503', 'reset'];
const EVERY_FAULT: Fault[] = ['empty', 'empty0', 'truncated', 'misshapen', 'denied', 'throttle', 'e500', 'e503', 'reset', 'delay'];
/** Short, so a held answer costs a run about a second; the clean run keeps the defaults. */
const SLOW_TIMEOUTS: Partial<Timeouts> = { requestMs: 600 };

/** Statuses by control, then by resource ARN (a control may judge one resource on several counts: the password policy's). */
type Verdicts = Map<string, Map<string, string>>;

function verdictsOf(snapshot: Snapshot): Verdicts {
  const statuses = new Map<string, Map<string, Status[]>>();
  for (const f of runChecks(ALL_CHECKS, snapshot, DEFAULT_SETTINGS, new Date(snapshot.collectedAt)) as Finding[]) {
    const control = statuses.get(f.controlId) ?? new Map<string, Status[]>();
    control.set(f.resourceArn, [...(control.get(f.resourceArn) ?? []), f.status]);
    statuses.set(f.controlId, control);
  }
  return new Map([...statuses].map(([id, byArn]) => [id, new Map([...byArn].map(([arn, list]) => [arn, list.sort().join('+')]))]));
}

/**
 * Sources a faulted run could not read whole: a source in error, or one that kept a part's
 * error inside its data (a trail's status or selectors, an Access Analyzer region, the roles'
 * session limits, SCPs it was denied).
 */
function damagedSources(snapshot: Snapshot): Set<SourceName> {
  const damaged = new Set<SourceName>();
  for (const [name, source] of Object.entries(snapshot.sources) as [SourceName, Snapshot['sources'][SourceName]][]) {
    if (source.status === 'error') damaged.add(name);
  }
  const { cloudTrail, accessAnalyzer, authorizationDetails, organizations, identityCenter } = snapshot.sources;
  if (cloudTrail.status === 'ok' && cloudTrail.data.trails.some((t) => t.status.status === 'error' || t.eventSelectors.status === 'error')) damaged.add('cloudTrail');
  if (accessAnalyzer.status === 'ok' && Object.values(accessAnalyzer.data.regions).some((r) => r.status === 'error')) damaged.add('accessAnalyzer');
  if (authorizationDetails.status === 'ok' && authorizationDetails.data.roleSessionLimitsError) damaged.add('authorizationDetails');
  if (organizations.status === 'ok' && organizations.data.inOrganization && organizations.data.scps === null) damaged.add('organizations');
  const partsOf = (i: IdentityCenterInstance) => [i.permissionSets, i.identityStore, ...Object.values(i.awsManagedPolicyDocuments)];
  if (identityCenter.status === 'ok' && identityCenter.data.instances.some((i) => partsOf(i).some((part) => part.status === 'error'))) damaged.add('identityCenter');
  return damaged;
}

/**
 * The suite's invariant, as lines that break it (none when it holds). For each control: the
 * faulted findings equal the clean ones, or the control reads a source the faults damaged (one it
 * needs, or one it reads where it can), and then it says ERROR, and every finding it keeps has its clean status or ERROR: never a PASS
 * the clean run did not have, never a FAIL turned NOT_APPLICABLE or dropped without an ERROR.
 */
function failOpens(clean: Verdicts, faulted: Verdicts, damaged: Set<SourceName>): string[] {
  const broken: string[] = [];
  for (const check of ALL_CHECKS) {
    const id = check.meta.controlId;
    const before = clean.get(id) ?? new Map<string, string>();
    const after = faulted.get(id) ?? new Map<string, string>();
    const same = before.size === after.size && [...before].every(([arn, status]) => after.get(arn) === status);
    if (same) continue;
    // A source read where it could be (optionalSources) may also turn a verdict to ERROR when damaged: IAM-033 resolves a
    // permission set's customer managed policies in the account's authorization details, and without them cannot judge it.
    const read = [...check.meta.sources, ...(check.meta.optionalSources ?? [])];
    const needs = read.filter((s) => damaged.has(s));
    if (needs.length === 0) broken.push(`${id}: findings changed though none of its sources (${read.join(', ')}) was damaged`);
    if (![...after.values()].some((status) => status.split('+').includes('ERROR'))) broken.push(`${id}: findings changed without an ERROR`);
    // Per resource, only statuses the clean run gave it, or ERROR (one region of several may be
    // ERROR while the others keep their FAIL; the control's ERROR above says so).
    for (const [arn, status] of after) {
      const allowed = new Set(['ERROR', ...(before.get(arn)?.split('+') ?? [])]);
      const foreign = status.split('+').filter((s) => !allowed.has(s));
      if (foreign.length > 0) broken.push(`${id} ${arn}: ${before.get(arn) ?? 'no finding'} in the clean run, ${status} faulted`);
    }
  }
  return broken;
}

/**
 * The fault-injection suite (issue 10, part 8): one seeded moto account in which every control
 * has something to judge, read through the project's fault proxy. A clean run first; then every
 * API action the collector calls is faulted alone, answered empty, malformed, denied and slow;
 * then whole runs with a share of all calls faulted at random (fixed seeds). Each run's findings
 * must equal the clean run's, or be ERROR where the control needs a source the faults damaged.
 */
describe.skipIf(!motoInstalled)('fault suite: every collector API × {empty, malformed, denied, slow}, and random faults, never fail open', () => {
  let moto: Moto;
  let proxy: FaultProxy;
  let clean: Snapshot;
  let cleanVerdicts: Verdicts;

  beforeAll(async () => {
    moto = await startMoto();
    const config = { endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
    const iam = new IAMClient(config);
    // Console users, one with MFA and one without; a user with two keys and a wildcard inline policy; a group member.
    await iam.send(new CreateUserCommand({ UserName: 'alice.nguyen' }));
    await iam.send(new CreateLoginProfileCommand({ UserName: 'alice.nguyen', Password: 'Correct-Horse-9' }));
    const alice = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'alice.nguyen' }));
    await iam.send(new EnableMFADeviceCommand({ UserName: 'alice.nguyen', SerialNumber: alice.VirtualMFADevice!.SerialNumber, AuthenticationCode1: '123456', AuthenticationCode2: '654321' }));
    await iam.send(new CreateUserCommand({ UserName: 'bob.martinez' }));
    await iam.send(new CreateLoginProfileCommand({ UserName: 'bob.martinez', Password: 'Correct-Horse-9' }));
    await iam.send(new CreateAccessKeyCommand({ UserName: 'bob.martinez' }));
    await iam.send(new CreateUserCommand({ UserName: 'etl-bot' }));
    await iam.send(new CreateAccessKeyCommand({ UserName: 'etl-bot' }));
    await iam.send(new CreateAccessKeyCommand({ UserName: 'etl-bot' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'etl-bot', PolicyName: 'everything-s3', PolicyDocument: policy({ Effect: 'Allow', Action: 's3:*', Resource: '*' }) }));
    await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'root-account-mfa-device' }));
    const readOnly = await iam.send(new CreatePolicyCommand({ PolicyName: 'records-read', PolicyDocument: policy({ Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: '*' }) }));
    await iam.send(new CreateGroupCommand({ GroupName: 'clinicians' }));
    await iam.send(new AttachGroupPolicyCommand({ GroupName: 'clinicians', PolicyArn: readOnly.Policy!.Arn }));
    await iam.send(new AddUserToGroupCommand({ GroupName: 'clinicians', UserName: 'alice.nguyen' }));
    // An administrator role, a bounded and an unbounded role, a federated role with long sessions.
    const admin = await iam.send(new CreatePolicyCommand({ PolicyName: 'break-glass-admin', PolicyDocument: policy({ Effect: 'Allow', Action: '*', Resource: '*' }) }));
    await iam.send(new CreateRoleCommand({ RoleName: 'break-glass', AssumeRolePolicyDocument: trustEc2 }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'break-glass', PolicyArn: admin.Policy!.Arn }));
    const boundary = await iam.send(new CreatePolicyCommand({ PolicyName: 'hipaa-boundary', PolicyDocument: policy({ Effect: 'Allow', Action: ['s3:*', 'dynamodb:*'], Resource: '*' }) }));
    await iam.send(new CreateRoleCommand({ RoleName: 'bounded-app', AssumeRolePolicyDocument: trustEc2, PermissionsBoundary: boundary.Policy!.Arn }));
    await iam.send(new CreateRoleCommand({ RoleName: 'unbounded-app', AssumeRolePolicyDocument: trustEc2 }));
    const saml = await iam.send(new CreateSAMLProviderCommand({ Name: 'ClinicIdP', SAMLMetadataDocument: SAML_METADATA }));
    await iam.send(new CreateRoleCommand({
      RoleName: 'idp-long-sessions',
      AssumeRolePolicyDocument: policy({ Effect: 'Allow', Principal: { Federated: saml.SAMLProviderArn }, Action: 'sts:AssumeRoleWithSAML' }),
      MaxSessionDuration: 43200,
    }));
    await iam.send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 8, RequireNumbers: true }));
    // A compliant multi-region trail beside a single-region one without validation.
    await createBucket(moto.endpoint, 'clinic-trail-logs', 'us-east-1');
    const trails = new CloudTrailClient(config);
    await trails.send(new CreateTrailCommand({ Name: 'clinic-trail', S3BucketName: 'clinic-trail-logs', IsMultiRegionTrail: true, EnableLogFileValidation: true }));
    await trails.send(new StartLoggingCommand({ Name: 'clinic-trail' }));
    await trails.send(new PutEventSelectorsCommand({ TrailName: 'clinic-trail', EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] }));
    await trails.send(new CreateTrailCommand({ Name: 'local-only', S3BucketName: 'clinic-trail-logs' }));
    await trails.send(new PutEventSelectorsCommand({ TrailName: 'local-only', EventSelectors: [{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: true }] }));
    // The account manages an organization with one SCP of its own beside FullAWSAccess.
    const organizations = new OrganizationsClient(config);
    await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    await organizations.send(new CreateScpCommand({ Name: 'deny-leave', Description: 'no leaving', Type: 'SERVICE_CONTROL_POLICY', Content: policy({ Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' }) }));
    for (const client of [iam, trails, organizations]) client.destroy();
    // IAM Identity Center: a set with every kind of policy, provisioned and assigned to a user and a group, so every call is made.
    const seeded = await seedIdentityCenter(moto.endpoint, {
      users: [{ userName: 'carol' }, { userName: 'dave' }],
      groups: [{ displayName: 'Nurses', members: ['carol'] }],
      permissionSets: [{ name: 'RecordsRead', sessionDuration: 'PT4H', inlinePolicy: JSON.parse(policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' })) as object, awsManagedPolicies: [READ_ONLY], customerManagedPolicies: [{ name: 'records-read' }], assignments: [{ group: 'Nurses' }, { user: 'dave' }] }],
    });

    proxy = await startFaultProxy({
      upstream: moto.endpoint,
      seed: 10,
      // moto has no Access Analyzer: the proxy answers as an ACTIVE analyzer with one external-access finding.
      analyzer: { accountId: ACCOUNT, findings: [{ id: 'f-1', resource: `arn:aws:iam::${ACCOUNT}:role/unbounded-app`, resourceType: 'AWS::IAM::Role' }] },
      rewrite: withRoot,
      // moto has no GetPermissionsBoundaryForPermissionSet, and AWS managed policies only when loading all of them.
      permissionsBoundaries: { [seeded.permissionSets.RecordsRead!]: { ManagedPolicyArn: READ_ONLY } },
      awsManagedPolicies: { [READ_ONLY]: JSON.parse(policy({ Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: '*' })) as object },
    });
    clean = await collect([]);
    cleanVerdicts = verdictsOf(clean);
  });
  afterAll(async () => {
    await proxy?.stop();
    await moto?.stop();
  });

  /** A live collection through the proxy with these faults, in this process, as `hipaa-iam collect` makes it. */
  async function collect(rules: FaultRule[], options: { seed?: number; timeouts?: Partial<Timeouts>; maxAttempts?: string } = {}): Promise<Snapshot> {
    proxy.setRules(rules, options.seed);
    const env = { ...moto.env, AWS_ENDPOINT_URL: proxy.endpoint, AWS_MAX_ATTEMPTS: options.maxAttempts ?? '2' };
    const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
    Object.assign(process.env, env);
    try {
      // No --regions: DescribeRegions is one of the calls faulted.
      return await collectLive({
        clients: await createAwsClients({ region: 'us-east-1', timeouts: options.timeouts }, process.env),
        description: 'fault suite',
        credentialReportTiming: { sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)), deadlineMs: 5_000, firstDelayMs: 50, maxDelayMs: 400 },
      });
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  }

  /** Every operation the clean run's ledger counted, by name. */
  const calledOperations = (snapshot: Snapshot) => [...new Set(Object.values(snapshot.collection.calls).flatMap((count) => Object.keys(count.operations)))].sort();

  it('the clean run reads every source whole, and every control judges something', () => {
    expect(damagedSources(clean)).toEqual(new Set());
    const statuses = (id: string) => [...(cleanVerdicts.get(id)?.values() ?? [])].flatMap((s) => s.split('+'));
    const judged = ALL_CHECKS.map((c) => c.meta.controlId).filter((id) => statuses(id).some((s) => s === 'PASS' || s === 'FAIL'));
    // Only controls that read no AWS source have nothing to judge here: the risk register's review cadence, and the
    // organization controls (IAM-038, IAM-039), judged only in an organization-wide run; and IAM-037, which is
    // MANUAL by design (no AWS API reports Identity Center's MFA settings).
    const notJudged = ALL_CHECKS.filter((c) => !judged.includes(c.meta.controlId)).map((c) => [c.meta.controlId, c.meta.sources]);
    expect(notJudged).toEqual([['identity-center-mfa', ['identityCenter']], ['review-cadence', []], ['root-credentials-central', []], ['organization-coverage', []]]);
    expect([...(cleanVerdicts.get('identity-center-mfa')?.values() ?? [])]).toEqual(['MANUAL']);
    expect(proxy.requests.filter((r) => r.outcome !== 'pass')).toEqual([]);
  });

  it('the clean run calls every API the collector knows, so the faults below cover them all', () => {
    const operations = calledOperations(clean);
    // The ledger's own list: an API added to the collector without a source there lands in 'other'.
    expect(Object.keys(clean.collection.calls)).not.toContain('other');
    expect(operations).toEqual(Object.keys(SOURCE_OF_OPERATION).sort());
    // And what went over the wire is the same list: nothing the ledger missed.
    expect([...new Set(proxy.requests.map((r) => r.action))].sort()).toEqual(operations);
  });

  const kinds = Object.keys(DETERMINISTIC) as (keyof typeof DETERMINISTIC)[];
  it.each(kinds)('every API answered "%s" alone: findings equal the clean run\'s or are ERROR where its source is needed', async (kind) => {
    const results: string[] = [];
    for (const action of calledOperations(clean)) for (const fault of DETERMINISTIC[kind]) {
      const before = proxy.requests.length;
      const started = Date.now();
      const snapshot = await collect([{ action, fault, delayMs: 10_000 }], { timeouts: kind === 'slow' ? SLOW_TIMEOUTS : undefined });
      // An answer held back 10 s costs two attempts of 600 ms, not the hold: no run waits on it.
      if (kind === 'slow' && Date.now() - started > 8_000) results.push(`${action} ${fault}: the run took ${Date.now() - started} ms`);
      // The fault was made: the action was called and faulted.
      expect(proxy.requests.slice(before).some((r) => r.action === action && r.outcome === fault), `${action} ${fault}`).toBe(true);
      const damaged = damagedSources(snapshot);
      results.push(...failOpens(cleanVerdicts, verdictsOf(snapshot), damaged).map((line) => `${action} ${fault}: ${line}`));
      // Anything else damages the action's source, except a 200 to GenerateCredentialReport, whose
      // answer is never read (the report is GetCredentialReport's): that run must equal the clean one, which failOpens checks.
      const source = SOURCE_OF_OPERATION[action]!;
      const unread = action === 'GenerateCredentialReport' && ['empty', 'empty0', 'misshapen'].includes(fault);
      if (!damaged.has(source) && !unread) results.push(`${action} ${fault}: ${source} read as whole`);
    }
    expect(results).toEqual([]);
  }, 180_000);

  // Throttling, 5xx and resets on a fifth of all calls: the SDK's retries (8 attempts, adaptive,
  // as a real run has them) absorb them all, so every source is read whole and nothing changes.
  it('transient faults on a fifth of all calls (seeds 1–3) are absorbed by retries: the clean run\'s findings exactly', async () => {
    const injected = new Set<string>();
    for (const seed of [1, 2, 3]) {
      const before = proxy.requests.length;
      const snapshot = await collect([{ action: '*', fault: TRANSIENT, rate: 0.2 }], { seed, maxAttempts: '8' });

      for (const r of proxy.requests.slice(before)) injected.add(r.outcome);
      expect(damagedSources(snapshot), `seed ${seed}`).toEqual(new Set());
      expect(verdictsOf(snapshot), `seed ${seed}`).toEqual(cleanVerdicts);
      // The ledger saw the retries: more attempts than calls.
      const counts = Object.values(snapshot.collection.calls);
      expect(counts.reduce((n, c) => n + c.attempts, 0)).toBeGreaterThan(counts.reduce((n, c) => n + c.calls, 0));
    }
    expect(injected).toEqual(new Set(['pass', ...TRANSIENT]));
  }, 90_000);

  // Every kind of fault on a fifth of all calls, two attempts: whatever is lost is ERROR, never PASS.
  it('every kind of fault on a fifth of all calls (seeds 11–16): findings equal the clean run\'s or are ERROR where their source is needed', async () => {
    const injected = new Set<string>();
    const results: string[] = [];
    for (const seed of [11, 12, 13, 14, 15, 16]) {
      const before = proxy.requests.length;
      const snapshot = await collect([{ action: '*', fault: EVERY_FAULT, rate: 0.2, delayMs: 5_000 }], { seed, timeouts: { requestMs: 1_500 } });

      const faulted = proxy.requests.slice(before).filter((r) => r.outcome !== 'pass');
      for (const r of faulted) injected.add(r.outcome);
      const damaged = damagedSources(snapshot);
      // Two attempts cannot absorb every fault: the run must show what it lost.
      expect(faulted.length, `seed ${seed}`).toBeGreaterThan(0);
      expect(damaged.size, `seed ${seed}`).toBeGreaterThan(0);
      results.push(...failOpens(cleanVerdicts, verdictsOf(snapshot), damaged).map((line) => `seed ${seed}: ${line}`));
    }
    expect(results).toEqual([]);
    expect(injected).toEqual(new Set(EVERY_FAULT));
  }, 120_000);
});
