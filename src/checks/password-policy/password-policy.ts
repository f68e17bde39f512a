import type { PasswordPolicy } from '../../snapshot/schema.js';
import type { Settings } from '../../settings.js';
import { defineCheck, sourceData, type FindingDraft } from '../check.js';

interface Parameter {
  /** AWS's own parameter name, as the console and CLI show it. */
  name: string;
  required: string;
  actual: (policy: PasswordPolicy) => string;
  meets: (policy: PasswordPolicy) => boolean;
}

function parameters(baseline: Settings['passwordPolicy']): Parameter[] {
  const flag = (name: string, read: (p: PasswordPolicy) => boolean): Parameter => ({
    name,
    required: 'true',
    actual: (p) => String(read(p)),
    meets: read,
  });
  return [
    {
      name: 'MinimumPasswordLength',
      required: `>= ${baseline.minimumPasswordLength}`,
      actual: (p) => (p.minimumPasswordLength === null ? 'not set' : String(p.minimumPasswordLength)),
      meets: (p) => (p.minimumPasswordLength ?? 0) >= baseline.minimumPasswordLength,
    },
    flag('RequireSymbols', (p) => p.requireSymbols),
    flag('RequireNumbers', (p) => p.requireNumbers),
    flag('RequireUppercaseCharacters', (p) => p.requireUppercaseCharacters),
    flag('RequireLowercaseCharacters', (p) => p.requireLowercaseCharacters),
    {
      name: 'MaxPasswordAge',
      required: `1..${baseline.maxPasswordAge} days`,
      // Without ExpirePasswords, passwords never expire whatever MaxPasswordAge says.
      actual: (p) => (p.expirePasswords && p.maxPasswordAge ? `${p.maxPasswordAge} days` : 'passwords never expire'),
      meets: (p) => p.expirePasswords && (p.maxPasswordAge ?? 0) > 0 && (p.maxPasswordAge ?? 0) <= baseline.maxPasswordAge,
    },
    {
      name: 'PasswordReusePrevention',
      required: `>= ${baseline.passwordReusePrevention}`,
      actual: (p) => (p.passwordReusePrevention === null ? 'not set' : String(p.passwordReusePrevention)),
      meets: (p) => (p.passwordReusePrevention ?? 0) >= baseline.passwordReusePrevention,
    },
    flag('AllowUsersToChangePassword', (p) => p.allowUsersToChangePassword),
  ];
}

/** The account password policy meets the baseline on every parameter (one finding per parameter). */
export default defineCheck({
  meta: {
    controlId: 'password-policy',
    riskId: 'IAM-004',
    title: 'Account password policy meets the HIPAA baseline',
    group: 'password-policy',
    severity: 'medium',
    hipaa: ['164.308(a)(5)(ii)(D)', '164.308(a)(4)(ii)(C)', '164.312(d)'],
    description:
      'The account password policy requires length >= 14, symbols, numbers, upper and lower case, expiry within 90 days, reuse prevention >= 24, and lets users change their password.',
    remediation:
      'hipaa-iam password-policy --apply, or aws iam update-account-password-policy --minimum-password-length 14 --require-symbols --require-numbers --require-uppercase-characters --require-lowercase-characters --max-password-age 90 --password-reuse-prevention 24 --allow-users-to-change-password',
    documentation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html',
    sources: ['passwordPolicy'],
  },
  run({ snapshot, settings }) {
    const policy = sourceData(snapshot, 'passwordPolicy').policy;
    const resourceArn = `arn:aws:iam::${snapshot.accountId}:account-password-policy`;
    return parameters(settings.passwordPolicy).map((parameter): FindingDraft => {
      const actual = policy === null ? 'no password policy set (AWS default applies)' : parameter.actual(policy);
      const pass = policy !== null && parameter.meets(policy);
      return {
        status: pass ? 'PASS' : 'FAIL',
        resourceType: 'AWS::IAM::AccountPasswordPolicy',
        resourceArn,
        resourceName: parameter.name,
        message: `${parameter.name}: required ${parameter.required}, actual ${actual}`,
        evidence: { parameter: parameter.name, required: parameter.required, actual, policySet: policy !== null },
      };
    });
  },
});
