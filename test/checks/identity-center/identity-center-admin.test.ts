import { describe, expect, it } from 'vitest';
import check from '../../../src/checks/identity-center/identity-center-admin.js';
import type { PermissionSet, Snapshot } from '../../../src/snapshot/schema.js';
import { organizationContext, organizationFacts, orgAccount, MANAGEMENT, ROOT } from '../../support/organization.js';
import { ACCOUNT, customerPolicy, iamRole, snapshotWith } from '../../support/snapshot.js';
import { ADMINISTRATOR_ACCESS, ALLOW_ALL, allow, allowOnly, at, deny, doc, group, instance, INSTANCE_ARN, judge, OTHER, permissionSet, S3_READ_ONLY, statuses, unreadablePart, user, withIdentityCenter } from './helpers.js';

const ADMIN_POLICY = { name: 'AdministratorAccess', arn: ADMINISTRATOR_ACCESS };

/** The one finding of a set in an account. */
function verdict(ps: PermissionSet, snapshot: Snapshot, accountId = ACCOUNT, settings = {}) {
  const found = judge(check, snapshot, settings).find((f) => f.resourceArn === at(ps, accountId));
  if (!found) throw new Error(`no finding for ${ps.name} in ${accountId}`);
  return found;
}

describe('identity-center-admin (IAM-033)', () => {
  // Each row: a permission set provisioned to ACCOUNT (whose authorization details the run read), and its verdict there.
  const rows: [string, Partial<PermissionSet>, string, ((s: Snapshot) => void)?][] = [
    ['AdministratorAccess attached (AWS managed, document read with the instance)', { awsManagedPolicies: [ADMIN_POLICY] }, 'FAIL'],
    ['an inline Allow * on *', { inlinePolicy: ALLOW_ALL }, 'FAIL'],
    ['everything but iam:CreateUser (IAM administration left in reach)', { inlinePolicy: doc({ Effect: 'Allow', NotAction: 'iam:CreateUser', Resource: '*' }) }, 'FAIL'],
    ['Allow * only with MFA (conditional)', { inlinePolicy: doc(allow('*', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } })) }, 'FAIL'],
    ['an AWS managed read-only policy', { awsManagedPolicies: [{ name: 'AmazonS3ReadOnlyAccess', arn: S3_READ_ONLY }] }, 'PASS'],
    ['no policy at all', {}, 'PASS'],
    ['Allow * with Deny * (cancelled)', { inlinePolicy: doc(allow('*'), deny('*')) }, 'PASS'],
    ['everything but iam:* (IAM administration out of reach)', { inlinePolicy: doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }) }, 'PASS'],
    ['an inline Allow * within an AWS managed boundary of S3 read-only: the boundary takes admin back', { inlinePolicy: ALLOW_ALL, permissionsBoundary: { managedPolicyArn: S3_READ_ONLY, customerManagedPolicy: null } }, 'PASS'],
    [
      'an inline Allow * within a customer managed boundary read in ACCOUNT: the boundary takes admin back',
      { inlinePolicy: ALLOW_ALL, permissionsBoundary: { managedPolicyArn: null, customerManagedPolicy: { name: 'phi-boundary', path: '/' } } },
      'PASS',
      (s) => {
        s.sources.authorizationDetails = { status: 'ok', data: { users: [], groups: [], roles: [], policies: [customerPolicy('phi-boundary', allowOnly('s3:GetObject'))] } };
      },
    ],
    [
      'a customer managed reference resolved in ACCOUNT to Allow * on *',
      { customerManagedPolicies: [{ name: 'ops-all', path: '/' }] },
      'FAIL',
      (s) => {
        s.sources.authorizationDetails = { status: 'ok', data: { users: [], groups: [], roles: [], policies: [customerPolicy('ops-all', ALLOW_ALL)] } };
      },
    ],
    [
      'a customer managed reference resolved in ACCOUNT to S3 reads',
      { customerManagedPolicies: [{ name: 'ops-read', path: '/' }] },
      'PASS',
      (s) => {
        s.sources.authorizationDetails = { status: 'ok', data: { users: [], groups: [], roles: [], policies: [customerPolicy('ops-read', allowOnly('s3:GetObject'))] } };
      },
    ],
    ['a customer managed reference ACCOUNT does not hold', { customerManagedPolicies: [{ name: 'missing', path: '/' }] }, 'ERROR'],
    ['a customer managed reference while ACCOUNT\'s authorization details could not be read', { customerManagedPolicies: [{ name: 'ops-read', path: '/' }] }, 'ERROR', (s) => void (s.sources.authorizationDetails = unreadablePart('AccessDenied', 'iam:GetAccountAuthorizationDetails'))],
    ['an AWS managed policy whose document was not read', { awsManagedPolicies: [{ name: 'ViewOnlyAccess', arn: 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess' }] }, 'ERROR'],
    ['an AWS managed policy not read beside an inline Allow * (what was read is already admin)', { inlinePolicy: ALLOW_ALL, awsManagedPolicies: [{ name: 'ViewOnlyAccess', arn: 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess' }] }, 'FAIL'],
  ];

  it.each(rows)('%s → %s', (_, fields, expected, patch) => {
    const ps = permissionSet('Ops', { accounts: [ACCOUNT], assignments: [group(ACCOUNT, 'g-admins')], ...fields });
    const found = verdict(ps, withIdentityCenter([instance([ps])], patch));
    expect(found.status).toBe(expected);
    expect(found.resourceType).toBe('AWS::SSO::PermissionSet');
    expect(found.message).toContain(`permission set Ops in account ${ACCOUNT}`);
  });

  it('names the people and groups that hold the set in the account, in message and evidence', () => {
    const ps = permissionSet('Admin', { awsManagedPolicies: [ADMIN_POLICY], accounts: [ACCOUNT], assignments: [user(ACCOUNT, 'u-alice'), group(ACCOUNT, 'g-admins')] });
    const found = verdict(ps, withIdentityCenter([instance([ps])]));
    expect(found.status).toBe('FAIL');
    expect(found.message).toContain('held by alice (Alice Ng), bob (Bob Ruiz), carol; group Admins');
    expect(found.message).toContain('permission set Admin: managed policy AdministratorAccess');
    expect(found.evidence).toMatchObject({ instanceArn: INSTANCE_ARN, permissionSetArn: ps.arn, permissionSetName: 'Admin', accountId: ACCOUNT, people: ['alice (Alice Ng)', 'bob (Bob Ruiz)', 'carol'], groups: ['Admins'], adminStatus: 'admin' });
  });

  it('resolves customer managed references only in the run\'s own account: unreadable in another account', () => {
    const ps = permissionSet('Ops', { customerManagedPolicies: [{ name: 'ops-read', path: '/' }], accounts: [ACCOUNT, OTHER] });
    const snapshot = withIdentityCenter([instance([ps])], (s) => {
      s.sources.authorizationDetails = { status: 'ok', data: { users: [], groups: [], roles: [], policies: [customerPolicy('ops-read', allowOnly('s3:GetObject'))] } };
    });
    const found = judge(check, snapshot);
    expect(statuses(found)).toEqual({ [at(ps, ACCOUNT)]: 'PASS', [at(ps, OTHER)]: 'ERROR' });
    expect(found.find((f) => f.resourceArn === at(ps, OTHER))?.message).toContain(`customer managed policy /ops-read in ${OTHER} (account ${OTHER} was not read)`);
  });

  it('a set provisioned to no account is NOT_APPLICABLE; each account of a set is judged', () => {
    const idle = permissionSet('Idle', { awsManagedPolicies: [ADMIN_POLICY] });
    const wide = permissionSet('Admin', { awsManagedPolicies: [ADMIN_POLICY], accounts: [ACCOUNT, OTHER] });
    const found = judge(check, withIdentityCenter([instance([idle, wide])]));
    expect(statuses(found)).toEqual({ [idle.arn]: 'NOT_APPLICABLE', [at(wide, ACCOUNT)]: 'FAIL', [at(wide, OTHER)]: 'FAIL' });
    expect(found[0]?.message).toBe('permission set Idle is provisioned to no account');
  });

  describe('break-glass permission sets (settings.breakGlassPermissionSets)', () => {
    const breakGlass = (assignments: PermissionSet['assignments']) => permissionSet('BreakGlass', { awsManagedPolicies: [ADMIN_POLICY], accounts: [ACCOUNT, OTHER], assignments });
    const settings = { breakGlassPermissionSets: ['BreakGlass'] };

    it('passes when at most two people hold it over all its accounts (a user, and a group of one other... counted once each)', () => {
      // alice directly in ACCOUNT, bob directly in OTHER: two people over all the set's accounts.
      const ps = breakGlass([user(ACCOUNT, 'u-alice'), user(OTHER, 'u-bob'), user(OTHER, 'u-alice')]);
      const found = verdict(ps, withIdentityCenter([instance([ps])]), ACCOUNT, settings);
      expect(found.status).toBe('PASS');
      expect(found.message).toContain('named as break-glass in settings and two people hold it over all its accounts');
      expect(found.evidence).toMatchObject({ breakGlass: true, breakGlassHolders: ['alice (Alice Ng)', 'bob (Bob Ruiz)'] });
    });

    it('fails naming them when three people hold it (through a group in another account too)', () => {
      const ps = breakGlass([user(ACCOUNT, 'u-alice'), group(OTHER, 'g-admins')]);
      const found = verdict(ps, withIdentityCenter([instance([ps])]), ACCOUNT, settings);
      expect(found.status).toBe('FAIL');
      expect(found.message).toContain('3 people hold it over all its accounts');
      expect(found.message).toContain('alice (Alice Ng), bob (Bob Ruiz), carol');
    });

    it('is ERROR when the identity store could not be read (who holds it cannot be counted)', () => {
      const ps = breakGlass([user(ACCOUNT, 'u-alice')]);
      const found = verdict(ps, withIdentityCenter([instance([ps], { identityStore: unreadablePart('AccessDeniedException', 'identitystore:ListUsers') })]), ACCOUNT, settings);
      expect(found.status).toBe('ERROR');
      expect(found.message).toContain('AccessDeniedException');
    });

    it('is judged as any other set when not named, and a named set that is no administrator simply passes', () => {
      const ps = breakGlass([user(ACCOUNT, 'u-alice')]);
      expect(verdict(ps, withIdentityCenter([instance([ps])])).status).toBe('FAIL');
      const reader = permissionSet('BreakGlass', { inlinePolicy: allowOnly('s3:GetObject'), accounts: [ACCOUNT], assignments: [group(ACCOUNT, 'g-admins'), user(ACCOUNT, 'u-alice'), user(ACCOUNT, 'u-dave')] });
      expect(verdict(reader, withIdentityCenter([instance([reader])]), ACCOUNT, settings).status).toBe('PASS');
    });
  });

  describe('what could not be read', () => {
    it('the permission sets part of an instance: ERROR for that instance, never PASS', () => {
      const found = judge(check, withIdentityCenter([instance([], { permissionSets: unreadablePart() })]));
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ status: 'ERROR', resourceArn: INSTANCE_ARN, resourceType: 'AWS::SSO::Instance' });
      expect(found[0]?.message).toContain('AccessDeniedException: not authorized to perform sso:ListPermissionSets');
    });

    it('the identityCenter source: ERROR (the engine)', () => {
      const found = judge(check, snapshotWith((s) => void (s.sources.identityCenter = unreadablePart('AccessDeniedException', 'sso:ListInstances'))));
      expect(found.map((f) => f.status)).toEqual(['ERROR']);
    });

    it('the identity store alone: verdicts stand, people behind groups are said to be unknown', () => {
      const ps = permissionSet('Admin', { awsManagedPolicies: [ADMIN_POLICY], accounts: [ACCOUNT], assignments: [user(ACCOUNT, 'u-alice'), group(ACCOUNT, 'g-admins')] });
      const found = verdict(ps, withIdentityCenter([instance([ps], { identityStore: unreadablePart() })]));
      expect(found.status).toBe('FAIL');
      expect(found.message).toContain('held by user u-alice; group g-admins (identity store d-1111111111 could not be read');
    });
  });

  describe('no instance', () => {
    it('is NOT_APPLICABLE when no AWSReservedSSO_* role says otherwise', () => {
      const found = judge(check, withIdentityCenter([]));
      expect(found.map((f) => [f.status, f.message])).toEqual([['NOT_APPLICABLE', 'no IAM Identity Center instance in us-east-1 readable from this account']]);
    });

    it('is ERROR when the account holds roles Identity Center provisioned: an instance this run could not read', () => {
      const snapshot = withIdentityCenter([], (s) => {
        const roles = [iamRole('AWSReservedSSO_Admin_0123456789abcdef', { path: '/aws-reserved/sso.amazonaws.com/eu-west-1/' })];
        s.sources.authorizationDetails = { status: 'ok', data: { users: [], groups: [], roles, policies: [] } };
      });
      const [found] = judge(check, snapshot);
      expect(found?.status).toBe('ERROR');
      expect(found?.message).toContain('permission sets Admin reach account 123456789012');
      expect(found?.message).toContain('--identity-center-region eu-west-1, or run with --organization');
    });

    it('a role of a us-east-1 instance (its path names no region) points at us-east-1', () => {
      const snapshot = withIdentityCenter([], (s) => {
        const roles = [iamRole('AWSReservedSSO_ReadOnly_0123456789abcdef', { path: '/aws-reserved/sso.amazonaws.com/' })];
        s.sources.authorizationDetails = { status: 'ok', data: { users: [], groups: [], roles, policies: [] } };
      });
      expect(judge(check, snapshot)[0]?.message).toContain('--identity-center-region us-east-1');
    });
  });

  describe('in an organization run', () => {
    const member = permissionSet('Admin', { awsManagedPolicies: [ADMIN_POLICY], accounts: [ACCOUNT, OTHER], assignments: [user(ACCOUNT, 'u-alice'), group(OTHER, 'g-admins')] });
    const elsewhere = permissionSet('Elsewhere', { awsManagedPolicies: [ADMIN_POLICY], accounts: [OTHER] });
    const facts = organizationFacts((f) => {
      f.accounts = { status: 'ok', data: [orgAccount(MANAGEMENT, { ouPath: [ROOT] }), orgAccount(ACCOUNT), orgAccount(OTHER)] };
      f.identityCenter = { status: 'ok', data: { region: 'us-east-1', instances: [instance([member, elsewhere], { ownerAccountId: MANAGEMENT })] } };
    });
    // The member's own identityCenter is not read in an organization run.
    const memberSnapshot = snapshotWith((s) => void (s.sources.identityCenter = { status: 'error', error: { code: 'NotCollected', message: 'read once for the organization' } }));

    it('judges only the sets that reach this member, in this member, naming who holds them here', () => {
      const found = judge(check, memberSnapshot, {}, organizationContext(facts, ACCOUNT));
      expect(statuses(found)).toEqual({ [at(member, ACCOUNT)]: 'FAIL' });
      expect(found[0]?.message).toContain('held by alice (Alice Ng)');
      expect(found[0]?.message).not.toContain('Admins');
    });

    it('is NOT_APPLICABLE in a member no set reaches', () => {
      const found = judge(check, snapshotWith((s) => void (s.accountId = '555566667777')), {}, { facts, account: orgAccount('555566667777') });
      expect(found.map((f) => f.status)).toEqual(['NOT_APPLICABLE']);
      expect(found[0]?.message).toContain('reaches account 555566667777');
    });

    it('is ERROR when the organization holds no instance in its region but the member holds AWSReservedSSO_* roles', () => {
      const empty = organizationFacts((f) => void (f.identityCenter = { status: 'ok', data: { region: 'us-east-1', instances: [] } }));
      const withRoles = snapshotWith((s) => {
        s.sources.authorizationDetails = { status: 'ok', data: { users: [], groups: [], roles: [iamRole('AWSReservedSSO_Admin_0123456789abcdef', { path: '/aws-reserved/sso.amazonaws.com/eu-west-1/' })], policies: [] } };
      });
      const [found] = judge(check, withRoles, {}, organizationContext(empty));
      expect(found?.status).toBe('ERROR');
      expect(found?.message).toContain("none in us-east-1 readable from the account the organization's Identity Center was read from");
      expect(found?.message).toContain('--identity-center-region eu-west-1');
    });

    it('is ERROR when the organization\'s Identity Center could not be read', () => {
      const unread = organizationFacts((f) => void (f.identityCenter = unreadablePart()));
      expect(judge(check, memberSnapshot, {}, organizationContext(unread)).map((f) => f.status)).toEqual(['ERROR']);
    });
  });
});
