import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import mfaEnforcement from '../../src/checks/mfa-audit/mfa-enforcement.js';
import { judgeMfaDeny } from '../../src/policy/mfa-deny.js';
import { planMfaEnforcement } from '../../src/remediate/mfa-enforcement.js';
import { loadSnapshot } from '../../src/snapshot/load.js';
import type { PolicyStatement } from '../../src/snapshot/schema.js';
import { findingsOf, iamUser, reportRow, snapshotWith } from '../support/snapshot.js';

/**
 * Issue 9, kind 4: deny-without-MFA written another way. Each case is read as it is from
 * test/fixtures/cases/<name>: the snapshots through the snapshot loader, IAM-009 and the
 * `mfa-audit --enforce` planner; the statements through judgeMfaDeny on a user, and IAM-009 on
 * a console user holding them.
 */
const casePath = (name: string) => new URL(`../fixtures/cases/${name}`, import.meta.url).pathname;
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

describe('mfa-deny-extra-condition-key: other keys that hold for every request the user makes', () => {
  const snapshot = loadSnapshot(casePath('mfa-deny-extra-condition-key/snapshot.json'));
  const control = loadSnapshot(casePath('mfa-deny-extra-condition-key/control-region-really-narrows/snapshot.json'));

  it('IAM-009 passes alice: aws:ViaAWSService is false on every request she sends herself', () => {
    const [finding] = findingsOf(mfaEnforcement, snapshot);
    expect(finding?.resourceName).toBe('alice');
    expect(finding?.status).toBe('PASS');
    expect(finding?.evidence.enforcingPolicies).toEqual(['group administrators: managed policy mandatory-mfa (BlockMostAccessUnlessSignedInWithMFA) [BoolIfExists]']);
  });

  it('mfa-audit --enforce plans no change', () => {
    const plan = planMfaEnforcement(snapshot);
    expect(plan.changes).toEqual([]);
    expect(plan.blocked).toEqual([]);
    expect(plan.unchanged).toContain('user alice is already subject to a deny-without-MFA policy');
  });

  it('the control, a region key that really narrows the Deny, still fails with the reason', () => {
    const [finding] = findingsOf(mfaEnforcement, control);
    expect(finding?.status).toBe('FAIL');
    expect(finding?.message).toBe('alice is not subject to any deny-without-MFA policy (group administrators: managed policy mandatory-mfa (BlockMostAccessUnlessSignedInWithMFA): the Deny applies only when StringEquals aws:RequestedRegion also holds)');
  });

  it('… and on the control, mfa-audit --enforce plans the four changes it did before', () => {
    expect(planMfaEnforcement(control).changes.map((c) => `${c.change.kind} ${c.target}`)).toEqual([
      'create-policy arn:aws:iam::111122223333:policy/deny-without-mfa',
      'create-group group human-users',
      'attach-group-policy group human-users',
      'add-user-to-group user alice',
    ]);
  });
});

describe('deny-without-MFA statements in other forms, on a user', () => {
  const alice = iamUser('alice');
  const statementOf = (name: string) => readJson<PolicyStatement>(casePath(`${name}/statement.json`));
  /** IAM-009 for a console user holding Allow * and the case's Deny, as the case's setup says. */
  const iam009 = (statement: PolicyStatement) =>
    findingsOf(
      mfaEnforcement,
      snapshotWith((s) => {
        s.sources.credentialReport = { status: 'ok', data: { generatedAt: null, rows: [reportRow('alice', { password_enabled: 'true' })] } };
        s.sources.authorizationDetails = { status: 'ok', data: { users: [iamUser('alice', { inlinePolicies: [{ name: 'case', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, statement] } }] })], groups: [], roles: [], policies: [] } };
      }),
    )[0];

  it('mfa-deny-null-mfa-age: Null aws:MultiFactorAuthAge true enforces MFA', () => {
    const statement = statementOf('mfa-deny-null-mfa-age');
    expect(readJson<{ expected: string }>(casePath('mfa-deny-null-mfa-age/result.json')).expected).toBe('enforces (PASS for a console user)');
    expect(judgeMfaDeny(statement, { kind: 'user', user: alice })).toEqual({ enforces: true, reason: 'denies everything but MFA self-service without MFA', operator: 'Null' });
    expect(iam009(statement)?.status).toBe('PASS');
  });

  it('mfa-deny-stringequals-false: undetermined, so it stays FAIL, with the reason', () => {
    const statement = statementOf('mfa-deny-stringequals-false');
    const result = readJson<{ expected: string; hipaaReason: string }>(casePath('mfa-deny-stringequals-false/result.json'));
    expect(result.expected).toBe('undetermined');
    const verdict = judgeMfaDeny(statement, { kind: 'user', user: alice });
    expect(verdict?.enforces).toBe(false);
    expect(verdict?.reason).toBe(result.hipaaReason);
    const finding = iam009(statement);
    expect(finding?.status).toBe('FAIL');
    expect(finding?.message).toContain('uses StringEquals on aws:MultiFactorAuthPresent, not Bool or BoolIfExists');
  });
});
