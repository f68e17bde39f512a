import { permissionSetInAccount } from '../../identity-center/view.js';
import { eligibilityJudge } from '../least-privilege/non-eligible-services.js';
import { holdersOf, identityCenterRun, judgeEachInAccount, PERMISSION_SET_TYPE, permissionSetEvidence, permissionsInAccount, defineIdentityCenterCheck } from './common.js';

/**
 * Permission sets let people reach only HIPAA-eligible services, judged as IAM-021 judges a role
 * (eligibilityJudge: the same list, control plane, partial-eligibility MANUAL review and the
 * list's date), per permission set and account in scope, the set being one principal there
 * (permissionSetPermissions: customer managed references resolved in that account; unreadable
 * ones make the verdict ERROR unless a non-eligible service is reached anyway).
 */
export default defineIdentityCenterCheck({
  meta: {
    controlId: 'identity-center-eligible-services',
    riskId: 'IAM-035',
    title: 'IAM Identity Center permission sets reach only HIPAA-eligible services',
    group: 'identity-center',
    severity: 'medium',
    hipaa: ['164.308(b)(1)', '164.314(a)'],
    description: "No permission set allows, in an account it is provisioned to, any action of a service outside AWS's HIPAA Eligible Services Reference; services eligible only in part are listed with their caveat.",
    remediation: 'Remove the grants of non-eligible services from the listed permission sets (or cap them with a permissions boundary in the set, or an SCP of eligible services: hipaa-iam scp), then re-provision them.',
    documentation: 'https://aws.amazon.com/compliance/hipaa-eligible-services-reference/',
    sources: ['identityCenter'],
    optionalSources: ['authorizationDetails'],
    usesEligibleServices: true,
  },
  run(context) {
    const ic = identityCenterRun(context);
    if (Array.isArray(ic)) return ic;
    const judgeEligibility = eligibilityJudge(context.settings.eligibleServices);
    return judgeEachInAccount(context, ic, 'no permission set can be judged against the eligible-services list', (instance, permissionSet, accountId, store) => {
      const verdict = judgeEligibility(permissionsInAccount(context, instance, permissionSet, accountId), `permission set ${permissionSet.name} in account ${accountId}`);
      const holders = holdersOf(instance, permissionSet, accountId, store);
      return {
        status: verdict.status,
        resourceType: PERMISSION_SET_TYPE,
        resourceArn: permissionSetInAccount(permissionSet, accountId),
        resourceName: `${permissionSet.name}@${accountId}`,
        message: `${verdict.message}; ${holders.text}`,
        evidence: { ...permissionSetEvidence(instance, permissionSet, accountId, holders), ...verdict.evidence },
      };
    });
  },
});
