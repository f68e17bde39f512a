import { defineCheck, rootArn, sourceData } from '../check.js';

/** The root user has no access keys. */
export default defineCheck({
  meta: {
    controlId: 'root-access-keys',
    riskId: 'IAM-007',
    title: 'Root user has no access keys',
    group: 'credentials',
    severity: 'critical',
    hipaa: ['164.312(a)(2)(i)', '164.308(a)(3)(i)', '164.308(a)(4)(ii)(C)'],
    description: 'The root user has no access keys, active or inactive.',
    remediation: 'Sign in as root, open Security credentials, and delete every access key; use IAM roles for programmatic access.',
    documentation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_delete-key.html',
    sources: ['accountSummary'],
  },
  run({ snapshot }) {
    const present = sourceData(snapshot, 'accountSummary').summaryMap.AccountAccessKeysPresent;
    if (present === undefined) throw new Error('the account summary has no AccountAccessKeysPresent entry');
    const pass = present === 0;
    return [
      {
        status: pass ? 'PASS' : 'FAIL',
        resourceType: 'AWS::IAM::RootUser',
        resourceArn: rootArn(snapshot.accountId),
        resourceName: 'root',
        message: pass ? 'root has no access keys' : 'root has access keys — delete them',
        evidence: { AccountAccessKeysPresent: present },
      },
    ];
  },
});
