import type { SourceData } from '../../snapshot/schema.js';

type VirtualDevices = SourceData<'virtualMfaDevices'> | null;

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
  const isRoot = principalArn.endsWith(':root');
  return devices.devices.some(
    (device) =>
      device.userArn === principalArn ||
      // The root user's virtual device carries this serial; its User may be missing.
      (isRoot && device.serialNumber.endsWith(':mfa/root-account-mfa-device')),
  );
}
