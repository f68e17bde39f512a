import { describe, expect, it } from 'vitest';
import federation from '../../../src/checks/least-privilege/federation.js';
import inlinePolicies from '../../../src/checks/least-privilege/inline-policies.js';
import sessionDuration from '../../../src/checks/least-privilege/session-duration.js';
import supportRole from '../../../src/checks/least-privilege/support-role.js';
import userDirectPolicies from '../../../src/checks/least-privilege/user-direct-policies.js';
import userInGroup from '../../../src/checks/least-privilege/user-in-group.js';
import type { PolicyDocument } from '../../../src/snapshot/schema.js';
import { ACCOUNT, findingsOf, iamGroup, iamRole, iamUser, reportRow, snapshotWith, statusByResource, withPrincipals } from '../../support/snapshot.js';

const DOC: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] };
const inline = [{ name: 'ad-hoc', document: DOC }];
const SERVICE_LINKED = iamRole('AWSServiceRoleForSupport', { path: '/aws-service-role/support.amazonaws.com/', inlinePolicies: inline });
const trust = (principal: unknown, action = 'sts:AssumeRole'): PolicyDocument => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: action }] });

describe('inline-policies (IAM-016)', () => {
  it('fails every principal with an inline policy and leaves service-linked roles alone', () => {
    const snapshot = withPrincipals({
      users: [iamUser('alice', { inlinePolicies: inline }), iamUser('bob')],
      groups: [iamGroup('ops', { inlinePolicies: inline })],
      roles: [iamRole('app'), iamRole('etl', { inlinePolicies: inline }), SERVICE_LINKED],
    });
    expect(statusByResource(inlinePolicies, snapshot)).toEqual({ alice: 'FAIL', bob: 'PASS', ops: 'FAIL', app: 'PASS', etl: 'FAIL' });
  });
});

describe('user-direct-policies (IAM-017)', () => {
  it.each([
    ['an attached managed policy', iamUser('u', { attachedPolicies: [{ name: 'p', arn: `arn:aws:iam::${ACCOUNT}:policy/p` }] }), 'FAIL'],
    ['an inline policy', iamUser('u', { inlinePolicies: inline }), 'FAIL'],
    ['only groups', iamUser('u', { groups: ['staff'] }), 'PASS'],
  ])('%s → %s', (_label, user, status) => {
    expect(statusByResource(userDirectPolicies, withPrincipals({ users: [user] }))).toEqual({ u: status });
  });
});

describe('user-in-group (IAM-018)', () => {
  it('fails users in no group', () => {
    expect(statusByResource(userInGroup, withPrincipals({ users: [iamUser('a', { groups: ['x'] }), iamUser('b')] }))).toEqual({ a: 'PASS', b: 'FAIL' });
  });
  it('is NOT_APPLICABLE without users', () => {
    expect(findingsOf(userInGroup, withPrincipals({})).map((f) => f.status)).toEqual(['NOT_APPLICABLE']);
  });
});

describe('support-role (IAM-030)', () => {
  it.each([
    ['a role with AWSSupportAccess', [iamRole('incident', { attachedPolicies: [{ name: 'AWSSupportAccess', arn: 'arn:aws:iam::aws:policy/AWSSupportAccess' }] })], 'PASS'],
    ['only the service-linked support role', [iamRole('AWSServiceRoleForSupport', { path: '/aws-service-role/support.amazonaws.com/', attachedPolicies: [{ name: 'AWSSupportServiceRolePolicy', arn: 'arn:aws:iam::aws:policy/aws-service-role/AWSSupportServiceRolePolicy' }] })], 'FAIL'],
    ['no role', [], 'FAIL'],
  ])('%s → %s', (_label, roles, status) => {
    expect(findingsOf(supportRole, withPrincipals({ roles })).map((f) => f.status)).toEqual([status]);
  });
});

describe('session-duration (IAM-031)', () => {
  it.each([
    ['SAML role of 12 h', trust({ Federated: `arn:aws:iam::${ACCOUNT}:saml-provider/Okta` }, 'sts:AssumeRoleWithSAML'), 43200, 'FAIL'],
    ['SAML role of 4 h', trust({ Federated: `arn:aws:iam::${ACCOUNT}:saml-provider/Okta` }, 'sts:AssumeRoleWithSAML'), 14400, 'PASS'],
    ['account-trusted role of 8 h', trust({ AWS: `arn:aws:iam::${ACCOUNT}:root` }), 28800, 'FAIL'],
    ['cross-account role of 1 h', trust({ AWS: '999988887777' }), 3600, 'PASS'],
    // Trust actions are read with the engine's wildcards (issue 9, case trust-action-wildcard).
    ['account-trusted role of 12 h, action sts:AssumeRole*', trust({ AWS: `arn:aws:iam::${ACCOUNT}:root` }, 'sts:AssumeRole*'), 43200, 'FAIL'],
    ['SAML role of 12 h, action sts:Assume?oleWithSAML', trust({ Federated: `arn:aws:iam::${ACCOUNT}:saml-provider/Okta` }, 'sts:Assume?oleWithSAML'), 43200, 'FAIL'],
    ['account-trusted role of 12 h, action STS:ASSUMEROLE', trust({ AWS: `arn:aws:iam::${ACCOUNT}:root` }, 'STS:ASSUMEROLE'), 43200, 'FAIL'],
  ])('%s → %s', (_label, assumeRolePolicy, maxSessionDuration, status) => {
    expect(statusByResource(sessionDuration, withPrincipals({ roles: [iamRole('r', { assumeRolePolicy, maxSessionDuration })] }))).toEqual({ r: status });
  });

  it('ignores roles only services assume, and statements that start no session', () => {
    const roles = [iamRole('ec2-app', { maxSessionDuration: 43200 }), iamRole('tagging', { assumeRolePolicy: trust({ AWS: `arn:aws:iam::${ACCOUNT}:root` }, 'sts:TagSession'), maxSessionDuration: 43200 })];
    expect(findingsOf(sessionDuration, withPrincipals({ roles })).map((f) => f.status)).toEqual(['NOT_APPLICABLE']);
  });
});

describe('federation (IAM-032)', () => {
  const SAML = { arn: `arn:aws:iam::${ACCOUNT}:saml-provider/Okta`, validUntil: null, createDate: null };
  const GITHUB = { arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` };
  const account = (saml: (typeof SAML)[], oidc: (typeof GITHUB)[], consoleUsers: string[], roles = [iamRole('app')]) =>
    snapshotWith((s) => {
      s.sources.identityProviders = { status: 'ok', data: { saml, oidc } };
      s.sources.credentialReport = { status: 'ok', data: { generatedAt: null, rows: consoleUsers.map((u) => reportRow(u, { password_enabled: 'true' })) } };
      s.sources.authorizationDetails = { status: 'ok', data: { users: [], groups: [], roles, policies: [] } };
    });
  it.each([
    ['SAML and no console users', account([SAML], [], []), 'PASS'],
    ['Identity Center roles and no console users', account([], [], [], [iamRole('AWSReservedSSO_Admin_abc', { path: '/aws-reserved/sso.amazonaws.com/' })]), 'PASS'],
    ['SAML but IAM console users remain', account([SAML], [], ['alice']), 'FAIL'],
    ['only a GitHub Actions OIDC provider (workloads, not people)', account([], [GITHUB], []), 'FAIL'],
    ['nothing', account([], [], ['alice']), 'FAIL'],
  ])('%s → %s', (_label, snapshot, status) => {
    expect(findingsOf(federation, snapshot).map((f) => f.status)).toEqual([status]);
  });

  it('is ERROR when identity providers could not be listed', () => {
    const snapshot = snapshotWith((s) => {
      s.sources.identityProviders = { status: 'error', error: { code: 'AccessDenied', message: 'iam:ListSAMLProviders' } };
    });
    expect(findingsOf(federation, snapshot).map((f) => f.status)).toEqual(['ERROR']);
  });
});
