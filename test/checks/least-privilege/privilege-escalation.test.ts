import { describe, expect, it } from 'vitest';
import type { Status } from '../../../src/checks/check.js';
import privilegeEscalation from '../../../src/checks/least-privilege/privilege-escalation.js';
import type { AuthorizationDetails, IamRole, ManagedPolicy, PolicyDocument } from '../../../src/snapshot/schema.js';
import { attachment, awsManagedPolicy } from '../../policy/managed-policies.js';
import { ACCOUNT, findingsOf, iamGroup, iamRole, iamUser, statusByResource } from '../../support/snapshot.js';
import { account, allow, attach, customerPolicy, deny, doc, inline, trust } from './helpers.js';

const ADMIN = awsManagedPolicy('AdministratorAccess');
const ADMIN_ARN = ADMIN.arn;
const USER = (name: string) => `arn:aws:iam::${ACCOUNT}:user/${name}`;
const ROLE = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const adminRole = (name: string, trustPolicy: PolicyDocument): IamRole => iamRole(name, { assumeRolePolicy: trustPolicy, attachedPolicies: [attachment(ADMIN)] });
const LAMBDA_ADMIN = adminRole('lambda-admin', trust({ Service: 'lambda.amazonaws.com' }));
const EC2_ADMIN = adminRole('ec2-admin', trust({ Service: 'ec2.amazonaws.com' }));
const ROOT_ADMIN = adminRole('ops-admin', trust({ AWS: `arn:aws:iam::${ACCOUNT}:root` }));
const BOB_ADMIN = iamUser('bob', { attachedPolicies: [attachment(ADMIN)] });

/** User "eve" holding one customer-managed policy `p` with this document, in an account with an admin user and admin roles. */
function eveWith(document: PolicyDocument, more: Partial<AuthorizationDetails> = {}, eve: Partial<Parameters<typeof iamUser>[1]> = {}) {
  const p = customerPolicy('p', document);
  return account({
    policies: [ADMIN, p, ...(more.policies ?? [])],
    users: [iamUser('eve', { attachedPolicies: [attach(p)], ...eve }), BOB_ADMIN, ...(more.users ?? [])],
    roles: [LAMBDA_ADMIN, EC2_ADMIN, ...(more.roles ?? [])],
    groups: more.groups ?? [],
  });
}

const lambdaKit = ['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction'];

describe('privilege-escalation (IAM-020)', () => {
  it.each<[string, Status, PolicyDocument]>([
    ['a new version of its own policy', 'FAIL', doc(allow('iam:CreatePolicyVersion'))],
    ['policy versions confined to AWS-managed policies (nothing it can change)', 'PASS', doc(allow('iam:CreatePolicyVersion', 'arn:aws:iam::aws:policy/*'))],
    ['policy versions confined to a prefix its own policy has', 'FAIL', doc(allow('iam:CreatePolicyVersion', 'arn:aws:iam::*:policy/p*'))],
    ['policy versions only before a date already past', 'PASS', doc(allow('iam:CreatePolicyVersion', '*', { Condition: { DateLessThan: { 'aws:TokenIssueTime': '2020-01-01T00:00:01Z' } } }))],
    ['policy versions only after a date already past', 'FAIL', doc(allow('iam:CreatePolicyVersion', '*', { Condition: { DateGreaterThan: { 'aws:TokenIssueTime': '2020-01-01T00:00:01Z' } } }))],
    ['attach a policy to itself', 'FAIL', doc(allow('iam:AttachUserPolicy', USER('eve')))],
    ['attach only ReadOnlyAccess to itself', 'PASS', doc(allow('iam:AttachUserPolicy', USER('eve'), { Condition: { ArnEquals: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/ReadOnlyAccess' } } }))],
    ['attach AdministratorAccess to itself, by name', 'FAIL', doc(allow('iam:AttachUserPolicy', USER('eve'), { Condition: { ArnEquals: { 'iam:PolicyARN': ADMIN_ARN } } }))],
    ['write an inline policy on itself', 'FAIL', doc(allow('iam:PutUserPolicy', USER('${aws:username}')))],
    ['iam:* then Deny iam:* (same policy)', 'PASS', doc(allow('iam:*'), deny('iam:*'))],
    ['NotAction that leaves iam:PutUserPolicy in', 'FAIL', doc({ Effect: 'Allow', NotAction: ['iam:Create*', 'iam:Attach*', 'iam:Update*'], Resource: '*' })],
    ['pass a Lambda-trusting admin role to a new function and invoke it', 'FAIL', doc(allow(lambdaKit))],
    ['the same, passing only to EC2', 'PASS', doc(allow(lambdaKit, '*', { Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } } }))],
    ['the same, passing only a role that is not an admin', 'PASS', doc(allow('iam:PassRole', ROLE('app')), allow(['lambda:CreateFunction', 'lambda:InvokeFunction']))],
    ['create a function but pass no role', 'PASS', doc(allow(['lambda:CreateFunction', 'lambda:InvokeFunction']))],
    ['launch an instance with the admin instance role', 'FAIL', doc(allow(['iam:PassRole', 'ec2:RunInstances']))],
    ['send SSM commands to instances (an admin instance role exists)', 'FAIL', doc(allow('ssm:SendCommand'))],
    ['an access key for the admin user', 'FAIL', doc(allow('iam:CreateAccessKey', USER('bob')))],
    ['access keys for itself only', 'PASS', doc(allow('iam:CreateAccessKey', USER('${aws:username}')))],
    ['assume an admin role trusting the account', 'FAIL', doc(allow('sts:AssumeRole', ROLE('ops-admin')))],
    ['assume only another role', 'PASS', doc(allow('sts:AssumeRole', ROLE('app')))],
    ['rewrite an admin role’s trust policy', 'FAIL', doc(allow('iam:UpdateAssumeRolePolicy', ROLE('ops-admin')))],
    ['read-only IAM', 'PASS', doc(allow(['iam:Get*', 'iam:List*']))],
  ])('%s → %s', (_label, status, document) => {
    expect(statusByResource(privilegeEscalation, eveWith(document, { roles: [ROOT_ADMIN, iamRole('app', { assumeRolePolicy: trust({ AWS: `arn:aws:iam::${ACCOUNT}:root` }) })] })).eve).toBe(status);
  });

  it('honours a Deny in another policy and in a group', () => {
    const denyAll = customerPolicy('deny-all', doc(deny('*')));
    expect(statusByResource(privilegeEscalation, eveWith(doc(allow('iam:*')), { policies: [denyAll] }, { attachedPolicies: [attach(customerPolicy('p', doc())), attach(denyAll)] })).eve).toBe('PASS');
    const snapshot = eveWith(doc(allow('iam:PutUserPolicy')), { policies: [denyAll], groups: [iamGroup('frozen', { attachedPolicies: [attach(denyAll)] })] }, { groups: ['frozen'] });
    expect(statusByResource(privilegeEscalation, snapshot).eve).toBe('PASS');
  });

  it('follows a role chain through trust policies that name the principal', () => {
    const hop = iamRole('hop', { assumeRolePolicy: trust({ AWS: USER('eve') }) });
    const top = adminRole('top', trust({ AWS: ROLE('hop') }));
    const findings = findingsOf(privilegeEscalation, eveWith(doc(allow('s3:GetObject')), { roles: [hop, top] }));
    const eve = findings.find((f) => f.resourceName === 'eve');
    expect(eve?.status).toBe('FAIL');
    expect(eve?.message).toContain('assumes role hop (its trust policy names it) [sts:AssumeRole] → role hop → role top → administrator');
    expect(findings.find((f) => f.resourceName === 'hop')?.status).toBe('FAIL');
    expect(findings.find((f) => f.resourceName === 'top')?.status).toBe('NOT_APPLICABLE');
  });

  it('lets a boundary stop self-escalation, unless the principal can remove the boundary', () => {
    const boundary = customerPolicy('boundary', doc(allow(['s3:*', 'iam:PutUserPolicy'])));
    const loose = customerPolicy('loose-boundary', doc(allow(['s3:*', 'iam:PutUserPolicy', 'iam:DeleteUserPermissionsBoundary'])));
    const bounded = (b: ManagedPolicy, actions: string[]) => eveWith(doc(allow(actions, USER('eve'))), { policies: [b] }, { permissionsBoundary: { arn: b.arn, type: 'Policy' } });
    expect(statusByResource(privilegeEscalation, bounded(boundary, ['iam:PutUserPolicy'])).eve).toBe('PASS');
    expect(statusByResource(privilegeEscalation, bounded(loose, ['iam:PutUserPolicy'])).eve).toBe('PASS');
    expect(statusByResource(privilegeEscalation, bounded(loose, ['iam:PutUserPolicy', 'iam:DeleteUserPermissionsBoundary'])).eve).toBe('FAIL');
  });

  it('reports a principal that can give administrator rights to someone else', () => {
    const findings = findingsOf(privilegeEscalation, account({ policies: [ADMIN], users: [iamUser('staff')], roles: [iamRole('helpdesk', { inlinePolicies: [inline('grant', doc(allow('iam:AttachUserPolicy')))] })] }));
    const helpdesk = findings.find((f) => f.resourceName === 'helpdesk');
    expect(helpdesk?.status).toBe('FAIL');
    expect(helpdesk?.evidence.paths).toEqual([expect.objectContaining({ kind: 'confer', method: 'iam:AttachUserPolicy', target: 'user staff' })]);
  });

  it('takes away a Deny that stands between a principal and administrator access', () => {
    // Everything is denied but EC2 and detaching policies: the grant of * is cancelled, yet the Deny can be detached.
    const fence = customerPolicy('fence', doc({ Effect: 'Deny', NotAction: ['ec2:*', 'iam:DetachUserPolicy'], Resource: '*' }));
    const snapshot = account({ policies: [ADMIN, fence], users: [iamUser('eve', { attachedPolicies: [attachment(ADMIN), attach(fence)] })] });
    const [finding] = findingsOf(privilegeEscalation, snapshot);
    expect(finding?.status).toBe('FAIL');
    expect(finding?.evidence.methods).toEqual(['iam:DetachUserPolicy']);
    expect(finding?.message).toContain('takes away the Deny of user eve: managed policy fence');
  });

  it('marks paths through resources the snapshot cannot show, and through conditions', () => {
    const findings = findingsOf(
      privilegeEscalation,
      eveWith(doc(allow('lambda:UpdateFunctionCode')), {
        users: [iamUser('mfa', { inlinePolicies: [inline('mfa', doc(allow('iam:PutUserPolicy', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } })))] })],
      }),
    );
    const eve = findings.find((f) => f.resourceName === 'eve');
    expect(eve?.status).toBe('FAIL');
    expect(eve?.evidence).toMatchObject({ certainty: 'depends', methods: ['lambda:UpdateFunctionCode'] });
    expect(eve?.message).toContain('(depending on resources the snapshot cannot show)');
    const mfa = findings.find((f) => f.resourceName === 'mfa');
    expect(mfa?.evidence.certainty).toBe('conditional');
    expect(JSON.stringify(mfa?.evidence)).toContain('Bool aws:MultiFactorAuthPresent = true');
  });

  it('names the method and the statement that enables it', () => {
    const [finding] = findingsOf(privilegeEscalation, account({ policies: [customerPolicy('p', doc(allow('iam:CreatePolicyVersion', '*', { Sid: 'Versions' })))], users: [iamUser('eve', { attachedPolicies: [attach(customerPolicy('p', doc()))] })] }));
    expect(finding?.status).toBe('FAIL');
    expect(finding?.evidence.paths).toEqual([
      expect.objectContaining({
        method: 'iam:CreatePolicyVersion',
        kind: 'self',
        certainty: 'definite',
        steps: [{ action: 'iam:CreatePolicyVersion', resource: `arn:aws:iam::${ACCOUNT}:policy/p`, verdict: 'allowed', allowedBy: ['user eve: managed policy p (statement 0, Sid Versions)'] }],
      }),
    ]);
  });

  it('leaves administrators to admin-access, service-linked roles out, and is ERROR when a policy is missing', () => {
    const snapshot = account({
      policies: [ADMIN],
      users: [BOB_ADMIN, iamUser('ghost', { attachedPolicies: [{ name: 'gone', arn: `arn:aws:iam::${ACCOUNT}:policy/gone` }] })],
      roles: [iamRole('AWSServiceRoleForX', { path: '/aws-service-role/x.amazonaws.com/', inlinePolicies: [inline('x', doc(allow('iam:*')))] })],
    });
    expect(statusByResource(privilegeEscalation, snapshot)).toEqual({ bob: 'NOT_APPLICABLE', ghost: 'ERROR' });
  });
});
