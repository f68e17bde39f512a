import { describe, expect, it } from 'vitest';
import { decodePolicyDocument } from '../../src/policy/document.js';
import {
  adminAccess,
  canDo,
  permissionsFrom,
  principalOfUser,
  reachableServices,
  type AccessRequest,
  type AdminStatus,
  type PrincipalPermissions,
  type Verdict,
} from '../../src/policy/effective-permissions.js';
import type { ReachingPolicy } from '../../src/policy/principal-policies.js';
import type { PolicyDocument, PolicyStatement } from '../../src/snapshot/schema.js';
import { ACCOUNT, NOW, iamUser } from '../support/snapshot.js';

const doc = (...Statement: PolicyStatement[]): PolicyDocument => ({ Version: '2012-10-17', Statement });
const allow = (Action: string | string[], Resource: string | string[] = '*', extra: Partial<PolicyStatement> = {}): PolicyStatement => ({ Effect: 'Allow', Action, Resource, ...extra });
const deny = (Action: string | string[], Resource: string | string[] = '*', extra: Partial<PolicyStatement> = {}): PolicyStatement => ({ Effect: 'Deny', Action, Resource, ...extra });

/** User alice with these policies (each attached as its own managed policy), and optionally a boundary. */
function alice(policies: (PolicyDocument | null)[], boundary?: PolicyDocument | null): PrincipalPermissions {
  const reaching: ReachingPolicy[] = policies.map((document, i) => ({ label: `user alice: managed policy p${i}`, via: 'user', kind: 'managed', policyName: `p${i}`, policyArn: `arn:aws:iam::${ACCOUNT}:policy/p${i}`, document }));
  const boundaryArn = `arn:aws:iam::${ACCOUNT}:policy/boundary`;
  if (boundary !== undefined) reaching.push({ label: 'user alice: permissions boundary boundary', via: 'boundary', kind: 'boundary', policyName: 'boundary', policyArn: boundaryArn, document: boundary });
  const user = iamUser('alice', boundary !== undefined ? { permissionsBoundary: { arn: boundaryArn, type: 'Policy' } } : {});
  return permissionsFrom(principalOfUser(user), reaching, NOW);
}

const exact = (arn: string): AccessRequest['resource'] => ({ kind: 'exact', arn });
const BUCKET = 'arn:aws:s3:::phi-bucket/record.json';
const OTHER = 'arn:aws:s3:::public-bucket/index.html';

describe('policy engine: can a principal do this?', () => {
  it.each<[string, PrincipalPermissions, AccessRequest, Verdict]>([
    ['an exact Action', alice([doc(allow('s3:GetObject'))]), { action: 's3:GetObject', resource: exact(BUCKET) }, 'allowed'],
    ['actions compare without case', alice([doc(allow('S3:GETOBJECT'))]), { action: 's3:GetObject', resource: exact(BUCKET) }, 'allowed'],
    ['nothing allows it', alice([doc(allow('s3:GetObject'))]), { action: 's3:PutObject', resource: exact(BUCKET) }, 'implicitDeny'],
    ['iam:*Policy* covers iam:AttachUserPolicy', alice([doc(allow('iam:*Policy*'))]), { action: 'iam:AttachUserPolicy' }, 'allowed'],
    ['iam:*Policy* does not cover iam:CreateUser', alice([doc(allow('iam:*Policy*'))]), { action: 'iam:CreateUser' }, 'implicitDeny'],
    ['s3:Get* covers s3:GetObject', alice([doc(allow('s3:Get*'))]), { action: 's3:GetObject', resource: exact(BUCKET) }, 'allowed'],
    ['s3:Get* does not cover s3:PutObject', alice([doc(allow('s3:Get*'))]), { action: 's3:PutObject', resource: exact(BUCKET) }, 'implicitDeny'],
    ['? stands for one character', alice([doc(allow('kms:?ecrypt'))]), { action: 'kms:Decrypt' }, 'allowed'],
    ['NotAction allows what it does not name', alice([doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })]), { action: 'sts:AssumeRole' }, 'allowed'],
    ['NotAction leaves out what it names', alice([doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })]), { action: 'iam:PassRole' }, 'implicitDeny'],
    ['a Resource that matches', alice([doc(allow('s3:GetObject', 'arn:aws:s3:::phi-bucket/*'))]), { action: 's3:GetObject', resource: exact(BUCKET) }, 'allowed'],
    ['a Resource that does not match', alice([doc(allow('s3:GetObject', 'arn:aws:s3:::phi-bucket/*'))]), { action: 's3:GetObject', resource: exact(OTHER) }, 'implicitDeny'],
    ['NotResource keeps its resources out', alice([doc({ Effect: 'Allow', Action: 's3:*', NotResource: 'arn:aws:s3:::phi-bucket/*' })]), { action: 's3:GetObject', resource: exact(BUCKET) }, 'implicitDeny'],
    ['NotResource lets the rest in', alice([doc({ Effect: 'Allow', Action: 's3:*', NotResource: 'arn:aws:s3:::phi-bucket/*' })]), { action: 's3:GetObject', resource: exact(OTHER) }, 'allowed'],
    ['a Deny in another policy beats an Allow', alice([doc(allow('*')), doc(deny('s3:*'))]), { action: 's3:GetObject', resource: exact(BUCKET) }, 'explicitDeny'],
    ['… and leaves other services alone', alice([doc(allow('*')), doc(deny('s3:*'))]), { action: 'ec2:RunInstances' }, 'allowed'],
    ['a Deny on one bucket leaves the other', alice([doc(allow('s3:*'), deny('s3:*', 'arn:aws:s3:::phi-bucket/*'))]), { action: 's3:GetObject', resource: exact(OTHER) }, 'allowed'],
    ['a Deny with NotAction denies the rest', alice([doc(allow('*'), { Effect: 'Deny', NotAction: 'iam:*', Resource: '*' })]), { action: 's3:GetObject', resource: exact(BUCKET) }, 'explicitDeny'],
    ['the boundary allows it too', alice([doc(allow(['s3:*', 'ec2:*']))], doc(allow('s3:*'))), { action: 's3:GetObject', resource: exact(BUCKET) }, 'allowed'],
    ['outside the boundary', alice([doc(allow(['s3:*', 'ec2:*']))], doc(allow('s3:*'))), { action: 'ec2:RunInstances' }, 'implicitDeny'],
    ['a boundary grants nothing by itself', alice([], doc(allow('*'))), { action: 's3:GetObject', resource: exact(BUCKET) }, 'implicitDeny'],
    ['a Deny in the boundary', alice([doc(allow('*'))], doc(allow('*'), deny('iam:*'))), { action: 'iam:CreateUser' }, 'explicitDeny'],
    ['a boundary the snapshot lacks', alice([doc(allow('*'))], null), { action: 's3:GetObject', resource: exact(BUCKET) }, 'conditional'],
    ['a policy the snapshot lacks', alice([null]), { action: 's3:GetObject', resource: exact(BUCKET) }, 'conditional'],
    ['a condition on the request', alice([doc(allow('s3:*', '*', { Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }))]), { action: 's3:GetObject', resource: exact(BUCKET) }, 'conditional'],
    ['a condition that can no longer hold', alice([doc(allow('s3:*', '*', { Condition: { DateLessThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } } }))]), { action: 's3:GetObject', resource: exact(BUCKET) }, 'implicitDeny'],
    ['a condition that holds now', alice([doc(allow('s3:*', '*', { Condition: { DateGreaterThan: { 'aws:TokenIssueTime': '2020-01-01T00:00:01Z' } } }))]), { action: 's3:GetObject', resource: exact(BUCKET) }, 'allowed'],
    ['a Deny under a condition', alice([doc(allow('*'), deny('*', '*', { Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }))]), { action: 's3:GetObject', resource: exact(BUCKET) }, 'conditional'],
    ['a condition the request settles', alice([doc(allow('iam:PassRole', '*', { Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } } }))]), { action: 'iam:PassRole', resource: exact(`arn:aws:iam::${ACCOUNT}:role/app`), context: { 'iam:PassedToService': 'lambda.amazonaws.com' } }, 'allowed'],
    ['… against it', alice([doc(allow('iam:PassRole', '*', { Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } } }))]), { action: 'iam:PassRole', resource: exact(`arn:aws:iam::${ACCOUNT}:role/app`), context: { 'iam:PassedToService': 'ec2.amazonaws.com' } }, 'implicitDeny'],
    ['a condition on the principal itself', alice([doc(allow('s3:*', '*', { Condition: { StringEquals: { 'aws:username': 'alice' } } }))]), { action: 's3:GetObject', resource: exact(BUCKET) }, 'allowed'],
    ['a policy variable naming the principal', alice([doc(allow('iam:CreateAccessKey', `arn:aws:iam::${ACCOUNT}:user/\${aws:username}`))]), { action: 'iam:CreateAccessKey', resource: exact(`arn:aws:iam::${ACCOUNT}:user/alice`) }, 'allowed'],
    ['… and not someone else', alice([doc(allow('iam:CreateAccessKey', `arn:aws:iam::${ACCOUNT}:user/\${aws:username}`))]), { action: 'iam:CreateAccessKey', resource: exact(`arn:aws:iam::${ACCOUNT}:user/bob`) }, 'implicitDeny'],
    ['every resource, when the Allow names some', alice([doc(allow('s3:GetObject', 'arn:aws:s3:::phi-bucket/*'))]), { action: 's3:GetObject' }, 'conditional'],
    ['a name the caller picks, within the Allow', alice([doc(allow('lambda:CreateFunction', `arn:aws:lambda:*:${ACCOUNT}:function:team-*`))]), { action: 'lambda:CreateFunction', resource: { kind: 'chosen', template: `arn:aws:lambda:*:${ACCOUNT}:function:*` } }, 'allowed'],
    ['a name the caller picks, around a narrow Deny', alice([doc(allow('lambda:*'), deny('lambda:*', `arn:aws:lambda:*:${ACCOUNT}:function:prod-*`))]), { action: 'lambda:CreateFunction', resource: { kind: 'chosen', template: `arn:aws:lambda:*:${ACCOUNT}:function:*` } }, 'allowed'],
    ['a name the caller picks, under a Deny of all', alice([doc(allow('lambda:*'), deny('lambda:*', `arn:aws:lambda:*:*:function:*`))]), { action: 'lambda:CreateFunction', resource: { kind: 'chosen', template: `arn:aws:lambda:*:${ACCOUNT}:function:*` } }, 'explicitDeny'],
  ])('%s → %s', (_label, perms, request, verdict) => {
    expect(canDo(perms, request).verdict).toBe(verdict);
  });

  it('reads documents as AWS hands them out (URL-encoded, single values)', () => {
    const encoded = encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' } }));
    const perms = alice([decodePolicyDocument(encoded)]);
    expect(canDo(perms, { action: 'kms:Decrypt' }).verdict).toBe('allowed');
  });

  it('names the statements and the reason behind a conditional answer', () => {
    const perms = alice([doc(allow('s3:*', '*', { Sid: 'Office', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }))]);
    const answer = canDo(perms, { action: 's3:GetObject', resource: exact(BUCKET) });
    expect(answer.allowedBy).toEqual(['user alice: managed policy p0 (statement 0, Sid Office) when IpAddress aws:SourceIp = 10.0.0.0/8']);
    expect(answer.reasons).toEqual(['user alice: managed policy p0 (statement 0, Sid Office) allows it only when IpAddress aws:SourceIp = 10.0.0.0/8']);
  });

  it('says which Deny and which boundary decide', () => {
    expect(canDo(alice([doc(allow('*')), doc(deny('s3:*'))]), { action: 's3:GetObject', resource: exact(BUCKET) }).reasons).toEqual(['explicit deny in user alice: managed policy p1 (statement 0)']);
    expect(canDo(alice([doc(allow('*'))], doc(allow('s3:*'))), { action: 'ec2:RunInstances' }).reasons).toEqual(['implicit deny: the permissions boundary boundary does not allow ec2:RunInstances']);
    expect(canDo(alice([doc(allow('*'), deny('*', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } }))]), { action: 's3:GetObject', resource: exact(BUCKET) }).reasons).toEqual([
      'user alice: managed policy p0 (statement 1) denies it when Bool aws:MultiFactorAuthPresent = false',
    ]);
  });
});

describe('policy engine: administrator access', () => {
  it.each<[string, PrincipalPermissions, AdminStatus]>([
    ['Allow * on *', alice([doc(allow('*'))]), 'admin'],
    ['Allow *:* on *', alice([doc(allow('*:*'))]), 'admin'],
    ['Allow * on arn:aws:*:*:*:*', alice([doc(allow('*', 'arn:aws:*:*:*:*'))]), 'admin'],
    ['NotAction of something that does not exist', alice([doc({ Effect: 'Allow', NotAction: 'nothing:Here', Resource: '*' })]), 'admin'],
    ['NotAction iam:* and iam:* together', alice([doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }), doc(allow('iam:*'))]), 'admin'],
    ['Allow * under MFA', alice([doc(allow('*', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }))]), 'conditional'],
    ['Allow * with a deny-without-MFA', alice([doc(allow('*')), doc(deny('*', '*', { Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }))]), 'conditional'],
    ['Allow * and Deny * elsewhere', alice([doc(allow('*')), doc(deny('*'))]), 'cancelled'],
    // Everything but a set that leaves IAM administration in reach is administrator access (docs/CONTROLS.md) …
    ['Allow * and Deny iam:CreateUser', alice([doc(allow('*')), doc(deny('iam:CreateUser'))]), 'partial'],
    ['Allow NotAction iam:CreateUser', alice([doc({ Effect: 'Allow', NotAction: 'iam:CreateUser', Resource: '*' })]), 'partial'],
    ['Allow * and Deny iam:Attach*, iam:Put*', alice([doc(allow('*')), doc(deny(['iam:Attach*', 'iam:Put*']))]), 'partial'],
    ['Allow * within a NotAction boundary leaving IAM policy writes', alice([doc(allow('*'))], doc({ Effect: 'Allow', NotAction: ['iam:CreateUser', 'organizations:*'], Resource: '*' })), 'partial'],
    // … everything but all of it is not (issue 9: the rule, whatever the form; these were 'partial' before).
    ['Allow * and Deny iam:*', alice([doc(allow('*')), doc(deny('iam:*'))]), 'cancelled'],
    ['Allow * within a NotAction boundary of iam:* and organizations:*', alice([doc(allow('*'))], doc({ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' })), 'cancelled'],
    ['Allow * and Deny * NotResource one bucket', alice([doc(allow('*')), doc({ Effect: 'Deny', Action: '*', NotResource: ['arn:aws:s3:::phi-bucket', 'arn:aws:s3:::phi-bucket/*'] })]), 'cancelled'],
    ['Allow * and Deny * on one bucket only', alice([doc(allow('*')), doc(deny('*', 'arn:aws:s3:::phi-bucket/*'))]), 'admin'],
    ['Allow * NotResource one bucket', alice([doc({ Effect: 'Allow', Action: '*', NotResource: 'arn:aws:s3:::phi-bucket/*' })]), 'admin'],
    ['Allow * within a boundary of two services', alice([doc(allow('*'))], doc(allow(['s3:*', 'ec2:*']))), 'none'],
    ['Allow * only on a bucket', alice([doc(allow('*', 'arn:aws:s3:::phi-bucket/*'))]), 'none'],
    ['NotAction iam:* (PowerUser-like)', alice([doc({ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' })]), 'none'],
    ['Allow * until a date already past', alice([doc(allow('*', '*', { Condition: { DateLessThan: { 'aws:CurrentTime': '2021-01-01T00:00:00Z' } } }))]), 'none'],
    ['iam:* only', alice([doc(allow('iam:*'))]), 'none'],
  ])('%s → %s', (_label, perms, status) => {
    expect(adminAccess(perms).status).toBe(status);
  });

  it('names the granting statement and what narrows it', () => {
    const access = adminAccess(alice([doc(allow('*')), doc(deny('iam:CreateUser'))]));
    expect(access.grants).toHaveLength(1);
    expect(access.limits).toEqual(['user alice: managed policy p1 (statement 0) denies iam:createuser']);
    expect(access.except).toBe('iam:createuser');
    expect(access.administration).toMatch(/^iam:/);
  });

  it('says what stays when a Deny takes all IAM administration with it', () => {
    const access = adminAccess(alice([doc(allow('*')), doc(deny('iam:*'))]));
    expect(access.limits).toEqual(['user alice: managed policy p1 (statement 0) denies iam:*']);
    expect(access.leftOut).toBe('iam:*');
    expect(access.takenBackBy).toBe('deny');
  });
});

describe('policy engine: services within reach', () => {
  it('gives, per service prefix, whether some action is allowed outright or only under a condition', () => {
    const perms = alice([
      doc(
        allow('s3:Get*', 'arn:aws:s3:::phi-bucket/*'),
        allow('kms:Decrypt', '*', { Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } }),
        allow('sqs:SendMessage'),
      ),
      doc(deny('sqs:*')),
    ]);
    expect(reachableServices(perms).map((r) => [r.service, r.access])).toEqual([
      ['kms', 'conditional'],
      ['s3', 'allowed'],
    ]);
    expect(reachableServices(perms).find((r) => r.service === 'kms')?.title).toBe('AWS Key Management Service');
  });

  it('reaches every service but the left-out ones through NotAction, within the boundary', () => {
    const reach = reachableServices(alice([doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })], doc(allow(['s3:*', 'iam:*', 'ec2:Describe*']))));
    expect(reach.map((r) => r.service)).toEqual(['ec2', 's3']);
  });
});
