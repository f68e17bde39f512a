import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { importAwsCliExports } from '../../src/snapshot/import.js';

/** An export folder of hand-made files shaped as the AWS CLI writes them (`--output json`, the API reference's fields). */
function exportDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hipaa-iam-import-sources-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 4));
  }
  return dir;
}
const sources = (files: Record<string, unknown>) => importAwsCliExports(exportDir(files)).sources;
/** What the AWS CLI prints on stderr when a call fails. */
const cliError = (code: string, operation: string, message: string) => `\nAn error occurred (${code}) when calling the ${operation} operation: ${message}\n`;

const ACCOUNT = '111122223333';
const ANALYZER_ARN = `arn:aws:access-analyzer:us-east-1:${ACCOUNT}:analyzer/account-access-analyzer`;
const analyzer = (status: string, name = 'account-access-analyzer', region = 'us-east-1') => ({
  arn: `arn:aws:access-analyzer:${region}:${ACCOUNT}:analyzer/${name}`,
  name,
  type: 'ACCOUNT',
  createdAt: '2026-01-05T10:00:00+00:00',
  lastResourceAnalyzed: `arn:aws:s3:::clinic-scans`,
  lastResourceAnalyzedAt: '2026-11-28T09:00:00.123000+00:00',
  status,
  tags: {},
});
const finding = (id: string) => ({
  analyzedAt: '2026-11-28T09:00:00.123000+00:00',
  createdAt: '2026-11-20T08:00:00+00:00',
  findingType: 'ExternalAccess',
  id,
  resource: 'arn:aws:s3:::clinic-scans',
  resourceOwnerAccount: ACCOUNT,
  resourceType: 'AWS::S3::Bucket',
  status: 'ACTIVE',
  updatedAt: '2026-11-28T09:00:00+00:00',
});

describe('import of IAM Access Analyzer exports (describe-regions, list-analyzers, list-findings-v2)', () => {
  it('reads every enabled region, its analyzers, and the ACTIVE findings of its ACTIVE analyzers, as live does', () => {
    const { accessAnalyzer } = sources({
      'access-analyzer/describe-regions.json': {
        Regions: [
          { Endpoint: 'ec2.us-west-2.amazonaws.com', RegionName: 'us-west-2', OptInStatus: 'opt-in-not-required' },
          { Endpoint: 'ec2.us-east-1.amazonaws.com', RegionName: 'us-east-1', OptInStatus: 'opt-in-not-required' },
          { Endpoint: 'ec2.af-south-1.amazonaws.com', RegionName: 'af-south-1', OptInStatus: 'not-opted-in' },
        ],
      },
      'access-analyzer/us-east-1/list-analyzers.json': { analyzers: [analyzer('ACTIVE'), analyzer('DISABLED', 'old-analyzer')] },
      // Every page already merged by the CLI: two findings, no nextToken.
      'access-analyzer/us-east-1/account-access-analyzer.list-findings-v2.json': { findings: [finding('f-1'), finding('f-2')] },
      'access-analyzer/us-west-2/list-analyzers.json': { analyzers: [analyzer('ACTIVE', 'west', 'us-west-2')] },
      'access-analyzer/us-west-2/west.list-findings-v2.json': { findings: [] },
    });
    expect(accessAnalyzer.status).toBe('ok');
    if (accessAnalyzer.status !== 'ok') return;
    expect(accessAnalyzer.data.regionSource).toBe('ec2:DescribeRegions');
    expect(Object.keys(accessAnalyzer.data.regions)).toEqual(['us-east-1', 'us-west-2']);
    expect(accessAnalyzer.data.regions['us-east-1']).toEqual({
      status: 'ok',
      data: {
        analyzers: [
          { arn: ANALYZER_ARN, name: 'account-access-analyzer', type: 'ACCOUNT', status: 'ACTIVE', statusReason: null, createdAt: '2026-01-05T10:00:00.000Z' },
          { arn: `arn:aws:access-analyzer:us-east-1:${ACCOUNT}:analyzer/old-analyzer`, name: 'old-analyzer', type: 'ACCOUNT', status: 'DISABLED', statusReason: null, createdAt: '2026-01-05T10:00:00.000Z' },
        ],
        findings: ['f-1', 'f-2'].map((id) => ({
          id,
          analyzerArn: ANALYZER_ARN,
          findingType: 'ExternalAccess',
          resource: 'arn:aws:s3:::clinic-scans',
          resourceType: 'AWS::S3::Bucket',
          resourceOwnerAccount: ACCOUNT,
          status: 'ACTIVE',
          createdAt: '2026-11-20T08:00:00.000Z',
          updatedAt: '2026-11-28T09:00:00.000Z',
          analyzedAt: '2026-11-28T09:00:00.123Z',
          error: null,
        })),
      },
    });
    // An empty findings list is a fact: the ACTIVE analyzer found nothing.
    expect(accessAnalyzer.data.regions['us-west-2']).toMatchObject({ status: 'ok', data: { findings: [] } });
  });

  it('takes the regions named in regions.txt, and reads epoch-second timestamps (AWS CLI v1) as live reads Dates', () => {
    const { accessAnalyzer } = sources({
      'access-analyzer/regions.txt': 'us-east-1\n',
      'access-analyzer/us-east-1/list-analyzers.json': { analyzers: [{ ...analyzer('ACTIVE'), createdAt: 1767607200 }] },
      'access-analyzer/us-east-1/account-access-analyzer.list-findings-v2.json': { findings: [] },
    });
    expect(accessAnalyzer).toMatchObject({ status: 'ok', data: { regionSource: '--regions', regions: { 'us-east-1': { status: 'ok', data: { analyzers: [{ createdAt: '2026-01-05T10:00:00.000Z' }] } } } } });
  });

  it('records a region whose call failed (<file>.error) with AWS\'s reason, and the source as that error when every region failed', () => {
    const denied = cliError('AccessDeniedException', 'ListAnalyzers', 'User: arn:aws:iam::111122223333:user/auditor is not authorized to perform: access-analyzer:ListAnalyzers');
    const some = sources({
      'access-analyzer/regions.txt': 'us-east-1 us-west-2',
      'access-analyzer/us-east-1/list-analyzers.json': { analyzers: [] },
      'access-analyzer/us-west-2/list-analyzers.json.error': denied,
    });
    expect(some.accessAnalyzer).toMatchObject({
      status: 'ok',
      data: { regions: { 'us-east-1': { status: 'ok', data: { analyzers: [], findings: [] } }, 'us-west-2': { status: 'error', error: { code: 'AccessDeniedException', message: expect.stringContaining('not authorized to perform: access-analyzer:ListAnalyzers') } } } },
    });
    const all = sources({ 'access-analyzer/regions.txt': 'us-west-2', 'access-analyzer/us-west-2/list-analyzers.json.error': denied });
    expect(all.accessAnalyzer).toEqual({ status: 'error', error: { code: 'AccessDeniedException', message: expect.stringMatching(/^could not be read in any of the 1 region\(s\) checked \(--regions\); us-west-2: User: /) } });
  });

  it('never reads an ACTIVE analyzer without its findings file as "no findings": that region is NotInImport', () => {
    const { accessAnalyzer } = sources({
      'access-analyzer/regions.txt': 'us-east-1',
      'access-analyzer/us-east-1/list-analyzers.json': { analyzers: [analyzer('ACTIVE')] },
    });
    expect(accessAnalyzer).toEqual({
      status: 'error',
      error: { code: 'NotInImport', message: expect.stringContaining('access-analyzer/us-east-1/account-access-analyzer.list-findings-v2.json is not in') },
    });
  });

  it('says how to export the regions when neither describe-regions.json nor regions.txt is there, and keeps a failed DescribeRegions as live words it', () => {
    expect(sources({ 'access-analyzer/us-east-1/list-analyzers.json': { analyzers: [] } }).accessAnalyzer).toEqual({
      status: 'error',
      error: { code: 'NotInImport', message: expect.stringContaining('aws ec2 describe-regions --output json > access-analyzer/describe-regions.json') },
    });
    expect(sources({ 'access-analyzer/describe-regions.json.error': cliError('UnauthorizedOperation', 'DescribeRegions', 'You are not authorized to perform this operation.') }).accessAnalyzer).toEqual({
      status: 'error',
      error: { code: 'UnauthorizedOperation', message: 'cannot list the enabled regions: You are not authorized to perform this operation. (name them with --regions to skip ec2:DescribeRegions)' },
    });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['a findings page the CLI left truncated (--max-items)', { 'access-analyzer/regions.txt': 'us-east-1', 'access-analyzer/us-east-1/list-analyzers.json': { analyzers: [analyzer('ACTIVE')] }, 'access-analyzer/us-east-1/account-access-analyzer.list-findings-v2.json': { findings: [finding('f-1')], NextToken: 'eyJuZXh0VG9rZW4iOiBudWxsfQ==' } }, /list-findings-v2\.json is a truncated page \(it carries NextToken\): re-export without --max-items/],
    ['an analyzers page of --no-paginate', { 'access-analyzer/regions.txt': 'us-east-1', 'access-analyzer/us-east-1/list-analyzers.json': { analyzers: [], nextToken: 'abc' } }, /list-analyzers\.json is a truncated page \(it carries nextToken\)/],
    ['a findings answer without its list', { 'access-analyzer/regions.txt': 'us-east-1', 'access-analyzer/us-east-1/list-analyzers.json': { analyzers: [analyzer('ACTIVE')] }, 'access-analyzer/us-east-1/account-access-analyzer.list-findings-v2.json': {} }, /list-findings-v2\.json: not the output of list-findings-v2 \(no findings\)/],
    ['table output instead of JSON', { 'access-analyzer/regions.txt': 'us-east-1', 'access-analyzer/us-east-1/list-analyzers.json': '-----------------\n|ListAnalyzers|\n' }, /list-analyzers\.json is table output of the AWS CLI, not JSON: re-export with --output json/],
    ['a region name that is none', { 'access-analyzer/regions.txt': 'us-east-1 ../../etc' }, /regions\.txt: not a region name: \.\.\/\.\.\/etc/],
    ['both ways of choosing regions', { 'access-analyzer/regions.txt': 'us-east-1', 'access-analyzer/describe-regions.json': { Regions: [] } }, /holds both access-analyzer\/regions\.txt .* and access-analyzer\/describe-regions\.json/],
    ['a file beside its own .error', { 'access-analyzer/regions.txt': 'us-east-1', 'access-analyzer/us-east-1/list-analyzers.json': { analyzers: [] }, 'access-analyzer/us-east-1/list-analyzers.json.error': 'boom' }, /list-analyzers\.json and its list-analyzers\.json\.error are both there/],
    ['an analyzer with the wrong types', { 'access-analyzer/regions.txt': 'us-east-1', 'access-analyzer/us-east-1/list-analyzers.json': { analyzers: [{ ...analyzer('DISABLED'), name: 7 }] } }, /exports under .*access-analyzer are not what the AWS CLI writes at regions\.us-east-1\.data\.analyzers\.0\.name/],
  ])('refuses %s as bad input naming the file (exit 2)', (_label, files, reason) => {
    const dir = exportDir(files);
    expect(() => importAwsCliExports(dir)).toThrow(InputError);
    expect(() => importAwsCliExports(dir)).toThrow(reason);
  });
});

const TRAIL_ARN = `arn:aws:cloudtrail:us-west-2:${ACCOUNT}:trail/clinic-all-regions`;
const TRAILS = {
  trailList: [
    { Name: 'clinic-all-regions', S3BucketName: 'clinic-audit-logs', IncludeGlobalServiceEvents: true, IsMultiRegionTrail: true, HomeRegion: 'us-west-2', TrailARN: TRAIL_ARN, LogFileValidationEnabled: true, KmsKeyId: `arn:aws:kms:us-west-2:${ACCOUNT}:key/k`, HasCustomEventSelectors: false, HasInsightSelectors: false, IsOrganizationTrail: false },
  ],
};

describe('import of CloudTrail exports (describe-trails, get-trail-status, get-event-selectors)', () => {
  it('reads each trail with its status and selectors from its home region\'s files', () => {
    const { cloudTrail } = sources({
      'cloudtrail/us-east-1/describe-trails.json': TRAILS,
      [`cloudtrail/us-west-2/${ACCOUNT}/clinic-all-regions.get-trail-status.json`]: { IsLogging: true, LatestDeliveryTime: 1764400000, StartLoggingTime: '2026-01-01T00:00:00+00:00', TimeLoggingStarted: '2026-01-01T00:00:00Z' },
      [`cloudtrail/us-west-2/${ACCOUNT}/clinic-all-regions.get-event-selectors.json`]: { TrailARN: TRAIL_ARN, EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] }] },
    });
    expect(cloudTrail).toMatchObject({
      status: 'ok',
      data: {
        region: 'us-east-1',
        trails: [
          {
            name: 'clinic-all-regions',
            arn: TRAIL_ARN,
            homeRegion: 'us-west-2',
            isMultiRegionTrail: true,
            logFileValidationEnabled: true,
            status: { status: 'ok', data: { isLogging: true, latestDeliveryTime: '2025-11-29T07:06:40.000Z', startLoggingTime: '2026-01-01T00:00:00.000Z' } },
            eventSelectors: { status: 'ok', data: { eventSelectors: [{ readWriteType: 'All', includeManagementEvents: true }], advancedEventSelectors: [] } },
          },
        ],
      },
    });
  });

  it('keeps one trail\'s missing, failed or empty answers as that trail\'s errors, as live does', () => {
    const { cloudTrail } = sources({
      'cloudtrail/us-east-1/describe-trails.json': TRAILS,
      [`cloudtrail/us-west-2/${ACCOUNT}/clinic-all-regions.get-trail-status.json.error`]: cliError('AccessDeniedException', 'GetTrailStatus', 'not authorized'),
      // AWS gives every trail a selector; an answer with none says nothing of what it logs.
      [`cloudtrail/us-west-2/${ACCOUNT}/clinic-all-regions.get-event-selectors.json`]: { TrailARN: TRAIL_ARN, EventSelectors: [], AdvancedEventSelectors: [] },
    });
    if (cloudTrail.status !== 'ok') throw new Error(JSON.stringify(cloudTrail));
    expect(cloudTrail.data.trails[0]?.status).toEqual({ status: 'error', error: { code: 'AccessDeniedException', message: 'not authorized' } });
    expect(cloudTrail.data.trails[0]?.eventSelectors).toMatchObject({ status: 'error', error: { code: 'MalformedAnswer' } });
    const without = sources({ 'cloudtrail/us-east-1/describe-trails.json': TRAILS }).cloudTrail;
    if (without.status !== 'ok') throw new Error(JSON.stringify(without));
    expect(without.data.trails[0]?.status).toMatchObject({ status: 'error', error: { code: 'NotInImport', message: expect.stringContaining(`aws cloudtrail get-trail-status --name ${TRAIL_ARN} --region us-west-2`) } });
  });

  it('reads "no trail" only from a describe-trails that lists none, and refuses describe-trails from two regions', () => {
    expect(sources({ 'cloudtrail/us-east-1/describe-trails.json': { trailList: [] } }).cloudTrail).toEqual({ status: 'ok', data: { region: 'us-east-1', trails: [] } });
    expect(sources({}).cloudTrail).toMatchObject({ status: 'error', error: { code: 'NotInImport' } });
    expect(() => importAwsCliExports(exportDir({ 'cloudtrail/us-east-1/describe-trails.json': { trailList: [] }, 'cloudtrail/eu-west-1/describe-trails.json': { trailList: [] } }))).toThrow(/describe-trails from 2 regions/);
    expect(() => importAwsCliExports(exportDir({ 'cloudtrail/us-east-1/describe-trails.json': {} }))).toThrow(/describe-trails\.json: not the output of describe-trails \(no trailList\)/);
  });
});

const SCP_SUMMARY = { Id: 'p-abcd1234', Arn: `arn:aws:organizations::${ACCOUNT}:policy/o-x/service_control_policy/p-abcd1234`, Name: 'hipaa-eligible-only', Description: 'HIPAA-eligible services only', Type: 'SERVICE_CONTROL_POLICY', AwsManaged: false };
const ORGANIZATION = { Organization: { Id: 'o-x', Arn: `arn:aws:organizations::${ACCOUNT}:organization/o-x`, FeatureSet: 'ALL', MasterAccountArn: `arn:aws:organizations::${ACCOUNT}:account/o-x/${ACCOUNT}`, MasterAccountId: ACCOUNT, MasterAccountEmail: 'it@clinic.example' } };

describe('import of AWS Organizations exports (describe-organization, list-policies, describe-policy)', () => {
  it('reads AWSOrganizationsNotInUseException as "not in an organization", as live does; no file is NotInImport', () => {
    expect(sources({ 'organizations/describe-organization.json.error': cliError('AWSOrganizationsNotInUseException', 'DescribeOrganization', 'Your account is not a member of an organization.') }).organizations).toEqual({ status: 'ok', data: { inOrganization: false } });
    expect(sources({}).organizations).toMatchObject({ status: 'error', error: { code: 'NotInImport', message: expect.stringContaining('organizations/describe-organization.json is not in') } });
    expect(sources({ 'organizations/describe-organization.json.error': cliError('AccessDeniedException', 'DescribeOrganization', 'You don\'t have permissions to access this resource.') }).organizations).toEqual({
      status: 'error',
      error: { code: 'AccessDeniedException', message: 'You don\'t have permissions to access this resource.' },
    });
  });

  it('reads the SCPs, or keeps a member account\'s denial as the stated reason', () => {
    const content = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', NotAction: ['s3:*'], Resource: '*' }] });
    expect(
      sources({
        'organizations/describe-organization.json': ORGANIZATION,
        'organizations/list-policies.json': { Policies: [SCP_SUMMARY] },
        'organizations/p-abcd1234.describe-policy.json': { Policy: { PolicySummary: SCP_SUMMARY, Content: content } },
      }).organizations,
    ).toEqual({
      status: 'ok',
      data: {
        inOrganization: true,
        organization: { id: 'o-x', arn: ORGANIZATION.Organization.Arn, masterAccountId: ACCOUNT, featureSet: 'ALL' },
        scps: [{ id: 'p-abcd1234', arn: SCP_SUMMARY.Arn, name: 'hipaa-eligible-only', description: 'HIPAA-eligible services only', awsManaged: false, document: JSON.parse(content) }],
        scpsUnavailable: null,
      },
    });
    expect(
      sources({ 'organizations/describe-organization.json': ORGANIZATION, 'organizations/list-policies.json.error': cliError('AccessDeniedException', 'ListPolicies', 'You don\'t have permissions to access this resource.') }).organizations,
    ).toMatchObject({ status: 'ok', data: { inOrganization: true, scps: null, scpsUnavailable: 'AccessDeniedException: You don\'t have permissions to access this resource.' } });
    // An SCP listed but not exported is not "no SCP".
    expect(sources({ 'organizations/describe-organization.json': ORGANIZATION, 'organizations/list-policies.json': { Policies: [SCP_SUMMARY] } }).organizations).toMatchObject({
      status: 'error',
      error: { code: 'NotInImport', message: expect.stringContaining('aws organizations describe-policy --policy-id p-abcd1234') },
    });
  });
});

describe('import of SAML and OIDC providers (list-saml-providers, list-open-id-connect-providers)', () => {
  it('reads both lists, and needs both', () => {
    const saml = { SAMLProviderList: [{ Arn: `arn:aws:iam::${ACCOUNT}:saml-provider/ClinicIdP`, ValidUntil: '2126-11-29T20:00:00Z', CreateDate: '2026-11-29T20:00:00.512000+00:00' }] };
    expect(sources({ 'identity-providers/list-saml-providers.json': saml, 'identity-providers/list-open-id-connect-providers.json': { OpenIDConnectProviderList: [] } }).identityProviders).toEqual({
      status: 'ok',
      data: { saml: [{ arn: saml.SAMLProviderList[0]!.Arn, validUntil: '2126-11-29T20:00:00.000Z', createDate: '2026-11-29T20:00:00.512Z' }], oidc: [] },
    });
    expect(sources({ 'identity-providers/list-saml-providers.json': saml }).identityProviders).toMatchObject({ status: 'error', error: { code: 'NotInImport', message: expect.stringContaining('list-open-id-connect-providers') } });
  });
});

describe('failed calls of the IAM exports, recorded as <file>.error', () => {
  it('reads NoSuchEntity for the password policy as "no policy set", and any other failure as the source\'s error with AWS\'s reason', () => {
    expect(sources({ 'password-policy.json.error': cliError('NoSuchEntity', 'GetAccountPasswordPolicy', 'The Password Policy with domain name 111122223333 cannot be found.') }).passwordPolicy).toEqual({ status: 'ok', data: { policy: null } });
    expect(sources({ 'account-summary.json.error': cliError('AccessDenied', 'GetAccountSummary', 'User is not authorized to perform: iam:GetAccountSummary') }).accountSummary).toEqual({
      status: 'error',
      error: { code: 'AccessDenied', message: 'User is not authorized to perform: iam:GetAccountSummary' },
    });
    // As live: a failed ListRoles leaves the details read, and says why session limits are unknown.
    const details = sources({
      'account-authorization-details.json': { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] },
      'list-roles.json.error': cliError('AccessDenied', 'ListRoles', 'not authorized to perform: iam:ListRoles'),
    }).authorizationDetails;
    expect(details).toMatchObject({ status: 'ok', data: { roleSessionLimitsError: 'iam:ListRoles: AccessDenied: not authorized to perform: iam:ListRoles' } });
    expect(sources({ 'credential-report.csv.error': 'Could not connect to the endpoint URL: "https://iam.amazonaws.com/"\n' }).credentialReport).toEqual({
      status: 'error',
      error: { code: 'ExportFailed', message: 'the export of credential-report.csv failed: Could not connect to the endpoint URL: "https://iam.amazonaws.com/"' },
    });
  });
});
