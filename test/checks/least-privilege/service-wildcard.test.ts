import { describe, expect, it } from 'vitest';
import type { Status } from '../../../src/checks/check.js';
import serviceWildcard from '../../../src/checks/least-privilege/service-wildcard.js';
import type { PolicyDocument } from '../../../src/snapshot/schema.js';
import { attachment, awsManagedPolicy } from '../../policy/managed-policies.js';
import { findingsOf, iamGroup, iamRole, iamUser, statusByResource } from '../../support/snapshot.js';
import { account, allow, customerPolicy, deny, doc, inline } from './helpers.js';

describe('service-wildcard (IAM-015)', () => {
  it.each<[string, PolicyDocument, Status]>([
    ['s3:*', doc(allow('s3:*')), 'FAIL'],
    ['s3:* on one bucket (it can still delete the bucket)', doc(allow('s3:*', ['arn:aws:s3:::phi', 'arn:aws:s3:::phi/*'])), 'FAIL'],
    ['Action *', doc(allow('*')), 'FAIL'],
    ['Allow with NotAction', doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }), 'FAIL'],
    ['a service the catalogue does not know, wildcarded', doc(allow('brand-new-service:*')), 'FAIL'],
    ['s3:* under a condition (still every action)', doc(allow('s3:*', '*', { Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })), 'FAIL'],
    ['s3:Get* only', doc(allow(['s3:Get*', 's3:List*'])), 'PASS'],
    ['named actions', doc(allow(['kms:Decrypt', 'kms:GenerateDataKey'])), 'PASS'],
    ['a Deny of s3:*', doc(deny('s3:*')), 'PASS'],
    ['s3:* taken back by a Deny in the same policy', doc(allow('s3:*'), deny('s3:*')), 'PASS'],
    ['s3:* until a date already past', doc(allow('s3:*', '*', { Condition: { DateLessThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } } })), 'PASS'],
  ])('%s → %s', (_label, document, status) => {
    expect(statusByResource(serviceWildcard, account({ policies: [customerPolicy('p', document)] })).p).toBe(status);
  });

  it('judges inline policies of users, groups and roles, and leaves AWS-managed policies out', () => {
    const snapshot = account({
      policies: [awsManagedPolicy('AmazonS3FullAccess'), customerPolicy('ok', doc(allow('s3:GetObject')))],
      users: [iamUser('alice', { inlinePolicies: [inline('wild', doc(allow('ec2:*')))], attachedPolicies: [attachment(awsManagedPolicy('AmazonS3FullAccess'))] })],
      groups: [iamGroup('ops', { inlinePolicies: [inline('tame', doc(allow('ec2:Describe*')))] })],
      roles: [iamRole('app', { inlinePolicies: [inline('wild', doc(allow(['sqs:*', 'sns:*'])))] }), iamRole('AWSServiceRoleForX', { path: '/aws-service-role/x.amazonaws.com/', inlinePolicies: [inline('wild', doc(allow('*')))] })],
    });
    expect(statusByResource(serviceWildcard, snapshot)).toEqual({ ok: 'PASS', 'user alice/wild': 'FAIL', 'group ops/tame': 'PASS', 'role app/wild': 'FAIL' });
  });

  it('says which services and which statement', () => {
    const [finding] = findingsOf(serviceWildcard, account({ policies: [customerPolicy('p', doc(allow('s3:GetObject'), allow(['sqs:*', 's3:*'], '*', { Sid: 'Wide' })))] }));
    expect(finding?.message).toBe('customer-managed policy p allows sqs:*, s3:*');
    expect(finding?.evidence.serviceWildcards).toEqual([{ statement: 'customer-managed policy p (statement 1, Sid Wide)', grants: 'sqs:*, s3:*', services: ['sqs', 's3'], resources: ['*'], conditions: [] }]);
  });

  it('counts the services a NotAction opens', () => {
    const [finding] = findingsOf(serviceWildcard, account({ policies: [customerPolicy('p', doc({ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' }))] }));
    expect(finding?.message).toMatch(/^customer-managed policy p allows every action of \d{3} services \(NotAction iam:\*, organizations:\*\)$/);
  });

  it('leaves a policy used only as a permissions boundary to boundary-strength: it grants nothing; attached as well, it is judged', () => {
    const wide = customerPolicy('wide-boundary', doc(allow(['s3:*', 'dynamodb:*'])));
    const bound = { arn: wide.arn, type: 'PermissionsBoundaryPolicy' };
    const boundaryOnly = account({ policies: [wide], users: [iamUser('alice', { permissionsBoundary: bound })], roles: [iamRole('app', { permissionsBoundary: bound })] });
    const [finding] = findingsOf(serviceWildcard, boundaryOnly);
    expect(finding).toMatchObject({ status: 'NOT_APPLICABLE', message: expect.stringMatching(/used only as the permissions boundary of 2 principal\(s\)/) });
    const alsoAttached = account({ policies: [wide], users: [iamUser('alice', { permissionsBoundary: bound })], groups: [iamGroup('ops', { attachedPolicies: [attachment(wide)] })] });
    expect(statusByResource(serviceWildcard, alsoAttached)['wide-boundary']).toBe('FAIL');
  });

  it('is ERROR for a policy whose document is missing, NOT_APPLICABLE without customer policies', () => {
    expect(statusByResource(serviceWildcard, account({ policies: [customerPolicy('p', null)] })).p).toBe('ERROR');
    expect(findingsOf(serviceWildcard, account({ policies: [awsManagedPolicy('AdministratorAccess')] })).map((f) => f.status)).toEqual(['NOT_APPLICABLE']);
  });
});
