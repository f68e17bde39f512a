import { isAssumedByPeople, trustedPrincipals } from '../../policy/trust.js';
import { isServiceLinkedRole } from '../../snapshot/principals.js';
import { accountFinding, defineCheck, sourceData, type FindingDraft } from '../check.js';
import { passing } from '../pass-evidence.js';

/** Roles people assume allow sessions of at most the limit (default 4 hours), for automatic logoff. */
export default defineCheck({
  meta: {
    controlId: 'session-duration',
    riskId: 'IAM-031',
    title: 'Role sessions people use are short',
    group: 'least-privilege',
    severity: 'low',
    hipaa: ['164.312(a)(2)(iii)'],
    description: 'Roles trusted by a SAML/OIDC provider or by account principals have a maximum session duration within the limit.',
    remediation: 'aws iam update-role --role-name ROLE --max-session-duration 14400 (or the permission set\'s session duration in IAM Identity Center)',
    documentation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-settings.html',
    sources: ['authorizationDetails'],
  },
  run({ snapshot, settings, model }) {
    const limitSeconds = settings.maxRoleSessionHours * 3600;
    const details = sourceData(snapshot, 'authorizationDetails');
    const trusts = details.roles.filter((r) => !isServiceLinkedRole(r)).map((r) => model.roleTrust(r)).filter(isAssumedByPeople);
    if (trusts.length === 0) return [accountFinding(snapshot.accountId, 'NOT_APPLICABLE', 'no role is trusted by an identity provider or account principals')];
    return trusts.map((trust): FindingDraft => {
      const role = trust.role;
      const trusted = trustedPrincipals(trust);
      const base = {
        resourceType: 'AWS::IAM::Role',
        resourceArn: role.arn,
        resourceName: role.name,
        evidence: { maxSessionDurationSeconds: role.maxSessionDuration, limitSeconds, trustedFederated: trusted.federated, trustedAws: trusted.aws },
      };
      if (role.maxSessionDuration === null) return { ...base, status: 'ERROR', message: `${role.name}: its maximum session duration is unknown (${details.roleSessionLimitsError ?? 'authorization details omit it; add list-roles.json to an import'})` };
      const hours = role.maxSessionDuration / 3600;
      return role.maxSessionDuration <= limitSeconds
        ? passing({ ...base, status: 'PASS', message: `${role.name}: sessions last at most ${hours} h` })
        : { ...base, status: 'FAIL', message: `${role.name}: sessions may last ${hours} h (limit ${settings.maxRoleSessionHours} h)` };
    });
  },
});
