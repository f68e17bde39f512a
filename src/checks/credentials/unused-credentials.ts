import { isRootRow, reportDate, reportFlag } from '../../snapshot/credential-report.js';
import { accountFinding, defineCheck, sourceData, type FindingDraft } from '../check.js';
import { activeKeys, daysSince } from './credential-dates.js';
import { passing } from '../pass-evidence.js';

/**
 * No console password or active key has gone unused longer than the limit. A credential
 * created within the limit and never used is not yet unused (one finding per user).
 */
export default defineCheck({
  meta: {
    controlId: 'unused-credentials',
    riskId: 'IAM-011',
    title: 'No unused passwords or access keys',
    group: 'credentials',
    severity: 'medium',
    hipaa: ['164.308(a)(3)(ii)(B)', '164.308(a)(4)(ii)(C)', '164.312(a)(1)'],
    description: 'Every console password and active access key was used within the limit (default 90 days), or is newer than it.',
    remediation: 'Remove the console password (delete-login-profile) or deactivate the key of anyone who no longer uses it; remove leavers\' users entirely.',
    documentation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html',
    sources: ['credentialReport'],
  },
  run({ snapshot, settings, now }) {
    const limit = settings.unusedCredentialDays;
    const findings: FindingDraft[] = [];
    for (const row of sourceData(snapshot, 'credentialReport').rows) {
      if (isRootRow(row)) continue;
      const credentials: { credential: string; lastUsed: string | null; created: string | null }[] = [];
      if (reportFlag(row, 'password_enabled') === true) {
        credentials.push({
          credential: 'console password',
          lastUsed: reportDate(row, 'password_last_used'),
          created: reportDate(row, 'password_last_changed') ?? reportDate(row, 'user_creation_time'),
        });
      }
      for (const key of activeKeys(row)) credentials.push({ credential: `access key ${key.slot}`, lastUsed: key.lastUsed, created: key.lastRotated });
      if (credentials.length === 0) continue;

      const judged = credentials.map((c) => {
        const since = c.lastUsed ?? c.created;
        const idleDays = since === null ? null : daysSince(since, now);
        return { ...c, idleDays, unused: idleDays === null ? null : idleDays > limit };
      });
      const base = { resourceType: 'AWS::IAM::User', resourceArn: row.arn ?? '', resourceName: row.user ?? '', evidence: { limitDays: limit, credentials: judged } };
      const stale = judged.filter((c) => c.unused === true);
      const unknown = judged.filter((c) => c.unused === null);
      if (stale.length > 0) {
        const what = stale.map((c) => `${c.credential} ${c.lastUsed ? `last used ${c.idleDays} days ago` : `never used in ${c.idleDays} days`}`).join(', ');
        findings.push({ ...base, status: 'FAIL', message: `${row.user}: ${what} (limit ${limit})` });
      } else if (unknown.length > 0) {
        findings.push({ ...base, status: 'ERROR', message: `${row.user}: no date to judge ${unknown.map((c) => c.credential).join(', ')} by` });
      } else {
        findings.push(passing({ ...base, status: 'PASS', message: `${row.user}: every credential used or created within ${limit} days` }));
      }
    }
    return findings.length > 0 ? findings : [accountFinding(snapshot.accountId, 'NOT_APPLICABLE', 'no IAM user has a password or an active access key')];
  },
});
