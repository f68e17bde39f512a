import { isRootRow } from '../../snapshot/credential-report.js';
import { accountFinding, defineCheck, sourceData, type FindingDraft } from '../check.js';
import { activeKeys } from './credential-dates.js';
import { passing } from '../pass-evidence.js';

/** No user has two active access keys (one finding per user with an active key). */
export default defineCheck({
  meta: {
    controlId: 'multiple-active-keys',
    riskId: 'IAM-012',
    title: 'At most one active access key per user',
    group: 'credentials',
    severity: 'low',
    hipaa: ['164.308(a)(4)(ii)(C)'],
    description: 'No IAM user has two active access keys at once.',
    remediation: 'Deactivate the older key once the workload uses the newer one, then delete it.',
    documentation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html',
    sources: ['credentialReport'],
  },
  run({ snapshot }) {
    const findings: FindingDraft[] = [];
    for (const row of sourceData(snapshot, 'credentialReport').rows) {
      if (isRootRow(row)) continue;
      const keys = activeKeys(row);
      if (keys.length === 0) continue;
      const base = { resourceType: 'AWS::IAM::User', resourceArn: row.arn ?? '', resourceName: row.user ?? '', evidence: { activeKeys: keys } };
      findings.push(
        keys.length > 1
          ? { ...base, status: 'FAIL', message: `${row.user} has ${keys.length} active access keys` }
          : passing({ ...base, status: 'PASS', message: `${row.user} has one active access key` }),
      );
    }
    return findings.length > 0 ? findings : [accountFinding(snapshot.accountId, 'NOT_APPLICABLE', 'no IAM user has an active access key')];
  },
});
