import { adminAccess, isAdministrator, type PolicyEntry } from '../../effective-permissions.js';
import { ownMethod } from '../method.js';
import { exact, runSteps, withChain, worst } from '../steps.js';
import type { StepSpec } from '../types.js';

/**
 * A principal whose administrator access a Deny takes back (in part or in full) takes the Deny
 * away: it leaves the group whose policy holds it, or detaches or deletes the policy. Freed of
 * it, it is an administrator, or it can act as one (the path then goes on by a become method).
 */

const GROUP = ['iam:RemoveUserFromGroup', 'iam:DetachGroupPolicy', 'iam:DeleteGroupPolicy'];

export const removeDeny = ownMethod<PolicyEntry>({
  id: 'remove-deny',
  kind: 'self',
  summary: 'takes away a Deny that stands between it and administrator access',
  ways: [
    ...GROUP.map((action) => ({ principal: 'user' as const, actions: [action] })),
    { principal: 'user', actions: ['iam:DetachUserPolicy'] },
    { principal: 'user', actions: ['iam:DeleteUserPolicy'] },
    { principal: 'role', actions: ['iam:DetachRolePolicy'] },
    { principal: 'role', actions: ['iam:DeleteRolePolicy'] },
  ],
  pathIds: [...GROUP, 'iam:DetachUserPolicy', 'iam:DeleteUserPolicy', 'iam:DetachRolePolicy', 'iam:DeleteRolePolicy'],
  *targets(from, perms) {
    if (from.admin.status !== 'partial' && from.admin.status !== 'cancelled') return;
    // One try per group and per policy: taking a group away takes all its policies.
    const seen = new Set<string>();
    for (const entry of perms.identity) {
      if (!entry.policy.statements.some((s) => s.effect === 'Deny')) continue;
      const r = entry.reaching;
      const key = r.groupName ? `group:${r.groupName}` : `${r.kind}:${r.policyArn ?? r.policyName}`;
      if (seen.has(key)) continue;
      seen.add(key);
      yield entry;
    }
  },
  pathsTo(from, perms, { reaching: r }, analysis) {
    const without = analysis.hypothetical(perms, { remove: (x) => (r.groupName ? x.groupName === r.groupName : x === r) });
    const freed = isAdministrator(adminAccess(without));
    const onward = freed ? null : analysis.becomeAdminAs({ ...from, perms: without, admin: adminAccess(without) });
    if (!freed && !onward) return [];
    let specs: StepSpec[];
    if (r.groupName) {
      const group = analysis.model.groups.get(r.groupName);
      if (!group) return [];
      specs = [{ action: 'iam:RemoveUserFromGroup', resource: exact(group.arn) }];
      if (r.kind === 'managed' && r.policyArn) specs.push({ action: 'iam:DetachGroupPolicy', resource: exact(group.arn), context: { 'iam:PolicyARN': r.policyArn } });
      else specs.push({ action: 'iam:DeleteGroupPolicy', resource: exact(group.arn) });
    } else {
      const kind = from.type === 'user' ? 'User' : 'Role';
      specs = r.kind === 'managed' && r.policyArn ? [{ action: `iam:Detach${kind}Policy`, resource: exact(from.arn), context: { 'iam:PolicyARN': r.policyArn } }] : [{ action: `iam:Delete${kind}Policy`, resource: exact(from.arn) }];
    }
    const run = runSteps(perms, [specs]);
    if (!run.ok) return [];
    const certainty = onward ? worst(run.certainty, onward.certainty) : run.certainty;
    const then = onward ? `, then ${onward.description}` : '';
    return [
      withChain({
        method: run.steps[0]?.action ?? specs[0]?.action ?? 'iam',
        kind: 'self',
        description: `takes away the Deny of ${r.label}${then}`,
        target: r.label,
        targetArn: r.policyArn ?? from.arn,
        certainty,
        steps: onward ? [...run.steps, ...onward.steps] : run.steps,
        notes: onward?.notes ?? [],
      }),
    ];
  },
});
