import { describe, expect, it } from 'vitest';
import admin from '../../../src/checks/identity-center/identity-center-admin.js';
import eligible from '../../../src/checks/identity-center/identity-center-eligible-services.js';
import groupAssignments from '../../../src/checks/identity-center/identity-center-group-assignments.js';
import sessionDuration from '../../../src/checks/identity-center/identity-center-session-duration.js';
import { ACCOUNT } from '../../support/snapshot.js';
import { group, instance, judge, permissionSet, S3_READ_ONLY, unreadablePart, user, withIdentityCenter } from './helpers.js';

// Issue 14: "A denied sso-admin or identitystore call makes these controls ERROR, never PASS."
// A compliant set (group-assigned, 1 h, eligible services only, no admin) passes every control
// with the identity store read; with identitystore:ListUsers denied none of them may pass, while
// what is certain without the store (a direct user assignment, a 12-hour session) still FAILs.
describe('IAM-033 to IAM-036 with the identity store denied', () => {
  const compliant = permissionSet('Clinician', { accounts: [ACCOUNT], sessionDuration: 'PT1H', awsManagedPolicies: [{ name: 'AmazonS3ReadOnlyAccess', arn: S3_READ_ONLY }], assignments: [group(ACCOUNT, 'g-clinicians')] });
  const denied = unreadablePart('AccessDeniedException', 'User is not authorized to perform: identitystore:ListUsers');

  it.each([
    ['identity-center-admin (IAM-033)', admin],
    ['identity-center-session-duration (IAM-034)', sessionDuration],
    ['identity-center-eligible-services (IAM-035)', eligible],
    ['identity-center-group-assignments (IAM-036)', groupAssignments],
  ])('%s passes the compliant set with the store read and is ERROR, naming the denial, without it', (_name, check) => {
    expect(judge(check, withIdentityCenter([instance([compliant])])).map((f) => f.status)).toEqual(['PASS']);
    const found = judge(check, withIdentityCenter([instance([compliant], { identityStore: denied })]));
    expect(found.map((f) => f.status)).toEqual(['ERROR']);
    expect(found[0]?.message).toContain('AccessDeniedException: User is not authorized to perform: identitystore:ListUsers');
  });

  it('keeps the FAILs that hold whoever the holders are', () => {
    const direct = permissionSet('OnCall', { accounts: [ACCOUNT], sessionDuration: 'PT12H', assignments: [user(ACCOUNT, 'u-alice')] });
    const snapshot = withIdentityCenter([instance([direct], { identityStore: denied })]);
    expect(judge(groupAssignments, snapshot).map((f) => f.status)).toEqual(['FAIL']);
    expect(judge(sessionDuration, snapshot).map((f) => f.status)).toEqual(['FAIL']);
  });
});
