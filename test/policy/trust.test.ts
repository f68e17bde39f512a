import { describe, expect, it } from 'vitest';
import sessionDuration from '../../src/checks/least-privilege/session-duration.js';
import { principalContext, principalOfUser } from '../../src/policy/effective-permissions.js';
import { isAssumedByPeople, namedPrincipals, readTrust, trustedPrincipals, trustedServices, trustFor } from '../../src/policy/trust.js';
import type { PolicyDocument, PolicyStatement } from '../../src/snapshot/schema.js';
import { ACCOUNT, iamRole, iamUser, NOW, statusByResource, withPrincipals } from '../support/snapshot.js';

/**
 * The one trust-policy reader (src/policy/trust.ts): every way of writing a trust statement's
 * action that covers a session-starting action as IAM matches it (wildcards, case, NotAction)
 * reads the same, for the session check (IAM-031) and for the escalation search (trustFor) alike.
 */

const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const SAML = `arn:aws:iam::${ACCOUNT}:saml-provider/Okta`;
const OIDC = `arn:aws:iam::${ACCOUNT}:oidc-provider/login.example.com`;
const ALICE = iamUser('alice');
const trustOf = (...statements: PolicyStatement[]): PolicyDocument => ({ Version: '2012-10-17', Statement: statements });
const allowing = (principal: unknown, action: { Action: string | string[] } | { NotAction: string | string[] }, extra: Partial<PolicyStatement> = {}): PolicyStatement => ({ Effect: 'Allow', Principal: principal, ...action, ...extra }) as PolicyStatement;
const role = (document: PolicyDocument, maxSessionDuration = 43200) => iamRole('people', { assumeRolePolicy: document, maxSessionDuration });
const sessionVerdict = (document: PolicyDocument) => statusByResource(sessionDuration, withPrincipals({ roles: [role(document)] }));
const escalationTrust = (document: PolicyDocument) => trustFor(role(document), principalOfUser(ALICE), principalContext(principalOfUser(ALICE), NOW)).kind;

/** Ways of writing an Action/NotAction that cover sts:AssumeRole as IAM reads them. */
const ASSUME_ROLE_FORMS: [string, { Action: string | string[] } | { NotAction: string | string[] }][] = [
  ['sts:AssumeRole', { Action: 'sts:AssumeRole' }],
  ['STS:ASSUMEROLE', { Action: 'STS:ASSUMEROLE' }],
  ['sts:AssumeRole*', { Action: 'sts:AssumeRole*' }],
  ['sts:Assume*', { Action: 'sts:Assume*' }],
  ['sts:*', { Action: 'sts:*' }],
  ['*', { Action: '*' }],
  ['sts:Assume?ole', { Action: 'sts:Assume?ole' }],
  ['a list with sts:TagSession', { Action: ['sts:TagSession', 'sts:AssumeRole'] }],
  ['NotAction sts:TagSession', { NotAction: 'sts:TagSession' }],
  ['NotAction s3:*', { NotAction: 's3:*' }],
  ['NotAction sts:AssumeRoleWith*', { NotAction: 'sts:AssumeRoleWith*' }],
];

/** … and that cover sts:AssumeRoleWithSAML. */
const SAML_FORMS: [string, { Action: string | string[] } | { NotAction: string | string[] }][] = [
  ['sts:AssumeRoleWithSAML', { Action: 'sts:AssumeRoleWithSAML' }],
  ['sts:assumerolewithsaml', { Action: 'sts:assumerolewithsaml' }],
  ['sts:AssumeRole*', { Action: 'sts:AssumeRole*' }],
  ['sts:AssumeRoleWith*', { Action: 'sts:AssumeRoleWith*' }],
  ['sts:*', { Action: 'sts:*' }],
  ['*', { Action: '*' }],
  ['NotAction sts:AssumeRole', { NotAction: 'sts:AssumeRole' }],
  ['NotAction iam:*', { NotAction: 'iam:*' }],
];

describe('session-duration (IAM-031) reads every form of the trust action as IAM does', () => {
  // Before the trust reader read actions through the engine's matcher (main at 9605a72), only
  // sts:AssumeRole, sts:AssumeRoleWithSAML, sts:AssumeRoleWithWebIdentity, sts:* and * counted:
  // sts:AssumeRole*, sts:Assume*, sts:Assume?ole, sts:AssumeRoleWith* and every NotAction form gave
  // NOT_APPLICABLE ("no role is trusted by … account principals"), a missed FAIL.
  it.each(ASSUME_ROLE_FORMS)('the account trusted with %s, 12 h sessions: FAIL', (_form, action) => {
    expect(sessionVerdict(trustOf(allowing({ AWS: ROOT }, action)))).toEqual({ people: 'FAIL' });
  });

  it.each(SAML_FORMS)('a SAML provider trusted with %s, 12 h sessions: FAIL', (_form, action) => {
    expect(sessionVerdict(trustOf(allowing({ Federated: SAML }, action)))).toEqual({ people: 'FAIL' });
  });

  it('a role of 4 h trusted with sts:* passes', () => {
    expect(statusByResource(sessionDuration, withPrincipals({ roles: [role(trustOf(allowing({ AWS: ROOT }, { Action: 'sts:*' })), 14400)] }))).toEqual({ people: 'PASS' });
  });

  it('the escalation search reads the same forms the same way: alice\'s account is trusted', () => {
    for (const [form, action] of ASSUME_ROLE_FORMS) expect(escalationTrust(trustOf(allowing({ AWS: ROOT }, action))), form).toBe('account');
    for (const [form, action] of ASSUME_ROLE_FORMS) expect(escalationTrust(trustOf(allowing({ AWS: ALICE.arn }, action))), form).toBe('named');
  });
});

describe('readTrust: who may assume the role, by which action', () => {
  it('pairs each kind of principal with the action AWS accepts for it', () => {
    const trust = readTrust(role(trustOf(allowing({ AWS: ROOT, Service: 'lambda.amazonaws.com', Federated: [SAML, OIDC, 'accounts.google.com'] }, { Action: 'sts:*' }))));
    expect(trust.statements[0]?.trustees).toEqual([
      { kind: 'aws', value: ROOT, action: 'sts:AssumeRole' },
      { kind: 'service', value: 'lambda.amazonaws.com', action: 'sts:AssumeRole' },
      { kind: 'saml', value: SAML, action: 'sts:AssumeRoleWithSAML' },
      { kind: 'webIdentity', value: OIDC, action: 'sts:AssumeRoleWithWebIdentity' },
      { kind: 'webIdentity', value: 'accounts.google.com', action: 'sts:AssumeRoleWithWebIdentity' },
    ]);
  });

  it('a principal whose action the statement does not cover is not let in (session-duration and escalation agree)', () => {
    // An account principal cannot call sts:AssumeRoleWithSAML: this statement lets nobody in.
    const samlOnly = trustOf(allowing({ AWS: ROOT }, { Action: 'sts:AssumeRoleWithSAML' }));
    expect(isAssumedByPeople(role(samlOnly))).toBe(false);
    expect(escalationTrust(samlOnly)).toBe('none');
    // A SAML provider's users cannot call sts:AssumeRole.
    expect(trustedPrincipals(role(trustOf(allowing({ Federated: SAML }, { Action: 'sts:AssumeRole' }))))).toEqual({ federated: [], aws: [], services: [] });
    // Nor do statements that start no session.
    expect(readTrust(role(trustOf(allowing({ AWS: ROOT }, { Action: ['sts:TagSession', 'sts:SetSourceIdentity'] })))).statements).toEqual([]);
  });

  it('"*" as the Principal, or as Principal.AWS, is anyone', () => {
    expect(trustedPrincipals(role(trustOf(allowing('*', { Action: 'sts:AssumeRole*' }))))).toEqual({ federated: [], aws: ['*'], services: [] });
    expect(escalationTrust(trustOf(allowing('*', { Action: 'sts:*' })))).toBe('named');
    expect(namedPrincipals(role(trustOf(allowing({ AWS: '*' }, { NotAction: 'sts:TagSession' }))))).toMatchObject({ anyone: true });
  });

  it('an explicit Deny in the trust policy, in any form of the action, wins for the escalation search', () => {
    for (const [form, action] of ASSUME_ROLE_FORMS) {
      const document = trustOf(allowing({ AWS: ALICE.arn }, { Action: 'sts:AssumeRole' }), { ...allowing({ AWS: ALICE.arn }, action), Effect: 'Deny' });
      expect(escalationTrust(document), form).toBe('explicitDeny');
    }
  });

  it('services are read through the same forms', () => {
    for (const [form, action] of ASSUME_ROLE_FORMS) {
      expect(trustedServices(role(trustOf(allowing({ Service: 'lambda.amazonaws.com' }, action)))).map((t) => t.service), form).toEqual(['lambda.amazonaws.com']);
    }
  });
});
