import { describe, expect, it } from 'vitest';
import rootHardwareMfa from '../../src/checks/mfa-audit/root-hardware-mfa.js';
import rootMfa from '../../src/checks/mfa-audit/root-mfa.js';
import type { Status } from '../../src/checks/check.js';
import { ACCOUNT, findingsOf, snapshotWith } from '../support/snapshot.js';

type Device = { serialNumber: string; userArn: string | null; userName: string | null; enableDate: string | null };

const ROOT_VIRTUAL: Device = { serialNumber: `arn:aws:iam::${ACCOUNT}:mfa/root-account-mfa-device`, userArn: `arn:aws:iam::${ACCOUNT}:root`, userName: null, enableDate: null };
const ROOT_VIRTUAL_NO_USER: Device = { ...ROOT_VIRTUAL, userArn: null };
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
    ['root virtual device known only by its serial', 1, [ROOT_VIRTUAL_NO_USER], 'FAIL', 'virtual'],
    ['no MFA at all', 0, [], 'FAIL', 'none'],
  ])('%s → %s', (_label, enabled, devices, status, type) => {
    const findings = findingsOf(rootHardwareMfa, account(enabled, devices));
    expect(findings.map((f) => f.status)).toEqual([status]);
    expect(findings[0]?.evidence.mfaType).toBe(type);
  });

  it('is ERROR, not PASS, when the virtual device list is unavailable', () => {
    const snapshot = snapshotWith((s) => {
      s.sources.accountSummary = { status: 'ok', data: { summaryMap: { AccountMFAEnabled: 1 } } };
      s.sources.virtualMfaDevices = { status: 'error', error: { code: 'AccessDenied', message: 'iam:ListVirtualMFADevices' } };
    });
    expect(findingsOf(rootHardwareMfa, snapshot).map((f) => f.status)).toEqual(['ERROR']);
  });
});
