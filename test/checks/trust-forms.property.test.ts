import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/checks/check.js';
import { runChecks } from '../../src/checks/engine.js';
import { ALL_CHECKS } from '../../src/checks/registry.js';
import { DEFAULT_SETTINGS } from '../../src/settings.js';
import type { PolicyDocument, PolicyStatement } from '../../src/snapshot/schema.js';
import { ACCOUNT, iamRole, iamUser, NOW, reportRow, snapshotWith } from '../support/snapshot.js';

/**
 * Equivalent forms of a trust statement's action give every control the same verdicts. Each
 * case is an account (user alice, a console user with MFA, allowed sts:AssumeRole on role
 * people; role people holding every action, with a generated trust policy and maximum session)
 * whose trust statements are written twice, each time picking, for each statement, one of the
 * ways IAM reads as covering the action its principal starts a session with (sts:AssumeRole for
 * account principals and services, sts:AssumeRoleWithSAML for a SAML provider,
 * sts:AssumeRoleWithWebIdentity for an OIDC provider): case, `*` and `?` wildcards, NotAction.
 * Every control runs on both; session-duration (IAM-031) and privilege-escalation (IAM-020) read
 * the trust policy, through the one trust reader.
 *
 * Seeded and reproducible, as test/checks/equivalent-forms.property.test.ts:
 * HIPAA_IAM_PROPERTY_SEED picks another seed, HIPAA_IAM_PROPERTY_RUNS more cases.
 */
const SEED = Number(process.env.HIPAA_IAM_PROPERTY_SEED ?? 20261129);
const RUNS = Number(process.env.HIPAA_IAM_PROPERTY_RUNS ?? 40);

type ActionElement = { Action: string | string[] } | { NotAction: string | string[] };
type Kind = 'account' | 'alice' | 'service' | 'saml' | 'oidc';

const FORMS: Record<'sts:AssumeRole' | 'sts:AssumeRoleWithSAML' | 'sts:AssumeRoleWithWebIdentity', ActionElement[]> = {
  'sts:AssumeRole': [
    { Action: 'sts:AssumeRole' },
    { Action: 'STS:assumeROLE' },
    { Action: ['sts:AssumeRole'] },
    { Action: 'sts:AssumeRole*' },
    { Action: 'sts:Assume*' },
    { Action: 'sts:*' },
    { Action: '*' },
    { Action: 'sts:Assume?ole' },
    { Action: ['sts:TagSession', 'sts:AssumeRole'] },
    { NotAction: 'sts:TagSession' },
    { NotAction: ['s3:*', 'sts:AssumeRoleWithSAML'] },
  ],
  'sts:AssumeRoleWithSAML': [
    { Action: 'sts:AssumeRoleWithSAML' },
    { Action: 'sts:assumerolewithsaml' },
    { Action: 'sts:AssumeRole*' },
    { Action: 'sts:AssumeRoleWith*' },
    { Action: 'sts:*' },
    { Action: '*' },
    { Action: ['sts:TagSession', 'sts:AssumeRoleWithSAML'] },
    { NotAction: 'sts:AssumeRole' },
    { NotAction: 'iam:*' },
  ],
  'sts:AssumeRoleWithWebIdentity': [
    { Action: 'sts:AssumeRoleWithWebIdentity' },
    { Action: 'STS:AssumeRoleWithWebIdentity' },
    { Action: 'sts:AssumeRoleWith*' },
    { Action: 'sts:*' },
    { Action: '*' },
    { NotAction: ['sts:AssumeRole', 'sts:AssumeRoleWithSAML'] },
  ],
};

const PRINCIPALS: Record<Kind, { principal: unknown; action: keyof typeof FORMS }> = {
  account: { principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, action: 'sts:AssumeRole' },
  alice: { principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/alice` }, action: 'sts:AssumeRole' },
  service: { principal: { Service: 'ec2.amazonaws.com' }, action: 'sts:AssumeRole' },
  saml: { principal: { Federated: `arn:aws:iam::${ACCOUNT}:saml-provider/Okta` }, action: 'sts:AssumeRoleWithSAML' },
  oidc: { principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/login.example.com` }, action: 'sts:AssumeRoleWithWebIdentity' },
};

const CONDITIONS: (PolicyStatement['Condition'] | null)[] = [null, null, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }, { DateLessThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } }];

interface TrustStatementCase {
  effect: 'Allow' | 'Deny';
  kind: Kind;
  condition: PolicyStatement['Condition'] | null;
  /** Which form of the action each writing uses (taken modulo the number of forms). */
  forms: [number, number];
}

const statementArb: fc.Arbitrary<TrustStatementCase> = fc.record({
  effect: fc.constantFrom<'Allow' | 'Deny'>('Allow', 'Allow', 'Allow', 'Deny'),
  kind: fc.constantFrom<Kind>('account', 'alice', 'service', 'saml', 'oidc'),
  condition: fc.constantFrom(...CONDITIONS),
  forms: fc.tuple(fc.nat(), fc.nat()),
});
const caseArb = fc.record({
  statements: fc.array(statementArb, { minLength: 1, maxLength: 3 }),
  maxSessionDuration: fc.constantFrom(3600, 43200),
});

function trustDocument(statements: TrustStatementCase[], writing: 0 | 1): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: statements.map((s) => {
      const { principal, action } = PRINCIPALS[s.kind];
      const forms = FORMS[action];
      return { Effect: s.effect, Principal: principal, ...forms[s.forms[writing] % forms.length]!, ...(s.condition ? { Condition: s.condition } : {}) } as PolicyStatement;
    }),
  };
}

function audit(trust: PolicyDocument, maxSessionDuration: number): Finding[] {
  const everything: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
  const assume: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${ACCOUNT}:role/people` }] };
  const snapshot = snapshotWith((s) => {
    s.sources.authorizationDetails = {
      status: 'ok',
      data: {
        users: [iamUser('alice', { inlinePolicies: [{ name: 'assume', document: assume }] })],
        groups: [],
        roles: [iamRole('people', { assumeRolePolicy: trust, maxSessionDuration, inlinePolicies: [{ name: 'everything', document: everything }] })],
        policies: [],
      },
    };
    s.sources.credentialReport = { status: 'ok', data: { generatedAt: NOW.toISOString(), rows: [reportRow('alice', { password_enabled: 'true', mfa_active: 'true', password_last_used: '2026-11-01T00:00:00+00:00' })] } };
  });
  return runChecks(ALL_CHECKS, snapshot, DEFAULT_SETTINGS, NOW);
}

/** Per control, the status of each resource (by name) and its message where the trust decides it. */
function verdicts(findings: Finding[]): Record<string, string> {
  const out: Record<string, string[]> = {};
  for (const f of findings) (out[f.controlId] ??= []).push(`${f.resourceName}:${f.status}`);
  return Object.fromEntries(Object.entries(out).map(([control, items]) => [control, items.sort().join(' ')]));
}

describe(`equivalent forms of a trust statement's action give every control the same verdicts (fast-check, seed ${SEED})`, () => {
  it('each statement written with any form of the action its principal uses', () =>
    fc.assert(
      fc.property(caseArb, ({ statements, maxSessionDuration }) => {
        const first = audit(trustDocument(statements, 0), maxSessionDuration);
        const second = audit(trustDocument(statements, 1), maxSessionDuration);
        expect(verdicts(second)).toEqual(verdicts(first));
        // The session check's own evidence names the same principals whatever the form.
        const evidenceOf = (findings: Finding[]) => findings.filter((f) => f.controlId === 'session-duration').map((f) => f.evidence);
        expect(evidenceOf(second)).toEqual(evidenceOf(first));
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: false },
    ));

  it('the generated trust policies do reach both verdicts of session-duration and of privilege-escalation', () => {
    // Guards the property against a generator that never lets anyone in (which would make it vacuous).
    const seen = new Set<string>();
    fc.assert(
      fc.property(caseArb, ({ statements, maxSessionDuration }) => {
        for (const f of audit(trustDocument(statements, 0), maxSessionDuration)) {
          if (f.controlId === 'session-duration' || (f.controlId === 'privilege-escalation' && f.resourceName === 'alice')) seen.add(`${f.controlId}:${f.status}`);
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: false },
    );
    expect([...seen].sort()).toEqual(expect.arrayContaining(['privilege-escalation:FAIL', 'privilege-escalation:PASS', 'session-duration:FAIL', 'session-duration:NOT_APPLICABLE', 'session-duration:PASS']));
  });
});
