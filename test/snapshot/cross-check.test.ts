import { describe, expect, it } from 'vitest';
import { crossCheckSources, sourceDisagreements } from '../../src/snapshot/cross-check.js';
import type { Snapshot, SourceName } from '../../src/snapshot/schema.js';
import { ACCOUNT, customerPolicy, iamGroup, iamRole, iamUser, snapshotWith } from '../support/snapshot.js';

type Device = { serialNumber: string; userArn: string | null; userName: string | null; enableDate: string | null };
const device = (name: string, user: string | null): Device => ({
  serialNumber: `arn:aws:iam::${ACCOUNT}:mfa/${name}`,
  userArn: user === null ? null : user === 'root' ? `arn:aws:iam::${ACCOUNT}:root` : `arn:aws:iam::${ACCOUNT}:user/${user}`,
  userName: user === null || user === 'root' ? null : user,
  enableDate: null,
});

/** Two users, a group, a role, one customer managed and one AWS managed policy; alice's virtual device and a spare. */
const account = (summary: Record<string, number>, devices: Device[] = [device('alice', 'alice'), device('spare', null)]): Snapshot =>
  snapshotWith((s) => {
    s.sources.authorizationDetails = {
      status: 'ok',
      data: {
        users: [iamUser('alice'), iamUser('bob')],
        groups: [iamGroup('staff')],
        roles: [iamRole('app')],
        policies: [customerPolicy('phi-read', null), { ...customerPolicy('ReadOnlyAccess', null), arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess', awsManaged: true }],
      },
    };
    s.sources.accountSummary = { status: 'ok', data: { summaryMap: summary } };
    s.sources.virtualMfaDevices = { status: 'ok', data: { devices } };
  });
// What AWS would count for that account: bob's MFA is a hardware token (in use, not listed).
const AGREEING = { Users: 2, Groups: 1, Roles: 1, Policies: 1, MFADevices: 3, MFADevicesInUse: 2, AccountMFAEnabled: 0 };

describe('sourceDisagreements', () => {
  it.each<[string, Record<string, number>, Device[] | undefined, SourceName[][], RegExp[]]>([
    ['counts that agree', AGREEING, undefined, [], []],
    ['a summary without the counts (nothing to compare)', { AccountMFAEnabled: 1 }, undefined, [], []],
    ['one user more in the summary', { ...AGREEING, Users: 3 }, undefined, [['accountSummary', 'authorizationDetails']], [/GetAccountSummary counts 3 users \(Users\) but GetAccountAuthorizationDetails lists 2: .*run again/]],
    ['a group fewer', { ...AGREEING, Groups: 0 }, undefined, [['accountSummary', 'authorizationDetails']], [/counts 0 groups \(Groups\) but .* lists 1/]],
    ['roles', { ...AGREEING, Roles: 2 }, undefined, [['accountSummary', 'authorizationDetails']], [/counts 2 roles \(Roles\) but .* lists 1/]],
    // AWS managed policies in use are listed but not counted in Policies.
    ['customer managed policies', { ...AGREEING, Policies: 2 }, undefined, [['accountSummary', 'authorizationDetails']], [/counts 2 customer managed policies \(Policies\) but .* lists 1/]],
    ['an emptied device list where the summary counts an unassigned device', AGREEING, [], [['accountSummary', 'virtualMfaDevices']], [/counts 3 MFA devices \(MFADevices\) of which 2 in use \(MFADevicesInUse\), so 1 unassigned, .* lists 0 unassigned \(of 0\)/]],
    ['more devices of users listed than the summary counts in all', { ...AGREEING, MFADevices: 1, MFADevicesInUse: 1 }, undefined, [['accountSummary', 'virtualMfaDevices']], [/lists 2 devices of IAM users or unassigned but GetAccountSummary counts 1 MFA devices in all/]],
    // Root's device is left out of the upper bound: whether MFADevices counts it is not documented.
    ['root\'s virtual device beside a full count', { ...AGREEING, MFADevices: 2, MFADevicesInUse: 2 }, [device('alice', 'alice'), device('root-account-mfa-device', 'root')], [], []],
    ['no device at all, hardware only', { ...AGREEING, MFADevices: 2, MFADevicesInUse: 2 }, [], [], []],
  ])('%s', (_label, summary, devices, sources, messages) => {
    const found = sourceDisagreements(account(summary, devices).sources);

    expect(found.map((d) => d.sources)).toEqual(sources);
    messages.forEach((message, i) => expect(found[i]?.message).toMatch(message));
  });

  it('compares nothing with a source that could not be read', () => {
    const snapshot = account({ ...AGREEING, Users: 9 }, []);
    snapshot.sources.authorizationDetails = { status: 'error', error: { code: 'AccessDenied', message: 'denied' } };
    snapshot.sources.virtualMfaDevices = { status: 'error', error: { code: 'AccessDenied', message: 'denied' } };

    expect(sourceDisagreements(snapshot.sources)).toEqual([]);
  });
});

describe('crossCheckSources', () => {
  it('turns each source involved into an ERROR naming the other source and both figures, and leaves the rest', () => {
    const checked = crossCheckSources(account({ ...AGREEING, Users: 3 }, []));

    expect(checked.sources.authorizationDetails).toEqual({
      status: 'error',
      error: { code: 'SourcesDisagree', message: expect.stringMatching(/^disagrees with account summary \(iam:GetAccountSummary\): GetAccountSummary counts 3 users \(Users\) but GetAccountAuthorizationDetails lists 2/) },
    });
    expect(checked.sources.virtualMfaDevices).toEqual({
      status: 'error',
      error: { code: 'SourcesDisagree', message: expect.stringMatching(/^disagrees with account summary \(iam:GetAccountSummary\): .*lists 0 unassigned/) },
    });
    const summary = checked.sources.accountSummary;
    expect(summary.status === 'error' && summary.error.message).toMatch(/^disagrees with authorization details .* and virtual MFA devices .*counts 3 users.*; .*lists 0 unassigned/);
    expect(checked.sources.credentialReport.status).toBe('ok');
  });

  it('returns an agreeing snapshot as it was, and changes nothing more when applied twice', () => {
    const agreeing = account(AGREEING);
    expect(crossCheckSources(agreeing)).toBe(agreeing);

    const once = crossCheckSources(account({ ...AGREEING, Roles: 5 }));
    expect(crossCheckSources(once)).toEqual(once);
  });
});
