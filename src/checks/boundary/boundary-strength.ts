import { describeClause } from '../../policy/conditions.js';
import { adminAccess, canDo, hitLabel, policyPermissions } from '../../policy/effective-permissions.js';
import { policyReach } from '../../policy/policy-reach.js';
import { statementLabel } from '../../policy/statement.js';
import { boundariesInUse } from '../../snapshot/principals.js';
import { accountFinding, defineCheck, sourceData, type FindingDraft } from '../check.js';
import { passing } from '../pass-evidence.js';

/** IAM actions that let a principal change permissions (its own or others'): what a boundary is there to cap. */
const PERMISSION_CHANGING = [
  'iam:AttachUserPolicy',
  'iam:AttachRolePolicy',
  'iam:PutUserPolicy',
  'iam:PutRolePolicy',
  'iam:CreatePolicyVersion',
  'iam:DeleteUserPermissionsBoundary',
  'iam:DeleteRolePermissionsBoundary',
  'iam:PassRole',
  'iam:CreateAccessKey',
  'iam:UpdateAssumeRolePolicy',
];

/**
 * A permissions boundary in use does not itself grant administrator access or iam:*, one finding
 * per boundary policy (with the users and roles it caps).
 *
 * The boundary is judged on its own document: FAIL when it amounts to administrator access by the
 * rule of IAM-014 (every action on every resource, or every action but a set that leaves IAM
 * administration in reach, e.g. NotAction iam:CreateUser; AdministratorAccess as a boundary caps
 * nothing), with or without a condition, or when it
 * allows every IAM action on every resource (iam:*, or a NotAction that leaves iam in) — a
 * principal within it could rewrite its own permissions or boundary. Deny statements in the
 * boundary count: `Allow *` with `Deny iam:*` passes. PASS otherwise, listing any
 * permission-changing IAM actions it still allows, for review. ERROR when the boundary's document
 * is not in the snapshot; NOT_APPLICABLE when no user or role has a boundary.
 */
export default defineCheck({
  meta: {
    controlId: 'boundary-strength',
    riskId: 'IAM-023',
    title: 'Permissions boundaries cap administrator and IAM access',
    group: 'boundary',
    severity: 'medium',
    hipaa: ['164.308(a)(4)(ii)(B)'],
    description: 'No permissions boundary in use allows every action on every resource, or every IAM action.',
    remediation:
      'Give the boundary an explicit list of the services the workloads need, and deny iam:* (at least permission-changing IAM actions and the removal of the boundary itself) in it.',
    documentation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html',
    sources: ['authorizationDetails'],
  },
  run({ snapshot, now, model }) {
    const details = sourceData(snapshot, 'authorizationDetails');
    const usedBy = boundariesInUse(details);
    if (usedBy.size === 0) return [accountFinding(snapshot.accountId, 'NOT_APPLICABLE', 'no user or role has a permissions boundary')];
    const policies = new Map(details.policies.map((p) => [p.arn, p]));

    return [...usedBy].map(([arn, principals]): FindingDraft => {
      const policy = policies.get(arn);
      const name = policy?.name ?? arn.split('/').pop() ?? arn;
      const shown = principals.length > 20 ? [...principals.slice(0, 20), `… ${principals.length - 20} more`] : principals;
      const base = { resourceType: 'AWS::IAM::ManagedPolicy', resourceArn: arn, resourceName: name };
      if (!policy?.document) {
        return { ...base, status: 'ERROR', message: `boundary ${name} (${arn}) is not in the snapshot, so what it allows is unknown`, evidence: { usedBy: shown, principalCount: principals.length } };
      }
      const perms = policyPermissions({ name, arn, document: policy.document }, now, model);
      const admin = adminAccess(perms);
      const entry = perms.identity[0];
      // Every IAM action on every resource: what the boundary allows everywhere (under conditions too) minus what it denies everywhere.
      const reach = entry ? policyReach(entry.policy, perms.context) : null;
      const iamAllows = (reach?.allows ?? []).filter((a) => a.reach === 'everywhere' && a.statement.actionSet().touchesService('iam'));
      const iamGrants = iamAllows.map((a) => statementLabel(`boundary ${name}`, a.statement));
      const iamConditions = iamAllows.flatMap((a) => a.conditions.map(describeClause));
      const allIam = reach ? reach.allowedEverywhere({ underConditions: true }).minus(reach.deniedEverywhere()).coversService('iam') : false;
      const stillAllowed = PERMISSION_CHANGING.filter((action) => {
        const v = canDo(perms, { action }).verdict;
        return v === 'allowed' || v === 'conditional';
      });
      const evidence = {
        usedBy: shown,
        principalCount: principals.length,
        adminStatus: admin.status,
        grantedBy: admin.grants.map((h) => hitLabel(perms, h)),
        allowsAllIam: allIam,
        iamGrantedBy: iamGrants,
        conditions: [...new Set(iamConditions)],
        permissionChangingActionsAllowed: stillAllowed,
      };
      if (admin.status === 'admin' || admin.status === 'conditional') {
        const when = admin.status === 'conditional' ? ` (${admin.limits.join('; ')})` : '';
        return { ...base, status: 'FAIL', message: `boundary ${name} allows every action on every resource${when}, so it caps nothing for ${principals.length} principal(s)`, evidence };
      }
      if (admin.status === 'partial') {
        // The one rule of administrator access (docs/CONTROLS.md): everything but a set that leaves IAM administration in reach.
        return { ...base, status: 'FAIL', message: `boundary ${name} allows every action but ${admin.except ?? 'a few'}, which leaves IAM administration in reach (${admin.administration ?? 'iam'}), so it caps nothing for ${principals.length} principal(s)`, evidence };
      }
      if (allIam) {
        return { ...base, status: 'FAIL', message: `boundary ${name} allows every IAM action (iam:*)${iamConditions.length > 0 ? ` when ${[...new Set(iamConditions)].join(' and ')}` : ''}, so the ${principals.length} principal(s) within it can rewrite their own permissions`, evidence };
      }
      const review = stillAllowed.length > 0 ? `; it still allows ${stillAllowed.join(', ')} — review` : '';
      // An empty list of permission-changing actions is what the pass rests on: it stays.
      return passing({ ...base, status: 'PASS', message: `boundary ${name} grants neither administrator access nor iam:*${review}`, evidence }, ['permissionChangingActionsAllowed']);
    });
  },
});
