import { defineCheck, rootArn, sourceData } from '../check.js';

/** The root user has an MFA device. */
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
  },
  run({ snapshot }) {
    const enabled = sourceData(snapshot, 'accountSummary').summaryMap.AccountMFAEnabled;
    if (enabled === undefined) throw new Error('the account summary has no AccountMFAEnabled entry');
    const pass = enabled === 1;
    return [
      {
        status: pass ? 'PASS' : 'FAIL',
        resourceType: 'AWS::IAM::RootUser',
        resourceArn: rootArn(snapshot.accountId),
        resourceName: 'root',
        message: pass ? 'root has MFA enabled' : 'root has NO MFA — HIPAA compliance gap',
        evidence: { AccountMFAEnabled: enabled },
      },
    ];
  },
});
