import { describe, expect, it } from 'vitest';
import adminAccess from '../../../src/checks/least-privilege/admin-access.js';
import { attachment } from '../../policy/managed-policies.js';
import { customerPolicy, findingsOf, iamRole, iamUser, withPrincipals } from '../../support/snapshot.js';

// Principals with the same policies share one judgement per run (the account model); the labels
// in its limits name the principal a directly attached policy is on, so each principal must get
// its own, not those of whichever principal was judged first.
const conditionalAdmin = customerPolicy('admin-from-office', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }] });

describe('admin-access names each principal in its own limits', () => {
  it('two users with the same directly attached conditional * on *: each FAIL quotes its own user', () => {
    const snapshot = withPrincipals({
      users: ['alice', 'bob'].map((name) => iamUser(name, { attachedPolicies: [attachment(conditionalAdmin)] })),
      policies: [conditionalAdmin],
    });
    const findings = findingsOf(adminAccess, snapshot);
    for (const name of ['alice', 'bob']) {
      const finding = findings.find((f) => f.resourceName === name);
      expect(finding?.status).toBe('FAIL');
      expect(finding?.message).toContain(`user ${name}: managed policy admin-from-office`);
      expect(finding?.message).not.toContain(`user ${name === 'alice' ? 'bob' : 'alice'}:`);
      expect(JSON.stringify(finding?.evidence.limits)).toContain(`user ${name}:`);
    }
  });

  it('two roles with the same policy and a Deny: each PASS quotes its own role', () => {
    const denyIam = customerPolicy('no-iam', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: 'iam:*', Resource: '*' }] });
    const snapshot = withPrincipals({ roles: ['r1', 'r2'].map((name) => iamRole(name, { attachedPolicies: [attachment(denyIam)] })), policies: [denyIam] });
    for (const name of ['r1', 'r2']) {
      const finding = findingsOf(adminAccess, snapshot).find((f) => f.resourceName === name);
      expect(JSON.stringify(finding?.evidence)).toContain(`role ${name}:`);
      expect(JSON.stringify(finding?.evidence)).not.toContain(`role ${name === 'r1' ? 'r2' : 'r1'}:`);
    }
  });
});
