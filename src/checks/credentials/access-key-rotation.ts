import { isRootRow } from '../../snapshot/credential-report.js';
import { accountFinding, defineCheck, sourceData, type FindingDraft } from '../check.js';
import { activeKeys, daysSince } from './credential-dates.js';
import { passing } from '../pass-evidence.js';

/** No active access key is older than the limit (one finding per active key). */
export default defineCheck({
  meta: {
    controlId: 'access-key-rotation',
    riskId: 'IAM-010',
    title: 'Access keys rotated within the limit',
    group: 'credentials',
    severity: 'medium',
    hipaa: ['164.308(a)(3)(ii)(C)', '164.308(a)(4)(ii)(C)', '164.308(a)(5)(ii)(D)'],
    description: 'Every active access key was created or rotated within the limit (default 90 days).',
    remediation: 'Create a new key, move the workload to it, deactivate and then delete the old one; better, replace long-lived keys with roles.',
    documentation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id-credentials-access-keys-update.html',
    sources: ['credentialReport'],
  },
  run({ snapshot, settings, now }) {
    const limit = settings.accessKeyMaxAgeDays;
    const findings: FindingDraft[] = [];
    for (const row of sourceData(snapshot, 'credentialReport').rows) {
      if (isRootRow(row)) continue; // root keys are root-access-keys' business
      for (const key of activeKeys(row)) {
        const name = `${row.user} access key ${key.slot}`;
        const base = { resourceType: 'AWS::IAM::AccessKey', resourceArn: row.arn ?? '', resourceName: name };
        if (key.lastRotated === null) {
          findings.push({ ...base, status: 'ERROR', message: `${name}: the credential report gives no creation date`, evidence: { ...key } });
          continue;
        }
        const age = daysSince(key.lastRotated, now);
        const evidence = { ...key, ageDays: age, limitDays: limit };
        findings.push(
          age > limit
            ? { ...base, status: 'FAIL', message: `${name} is ${age} days old (limit ${limit})`, evidence }
            : passing({ ...base, status: 'PASS', message: `${name} is ${age} days old`, evidence }),
        );
      }
    }
    return findings.length > 0 ? findings : [accountFinding(snapshot.accountId, 'NOT_APPLICABLE', 'no IAM user has an active access key')];
  },
});
