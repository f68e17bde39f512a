import { groupLabel, inScope, permissionSetInAccount, personLabel } from '../../identity-center/view.js';
import { type FindingDraft } from '../check.js';
import { ASSIGNMENT_TYPE, holdersOf, identityCenterRun, nothingReaches, partError, storeOf, noPassWithoutStore, defineIdentityCenterCheck } from './common.js';

/**
 * Account access is assigned to groups, not to individual users: one finding per account
 * assignment in scope (ListAccountAssignments), GROUP → PASS, USER → FAIL naming the user, the
 * permission set and the account. A direct user assignment is a fact of sso-admin alone, so it
 * FAILs even when the identity store could not be read (the user is then named by id).
 */
export default defineIdentityCenterCheck({
  meta: {
    controlId: 'identity-center-group-assignments',
    riskId: 'IAM-036',
    title: 'IAM Identity Center account access is assigned to groups',
    group: 'identity-center',
    severity: 'low',
    hipaa: ['164.308(a)(4)(ii)(B)', '164.308(a)(4)(ii)(C)'],
    description: 'Every account assignment of a permission set is to a group, so access is granted, reviewed and removed by role, not person by person.',
    remediation: 'Put the user in a group that holds the permission set in the account (or create one for the job function), assign the group, then remove the direct user assignment (aws sso-admin delete-account-assignment --principal-type USER).',
    documentation: 'https://docs.aws.amazon.com/singlesignon/latest/userguide/set-up-single-sign-on-access-to-accounts.html',
    sources: ['identityCenter'],
    optionalSources: ['authorizationDetails'],
  },
  run(context) {
    const ic = identityCenterRun(context);
    if (Array.isArray(ic)) return ic;
    const findings: FindingDraft[] = [];
    let judged = 0;
    for (const instance of ic.instances) {
      if (instance.permissionSets.status !== 'ok') {
        findings.push(partError(instance, 'permissionSets', 'no account assignment can be judged'));
        continue;
      }
      const store = storeOf(instance);
      for (const permissionSet of instance.permissionSets.data) {
        const assignments = permissionSet.assignments.filter((a) => inScope(ic.scope, a.accountId));
        for (const assignment of [...assignments].sort((a, b) => a.accountId.localeCompare(b.accountId) || a.principalType.localeCompare(b.principalType) || a.principalId.localeCompare(b.principalId))) {
          judged += 1;
          const { accountId, principalId } = assignment;
          const holders = holdersOf(instance, permissionSet, accountId, store);
          const evidence = { instanceArn: instance.instanceArn, permissionSetArn: permissionSet.arn, permissionSetName: permissionSet.name, accountId, principalType: assignment.principalType, principalId, people: holders.people, groups: holders.groups };
          const resource = `${permissionSetInAccount(permissionSet, accountId)}/${assignment.principalType === 'USER' ? 'user' : 'group'}/${principalId}`;
          if (assignment.principalType === 'GROUP') {
            const group = store ? groupLabel(store, principalId) : `group ${principalId}`;
            findings.push({ status: 'PASS', resourceType: ASSIGNMENT_TYPE, resourceArn: resource, resourceName: `${permissionSet.name}@${accountId}/group/${group}`, message: `permission set ${permissionSet.name} in account ${accountId} is assigned to group ${group}`, evidence: { ...evidence, principalName: group } });
          } else {
            const user = store?.users.get(principalId);
            const name = store
              ? personLabel({ userId: principalId, userName: user?.userName ?? null, displayName: user?.displayName ?? null })
              : `user ${principalId} (identity store ${instance.identityStoreId} could not be read)`;
            findings.push({ status: 'FAIL', resourceType: ASSIGNMENT_TYPE, resourceArn: resource, resourceName: `${permissionSet.name}@${accountId}/user/${user?.userName ?? principalId}`, message: `permission set ${permissionSet.name} in account ${accountId} is assigned directly to user ${name}, not through a group`, evidence: { ...evidence, principalName: name } });
          }
        }
      }
    }
    if (judged === 0 && findings.length === 0) {
      const account = context.snapshot.accountId;
      const instances = ic.instances.map((i) => i.instanceArn).join(', ');
      return [{ ...nothingReaches(context, ic), message: ic.scope.kind === 'account' ? `no account assignment of IAM Identity Center instance ${instances} is in account ${account}` : `IAM Identity Center instance ${instances} has no account assignment` }];
    }
    return noPassWithoutStore(ic, findings);
  },
});
