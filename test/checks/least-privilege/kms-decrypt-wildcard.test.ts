import { describe, expect, it } from 'vitest';
import type { Status } from '../../../src/checks/check.js';
import kmsDecryptWildcard, { isKeyWildcard } from '../../../src/checks/least-privilege/kms-decrypt-wildcard.js';
import type { PolicyDocument } from '../../../src/snapshot/schema.js';
import { awsManagedPolicy } from '../../policy/managed-policies.js';
import { ACCOUNT, findingsOf, iamRole, statusByResource } from '../../support/snapshot.js';
import { account, allow, customerPolicy, deny, doc, inline } from './helpers.js';

const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const via = (operator: string, value: string | string[]) => ({ Condition: { [operator]: { 'kms:ViaService': value } } });

describe('kms-decrypt-wildcard (IAM-019)', () => {
  it.each<[string, PolicyDocument, Status]>([
    ['kms:Decrypt on *', doc(allow('kms:Decrypt')), 'FAIL'],
    ['kms:ReEncryptFrom through kms:ReEncrypt*', doc(allow('kms:ReEncrypt*')), 'FAIL'],
    ['kms:* on *', doc(allow('kms:*')), 'FAIL'],
    ['* on *', doc(allow('*')), 'FAIL'],
    ['NotAction that leaves decryption in', doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }), 'FAIL'],
    ['every key of the account', doc(allow('kms:Decrypt', `arn:aws:kms:*:${ACCOUNT}:key/*`)), 'FAIL'],
    ['every key of one region', doc(allow('kms:Decrypt', `arn:aws:kms:eu-west-1:${ACCOUNT}:key/*`)), 'FAIL'],
    ['every resource but one key', doc({ Effect: 'Allow', Action: 'kms:Decrypt', NotResource: KEY }), 'FAIL'],
    ['a source-IP condition does not limit the keys', doc(allow('kms:Decrypt', '*', { Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })), 'FAIL'],
    ['kms:ViaService with IfExists lets direct calls through', doc(allow('kms:Decrypt', '*', via('StringEqualsIfExists', 's3.us-east-1.amazonaws.com'))), 'FAIL'],
    ['kms:ViaService of *', doc(allow('kms:Decrypt', '*', via('StringLike', '*'))), 'FAIL'],
    ['kms:ViaService negated', doc(allow('kms:Decrypt', '*', via('StringNotEquals', 's3.us-east-1.amazonaws.com'))), 'FAIL'],
    ['one named key', doc(allow('kms:Decrypt', KEY)), 'PASS'],
    ['aliases are not keys', doc(allow('kms:Decrypt', `arn:aws:kms:*:${ACCOUNT}:alias/*`)), 'PASS'],
    ['only through S3', doc(allow('kms:Decrypt', '*', via('StringEquals', 's3.us-east-1.amazonaws.com'))), 'PASS'],
    ['only with an encryption context', doc(allow('kms:Decrypt', '*', { Condition: { StringEquals: { 'kms:EncryptionContext:app': 'ehr' } } })), 'PASS'],
    ['only keys tagged for the app', doc(allow('kms:Decrypt', '*', { Condition: { StringEquals: { 'aws:ResourceTag/app': 'ehr' } } })), 'PASS'],
    ['encryption only', doc(allow(['kms:Encrypt', 'kms:GenerateDataKey'])), 'PASS'],
    ['taken back by a Deny in the same policy', doc(allow('kms:*'), deny(['kms:Decrypt', 'kms:ReEncryptFrom'])), 'PASS'],
    ['until a date already past', doc(allow('kms:Decrypt', '*', { Condition: { DateLessThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } } })), 'PASS'],
  ])('%s → %s', (_label, document, status) => {
    expect(statusByResource(kmsDecryptWildcard, account({ policies: [customerPolicy('p', document)] })).p).toBe(status);
  });

  it.each<[string, boolean]>([
    ['*', true],
    ['arn:aws:kms:*:*:key/*', true],
    [`arn:aws:kms:us-east-1:${ACCOUNT}:key/*`, true],
    ['arn:aws:kms:*', true],
    [KEY, false],
    [`arn:aws:kms:us-east-1:${ACCOUNT}:key/1234*`, false],
    [`arn:aws:kms:us-east-1:${ACCOUNT}:alias/*`, false],
    ['arn:aws:s3:::*', false],
  ])('%s stands for every key: %s', (pattern, expected) => {
    expect(isKeyWildcard(pattern)).toBe(expected);
  });

  it('reports the confining condition as evidence of a pass, and the other conditions of a failure', () => {
    const findings = findingsOf(
      kmsDecryptWildcard,
      account({
        policies: [customerPolicy('via-s3', doc(allow('kms:Decrypt', '*', via('StringEquals', 's3.us-east-1.amazonaws.com'))))],
        roles: [iamRole('app', { inlinePolicies: [inline('office', doc(allow('kms:Decrypt', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } })))] })],
      }),
    );
    const pass = findings.find((f) => f.resourceName === 'via-s3');
    expect(pass?.message).toBe('customer-managed policy via-s3 allows decryption on all keys only under StringEquals kms:ViaService = s3.us-east-1.amazonaws.com');
    const fail = findings.find((f) => f.resourceName === 'role app/office');
    expect(fail?.status).toBe('FAIL');
    expect(fail?.message).toContain('conditions Bool aws:MultiFactorAuthPresent = true do not limit the keys');
  });

  it('leaves a policy used only as a permissions boundary to boundary-strength', () => {
    const boundary = customerPolicy('boundary', doc(allow('kms:*')));
    const snapshot = account({ policies: [boundary], roles: [iamRole('app', { permissionsBoundary: { arn: boundary.arn, type: 'PermissionsBoundaryPolicy' } })] });
    expect(statusByResource(kmsDecryptWildcard, snapshot).boundary).toBe('NOT_APPLICABLE');
    expect(statusByResource(kmsDecryptWildcard, account({ policies: [boundary] })).boundary).toBe('FAIL');
  });

  it('leaves AWS-managed policies to the other controls', () => {
    expect(findingsOf(kmsDecryptWildcard, account({ policies: [awsManagedPolicy('AWSKeyManagementServicePowerUser')] })).map((f) => f.status)).toEqual(['NOT_APPLICABLE']);
  });
});
