import { accountFinding, defineCheck, sourceData } from '../check.js';

const SUPPORT_POLICY = /^arn:aws[a-z-]*:iam::aws:policy\/AWSSupportAccess$/;

/** A role with AWSSupportAccess exists, so incidents can be raised with AWS without root. */
export default defineCheck({
  meta: {
    controlId: 'support-role',
    riskId: 'IAM-030',
    title: 'A support role exists for incident handling',
    group: 'least-privilege',
    severity: 'low',
    hipaa: ['164.308(a)(6)(ii)'],
    description: 'Some role has the AWS managed policy AWSSupportAccess attached, so the incident team can open AWS Support cases.',
    remediation: 'Create a role for the incident team, trusted by your identity provider or account, and attach arn:aws:iam::aws:policy/AWSSupportAccess.',
    documentation: 'https://docs.aws.amazon.com/awssupport/latest/user/accessing-support.html',
    sources: ['authorizationDetails'],
  },
  run({ snapshot }) {
    const roles = sourceData(snapshot, 'authorizationDetails').roles.filter((r) => r.attachedPolicies.some((p) => SUPPORT_POLICY.test(p.arn)));
    if (roles.length === 0) return [accountFinding(snapshot.accountId, 'FAIL', 'no role has AWSSupportAccess attached')];
    return roles.map((role) => ({
      status: 'PASS' as const,
      resourceType: 'AWS::IAM::Role',
      resourceArn: role.arn,
      resourceName: role.name,
      message: `${role.name} has AWSSupportAccess`,
      evidence: { attachedPolicies: role.attachedPolicies.map((p) => p.name) },
    }));
  },
});
