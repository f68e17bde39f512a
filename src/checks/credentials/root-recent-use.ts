import { isRootRow, reportDate } from '../../snapshot/credential-report.js';
import { defineCheck, rootArn, sourceData } from '../check.js';
import { daysSince } from './credential-dates.js';

/** The root user's password and keys have not been used within the window. */
export default defineCheck({
  meta: {
    controlId: 'root-recent-use',
    riskId: 'IAM-008',
    title: 'Root user not used recently',
    group: 'credentials',
    severity: 'high',
    hipaa: ['164.312(a)(2)(i)', '164.308(a)(3)(ii)(A)'],
    description: 'Neither the root password nor a root access key was used within the window (default 90 days).',
    remediation: 'Do daily work with IAM roles or federated users; keep root for the few tasks that need it, and review why it was used.',
    documentation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-best-practices.html',
    sources: ['credentialReport'],
  },
  run({ snapshot, settings, now }) {
    const root = sourceData(snapshot, 'credentialReport').rows.find(isRootRow);
    if (!root) throw new Error('the credential report has no <root_account> row');
    const window = settings.rootRecentUseDays;
    const uses = [
      ['password', reportDate(root, 'password_last_used')],
      ['access key 1', reportDate(root, 'access_key_1_last_used_date')],
      ['access key 2', reportDate(root, 'access_key_2_last_used_date')],
    ] as const;
    const recent = uses.filter(([, used]) => used !== null && daysSince(used, now) <= window);
    const evidence = { windowDays: window, passwordLastUsed: uses[0][1], accessKey1LastUsed: uses[1][1], accessKey2LastUsed: uses[2][1] };
    const base = { resourceType: 'AWS::IAM::RootUser', resourceArn: rootArn(snapshot.accountId), resourceName: 'root', evidence };
    if (recent.length === 0) return [{ ...base, status: 'PASS', message: `root not used in the last ${window} days` }];
    const what = recent.map(([credential, used]) => `${credential} on ${used!.slice(0, 10)}`).join(', ');
    return [{ ...base, status: 'FAIL', message: `root used within ${window} days: ${what}` }];
  },
});
