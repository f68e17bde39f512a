import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding, Status } from '../../../src/checks/check.js';
import { runChecks } from '../../../src/checks/engine.js';
import adminAccess from '../../../src/checks/least-privilege/admin-access.js';
import kmsDecryptWildcard from '../../../src/checks/least-privilege/kms-decrypt-wildcard.js';
import privilegeEscalation from '../../../src/checks/least-privilege/privilege-escalation.js';
import serviceWildcard from '../../../src/checks/least-privilege/service-wildcard.js';
import { DEFAULT_SETTINGS } from '../../../src/settings.js';
import { importAwsCliExports } from '../../../src/snapshot/import.js';
import type { Snapshot } from '../../../src/snapshot/schema.js';

const CORPUS = new URL('../../fixtures/iam-vulnerable-authorization-details.json', import.meta.url).pathname;

/**
 * BishopFox iam-vulnerable (test/fixtures/README.md), imported as it is. Its names carry the
 * ground truth: privescN-… (N = 1..21) have an escalation path, fpN-… must not be flagged,
 * fnN-… must be. The other privesc-… principals are this corpus's later additions; where they
 * have a real path we flag them too (see the table below for each, and why).
 */
describe('privilege-escalation (IAM-020) on the iam-vulnerable corpus', () => {
  let snapshot: Snapshot;
  let findings: Finding[];
  let status: Record<string, Status>;

  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'hipaa-iam-corpus-'));
    cpSync(CORPUS, join(dir, 'account-authorization-details.json'));
    snapshot = importAwsCliExports(dir);
    findings = runChecks([privilegeEscalation], snapshot, DEFAULT_SETTINGS, new Date(snapshot.collectedAt));
    status = Object.fromEntries(findings.map((f) => [f.resourceName, f.status]));
  });

  const named = (pattern: RegExp) => Object.keys(status).filter((name) => pattern.test(name));

  it('flags all 42 classic privescN principals (21 users, 21 roles)', () => {
    const classic = named(/^privesc\d+-/);
    expect(classic).toHaveLength(42);
    expect(new Set(classic.map((n) => Number(/^privesc(\d+)-/.exec(n)?.[1])))).toEqual(new Set(Array.from({ length: 21 }, (_, i) => i + 1)));
    expect(classic.filter((n) => status[n] !== 'FAIL')).toEqual([]);
  });

  it('flags none of the 10 fpN principals (false-positive traps)', () => {
    const fp = named(/^fp\d+-/);
    expect(fp).toHaveLength(10);
    expect(Object.fromEntries(fp.map((n) => [n, status[n]]))).toEqual(Object.fromEntries(fp.map((n) => [n, 'PASS'])));
  });

  it('flags all 8 fnN principals (false-negative traps)', () => {
    const fn = named(/^fn\d+-/);
    expect(fn).toHaveLength(8);
    expect(fn.filter((n) => status[n] !== 'FAIL')).toEqual([]);
  });

  it('judges the 26 other privesc-… principals on their real paths (22 flagged, 2 administrators, 2 with nothing to escalate)', () => {
    const others = named(/^privesc-/);
    expect(others).toHaveLength(26);
    expect(Object.fromEntries(others.map((n) => [n, status[n]]))).toEqual({
      // Has no policy at all, and privesc-AssumeRole-starting-role trusts an SSO session, not this user.
      'privesc-AssumeRole-start-user': 'PASS',
      // Trusts an SSO admin session; the intermediate role's trust names it, and the ending role's trust names the intermediate.
      'privesc-AssumeRole-starting-role': 'FAIL',
      'privesc-AssumeRole-intermediate-role': 'FAIL',
      // Holds * on *: an administrator already (admin-access reports it).
      'privesc-AssumeRole-ending-role': 'NOT_APPLICABLE',
      // cloudformation:UpdateStack on an existing stack whose role is an administrator (privesc-high-priv-service-role trusts CloudFormation): depends on such a stack.
      'privesc-CloudFormationUpdateStack-user': 'FAIL',
      'privesc-CloudFormationUpdateStack-role': 'FAIL',
      'privesc-codeBuildCreateProjectPassRole-user': 'FAIL',
      'privesc-codeBuildCreateProjectPassRole-role': 'FAIL',
      // SSH to an instance whose profile holds an administrator role: depends on such an instance.
      'privesc-ec2InstanceConnect-user': 'FAIL',
      'privesc-ec2InstanceConnect-role': 'FAIL',
      'privesc-sageMakerCreateNotebookPassRole-user': 'FAIL',
      'privesc-sageMakerCreateNotebookPassRole-role': 'FAIL',
      'privesc-sageMakerCreatePresignedNotebookURL-user': 'FAIL',
      'privesc-sageMakerCreatePresignedNotebookURL-role': 'FAIL',
      'privesc-sageMakerCreateProcessingJobPassRole-user': 'FAIL',
      'privesc-sageMakerCreateProcessingJobPassRole-role': 'FAIL',
      'privesc-sageMakerCreateTrainingJobPassRole-user': 'FAIL',
      'privesc-sageMakerCreateTrainingJobPassRole-role': 'FAIL',
      // iam:* through its group, and the role that trusts it holds the same policy.
      'privesc-sre-user': 'FAIL',
      'privesc-sre-role': 'FAIL',
      'privesc-ssmSendCommand-user': 'FAIL',
      'privesc-ssmSendCommand-role': 'FAIL',
      'privesc-ssmStartSession-user': 'FAIL',
      'privesc-ssmStartSession-role': 'FAIL',
      // The * on * role that the service paths above end in: an administrator already.
      'privesc-high-priv-service-role': 'NOT_APPLICABLE',
      // Trusts the account but holds no permission: nothing to gain by being it.
      'privesc-permissive-role-trust': 'PASS',
    });
  });

  it('does not report administrators as escalation, and judges the rest of the account', () => {
    expect(Object.fromEntries(Object.entries(status).filter(([n]) => !/^(privesc|fp|fn)/.test(n) && !n.startsWith('AWS-QuickSetup-EnableCRecording')))).toEqual({
      obama: 'NOT_APPLICABLE', // AdministratorAccess, directly and through group admin
      userwithlotsofpermissions: 'NOT_APPLICABLE', // group admin
      biden: 'FAIL', // AWSLambdaFullAccess: iam:PassRole + lambda:* → privesc-high-priv-service-role
      'AWS-QuickSetup-StackSet-Local-AdministrationRole': 'FAIL', // may assume the ExecutionRole, which holds AdministratorAccess
      'AWS-QuickSetup-StackSet-Local-ExecutionRole': 'NOT_APPLICABLE',
      AWSReservedSSO_AdministratorAccess_dc6414f7f2ab04fc: 'NOT_APPLICABLE',
      AWSReservedSSO_ViewOnlyAccess_0ace44bbc7092ea8: 'PASS', // ReadOnlyAccess + ViewOnlyAccess
      OrganizationAccountAccessRole: 'NOT_APPLICABLE',
      'stacksets-exec-b5520cb2730c2f54b523d6375a319abb': 'NOT_APPLICABLE',
      MyRole: 'PASS', // can pass roles and associate instance profiles, but run nothing on an instance
      MyOtherRole: 'PASS',
      OverprivilegedEC2: 'FAIL', // iam:CreateAccessKey on every user: takes over obama
    });
    // 16 Config-recording roles pass roles only to the Config service-linked role.
    expect(named(/^AWS-QuickSetup-EnableCRecording/).map((n) => status[n])).toEqual(Array(16).fill('PASS'));
    // Service-linked roles are left out; every user and other role gets one finding.
    expect(findings).toHaveLength(44 + 78 - 8);
  });

  it('gives the method, the chain and the statement for each flagged principal', () => {
    const chain = findings.find((f) => f.resourceName === 'privesc-AssumeRole-starting-role');
    expect(chain?.evidence.paths).toEqual([
      expect.objectContaining({ method: 'sts:AssumeRole', target: 'role privesc-AssumeRole-intermediate-role', chain: ['role privesc-AssumeRole-intermediate-role', 'role privesc-AssumeRole-ending-role', 'administrator'] }),
    ]);
    const fn2 = findings.find((f) => f.resourceName === 'fn2-exploitableResourceConstraint-user');
    expect((fn2?.evidence.paths as { method: string; steps: { allowedBy: string[] }[] }[])[0]).toMatchObject({
      method: 'iam:CreatePolicyVersion',
      steps: [{ allowedBy: ['user fn2-exploitableResourceConstraint-user: managed policy fn2-exploitableResourceConstraint (statement 0)'] }],
    });
    const classic = findings.filter((f) => /^privesc\d+-/.test(f.resourceName));
    expect(classic.every((f) => Array.isArray(f.evidence.methods) && (f.evidence.methods as string[]).length > 0)).toBe(true);
  });
});

describe('the other policy controls on the iam-vulnerable corpus (IAM-014, IAM-015, IAM-019)', () => {
  let findings: Finding[];
  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'hipaa-iam-corpus-'));
    cpSync(CORPUS, join(dir, 'account-authorization-details.json'));
    const snapshot = importAwsCliExports(dir);
    findings = runChecks([adminAccess, serviceWildcard, kmsDecryptWildcard], snapshot, DEFAULT_SETTINGS, new Date(snapshot.collectedAt));
  });
  const failing = (controlId: string) => findings.filter((f) => f.controlId === controlId && f.status === 'FAIL').map((f) => f.resourceName).sort();

  it('admin-access fails the principals that hold * on * or everything but a set that leaves IAM administration in reach (fn4), and the fp2 user whose Deny cancels it passes', () => {
    expect(failing('admin-access')).toEqual(
      [
        'AWS-QuickSetup-StackSet-Local-ExecutionRole',
        'AWSReservedSSO_AdministratorAccess_dc6414f7f2ab04fc',
        'OrganizationAccountAccessRole',
        'admin',
        // NotAction iam:Update*, iam:Create*, iam:Attach* leaves iam:PutUserPolicy and the rest of IAM administration.
        'fn4-exploitableNotAction-role',
        'fn4-exploitableNotAction-user',
        'obama',
        'privesc-AssumeRole-ending-role',
        'privesc-high-priv-service-role',
        'stacksets-exec-b5520cb2730c2f54b523d6375a319abb',
        'userwithlotsofpermissions',
      ].sort(),
    );
    expect(findings.find((f) => f.controlId === 'admin-access' && f.resourceName === 'fp2-allow-and-deny-multiple-policies-user')?.message).toContain('but a Deny takes it back');
  });

  it('service-wildcard fails the customer policies with *, iam:*/ec2:*/s3:* or NotAction, not fp1 whose Deny takes iam:* back', () => {
    expect(failing('service-wildcard')).toEqual(['fn4-exploitableNotAction', 'fp2-allow-all', 'privesc-AssumeRole-high-priv-policy', 'privesc-high-priv-service-policy', 'privesc-sre-admin-policy']);
    expect(findings.find((f) => f.controlId === 'service-wildcard' && f.resourceName === 'fp1-allow-and-deny')?.status).toBe('PASS');
  });

  it('kms-decrypt-wildcard fails the policies that decrypt with every key (16 Quick Setup inline policies among them)', () => {
    const failed = failing('kms-decrypt-wildcard');
    expect(failed.filter((n) => !n.startsWith('role AWS-QuickSetup'))).toEqual(['fn4-exploitableNotAction', 'fp2-allow-all', 'privesc-AssumeRole-high-priv-policy', 'privesc-high-priv-service-policy']);
    expect(failed.filter((n) => n.startsWith('role AWS-QuickSetup'))).toHaveLength(16);
  });
});
