import { describe, expect, it } from 'vitest';
import mfaEnforcement from '../../src/checks/mfa-audit/mfa-enforcement.js';
import type { Status } from '../../src/checks/check.js';
import type { AuthorizationDetails, ManagedPolicy, PolicyDocument } from '../../src/snapshot/schema.js';
import { ACCOUNT, customerPolicy, findingsOf, iamGroup, iamUser, reportRow, snapshotWith, statusByResource } from '../support/snapshot.js';

const DENY_WITHOUT_MFA: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Deny',
      NotAction: ['iam:EnableMFADevice', 'iam:CreateVirtualMFADevice', 'sts:GetSessionToken'],
      Resource: '*',
      Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
    },
  ],
};
const LEAKY: PolicyDocument = { Statement: { Effect: 'Deny', NotAction: ['iam:EnableMFADevice', 'ec2:*'], Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } } };
const POLICY_ARN = `arn:aws:iam::${ACCOUNT}:policy/deny-without-mfa`;

const managed = (document: PolicyDocument | null): ManagedPolicy => customerPolicy('deny-without-mfa', document);
const attached = { name: 'deny-without-mfa', arn: POLICY_ARN };

/** One console user "alice" with the given authorization details. */
const aliceWith = (details: Partial<AuthorizationDetails>, consoleAccess = 'true') =>
  snapshotWith((s) => {
    s.sources.credentialReport = { status: 'ok', data: { generatedAt: null, rows: [reportRow('alice', { password_enabled: consoleAccess, mfa_active: 'false' })] } };
    s.sources.authorizationDetails = { status: 'ok', data: { users: [], groups: [], roles: [], policies: [], ...details } };
  });

describe('mfa-enforcement (IAM-009)', () => {
  it.each<[string, Partial<AuthorizationDetails>, Status]>([
    ['managed policy through a group', { users: [iamUser('alice', { groups: ['human-users'] })], groups: [iamGroup('human-users', { attachedPolicies: [attached] })], policies: [managed(DENY_WITHOUT_MFA)] }, 'PASS'],
    ['inline policy on a group', { users: [iamUser('alice', { groups: ['human-users'] })], groups: [iamGroup('human-users', { inlinePolicies: [{ name: 'mfa', document: DENY_WITHOUT_MFA }] })] }, 'PASS'],
    ['inline policy on the user', { users: [iamUser('alice', { inlinePolicies: [{ name: 'mfa', document: DENY_WITHOUT_MFA }] })] }, 'PASS'],
    ['managed policy on the user', { users: [iamUser('alice', { attachedPolicies: [attached] })], policies: [managed(DENY_WITHOUT_MFA)] }, 'PASS'],
    ['in its permissions boundary', { users: [iamUser('alice', { permissionsBoundary: { arn: POLICY_ARN, type: 'Policy' } })], policies: [managed(DENY_WITHOUT_MFA)] }, 'PASS'],
    ['no policy at all', { users: [iamUser('alice')] }, 'FAIL'],
    ['a group without the policy', { users: [iamUser('alice', { groups: ['staff'] })], groups: [iamGroup('staff', {})] }, 'FAIL'],
    ['a deny that exempts a whole service', { users: [iamUser('alice', { inlinePolicies: [{ name: 'mfa', document: LEAKY }] })] }, 'FAIL'],
    ['the policy exists but reaches someone else', { users: [iamUser('alice'), iamUser('bob', { attachedPolicies: [attached] })], policies: [managed(DENY_WITHOUT_MFA)] }, 'FAIL'],
    ['attached policy whose document is not in the snapshot', { users: [iamUser('alice', { attachedPolicies: [attached] })] }, 'ERROR'],
    ['a group the snapshot does not hold', { users: [iamUser('alice', { groups: ['ghosts'] })] }, 'ERROR'],
  ])('%s → %s', (_label, details, status) => {
    expect(statusByResource(mfaEnforcement, aliceWith(details)).alice).toBe(status);
  });

  it('does not fail a user without a console password', () => {
    expect(statusByResource(mfaEnforcement, aliceWith({ users: [iamUser('alice')] }, 'false')).alice).toBe('NOT_APPLICABLE');
  });

  it('names the enforcing policy in the evidence', () => {
    const [finding] = findingsOf(
      mfaEnforcement,
      aliceWith({ users: [iamUser('alice', { groups: ['human-users'] })], groups: [iamGroup('human-users', { attachedPolicies: [attached] })], policies: [managed(DENY_WITHOUT_MFA)] }),
    );
    expect(finding?.evidence.enforcingPolicies).toEqual(['group human-users: managed policy deny-without-mfa [BoolIfExists]']);
  });

  it('explains a near miss in the failure message', () => {
    const [finding] = findingsOf(mfaEnforcement, aliceWith({ users: [iamUser('alice', { inlinePolicies: [{ name: 'mfa', document: LEAKY }] })] }));
    expect(finding?.status).toBe('FAIL');
    expect(finding?.message).toContain('ec2:*');
  });

  it('is ERROR when authorization details are unavailable', () => {
    const snapshot = snapshotWith((s) => {
      s.sources.credentialReport = { status: 'ok', data: { generatedAt: null, rows: [reportRow('alice', { password_enabled: 'true' })] } };
      s.sources.authorizationDetails = { status: 'error', error: { code: 'AccessDenied', message: 'iam:GetAccountAuthorizationDetails' } };
    });
    expect(findingsOf(mfaEnforcement, snapshot).map((f) => f.status)).toEqual(['ERROR']);
  });
});
