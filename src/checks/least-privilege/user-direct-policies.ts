import { accountFinding, defineCheck, sourceData } from '../check.js';
import { passing } from '../pass-evidence.js';

/** Users get permissions only through groups: no attached or inline user policies (per user). */
export default defineCheck({
  meta: {
    controlId: 'user-direct-policies',
    riskId: 'IAM-017',
    title: 'Users get permissions only through groups',
    group: 'least-privilege',
    severity: 'low',
    hipaa: ['164.308(a)(4)(i)', '164.312(a)(1)'],
    description: 'No IAM user has a policy attached or embedded directly; access follows job function through groups.',
    remediation: 'Move each directly attached or inline user policy to a group that matches the job function, and add the user to it.',
    documentation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups_manage_add-remove-users.html',
    sources: ['authorizationDetails'],
  },
  run({ snapshot }) {
    const users = sourceData(snapshot, 'authorizationDetails').users;
    if (users.length === 0) return [accountFinding(snapshot.accountId, 'NOT_APPLICABLE', 'the account has no IAM users')];
    return users.map((user) => {
      const direct = [...user.attachedPolicies.map((p) => `managed ${p.name}`), ...user.inlinePolicies.map((p) => `inline ${p.name}`)];
      const base = { resourceType: 'AWS::IAM::User', resourceArn: user.arn, resourceName: user.name, evidence: { directPolicies: direct, groups: user.groups } };
      return direct.length > 0
        ? { ...base, status: 'FAIL' as const, message: `${user.name} has policies of its own: ${direct.join(', ')}` }
        : passing({ ...base, status: 'PASS' as const, message: `${user.name} gets permissions only through groups` });
    });
  },
});
