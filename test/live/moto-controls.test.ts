import { CloudTrailClient, CreateTrailCommand, PutEventSelectorsCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import {
  AttachRolePolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateSAMLProviderCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hipaaIam, readFindings, runFolders, tempDir, verdicts } from '../support/cli.js';
import { createBucket, motoInstalled, startMoto, type Moto } from '../support/moto.js';

const ACCOUNT = '123456789012';
const SAML_METADATA = `<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.clinic.example/"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"/></md:EntityDescriptor>`;
const trustSaml = (provider: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: provider }, Action: 'sts:AssumeRoleWithSAML' }] });
const trustEc2 = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

/**
 * Traps a new user's account might hold: a user with two keys, an inline wildcard, a role
 * without a boundary beside one with, a SAML role with a 12-hour session, a support role,
 * and a single-region trail without validation beside a compliant multi-region one.
 */
describe.skipIf(!motoInstalled)('live path: credentials, hygiene, boundary and trail controls against moto', () => {
  let moto: Moto;
  const out = tempDir('moto-controls');

  beforeAll(async () => {
    moto = await startMoto({ MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' });
    const config = { endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
    const iam = new IAMClient(config);
    await iam.send(new CreateUserCommand({ UserName: 'two-keys' }));
    await iam.send(new CreateAccessKeyCommand({ UserName: 'two-keys' }));
    await iam.send(new CreateAccessKeyCommand({ UserName: 'two-keys' }));
    await iam.send(new CreateUserCommand({ UserName: 'wildcard' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'wildcard', PolicyName: 'everything-s3', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }) }));
    const boundary = await iam.send(new CreatePolicyCommand({ PolicyName: 'hipaa-boundary', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:*', 'dynamodb:*'], Resource: '*' }] }) }));
    await iam.send(new CreateRoleCommand({ RoleName: 'bounded-app', AssumeRolePolicyDocument: trustEc2, PermissionsBoundary: boundary.Policy?.Arn }));
    await iam.send(new CreateRoleCommand({ RoleName: 'unbounded-app', AssumeRolePolicyDocument: trustEc2 }));
    const saml = await iam.send(new CreateSAMLProviderCommand({ Name: 'ClinicIdP', SAMLMetadataDocument: SAML_METADATA }));
    await iam.send(new CreateRoleCommand({ RoleName: 'idp-long-sessions', AssumeRolePolicyDocument: trustSaml(saml.SAMLProviderArn!), MaxSessionDuration: 43200 }));
    await iam.send(new CreateRoleCommand({ RoleName: 'idp-support', AssumeRolePolicyDocument: trustSaml(saml.SAMLProviderArn!), MaxSessionDuration: 3600 }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'idp-support', PolicyArn: 'arn:aws:iam::aws:policy/AWSSupportAccess' }));

    await createBucket(moto.endpoint, 'trail-logs', 'us-east-1');
    const trails = new CloudTrailClient(config);
    await trails.send(new CreateTrailCommand({ Name: 'local-only', S3BucketName: 'trail-logs' }));
    await trails.send(new CreateTrailCommand({ Name: 'all-regions', S3BucketName: 'trail-logs', IsMultiRegionTrail: true, EnableLogFileValidation: true }));
    await trails.send(new StartLoggingCommand({ Name: 'all-regions' }));
    // AWS gives a new trail its default selector (all management events); moto gives none, which reads as unknown.
    await trails.send(new PutEventSelectorsCommand({ TrailName: 'all-regions', EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] }));
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it('reaches the right verdict on each trap, and ERROR (never PASS) where moto cannot answer', () => {
    const result = hipaaIam(['audit', '--out', out, '--regions', 'us-east-1'], moto.env);
    expect(result.status).toBe(3); // Access Analyzer and the root row are missing in moto
    const findings = readFindings(runFolders(out, ACCOUNT)[0]!).findings;
    expect(verdicts(findings)).toMatchObject({
      'multiple-active-keys two-keys': 'FAIL',
      'inline-policies wildcard': 'FAIL',
      'user-direct-policies wildcard': 'FAIL',
      'user-in-group two-keys': 'FAIL',
      'permissions-boundary bounded-app': 'PASS',
      'permissions-boundary unbounded-app': 'FAIL',
      'session-duration idp-long-sessions': 'FAIL',
      'session-duration idp-support': 'PASS',
      'support-role idp-support': 'PASS',
      'cloudtrail-multi-region all-regions': 'PASS',
      'cloudtrail-log-validation all-regions': 'PASS',
      'cloudtrail-log-validation local-only': 'FAIL',
      'cloudtrail-kms local-only': 'FAIL',
      'root-recent-use 123456789012': 'ERROR',
      'access-analyzer-enabled 123456789012': 'ERROR',
      'access-analyzer-findings 123456789012': 'ERROR',
    });
    expect(findings.filter((f) => f.controlId.startsWith('access-analyzer')).every((f) => f.status === 'ERROR')).toBe(true);
  });

  it('each subcommand writes its own CSV', () => {
    const groupOut = tempDir('moto-groups');
    for (const [command, file] of [['credentials', 'credentials.csv'], ['boundary', 'boundary.csv'], ['audit-trail', 'audit-trail.csv']] as const) {
      const result = hipaaIam([command, '--out', groupOut, '--regions', 'us-east-1'], moto.env);
      expect(result.status, command).toBe(command === 'credentials' ? 3 : 1);
      const runDir = runFolders(groupOut, ACCOUNT).at(-1)!;
      expect(readFindings(runDir).findings.length, command).toBeGreaterThan(0);
      expect(existsSync(join(runDir, file)), file).toBe(true);
    }
  });
});
