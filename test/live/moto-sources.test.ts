import { CloudTrailClient, CreateTrailCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { CreateSAMLProviderCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateOrganizationCommand, CreatePolicyCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotSchema, type Snapshot } from '../../src/snapshot/schema.js';
import { hipaaIam, tempDir } from '../support/cli.js';
import { createBucket, motoInstalled, startMoto, type Moto } from '../support/moto.js';

const ACCOUNT = '123456789012'; // moto's default account
// A secret no snapshot may hold; moto accepts any keys.
const SECRET = 'moto-secret-key-never-in-a-snapshot';
const SAML_METADATA = `<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.clinic.example/">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"/>
</md:EntityDescriptor>`;
const ELIGIBLE_ONLY = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'HipaaEligibleOnly', Effect: 'Deny', NotAction: ['s3:*', 'rds:*', 'kms:*'], Resource: '*' }],
};

describe.skipIf(!motoInstalled)('live path: CloudTrail, federation, Organizations and Access Analyzer against moto', () => {
  let moto: Moto;
  let env: Record<string, string>;
  const dir = tempDir('moto-sources');

  const collect = (name: string, extra: string[] = []) => {
    const file = join(dir, name);
    const result = hipaaIam(['collect', '--save', file, ...extra], env);
    const text = readFileSync(file, 'utf8');
    return { result, text, snapshot: snapshotSchema.parse(JSON.parse(text)) as Snapshot };
  };

  beforeAll(async () => {
    moto = await startMoto();
    env = { ...moto.env, AWS_SECRET_ACCESS_KEY: SECRET };
    const config = (region: string) => ({ endpoint: moto.endpoint, region, credentials: { accessKeyId: 'testing', secretAccessKey: SECRET } });
    await createBucket(moto.endpoint, 'clinic-trail-logs', 'us-east-1');
    await createBucket(moto.endpoint, 'clinic-audit-logs', 'us-west-2');
    const east = new CloudTrailClient(config('us-east-1'));
    const west = new CloudTrailClient(config('us-west-2'));
    // A local trail that was never started, and a compliant multi-region trail homed in another region.
    await east.send(new CreateTrailCommand({ Name: 'clinic-local', S3BucketName: 'clinic-trail-logs' }));
    await west.send(
      new CreateTrailCommand({
        Name: 'clinic-all-regions',
        S3BucketName: 'clinic-audit-logs',
        IsMultiRegionTrail: true,
        EnableLogFileValidation: true,
        KmsKeyId: `arn:aws:kms:us-west-2:${ACCOUNT}:key/6f1c2e4a-9b3d-4c2a-8e7f-0a1b2c3d4e5f`,
      }),
    );
    await west.send(new StartLoggingCommand({ Name: 'clinic-all-regions' }));
    const iam = new IAMClient(config('us-east-1'));
    await iam.send(new CreateSAMLProviderCommand({ Name: 'ClinicIdP', SAMLMetadataDocument: SAML_METADATA }));
    for (const client of [east, west, iam]) client.destroy();
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it('collects trails, providers and "not in an organization", and records Access Analyzer as the error it is', () => {
    const { result, text, snapshot } = collect('standalone.json');

    expect(result.status).toBe(0);
    // moto answers GetEventSelectors with no selector at all, which AWS never does: each trail's selectors are a part in error, and the summary names them.
    expect(result.stdout).toContain('(sources with errors: accessAnalyzer; parts with errors: cloudTrail trail clinic-local: event selectors; cloudTrail trail clinic-all-regions: event selectors)');
    const { identityProviders, cloudTrail, organizations, accessAnalyzer } = snapshot.sources;

    expect(identityProviders).toEqual({
      status: 'ok',
      data: {
        saml: [{ arn: `arn:aws:iam::${ACCOUNT}:saml-provider/ClinicIdP`, validUntil: expect.stringMatching(/^\d{4}-/), createDate: expect.stringMatching(/^\d{4}-/) }],
        oidc: [],
      },
    });

    if (cloudTrail.status !== 'ok') throw new Error(`cloudTrail: ${JSON.stringify(cloudTrail.error)}`);
    expect(cloudTrail.data.region).toBe('us-east-1');
    const trails = Object.fromEntries(cloudTrail.data.trails.map(({ status, eventSelectors, ...trail }) => [trail.name, { trail, status, eventSelectors }]));
    expect(Object.keys(trails).sort()).toEqual(['clinic-all-regions', 'clinic-local']);
    expect(trails['clinic-local']?.trail).toEqual({
      name: 'clinic-local',
      arn: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/clinic-local`,
      homeRegion: 'us-east-1',
      isMultiRegionTrail: false,
      isOrganizationTrail: false,
      includeGlobalServiceEvents: true,
      logFileValidationEnabled: false,
      kmsKeyId: null,
      cloudWatchLogsLogGroupArn: null,
      s3BucketName: 'clinic-trail-logs',
    });
    expect(trails['clinic-local']?.status).toMatchObject({ status: 'ok', data: { isLogging: false } });
    // Homed in us-west-2 and seen from us-east-1 as a shadow trail: its status is read at home.
    expect(trails['clinic-all-regions']?.trail).toMatchObject({
      homeRegion: 'us-west-2',
      isMultiRegionTrail: true,
      logFileValidationEnabled: true,
      kmsKeyId: `arn:aws:kms:us-west-2:${ACCOUNT}:key/6f1c2e4a-9b3d-4c2a-8e7f-0a1b2c3d4e5f`,
    });
    expect(trails['clinic-all-regions']?.status).toMatchObject({ status: 'ok', data: { isLogging: true, startLoggingTime: expect.stringMatching(/^\d{4}-/) } });
    // moto answers a trail never given selectors with two empty lists; AWS never does (it answers with the
    // default selector), so what the trail logs is unknown: an error, no longer "logs everything".
    expect(trails['clinic-all-regions']?.eventSelectors).toEqual({ status: 'error', error: { code: 'MalformedAnswer', message: expect.stringContaining('GetEventSelectors answered with no basic or advanced selector') } });

    expect(organizations).toEqual({ status: 'ok', data: { inOrganization: false } });

    // moto answers Access Analyzer with a 500 HTML page in every region: an error, never "no analyzer".
    expect(accessAnalyzer).toEqual({
      status: 'error',
      error: { code: 'SyntaxError', message: expect.stringMatching(/^could not be read in any of the \d+ region\(s\) checked \(ec2:DescribeRegions\); .*\(HTTP 500\)$/) },
    });
    const regionCount = Number(/any of the (\d+) region/.exec(accessAnalyzer.status === 'error' ? accessAnalyzer.error.message : '')?.[1]);
    expect(regionCount).toBeGreaterThan(1);

    const calls = snapshot.collection.calls;
    expect(calls.identityProviders?.operations).toEqual({ ListSAMLProviders: 1, ListOpenIDConnectProviders: 1 });
    expect(calls.cloudTrail?.operations).toEqual({ DescribeTrails: 1, GetTrailStatus: 2, GetEventSelectors: 2 });
    expect(calls.organizations?.operations).toEqual({ DescribeOrganization: 1 });
    // One ListAnalyzers per enabled region, retried as a server error should be.
    expect(calls.accessAnalyzer?.operations).toEqual({ DescribeRegions: 1, ListAnalyzers: regionCount });
    expect(calls.accessAnalyzer?.attempts).toBeGreaterThan(regionCount + 1);

    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('EntityDescriptor');
  });

  it('reads the organization and its SCPs from the management account, in the regions named by --regions', async () => {
    const organizationsClient = new OrganizationsClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: SECRET } });
    const { Organization: created } = await organizationsClient.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    await organizationsClient.send(
      new CreatePolicyCommand({ Name: 'hipaa-eligible-only', Description: 'HIPAA-eligible services only', Type: 'SERVICE_CONTROL_POLICY', Content: JSON.stringify(ELIGIBLE_ONLY) }),
    );
    organizationsClient.destroy();

    const { result, snapshot } = collect('in-organization.json', ['--regions', 'us-east-1,us-west-2']);

    expect(result.status).toBe(0);
    const { organizations, accessAnalyzer } = snapshot.sources;
    if (organizations.status !== 'ok' || !organizations.data.inOrganization) throw new Error(`organizations: ${JSON.stringify(organizations)}`);
    expect(organizations.data.organization).toEqual({ id: created?.Id, arn: created?.Arn, masterAccountId: ACCOUNT, featureSet: 'ALL' });
    expect(organizations.data.scpsUnavailable).toBeNull();
    const scps = Object.fromEntries((organizations.data.scps ?? []).map((scp) => [scp.name, scp]));
    expect(scps['hipaa-eligible-only']).toMatchObject({ awsManaged: false, description: 'HIPAA-eligible services only', document: ELIGIBLE_ONLY });
    expect(scps.FullAWSAccess).toMatchObject({ awsManaged: true, document: { Statement: expect.anything() } });

    expect(accessAnalyzer).toMatchObject({ status: 'error', error: { message: expect.stringMatching(/^could not be read in any of the 2 region\(s\) checked \(--regions\); us-east-1: /) } });
    const calls = snapshot.collection.calls;
    expect(calls.organizations?.operations).toEqual({ DescribeOrganization: 1, ListPolicies: 1, DescribePolicy: organizations.data.scps?.length });
    expect(calls.accessAnalyzer?.operations).toEqual({ ListAnalyzers: 2 });
  });

  it('refuses a --regions value that names no region, before calling AWS', () => {
    const result = hipaaIam(['collect', '--save', join(dir, 'never.json'), '--regions', 'us-east-1,everywhere'], env);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('not a region name: everywhere');
  });
});
