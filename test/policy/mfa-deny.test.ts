import { describe, expect, it } from 'vitest';
import { judgeMfaDeny } from '../../src/policy/mfa-deny.js';
import type { PolicyStatement } from '../../src/snapshot/schema.js';

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
