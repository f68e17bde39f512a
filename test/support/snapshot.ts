import type { Check, Finding, Status } from '../../src/checks/check.js';
import { runChecks } from '../../src/checks/engine.js';
import { DEFAULT_SETTINGS } from '../../src/settings.js';
import { snapshotSchema, type AuthorizationDetails, type CredentialReportRow, type IamGroup, type IamRole, type IamUser, type ManagedPolicy, type PasswordPolicy, type PolicyDocument, type Snapshot } from '../../src/snapshot/schema.js';

export const ACCOUNT = '123456789012';
export const NOW = new Date('2026-11-20T12:00:00Z');

/** A valid snapshot of an empty account with every source collected; tests patch what they need. */
export function emptySnapshot(): Snapshot {
  return snapshotSchema.parse({
    schemaVersion: 1,
    tool: { name: 'hipaa-iam', version: 'test' },
    accountId: ACCOUNT,
    collectedAt: NOW.toISOString(),
    origin: { kind: 'demo', description: 'unit test' },
    collection: { startedAt: NOW.toISOString(), finishedAt: NOW.toISOString(), calls: {} },
    sources: {
      callerIdentity: { status: 'ok', data: { account: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/auditor`, userId: 'AIDATEST' } },
      credentialReport: { status: 'ok', data: { generatedAt: NOW.toISOString(), rows: [] } },
      authorizationDetails: { status: 'ok', data: { users: [], groups: [], roles: [], policies: [] } },
      accountSummary: { status: 'ok', data: { summaryMap: { AccountMFAEnabled: 0 } } },
      virtualMfaDevices: { status: 'ok', data: { devices: [] } },
      passwordPolicy: { status: 'ok', data: { policy: null } },
      identityProviders: { status: 'ok', data: { saml: [], oidc: [] } },
      cloudTrail: { status: 'ok', data: { region: 'us-east-1', trails: [] } },
      organizations: { status: 'ok', data: { inOrganization: false } },
      accessAnalyzer: { status: 'ok', data: { regionSource: 'ec2:DescribeRegions', regions: {} } },
      identityCenter: { status: 'ok', data: { region: 'us-east-1', instances: [] } },
    },
  });
}

/** Applies a patch to a fresh empty snapshot, then checks it is still a valid snapshot. */
export function snapshotWith(patch: (s: Snapshot) => void): Snapshot {
  const snapshot = emptySnapshot();
  patch(snapshot);
  return snapshotSchema.parse(snapshot);
}

export function reportRow(user: string, fields: Partial<CredentialReportRow> = {}): CredentialReportRow {
  return {
    user,
    arn: `arn:aws:iam::${ACCOUNT}:user/${user}`,
    user_creation_time: '2026-01-01T00:00:00+00:00',
    password_enabled: 'false',
    password_last_used: 'N/A',
    mfa_active: 'false',
    access_key_1_active: 'false',
    access_key_2_active: 'false',
    ...fields,
  };
}

export function iamUser(name: string, fields: Partial<IamUser> = {}): IamUser {
  return {
    name,
    id: `AIDA${name.toUpperCase()}`,
    arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
    path: '/',
    createDate: '2026-01-01T00:00:00Z',
    groups: [],
    inlinePolicies: [],
    attachedPolicies: [],
    permissionsBoundary: null,
    tags: [],
    ...fields,
  };
}

export function findingsOf(check: Check, snapshot: Snapshot): Finding[] {
  return runChecks([check], snapshot, DEFAULT_SETTINGS, NOW);
}

/** Status per resource name, the shape most table rows assert. */
export function statusByResource(check: Check, snapshot: Snapshot): Record<string, Status> {
  return Object.fromEntries(findingsOf(check, snapshot).map((f) => [f.resourceName, f.status]));
}

export function iamRole(name: string, fields: Partial<IamRole> = {}): IamRole {
  return {
    name,
    id: `AROA${name.toUpperCase()}`,
    arn: `arn:aws:iam::${ACCOUNT}:role${fields.path ?? '/'}${name}`,
    path: '/',
    createDate: '2026-01-01T00:00:00Z',
    assumeRolePolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
    inlinePolicies: [],
    attachedPolicies: [],
    permissionsBoundary: null,
    maxSessionDuration: 3600,
    lastUsed: null,
    tags: [],
    ...fields,
  };
}

export function iamGroup(name: string, fields: Partial<IamGroup> = {}): IamGroup {
  return { name, id: `AGPA${name.toUpperCase()}`, arn: `arn:aws:iam::${ACCOUNT}:group/${name}`, path: '/', createDate: '2026-01-01T00:00:00Z', inlinePolicies: [], attachedPolicies: [], ...fields };
}

/** A customer-managed policy of the test account. */
export function customerPolicy(name: string, document: PolicyDocument | null, fields: Partial<ManagedPolicy> = {}): ManagedPolicy {
  return {
    name,
    id: `ANPA${name.toUpperCase()}`,
    arn: `arn:aws:iam::${ACCOUNT}:policy/${name}`,
    path: '/',
    awsManaged: false,
    defaultVersionId: 'v1',
    attachmentCount: 1,
    permissionsBoundaryUsageCount: 0,
    isAttachable: true,
    document,
    ...fields,
  };
}

/** A snapshot whose authorization details hold just these principals and policies. */
export function withPrincipals(details: Partial<AuthorizationDetails>): Snapshot {
  return snapshotWith((s) => {
    s.sources.authorizationDetails = { status: 'ok', data: { users: [], groups: [], roles: [], policies: [], ...details } };
  });
}

/** A password policy that meets the baseline of CONTROLS.md on every parameter; tests change what they judge. */
export function compliantPasswordPolicy(fields: Partial<PasswordPolicy> = {}): PasswordPolicy {
  return {
    minimumPasswordLength: 14,
    requireSymbols: true,
    requireNumbers: true,
    requireUppercaseCharacters: true,
    requireLowercaseCharacters: true,
    allowUsersToChangePassword: true,
    expirePasswords: true,
    maxPasswordAge: 90,
    passwordReusePrevention: 24,
    hardExpiry: false,
    ...fields,
  };
}
