import type { SourceData } from '../../snapshot/schema.js';

type VirtualDevices = SourceData<'virtualMfaDevices'> | null;
type VirtualDevice = NonNullable<VirtualDevices>['devices'][number];

/**
 * Without a call per user, IAM tells only whether a principal's device is virtual (it is in
 * ListVirtualMFADevices); anything else active is a hardware TOTP token or a FIDO key.
 */
export function mfaTypeOf(principalArn: string, mfaActive: boolean | null, devices: VirtualDevices): string {
  if (mfaActive === false) return 'none';
  if (mfaActive === null) return 'unknown';
  if (devices === null) return 'unknown (virtual MFA device list unavailable)';
  return hasVirtualDevice(principalArn, devices) ? 'virtual' : 'hardware or FIDO';
}

export function hasVirtualDevice(principalArn: string, devices: NonNullable<VirtualDevices>): boolean {
  return virtualDevicesOf(principalArn, devices).length > 0;
}

/**
 * The virtual devices ListVirtualMFADevices assigns to a principal: those whose `User.Arn`
 * (kept as `userArn`) names it, e.g. `arn:PARTITION:iam::ACCOUNT:root` for the root user.
 * The serial number is a name anyone may choose (any user can call theirs
 * `root-account-mfa-device`, and root's may be called anything), and an unassigned device
 * (no User) protects nobody, so neither is ever read as root's: cloud-custodian PR #9848.
 * The partition is ignored because `rootArn` spells the root ARN in the `aws` partition.
 */
export function virtualDevicesOf(principalArn: string, devices: NonNullable<VirtualDevices>): VirtualDevice[] {
  const principal = withoutPartition(principalArn);
  return devices.devices.filter((device) => device.userArn !== null && withoutPartition(device.userArn) === principal);
}

/** `arn:aws-us-gov:iam::1:root` → `iam::1:root`, so one principal matches in every partition. */
function withoutPartition(arn: string): string {
  return arn.startsWith('arn:') ? arn.split(':').slice(2).join(':') : arn;
}
