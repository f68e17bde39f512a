import { CloudTrailClient, CreateTrailCommand, PutEventSelectorsCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { CreateUserCommand, CreateVirtualMFADeviceCommand, EnableMFADeviceCommand, IAMClient } from '@aws-sdk/client-iam';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChecks } from '../../src/checks/engine.js';
import { ALL_CHECKS } from '../../src/checks/registry.js';
import { createAwsClients } from '../../src/collect/aws-clients.js';
import type { Timeouts } from '../../src/collect/live-settings.js';
import { collectLive } from '../../src/collect/live.js';
import { DEFAULT_SETTINGS } from '../../src/settings.js';
import type { Snapshot } from '../../src/snapshot/schema.js';
import { readFindings, runFolders, tempDir } from '../support/cli.js';
import { startFaultProxy, type FaultProxy, type FaultRule } from '../support/fault-proxy.js';
import { createBucket, motoInstalled, startMoto, type Moto } from '../support/moto.js';

const ACCOUNT = '123456789012';

/**
 * The fault-injection cases replayed: moto behind the project's fault proxy, each fault on one
 * API action. The account is the cases' own: root's MFA on (moto hard-codes it off, so the
 * proxy rewrites AccountMFAEnabled as the cases' harness did), a user with a virtual device and
 * a spare unassigned one named for root, the only multi-region trail logging data events only,
 * and an Access Analyzer (emulated: moto has none) with two external-access findings.
 */
describe.skipIf(!motoInstalled)('live path: empty and slow answers through a fault proxy make their sources ERROR, never PASS', () => {
  let moto: Moto;
  let proxy: FaultProxy;

  beforeAll(async () => {
    moto = await startMoto();
    const config = { endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
    const iam = new IAMClient(config);
    await iam.send(new CreateUserCommand({ UserName: 'bob.martinez' }));
    const bob = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'bob.martinez' }));
    await iam.send(new EnableMFADeviceCommand({ UserName: 'bob.martinez', SerialNumber: bob.VirtualMFADevice!.SerialNumber, AuthenticationCode1: '123456', AuthenticationCode2: '654321' }));
    await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'root-account-mfa-device' }));
    await createBucket(moto.endpoint, 'clinic-trail-logs', 'us-east-1');
    const trails = new CloudTrailClient(config);
    await trails.send(new CreateTrailCommand({ Name: 'clinic-trail', S3BucketName: 'clinic-trail-logs', IsMultiRegionTrail: true, EnableLogFileValidation: true }));
    await trails.send(new StartLoggingCommand({ Name: 'clinic-trail' }));
    await trails.send(new PutEventSelectorsCommand({ TrailName: 'clinic-trail', EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: false, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::clinic-phi/'] }] }] }));
    for (const client of [iam, trails]) client.destroy();
    proxy = await startFaultProxy({
      upstream: moto.endpoint,
      seed: 7,
      analyzer: {
        accountId: ACCOUNT,
        findings: [
          { id: 'f-1', resource: 'arn:aws:s3:::clinic-phi', resourceType: 'AWS::S3::Bucket' },
          { id: 'f-2', resource: `arn:aws:iam::${ACCOUNT}:role/open-trust-role`, resourceType: 'AWS::IAM::Role' },
        ],
      },
      rewrite: (action, body) => (action === 'GetAccountSummary' ? body.replace(/(<key>AccountMFAEnabled<\/key>\s*<value>)0(<\/value>)/, '$11$2') : body),
    });
  });
  afterAll(async () => {
    await proxy?.stop();
    await moto?.stop();
  });

  /** A live collection through the proxy with these faults, as `hipaa-iam collect` makes it (environment included). */
  const collect = async (rules: FaultRule[], extra: { timeouts?: Partial<Timeouts>; maxAttempts?: string } = {}): Promise<Snapshot> => {
    proxy.setRules(rules);
    const env = { ...moto.env, AWS_ENDPOINT_URL: proxy.endpoint, AWS_MAX_ATTEMPTS: extra.maxAttempts ?? moto.env.AWS_MAX_ATTEMPTS ?? '2' };
    const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
    Object.assign(process.env, env);
    try {
      return await collectLive({ clients: await createAwsClients({ region: 'us-east-1', timeouts: extra.timeouts }, process.env), description: 'fault proxy', regions: ['us-east-1'] });
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  };
  const verdicts = (snapshot: Snapshot, controlId: string) =>
    runChecks(ALL_CHECKS, snapshot, DEFAULT_SETTINGS, new Date(snapshot.collectedAt))
      .filter((f) => f.controlId === controlId)
      .map((f) => `${f.status} ${f.resourceName}`)
      .sort();

  it('a clean run through the proxy reads every faulted source, and its verdicts are the ones faults must not turn into PASS', async () => {
    const snapshot = await collect([]);

    expect(snapshot.sources.virtualMfaDevices).toMatchObject({ status: 'ok', data: { devices: expect.arrayContaining([expect.objectContaining({ userName: 'bob.martinez' })]) } });
    expect(snapshot.sources.accountSummary).toMatchObject({ status: 'ok', data: { summaryMap: { AccountMFAEnabled: 1, MFADevices: 2, MFADevicesInUse: 1 } } });
    expect(verdicts(snapshot, 'cloudtrail-multi-region')).toEqual([`FAIL ${ACCOUNT}`]);
    expect(verdicts(snapshot, 'access-analyzer-findings')).toEqual(['FAIL clinic-phi', 'FAIL open-trust-role']);
    expect(proxy.requests.filter((r) => r.outcome !== 'pass')).toEqual([]);
  });

  // empty-answer-virtual-mfa-devices: ListVirtualMFADevices answered 200 with nothing in it.
  it.each(['empty', 'empty0'] as const)('an answer "%s" to ListVirtualMFADevices is an error of that source, and root-hardware-mfa is ERROR', async (fault) => {
    const snapshot = await collect([{ action: 'ListVirtualMFADevices', fault }]);

    expect(snapshot.sources.virtualMfaDevices).toMatchObject({ status: 'error' });
    expect(verdicts(snapshot, 'root-hardware-mfa')).toEqual([`ERROR ${ACCOUNT}`]);
  });

  // empty-answer-event-selectors: GetEventSelectors answered 200 with {} (or nothing).
  it.each(['empty', 'empty0'] as const)('an answer "%s" to GetEventSelectors leaves what the trail logs unknown: cloudtrail-multi-region is ERROR', async (fault) => {
    const snapshot = await collect([{ action: 'GetEventSelectors', fault }]);

    const cloudTrail = snapshot.sources.cloudTrail;
    expect(cloudTrail.status === 'ok' && cloudTrail.data.trails.map((t) => [t.name, t.eventSelectors.status])).toEqual([['clinic-trail', 'error']]);
    expect(verdicts(snapshot, 'cloudtrail-multi-region')).toEqual([`ERROR ${ACCOUNT}`]);
  });

  it('names the missing fields when GetEventSelectors answers {}', async () => {
    const snapshot = await collect([{ action: 'GetEventSelectors', fault: 'empty' }]);

    const trail = snapshot.sources.cloudTrail.status === 'ok' ? snapshot.sources.cloudTrail.data.trails[0] : undefined;
    expect(trail?.eventSelectors).toEqual({
      status: 'error',
      error: { code: 'MalformedAnswer', message: expect.stringContaining('GetEventSelectors answered without EventSelectors or AdvancedEventSelectors') },
    });
  });

  // empty-answer-list-findings: ListFindingsV2 answered 200 with {} (or nothing).
  it.each(['empty', 'empty0'] as const)('an answer "%s" to ListFindingsV2 is not "no findings": access-analyzer-findings is ERROR', async (fault) => {
    const snapshot = await collect([{ action: 'ListFindingsV2', fault }]);

    expect(snapshot.sources.accessAnalyzer).toMatchObject({ status: 'error' });
    expect(verdicts(snapshot, 'access-analyzer-findings')).toEqual([`ERROR ${ACCOUNT}`]);
  });

  // no-request-timeout: GetAccountSummary held back far longer than the request timeout.
  it('a request held past the timeout is retried, then its source is ERROR, in bounded time', async () => {
    const before = proxy.requests.length;
    const started = Date.now();

    const snapshot = await collect([{ action: 'GetAccountSummary', fault: 'delay', delayMs: 60_000 }], { timeouts: { requestMs: 300 }, maxAttempts: '3' });

    expect(Date.now() - started).toBeLessThan(20_000);
    expect(snapshot.sources.accountSummary).toEqual({ status: 'error', error: { code: 'TimeoutError', message: expect.stringContaining('300 ms requestTimeout') } });
    expect(proxy.requests.slice(before).filter((r) => r.action === 'GetAccountSummary')).toHaveLength(3);
    expect(snapshot.collection.calls.accountSummary).toMatchObject({ calls: 1, attempts: 3 });
    expect(verdicts(snapshot, 'root-mfa')).toEqual([`ERROR ${ACCOUNT}`]);
    // The other sources were read meanwhile.
    expect(snapshot.sources.authorizationDetails.status).toBe('ok');
  }, 30_000);

  // no-request-timeout, as a cron job meets it: the command, its flag, its exit code.
  it('hipaa-iam audit --request-timeout 0.3 against an endpoint that holds GetAccountSummary exits 3 in bounded time, root-mfa ERROR', async () => {
    proxy.setRules([{ action: 'GetAccountSummary', fault: 'delay', delayMs: 120_000 }]);
    const out = tempDir('request-timeout');
    const started = Date.now();

    // Asynchronously: the proxy answers from this process, which a synchronous spawn would block.
    const status = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [new URL('../../bin/hipaa-iam.js', import.meta.url).pathname, 'audit', '--regions', 'us-east-1', '--request-timeout', '0.3', '--out', out, '--quiet'], {
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...moto.env, AWS_ENDPOINT_URL: proxy.endpoint },
        stdio: 'ignore',
      });
      child.on('exit', (code) => resolve(code));
    });

    expect(status).toBe(3);
    expect(Date.now() - started).toBeLessThan(45_000);
    const findings = readFindings(runFolders(out, ACCOUNT)[0]!).findings;
    expect(findings.filter((f) => f.controlId === 'root-mfa').map((f) => [f.status, f.message])).toEqual([['ERROR', expect.stringContaining('TimeoutError')]]);
  }, 60_000);
});
