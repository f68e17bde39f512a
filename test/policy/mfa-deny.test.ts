import { describe, expect, it } from 'vitest';
import { judgeMfaDeny } from '../../src/policy/mfa-deny.js';
import type { PolicyStatement } from '../../src/snapshot/schema.js';
import { ACCOUNT, iamUser } from '../support/snapshot.js';

const SELF_SERVICE = ['iam:CreateVirtualMFADevice', 'iam:EnableMFADevice', 'iam:ListMFADevices', 'iam:ResyncMFADevice', 'sts:GetSessionToken'];
const GUIDE: PolicyStatement = {
  Sid: 'DenyAllActionsIfNoMFA',
  Effect: 'Deny',
  NotAction: SELF_SERVICE,
  Resource: '*',
  Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
};

describe('judgeMfaDeny', () => {
  it.each<[string, PolicyStatement, boolean | null]>([
    ['the hardening guide statement', GUIDE, true],
    ['Bool instead of BoolIfExists', { ...GUIDE, Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } }, true],
    ['condition key in another case', { ...GUIDE, Condition: { BoolIfExists: { 'AWS:multifactorauthpresent': 'false' } } }, true],
    ['boolean false rather than the string', { ...GUIDE, Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': false } } }, true],
    ['value in a list', { ...GUIDE, Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': ['false'] } } }, true],
    ['Resource as a list with *', { ...GUIDE, Resource: ['*'] }, true],
    ['deny of every action', { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } }, true],
    ['an Allow is not a control', { ...GUIDE, Effect: 'Allow' }, null],
    ['a Deny without an MFA condition', { Effect: 'Deny', Action: 's3:*', Resource: '*' }, null],
    ['denies when MFA is true', { ...GUIDE, Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }, false],
    ['Null operator', { ...GUIDE, Condition: { Null: { 'aws:MultiFactorAuthPresent': 'true' } } }, false],
    ['narrowed by a second condition', { ...GUIDE, Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' }, IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }, false],
    ['NotAction exempting a whole service', { ...GUIDE, NotAction: [...SELF_SERVICE, 's3:*'] }, false],
    ['NotAction with a wildcard over all of IAM', { ...GUIDE, NotAction: ['iam:*'] }, false],
    ['NotAction with a wildcard that covers only MFA device actions', { ...GUIDE, NotAction: ['iam:*VirtualMFADevice', 'iam:EnableMFADevice', 'sts:GetSessionToken'] }, true],
    ['NotAction with a wildcard that also covers deactivating MFA', { ...GUIDE, NotAction: ['iam:*MFADevice'] }, false],
    ['NotAction with a wildcard that matches no known action', { ...GUIDE, NotAction: ['iam:Nothing*Here'] }, false],
    ['denies only some actions', { ...GUIDE, NotAction: undefined, Action: ['s3:GetObject'] }, false],
    ['only some resources', { ...GUIDE, Resource: 'arn:aws:s3:::phi/*' }, false],
    ['NotResource', { ...GUIDE, Resource: undefined, NotResource: 'arn:aws:s3:::public/*' }, false],
  ])('%s', (_label, statement, enforces) => {
    const verdict = judgeMfaDeny(statement);
    if (enforces === null) expect(verdict).toBeNull();
    else expect(verdict?.enforces).toBe(enforces);
  });

  it('explains why a near miss does not enforce', () => {
    expect(judgeMfaDeny({ ...GUIDE, NotAction: [...SELF_SERVICE, 's3:*'] })?.reason).toContain('s3:*');
  });
});

/** Alice, a user of account ACCOUNT, tagged team=clinic. */
const ALICE = iamUser('alice', { tags: [{ key: 'team', value: 'clinic' }] });
const withCondition = (Condition: PolicyStatement['Condition']): PolicyStatement => ({ ...GUIDE, Condition });
const MFA_FALSE = { 'aws:MultiFactorAuthPresent': 'false' };

describe('judgeMfaDeny: other condition keys, judged by the condition evaluator for the user’s own requests', () => {
  it.each<[string, PolicyStatement['Condition'], boolean]>([
    ['aws:ViaAWSService false beside it (BoolIfExists)', { BoolIfExists: { ...MFA_FALSE, 'aws:ViaAWSService': 'false' } }, true],
    ['aws:ViaAWSService false in a Bool of its own', { BoolIfExists: MFA_FALSE, Bool: { 'aws:ViaAWSService': 'false' } }, true],
    ['aws:ViaAWSService true: only requests services send for her', { BoolIfExists: MFA_FALSE, Bool: { 'aws:ViaAWSService': 'true' } }, false],
    ['aws:PrincipalType User (StringEquals)', { BoolIfExists: MFA_FALSE, StringEquals: { 'aws:PrincipalType': 'User' } }, true],
    ['aws:PrincipalType User (StringLike)', { BoolIfExists: MFA_FALSE, StringLike: { 'aws:PrincipalType': 'Us*' } }, true],
    ['aws:PrincipalType AssumedRole: never a user', { BoolIfExists: MFA_FALSE, StringEquals: { 'aws:PrincipalType': 'AssumedRole' } }, false],
    ['aws:PrincipalAccount the own account', { BoolIfExists: MFA_FALSE, StringEquals: { 'aws:PrincipalAccount': ACCOUNT } }, true],
    ['aws:PrincipalAccount another account', { BoolIfExists: MFA_FALSE, StringEquals: { 'aws:PrincipalAccount': '999999999999' } }, false],
    ['aws:username by a variable', { BoolIfExists: MFA_FALSE, StringEquals: { 'aws:username': '${aws:username}' } }, true],
    ['aws:username her own name', { BoolIfExists: MFA_FALSE, StringLike: { 'aws:username': 'ali*' } }, true],
    ['aws:username someone else', { BoolIfExists: MFA_FALSE, StringEquals: { 'aws:username': 'bob' } }, false],
    ['aws:userid by a variable', { BoolIfExists: MFA_FALSE, StringEquals: { 'aws:userid': '${aws:userid}' } }, true],
    ['her own tag', { BoolIfExists: MFA_FALSE, StringEquals: { 'aws:PrincipalTag/team': 'clinic' } }, true],
    ['a tag she lacks', { BoolIfExists: MFA_FALSE, StringEquals: { 'aws:PrincipalTag/role': 'doctor' } }, false],
    ['StringNotEquals aws:RequestedRegion on a value no region has', { BoolIfExists: MFA_FALSE, StringNotEquals: { 'aws:RequestedRegion': 'none' } }, true],
    ['StringNotLike aws:RequestedRegion on a pattern no region matches', { BoolIfExists: MFA_FALSE, StringNotLike: { 'aws:RequestedRegion': 'NO-REGION-*' } }, true],
    ['StringNotEquals aws:RequestedRegion on a region-shaped name, maybe one to come', { BoolIfExists: MFA_FALSE, StringNotEquals: { 'aws:RequestedRegion': 'xx-nowhere-9' } }, false],
    ['StringNotEquals aws:RequestedRegion on a real region: that region escapes', { BoolIfExists: MFA_FALSE, StringNotEquals: { 'aws:RequestedRegion': 'eu-west-1' } }, false],
    ['StringNotLike aws:RequestedRegion on a pattern of region characters', { BoolIfExists: MFA_FALSE, StringNotLike: { 'aws:RequestedRegion': 'xx-*' } }, false],
    ['StringEquals aws:RequestedRegion: the Deny holds in one region only', { BoolIfExists: MFA_FALSE, StringEquals: { 'aws:RequestedRegion': 'us-east-1' } }, false],
    ['aws:SecureTransport: TLS varies by request', { BoolIfExists: { ...MFA_FALSE, 'aws:SecureTransport': 'true' } }, false],
    ['aws:CurrentTime: holds only until a date', { BoolIfExists: MFA_FALSE, DateLessThan: { 'aws:CurrentTime': '2099-01-01T00:00:00Z' } }, false],
    ['aws:SourceIp: narrows to a network', { BoolIfExists: MFA_FALSE, NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, false],
  ])('%s', (_label, condition, enforces) => {
    expect(judgeMfaDeny(withCondition(condition), { kind: 'user', user: ALICE })?.enforces).toBe(enforces);
  });

  it('names the key that narrows the Deny, and only that one', () => {
    const verdict = judgeMfaDeny(withCondition({ BoolIfExists: { ...MFA_FALSE, 'aws:ViaAWSService': 'false' }, StringEquals: { 'aws:RequestedRegion': 'us-east-1' } }), { kind: 'user', user: ALICE });
    expect(verdict?.reason).toBe('the Deny applies only when StringEquals aws:RequestedRegion also holds');
  });

  it('says when the Deny never applies to the user', () => {
    expect(judgeMfaDeny(withCondition({ BoolIfExists: MFA_FALSE, StringEquals: { 'aws:username': 'bob' } }), { kind: 'user', user: ALICE })?.reason).toBe('the Deny never applies to alice: StringEquals aws:username = bob does not hold for them');
  });

  it('judges a group’s members as any user of the account: type and account known, name not', () => {
    const anyUser = { kind: 'any-user', accountId: ACCOUNT } as const;
    expect(judgeMfaDeny(withCondition({ BoolIfExists: MFA_FALSE, StringEquals: { 'aws:PrincipalType': 'User', 'aws:PrincipalAccount': ACCOUNT } }), anyUser)?.enforces).toBe(true);
    expect(judgeMfaDeny(withCondition({ BoolIfExists: MFA_FALSE, StringEquals: { 'aws:PrincipalAccount': ACCOUNT } }), { kind: 'any-user', accountId: null })?.enforces).toBe(false);
    expect(judgeMfaDeny(withCondition({ BoolIfExists: MFA_FALSE, StringEquals: { 'aws:username': 'alice' } }), anyUser)?.enforces).toBe(false);
  });
});

describe('judgeMfaDeny: the forms of the MFA condition', () => {
  it.each<[string, PolicyStatement['Condition'], boolean]>([
    ['Null aws:MultiFactorAuthAge true: the age is present only with MFA', { Null: { 'aws:MultiFactorAuthAge': 'true' } }, true],
    ['Null aws:MultiFactorAuthAge false: denies only sessions with MFA', { Null: { 'aws:MultiFactorAuthAge': 'false' } }, false],
    ['NumericGreaterThanIfExists aws:MultiFactorAuthAge: absent age denied too', { NumericGreaterThanIfExists: { 'aws:MultiFactorAuthAge': '3600' } }, true],
    ['NumericGreaterThan aws:MultiFactorAuthAge: an absent age is not greater', { NumericGreaterThan: { 'aws:MultiFactorAuthAge': '3600' } }, false],
    ['StringEquals aws:MultiFactorAuthAge: not a Numeric operator', { StringEquals: { 'aws:MultiFactorAuthAge': '' } }, false],
    ['BoolIfExists and Null together', { BoolIfExists: MFA_FALSE, Null: { 'aws:MultiFactorAuthAge': 'true' } }, true],
    ['StringEquals aws:MultiFactorAuthPresent false: a String operator on a Boolean key is not counted', { StringEquals: MFA_FALSE }, false],
    ['StringEqualsIfExists aws:MultiFactorAuthPresent false', { StringEqualsIfExists: MFA_FALSE }, false],
  ])('%s', (_label, condition, enforces) => {
    expect(judgeMfaDeny(withCondition(condition), { kind: 'user', user: ALICE })?.enforces).toBe(enforces);
  });
});
