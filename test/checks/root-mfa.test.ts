import { describe, expect, it } from 'vitest';
import rootHardwareMfa from '../../src/checks/mfa-audit/root-hardware-mfa.js';
import rootMfa from '../../src/checks/mfa-audit/root-mfa.js';
import type { Status } from '../../src/checks/check.js';
import { importAwsCliExports } from '../../src/snapshot/import.js';
import { loadSnapshot } from '../../src/snapshot/load.js';
import { ACCOUNT, findingsOf, snapshotWith } from '../support/snapshot.js';

const CASES = new URL('../fixtures/cases/', import.meta.url).pathname;

type Device = { serialNumber: string; userArn: string | null; userName: string | null; enableDate: string | null };

const ROOT_VIRTUAL: Device = { serialNumber: `arn:aws:iam::${ACCOUNT}:mfa/root-account-mfa-device`, userArn: `arn:aws:iam::${ACCOUNT}:root`, userName: null, enableDate: null };
// AssignmentStatus Any also lists devices no one enabled: no User, whatever their name.
const UNASSIGNED_NAMED_FOR_ROOT: Device = { ...ROOT_VIRTUAL, userArn: null };
const USER_DEVICE_NAMED_FOR_ROOT: Device = { ...ROOT_VIRTUAL, userArn: `arn:aws:iam::${ACCOUNT}:user/alice`, userName: 'alice' };
// Root may name its device anything; only the assignment to the root ARN counts, in any partition.
const ROOT_VIRTUAL_OTHER_NAME: Device = { ...ROOT_VIRTUAL, serialNumber: `arn:aws:iam::${ACCOUNT}:mfa/ops-phone` };
const ROOT_VIRTUAL_GOVCLOUD: Device = { serialNumber: `arn:aws-us-gov:iam::${ACCOUNT}:mfa/root-phone`, userArn: `arn:aws-us-gov:iam::${ACCOUNT}:root`, userName: null, enableDate: null };
const USER_VIRTUAL: Device = { serialNumber: `arn:aws:iam::${ACCOUNT}:mfa/alice`, userArn: `arn:aws:iam::${ACCOUNT}:user/alice`, userName: 'alice', enableDate: null };

const account = (mfaEnabled: number | undefined, devices: Device[] = []) =>
  snapshotWith((s) => {
    s.sources.accountSummary = { status: 'ok', data: { summaryMap: mfaEnabled === undefined ? { Users: 3 } : { AccountMFAEnabled: mfaEnabled } } };
    s.sources.virtualMfaDevices = { status: 'ok', data: { devices } };
  });

describe('root-mfa (IAM-005)', () => {
  it.each<[string, number | undefined, Status]>([
    ['MFA enabled', 1, 'PASS'],
    ['no MFA', 0, 'FAIL'],
    ['summary without AccountMFAEnabled', undefined, 'ERROR'],
  ])('%s → %s', (_label, enabled, status) => {
    const findings = findingsOf(rootMfa, account(enabled));
    expect(findings.map((f) => f.status)).toEqual([status]);
    expect(findings[0]?.severity).toBe('critical');
  });

  it('is ERROR when the account summary was denied', () => {
    const snapshot = snapshotWith((s) => {
      s.sources.accountSummary = { status: 'error', error: { code: 'AccessDenied', message: 'denied' } };
    });
    expect(findingsOf(rootMfa, snapshot).map((f) => f.status)).toEqual(['ERROR']);
  });
});

describe('root-hardware-mfa (IAM-006)', () => {
  it.each<[string, number, Device[], Status, string]>([
    ['MFA and no virtual device for root', 1, [USER_VIRTUAL], 'PASS', 'hardware or FIDO'],
    ['virtual device assigned to root', 1, [ROOT_VIRTUAL], 'FAIL', 'virtual'],
    ['an unassigned device named root-account-mfa-device', 1, [UNASSIGNED_NAMED_FOR_ROOT], 'PASS', 'hardware or FIDO'],
    ["another user's device named root-account-mfa-device", 1, [USER_DEVICE_NAMED_FOR_ROOT], 'PASS', 'hardware or FIDO'],
    ['a virtual device of any name assigned to root', 1, [USER_VIRTUAL, ROOT_VIRTUAL_OTHER_NAME], 'FAIL', 'virtual'],
    ['a virtual device assigned to root in another partition', 1, [ROOT_VIRTUAL_GOVCLOUD], 'FAIL', 'virtual'],
    ['no MFA at all', 0, [], 'FAIL', 'none'],
  ])('%s → %s', (_label, enabled, devices, status, type) => {
    const findings = findingsOf(rootHardwareMfa, account(enabled, devices));
    expect(findings.map((f) => f.status)).toEqual([status]);
    expect(findings[0]?.evidence.mfaType).toBe(type);
  });

  it("names root's virtual devices in the FAIL's evidence", () => {
    const findings = findingsOf(rootHardwareMfa, account(1, [UNASSIGNED_NAMED_FOR_ROOT, ROOT_VIRTUAL_OTHER_NAME]));
    expect(findings[0]?.evidence.virtualDevices).toEqual([ROOT_VIRTUAL_OTHER_NAME.serialNumber]);
  });

  it('is ERROR, not PASS, when the virtual device list is unavailable', () => {
    const snapshot = snapshotWith((s) => {
      s.sources.accountSummary = { status: 'ok', data: { summaryMap: { AccountMFAEnabled: 1 } } };
      s.sources.virtualMfaDevices = { status: 'error', error: { code: 'AccessDenied', message: 'iam:ListVirtualMFADevices' } };
    });
    expect(findingsOf(rootHardwareMfa, snapshot).map((f) => f.status)).toEqual(['ERROR']);
  });
});

describe('root-hardware-mfa (IAM-006) on the cases, read as they are', () => {
  // Root's MFA is on and not virtual; a device named root-account-mfa-device that ListVirtualMFADevices
  // assigns to alice, or to no one, says nothing about root.
  it.each([
    ['root-mfa-device-named-for-root-but-a-users (--snapshot)', () => loadSnapshot(`${CASES}root-mfa-device-named-for-root-but-a-users/snapshot.json`)],
    ['root-mfa-device-named-for-root-but-a-users (--import)', () => importAwsCliExports(`${CASES}root-mfa-device-named-for-root-but-a-users/import`)],
    ['root-mfa-unassigned-device (--snapshot)', () => loadSnapshot(`${CASES}root-mfa-unassigned-device/snapshot.json`)],
  ])('%s → PASS', (_label, read) => {
    const snapshot = read();
    expect(snapshot.sources.virtualMfaDevices).toMatchObject({ status: 'ok', data: { devices: [{ serialNumber: 'arn:aws:iam::111122223333:mfa/root-account-mfa-device' }] } });
    const findings = findingsOf(rootHardwareMfa, snapshot);
    expect(findings.map((f) => [f.resourceName, f.status, f.evidence.mfaType])).toEqual([['root', 'PASS', 'hardware or FIDO']]);
    expect(findingsOf(rootMfa, snapshot).map((f) => f.status)).toEqual(['PASS']);
  });
});
