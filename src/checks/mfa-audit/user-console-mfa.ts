import { isRootRow, reportDate, reportFlag } from '../../snapshot/credential-report.js';
import { accountFinding, defineCheck, optionalSourceData, sourceData, type FindingDraft } from '../check.js';
import { mfaTypeOf } from './mfa-type.js';
import { passing } from '../pass-evidence.js';

/** Every IAM user with a console password has MFA active; users without one are not applicable. */
export default defineCheck({
  meta: {
    controlId: 'user-console-mfa',
    riskId: 'IAM-001',
    title: 'Console users have MFA',
    group: 'mfa-audit',
    severity: 'high',
    hipaa: ['164.312(d)', '164.312(a)(1)', '164.308(a)(3)(ii)(A)'],
    description: 'Every IAM user who can sign in to the console has an active MFA device.',
    remediation: 'Have each listed user enrol an MFA device (IAM console > Users > Security credentials), then enforce it with the deny-without-MFA policy.',
    documentation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable.html',
    sources: ['credentialReport'],
    // The MFA type of each user's device, and users created since the report was generated.
    optionalSources: ['virtualMfaDevices', 'authorizationDetails'],
  },
  run({ snapshot }) {
    const report = sourceData(snapshot, 'credentialReport');
    const devices = optionalSourceData(snapshot, 'virtualMfaDevices');
    const findings: FindingDraft[] = [];
    const reported = new Set<string>();
    for (const row of report.rows) {
      if (isRootRow(row)) continue;
      const name = row.user ?? '';
      const arn = row.arn ?? '';
      reported.add(arn);
      const consoleAccess = reportFlag(row, 'password_enabled');
      const mfaActive = reportFlag(row, 'mfa_active');
      const evidence = {
        consoleAccess,
        mfaActive,
        mfaType: mfaTypeOf(arn, mfaActive, devices),
        passwordLastUsed: reportDate(row, 'password_last_used'),
        credentialReportGeneratedAt: report.generatedAt,
      };
      const base = { resourceType: 'AWS::IAM::User', resourceArn: arn, resourceName: name, evidence };
      if (consoleAccess === false) {
        findings.push({ ...base, status: 'NOT_APPLICABLE', message: `${name} has no console password — not applicable` });
      } else if (consoleAccess === null || mfaActive === null) {
        findings.push({ ...base, status: 'ERROR', message: `${name}: the credential report does not say whether console access or MFA is active` });
      } else if (mfaActive) {
        findings.push(passing({ ...base, status: 'PASS', message: `${name} has MFA enabled (${evidence.mfaType}) — compliant` }));
      } else {
        findings.push({ ...base, status: 'FAIL', message: `${name} has NO MFA — HIPAA compliance gap` });
      }
    }
    // The report is regenerated at most every 4 hours; users created since are not in it.
    const details = optionalSourceData(snapshot, 'authorizationDetails');
    for (const user of details?.users ?? []) {
      if (reported.has(user.arn)) continue;
      findings.push({
        status: 'ERROR',
        resourceType: 'AWS::IAM::User',
        resourceArn: user.arn,
        resourceName: user.name,
        message: `${user.name} is not in the credential report (generated ${report.generatedAt ?? 'at an unknown time'}); its MFA could not be judged`,
        evidence: { userCreateDate: user.createDate, credentialReportGeneratedAt: report.generatedAt },
      });
    }
    if (findings.length === 0) findings.push(accountFinding(snapshot.accountId, 'NOT_APPLICABLE', 'the account has no IAM users'));
    return findings;
  },
});
