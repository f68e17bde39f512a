import { isServiceLinkedRole } from '../../../snapshot/principals.js';
import { becomeMethod } from '../method.js';
import { exact, explicitlyDenied, runSteps } from '../steps.js';

const UPDATE = 'iam:UpdateAssumeRolePolicy';

/** A role's trust policy rewritten to trust the principal, which then assumes the role (no sts:AssumeRole Allow needed; a Deny stops it). */
export const rewriteTrustPolicy = becomeMethod({
  id: 'rewrite-trust-policy',
  kind: 'become',
  summary: 'rewrites the trust policy of a role to trust itself, then assumes it',
  ways: [{ actions: [UPDATE] }],
  pathIds: [UPDATE],
  *candidates(from, reach, analysis) {
    if (reach.reachedRoles.length > 0 && analysis.holds(from, UPDATE)) yield* analysis.reachedNamed(from, [UPDATE], reach.reachedRoles, 'roles', reach, (n) => n.type === 'role');
  },
  paths(from, to, analysis) {
    const role = to.role;
    if (!role || isServiceLinkedRole(role) || !analysis.holds(from, UPDATE) || !analysis.mightTarget(from.perms, UPDATE, role.arn)) return [];
    const run = runSteps(from.perms, [[{ action: UPDATE, resource: exact(role.arn) }]]);
    const assumeDenied = explicitlyDenied(from.perms, { action: 'sts:AssumeRole', resource: exact(role.arn) });
    if (!run.ok || assumeDenied) return [];
    return [{ method: UPDATE, kind: 'become', description: `rewrites the trust policy of role ${role.name} to trust itself, then assumes it`, target: `role ${role.name}`, targetArn: role.arn, certainty: run.certainty, steps: run.steps, notes: [], chain: [] }];
  },
});
