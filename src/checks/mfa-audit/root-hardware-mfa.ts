import { defineCheck, rootArn, sourceData } from '../check.js';
import { ROOT_CANNOT_SIGN_IN, rootMfaUnderCentralManagement } from '../organization/root-credentials.js';
import { virtualDevicesOf } from './mfa-type.js';

/**
 * The root user's MFA is a hardware device, not a virtual one: MFA is on (AccountMFAEnabled 1)
 * and ListVirtualMFADevices assigns no virtual device to the root ARN (a device's name never counts).
 * A centrally managed member root holding no credential is NOT_APPLICABLE, as for root-mfa.
 */
export default defineCheck({
  meta: {
    controlId: 'root-hardware-mfa',
    riskId: 'IAM-006',
    title: 'Root MFA is a hardware device',
    group: 'mfa-audit',
    severity: 'high',
    hipaa: ['164.312(d)', '164.308(a)(3)(ii)(A)'],
    description: 'The root user is protected by a hardware MFA device or FIDO security key kept offline.',
    remediation: 'Replace the root user\'s virtual MFA device with a hardware TOTP token or FIDO security key, stored in a safe.',
    documentation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-hw-mfa-for-root.html',
    sources: ['accountSummary', 'virtualMfaDevices'],
    optionalSources: ['credentialReport'],
  },
  run({ snapshot, organization }) {
    const arn = rootArn(snapshot.accountId);
    const central = rootMfaUnderCentralManagement(snapshot, organization);
    if (central.rootCannotSignIn) return [{ resourceType: 'AWS::IAM::RootUser', resourceArn: arn, resourceName: 'root', status: 'NOT_APPLICABLE', message: ROOT_CANNOT_SIGN_IN, evidence: { organization: central.rootCannotSignIn } }];
    const note = central.note ? { organization: central.note } : {};
    const enabled = sourceData(snapshot, 'accountSummary').summaryMap.AccountMFAEnabled;
    if (enabled === undefined) throw new Error('the account summary has no AccountMFAEnabled entry');
    const virtual = virtualDevicesOf(arn, sourceData(snapshot, 'virtualMfaDevices')).map((device) => device.serialNumber);
    const base = { resourceType: 'AWS::IAM::RootUser', resourceArn: arn, resourceName: 'root' };
    if (enabled !== 1) {
      return [{ ...base, status: 'FAIL', message: 'root has no MFA device at all', evidence: { AccountMFAEnabled: enabled, mfaType: 'none', ...note } }];
    }
    if (virtual.length > 0) {
      return [{ ...base, status: 'FAIL', message: 'root MFA is a virtual device, not hardware', evidence: { AccountMFAEnabled: enabled, mfaType: 'virtual', virtualDevices: virtual, ...note } }];
    }
    return [{ ...base, status: 'PASS', message: 'root MFA is a hardware device or FIDO key', evidence: { AccountMFAEnabled: enabled, mfaType: 'hardware or FIDO', ...note } }];
  },
});
