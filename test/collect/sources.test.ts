import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import {
  AccessAnalyzerClient,
  AccessAnalyzerServiceException,
  ListAnalyzersCommand,
  ListFindingsV2Command,
  type ListFindingsV2CommandInput,
} from '@aws-sdk/client-accessanalyzer';
import {
  CloudTrailClient,
  CloudTrailServiceException,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
} from '@aws-sdk/client-cloudtrail';
import { DescribeRegionsCommand, EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import {
  GenerateCredentialReportCommand,
  GetAccountAuthorizationDetailsCommand,
  GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  IAMClient,
  IAMServiceException,
  ListOpenIDConnectProvidersCommand,
  ListSAMLProvidersCommand,
  ListVirtualMFADevicesCommand,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import {
  AccessDeniedException,
  AWSOrganizationsNotInUseException,
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  ListPoliciesCommand,
  OrganizationsClient,
  TooManyRequestsException,
} from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectAccessAnalyzer } from '../../src/collect/access-analyzer.js';
import type { AwsClients } from '../../src/collect/aws-clients.js';
import { collectCloudTrail } from '../../src/collect/cloudtrail.js';
import { collectIdentityProviders } from '../../src/collect/identity-providers.js';
import { collectLive } from '../../src/collect/live.js';
import { collectOrganizations } from '../../src/collect/organizations.js';
import { parseRegions } from '../../src/cli/options.js';
import {
  accessAnalyzerSchema,
  cloudTrailSchema,
  identityProvidersSchema,
  organizationsSchema,
  snapshotSchema,
} from '../../src/snapshot/schema.js';

const ACCOUNT = '123456789012';
const CREDENTIALS = { accessKeyId: 'x', secretAccessKey: 'y' };
const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });

const iamMock = mockClient(IAMClient);
const stsMock = mockClient(STSClient);
const cloudTrailMock = mockClient(CloudTrailClient);
const organizationsMock = mockClient(OrganizationsClient);
const ec2Mock = mockClient(EC2Client);
const accessAnalyzerMock = mockClient(AccessAnalyzerClient);

/** Clients made per region are recorded, so a test can see which regions were reached. */
const made: { cloudTrail: string[]; accessAnalyzer: string[] } = { cloudTrail: [], accessAnalyzer: [] };
const cloudTrailIn = (region: string) => {
  made.cloudTrail.push(region);
  return new CloudTrailClient({ region, credentials: CREDENTIALS });
};
const accessAnalyzerIn = (region: string) => {
  made.accessAnalyzer.push(region);
  return new AccessAnalyzerClient({ region, credentials: CREDENTIALS });
};
const regionOf = async (getClient: () => { config: { region: unknown } }): Promise<string> => {
  const region = getClient().config.region;
  return typeof region === 'function' ? await (region as () => Promise<string>)() : String(region);
};

beforeEach(() => {
  for (const mock of [iamMock, stsMock, cloudTrailMock, organizationsMock, ec2Mock, accessAnalyzerMock]) mock.reset();
  made.cloudTrail = [];
  made.accessAnalyzer = [];
});

describe('identity providers', () => {
  const iam = new IAMClient({ region: 'us-east-1', credentials: CREDENTIALS });

  it('lists SAML providers with their dates and OIDC providers by ARN', async () => {
    iamMock.on(ListSAMLProvidersCommand).resolves({
      SAMLProviderList: [
        {
          Arn: `arn:aws:iam::${ACCOUNT}:saml-provider/Okta`,
          ValidUntil: new Date('2027-01-01T00:00:00.000Z'),
          CreateDate: new Date('2024-01-01T00:00:00.000Z'),
        },
        { Arn: `arn:aws:iam::${ACCOUNT}:saml-provider/Legacy` },
      ],
    });
    iamMock.on(ListOpenIDConnectProvidersCommand).resolves({
      OpenIDConnectProviderList: [{ Arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` }],
    });

    const data = await collectIdentityProviders(iam);

    expect(identityProvidersSchema.parse(data)).toEqual({
      saml: [
        { arn: `arn:aws:iam::${ACCOUNT}:saml-provider/Okta`, validUntil: '2027-01-01T00:00:00.000Z', createDate: '2024-01-01T00:00:00.000Z' },
        { arn: `arn:aws:iam::${ACCOUNT}:saml-provider/Legacy`, validUntil: null, createDate: null },
      ],
      oidc: [{ arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` }],
    });
  });

  it('records an account without providers as two empty lists', async () => {
    iamMock.on(ListSAMLProvidersCommand).resolves({ SAMLProviderList: [] });
    iamMock.on(ListOpenIDConnectProvidersCommand).resolves({ OpenIDConnectProviderList: [] });

    expect(await collectIdentityProviders(iam)).toEqual({ saml: [], oidc: [] });
  });

  it('fails on an answer without its list: AWS sends an empty list for "none", so nothing is not "no federation"', async () => {
    iamMock.on(ListSAMLProvidersCommand).resolves({});
    iamMock.on(ListOpenIDConnectProvidersCommand).resolves({ OpenIDConnectProviderList: [] });

    await expect(collectIdentityProviders(iam)).rejects.toMatchObject({ name: 'MalformedAnswer', message: expect.stringContaining('ListSAMLProviders answered without SAMLProviderList') });
  });

  it('fails as a whole when either list is denied: half the providers is not "no federation"', async () => {
    iamMock.on(ListSAMLProvidersCommand).resolves({ SAMLProviderList: [] });
    iamMock.on(ListOpenIDConnectProvidersCommand).rejects(
      new IAMServiceException({ name: 'AccessDenied', $fault: 'client', message: 'not authorized: iam:ListOpenIDConnectProviders', ...meta(403) }),
    );

    await expect(collectIdentityProviders(iam)).rejects.toMatchObject({ name: 'AccessDenied' });
  });
});

const trailArn = (region: string, name: string) => `arn:aws:cloudtrail:${region}:${ACCOUNT}:trail/${name}`;
const LOCAL_TRAIL = {
  Name: 'clinic-local',
  TrailARN: trailArn('us-east-1', 'clinic-local'),
  HomeRegion: 'us-east-1',
  S3BucketName: 'clinic-trail-logs',
  IsMultiRegionTrail: false,
  IsOrganizationTrail: false,
  IncludeGlobalServiceEvents: true,
  LogFileValidationEnabled: false,
};
const ORG_TRAIL = {
  Name: 'org-all-regions',
  TrailARN: trailArn('us-west-2', 'org-all-regions'),
  HomeRegion: 'us-west-2',
  S3BucketName: 'org-trail-logs',
  IsMultiRegionTrail: true,
  IsOrganizationTrail: true,
  IncludeGlobalServiceEvents: true,
  LogFileValidationEnabled: true,
  KmsKeyId: `arn:aws:kms:us-west-2:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
  CloudWatchLogsLogGroupArn: `arn:aws:logs:us-west-2:${ACCOUNT}:log-group:org-trail:*`,
  CloudWatchLogsRoleArn: `arn:aws:iam::${ACCOUNT}:role/trail-to-cloudwatch`,
};

describe('CloudTrail', () => {
  beforeEach(() => {
    cloudTrailMock.on(DescribeTrailsCommand).resolves({ trailList: [LOCAL_TRAIL, ORG_TRAIL] });
    cloudTrailMock.on(GetTrailStatusCommand).resolves({
      IsLogging: true,
      LatestDeliveryTime: new Date('2026-11-20T13:55:00.000Z'),
      StartLoggingTime: new Date('2024-01-01T00:00:00.000Z'),
    });
    cloudTrailMock.on(GetEventSelectorsCommand).resolves({
      EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::phi-bucket/'] }] }],
    });
  });

  it('describes every trail, shadow trails included, with its status and selectors read in its home region', async () => {
    const homeOf: Record<string, string> = {};
    cloudTrailMock.on(GetTrailStatusCommand).callsFake(async (input: { Name: string }, getClient) => {
      homeOf[input.Name] = await regionOf(getClient as never);
      return input.Name === ORG_TRAIL.TrailARN
        ? { IsLogging: true, LatestDeliveryTime: new Date('2026-11-20T13:55:00.000Z'), LatestDigestDeliveryTime: new Date('2026-11-20T13:00:00.000Z') }
        : { IsLogging: false, LatestDeliveryError: 'AccessDenied', StopLoggingTime: new Date('2026-10-01T00:00:00.000Z') };
    });

    const data = cloudTrailSchema.parse(await collectCloudTrail('us-east-1', cloudTrailIn));

    expect(cloudTrailMock.commandCalls(DescribeTrailsCommand).map((c) => c.args[0].input)).toEqual([{ includeShadowTrails: true }]);
    expect(homeOf).toEqual({ [LOCAL_TRAIL.TrailARN]: 'us-east-1', [ORG_TRAIL.TrailARN]: 'us-west-2' });
    expect(data.region).toBe('us-east-1');
    expect(data.trails.map(({ status: _s, eventSelectors: _e, ...trail }) => trail)).toEqual([
      {
        name: 'clinic-local',
        arn: LOCAL_TRAIL.TrailARN,
        homeRegion: 'us-east-1',
        isMultiRegionTrail: false,
        isOrganizationTrail: false,
        includeGlobalServiceEvents: true,
        logFileValidationEnabled: false,
        kmsKeyId: null,
        cloudWatchLogsLogGroupArn: null,
        s3BucketName: 'clinic-trail-logs',
      },
      {
        name: 'org-all-regions',
        arn: ORG_TRAIL.TrailARN,
        homeRegion: 'us-west-2',
        isMultiRegionTrail: true,
        isOrganizationTrail: true,
        includeGlobalServiceEvents: true,
        logFileValidationEnabled: true,
        kmsKeyId: ORG_TRAIL.KmsKeyId,
        cloudWatchLogsLogGroupArn: ORG_TRAIL.CloudWatchLogsLogGroupArn,
        s3BucketName: 'org-trail-logs',
      },
    ]);
    expect(data.trails[0]?.status).toEqual({
      status: 'ok',
      data: {
        isLogging: false,
        latestDeliveryTime: null,
        latestDeliveryError: 'AccessDenied',
        latestCloudWatchLogsDeliveryTime: null,
        latestCloudWatchLogsDeliveryError: null,
        latestDigestDeliveryTime: null,
        latestDigestDeliveryError: null,
        startLoggingTime: null,
        stopLoggingTime: '2026-10-01T00:00:00.000Z',
      },
    });
    expect(data.trails[1]?.status).toMatchObject({ status: 'ok', data: { isLogging: true, latestDigestDeliveryTime: '2026-11-20T13:00:00.000Z' } });
    expect(data.trails[1]?.eventSelectors).toEqual({
      status: 'ok',
      data: {
        eventSelectors: [
          { readWriteType: 'All', includeManagementEvents: true, excludeManagementEventSources: [], dataResources: [{ type: 'AWS::S3::Object', values: ['arn:aws:s3:::phi-bucket/'] }] },
        ],
        advancedEventSelectors: [],
      },
    });
    // Never the CloudWatch role: the controls do not need it.
    expect(JSON.stringify(data)).not.toContain('trail-to-cloudwatch');
  });

  it('makes one DescribeTrails and two calls per trail, whatever else the account holds', async () => {
    const trails = Array.from({ length: 7 }, (_, i) => ({ ...LOCAL_TRAIL, Name: `t${i}`, TrailARN: trailArn('us-east-1', `t${i}`) }));
    cloudTrailMock.on(DescribeTrailsCommand).resolves({ trailList: trails });

    const data = await collectCloudTrail('us-east-1', cloudTrailIn);

    expect(data.trails).toHaveLength(7);
    expect(cloudTrailMock.commandCalls(DescribeTrailsCommand)).toHaveLength(1);
    expect(cloudTrailMock.commandCalls(GetTrailStatusCommand)).toHaveLength(7);
    expect(cloudTrailMock.commandCalls(GetEventSelectorsCommand)).toHaveLength(7);
  });

  it.each([
    ['denied', new CloudTrailServiceException({ name: 'AccessDeniedException', $fault: 'client', message: 'not authorized: cloudtrail:GetTrailStatus', ...meta(403) }), 'AccessDeniedException'],
    ['an answer without IsLogging', null, 'Error'],
  ])('records a trail whose status is %s as that trail\'s error, never as logging', async (_label, error, code) => {
    const status = cloudTrailMock.on(GetTrailStatusCommand, { Name: ORG_TRAIL.TrailARN });
    if (error) status.rejects(error);
    else status.resolves({ LatestDeliveryTime: new Date() });

    const data = cloudTrailSchema.parse(await collectCloudTrail('us-east-1', cloudTrailIn));

    const org = data.trails.find((t) => t.name === 'org-all-regions');
    expect(org?.status).toMatchObject({ status: 'error', error: { code } });
    expect(org?.status.status === 'ok' && org.status.data.isLogging).toBe(false);
    // The selectors of that trail and the other trail's status are still read.
    expect(org?.eventSelectors.status).toBe('ok');
    expect(data.trails.find((t) => t.name === 'clinic-local')?.status).toMatchObject({ status: 'ok', data: { isLogging: true } });
  });

  it('records a trail whose event selectors cannot be read as that trail\'s error', async () => {
    cloudTrailMock.on(GetEventSelectorsCommand, { TrailName: LOCAL_TRAIL.TrailARN }).rejects(
      new CloudTrailServiceException({ name: 'TrailNotFoundException', $fault: 'client', message: 'Unknown trail', ...meta(400) }),
    );

    const data = await collectCloudTrail('us-east-1', cloudTrailIn);

    expect(data.trails[0]?.eventSelectors).toEqual({ status: 'error', error: { code: 'TrailNotFoundException', message: 'Unknown trail (HTTP 400)' } });
    expect(data.trails[1]?.eventSelectors.status).toBe('ok');
  });

  it('keeps advanced event selectors with only the operators a selector uses', async () => {
    cloudTrailMock.on(GetEventSelectorsCommand).resolves({
      AdvancedEventSelectors: [
        { Name: 'management', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
        { FieldSelectors: [{ Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::phi'] }, { Field: 'readOnly', NotEquals: ['true'] }] },
      ],
    });

    const data = cloudTrailSchema.parse(await collectCloudTrail('us-east-1', cloudTrailIn));

    expect(data.trails[0]?.eventSelectors).toEqual({
      status: 'ok',
      data: {
        eventSelectors: [],
        advancedEventSelectors: [
          { name: 'management', fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }] },
          { name: null, fieldSelectors: [{ field: 'resources.ARN', startsWith: ['arn:aws:s3:::phi'] }, { field: 'readOnly', notEquals: ['true'] }] },
        ],
      },
    });
  });

  it('records an account without trails as an empty list', async () => {
    cloudTrailMock.on(DescribeTrailsCommand).resolves({ trailList: [] });
    expect(await collectCloudTrail('eu-west-1', cloudTrailIn)).toEqual({ region: 'eu-west-1', trails: [] });
  });
});

const ORGANIZATION = {
  Id: 'o-abc123',
  Arn: `arn:aws:organizations::999999999999:organization/o-abc123`,
  FeatureSet: 'ALL' as const,
  MasterAccountId: '999999999999',
  MasterAccountArn: 'arn:aws:organizations::999999999999:account/o-abc123/999999999999',
  MasterAccountEmail: 'cloud-admins@clinic.example',
};
const ELIGIBLE_ONLY = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'HipaaEligibleOnly', Effect: 'Deny', NotAction: ['s3:*', 'ec2:*', 'rds:*'], Resource: '*' }],
};
const FULL_ACCESS = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

describe('Organizations', () => {
  const organizations = new OrganizationsClient({ region: 'us-east-1', credentials: CREDENTIALS });
  const policySummary = (id: string, name: string, awsManaged: boolean) => ({
    Id: id,
    Arn: `arn:aws:organizations::999999999999:policy/o-abc123/service_control_policy/${id}`,
    Name: name,
    Type: 'SERVICE_CONTROL_POLICY' as const,
    AwsManaged: awsManaged,
  });

  beforeEach(() => {
    organizationsMock.on(DescribeOrganizationCommand).resolves({ Organization: ORGANIZATION });
  });

  it('records an account outside any organization as a fact, without asking for SCPs', async () => {
    organizationsMock.on(DescribeOrganizationCommand).rejects(
      new AWSOrganizationsNotInUseException({ message: 'Your account is not a member of an organization.', ...meta(400) }),
    );

    expect(organizationsSchema.parse(await collectOrganizations(organizations))).toEqual({ inOrganization: false });
    expect(organizationsMock.commandCalls(ListPoliciesCommand)).toHaveLength(0);
  });

  it('reads every page of SCPs and decodes each document (management account)', async () => {
    const requests: { Filter?: string; NextToken?: string }[] = [];
    organizationsMock.on(ListPoliciesCommand).callsFake((input: { Filter?: string; NextToken?: string }) => {
      requests.push({ ...input });
      return input.NextToken === undefined
        ? { Policies: [policySummary('p-FullAWSAccess', 'FullAWSAccess', true)], NextToken: 'page-2' }
        : { Policies: [policySummary('p-eligible', 'hipaa-eligible-only', false)] };
    });
    organizationsMock.on(DescribePolicyCommand, { PolicyId: 'p-FullAWSAccess' }).resolves({
      Policy: { PolicySummary: { ...policySummary('p-FullAWSAccess', 'FullAWSAccess', true), Description: 'Allows access to every operation' }, Content: JSON.stringify(FULL_ACCESS) },
    });
    organizationsMock.on(DescribePolicyCommand, { PolicyId: 'p-eligible' }).resolves({
      Policy: { PolicySummary: { ...policySummary('p-eligible', 'hipaa-eligible-only', false), Description: '' }, Content: JSON.stringify(ELIGIBLE_ONLY) },
    });

    const data = organizationsSchema.parse(await collectOrganizations(organizations));

    expect(requests).toEqual([{ Filter: 'SERVICE_CONTROL_POLICY' }, { Filter: 'SERVICE_CONTROL_POLICY', NextToken: 'page-2' }]);
    expect(data).toEqual({
      inOrganization: true,
      organization: { id: 'o-abc123', arn: ORGANIZATION.Arn, masterAccountId: '999999999999', featureSet: 'ALL' },
      scps: [
        { id: 'p-FullAWSAccess', arn: policySummary('p-FullAWSAccess', '', true).Arn, name: 'FullAWSAccess', description: 'Allows access to every operation', awsManaged: true, document: FULL_ACCESS },
        { id: 'p-eligible', arn: policySummary('p-eligible', '', false).Arn, name: 'hipaa-eligible-only', description: null, awsManaged: false, document: ELIGIBLE_ONLY },
      ],
      scpsUnavailable: null,
    });
    expect(JSON.stringify(data)).not.toContain('cloud-admins@clinic.example');
  });

  it('records a member account\'s AccessDenied on ListPolicies as "SCPs unavailable", not as "no SCP"', async () => {
    organizationsMock.on(ListPoliciesCommand).rejects(
      new AccessDeniedException({ message: 'You don\'t have permissions to access this resource.', ...meta(400) }),
    );

    const data = organizationsSchema.parse(await collectOrganizations(organizations));

    expect(data).toEqual({
      inOrganization: true,
      organization: { id: 'o-abc123', arn: ORGANIZATION.Arn, masterAccountId: '999999999999', featureSet: 'ALL' },
      scps: null,
      scpsUnavailable: 'AccessDeniedException: You don\'t have permissions to access this resource. (HTTP 400)',
    });
  });

  it.each([
    ['AccessDenied on DescribeOrganization', () => organizationsMock.on(DescribeOrganizationCommand).rejects(new AccessDeniedException({ message: 'denied', ...meta(400) })), /denied/],
    ['throttling on ListPolicies (not a fact about SCPs)', () => organizationsMock.on(ListPoliciesCommand).rejects(new TooManyRequestsException({ message: 'Rate exceeded', ...meta(400) })), /Rate exceeded/],
    [
      'an SCP whose document is not JSON',
      () => {
        organizationsMock.on(ListPoliciesCommand).resolves({ Policies: [policySummary('p-broken', 'broken', false)] });
        organizationsMock.on(DescribePolicyCommand).resolves({ Policy: { PolicySummary: policySummary('p-broken', 'broken', false), Content: '{not json' } });
      },
      /SCP broken \(p-broken\): policy document is not JSON/,
    ],
  ])('fails the source on %s', async (_label, arrange, message) => {
    arrange();
    await expect(collectOrganizations(organizations)).rejects.toThrow(message);
  });
});

const analyzer = (region: string, name: string, status: string, type = 'ACCOUNT') => ({
  arn: `arn:aws:access-analyzer:${region}:${ACCOUNT}:analyzer/${name}`,
  name,
  type,
  status,
  createdAt: new Date('2025-01-01T00:00:00.000Z'),
});
const finding = (id: string, resource: string) => ({
  id,
  resource,
  resourceType: 'AWS::S3::Bucket',
  resourceOwnerAccount: ACCOUNT,
  status: 'ACTIVE',
  findingType: 'ExternalAccess',
  createdAt: new Date('2026-11-01T00:00:00.000Z'),
  updatedAt: new Date('2026-11-02T00:00:00.000Z'),
  analyzedAt: new Date('2026-11-03T00:00:00.000Z'),
});

/** What the SDK throws when an endpoint answers 500 with an HTML page, as moto does for Access Analyzer. */
function unparsable500() {
  return Object.assign(new SyntaxError('Unexpected token \'<\', "<!doctype "... is not valid JSON\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.'), meta(500));
}

describe('Access Analyzer', () => {
  const ec2 = new EC2Client({ region: 'us-east-1', credentials: CREDENTIALS });

  beforeEach(() => {
    ec2Mock.on(DescribeRegionsCommand).resolves({
      Regions: [
        { RegionName: 'us-west-2', OptInStatus: 'opt-in-not-required' },
        { RegionName: 'us-east-1', OptInStatus: 'opt-in-not-required' },
        { RegionName: 'af-south-1', OptInStatus: 'opted-in' },
        // Some endpoints list regions not opted in even with AllRegions false.
        { RegionName: 'ap-east-1', OptInStatus: 'not-opted-in' },
      ],
    });
    accessAnalyzerMock.on(ListAnalyzersCommand).resolves({ analyzers: [] });
    accessAnalyzerMock.on(ListFindingsV2Command).resolves({ findings: [] });
  });

  it('lists analyzers and the ACTIVE findings of ACTIVE analyzers in every enabled region, paging both', async () => {
    const analyzerRequests: { region: string; nextToken?: string }[] = [];
    accessAnalyzerMock.on(ListAnalyzersCommand).callsFake(async (input: { nextToken?: string }, getClient) => {
      const region = await regionOf(getClient as never);
      analyzerRequests.push({ region, ...(input.nextToken ? { nextToken: input.nextToken } : {}) });
      if (region !== 'us-east-1') return { analyzers: [] };
      return input.nextToken === undefined
        ? { analyzers: [analyzer('us-east-1', 'account-analyzer', 'ACTIVE')], nextToken: 'analyzers-2' }
        : { analyzers: [analyzer('us-east-1', 'old-analyzer', 'DISABLED'), { ...analyzer('us-east-1', 'unused', 'FAILED', 'ACCOUNT_UNUSED_ACCESS'), statusReason: { code: 'SERVICE_LINKED_ROLE_CREATION_FAILED' as const } }] };
    });
    const findingRequests: ListFindingsV2CommandInput[] = [];
    accessAnalyzerMock.on(ListFindingsV2Command).callsFake((input: ListFindingsV2CommandInput) => {
      findingRequests.push(structuredClone(input));
      return input.nextToken === undefined
        ? { findings: [finding('f-1', 'arn:aws:s3:::phi-exports')], nextToken: 'findings-2' }
        : { findings: [{ ...finding('f-2', 'arn:aws:s3:::old-share'), error: 'ACCESS_DENIED' }] };
    });

    const data = accessAnalyzerSchema.parse(await collectAccessAnalyzer({ ec2, accessAnalyzerIn }));

    expect(ec2Mock.commandCalls(DescribeRegionsCommand).map((c) => c.args[0].input)).toEqual([{ AllRegions: false }]);
    expect(data.regionSource).toBe('ec2:DescribeRegions');
    expect(Object.keys(data.regions)).toEqual(['af-south-1', 'us-east-1', 'us-west-2']);
    expect(made.accessAnalyzer.sort()).toEqual(['af-south-1', 'us-east-1', 'us-west-2']);
    expect(analyzerRequests.filter((r) => r.region === 'us-east-1')).toEqual([{ region: 'us-east-1' }, { region: 'us-east-1', nextToken: 'analyzers-2' }]);
    // Only the ACTIVE analyzer is asked for findings, only ACTIVE ones, on every page.
    const activeArn = analyzer('us-east-1', 'account-analyzer', 'ACTIVE').arn;
    expect(findingRequests).toEqual([
      { analyzerArn: activeArn, filter: { status: { eq: ['ACTIVE'] } } },
      { analyzerArn: activeArn, filter: { status: { eq: ['ACTIVE'] } }, nextToken: 'findings-2' },
    ]);
    expect(data.regions['us-east-1']).toEqual({
      status: 'ok',
      data: {
        analyzers: [
          { arn: activeArn, name: 'account-analyzer', type: 'ACCOUNT', status: 'ACTIVE', statusReason: null, createdAt: '2025-01-01T00:00:00.000Z' },
          { arn: analyzer('us-east-1', 'old-analyzer', 'DISABLED').arn, name: 'old-analyzer', type: 'ACCOUNT', status: 'DISABLED', statusReason: null, createdAt: '2025-01-01T00:00:00.000Z' },
          { arn: analyzer('us-east-1', 'unused', 'FAILED').arn, name: 'unused', type: 'ACCOUNT_UNUSED_ACCESS', status: 'FAILED', statusReason: 'SERVICE_LINKED_ROLE_CREATION_FAILED', createdAt: '2025-01-01T00:00:00.000Z' },
        ],
        findings: [
          {
            id: 'f-1',
            analyzerArn: activeArn,
            findingType: 'ExternalAccess',
            resource: 'arn:aws:s3:::phi-exports',
            resourceType: 'AWS::S3::Bucket',
            resourceOwnerAccount: ACCOUNT,
            status: 'ACTIVE',
            createdAt: '2026-11-01T00:00:00.000Z',
            updatedAt: '2026-11-02T00:00:00.000Z',
            analyzedAt: '2026-11-03T00:00:00.000Z',
            error: null,
          },
          expect.objectContaining({ id: 'f-2', resource: 'arn:aws:s3:::old-share', error: 'ACCESS_DENIED' }),
        ],
      },
    });
    // A region without an analyzer is data (none there), not an error.
    expect(data.regions['us-west-2']).toEqual({ status: 'ok', data: { analyzers: [], findings: [] } });
  });

  it('records a region that fails as that region\'s error while the others succeed', async () => {
    accessAnalyzerMock.on(ListAnalyzersCommand).callsFake(async (_input, getClient) => {
      if ((await regionOf(getClient as never)) === 'af-south-1') {
        throw new AccessAnalyzerServiceException({ name: 'AccessDeniedException', $fault: 'client', message: 'explicit deny in a service control policy', ...meta(403) });
      }
      return { analyzers: [] };
    });

    const data = accessAnalyzerSchema.parse(await collectAccessAnalyzer({ ec2, accessAnalyzerIn }));

    expect(data.regions).toEqual({
      'af-south-1': { status: 'error', error: { code: 'AccessDeniedException', message: 'explicit deny in a service control policy (HTTP 403)' } },
      'us-east-1': { status: 'ok', data: { analyzers: [], findings: [] } },
      'us-west-2': { status: 'ok', data: { analyzers: [], findings: [] } },
    });
  });

  it('records a region whose findings cannot be listed as that region\'s error, not as "no finding"', async () => {
    accessAnalyzerMock.on(ListAnalyzersCommand).callsFake(async (_input, getClient) => {
      const region = await regionOf(getClient as never);
      return { analyzers: region === 'us-east-1' ? [analyzer(region, 'a', 'ACTIVE')] : [] };
    });
    accessAnalyzerMock.on(ListFindingsV2Command).rejects(
      new AccessAnalyzerServiceException({ name: 'AccessDeniedException', $fault: 'client', message: 'not authorized: access-analyzer:ListFindingsV2', ...meta(403) }),
    );

    const data = await collectAccessAnalyzer({ ec2, accessAnalyzerIn });

    expect(data.regions['us-east-1']).toMatchObject({ status: 'error', error: { code: 'AccessDeniedException' } });
    expect(data.regions['us-west-2']?.status).toBe('ok');
  });

  it('fails the source when an endpoint answers 500 in every region (as moto does): never "no analyzer"', async () => {
    accessAnalyzerMock.on(ListAnalyzersCommand).rejects(unparsable500());

    const result = collectAccessAnalyzer({ ec2, accessAnalyzerIn });

    await expect(result).rejects.toMatchObject({ name: 'SyntaxError' });
    await expect(result).rejects.toThrow(/could not be read in any of the 3 region\(s\) checked \(ec2:DescribeRegions\); af-south-1: Unexpected token .* \(HTTP 500\)$/);
  });

  it('names the regions\' differing errors when every region fails differently', async () => {
    accessAnalyzerMock.on(ListAnalyzersCommand).callsFake(async (_input, getClient) => {
      if ((await regionOf(getClient as never)) === 'us-west-2') throw unparsable500();
      throw new AccessAnalyzerServiceException({ name: 'ThrottlingException', $fault: 'client', message: 'Rate exceeded', ...meta(429) });
    });

    await expect(collectAccessAnalyzer({ ec2, accessAnalyzerIn })).rejects.toMatchObject({
      name: 'AllRegionsFailed',
      message: expect.stringContaining('af-south-1: ThrottlingException: Rate exceeded (HTTP 429)'),
    });
  });

  it('checks only the regions the user named, without DescribeRegions', async () => {
    const data = await collectAccessAnalyzer({ ec2, accessAnalyzerIn, regions: ['eu-west-1', 'eu-central-1'] });

    expect(ec2Mock.commandCalls(DescribeRegionsCommand)).toHaveLength(0);
    expect(data).toEqual({
      regionSource: '--regions',
      regions: { 'eu-west-1': { status: 'ok', data: { analyzers: [], findings: [] } }, 'eu-central-1': { status: 'ok', data: { analyzers: [], findings: [] } } },
    });
  });

  it('fails the source when given no region at all, rather than vouch for every region of none', async () => {
    await expect(collectAccessAnalyzer({ ec2, accessAnalyzerIn, regions: [] })).rejects.toMatchObject({ name: 'NoRegion' });
  });

  it('fails the source, suggesting --regions, when the enabled regions cannot be listed', async () => {
    ec2Mock.on(DescribeRegionsCommand).rejects(
      new EC2ServiceException({ name: 'UnauthorizedOperation', $fault: 'client', message: 'You are not authorized to perform this operation.', ...meta(403) }),
    );

    const result = collectAccessAnalyzer({ ec2, accessAnalyzerIn });

    await expect(result).rejects.toMatchObject({ name: 'UnauthorizedOperation' });
    await expect(result).rejects.toThrow('cannot list the enabled regions: You are not authorized to perform this operation. (HTTP 403) (name them with --regions to skip ec2:DescribeRegions)');
    expect(accessAnalyzerMock.calls()).toHaveLength(0);
  });
});

describe('parseRegions (--regions)', () => {
  it.each([
    ['us-east-1,us-west-2', ['us-east-1', 'us-west-2']],
    [' eu-west-1 , eu-west-1,, us-gov-west-1 ', ['eu-west-1', 'us-gov-west-1']],
    ['ap-southeast-7', ['ap-southeast-7']],
  ])('reads %j', (value, expected) => {
    expect(parseRegions(value)).toEqual(expected);
  });

  it.each([[''], [' , '], ['us-east'], ['US-EAST-1'], ['us-east-1,all']])('refuses %j', (value) => {
    expect(() => parseRegions(value)).toThrow();
  });
});

describe('collectLive with the four sources beyond IAM', () => {
  let clients: AwsClients;

  beforeEach(() => {
    clients = {
      iam: new IAMClient({ region: 'us-east-1', credentials: CREDENTIALS }),
      sts: new STSClient({ region: 'us-east-1', credentials: CREDENTIALS }),
      organizations: new OrganizationsClient({ region: 'us-east-1', credentials: CREDENTIALS }),
      ec2: new EC2Client({ region: 'us-east-1', credentials: CREDENTIALS }),
      cloudTrailIn,
      accessAnalyzerIn,
      ssoAdminIn: (region) => new SSOAdminClient({ region, credentials: CREDENTIALS }),
      identityStoreIn: (region) => new IdentitystoreClient({ region, credentials: CREDENTIALS }),
      region: 'us-east-1',
    };
    stsMock.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/auditor`, UserId: 'AIDAAUDITOR' });
    iamMock.on(GenerateCredentialReportCommand).resolves({});
    iamMock.on(GetCredentialReportCommand).resolves({
      Content: new TextEncoder().encode('user,arn,user_creation_time,password_enabled,password_last_used,mfa_active,access_key_1_active,access_key_2_active\n'),
    });
    // An empty account, answered as AWS answers one: empty lists, zero counts, no password policy.
    iamMock.on(GetAccountAuthorizationDetailsCommand).resolves({ IsTruncated: false, UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] });
    iamMock.on(GetAccountSummaryCommand).resolves({ SummaryMap: { Users: 0, Groups: 0, Roles: 0, Policies: 0, MFADevices: 0, MFADevicesInUse: 0, AccountMFAEnabled: 0 } });
    iamMock.on(ListVirtualMFADevicesCommand).resolves({ VirtualMFADevices: [] });
    iamMock.on(GetAccountPasswordPolicyCommand).rejects(new NoSuchEntityException({ message: 'no password policy', ...meta(404) }));
    iamMock.on(ListSAMLProvidersCommand).resolves({ SAMLProviderList: [{ Arn: `arn:aws:iam::${ACCOUNT}:saml-provider/Okta` }] });
    iamMock.on(ListOpenIDConnectProvidersCommand).resolves({ OpenIDConnectProviderList: [] });
    cloudTrailMock.on(DescribeTrailsCommand).resolves({ trailList: [LOCAL_TRAIL, ORG_TRAIL] });
    cloudTrailMock.on(GetTrailStatusCommand).resolves({ IsLogging: true });
    // AWS's default selector, which a trail made without PutEventSelectors answers with.
    cloudTrailMock.on(GetEventSelectorsCommand).resolves({ EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] }] });
    organizationsMock.on(DescribeOrganizationCommand).resolves({ Organization: ORGANIZATION });
    organizationsMock.on(ListPoliciesCommand).rejects(new AccessDeniedException({ message: 'denied', ...meta(400) }));
    ec2Mock.on(DescribeRegionsCommand).resolves({ Regions: [{ RegionName: 'us-east-1' }, { RegionName: 'us-west-2' }] });
    accessAnalyzerMock.on(ListAnalyzersCommand).rejects(unparsable500());
  });

  afterEach(() => {
    for (const client of [clients.iam, clients.sts, clients.organizations, clients.ec2]) client.destroy();
  });

  const collect = (regions?: string[]) =>
    collectLive({
      clients,
      description: 'unit test',
      now: () => new Date('2026-11-20T12:00:00.000Z'),
      credentialReportTiming: { sleep: async () => {}, deadlineMs: 1_000, firstDelayMs: 1, maxDelayMs: 1 },
      regions,
    });

  it('holds, for each new source, its data or the error that stopped it, in a valid snapshot', async () => {
    const snapshot = await collect();

    expect(snapshotSchema.safeParse(snapshot).success).toBe(true);
    expect(snapshot.sources.identityProviders).toEqual({
      status: 'ok',
      data: { saml: [{ arn: `arn:aws:iam::${ACCOUNT}:saml-provider/Okta`, validUntil: null, createDate: null }], oidc: [] },
    });
    const trails = snapshot.sources.cloudTrail;
    expect(trails.status === 'ok' && trails.data.trails.map((t) => [t.name, t.status.status, t.eventSelectors.status])).toEqual([
      ['clinic-local', 'ok', 'ok'],
      ['org-all-regions', 'ok', 'ok'],
    ]);
    expect(snapshot.sources.organizations).toMatchObject({ status: 'ok', data: { inOrganization: true, scps: null, scpsUnavailable: 'AccessDeniedException: denied (HTTP 400)' } });
    expect(snapshot.sources.accessAnalyzer).toEqual({
      status: 'error',
      error: { code: 'SyntaxError', message: expect.stringMatching(/^could not be read in any of the 2 region\(s\) checked \(ec2:DescribeRegions\); us-east-1: Unexpected token/) },
    });
    // The home regions of the trails and every enabled region got a client of their own.
    expect([...new Set(made.cloudTrail)].sort()).toEqual(['us-east-1', 'us-west-2']);
    expect(made.accessAnalyzer.sort()).toEqual(['us-east-1', 'us-west-2']);
  });

  it('passes the regions the user named to Access Analyzer', async () => {
    accessAnalyzerMock.on(ListAnalyzersCommand).resolves({ analyzers: [] });

    const snapshot = await collect(['eu-west-1']);

    expect(snapshot.sources.accessAnalyzer).toEqual({
      status: 'ok',
      data: { regionSource: '--regions', regions: { 'eu-west-1': { status: 'ok', data: { analyzers: [], findings: [] } } } },
    });
    expect(ec2Mock.commandCalls(DescribeRegionsCommand)).toHaveLength(0);
  });

  it('records a denied DescribeTrails as the cloudTrail source\'s error while the rest is collected', async () => {
    cloudTrailMock.on(DescribeTrailsCommand).rejects(
      new CloudTrailServiceException({ name: 'AccessDeniedException', $fault: 'client', message: 'not authorized: cloudtrail:DescribeTrails', ...meta(403) }),
    );

    const snapshot = await collect();

    expect(snapshot.sources.cloudTrail).toEqual({
      status: 'error',
      error: { code: 'AccessDeniedException', message: 'not authorized: cloudtrail:DescribeTrails (HTTP 403)' },
    });
    expect(snapshot.sources.identityProviders.status).toBe('ok');
    expect(snapshot.sources.organizations.status).toBe('ok');
  });
});
