import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import privilegeEscalation from '../../../src/checks/least-privilege/privilege-escalation.js';
import sessionDuration from '../../../src/checks/least-privilege/session-duration.js';
import { AccountModel } from '../../../src/policy/effective-permissions.js';
import { analyseEscalation } from '../../../src/policy/escalation/index.js';
import { loadSnapshot } from '../../../src/snapshot/load.js';
import { authorizationDetailsSchema, type AuthorizationDetails, type IamRole } from '../../../src/snapshot/schema.js';
import { findingsOf, NOW, withPrincipals } from '../../support/snapshot.js';
import { allow, doc, inline } from './helpers.js';

/**
 * The escalation and session cases of issue 9, kind 6, read as they are from
 * test/fixtures/cases/<name>: authorization details through analyseEscalation and IAM-020, the
 * snapshot through the snapshot loader and IAM-031.
 */

const casePath = (name: string, file: string) => fileURLToPath(new URL(`../../fixtures/cases/${name}/${file}`, import.meta.url));
const caseDetails = (name: string): AuthorizationDetails => authorizationDetailsSchema.parse(JSON.parse(readFileSync(casePath(name, 'snapshot-authorization-details.json'), 'utf8')));
const probe = (details: AuthorizationDetails) => [...analyseEscalation(new AccountModel(details, NOW)).values()].find((r) => r.name === 'probe-role');
const finding = (details: AuthorizationDetails, name = 'probe-role') => findingsOf(privilegeEscalation, withPrincipals(details)).find((f) => f.resourceName === name);

describe('escalation-create-role-boundary-carried', () => {
  const details = caseDetails('escalation-create-role-boundary-carried');

  it('the role created without a boundary cannot be given a policy the grant allows only on bounded roles: PASS, no path', () => {
    expect(probe(details)).toMatchObject({ status: 'none', paths: [] });
    expect(finding(details)?.status).toBe('PASS');
  });

  it('a CreateRole grant whose boundary caps nothing still leads to administrator, carried through every step', () => {
    const adminArn = 'arn:aws:iam::aws:policy/AdministratorAccess';
    const bounded = (boundary: string) => ({ Condition: { StringEquals: { 'iam:PermissionsBoundary': boundary } } });
    const role = (boundary: string): IamRole => ({
      ...details.roles[0]!,
      attachedPolicies: [],
      inlinePolicies: [inline('p', doc(allow(['iam:CreateRole', 'iam:PutRolePolicy'], 'arn:aws:iam::*:role/app-*', bounded(boundary)), allow('sts:AssumeRole')))],
    });
    const admin = { ...details.policies[0]!, name: 'AdministratorAccess', arn: adminArn, document: doc(allow('*')) };
    const withBoundary = (boundary: string) => ({ ...details, roles: [role(boundary)], policies: [admin] });
    expect(probe(withBoundary(adminArn))).toMatchObject({ status: 'escalates', paths: [{ method: 'iam:CreateRole' }] });
    expect(probe(withBoundary('arn:aws:iam::aws:policy/ReadOnlyAccess'))?.status).toBe('none');
  });
});

describe('escalation-ec2-user-data', () => {
  const details = caseDetails('escalation-ec2-user-data');
  const USER_DATA = 'ec2:ModifyInstanceAttribute+ec2:StopInstances+ec2:StartInstances';
  const withProfiles = (profiles: IamRole['instanceProfiles']): AuthorizationDetails => ({
    ...details,
    roles: details.roles.map((r) => ({ ...r, instanceProfiles: r.name === 'admin-target' ? profiles : [] })),
  });

  it('as given (no instance profiles known): FAIL, depends on an instance running as admin-target', () => {
    const f = finding(details);
    expect(f?.status).toBe('FAIL');
    expect(f?.evidence.certainty).toBe('depends');
    const paths = probe(details)?.paths ?? [];
    expect(paths.map((p) => p.method)).toContain(USER_DATA);
    const userData = paths.find((p) => p.method === USER_DATA);
    expect(userData).toMatchObject({ certainty: 'depends', target: 'role admin-target', chain: ['role admin-target', 'administrator'] });
    expect(userData?.steps.map((s) => s.action)).toEqual(['ec2:ModifyInstanceAttribute', 'ec2:StopInstances', 'ec2:StartInstances']);
    expect(paths.map((p) => p.method)).toContain('ec2:CreateLaunchTemplateVersion+autoscaling');
  });

  it('with admin-target in an instance profile: still depends (whether an instance runs with it is not in the snapshot), and says which profile', () => {
    const profile = { name: 'admin-profile', id: 'AIPAADMIN', arn: 'arn:aws:iam::111122223333:instance-profile/admin-profile', path: '/', roles: ['arn:aws:iam::111122223333:role/admin-target'] };
    const result = probe(withProfiles([profile]));
    expect(result?.status).toBe('escalates');
    expect(result?.paths.every((p) => p.certainty === 'depends')).toBe(true);
    expect(result?.paths.find((p) => p.method === USER_DATA)?.notes.join(' ')).toContain('instance');
  });

  it('with admin-target known to be in no instance profile: no instance runs as it, PASS', () => {
    expect(probe(withProfiles([]))?.status).toBe('none');
    expect(finding(withProfiles([]))?.status).toBe('PASS');
  });
});

describe('iam:PassRole+ec2:RunInstances once instance profiles are known', () => {
  const details = caseDetails('escalation-ec2-user-data');
  const launcher = (actions: string[], profiles: IamRole['instanceProfiles']): AuthorizationDetails => ({
    ...details,
    roles: details.roles.map((r) =>
      r.name === 'probe-role' ? { ...r, attachedPolicies: [], inlinePolicies: [inline('p', doc(allow(actions)))], instanceProfiles: [] } : { ...r, instanceProfiles: r.name === 'admin-target' ? profiles : [] },
    ),
  });
  const runInstances = (d: AuthorizationDetails) => probe(d)?.paths.find((p) => p.method === 'iam:PassRole+ec2:RunInstances');
  const profile = { name: 'admin-profile', id: 'AIPAADMIN', arn: 'arn:aws:iam::111122223333:instance-profile/admin-profile', path: '/', roles: ['arn:aws:iam::111122223333:role/admin-target'] };

  it('is definite when a profile holds the role', () => {
    expect(runInstances(launcher(['iam:PassRole', 'ec2:RunInstances'], [profile]))).toMatchObject({ certainty: 'definite', notes: ['instance profile admin-profile holds the role'] });
  });

  it('needs the role put in a profile when it is in none', () => {
    expect(runInstances(launcher(['iam:PassRole', 'ec2:RunInstances'], []))).toBeUndefined();
    expect(runInstances(launcher(['iam:PassRole', 'ec2:RunInstances', 'iam:AddRoleToInstanceProfile'], []))?.certainty).toBe('depends');
    const made = runInstances(launcher(['iam:PassRole', 'ec2:RunInstances', 'iam:AddRoleToInstanceProfile', 'iam:CreateInstanceProfile'], []));
    expect(made?.certainty).toBe('definite');
    expect(made?.steps.map((s) => s.action)).toEqual(['iam:PassRole', 'iam:CreateInstanceProfile', 'iam:AddRoleToInstanceProfile', 'ec2:RunInstances']);
  });
});

describe('trust-action-wildcard (IAM-031, through the snapshot loader)', () => {
  it('a trust statement written sts:AssumeRole* still lets people in: FAIL, 12 h over 4 h', () => {
    const snapshot = loadSnapshot(casePath('trust-action-wildcard', 'snapshot.json'));
    const findings = findingsOf(sessionDuration, snapshot);
    expect(findings.map((f) => [f.resourceName, f.status])).toEqual([['people', 'FAIL']]);
    expect(findings[0]?.message).toBe('people: sessions may last 12 h (limit 4 h)');
  });
});
