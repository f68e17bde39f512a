import { describe, expect, it } from 'vitest';
import type { Status } from '../../../src/checks/check.js';
import adminAccess from '../../../src/checks/least-privilege/admin-access.js';
import type { AuthorizationDetails } from '../../../src/snapshot/schema.js';
import { attachment, awsManagedPolicy } from '../../policy/managed-policies.js';
import { ACCOUNT, findingsOf, iamGroup, iamRole, iamUser, statusByResource } from '../../support/snapshot.js';
import { account, allow, attach, customerPolicy, deny, doc, inline } from './helpers.js';

const ADMIN = awsManagedPolicy('AdministratorAccess');
const POWER = awsManagedPolicy('PowerUserAccess');
const READ = awsManagedPolicy('ReadOnlyAccess');
const DENY_ALL = customerPolicy('deny-all', doc(deny('*')));
const DENY_IAM = customerPolicy('deny-iam', doc(deny('iam:*')));
const BOUNDARY_S3 = customerPolicy('boundary-s3', doc(allow('s3:*')));
const BOUNDARY_NO_IAM = customerPolicy('boundary-no-iam', doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }));
const DENY_CREATE_USER = customerPolicy('deny-create-user', doc(deny('iam:CreateUser')));
const BOUNDARY_NO_CREATE_USER = customerPolicy('boundary-no-create-user', doc({ Effect: 'Allow', NotAction: 'iam:CreateUser', Resource: '*' }));
const policies = [ADMIN, POWER, READ, DENY_ALL, DENY_IAM, BOUNDARY_S3, BOUNDARY_NO_IAM, DENY_CREATE_USER, BOUNDARY_NO_CREATE_USER];

describe('admin-access (IAM-014)', () => {
  it.each<[string, Partial<AuthorizationDetails>, Status]>([
    ['AdministratorAccess attached', { users: [iamUser('u', { attachedPolicies: [attachment(ADMIN)] })] }, 'FAIL'],
    ['AdministratorAccess through a group', { users: [iamUser('u', { groups: ['admins'] })], groups: [iamGroup('admins', { attachedPolicies: [attachment(ADMIN)] })] }, 'FAIL'],
    ['an inline * on *', { users: [iamUser('u', { inlinePolicies: [inline('all', doc(allow('*')))] })] }, 'FAIL'],
    ['PowerUserAccess', { users: [iamUser('u', { attachedPolicies: [attachment(POWER)] })] }, 'PASS'],
    ['ReadOnlyAccess', { users: [iamUser('u', { attachedPolicies: [attachment(READ)] })] }, 'PASS'],
    ['* on * cancelled by a Deny of everything in another policy', { users: [iamUser('u', { attachedPolicies: [attachment(ADMIN), attach(DENY_ALL)] })] }, 'PASS'],
    // Everything but iam:* leaves no IAM administration in reach: not administrator access (docs/CONTROLS.md; FAIL before issue 9).
    ['* on * with only iam:* denied', { users: [iamUser('u', { attachedPolicies: [attachment(ADMIN), attach(DENY_IAM)] })] }, 'PASS'],
    ['* on * with only iam:CreateUser denied', { users: [iamUser('u', { attachedPolicies: [attachment(ADMIN), attach(DENY_CREATE_USER)] })] }, 'FAIL'],
    ['NotAction iam:CreateUser', { users: [iamUser('u', { inlinePolicies: [inline('almost', doc({ Effect: 'Allow', NotAction: 'iam:CreateUser', Resource: '*' }))] })] }, 'FAIL'],
    ['* on * under a condition', { users: [iamUser('u', { inlinePolicies: [inline('mfa', doc(allow('*', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } })))] })] }, 'FAIL'],
    ['* on one bucket', { users: [iamUser('u', { inlinePolicies: [inline('bucket', doc(allow('*', 'arn:aws:s3:::phi/*')))] })] }, 'PASS'],
    ['* on * within a boundary of S3', { users: [iamUser('u', { attachedPolicies: [attachment(ADMIN)], permissionsBoundary: { arn: BOUNDARY_S3.arn, type: 'Policy' } })] }, 'PASS'],
    ['* on * within a boundary of everything but IAM', { users: [iamUser('u', { attachedPolicies: [attachment(ADMIN)], permissionsBoundary: { arn: BOUNDARY_NO_IAM.arn, type: 'Policy' } })] }, 'PASS'],
    ['* on * within a boundary of everything but iam:CreateUser', { users: [iamUser('u', { attachedPolicies: [attachment(ADMIN)], permissionsBoundary: { arn: BOUNDARY_NO_CREATE_USER.arn, type: 'Policy' } })] }, 'FAIL'],
    ['a role with AdministratorAccess', { roles: [iamRole('u', { attachedPolicies: [attachment(ADMIN)] })] }, 'FAIL'],
    ['a policy the snapshot lacks', { users: [iamUser('u', { attachedPolicies: [{ name: 'gone', arn: `arn:aws:iam::${ACCOUNT}:policy/gone` }] })] }, 'ERROR'],
    ['a group the snapshot lacks', { users: [iamUser('u', { groups: ['ghosts'] })] }, 'ERROR'],
  ])('%s → %s', (_label, details, status) => {
    expect(statusByResource(adminAccess, account({ policies, ...details })).u).toBe(status);
  });

  it('judges groups on their own policies, and leaves service-linked roles out', () => {
    const snapshot = account({
      policies,
      users: [iamUser('alice', { groups: ['admins'] }), iamUser('bob', { groups: ['readers'] })],
      groups: [iamGroup('admins', { attachedPolicies: [attachment(ADMIN)] }), iamGroup('readers', { attachedPolicies: [attachment(READ)] })],
      roles: [iamRole('AWSServiceRoleForSupport', { path: '/aws-service-role/support.amazonaws.com/', attachedPolicies: [attachment(ADMIN)] })],
    });
    expect(statusByResource(adminAccess, snapshot)).toEqual({ alice: 'FAIL', bob: 'PASS', admins: 'FAIL', readers: 'PASS' });
  });

  it('names the policy statement that grants it, and the group it comes through', () => {
    const [finding] = findingsOf(adminAccess, account({ policies, users: [iamUser('alice', { groups: ['admins'] })], groups: [iamGroup('admins', { attachedPolicies: [attachment(ADMIN)] })] }));
    expect(finding?.message).toBe('user alice has administrator access (* on *) through group admins: managed policy AdministratorAccess (statement 0)');
    expect(finding?.evidence).toMatchObject({ adminStatus: 'admin', grantedBy: ['group admins: managed policy AdministratorAccess (statement 0)'], groups: ['admins'] });
  });

  it('says what a partial Deny leaves and what cancels a grant', () => {
    const findings = findingsOf(
      adminAccess,
      account({
        policies,
        users: [
          iamUser('partial', { attachedPolicies: [attachment(ADMIN), attach(DENY_CREATE_USER)] }),
          iamUser('cancelled', { attachedPolicies: [attachment(ADMIN), attach(DENY_ALL)] }),
          iamUser('no-iam', { attachedPolicies: [attachment(ADMIN), attach(DENY_IAM)] }),
        ],
      }),
    );
    expect(findings.find((f) => f.resourceName === 'partial')?.message).toMatch(/only iam:createuser is taken back, which leaves IAM administration in reach \(iam:\w+/);
    expect(findings.find((f) => f.resourceName === 'cancelled')?.message).toContain('but a Deny takes it back');
    expect(findings.find((f) => f.resourceName === 'no-iam')?.message).toContain('but a Deny takes back iam:*, which leaves IAM administration out of reach');
  });

  it('is NOT_APPLICABLE for an account without principals, ERROR without authorization details', () => {
    expect(findingsOf(adminAccess, account({})).map((f) => f.status)).toEqual(['NOT_APPLICABLE']);
    const broken = account({});
    broken.sources.authorizationDetails = { status: 'error', error: { code: 'AccessDenied', message: 'no' } };
    expect(findingsOf(adminAccess, broken).map((f) => f.status)).toEqual(['ERROR']);
  });
});
