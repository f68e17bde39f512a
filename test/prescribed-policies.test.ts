import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import adminAccessCheck from '../src/checks/least-privilege/admin-access.js';
import boundaryStrength from '../src/checks/boundary/boundary-strength.js';
import mfaEnforcement from '../src/checks/mfa-audit/mfa-enforcement.js';
import nonEligibleServices from '../src/checks/least-privilege/non-eligible-services.js';
import privilegeEscalation from '../src/checks/least-privilege/privilege-escalation.js';
import { partPath, policyFileText } from '../src/cli/scp-command.js';
import { BUILT_IN_ELIGIBLE_SERVICES } from '../src/hipaa/eligible-services.js';
import { buildHipaaBoundary, MANAGED_POLICY_MAX_CHARS } from '../src/hipaa/permissions-boundary.js';
import { buildHipaaScp, SCP_MAX_CHARS, scpSize } from '../src/hipaa/scp-allowlist.js';
import { statementsOf } from '../src/policy/document.js';
import { canDo, userPermissions } from '../src/policy/effective-permissions.js';
import { documentEnforcesMfa } from '../src/policy/mfa-deny.js';
import { DENY_WITHOUT_MFA_DOCUMENT } from '../src/policy/prescribed.js';
import type { PolicyDocument } from '../src/snapshot/schema.js';
import { allowedOnPath, FULL_AWS_ACCESS } from './hipaa/support/scp-evaluator.js';
import { attachment, awsManagedPolicy } from './policy/managed-policies.js';
import { customerPolicy, findingsOf, iamGroup, iamUser, NOW, reportRow, snapshotWith, statusByResource, withPrincipals } from './support/snapshot.js';

const shipped = (name: string) => readFileSync(new URL(`../policies/${name}`, import.meta.url), 'utf8');
const BOUNDARY = buildHipaaBoundary(BUILT_IN_ELIGIBLE_SERVICES);

describe('the policies shipped in policies/ are what the code generates (npm run policies rewrites them)', () => {
  it.each([
    ['deny-without-mfa.json', DENY_WITHOUT_MFA_DOCUMENT],
    ['permissions-boundary.json', BOUNDARY],
    ['hipaa-scp-allowlist.json', buildHipaaScp(BUILT_IN_ELIGIBLE_SERVICES, { form: 'deny-not-action' }).documents[0]!],
  ] as [string, PolicyDocument][])('%s', (file, document) => {
    expect(shipped(file)).toBe(policyFileText(document));
  });
});

describe('hipaa-scp-allowlist.json, as shipped', () => {
  const scp = JSON.parse(shipped('hipaa-scp-allowlist.json')) as PolicyDocument;
  const path = [[FULL_AWS_ACCESS], [FULL_AWS_ACCESS, scp]];

  it.each([
    ['s3:GetObject', true],
    ['memorydb:CreateCluster', true],
    ['acm-pca:IssueCertificate', true],
    ['qbusiness:Chat', true],
    ['bedrock-agentcore:InvokeAgentRuntime', true],
    ['workspaces-web:CreatePortal', true],
    ['route53-recovery-readiness:CreateCell', true],
    ['aidevops:CreateAgentSpace', true],
    ['support-console:CreateCaseDraft', true],
    ['billing:GetBillingData', true],
    ['robomaker:CreateSimulationJob', false],
    ['sms:CreateReplicationJob', false],
    ['qdeveloper:StartAgentSession', false],
    ['lightsail:CreateInstances', false],
    ['gamelift:CreateFleet', false],
    ['supportapp:CreateSlackChannelConfiguration', false],
  ] as [string, boolean][])('beside FullAWSAccess: %s allowed is %s', (action, allowed) => {
    expect(allowedOnPath(path, action)).toBe(allowed);
  });

  it(`fits one SCP of AWS's ${SCP_MAX_CHARS} characters, in the Deny form`, () => {
    expect(scpSize(scp)).toBeLessThanOrEqual(SCP_MAX_CHARS);
    expect(statementsOf(scp)).toHaveLength(1);
  });
});

describe('deny-without-mfa.json', () => {
  it('is judged an MFA enforcement, and a console user in a group carrying it passes IAM-009', () => {
    expect(documentEnforcesMfa(DENY_WITHOUT_MFA_DOCUMENT)).toBe(true);
    const policy = customerPolicy('deny-without-mfa', DENY_WITHOUT_MFA_DOCUMENT);
    const snapshot = snapshotWith((s) => {
      s.sources.credentialReport = { status: 'ok', data: { generatedAt: NOW.toISOString(), rows: [reportRow('alice', { password_enabled: 'true' }), reportRow('bob', { password_enabled: 'true' })] } };
      s.sources.authorizationDetails = {
        status: 'ok',
        data: { users: [iamUser('alice', { groups: ['human-users'] }), iamUser('bob')], groups: [iamGroup('human-users', { attachedPolicies: [attachment(policy)] })], roles: [], policies: [policy] },
      };
    });
    expect(statusByResource(mfaEnforcement, snapshot)).toEqual({ alice: 'PASS', bob: 'FAIL' });
  });

  it('lets a user without MFA enrol only their own device', () => {
    const policy = customerPolicy('deny-without-mfa', DENY_WITHOUT_MFA_DOCUMENT);
    const user = iamUser('alice', { attachedPolicies: [attachment(policy)] });
    const perms = userPermissions(user, { users: [user], groups: [], roles: [], policies: [policy] }, NOW);
    expect(canDo(perms, { action: 'iam:EnableMFADevice', resource: { kind: 'exact', arn: user.arn } }).verdict).toBe('allowed');
    expect(canDo(perms, { action: 'iam:EnableMFADevice', resource: { kind: 'exact', arn: 'arn:aws:iam::123456789012:user/bob' } }).verdict).not.toBe('allowed');
    expect(canDo(perms, { action: 's3:GetObject' }).verdict).not.toBe('allowed');
  });
});

describe('permissions-boundary.json', () => {
  const boundary = customerPolicy('permissions-boundary-base', BOUNDARY);
  const admin = awsManagedPolicy('AdministratorAccess');
  const bounded = iamUser('ops', { attachedPolicies: [attachment(admin)], permissionsBoundary: { arn: boundary.arn, type: 'Policy' } });
  const unbounded = iamUser('root-like', { attachedPolicies: [attachment(admin)] });
  const snapshot = withPrincipals({ users: [bounded, unbounded], policies: [boundary, admin] });
  const perms = userPermissions(bounded, { users: [bounded], groups: [], roles: [], policies: [boundary, admin] }, NOW);

  it(`fits AWS's ${MANAGED_POLICY_MAX_CHARS}-character limit for a managed policy`, () => {
    expect(JSON.stringify(BOUNDARY).length).toBeLessThanOrEqual(MANAGED_POLICY_MAX_CHARS);
  });

  it('passes boundary-strength (IAM-023) with no permission-changing IAM action left to review', () => {
    const [finding] = findingsOf(boundaryStrength, snapshot);
    expect(finding).toMatchObject({ status: 'PASS', resourceName: 'permissions-boundary-base', evidence: { permissionChangingActionsAllowed: [] } });
  });

  it.each([
    ['s3:GetObject', 'allowed'],
    ['dynamodb:PutItem', 'allowed'],
    ['iam:ListUsers', 'allowed'],
    ['gamelift:CreateFleet', 'implicitDeny'],
    // Eligible since the 2022 list, and the control plane IAM-030's support role uses.
    ['memorydb:CreateCluster', 'allowed'],
    ['bedrock-agentcore:InvokeAgentRuntime', 'allowed'],
    ['arc-zonal-shift:StartZonalShift', 'allowed'],
    ['health-agent:CreateAgent', 'allowed'],
    ['support-console:CreateCaseDraft', 'allowed'],
    ['supportplans:GetSupportPlan', 'allowed'],
    // No longer eligible (RoboMaker), not on the 2026 list (Q Developer), never eligible (Lightsail).
    ['robomaker:CreateSimulationJob', 'implicitDeny'],
    ['qdeveloper:StartAgentSession', 'implicitDeny'],
    ['lightsail:CreateInstances', 'implicitDeny'],
    ['iam:DeleteUserPermissionsBoundary', 'explicitDeny'],
    ['iam:PutRolePermissionsBoundary', 'explicitDeny'],
    ['iam:CreatePolicyVersion', 'explicitDeny'],
    ['iam:AttachUserPolicy', 'explicitDeny'],
    ['iam:CreateUser', 'explicitDeny'],
    ['iam:PassRole', 'explicitDeny'],
    ['cloudtrail:StopLogging', 'explicitDeny'],
    ['cloudtrail:DeleteTrail', 'explicitDeny'],
    ['access-analyzer:DeleteAnalyzer', 'explicitDeny'],
  ])('caps an administrator: %s is %s', (action, verdict) => {
    expect(canDo(perms, { action }).verdict).toBe(verdict);
  });

  it('keeps an AdministratorAccess user from escalating and from services that are not eligible', () => {
    expect(statusByResource(privilegeEscalation, snapshot).ops).not.toBe('FAIL');
    // Services eligible only in part stay allowed, so a person confirms their caveats: MANUAL, not FAIL.
    const eligibility = Object.fromEntries(findingsOf(nonEligibleServices, snapshot).map((f) => [f.resourceName, f]));
    expect(eligibility['root-like']?.status).toBe('FAIL');
    expect(eligibility.ops?.status).toBe('MANUAL');
    expect(eligibility.ops?.message).toMatch(/^user ops reaches services eligible only in part;/);
    // admin-access judges the attached policy itself, boundary or not: it still reports it.
    expect(Object.values(statusByResource(adminAccessCheck, snapshot))).toContain('FAIL');
  });
});

describe('partPath: where each part of a split SCP is saved', () => {
  it.each([
    ['scp.json', 1, 1, 'scp.json'],
    ['scp.json', 2, 3, 'scp.part2.json'],
    ['out/hipaa.scp.json', 1, 2, 'out/hipaa.scp.part1.json'],
    ['out.d/scp', 2, 2, 'out.d/scp.part2'],
  ] as const)('%s, part %i of %i → %s', (path, part, parts, expected) => {
    expect(partPath(path, part, parts)).toBe(expected);
  });
});
