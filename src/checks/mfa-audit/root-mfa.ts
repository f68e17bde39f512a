import { defineCheck, rootArn, sourceData } from '../check.js';
import { ROOT_CANNOT_SIGN_IN, rootMfaUnderCentralManagement } from '../organization/root-credentials.js';

/**
 * The root user has an MFA device. In an organization run, a member root whose credentials the
 * organization manages centrally and which holds none is NOT_APPLICABLE (it cannot sign in);
 * otherwise the verdict is the account's own, the organization's part stated in its evidence.
 */
export default defineCheck({
  meta: {
    controlId: 'root-mfa',
    riskId: 'IAM-005',
    title: 'Root user has MFA',
    group: 'mfa-audit',
    severity: 'critical',
    hipaa: ['164.312(d)', '164.308(a)(3)(ii)(A)'],
    description: 'The root user signs in with a second factor.',
    remediation: 'Sign in as root and assign an MFA device (IAM console > Security credentials > Multi-factor authentication).',
    documentation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html',
    sources: ['accountSummary'],
    // Read only in an organization run that reports central root management (the root row's credentials).
    optionalSources: ['credentialReport'],
  },
  run({ snapshot, organization }) {
    const central = rootMfaUnderCentralManagement(snapshot, organization);
    const base = { resourceType: 'AWS::IAM::RootUser', resourceArn: rootArn(snapshot.accountId), resourceName: 'root' };
    if (central.rootCannotSignIn) return [{ ...base, status: 'NOT_APPLICABLE', message: ROOT_CANNOT_SIGN_IN, evidence: { organization: central.rootCannotSignIn } }];
    const enabled = sourceData(snapshot, 'accountSummary').summaryMap.AccountMFAEnabled;
    if (enabled === undefined) throw new Error('the account summary has no AccountMFAEnabled entry');
    const pass = enabled === 1;
    return [
      {
        ...base,
        status: pass ? 'PASS' : 'FAIL',
        message: pass ? 'root has MFA enabled' : 'root has NO MFA — HIPAA compliance gap',
        evidence: { AccountMFAEnabled: enabled, ...(central.note ? { organization: central.note } : {}) },
      },
    ];
  },
});
