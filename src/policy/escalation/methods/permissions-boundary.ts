import { adminAccess, isAdministrator } from '../../effective-permissions.js';
import { ownMethod } from '../method.js';
import { exact, runSteps, withChain } from '../steps.js';
import type { EscalationPath, Principal } from '../types.js';

const actionsFor = (from: Principal) => {
  const kind = from.type === 'user' ? 'User' : 'Role';
  return [`iam:Delete${kind}PermissionsBoundary`, `iam:Put${kind}PermissionsBoundary`];
};

/**
 * A principal whose permissions boundary caps administrator access takes the boundary away (or
 * puts AdministratorAccess in its place), when its identity policies then make it an
 * administrator or leave it another way up. While the boundary stands, it caps whatever else
 * the principal grants itself, so only this method applies to such a principal.
 */
export const ownPermissionsBoundary = ownMethod<Principal>({
  id: 'own-permissions-boundary',
  kind: 'self',
  whenCapped: true,
  summary: 'removes or replaces its own permissions boundary, leaving its identity policies in force',
  ways: [
    { principal: 'user', actions: ['iam:DeleteUserPermissionsBoundary'] },
    { principal: 'user', actions: ['iam:PutUserPermissionsBoundary'] },
    { principal: 'role', actions: ['iam:DeleteRolePermissionsBoundary'] },
    { principal: 'role', actions: ['iam:PutRolePermissionsBoundary'] },
  ],
  pathIds: ['iam:DeleteUserPermissionsBoundary', 'iam:PutUserPermissionsBoundary', 'iam:DeleteRolePermissionsBoundary', 'iam:PutRolePermissionsBoundary'],
  targets(from, perms, analysis, depth) {
    const canRemove = actionsFor(from).some((a) => analysis.mightTarget(perms, a, from.arn) && analysis.mayDo(perms, a));
    if (!canRemove) return [];
    const dropped = analysis.hypothetical(perms, { dropBoundary: true });
    const freed = isAdministrator(adminAccess(dropped)) || analysis.selfPaths(from, dropped, depth + 1).length > 0;
    return freed ? [from] : [];
  },
  pathsTo(from, perms, _itself, analysis) {
    const paths: EscalationPath[] = [];
    for (const action of actionsFor(from)) {
      const context = action.startsWith('iam:Put') ? { 'iam:PermissionsBoundary': analysis.administratorAccess } : undefined;
      const run = runSteps(perms, [[{ action, resource: exact(from.arn), ...(context ? { context } : {}) }]]);
      if (run.ok) {
        paths.push(withChain({ method: action, kind: 'self', description: `removes or replaces its own permissions boundary, leaving its identity policies in force`, target: `${from.type} ${from.name}`, targetArn: from.arn, certainty: run.certainty, steps: run.steps, notes: [] }));
      }
    }
    return paths;
  },
});
