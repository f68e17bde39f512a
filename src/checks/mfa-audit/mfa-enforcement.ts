import { mfaEnforcementOf } from '../../policy/mfa-deny.js';
import { isRootRow, reportFlag } from '../../snapshot/credential-report.js';
import { accountFinding, defineCheck, sourceData, type FindingDraft } from '../check.js';
import { passing } from '../pass-evidence.js';

/**
 * Every console user is subject, directly or through a group, to a Deny on
 * aws:MultiFactorAuthPresent=false (or an equivalent MFA condition, such as Null
 * aws:MultiFactorAuthAge) covering all but MFA self-service, whose other condition keys hold
 * for every request the user sends directly; judgeMfaDeny (src/policy/mfa-deny.ts) says which.
 */
export default defineCheck({
  meta: {
    controlId: 'mfa-enforcement',
    riskId: 'IAM-009',
    title: 'A deny-without-MFA policy reaches every console user',
    group: 'mfa-audit',
    severity: 'medium',
    hipaa: ['164.312(d)', '164.312(a)(1)'],
    description:
      'Every user with a console password is subject to a policy that denies all but MFA self-service when aws:MultiFactorAuthPresent is false.',
    remediation:
      'Attach policies/deny-without-mfa.json to a human-users group and add every console user to it: hipaa-iam mfa-audit --enforce shows the changes, --enforce --apply makes them.',
    documentation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_my-sec-creds-self-manage.html',
    sources: ['credentialReport', 'authorizationDetails'],
  },
  run({ snapshot, model }) {
    const report = sourceData(snapshot, 'credentialReport');
    const details = sourceData(snapshot, 'authorizationDetails');
    const usersByArn = new Map(details.users.map((u) => [u.arn, u]));
    const findings: FindingDraft[] = [];

    for (const row of report.rows) {
      if (isRootRow(row)) continue;
      const name = row.user ?? '';
      const arn = row.arn ?? '';
      const base = { resourceType: 'AWS::IAM::User', resourceArn: arn, resourceName: name };
      const consoleAccess = reportFlag(row, 'password_enabled');
      const user = usersByArn.get(arn);
      if (!user) {
        findings.push({ ...base, status: consoleAccess === false ? 'NOT_APPLICABLE' : 'ERROR', message: `${name} is in the credential report but not in the authorization details; its policies could not be read`, evidence: { consoleAccess } });
        continue;
      }

      const { enforcing, nonEnforcing: nearMisses, unreadable } = mfaEnforcementOf(user, model);
      const evidence = { consoleAccess, enforcingPolicies: enforcing, nonEnforcingMfaStatements: nearMisses, unreadablePolicies: unreadable };

      if (consoleAccess === false) {
        findings.push({ ...base, status: 'NOT_APPLICABLE', message: `${name} has no console password — not applicable`, evidence });
      } else if (consoleAccess === null) {
        findings.push({ ...base, status: 'ERROR', message: `${name}: the credential report does not say whether a console password exists`, evidence });
      } else if (enforcing.length > 0) {
        findings.push(passing({ ...base, status: 'PASS', message: `${name} is subject to deny-without-MFA: ${enforcing.join('; ')}`, evidence }));
      } else if (unreadable.length > 0) {
        findings.push({ ...base, status: 'ERROR', message: `${name}: no enforcing policy found, and ${unreadable.join('; ')} could not be read`, evidence });
      } else {
        const why = nearMisses.length > 0 ? ` (${nearMisses.join('; ')})` : '';
        findings.push({ ...base, status: 'FAIL', message: `${name} is not subject to any deny-without-MFA policy${why}`, evidence });
      }
    }
    if (findings.length === 0) findings.push(accountFinding(snapshot.accountId, 'NOT_APPLICABLE', 'the account has no IAM users'));
    return findings;
  },
});
