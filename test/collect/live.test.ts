import {
  GenerateCredentialReportCommand,
  GetAccountAuthorizationDetailsCommand,
  GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  IAMClient,
  IAMServiceException,
  ListOpenIDConnectProvidersCommand,
  ListRolesCommand,
  ListSAMLProvidersCommand,
  ListVirtualMFADevicesCommand,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { ListInstancesCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { AccessAnalyzerClient, ListAnalyzersCommand } from '@aws-sdk/client-accessanalyzer';
import { CloudTrailClient, DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { AWSOrganizationsNotInUseException, DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../src/collect/aws-clients.js';
import { collectLive, sourceError } from '../../src/collect/live.js';
import { CollectionError } from '../../src/errors.js';
import { snapshotSchema, type Snapshot } from '../../src/snapshot/schema.js';
import { resolveAccountId, UNKNOWN_ACCOUNT } from '../../src/snapshot/build.js';

const ACCOUNT = '123456789012';
const CREDENTIALS = { accessKeyId: 'x', secretAccessKey: 'y' };
const FIXED_NOW = new Date('2024-07-01T00:00:00.000Z');

const CSV = [
  'user,arn,user_creation_time,password_enabled,password_last_used,mfa_active,access_key_1_active,access_key_2_active',
  `<root_account>,arn:aws:iam::${ACCOUNT}:root,2020-01-01T00:00:00+00:00,not_supported,N/A,true,false,false`,
  `alice,arn:aws:iam::${ACCOUNT}:user/alice,2021-01-01T00:00:00+00:00,true,N/A,true,false,false`,
].join('\n');

const SUMMARY_MAP = { Users: 1, Groups: 1, Roles: 1, Policies: 1, MFADevices: 2, MFADevicesInUse: 2, AccountMFAEnabled: 1 };

const encode = (doc: unknown) => encodeURIComponent(JSON.stringify(doc));

const ALICE_INLINE = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::phi-bucket/*' }],
};
const TRUST = {
  Version: '2012-10-17',
  Statement: { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
};
const MANAGED_DOC = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'All', Effect: 'Allow', Action: '*', Resource: '*' }],
};

const PAGE_1 = {
  IsTruncated: true,
  Marker: 'page-2-marker',
  UserDetailList: [
    {
      UserName: 'alice',
      UserId: 'AIDAALICE',
      Arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
      Path: '/',
      CreateDate: new Date('2021-01-01T00:00:00.000Z'),
      GroupList: ['admins'],
      UserPolicyList: [{ PolicyName: 'read-phi', PolicyDocument: encode(ALICE_INLINE) }],
      AttachedManagedPolicies: [],
      Tags: [],
    },
  ],
  GroupDetailList: [],
  RoleDetailList: [],
  Policies: [],
};

const PAGE_2 = {
  IsTruncated: false,
  UserDetailList: [],
  GroupDetailList: [
    {
      GroupName: 'admins',
      GroupId: 'AGPAADMINS',
      Arn: `arn:aws:iam::${ACCOUNT}:group/admins`,
      Path: '/',
      CreateDate: new Date('2021-01-02T00:00:00.000Z'),
      GroupPolicyList: [],
      AttachedManagedPolicies: [{ PolicyName: 'everything', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/everything` }],
    },
  ],
  RoleDetailList: [
    {
      RoleName: 'app',
      RoleId: 'AROAAPP',
      Arn: `arn:aws:iam::${ACCOUNT}:role/app`,
      Path: '/',
      CreateDate: new Date('2021-01-03T00:00:00.000Z'),
      AssumeRolePolicyDocument: encode(TRUST),
      RolePolicyList: [],
      AttachedManagedPolicies: [],
      RoleLastUsed: {},
      Tags: [],
    },
  ],
  Policies: [
    {
      PolicyName: 'everything',
      PolicyId: 'ANPAEVERYTHING',
      Arn: `arn:aws:iam::${ACCOUNT}:policy/everything`,
      Path: '/',
      DefaultVersionId: 'v2',
      AttachmentCount: 1,
      PermissionsBoundaryUsageCount: 0,
      IsAttachable: true,
      PolicyVersionList: [
        { VersionId: 'v1', IsDefaultVersion: false, Document: encode({ Version: '2012-10-17', Statement: [] }) },
        { VersionId: 'v2', IsDefaultVersion: true, Document: encode(MANAGED_DOC) },
      ],
    },
  ],
};

// The secret a virtual MFA device is seeded with, as AWS would return it on the wire.
const SEED_TEXT = 'JBSWY3DPEHPK3PXPSECRETSEED7777';
const QR_TEXT = 'PNGQRCODESECRETPAYLOAD';
const SEED = new TextEncoder().encode(SEED_TEXT);
const QR = new TextEncoder().encode(QR_TEXT);

function accessDenied(action: string) {
  return new IAMServiceException({
    name: 'AccessDenied',
    $fault: 'client',
    message: `User: arn:aws:iam::${ACCOUNT}:user/auditor is not authorized to perform: ${action}`,
    $metadata: { httpStatusCode: 403 },
  });
}

describe('collectLive', () => {
  const iamMock = mockClient(IAMClient);
  const stsMock = mockClient(STSClient);
  const organizationsMock = mockClient(OrganizationsClient);
  const ec2Mock = mockClient(EC2Client);
  const cloudTrailMock = mockClient(CloudTrailClient);
  const accessAnalyzerMock = mockClient(AccessAnalyzerClient);
  const ssoAdminMock = mockClient(SSOAdminClient);
  let clients: AwsClients;

  const collect = (): Promise<Snapshot> =>
    collectLive({
      clients,
      description: 'unit test',
      now: () => FIXED_NOW,
      credentialReportTiming: { sleep: async () => {}, deadlineMs: 10_000, firstDelayMs: 1, maxDelayMs: 4 },
    });

  beforeEach(() => {
    for (const mock of [iamMock, stsMock, organizationsMock, ec2Mock, cloudTrailMock, accessAnalyzerMock, ssoAdminMock]) mock.reset();
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
    // A healthy account; each test overrides what it is about.
    stsMock.on(GetCallerIdentityCommand).resolves({
      Account: ACCOUNT,
      Arn: `arn:aws:iam::${ACCOUNT}:user/auditor`,
      UserId: 'AIDAAUDITOR',
    });
    iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
    iamMock
      .on(GetCredentialReportCommand)
      .resolves({ Content: new TextEncoder().encode(CSV), GeneratedTime: new Date('2024-06-30T23:00:00.000Z') });
    iamMock.on(GetAccountAuthorizationDetailsCommand).resolvesOnce(PAGE_1).resolvesOnce(PAGE_2);
    // Counts that agree with the pages above (two MFA devices in use, neither virtual: root's and alice's).
    iamMock.on(GetAccountSummaryCommand).resolves({ SummaryMap: SUMMARY_MAP });
    iamMock.on(ListVirtualMFADevicesCommand).resolves({ VirtualMFADevices: [], IsTruncated: false });
    iamMock.on(GetAccountPasswordPolicyCommand).resolves({
      PasswordPolicy: {
        MinimumPasswordLength: 14,
        RequireSymbols: true,
        RequireNumbers: true,
        RequireUppercaseCharacters: true,
        RequireLowercaseCharacters: false,
        AllowUsersToChangePassword: true,
        ExpirePasswords: true,
        MaxPasswordAge: 90,
        PasswordReusePrevention: 24,
        HardExpiry: false,
      },
    });
    // The sources beyond IAM, at their plainest; test/collect/sources.test.ts is about them.
    iamMock.on(ListSAMLProvidersCommand).resolves({ SAMLProviderList: [] });
    iamMock.on(ListOpenIDConnectProvidersCommand).resolves({ OpenIDConnectProviderList: [] });
    iamMock.on(ListRolesCommand).resolves({ Roles: [{ RoleName: 'app', Arn: `arn:aws:iam::${ACCOUNT}:role/app`, RoleId: 'AROAAPP', Path: '/', CreateDate: new Date(), MaxSessionDuration: 7200 }] });
    cloudTrailMock.on(DescribeTrailsCommand).resolves({ trailList: [] });
    organizationsMock.on(DescribeOrganizationCommand).rejects(new AWSOrganizationsNotInUseException({ message: 'not in an organization', $metadata: {} }));
    ec2Mock.on(DescribeRegionsCommand).resolves({ Regions: [{ RegionName: 'us-east-1', OptInStatus: 'opt-in-not-required' }] });
    accessAnalyzerMock.on(ListAnalyzersCommand).resolves({ analyzers: [] });
    // No Identity Center instance in the region (collectIdentityCenter's own tests read one).
    ssoAdminMock.on(ListInstancesCommand).resolves({ Instances: [] });
  });

  afterEach(() => {
    clients.iam.destroy();
    clients.sts.destroy();
    clients.organizations.destroy();
    clients.ec2.destroy();
  });

  it('collects every source into a snapshot that passes the schema', async () => {
    const snapshot = await collect();

    expect(snapshotSchema.safeParse(snapshot).success).toBe(true);
    expect(snapshot.accountId).toBe(ACCOUNT);
    expect(snapshot.collectedAt).toBe('2024-07-01T00:00:00.000Z');
    expect(snapshot.origin).toEqual({ kind: 'live', description: 'unit test' });
    const statuses = Object.fromEntries(Object.entries(snapshot.sources).map(([name, r]) => [name, r.status]));
    expect(statuses).toEqual({
      callerIdentity: 'ok',
      credentialReport: 'ok',
      authorizationDetails: 'ok',
      accountSummary: 'ok',
      virtualMfaDevices: 'ok',
      passwordPolicy: 'ok',
      identityProviders: 'ok',
      cloudTrail: 'ok',
      organizations: 'ok',
      accessAnalyzer: 'ok',
      identityCenter: 'ok',
    });
    expect(snapshot.sources.identityCenter).toEqual({ status: 'ok', data: { region: 'us-east-1', instances: [] } });
    expect(snapshot.sources.callerIdentity).toEqual({
      status: 'ok',
      data: { account: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/auditor`, userId: 'AIDAAUDITOR' },
    });
    expect(snapshot.sources.accountSummary).toEqual({
      status: 'ok',
      data: { summaryMap: SUMMARY_MAP },
    });
    const report = snapshot.sources.credentialReport;
    expect(report.status === 'ok' && report.data.generatedAt).toBe('2024-06-30T23:00:00.000Z');
    expect(report.status === 'ok' && report.data.rows.map((r) => r.user)).toEqual(['<root_account>', 'alice']);
    expect(snapshot.sources.passwordPolicy).toEqual({
      status: 'ok',
      data: {
        policy: {
          minimumPasswordLength: 14,
          requireSymbols: true,
          requireNumbers: true,
          requireUppercaseCharacters: true,
          requireLowercaseCharacters: false,
          allowUsersToChangePassword: true,
          expirePasswords: true,
          maxPasswordAge: 90,
          passwordReusePrevention: 24,
          hardExpiry: false,
        },
      },
    });
  });

  it('cannot tell the account when the caller identity and the ARNs in other sources name different ones', async () => {
    stsMock.on(GetCallerIdentityCommand).resolves({
      Account: '999988887777',
      Arn: 'arn:aws:sts::999988887777:assumed-role/audit/session',
      UserId: 'AROAAUDIT:session',
    });

    const snapshot = await collect();

    // Every ARN in the IAM sources names 123456789012: filing them under the caller's account
    // would misfile the evidence, so the account is unknown and obtainSnapshot refuses the run.
    expect(snapshot.accountId).toBe(UNKNOWN_ACCOUNT);
    expect(resolveAccountId(snapshot.sources)).toEqual({ problem: expect.stringMatching(/^the sources name 2 accounts: "999988887777" \(STS GetCallerIdentity\), "123456789012" \(the authorization details, the credential report/) });
  });

  it('falls back to an ARN for the account id when GetCallerIdentity is denied (not a credentials problem)', async () => {
    stsMock.on(GetCallerIdentityCommand).rejects(
      new STSServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        message: 'not authorized to perform: sts:GetCallerIdentity',
        $metadata: { httpStatusCode: 403 },
      }),
    );

    const snapshot = await collect();

    expect(snapshot.sources.callerIdentity).toEqual({
      status: 'error',
      error: { code: 'AccessDenied', message: 'not authorized to perform: sts:GetCallerIdentity (HTTP 403)' },
    });
    expect(snapshot.accountId).toBe(ACCOUNT);
    expect(snapshot.sources.authorizationDetails.status).toBe('ok');
  });

  it('records NoSuchEntity on GetAccountPasswordPolicy as "no policy", a fact and not an error', async () => {
    iamMock.on(GetAccountPasswordPolicyCommand).rejects(
      new NoSuchEntityException({
        message: `The Password Policy with domain name ${ACCOUNT} cannot be found.`,
        $metadata: { httpStatusCode: 404 },
      }),
    );

    const snapshot = await collect();

    expect(snapshot.sources.passwordPolicy).toEqual({ status: 'ok', data: { policy: null } });
  });

  it('records AccessDenied on GetAccountPassword policy as an error for that source', async () => {
    iamMock.on(GetAccountPasswordPolicyCommand).rejects(accessDenied('iam:GetAccountPasswordPolicy'));

    const snapshot = await collect();

    expect(snapshot.sources.passwordPolicy.status).toBe('error');
    expect(snapshot.sources.passwordPolicy.status === 'error' && snapshot.sources.passwordPolicy.error.code).toBe('AccessDenied');
  });

  it('records AccessDenied on GetAccountSummary against that source while the others stay ok', async () => {
    iamMock.on(GetAccountSummaryCommand).rejects(accessDenied('iam:GetAccountSummary'));

    const snapshot = await collect();

    expect(snapshot.sources.accountSummary).toEqual({
      status: 'error',
      error: {
        code: 'AccessDenied',
        message: `User: arn:aws:iam::${ACCOUNT}:user/auditor is not authorized to perform: iam:GetAccountSummary (HTTP 403)`,
      },
    });
    for (const name of ['callerIdentity', 'credentialReport', 'authorizationDetails', 'virtualMfaDevices', 'passwordPolicy'] as const) {
      expect(snapshot.sources[name].status, name).toBe('ok');
    }
    expect(snapshotSchema.safeParse(snapshot).success).toBe(true);
  });

  it('keeps virtual MFA devices but never their Base32StringSeed or QRCodePNG', async () => {
    iamMock.on(ListVirtualMFADevicesCommand).resolves({
      IsTruncated: false,
      VirtualMFADevices: [
        {
          SerialNumber: `arn:aws:iam::${ACCOUNT}:mfa/alice`,
          Base32StringSeed: SEED,
          QRCodePNG: QR,
          User: {
            UserName: 'alice',
            Arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
            UserId: 'AIDAALICE',
            Path: '/',
            CreateDate: new Date('2021-01-01T00:00:00.000Z'),
          },
          EnableDate: new Date('2022-02-02T00:00:00.000Z'),
        },
        { SerialNumber: `arn:aws:iam::${ACCOUNT}:mfa/unassigned`, Base32StringSeed: SEED, QRCodePNG: QR },
      ],
    });

    const snapshot = await collect();

    expect(snapshot.sources.virtualMfaDevices).toEqual({
      status: 'ok',
      data: {
        devices: [
          {
            serialNumber: `arn:aws:iam::${ACCOUNT}:mfa/alice`,
            userArn: `arn:aws:iam::${ACCOUNT}:user/alice`,
            userName: 'alice',
            enableDate: '2022-02-02T00:00:00.000Z',
          },
          { serialNumber: `arn:aws:iam::${ACCOUNT}:mfa/unassigned`, userArn: null, userName: null, enableDate: null },
        ],
      },
    });
    // Asks for assigned and unassigned devices alike.
    expect(iamMock.commandCalls(ListVirtualMFADevicesCommand)[0]?.args[0].input).toMatchObject({ AssignmentStatus: 'Any' });
    const json = JSON.stringify(snapshot);
    for (const secret of [
      SEED_TEXT,
      QR_TEXT,
      Buffer.from(SEED).toString('base64'),
      Buffer.from(QR).toString('base64'),
      // How a kept Uint8Array or Buffer would serialize: its bytes as numbers.
      Array.from(SEED).join(','),
      Array.from(QR).join(','),
      JSON.stringify(SEED).slice(1, 30),
      'Base32StringSeed',
      'QRCodePNG',
    ]) {
      expect(json).not.toContain(secret);
    }
  });

  it('reads every page of GetAccountAuthorizationDetails and decodes URL-encoded documents', async () => {
    // The SDK paginator mutates one input object between pages, so record each request as it is sent.
    const requests: { Marker?: string; MaxItems?: number; Filter?: string[] }[] = [];
    iamMock.on(GetAccountAuthorizationDetailsCommand).callsFake((input: { Marker?: string; MaxItems?: number; Filter?: string[] }) => {
      requests.push({ ...input, Filter: [...(input.Filter ?? [])] });
      if (input.Marker === undefined) return PAGE_1;
      if (input.Marker === 'page-2-marker') return PAGE_2;
      throw new Error(`unexpected marker ${input.Marker}`);
    });

    const snapshot = await collect();

    expect(requests.map((r) => r.Marker)).toEqual([undefined, 'page-2-marker']);
    expect(requests[0]?.MaxItems).toBe(1000);
    expect(requests[0]?.Filter).toEqual(['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy']);

    const details = snapshot.sources.authorizationDetails;
    if (details.status !== 'ok') throw new Error(`authorizationDetails failed: ${JSON.stringify(details.error)}`);
    // Page 1 held the user, page 2 the group, role and policy.
    expect(details.data.users.map((u) => u.name)).toEqual(['alice']);
    expect(details.data.groups.map((g) => g.name)).toEqual(['admins']);
    expect(details.data.roles.map((r) => r.name)).toEqual(['app']);
    expect(details.data.policies.map((p) => p.arn)).toEqual([`arn:aws:iam::${ACCOUNT}:policy/everything`]);

    expect(details.data.users[0]?.inlinePolicies).toEqual([{ name: 'read-phi', document: ALICE_INLINE }]);
    expect(details.data.users[0]?.createDate).toBe('2021-01-01T00:00:00.000Z');
    expect(details.data.users[0]?.groups).toEqual(['admins']);
    expect(details.data.roles[0]?.assumeRolePolicy).toEqual(TRUST);
    expect(details.data.roles[0]?.maxSessionDuration).toBe(7200);
    expect(details.data.roles[0]?.lastUsed).toBeNull();
    expect(details.data.policies[0]).toMatchObject({ awsManaged: false, defaultVersionId: 'v2', document: MANAGED_DOC });
  });

  it('takes roles\' maximum session durations from ListRoles, which authorization details omit', async () => {
    const snapshot = await collect();
    const details = snapshot.sources.authorizationDetails;
    if (details.status !== 'ok') throw new Error('authorization details not collected');
    expect(details.data.roles.map((r) => [r.name, r.maxSessionDuration])).toEqual([['app', 7200]]);
  });

  it('keeps the authorization details when ListRoles is denied, and says why session limits are missing', async () => {
    iamMock.on(ListRolesCommand).rejects(accessDenied('iam:ListRoles'));
    const details = (await collect()).sources.authorizationDetails;
    if (details.status !== 'ok') throw new Error('authorization details not collected');
    expect(details.data.roles.map((r) => r.maxSessionDuration)).toEqual([null]);
    expect(details.data.roleSessionLimitsError).toMatch(/^iam:ListRoles: AccessDenied/);
  });

  // A 200 answer without a field AWS always returns (an empty list comes as an empty list) is incomplete.
  it.each<[string, () => void, string, RegExp]>([
    ['GetCallerIdentity without Account', () => stsMock.on(GetCallerIdentityCommand).resolves({ Arn: `arn:aws:iam::${ACCOUNT}:user/auditor` }), 'callerIdentity', /GetCallerIdentity answered without Account/],
    ['GetAccountSummary without SummaryMap', () => iamMock.on(GetAccountSummaryCommand).resolves({}), 'accountSummary', /GetAccountSummary answered without SummaryMap/],
    ['GetAccountSummary without the counts read', () => iamMock.on(GetAccountSummaryCommand).resolves({ SummaryMap: { AccountMFAEnabled: 1 } }), 'accountSummary', /answered without Users, Groups, Roles, Policies, MFADevices, MFADevicesInUse in its SummaryMap/],
    ['ListVirtualMFADevices without VirtualMFADevices', () => iamMock.on(ListVirtualMFADevicesCommand).resolves({ IsTruncated: false }), 'virtualMfaDevices', /ListVirtualMFADevices answered without VirtualMFADevices/],
    ['a page of GetAccountAuthorizationDetails without RoleDetailList', () => iamMock.on(GetAccountAuthorizationDetailsCommand).resolves({ ...PAGE_2, RoleDetailList: undefined }), 'authorizationDetails', /GetAccountAuthorizationDetails answered without RoleDetailList/],
    ['GetAccountPasswordPolicy without PasswordPolicy', () => iamMock.on(GetAccountPasswordPolicyCommand).resolves({}), 'passwordPolicy', /GetAccountPasswordPolicy answered without PasswordPolicy/],
    ['DescribeTrails without trailList', () => cloudTrailMock.on(DescribeTrailsCommand).resolves({}), 'cloudTrail', /DescribeTrails answered without trailList/],
    ['ListAnalyzers without analyzers', () => accessAnalyzerMock.on(ListAnalyzersCommand).resolves({}), 'accessAnalyzer', /ListAnalyzers answered without analyzers/],
    ['GetCredentialReport without Content', () => iamMock.on(GetCredentialReportCommand).resolves({ GeneratedTime: new Date() }), 'credentialReport', /GetCredentialReport answered without Content/],
  ])('records %s as that source\'s MalformedAnswer error, never as "none"', async (_label, answer, source, message) => {
    answer();

    const snapshot = await collect();

    expect(snapshot.sources[source as keyof Snapshot['sources']]).toEqual({ status: 'error', error: { code: 'MalformedAnswer', message: expect.stringMatching(message) } });
  });

  it('keeps the authorization details when ListRoles answers without Roles, and says why session limits are missing', async () => {
    iamMock.on(ListRolesCommand).resolves({ IsTruncated: false });

    const details = (await collect()).sources.authorizationDetails;

    expect(details.status === 'ok' && details.data.roleSessionLimitsError).toMatch(/^iam:ListRoles: MalformedAnswer: ListRoles answered without Roles/);
  });

  it('records an undecodable policy document as an authorizationDetails error, not a crash', async () => {
    iamMock.reset();
    stsMock.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: 'arn', UserId: 'id' });
    iamMock.on(GenerateCredentialReportCommand).resolves({});
    iamMock.on(GetCredentialReportCommand).resolves({ Content: new TextEncoder().encode(CSV) });
    iamMock.on(GetAccountSummaryCommand).resolves({ SummaryMap: { ...SUMMARY_MAP, Groups: 0, Roles: 0, Policies: 0 } });
    iamMock.on(ListVirtualMFADevicesCommand).resolves({ VirtualMFADevices: [] });
    // No password policy set: AWS answers NoSuchEntity (a 200 without the policy would be an incomplete answer).
    iamMock.on(GetAccountPasswordPolicyCommand).rejects(new NoSuchEntityException({ message: 'The Password Policy with domain name 123456789012 cannot be found.', $metadata: { httpStatusCode: 404 } }));
    iamMock.on(GetAccountAuthorizationDetailsCommand).resolves({
      IsTruncated: false,
      UserDetailList: [{ UserName: 'mallory', UserPolicyList: [{ PolicyName: 'broken', PolicyDocument: '%7Bnot-json' }] }],
      GroupDetailList: [],
      RoleDetailList: [],
      Policies: [],
    });

    const snapshot = await collect();

    expect(snapshot.sources.authorizationDetails).toMatchObject({
      status: 'error',
      error: { code: 'AuthorizationDetailsError', message: expect.stringContaining('inline policy broken of user mallory') },
    });
    expect(snapshot.sources.passwordPolicy).toEqual({ status: 'ok', data: { policy: null } });
  });

  it.each([
    ['an Error named CredentialsProviderError', Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' })],
    ['an Error named ProviderError', Object.assign(new Error('Profile audit could not be found'), { name: 'ProviderError' })],
  ])('rejects with CollectionError when GetCallerIdentity fails with %s', async (_label, error) => {
    stsMock.on(GetCallerIdentityCommand).rejects(error);

    const result = collect();

    await expect(result).rejects.toBeInstanceOf(CollectionError);
    await expect(result).rejects.toMatchObject({ exitCode: 3, message: `no usable AWS credentials for unit test: ${error.message}` });
    // Nothing else is attempted without credentials.
    expect(iamMock.calls()).toHaveLength(0);
  });
});

describe('sourceError', () => {
  it.each([
    [
      'an SDK error with an HTTP status',
      Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } }),
      { code: 'Throttling', message: 'Rate exceeded (HTTP 400)' },
    ],
    [
      'an error whose message already names the status',
      Object.assign(new Error('Service returned 503'), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } }),
      { code: 'ServiceUnavailable', message: 'Service returned 503' },
    ],
    ['a plain Error, first line only', new Error('first line\nsecond line'), { code: 'Error', message: 'first line' }],
    ['an object with Code', Object.assign(new Error('denied'), { Code: 'AccessDenied' }), { code: 'AccessDenied', message: 'denied' }],
    ['an empty message', new Error(''), { code: 'Error', message: 'no message' }],
  ])('maps %s', (_label, error, expected) => {
    expect(sourceError(error)).toEqual(expected);
  });
});
