import { AccessAnalyzerClient, CreateAnalyzerCommand, ListAnalyzersCommand, ListFindingsV2Command, type AnalyzerSummary } from '@aws-sdk/client-accessanalyzer';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient, IAMServiceException } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runAuditCommand, type AuditCommandFlags } from '../../src/cli/audit-command.js';
import { REMEDIATION } from '../../src/cli/remediation.js';
import { checksForGroup } from '../../src/checks/registry.js';
import { readFindings, runFolders, tempDir, verdicts } from '../support/cli.js';

/*
 * `analyzer --enable --apply` end to end in-process, on aws-sdk-client-mock: moto has no IAM
 * Access Analyzer, so this is where the live path from plan to change to evidence is shown.
 */
const ACCOUNT = '123456789012';
const REGIONS = ['us-east-1', 'eu-west-1'];
const mocks = {
  sts: mockClient(STSClient),
  ec2: mockClient(EC2Client),
  analyzer: mockClient(AccessAnalyzerClient),
  iam: mockClient(IAMClient),
  cloudTrail: mockClient(CloudTrailClient),
  organizations: mockClient(OrganizationsClient),
};
const regionOf = async (getClient: () => { config: { region: unknown } }) => ((await (getClient().config.region as () => Promise<string>)()) as string);
const active = (region: string, name: string): AnalyzerSummary => ({ arn: `arn:aws:access-analyzer:${region}:${ACCOUNT}:analyzer/${name}`, name, type: 'ACCOUNT', status: 'ACTIVE', createdAt: new Date(), tags: {} });

/** The account's analyzers per region, as the mocked service holds them; CreateAnalyzer adds to it. */
let analyzers: Record<string, AnalyzerSummary[]>;

beforeEach(() => {
  for (const mock of Object.values(mocks)) mock.reset();
  analyzers = { 'us-east-1': [active('us-east-1', 'clinic-analyzer')], 'eu-west-1': [] };
  mocks.sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/secops`, UserId: 'AIDASECOPS' });
  mocks.ec2.on(DescribeRegionsCommand).resolves({ Regions: REGIONS.map((RegionName) => ({ RegionName, OptInStatus: 'opt-in-not-required' })) });
  mocks.analyzer.on(ListAnalyzersCommand).callsFake(async (_input, getClient) => ({ analyzers: analyzers[await regionOf(getClient)] ?? [] }));
  mocks.analyzer.on(ListFindingsV2Command).resolves({ findings: [] });
  // The analyzer commands judge nothing else; every other source is refused quickly.
  const denied = new IAMServiceException({ name: 'AccessDenied', $fault: 'client', message: 'not needed here', $metadata: { httpStatusCode: 403 } });
  mocks.iam.onAnyCommand().rejects(denied);
  mocks.cloudTrail.onAnyCommand().rejects(denied);
  mocks.organizations.onAnyCommand().rejects(denied);
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

const flags = (out: string): AuditCommandFlags => ({ out, failOn: 'low', enable: true, apply: true, region: 'us-east-1' });
const logOf = (runDir: string) => parse(readFileSync(join(runDir, 'remediation-log.csv'), 'utf8'), { columns: true }) as Record<string, string>[];

describe('analyzer --enable --apply', () => {
  it('creates the analyzer only where none is active, reads the account again, and records it passing', async () => {
    mocks.analyzer.on(CreateAnalyzerCommand).callsFake(async (input, getClient) => {
      const region = await regionOf(getClient);
      analyzers[region]!.push(active(region, input.analyzerName));
      return { arn: active(region, input.analyzerName).arn };
    });
    const out = tempDir('analyzer-apply');
    const exit = await runAuditCommand('analyzer', checksForGroup('analyzer'), flags(out), REMEDIATION.analyzer);

    expect(mocks.analyzer.commandCalls(CreateAnalyzerCommand).map((c) => c.args[0].input)).toEqual([{ analyzerName: 'account-access-analyzer', type: 'ACCOUNT' }]);
    const [runDir] = runFolders(out, ACCOUNT);
    expect(logOf(runDir!).map((r) => [r.action, r.target, r.before, r.result])).toEqual([
      ['access-analyzer:CreateAnalyzer', `arn:aws:access-analyzer:eu-west-1:${ACCOUNT}:analyzer/account-access-analyzer`, 'no analyzer', 'applied'],
    ]);
    expect(verdicts(readFindings(runDir!).findings)).toMatchObject({ 'access-analyzer-enabled us-east-1': 'PASS', 'access-analyzer-enabled eu-west-1': 'PASS' });
    expect(JSON.parse(readFileSync(join(runDir!, 'run.json'), 'utf8')).remediation).toMatchObject({ mode: 'apply', planned: 1, applied: 1, failed: 0 });
    expect(exit).toBe(0);
  });

  it('a refusal is logged with its reason, the evidence shows the region still failing, and the exit code is 3', async () => {
    mocks.analyzer.on(CreateAnalyzerCommand).rejects(Object.assign(new Error('User is not authorized to perform: access-analyzer:CreateAnalyzer'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }));
    const out = tempDir('analyzer-denied');
    const exit = await runAuditCommand('analyzer', checksForGroup('analyzer'), flags(out), REMEDIATION.analyzer);
    const [runDir] = runFolders(out, ACCOUNT);
    expect(logOf(runDir!)[0]!.result).toBe('failed: AccessDeniedException: User is not authorized to perform: access-analyzer:CreateAnalyzer (HTTP 403)');
    expect(verdicts(readFindings(runDir!).findings)['access-analyzer-enabled eu-west-1']).toBe('FAIL');
    expect(exit).toBe(3);
  });
});
