import { describe, expect, it } from 'vitest';
import boundaryStrength from '../../../src/checks/boundary/boundary-strength.js';
import type { Status } from '../../../src/checks/check.js';
import type { ManagedPolicy, PolicyDocument } from '../../../src/snapshot/schema.js';
import { awsManagedPolicy } from '../../policy/managed-policies.js';
import { ACCOUNT, findingsOf, iamRole, iamUser, statusByResource } from '../../support/snapshot.js';
import { account, allow, customerPolicy, deny, doc } from '../least-privilege/helpers.js';

const bounded = (policy: ManagedPolicy) => ({ arn: policy.arn, type: 'PermissionsBoundaryPolicy' });

/** One user bounded by a boundary policy named "b" with this document. */
const withBoundary = (document: PolicyDocument) => {
  const b = customerPolicy('b', document);
  return account({ policies: [b], users: [iamUser('dev', { permissionsBoundary: bounded(b) })] });
};

describe('boundary-strength (IAM-023)', () => {
  it.each<[string, PolicyDocument, Status]>([
    ['Allow * on *', doc(allow('*')), 'FAIL'],
    ['Allow * under a condition', doc(allow('*', '*', { Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } } })), 'FAIL'],
    ['iam:* among others', doc(allow(['s3:*', 'iam:*'])), 'FAIL'],
    ['NotAction that leaves IAM in', doc({ Effect: 'Allow', NotAction: ['organizations:*', 'account:*'], Resource: '*' }), 'FAIL'],
    ['Allow * but Deny iam:*', doc(allow('*'), deny('iam:*')), 'PASS'],
    ['NotAction iam:*', doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }), 'PASS'],
    // Administrator access by the one rule: everything but iam:CreateUser leaves IAM administration in reach.
    ['NotAction iam:CreateUser', doc({ Effect: 'Allow', NotAction: 'iam:CreateUser', Resource: '*' }), 'FAIL'],
    ['Allow * but Deny iam:CreateUser', doc(allow('*'), deny('iam:CreateUser')), 'FAIL'],
    ['named services only', doc(allow(['s3:*', 'dynamodb:*', 'kms:Decrypt'])), 'PASS'],
    ['iam:* on its own roles only', doc(allow('s3:*'), allow('iam:*', `arn:aws:iam::${ACCOUNT}:role/app-*`)), 'PASS'],
  ])('%s → %s', (_label, document, status) => {
    expect(statusByResource(boundaryStrength, withBoundary(document)).b).toBe(status);
  });

  it('judges AWS managed policies used as boundaries', () => {
    const admin = awsManagedPolicy('AdministratorAccess');
    const power = awsManagedPolicy('PowerUserAccess');
    const iamFull = awsManagedPolicy('IAMFullAccess');
    const snapshot = account({
      policies: [admin, power, iamFull],
      users: [iamUser('a', { permissionsBoundary: bounded(admin) }), iamUser('b', { permissionsBoundary: bounded(power) })],
      roles: [iamRole('c', { permissionsBoundary: bounded(iamFull) }), iamRole('d', { permissionsBoundary: bounded(power) })],
    });
    expect(statusByResource(boundaryStrength, snapshot)).toEqual({ AdministratorAccess: 'FAIL', PowerUserAccess: 'PASS', IAMFullAccess: 'FAIL' });
    const powerFinding = findingsOf(boundaryStrength, snapshot).find((f) => f.resourceName === 'PowerUserAccess');
    expect(powerFinding?.evidence).toMatchObject({ usedBy: ['user b', 'role d'], principalCount: 2, adminStatus: 'none', allowsAllIam: false });
  });

  it('lists the permission-changing IAM actions a passing boundary still allows', () => {
    const [finding] = findingsOf(boundaryStrength, withBoundary(doc(allow(['s3:*', 'iam:PassRole', 'iam:CreateAccessKey']))));
    expect(finding?.status).toBe('PASS');
    expect(finding?.evidence.permissionChangingActionsAllowed).toEqual(['iam:PassRole', 'iam:CreateAccessKey']);
    expect(finding?.message).toContain('it still allows iam:PassRole, iam:CreateAccessKey — review');
  });

  it('is ERROR for a boundary the snapshot lacks, NOT_APPLICABLE when no one has a boundary', () => {
    const missing = account({ users: [iamUser('dev', { permissionsBoundary: { arn: `arn:aws:iam::${ACCOUNT}:policy/gone`, type: 'PermissionsBoundaryPolicy' } })] });
    expect(findingsOf(boundaryStrength, missing).map((f) => [f.resourceName, f.status])).toEqual([['gone', 'ERROR']]);
    expect(findingsOf(boundaryStrength, account({ users: [iamUser('dev')] })).map((f) => f.status)).toEqual(['NOT_APPLICABLE']);
  });
});
