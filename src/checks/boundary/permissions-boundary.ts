import { isServiceLinkedRole } from '../../snapshot/principals.js';
import { accountFinding, defineCheck, sourceData, type FindingDraft } from '../check.js';
import { passing } from '../pass-evidence.js';

/** Every IAM user and every role that is not service-linked has a permissions boundary (or the required one). */
export default defineCheck({
  meta: {
    controlId: 'permissions-boundary',
    riskId: 'IAM-002',
    title: 'Users and roles have a permissions boundary',
    group: 'boundary',
    severity: 'medium',
    hipaa: ['164.308(a)(4)(ii)(B)', '164.312(a)(1)'],
    description: 'Every IAM user and every role that is not service-linked carries a permissions boundary, capping what any policy can grant it.',
    remediation: 'Create a HIPAA boundary policy (policies/permissions-boundary.json) and set it on every user and role: hipaa-iam boundary shows the changes, boundary --apply makes them (aws iam put-user-permissions-boundary / put-role-permissions-boundary by hand).',
    documentation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html',
    sources: ['authorizationDetails'],
  },
  run({ snapshot, settings }) {
    const details = sourceData(snapshot, 'authorizationDetails');
    const required = settings.requiredPermissionsBoundaryArn;
    const principals = [
      ...details.users.map((u) => ({ kind: 'user', resourceType: 'AWS::IAM::User', entity: u })),
      ...details.roles.filter((r) => !isServiceLinkedRole(r)).map((r) => ({ kind: 'role', resourceType: 'AWS::IAM::Role', entity: r })),
    ];
    if (principals.length === 0) return [accountFinding(snapshot.accountId, 'NOT_APPLICABLE', 'the account has no users or customer roles')];
    return principals.map(({ kind, resourceType, entity }): FindingDraft => {
      const boundary = entity.permissionsBoundary?.arn ?? null;
      const base = { resourceType, resourceArn: entity.arn, resourceName: entity.name, evidence: { principalType: kind, permissionsBoundary: boundary, requiredBoundary: required } };
      if (boundary === null) return { ...base, status: 'FAIL', message: `${kind} ${entity.name} has no permissions boundary` };
      if (required !== null && boundary !== required) return { ...base, status: 'FAIL', message: `${kind} ${entity.name} has boundary ${boundary}, not the required ${required}` };
      return passing({ ...base, status: 'PASS', message: `${kind} ${entity.name} has permissions boundary ${boundary.split('/').pop()}` });
    });
  },
});
