import { CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../src/collect/aws-clients.js';
import { collectIdentityCenter } from '../../src/collect/identity-center.js';
import { collectLive } from '../../src/collect/live.js';
import { SOURCE_ACTIONS } from '../../src/collect/source-actions.js';
import { EXPORT_SCRIPT_PATH } from '../../src/snapshot/import-files.js';
import type { IdentityCenterData, IdentityCenterInstance } from '../../src/snapshot/schema.js';
import { runFolders, tempDir } from '../support/cli.js';
import { startFaultProxy, type FaultProxy, type FaultRule } from '../support/fault-proxy.js';
import { IDENTITY_CENTER_MOTO_ENV, seedIdentityCenter, type SeededIdentityCenter } from '../support/identity-center-moto.js';
import { motoInstalled, startMoto, type Moto } from '../support/moto.js';

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const BOUNDARY = 'arn:aws:iam::aws:policy/PowerUserAccess';
const RECORDS_READ = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::phi-records/*' }] };

/**
 * IAM Identity Center read live from moto (sso-admin, identitystore, iam) through the fault
 * proxy, which answers GetPermissionsBoundaryForPermissionSet (moto has none) as AWS does. Every
 * sso-admin and identitystore action denied in turn leaves its part, or the whole source, an
 * error: never an empty list that would read as "nobody has access".
 */
describe.skipIf(!motoInstalled)('live path: IAM Identity Center collected from moto', () => {
  let moto: Moto;
  let proxy: FaultProxy;
  let seeded: SeededIdentityCenter;

  beforeAll(async () => {
    moto = await startMoto(IDENTITY_CENTER_MOTO_ENV);
    seeded = await seedIdentityCenter(moto.endpoint, {
      users: [{ userName: 'alice', displayName: 'Alice Nguyen' }, { userName: 'bob' }, { userName: 'carol' }],
      groups: [
        { displayName: 'Clinicians', description: 'front desk and nurses', members: ['alice', 'bob'] },
        { displayName: 'Admins', members: ['carol'] },
      ],
      permissionSets: [
        { name: 'RecordsRead', description: 'read patient records', sessionDuration: 'PT4H', inlinePolicy: RECORDS_READ, awsManagedPolicies: [READ_ONLY], customerManagedPolicies: [{ name: 'clinic-extra', path: '/clinic/' }], assignments: [{ group: 'Clinicians' }] },
        { name: 'Admin', sessionDuration: 'PT12H', awsManagedPolicies: [ADMIN], assignments: [{ user: 'carol' }, { group: 'Admins' }] },
        { name: 'Unprovisioned', provision: false },
      ],
    });
    proxy = await startFaultProxy({ upstream: moto.endpoint, permissionsBoundaries: {} });
  });
  afterAll(async () => {
    await proxy?.stop();
    await moto?.stop();
  });

  /** collectIdentityCenter through the proxy with these rules (and boundaries), on fresh clients. */
  const collect = async (rules: FaultRule[], options: { maxAttempts?: number; boundaries?: Record<string, { ManagedPolicyArn: string }> } = {}): Promise<IdentityCenterData> => {
    const via = options.boundaries ? await startFaultProxy({ upstream: moto.endpoint, permissionsBoundaries: options.boundaries, rules }) : proxy;
    if (!options.boundaries) proxy.setRules(rules);
    const config = { endpoint: via.endpoint, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: options.maxAttempts ?? 1 };
    const clients: { destroy(): void }[] = [];
    const track = <C extends { destroy(): void }>(client: C) => (clients.push(client), client);
    try {
      return await collectIdentityCenter({ region: REGION, ssoAdminIn: (region) => track(new SSOAdminClient({ ...config, region })), identityStoreIn: (region) => track(new IdentitystoreClient({ ...config, region })), iam: track(new IAMClient(config)) });
    } finally {
      for (const client of clients) client.destroy();
      if (options.boundaries) await via.stop();
      else proxy.setRules([]);
    }
  };
  const onlyInstance = (data: IdentityCenterData): IdentityCenterInstance => {
    expect(data.instances).toHaveLength(1);
    return data.instances[0]!;
  };

  it('returns what was seeded: sets with their policies, durations, accounts and assignments; users, groups, members; AWS managed documents', async () => {
    const data = await collect([]);
    expect(data.region).toBe(REGION);
    const instance = onlyInstance(data);
    expect(instance).toMatchObject({ instanceArn: seeded.instanceArn, identityStoreId: seeded.identityStoreId, ownerAccountId: ACCOUNT, status: 'ACTIVE' });
    expect(instance.permissionSets.status).toBe('ok');
    const sets = instance.permissionSets.status === 'ok' ? instance.permissionSets.data : [];
    const byName = Object.fromEntries(sets.map((s) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual(['Admin', 'RecordsRead', 'Unprovisioned']);
    expect(byName.RecordsRead).toEqual({
      arn: seeded.permissionSets.RecordsRead,
      name: 'RecordsRead',
      description: 'read patient records',
      sessionDuration: 'PT4H',
      createdDate: expect.any(String),
      awsManagedPolicies: [{ name: 'ReadOnlyAccess', arn: READ_ONLY }],
      customerManagedPolicies: [{ name: 'clinic-extra', path: '/clinic/' }],
      inlinePolicy: RECORDS_READ,
      permissionsBoundary: null,
      accounts: [ACCOUNT],
      assignments: [{ accountId: ACCOUNT, principalType: 'GROUP', principalId: seeded.groups.Clinicians }],
    });
    expect(byName.Admin).toMatchObject({ sessionDuration: 'PT12H', inlinePolicy: null, accounts: [ACCOUNT], awsManagedPolicies: [{ name: 'AdministratorAccess', arn: ADMIN }] });
    expect(byName.Admin?.assignments).toEqual(
      expect.arrayContaining([
        { accountId: ACCOUNT, principalType: 'USER', principalId: seeded.users.carol },
        { accountId: ACCOUNT, principalType: 'GROUP', principalId: seeded.groups.Admins },
      ]),
    );
    expect(byName.Admin?.assignments).toHaveLength(2);
    // Not provisioned: no account, so no assignment asked for.
    expect(byName.Unprovisioned).toMatchObject({ accounts: [], assignments: [] });

    expect(instance.identityStore.status).toBe('ok');
    const store = instance.identityStore.status === 'ok' ? instance.identityStore.data : null;
    expect(store?.users.map((u) => [u.userName, u.displayName, u.id]).sort()).toEqual(
      [
        ['alice', 'Alice Nguyen', seeded.users.alice],
        ['bob', 'bob', seeded.users.bob],
        ['carol', 'carol', seeded.users.carol],
      ].sort(),
    );
    expect(store?.groups.map((g) => [g.displayName, g.id]).sort()).toEqual(
      [
        ['Admins', seeded.groups.Admins],
        ['Clinicians', seeded.groups.Clinicians],
      ].sort(),
    );
    expect(store?.memberships).toHaveLength(3);
    expect(store?.memberships).toEqual(
      expect.arrayContaining([
        { groupId: seeded.groups.Clinicians, userId: seeded.users.alice },
        { groupId: seeded.groups.Clinicians, userId: seeded.users.bob },
        { groupId: seeded.groups.Admins, userId: seeded.users.carol },
      ]),
    );

    expect(Object.keys(instance.awsManagedPolicyDocuments).sort()).toEqual([ADMIN, READ_ONLY]);
    const admin = instance.awsManagedPolicyDocuments[ADMIN];
    expect(admin?.status).toBe('ok');
    expect(admin?.status === 'ok' && admin.data.document.Statement).toEqual([expect.objectContaining({ Effect: 'Allow', Action: '*', Resource: '*' })]);
  });

  it('a boundary GetPermissionsBoundaryForPermissionSet answers is kept, and its AWS managed document read', async () => {
    const data = await collect([], { boundaries: { [seeded.permissionSets.Admin!]: { ManagedPolicyArn: BOUNDARY } } });
    const instance = onlyInstance(data);
    const sets = instance.permissionSets.status === 'ok' ? instance.permissionSets.data : [];
    expect(sets.find((s) => s.name === 'Admin')?.permissionsBoundary).toEqual({ managedPolicyArn: BOUNDARY, customerManagedPolicy: null });
    expect(sets.find((s) => s.name === 'RecordsRead')?.permissionsBoundary).toBeNull();
    expect(instance.awsManagedPolicyDocuments[BOUNDARY]?.status).toBe('ok');
  });

  it('moto itself cannot answer GetPermissionsBoundaryForPermissionSet: read without the proxy, the permission sets are an error, never "no boundary"', async () => {
    const config = { endpoint: moto.endpoint, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 1 };
    const ssoAdmin = new SSOAdminClient(config);
    const identityStore = new IdentitystoreClient(config);
    const iam = new IAMClient(config);
    try {
      const instance = onlyInstance(await collectIdentityCenter({ region: REGION, ssoAdminIn: () => ssoAdmin, identityStoreIn: () => identityStore, iam }));
      // moto answers an HTML error page with HTTP 500 (the action is not implemented).
      expect(instance.permissionSets).toMatchObject({ status: 'error', error: { message: expect.stringContaining('(HTTP 500)') } });
      expect(instance.identityStore.status).toBe('ok');
    } finally {
      for (const client of [ssoAdmin, identityStore, iam]) client.destroy();
    }
  });

  const SSO_ADMIN_PARTS = SOURCE_ACTIONS.identityCenter.filter((a) => a.startsWith('sso:') && a !== 'sso:ListInstances').map((a) => a.split(':')[1]!);
  const IDENTITY_STORE_PARTS = SOURCE_ACTIONS.identityCenter.filter((a) => a.startsWith('identitystore:')).map((a) => a.split(':')[1]!);

  it('denied ListInstances: the whole source is that error', async () => {
    await expect(collect([{ action: 'ListInstances', fault: 'denied' }])).rejects.toMatchObject({ name: 'AccessDeniedException', message: expect.stringContaining('sso:ListInstances') });
  });

  it.each(SSO_ADMIN_PARTS)('denied %s: the permission sets are an AccessDeniedException error, the identity store still read', async (action) => {
    const instance = onlyInstance(await collect([{ action, fault: 'denied' }]));
    expect(instance.permissionSets).toEqual({ status: 'error', error: { code: 'AccessDeniedException', message: expect.stringContaining(`sso:${action}`) } });
    expect(instance.identityStore.status).toBe('ok');
    // Without the sets, which AWS managed policies they use is unknown: none is read.
    expect(instance.awsManagedPolicyDocuments).toEqual({});
  });

  it.each(IDENTITY_STORE_PARTS)('denied %s: the identity store is an AccessDeniedException error, the permission sets still read', async (action) => {
    const instance = onlyInstance(await collect([{ action, fault: 'denied' }]));
    expect(instance.identityStore).toEqual({ status: 'error', error: { code: 'AccessDeniedException', message: expect.stringContaining(`identitystore:${action}`) } });
    expect(instance.permissionSets.status).toBe('ok');
  });

  it.each(['GetPolicy', 'GetPolicyVersion'])('denied iam:%s: each AWS managed policy document is an AccessDenied error, the rest still read', async (action) => {
    const instance = onlyInstance(await collect([{ action, fault: 'denied' }]));
    expect(Object.values(instance.awsManagedPolicyDocuments)).toEqual([
      { status: 'error', error: { code: 'AccessDenied', message: expect.stringContaining(`iam:${action}`) } },
      { status: 'error', error: { code: 'AccessDenied', message: expect.stringContaining(`iam:${action}`) } },
    ]);
    expect(instance.permissionSets.status).toBe('ok');
    expect(instance.identityStore.status).toBe('ok');
  });

  it('an empty answer (HTTP 200 without the list) to a paged call is MalformedAnswer, never an empty list', async () => {
    for (const action of ['ListPermissionSets', 'ListAccountAssignments', 'ListManagedPoliciesInPermissionSet']) {
      const instance = onlyInstance(await collect([{ action, fault: 'empty' }]));
      expect(instance.permissionSets, action).toMatchObject({ status: 'error', error: { code: 'MalformedAnswer' } });
    }
    for (const action of ['ListUsers', 'ListGroupMemberships']) {
      const instance = onlyInstance(await collect([{ action, fault: 'empty' }]));
      expect(instance.identityStore, action).toMatchObject({ status: 'error', error: { code: 'MalformedAnswer' } });
    }
    await expect(collect([{ action: 'ListInstances', fault: 'empty' }])).rejects.toMatchObject({ name: 'MalformedAnswer' });
  });

  it('throttling is retried: with a third of every call throttled, the source reads as without', async () => {
    const clean = await collect([]);
    const throttled = await collect([{ action: '*', fault: 'throttle', rate: 0.33 }], { maxAttempts: 8 });
    expect(proxy.requests.some((r) => r.outcome === 'throttle')).toBe(true);
    const stable = (data: IdentityCenterData) => JSON.stringify(data, (key, value: unknown) => (Array.isArray(value) ? [...value].map((v) => JSON.stringify(v)).sort() : value));
    expect(stable(throttled)).toBe(stable(clean));
  });

  it('collectLive reads it in --identity-center-region (identityCenterRegion) and counts its calls under identityCenter', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, moto.env, { AWS_ENDPOINT_URL: proxy.endpoint, AWS_MAX_ATTEMPTS: '1' });
    try {
      const clients = await createAwsClients({ region: 'eu-west-1' }, process.env);
      const snapshot = await collectLive({ clients, description: 'moto', regions: [REGION], identityCenterRegion: REGION, needed: { sources: ['identityCenter'], by: 'this test' } });
      const source = snapshot.sources.identityCenter;
      expect(source.status).toBe('ok');
      expect(source.status === 'ok' && source.data.region).toBe(REGION);
      expect(source.status === 'ok' && source.data.instances[0]?.instanceArn).toBe(seeded.instanceArn);
      const calls = snapshot.collection.calls.identityCenter;
      expect(calls?.operations).toMatchObject({ ListInstances: 1, ListPermissionSets: 1, DescribePermissionSet: 3, GetPermissionsBoundaryForPermissionSet: 3, ListAccountAssignments: 2, ListGroupMemberships: 2, GetPolicy: 2, GetPolicyVersion: 2 });
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });

  /** The built CLI, run without blocking: the fault proxy answers from this process, which spawnSync would freeze. */
  const cli = (args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stderr: string }> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [new URL('../../bin/hipaa-iam.js', import.meta.url).pathname, ...args], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stderr }));
    });

  it('the CLI: collect --save --identity-center-region reads the instance there, and run.json of its audit says what the reading cost', async () => {
    const dir = tempDir('moto-identity-center-cli');
    try {
      const file = join(dir, 'snapshot.json');
      // The collection region is eu-west-1, whose own (empty) instance moto also has: only the flag reaches the seeded one.
      const env = { ...moto.env, AWS_ENDPOINT_URL: proxy.endpoint, AWS_REGION: 'eu-west-1' };
      const collected = await cli(['collect', '--save', file, '--regions', REGION, '--identity-center-region', REGION], env);
      expect(collected.status, collected.stderr).toBe(0);
      const snapshot = JSON.parse(readFileSync(file, 'utf8')) as { sources: { identityCenter: { status: string; data?: IdentityCenterData } } };
      expect(snapshot.sources.identityCenter.status).toBe('ok');
      expect(snapshot.sources.identityCenter.data?.region).toBe(REGION);
      expect(snapshot.sources.identityCenter.data?.instances.map((i) => i.instanceArn)).toEqual([seeded.instanceArn]);

      const out = join(dir, 'out');
      await cli(['audit', '--snapshot', file, '--out', out]);
      const [runDir] = runFolders(out, ACCOUNT);
      const run = JSON.parse(readFileSync(join(runDir!, 'run.json'), 'utf8')) as { identityCenter?: unknown };
      expect(run.identityCenter).toEqual({
        region: REGION,
        instances: 1,
        permissionSets: 3,
        provisionedPairs: 2,
        groups: 2,
        // ListInstances 1, ListPermissionSets 1, 3 sets × 6 calls, 2 provisioned pairs' assignments, ListUsers, ListGroups, 2 groups' memberships, 2 policies × 2.
        calls: 1 + 1 + 3 * 6 + 2 + 1 + 1 + 2 + 4,
        note: expect.stringContaining('permission sets × the accounts'),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** A process run without blocking (the fault proxy answers from this process). */
  const spawned = (command: string, args: string[], env: Record<string, string>): Promise<{ status: number | null; stderr: string }> =>
    new Promise((resolve, reject) => {
      const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stderr }));
    });

  // The AWS CLI on this machine (the export test of test/live/moto-export-script.test.ts runs every one found).
  const awsCli = spawnSyncPath('aws');
  it.skipIf(awsCli === null)('examples/export-account.sh exports Identity Center with the AWS CLI, and --import reads it as live reads it', async () => {
    const dir = tempDir('moto-identity-center-export');
    try {
      const bin = join(dir, 'bin');
      const exportDir = join(dir, 'export');
      await spawned('mkdir', ['-p', bin], { PATH: process.env.PATH ?? '' });
      symlinkSync(awsCli!, join(bin, 'aws'));
      const env = { ...moto.env, AWS_ENDPOINT_URL: proxy.endpoint, PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: dir, AWS_CONFIG_FILE: '/nonexistent/hipaa-iam/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/hipaa-iam/credentials' };
      // An import names its account from the IAM ARNs it holds: the account needs one.
      const iam = new IAMClient({ endpoint: moto.endpoint, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
      await iam.send(new CreateUserCommand({ UserName: 'export-admin' })).finally(() => iam.destroy());
      const exported = await spawned('bash', [EXPORT_SCRIPT_PATH, exportDir, '--regions', REGION, '--identity-center-region', REGION], env);
      // moto has no Access Analyzer: that is the export's one failure.
      expect(exported.stderr).not.toMatch(/identity-center\//);
      expect(exported.status, exported.stderr).toBe(1);
      const instanceDir = join(exportDir, 'identity-center', REGION, seeded.instanceArn.split('/').pop()!);
      const files = readdirSync(instanceDir);
      // A set without a boundary keeps AWS's ResourceNotFoundException, which the import reads as "no boundary".
      expect(files.filter((f) => f.endsWith('.get-permissions-boundary-for-permission-set.json.error'))).toHaveLength(3);
      expect(files.filter((f) => f.endsWith('.list-account-assignments.json'))).toHaveLength(2);
      expect(files.filter((f) => f.endsWith('.list-group-memberships.json'))).toHaveLength(2);
      expect(readdirSync(join(exportDir, 'identity-center', 'aws-managed-policies')).sort()).toEqual(['AdministratorAccess.get-policy-version.json', 'AdministratorAccess.get-policy.json', 'ReadOnlyAccess.get-policy-version.json', 'ReadOnlyAccess.get-policy.json']);

      // moto's GeneratedTime is always 2015-02-02, before the users it reports were made: date the import now.
      writeFileSync(join(exportDir, 'credential-report-generated-time.txt'), `${new Date().toISOString()}\n`);
      const file = join(dir, 'imported.json');
      const collected = await cli(['collect', '--save', file, '--import', exportDir]);
      expect(collected.status, collected.stderr).toBe(0);
      const imported = (JSON.parse(readFileSync(file, 'utf8')) as { sources: { identityCenter: unknown } }).sources.identityCenter;
      const live = await collect([]);
      const stable = (data: unknown) => JSON.parse(JSON.stringify(data, (_key, value: unknown) => (Array.isArray(value) ? [...value].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))) : value))) as unknown;
      expect(stable(imported)).toEqual(stable({ status: 'ok', data: live }));

      // Without the Identity Center exports, the source is NotInImport, naming the command that makes them.
      rmSync(join(exportDir, 'identity-center'), { recursive: true });
      expect(existsSync(join(exportDir, 'identity-center'))).toBe(false);
      const without = await cli(['collect', '--save', file, '--import', exportDir]);
      expect(without.status, without.stderr).toBe(0);
      expect((JSON.parse(readFileSync(file, 'utf8')) as { sources: { identityCenter: unknown } }).sources.identityCenter).toEqual({
        status: 'error',
        error: { code: 'NotInImport', message: expect.stringContaining('make it with: aws sso-admin list-instances --region <region>') },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});

/** The path of a command on PATH, or null. */
function spawnSyncPath(name: string): string | null {
  for (const folder of (process.env.PATH ?? '').split(':')) {
    const path = join(folder, name);
    if (folder && existsSync(path)) return path;
  }
  return null;
}
