import { accountFinding, defineCheck, sourceData } from '../check.js';
import { passing } from '../pass-evidence.js';

/** Every IAM user is a member of at least one group (per user). */
export default defineCheck({
  meta: {
    controlId: 'user-in-group',
    riskId: 'IAM-018',
    title: 'Every user is in a group',
    group: 'least-privilege',
    severity: 'low',
    hipaa: ['164.308(a)(3)(i)', '164.308(a)(4)(i)'],
    description: 'Every IAM user belongs to at least one group, so access is granted by role and reviewed by group.',
    remediation: 'Add each listed user to the group that matches their job function (and to human-users for MFA enforcement).',
    documentation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups_manage_add-remove-users.html',
    sources: ['authorizationDetails'],
  },
  run({ snapshot }) {
    const users = sourceData(snapshot, 'authorizationDetails').users;
    if (users.length === 0) return [accountFinding(snapshot.accountId, 'NOT_APPLICABLE', 'the account has no IAM users')];
    return users.map((user) => {
      const base = { resourceType: 'AWS::IAM::User', resourceArn: user.arn, resourceName: user.name, evidence: { groups: user.groups } };
      return user.groups.length > 0
        ? passing({ ...base, status: 'PASS' as const, message: `${user.name} is in ${user.groups.join(', ')}` })
        : { ...base, status: 'FAIL' as const, message: `${user.name} is in no group` };
    });
  },
});
