import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { planAnalyzers } from '../../src/remediate/analyzer.js';
import { planBoundaries } from '../../src/remediate/boundary.js';
import { planMfaEnforcement } from '../../src/remediate/mfa-enforcement.js';
import { describePasswordPolicy, planPasswordPolicy, targetPasswordPolicy } from '../../src/remediate/password-policy.js';
import { ACTION_OF, type RemediationPlan } from '../../src/remediate/plan.js';
import { DENY_WITHOUT_MFA_DOCUMENT } from '../../src/policy/prescribed.js';
import { DEFAULT_SETTINGS } from '../../src/settings.js';
import type { PasswordPolicy, Snapshot } from '../../src/snapshot/schema.js';
import { ACCOUNT, customerPolicy, iamGroup, iamRole, iamUser, NOW, compliantPasswordPolicy, reportRow, snapshotWith } from '../support/snapshot.js';
import { allow, doc } from '../checks/least-privilege/helpers.js';

/** "iam:AddUserToGroup user alice", one line per planned change, the shape the tables compare. */
const steps = (plan: RemediationPlan) => plan.changes.map((c) => `${ACTION_OF[c.change.kind]} ${c.target}`);
const sourceError = { status: 'error' as const, error: { code: 'AccessDenied', message: 'not authorized' } };

const BASELINE = DEFAULT_SETTINGS.passwordPolicy;
const withPasswordPolicy = (p: PasswordPolicy | null) => snapshotWith((s) => void (s.sources.passwordPolicy = { status: 'ok', data: { policy: p } }));

describe('password-policy --apply plan', () => {
  it.each([
    ['no policy set', null, 1],
    ['a weak policy', compliantPasswordPolicy({ minimumPasswordLength: 8, requireSymbols: false, maxPasswordAge: 180 }), 1],
    ['passwords that never expire', compliantPasswordPolicy({ expirePasswords: false, maxPasswordAge: null }), 1],
    ['the baseline exactly', compliantPasswordPolicy({}), 0],
    ['a stronger policy', compliantPasswordPolicy({ minimumPasswordLength: 20, maxPasswordAge: 60, hardExpiry: true }), 0],
  ])('%s: %i change(s)', (_name, current, changes) => {
    const plan = planPasswordPolicy(withPasswordPolicy(current), BASELINE);
    expect(plan.changes).toHaveLength(changes);
    expect(plan.blocked).toEqual([]);
  });

  it('never weakens a stronger parameter, and keeps HardExpiry, which an update would otherwise reset', () => {
    const target = targetPasswordPolicy(compliantPasswordPolicy({ minimumPasswordLength: 20, maxPasswordAge: 60, requireSymbols: false, hardExpiry: true }), BASELINE);
    expect(target).toMatchObject({ MinimumPasswordLength: 20, MaxPasswordAge: 60, RequireSymbols: true, PasswordReusePrevention: 24, HardExpiry: true });
  });

  it('sets the configured baseline, and says before and after', () => {
    const plan = planPasswordPolicy(withPasswordPolicy(compliantPasswordPolicy({ minimumPasswordLength: 8 })), { minimumPasswordLength: 16, maxPasswordAge: 30, passwordReusePrevention: 12 });
    expect(plan.changes[0]?.change).toMatchObject({ kind: 'update-password-policy', parameters: { MinimumPasswordLength: 16, MaxPasswordAge: 30, PasswordReusePrevention: 24 } });
    expect(plan.changes[0]?.before).toContain('MinimumPasswordLength=8');
    expect(plan.changes[0]?.after).toContain('MinimumPasswordLength=16');
    expect(describePasswordPolicy(targetPasswordPolicy(null, BASELINE))).toContain('MaxPasswordAge=90');
  });

  it('is blocked, not guessed, when the policy could not be read', () => {
    const plan = planPasswordPolicy(snapshotWith((s) => void (s.sources.passwordPolicy = sourceError)), BASELINE);
    expect(plan.changes).toEqual([]);
    expect(plan.blocked[0]).toMatch(/could not be read \(AccessDenied/);
  });
});

const denyPolicy = customerPolicy('deny-without-mfa', DENY_WITHOUT_MFA_DOCUMENT);
const console_ = (user: string, mfa: boolean) => reportRow(user, { password_enabled: 'true', mfa_active: String(mfa) });
function mfaAccount(parts: { users?: ReturnType<typeof iamUser>[]; groups?: ReturnType<typeof iamGroup>[]; policies?: ReturnType<typeof customerPolicy>[]; rows?: ReturnType<typeof reportRow>[] }): Snapshot {
  return snapshotWith((s) => {
    s.sources.credentialReport = { status: 'ok', data: { generatedAt: NOW.toISOString(), rows: parts.rows ?? [] } };
    s.sources.authorizationDetails = { status: 'ok', data: { users: parts.users ?? [], groups: parts.groups ?? [], roles: [], policies: parts.policies ?? [] } };
  });
}
const policyArn = `arn:aws:iam::${ACCOUNT}:policy/deny-without-mfa`;

describe('mfa-audit --enforce --apply plan', () => {
  it.each([
    {
      name: 'a fresh account: policy, group, attachment, and each console user added',
      account: mfaAccount({ users: [iamUser('alice'), iamUser('bob'), iamUser('svc')], rows: [console_('alice', false), console_('bob', true), reportRow('svc')] }),
      steps: [`iam:CreatePolicy ${policyArn}`, 'iam:CreateGroup group human-users', 'iam:AttachGroupPolicy group human-users', 'iam:AddUserToGroup user alice', 'iam:AddUserToGroup user bob'],
      warned: ['alice'],
    },
    {
      name: 'the group exists and enforces: only users outside it are added',
      account: mfaAccount({
        users: [iamUser('alice'), iamUser('bob', { groups: ['human-users'] })],
        groups: [iamGroup('human-users', { attachedPolicies: [{ name: denyPolicy.name, arn: denyPolicy.arn }] })],
        policies: [denyPolicy],
        rows: [console_('alice', true), console_('bob', false)],
      }),
      steps: ['iam:AddUserToGroup user alice'],
      warned: [],
    },
    {
      name: 'the policy exists but is not attached: reused and attached to the existing group; members become covered',
      account: mfaAccount({ users: [iamUser('bob', { groups: ['human-users'] })], groups: [iamGroup('human-users')], policies: [denyPolicy], rows: [console_('bob', false)] }),
      steps: ['iam:AttachGroupPolicy group human-users'],
      warned: ['bob'],
    },
    {
      name: 'every console user covered otherwise: nothing to enforce, so no group is set up and nobody is moved',
      account: mfaAccount({
        users: [iamUser('alice', { attachedPolicies: [{ name: denyPolicy.name, arn: denyPolicy.arn }] })],
        policies: [denyPolicy],
        rows: [console_('alice', false)],
      }),
      steps: [],
      warned: [],
    },
    {
      name: 'the group enforces and everyone is in it: nothing to do',
      account: mfaAccount({
        users: [iamUser('alice', { groups: ['human-users'] })],
        groups: [iamGroup('human-users', { attachedPolicies: [{ name: denyPolicy.name, arn: denyPolicy.arn }] })],
        policies: [denyPolicy],
        rows: [console_('alice', true)],
      }),
      steps: [],
      warned: [],
    },
  ])('$name', ({ account, steps: expected, warned }) => {
    const plan = planMfaEnforcement(account);
    expect(steps(plan)).toEqual(expected);
    expect(plan.blocked).toEqual([]);
    expect(plan.warnings.map((w) => w.split(' ')[0])).toEqual(warned);
  });

  it('enforces the identity the run signs in as last, and warns that its keys will need an MFA session', () => {
    const plan = planMfaEnforcement(mfaAccount({ users: [iamUser('auditor'), iamUser('alice')], rows: [console_('auditor', true), console_('alice', true)] }));
    expect(steps(plan).slice(-2)).toEqual(['iam:AddUserToGroup user alice', 'iam:AddUserToGroup user auditor']);
    expect(plan.warnings).toEqual([expect.stringMatching(/^user auditor is the identity this run signs in as: .*session made with MFA/)]);
  });

  it('makes each later change depend on the policy and group it needs', () => {
    const plan = planMfaEnforcement(mfaAccount({ users: [iamUser('alice')], rows: [console_('alice', false)] }));
    expect(plan.changes.map((c) => c.dependsOn)).toEqual([[], [], [0, 1], [1]]);
  });

  it.each([
    ['a policy of that name that does not enforce MFA', customerPolicy('deny-without-mfa', doc(allow('s3:GetObject'))), /does not deny without MFA/],
    ['a policy of that name whose document is unknown', customerPolicy('deny-without-mfa', null), /not in the snapshot/],
  ])('is blocked by %s rather than attaching it', (_name, taken, reason) => {
    const plan = planMfaEnforcement(mfaAccount({ users: [iamUser('alice')], policies: [taken], rows: [console_('alice', false)] }));
    expect(plan.changes).toEqual([]);
    expect(plan.blocked[0]).toMatch(reason);
  });

  it('is blocked when the credential report could not be read', () => {
    const plan = planMfaEnforcement(snapshotWith((s) => void (s.sources.credentialReport = sourceError)));
    expect(plan.changes).toEqual([]);
    expect(plan.blocked[0]).toMatch(/credentialReport could not be read/);
  });
});

const bound = (arn: string) => ({ arn, type: 'PermissionsBoundaryPolicy' });
const boundaryArn = `arn:aws:iam::${ACCOUNT}:policy/permissions-boundary-base`;
const otherBoundary = customerPolicy('team-boundary', doc(allow('s3:*')));
function boundaryAccount(caller = `arn:aws:iam::${ACCOUNT}:user/auditor`, extraPolicies: ReturnType<typeof customerPolicy>[] = []): Snapshot {
  return snapshotWith((s) => {
    s.sources.callerIdentity = { status: 'ok', data: { account: ACCOUNT, arn: caller, userId: 'AIDA' } };
    s.sources.authorizationDetails = {
      status: 'ok',
      data: {
        users: [iamUser('admin'), iamUser('alice', { permissionsBoundary: bound(otherBoundary.arn) })],
        groups: [],
        roles: [
          iamRole('app'),
          iamRole('AWSServiceRoleForSupport', { path: '/aws-service-role/support.amazonaws.com/' }),
          iamRole('AWSReservedSSO_Admin_0123', { path: '/aws-reserved/sso.amazonaws.com/' }),
        ],
        policies: [otherBoundary, ...extraPolicies],
      },
    };
  });
}

describe('boundary --apply plan', () => {
  it.each([
    {
      name: 'creates the boundary and sets it where none is; never on service-linked or Identity Center roles; keeps other boundaries',
      account: boundaryAccount(),
      options: {},
      steps: [`iam:CreatePolicy ${boundaryArn}`, 'iam:PutUserPermissionsBoundary user admin', 'iam:PutRolePermissionsBoundary role app'],
    },
    {
      name: 'replaces other boundaries only when asked',
      account: boundaryAccount(),
      options: { replaceExisting: true },
      steps: [`iam:CreatePolicy ${boundaryArn}`, 'iam:PutUserPermissionsBoundary user admin', 'iam:PutUserPermissionsBoundary user alice', 'iam:PutRolePermissionsBoundary role app'],
    },
    {
      name: 'uses --policy-arn as it is, creating nothing',
      account: boundaryAccount(),
      options: { policyArn: otherBoundary.arn },
      steps: ['iam:PutUserPermissionsBoundary user admin', 'iam:PutRolePermissionsBoundary role app'],
    },
    {
      name: 'bounds the identity the run signs in as last',
      account: boundaryAccount(`arn:aws:iam::${ACCOUNT}:user/admin`),
      options: {},
      steps: [`iam:CreatePolicy ${boundaryArn}`, 'iam:PutRolePermissionsBoundary role app', 'iam:PutUserPermissionsBoundary user admin'],
    },
    {
      name: 'reuses an existing permissions-boundary-base',
      account: boundaryAccount(undefined, [customerPolicy('permissions-boundary-base', doc(allow('s3:*')))]),
      options: {},
      steps: ['iam:PutUserPermissionsBoundary user admin', 'iam:PutRolePermissionsBoundary role app'],
    },
  ])('$name', ({ account, options, steps: expected }) => {
    const plan = planBoundaries(account, DEFAULT_SETTINGS, options);
    expect(steps(plan)).toEqual(expected);
    expect(plan.blocked).toEqual([]);
  });

  it('warns by name when the caller will bound itself, through an assumed role too', () => {
    const plan = planBoundaries(boundaryAccount(`arn:aws:sts::${ACCOUNT}:assumed-role/app/session`), DEFAULT_SETTINGS);
    expect(steps(plan).at(-1)).toBe('iam:PutRolePermissionsBoundary role app');
    expect(plan.warnings).toEqual([expect.stringMatching(/^role app is the identity this run signs in as/)]);
  });

  it('says why Identity Center roles and principals with another boundary are left alone', () => {
    const plan = planBoundaries(boundaryAccount(), DEFAULT_SETTINGS);
    expect(plan.unchanged.join('\n')).toMatch(/role AWSReservedSSO_Admin_0123: not changed, IAM Identity Center owns it/);
    expect(plan.unchanged.join('\n')).toMatch(/user alice keeps its boundary .*team-boundary/);
  });

  it('refuses a --policy-arn the account does not hold as bad input, and is blocked by unreadable details', () => {
    expect(() => planBoundaries(boundaryAccount(), DEFAULT_SETTINGS, { policyArn: `arn:aws:iam::${ACCOUNT}:policy/nope` })).toThrow(InputError);
    const unreadable = planBoundaries(snapshotWith((s) => void (s.sources.authorizationDetails = sourceError)), DEFAULT_SETTINGS);
    expect(unreadable.changes).toEqual([]);
    expect(unreadable.blocked[0]).toMatch(/could not be read/);
  });
});

const analyzer = (name: string, status: string, type = 'ACCOUNT') => ({ arn: `arn:aws:access-analyzer:us-east-1:${ACCOUNT}:analyzer/${name}`, name, type, status, statusReason: null, createdAt: null });
const regionOk = (...analyzers: ReturnType<typeof analyzer>[]) => ({ status: 'ok' as const, data: { analyzers, findings: [] } });

describe('analyzer --enable --apply plan', () => {
  it('creates an account analyzer where no active external-access analyzer is, and is blocked where it cannot tell', () => {
    const snapshot = snapshotWith((s) => {
      s.sources.accessAnalyzer = {
        status: 'ok',
        data: {
          regionSource: 'ec2:DescribeRegions',
          regions: {
            'us-east-1': regionOk(analyzer('org', 'ACTIVE', 'ORGANIZATION')),
            'us-east-2': regionOk(),
            'us-west-1': regionOk(analyzer('unused', 'ACTIVE', 'ACCOUNT_UNUSED_ACCESS')),
            'us-west-2': regionOk(analyzer('account-access-analyzer', 'FAILED')),
            'eu-west-1': sourceError,
          },
        },
      };
    });
    const plan = planAnalyzers(snapshot);
    expect(plan.changes.map((c) => c.change)).toEqual([
      { kind: 'create-analyzer', region: 'us-east-2', name: 'account-access-analyzer' },
      { kind: 'create-analyzer', region: 'us-west-1', name: 'account-access-analyzer' },
    ]);
    expect(plan.blocked).toEqual([expect.stringMatching(/^us-west-2: analyzer account-access-analyzer exists but is FAILED/), expect.stringMatching(/^eu-west-1: analyzers could not be listed \(AccessDenied/)]);
  });

  it('is blocked when the regions could not be read at all', () => {
    const plan = planAnalyzers(snapshotWith((s) => void (s.sources.accessAnalyzer = sourceError)));
    expect(plan.changes).toEqual([]);
    expect(plan.blocked).toHaveLength(1);
  });
});
