import { describe, expect, it } from 'vitest';
import { adminAccess, canDo, policyPermissions, type AdminStatus } from '../../src/policy/effective-permissions.js';
import { AccountModel } from '../../src/policy/effective-permissions.js';
import { analyseEscalation } from '../../src/policy/escalation/index.js';
import type { AuthorizationDetails, IamRole, PolicyDocument } from '../../src/snapshot/schema.js';
import { ACCOUNT, NOW, iamRole, iamUser } from '../support/snapshot.js';
import { attachment, awsManagedPolicy, MANAGED_POLICY_NAMES, type ManagedPolicyName } from './managed-policies.js';

const trusting = (service: string): PolicyDocument => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] });

/** One user per AWS managed policy, an administrator, and the given roles. */
function account(roles: IamRole[]): AuthorizationDetails {
  const policies = MANAGED_POLICY_NAMES.map(awsManagedPolicy);
  const users = MANAGED_POLICY_NAMES.map((name) => iamUser(`holds-${name}`, { attachedPolicies: [attachment(awsManagedPolicy(name))] }));
  return { users, groups: [], roles, policies };
}

const adminRole = (name: string, service: string) => iamRole(name, { assumeRolePolicy: trusting(service), attachedPolicies: [attachment(awsManagedPolicy('AdministratorAccess'))] });

describe('AWS managed policies, as AWS wrote them', () => {
  it.each<[ManagedPolicyName, AdminStatus]>([
    ['AdministratorAccess', 'admin'],
    ['PowerUserAccess', 'none'],
    ['ReadOnlyAccess', 'none'],
    ['ViewOnlyAccess', 'none'],
    ['IAMFullAccess', 'none'],
    ['IAMReadOnlyAccess', 'none'],
    ['SecurityAudit', 'none'],
    ['AWSLambda_FullAccess', 'none'],
    ['AmazonEC2FullAccess', 'none'],
    ['AmazonS3FullAccess', 'none'],
    ['AWSKeyManagementServicePowerUser', 'none'],
  ])('%s: administrator access is %s', (name, status) => {
    const policy = awsManagedPolicy(name);
    expect(adminAccess(policyPermissions(policy, NOW)).status).toBe(status);
  });

  it('PowerUserAccess is broad (every service but IAM, Organizations and Account) but not administrator', () => {
    const perms = policyPermissions(awsManagedPolicy('PowerUserAccess'), NOW);
    expect(canDo(perms, { action: 'ec2:RunInstances' }).verdict).toBe('allowed');
    expect(canDo(perms, { action: 'kms:Decrypt' }).verdict).toBe('allowed');
    expect(canDo(perms, { action: 'iam:PassRole' }).verdict).toBe('implicitDeny');
    expect(canDo(perms, { action: 'iam:AttachUserPolicy' }).verdict).toBe('implicitDeny');
    expect(canDo(perms, { action: 'organizations:LeaveOrganization' }).verdict).toBe('implicitDeny');
    expect(canDo(perms, { action: 'iam:CreateServiceLinkedRole' }).verdict).toBe('allowed');
  });

  it('ReadOnlyAccess reads but never writes', () => {
    const perms = policyPermissions(awsManagedPolicy('ReadOnlyAccess'), NOW);
    expect(canDo(perms, { action: 's3:GetObject' }).verdict).toBe('allowed');
    for (const action of ['s3:PutObject', 'iam:PassRole', 'iam:CreateAccessKey', 'lambda:UpdateFunctionCode', 'ssm:SendCommand', 'sts:AssumeRole']) {
      expect(canDo(perms, { action }).verdict, action).toBe('implicitDeny');
    }
  });

  it('AWSLambda_FullAccess passes roles to Lambda only', () => {
    const perms = policyPermissions(awsManagedPolicy('AWSLambda_FullAccess'), NOW);
    const role = { kind: 'exact' as const, arn: `arn:aws:iam::${ACCOUNT}:role/app` };
    expect(canDo(perms, { action: 'iam:PassRole', resource: role, context: { 'iam:PassedToService': 'lambda.amazonaws.com' } }).verdict).toBe('allowed');
    expect(canDo(perms, { action: 'iam:PassRole', resource: role, context: { 'iam:PassedToService': 'ec2.amazonaws.com' } }).verdict).toBe('implicitDeny');
  });
});

describe('privilege escalation with AWS managed policies', () => {
  const statusOf = (details: AuthorizationDetails) => {
    const result = analyseEscalation(new AccountModel(details, NOW));
    return Object.fromEntries([...result.values()].map((r) => [r.name.replace(/^holds-/, ''), r.status]));
  };

  it('in an account whose only administrator role trusts nothing that runs code', () => {
    expect(statusOf(account([adminRole('break-glass', 'ssm.amazonaws.com')]))).toEqual({
      AdministratorAccess: 'administrator',
      PowerUserAccess: 'none',
      ReadOnlyAccess: 'none',
      ViewOnlyAccess: 'none',
      IAMFullAccess: 'escalates',
      IAMReadOnlyAccess: 'none',
      SecurityAudit: 'none',
      AWSLambda_FullAccess: 'none',
      AmazonEC2FullAccess: 'none',
      AmazonS3FullAccess: 'none',
      AWSKeyManagementServicePowerUser: 'none',
      AmazonSSMManagedInstanceCore: 'none',
      'break-glass': 'administrator',
    });
  });

  it('IAMFullAccess escalates by itself, for certain', () => {
    const result = [...analyseEscalation(new AccountModel(account([]), NOW)).values()].find((r) => r.name === 'holds-IAMFullAccess');
    expect(result?.paths[0]?.certainty).toBe('definite');
    expect(result?.paths.map((p) => p.method)).toEqual(expect.arrayContaining(['iam:AttachUserPolicy', 'iam:PutUserPolicy']));
  });

  it('when an administrator role trusts Lambda: Lambda full access escalates for certain, PowerUserAccess only through an existing function', () => {
    const result = analyseEscalation(new AccountModel(account([adminRole('lambda-admin', 'lambda.amazonaws.com')]), NOW));
    const byName = (name: string) => [...result.values()].find((r) => r.name === name);
    const lambda = byName('holds-AWSLambda_FullAccess');
    expect(lambda?.status).toBe('escalates');
    expect(lambda?.paths[0]).toMatchObject({ method: 'iam:PassRole+lambda:CreateFunction+lambda:InvokeFunction', certainty: 'definite', target: 'role lambda-admin', chain: ['role lambda-admin', 'administrator'] });
    const power = byName('holds-PowerUserAccess');
    expect(power?.status).toBe('escalates');
    expect(power?.paths.every((p) => p.certainty === 'depends')).toBe(true);
    expect(power?.paths.map((p) => p.method)).toContain('lambda:UpdateFunctionCode');
    expect(byName('holds-ReadOnlyAccess')?.status).toBe('none');
    expect(byName('holds-AmazonEC2FullAccess')?.status).toBe('none');
  });

  it('when an administrator role is an EC2 instance role: EC2 full access cannot pass it but may rewrite the user data of an instance running as it, SSM-capable PowerUser may reach it', () => {
    const result = analyseEscalation(new AccountModel(account([adminRole('ec2-admin', 'ec2.amazonaws.com')]), NOW));
    const byName = (name: string) => [...result.values()].find((r) => r.name === name);
    // Issue 9 (case escalation-ec2-user-data): ec2:* on * changes an instance's user data and restarts it.
    const ec2 = byName('holds-AmazonEC2FullAccess');
    expect(ec2?.status).toBe('escalates');
    expect(ec2?.paths.every((p) => p.certainty === 'depends')).toBe(true);
    expect(ec2?.paths.map((p) => p.method)).toContain('ec2:ModifyInstanceAttribute+ec2:StopInstances+ec2:StartInstances');
    expect(ec2?.paths.map((p) => p.method).filter((m) => m.startsWith('iam:PassRole'))).toEqual([]);
    expect(byName('holds-AWSLambda_FullAccess')?.status).toBe('none');
    expect(byName('holds-PowerUserAccess')?.paths.map((p) => p.method)).toEqual(expect.arrayContaining(['ssm:SendCommand']));
  });
});
