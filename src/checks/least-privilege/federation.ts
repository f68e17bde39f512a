import { isRootRow, reportFlag } from '../../snapshot/credential-report.js';
import { isIdentityCenterRole } from '../../snapshot/principals.js';
import { accountFinding, defineCheck, sourceData } from '../check.js';

/** OIDC providers of CI systems and clusters let workloads in, not people. */
const WORKLOAD_OIDC = /oidc-provider\/(token\.actions\.githubusercontent\.com|gitlab\.com|app\.terraform\.io|oidc\.eks\.|oidc\.circleci\.com|api\.bitbucket\.org)/;

/** People reach the account through federation (SAML/OIDC or IAM Identity Center), not long-lived IAM users. */
export default defineCheck({
  meta: {
    controlId: 'federation',
    riskId: 'IAM-032',
    title: 'People sign in through federation',
    group: 'least-privilege',
    severity: 'low',
    hipaa: ['164.308(a)(4)(ii)(B)', '164.312(a)(2)(i)'],
    description: 'The account trusts a SAML or OIDC identity provider or IAM Identity Center, and no IAM user signs in to the console with a long-lived password.',
    remediation: 'Connect the workforce identity provider through IAM Identity Center (or a SAML provider and roles), move people to it, then remove the IAM users\' console passwords.',
    documentation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers.html',
    sources: ['identityProviders', 'authorizationDetails', 'credentialReport'],
  },
  run({ snapshot }) {
    const providers = sourceData(snapshot, 'identityProviders');
    const workforceOidc = providers.oidc.filter((p) => !WORKLOAD_OIDC.test(p.arn));
    const identityCenterRoles = sourceData(snapshot, 'authorizationDetails').roles.filter(isIdentityCenterRole).map((r) => r.name);
    const consoleUsers = sourceData(snapshot, 'credentialReport').rows.filter((r) => !isRootRow(r) && reportFlag(r, 'password_enabled') === true).map((r) => r.user ?? '');
    const federation = [...providers.saml.map((p) => p.arn), ...workforceOidc.map((p) => p.arn), ...(identityCenterRoles.length > 0 ? ['IAM Identity Center'] : [])];
    const evidence = { samlProviders: providers.saml.map((p) => p.arn), oidcProviders: providers.oidc.map((p) => p.arn), workloadOidcProvidersIgnored: providers.oidc.filter((p) => WORKLOAD_OIDC.test(p.arn)).map((p) => p.arn), identityCenterRoles, iamUsersWithConsolePassword: consoleUsers };
    if (federation.length === 0) return [accountFinding(snapshot.accountId, 'FAIL', `no SAML/OIDC provider or IAM Identity Center; ${consoleUsers.length} IAM user(s) sign in with passwords`, evidence)];
    if (consoleUsers.length > 0) {
      return [accountFinding(snapshot.accountId, 'FAIL', `federation exists (${federation.join(', ')}) but IAM users still sign in with passwords: ${consoleUsers.join(', ')}`, evidence)];
    }
    return [accountFinding(snapshot.accountId, 'PASS', `people sign in through ${federation.join(', ')}; no IAM user has a console password`, evidence)];
  },
});
