import { customerPrincipals } from '../../snapshot/principals.js';
import { accountFinding, defineCheck, sourceData } from '../check.js';
import { passing } from '../pass-evidence.js';

/** No user, group or role has inline policies (one finding per principal). */
export default defineCheck({
  meta: {
    controlId: 'inline-policies',
    riskId: 'IAM-016',
    title: 'No inline policies',
    group: 'least-privilege',
    severity: 'low',
    hipaa: ['164.308(a)(4)(ii)(C)', '164.308(a)(3)(i)'],
    description: 'Users, groups and roles get permissions from managed policies, which are versioned and reviewable, not from inline policies.',
    remediation: 'Turn each inline policy into a customer managed policy, attach it, then delete the inline policy.',
    documentation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html',
    sources: ['authorizationDetails'],
  },
  run({ snapshot }) {
    const principals = customerPrincipals(sourceData(snapshot, 'authorizationDetails'));
    if (principals.length === 0) return [accountFinding(snapshot.accountId, 'NOT_APPLICABLE', 'the account has no users, groups or roles of its own')];
    return principals.map(({ kind, resourceType, entity }) => {
      const names = entity.inlinePolicies.map((p) => p.name);
      const base = { resourceType, resourceArn: entity.arn, resourceName: entity.name, evidence: { principalType: kind, inlinePolicies: names } };
      return names.length > 0
        ? { ...base, status: 'FAIL' as const, message: `${kind} ${entity.name} has inline ${names.length === 1 ? 'policy' : 'policies'} ${names.join(', ')}` }
        : passing({ ...base, status: 'PASS' as const, message: `${kind} ${entity.name} has no inline policy` });
    });
  },
});
