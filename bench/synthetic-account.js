// A generated account of the shapes real accounts hold, for the benches: principals users and
// roles (60 % users), managed policies of six shapes, 200 groups, a credential report row per user.
import { snapshotSchema } from '../dist/snapshot/schema.js';

const ACCOUNT = '123456789012';
export const NOW = '2026-11-20T12:00:00.000Z';

/** Policies of the shapes real accounts hold: narrow grants, service wildcards, conditions, denies, PassRole. */
function policyDocument(i) {
  const services = ['s3', 'dynamodb', 'rds', 'kms', 'sqs', 'lambda', 'ec2', 'logs', 'iam', 'glue', 'sagemaker', 'cloudformation'];
  const service = services[i % services.length];
  switch (i % 6) {
    case 0:
      return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: [`${service}:Get*`, `${service}:List*`, `${service}:Describe*`], Resource: '*' }] };
    case 1:
      return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: `${service}:*`, Resource: `arn:aws:${service}:us-east-1:${ACCOUNT}:thing/team-${i}/*` }] };
    case 2:
      return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction'], Resource: '*', Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } } }] };
    case 3:
      return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' }, { Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' }] };
    case 4:
      return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: '*', Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } }] };
    default:
      return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:CreatePolicyVersion', 'iam:AttachUserPolicy'], Resource: `arn:aws:iam::${ACCOUNT}:policy/team-${i}-*` }] };
  }
}

/** A validated Snapshot of `principalCount` principals (users + roles) and `policyCount` customer-managed policies. */
export function generateSnapshot(principalCount, policyCount) {
  const policies = Array.from({ length: policyCount }, (_, i) => ({
    name: `policy-${i}`, id: `ANPA${i}`, arn: `arn:aws:iam::${ACCOUNT}:policy/policy-${i}`, path: '/', awsManaged: false,
    defaultVersionId: 'v1', attachmentCount: 4, permissionsBoundaryUsageCount: 0, isAttachable: true, document: policyDocument(i),
  }));
  const attached = (i, n) => Array.from({ length: n }, (_, k) => ({ name: `policy-${(i * 7 + k * 13) % policyCount}`, arn: `arn:aws:iam::${ACCOUNT}:policy/policy-${(i * 7 + k * 13) % policyCount}` }));
  const groupCount = 200;
  const groups = Array.from({ length: groupCount }, (_, i) => ({
    name: `group-${i}`, id: `AGPA${i}`, arn: `arn:aws:iam::${ACCOUNT}:group/group-${i}`, path: '/', createDate: NOW,
    inlinePolicies: i % 10 === 0 ? [{ name: 'inline', document: policyDocument(i) }] : [], attachedPolicies: attached(i, 3),
  }));
  const userCount = Math.floor(principalCount * 0.6);
  const users = Array.from({ length: userCount }, (_, i) => ({
    name: `user-${i}`, id: `AIDA${i}`, arn: `arn:aws:iam::${ACCOUNT}:user/user-${i}`, path: '/', createDate: NOW,
    groups: [`group-${i % groupCount}`, `group-${(i * 3) % groupCount}`], inlinePolicies: i % 50 === 0 ? [{ name: 'inline', document: policyDocument(i) }] : [],
    attachedPolicies: i % 5 === 0 ? attached(i, 2) : [], permissionsBoundary: null, tags: [],
  }));
  const roles = Array.from({ length: principalCount - userCount }, (_, i) => ({
    name: `role-${i}`, id: `AROA${i}`, arn: `arn:aws:iam::${ACCOUNT}:role/role-${i}`, path: '/', createDate: NOW,
    assumeRolePolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: i % 3 === 0 ? { AWS: `arn:aws:iam::${ACCOUNT}:root` } : { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
    inlinePolicies: i % 20 === 0 ? [{ name: 'inline', document: policyDocument(i) }] : [], attachedPolicies: attached(i, 3),
    permissionsBoundary: i % 2 === 0 ? { arn: `arn:aws:iam::${ACCOUNT}:policy/policy-${i % policyCount}`, type: 'PermissionsBoundaryPolicy' } : null,
    maxSessionDuration: 3600, lastUsed: null, tags: [],
  }));
  const root = {
    user: '<root_account>', arn: `arn:aws:iam::${ACCOUNT}:root`, user_creation_time: '2020-01-01T00:00:00+00:00', password_enabled: 'not_supported',
    password_last_used: '2025-01-01T00:00:00+00:00', mfa_active: 'true', access_key_1_active: 'false', access_key_2_active: 'false',
  };
  const reportRows = users.map((u, i) => ({
    user: u.name, arn: u.arn, user_creation_time: '2025-01-01T00:00:00+00:00', password_enabled: i % 2 === 0 ? 'true' : 'false',
    password_last_used: '2026-11-01T00:00:00+00:00', password_last_changed: '2025-01-01T00:00:00+00:00', mfa_active: i % 3 === 0 ? 'false' : 'true',
    access_key_1_active: i % 4 === 0 ? 'true' : 'false', access_key_1_last_rotated: '2026-01-01T00:00:00+00:00', access_key_1_last_used_date: '2026-11-10T00:00:00+00:00',
    access_key_2_active: 'false', access_key_2_last_rotated: 'N/A', access_key_2_last_used_date: 'N/A',
  }));
  return snapshotSchema.parse({
    schemaVersion: 1, tool: { name: 'hipaa-iam', version: 'bench' }, accountId: ACCOUNT, collectedAt: NOW,
    origin: { kind: 'demo', description: 'generated benchmark account' },
    collection: { startedAt: NOW, finishedAt: NOW, calls: {} },
    sources: {
      callerIdentity: { status: 'ok', data: { account: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/bench`, userId: 'AIDABENCH' } },
      credentialReport: { status: 'ok', data: { generatedAt: NOW, rows: [root, ...reportRows] } },
      authorizationDetails: { status: 'ok', data: { users, groups, roles, policies } },
      accountSummary: { status: 'ok', data: { summaryMap: { AccountMFAEnabled: 1, AccountAccessKeysPresent: 0 } } },
      virtualMfaDevices: { status: 'ok', data: { devices: [] } },
      passwordPolicy: { status: 'ok', data: { policy: null } },
      identityProviders: { status: 'ok', data: { saml: [], oidc: [] } },
      cloudTrail: { status: 'ok', data: { region: 'us-east-1', trails: [] } },
      organizations: { status: 'ok', data: { inOrganization: false } },
      accessAnalyzer: { status: 'ok', data: { regionSource: 'ec2:DescribeRegions', regions: { 'us-east-1': { status: 'ok', data: { analyzers: [], findings: [] } } } } },
      // Read, and no IAM Identity Center instance in the region (absent, a snapshot reads as saved before it was collected: ERROR).
      identityCenter: { status: 'ok', data: { region: 'us-east-1', instances: [] } },
    },
  });
}

