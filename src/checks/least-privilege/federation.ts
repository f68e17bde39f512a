import { instancesReaching } from '../../identity-center/people-access.js';
import { identityCenterScope, identityCenterSource } from '../../identity-center/view.js';
import { usedFacts } from '../organization/facts-evidence.js';
import { isRootRow, reportFlag } from '../../snapshot/credential-report.js';
import { isIdentityCenterRole } from '../../snapshot/principals.js';
import { accountFinding, defineCheck, sourceData } from '../check.js';

/** OIDC providers of CI systems and clusters let workloads in, not people. */
const WORKLOAD_OIDC = /oidc-provider\/(token\.actions\.githubusercontent\.com|gitlab\.com|app\.terraform\.io|oidc\.eks\.|oidc\.circleci\.com|api\.bitbucket\.org)/;

/**
 * People reach the account through federation (SAML/OIDC or IAM Identity Center), not long-lived IAM users.
 *
 * IAM Identity Center counts by its instance when it was read (identityCenterSource: in an
 * organization run, the organization's instance, counted for a member only when a permission set
 * reaches it); the instance is named with what it reaches in the run's scope. When it was not
 * read, or no instance read reaches the account, the roles it provisions (AWSReservedSSO_*) still
 * show it. IAM users signing in with passwords FAIL either way.
 */
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
    optionalSources: ['identityCenter'],
  },
  run({ snapshot, organization }) {
    const providers = sourceData(snapshot, 'identityProviders');
    const workforceOidc = providers.oidc.filter((p) => !WORKLOAD_OIDC.test(p.arn));
    const identityCenterRoles = sourceData(snapshot, 'authorizationDetails').roles.filter(isIdentityCenterRole).map((r) => r.name);
    const consoleUsers = sourceData(snapshot, 'credentialReport').rows.filter((r) => !isRootRow(r) && reportFlag(r, 'password_enabled') === true).map((r) => r.user ?? '');
    const identityCenter = identityCenterSource(snapshot, organization);
    const scope = identityCenterScope(snapshot, organization);
    // A single-account run judges the instance it read; an organization run, whether it reaches this member.
    const instances = identityCenter.status === 'ok' ? instancesReaching(identityCenter.data.region, identityCenter.data.instances, scope) : [];
    const byInstance = scope.kind === 'all' ? instances : instances.filter((i) => (i.permissionSets ?? 0) > 0);
    const byRoles = byInstance.length === 0 && identityCenterRoles.length > 0 ? ['IAM Identity Center (its AWSReservedSSO_* roles)'] : [];
    const federation = [...providers.saml.map((p) => p.arn), ...workforceOidc.map((p) => p.arn), ...byInstance.map((i) => `IAM Identity Center instance ${i.instanceArn}`), ...byRoles];
    const evidence = {
      samlProviders: providers.saml.map((p) => p.arn),
      oidcProviders: providers.oidc.map((p) => p.arn),
      workloadOidcProvidersIgnored: providers.oidc.filter((p) => WORKLOAD_OIDC.test(p.arn)).map((p) => p.arn),
      identityCenterInstances: instances,
      ...(identityCenter.status === 'error' ? { identityCenterNotRead: `${identityCenter.error.code}: ${identityCenter.error.message}` } : {}),
      identityCenterRoles,
      iamUsersWithConsolePassword: consoleUsers,
      // In an organization run the instance is the organization's, read once: it counts here only when it reaches this account.
      ...(organization
        ? {
            organization: usedFacts(
              organization,
              'identityCenter',
              `IAM Identity Center is the organization's instance, read once from ${organization.facts.readFrom.accountId}; it counts for this account only when a permission set reaches it (${byInstance.length > 0 ? 'one does' : 'none does'}), where a single-account run counts whatever instance the account itself can read`,
            ),
          }
        : {}),
    };
    if (federation.length === 0) return [accountFinding(snapshot.accountId, 'FAIL', `no SAML/OIDC provider or IAM Identity Center; ${consoleUsers.length} IAM user(s) sign in with passwords`, evidence)];
    if (consoleUsers.length > 0) {
      return [accountFinding(snapshot.accountId, 'FAIL', `federation exists (${federation.join(', ')}) but IAM users still sign in with passwords: ${consoleUsers.join(', ')}`, evidence)];
    }
    return [accountFinding(snapshot.accountId, 'PASS', `people sign in through ${federation.join(', ')}; no IAM user has a console password`, evidence)];
  },
});
