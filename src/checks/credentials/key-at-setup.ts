import { isRootRow, reportDate, reportFlag } from '../../snapshot/credential-report.js';
import { accountFinding, defineCheck, sourceData, type FindingDraft } from '../check.js';
import { activeKeys } from './credential-dates.js';
import { passing } from '../pass-evidence.js';

/** A key made in the same minutes as its user came from the creation wizard, not from a need. */
const SETUP_WINDOW_MS = 10 * 60_000;

/** No console user holds an active key created with the user and never used. */
export default defineCheck({
  meta: {
    controlId: 'key-at-setup',
    riskId: 'IAM-013',
    title: 'No unused access keys created at user setup',
    group: 'credentials',
    severity: 'low',
    hipaa: ['164.308(a)(4)(ii)(C)'],
    description: 'No console user has an active access key that was created with the user and has never been used.',
    remediation: 'Delete access keys that were created with the user and never used; create keys only when a workload needs one.',
    documentation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html',
    sources: ['credentialReport'],
  },
  run({ snapshot }) {
    const findings: FindingDraft[] = [];
    for (const row of sourceData(snapshot, 'credentialReport').rows) {
      if (isRootRow(row) || reportFlag(row, 'password_enabled') !== true) continue;
      const keys = activeKeys(row);
      if (keys.length === 0) continue;
      const created = reportDate(row, 'user_creation_time');
      const atSetup = keys.filter(
        (k) => k.lastUsed === null && k.lastRotated !== null && created !== null && Math.abs(Date.parse(k.lastRotated) - Date.parse(created)) <= SETUP_WINDOW_MS,
      );
      const base = { resourceType: 'AWS::IAM::User', resourceArn: row.arn ?? '', resourceName: row.user ?? '', evidence: { userCreationTime: created, activeKeys: keys } };
      findings.push(
        atSetup.length > 0
          ? { ...base, status: 'FAIL', message: `${row.user}: access key ${atSetup.map((k) => k.slot).join(' and ')} was created with the user and never used` }
          : passing({ ...base, status: 'PASS', message: `${row.user}: no unused key from user setup` }),
      );
    }
    return findings.length > 0 ? findings : [accountFinding(snapshot.accountId, 'NOT_APPLICABLE', 'no console user has an active access key')];
  },
});
