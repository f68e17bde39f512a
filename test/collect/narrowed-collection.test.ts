import { ListInstancesCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { AccessAnalyzerClient, ListAnalyzersCommand } from '@aws-sdk/client-accessanalyzer';
import { CloudTrailClient, DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  GenerateCredentialReportCommand,
  GetAccountAuthorizationDetailsCommand,
  GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  IAMClient,
  ListOpenIDConnectProvidersCommand,
  ListRolesCommand,
  ListSAMLProvidersCommand,
  ListVirtualMFADevicesCommand,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import { AWSOrganizationsNotInUseException, DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_COMMANDS, commandSources } from '../../src/cli/commands.js';
import type { AwsClients } from '../../src/collect/aws-clients.js';
import { SOURCE_OF_OPERATION } from '../../src/collect/call-ledger.js';
import { collectLive } from '../../src/collect/live.js';
import { CREDENTIAL_REPORT_REQUIRED_COLUMNS, SOURCE_NAMES, type SourceName } from '../../src/snapshot/schema.js';

const ACCOUNT = '123456789012';
const CREDENTIALS = { accessKeyId: 'x', secretAccessKey: 'y' };
const ROOT_ROW: Record<string, string> = { user: '<root_account>', arn: `arn:aws:iam::${ACCOUNT}:root`, user_creation_time: '2020-01-01T00:00:00+00:00', password_enabled: 'not_supported', mfa_active: 'true' };
const CSV = [CREDENTIAL_REPORT_REQUIRED_COLUMNS.join(','), CREDENTIAL_REPORT_REQUIRED_COLUMNS.map((column) => ROOT_ROW[column] ?? 'N/A').join(',')].join('\n');

describe('collectLive reads only the sources a command needs', () => {
  const mocks = [mockClient(IAMClient), mockClient(STSClient), mockClient(OrganizationsClient), mockClient(EC2Client), mockClient(CloudTrailClient), mockClient(AccessAnalyzerClient), mockClient(SSOAdminClient), mockClient(IdentitystoreClient)] as const;
  const [iam, sts, organizations, ec2, cloudTrail, accessAnalyzer, ssoAdmin] = mocks;
  let clients: AwsClients;

  beforeEach(() => {
    for (const mock of mocks) mock.reset();
    clients = {
      iam: new IAMClient({ region: 'us-east-1', credentials: CREDENTIALS }),
      sts: new STSClient({ region: 'us-east-1', credentials: CREDENTIALS }),
      organizations: new OrganizationsClient({ region: 'us-east-1', credentials: CREDENTIALS }),
      ec2: new EC2Client({ region: 'us-east-1', credentials: CREDENTIALS }),
      cloudTrailIn: (region) => new CloudTrailClient({ region, credentials: CREDENTIALS }),
      accessAnalyzerIn: (region) => new AccessAnalyzerClient({ region, credentials: CREDENTIALS }),
      ssoAdminIn: (region) => new SSOAdminClient({ region, credentials: CREDENTIALS }),
      identityStoreIn: (region) => new IdentitystoreClient({ region, credentials: CREDENTIALS }),
      region: 'us-east-1',
    };
    // An empty account whose every answer is whole, so every source read is ok.
    sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/auditor`, UserId: 'AIDA' });
    iam.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
    iam.on(GetCredentialReportCommand).resolves({ Content: new TextEncoder().encode(CSV), GeneratedTime: new Date('2026-01-01T00:00:00Z') });
    iam.on(GetAccountAuthorizationDetailsCommand).resolves({ IsTruncated: false, UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] });
    iam.on(ListRolesCommand).resolves({ Roles: [] });
    iam.on(GetAccountSummaryCommand).resolves({ SummaryMap: { Users: 0, Groups: 0, Roles: 0, Policies: 0, MFADevices: 0, MFADevicesInUse: 0, AccountMFAEnabled: 1 } });
    iam.on(ListVirtualMFADevicesCommand).resolves({ VirtualMFADevices: [], IsTruncated: false });
    iam.on(GetAccountPasswordPolicyCommand).rejects(new NoSuchEntityException({ message: 'no policy', $metadata: {} }));
    iam.on(ListSAMLProvidersCommand).resolves({ SAMLProviderList: [] });
    iam.on(ListOpenIDConnectProvidersCommand).resolves({ OpenIDConnectProviderList: [] });
    cloudTrail.on(DescribeTrailsCommand).resolves({ trailList: [] });
    organizations.on(DescribeOrganizationCommand).rejects(new AWSOrganizationsNotInUseException({ message: 'not in an organization', $metadata: {} }));
    ec2.on(DescribeRegionsCommand).resolves({ Regions: [{ RegionName: 'us-east-1', OptInStatus: 'opt-in-not-required' }] });
    accessAnalyzer.on(ListAnalyzersCommand).resolves({ analyzers: [] });
    // No Identity Center instance in the region: a whole answer.
    ssoAdmin.on(ListInstancesCommand).resolves({ Instances: [] });
  });

  /** The sources whose APIs were called, by the operations each mock received. */
  const sourcesCalled = (): Set<SourceName> =>
    new Set(mocks.flatMap((mock) => mock.calls().map((call) => SOURCE_OF_OPERATION[(call.args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, '')]!)));

  for (const command of AUDIT_COMMANDS) {
    it(`${command.name}: calls the APIs of exactly the sources it needs; records the others as not needed`, async () => {
      const needed = commandSources(command);
      const snapshot = await collectLive({ clients, description: 'unit test', needed: { sources: needed, by: `${command.name}'s controls` }, credentialReportTiming: { sleep: async () => {}, deadlineMs: 1000, firstDelayMs: 1, maxDelayMs: 1 } });
      expect(sourcesCalled()).toEqual(new Set(needed));
      for (const name of SOURCE_NAMES) {
        const source = snapshot.sources[name];
        if (needed.includes(name)) expect(source.status, name).toBe('ok');
        else expect(source).toEqual({ status: 'error', error: { code: 'NotCollected', message: `not needed by ${command.name}'s controls` } });
      }
    });
  }

  it('without a list (collect --save), every source is read', async () => {
    const snapshot = await collectLive({ clients, description: 'unit test', credentialReportTiming: { sleep: async () => {}, deadlineMs: 1000, firstDelayMs: 1, maxDelayMs: 1 } });
    expect(sourcesCalled()).toEqual(new Set(SOURCE_NAMES));
    expect(SOURCE_NAMES.filter((name) => snapshot.sources[name].status !== 'ok')).toEqual([]);
  });
});
