import type { IamGroup, IamUser } from '../../../snapshot/schema.js';
import { isServiceLinkedRole } from '../../../snapshot/principals.js';
import type { PrincipalPermissions } from '../../effective-permissions.js';
import { MAX_TARGETS, ownMethod } from '../method.js';
import { exact, runSteps, withChain } from '../steps.js';
import type { Analysis, EscalationPath, MethodKind, Principal, StepSpec } from '../types.js';

/**
 * An administrator policy put on a user, group or role: iam:Attach…Policy attaches one
 * (AdministratorAccess, or a customer-managed policy that grants everything, where the grant
 * tests iam:PolicyARN), iam:Put…Policy writes one inline. On itself or its own group it is self
 * escalation; on another principal it confers administrator rights.
 */

type Kind = 'User' | 'Group' | 'Role';

const actionsOn = (kind: Kind) => [`iam:Attach${kind}Policy`, `iam:Put${kind}Policy`];
const what = (method: string) => (method.startsWith('iam:Attach') ? 'attaches an administrator policy' : 'writes an inline administrator policy');

/** The paths that put an administrator policy on one user, group or role. */
function grant(perms: PrincipalPermissions, analysis: Analysis, kind: Kind, target: { name: string; arn: string }, pathKind: MethodKind, describe: (method: string) => string): EscalationPath[] {
  const out: EscalationPath[] = [];
  for (const method of actionsOn(kind)) {
    if (!analysis.mayDo(perms, method, analysis.templates.iam(kind === 'User' ? 'user' : kind === 'Group' ? 'group' : 'role')) || !analysis.mightTarget(perms, method, target.arn)) continue;
    const resource = exact(target.arn);
    const alternatives: StepSpec[] = method.startsWith('iam:Attach') ? analysis.policyArnContexts(perms, method).map((context) => ({ action: method, resource, ...(context ? { context } : {}) })) : [{ action: method, resource }];
    const run = runSteps(perms, [alternatives]);
    if (!run.ok) continue;
    out.push(withChain({ method, kind: pathKind, description: describe(method), target: `${kind.toLowerCase()} ${target.name}`, targetArn: target.arn, certainty: run.certainty, steps: run.steps, notes: [] }));
  }
  return out;
}

/** The groups a user is in: as its policies say and as its own list says. */
export function ownGroupNames(from: Principal, perms: PrincipalPermissions): Set<string> {
  const names = new Set(perms.reaching.filter((r) => r.groupName).map((r) => r.groupName as string));
  for (const name of from.user?.groups ?? []) names.add(name);
  return names;
}

export const policyOnItself = ownMethod<Principal>({
  id: 'policy-on-itself',
  kind: 'self',
  summary: 'attaches or writes an administrator policy on itself',
  ways: [
    { principal: 'user', actions: ['iam:AttachUserPolicy'] },
    { principal: 'user', actions: ['iam:PutUserPolicy'] },
    { principal: 'role', actions: ['iam:AttachRolePolicy'] },
    { principal: 'role', actions: ['iam:PutRolePolicy'] },
  ],
  pathIds: [...actionsOn('User'), ...actionsOn('Role')],
  targets: (from) => (from.type === 'role' || from.user ? [from] : []),
  pathsTo: (from, perms, itself, analysis) => grant(perms, analysis, from.type === 'user' ? 'User' : 'Role', itself, 'self', (m) => `${what(m)} to itself`),
});

export const policyOnItsGroup = ownMethod<IamGroup>({
  id: 'policy-on-its-group',
  kind: 'self',
  summary: 'attaches or writes an administrator policy on a group it belongs to',
  ways: [{ principal: 'user', actions: ['iam:AttachGroupPolicy'] }, { principal: 'user', actions: ['iam:PutGroupPolicy'] }],
  pathIds: actionsOn('Group'),
  *targets(from, perms, analysis) {
    if (from.type !== 'user' || !from.user) return;
    for (const name of ownGroupNames(from, perms)) {
      const group = analysis.model.groups.get(name);
      if (group) yield group;
    }
  },
  pathsTo: (_from, perms, group, analysis) => grant(perms, analysis, 'Group', group, 'self', (m) => `${what(m)} to its group ${group.name}`),
});

export const policyOnUser = ownMethod<IamUser>({
  id: 'policy-on-user',
  kind: 'confer',
  summary: 'attaches or writes an administrator policy on another user',
  ways: [{ actions: ['iam:AttachUserPolicy'] }, { actions: ['iam:PutUserPolicy'] }],
  pathIds: actionsOn('User'),
  perId: MAX_TARGETS,
  *targets(from, perms, analysis) {
    const template = analysis.templates.iam('user');
    if (!actionsOn('User').some((a) => analysis.mayDo(perms, a, template))) return;
    for (const user of analysis.users(perms, actionsOn('User'))) {
      if (user.arn === from.arn || analysis.isAdminArn(user.arn) || !analysis.admitsAdmin(user.permissionsBoundary?.arn ?? null)) continue;
      yield user;
    }
  },
  pathsTo: (_from, perms, user, analysis) => grant(perms, analysis, 'User', user, 'confer', (m) => `${what(m)} to user ${user.name}`),
});

export const policyOnRole = ownMethod<{ name: string; arn: string }>({
  id: 'policy-on-role',
  kind: 'confer',
  summary: 'attaches or writes an administrator policy on another role',
  ways: [{ actions: ['iam:AttachRolePolicy'] }, { actions: ['iam:PutRolePolicy'] }],
  pathIds: actionsOn('Role'),
  perId: MAX_TARGETS,
  *targets(from, perms, analysis) {
    const template = analysis.templates.iam('role');
    if (!actionsOn('Role').some((a) => analysis.mayDo(perms, a, template))) return;
    for (const role of analysis.roles(perms, actionsOn('Role'))) {
      if (role.arn === from.arn || analysis.isAdminArn(role.arn) || isServiceLinkedRole(role) || !analysis.admitsAdmin(role.permissionsBoundary?.arn ?? null)) continue;
      yield role;
    }
  },
  pathsTo: (_from, perms, role, analysis) => grant(perms, analysis, 'Role', role, 'confer', (m) => `${what(m)} to role ${role.name}`),
});

export const policyOnGroup = ownMethod<{ group: IamGroup; members: IamUser[] }>({
  id: 'policy-on-group',
  kind: 'confer',
  summary: 'attaches or writes an administrator policy on a group of other users',
  ways: [{ actions: ['iam:AttachGroupPolicy'] }, { actions: ['iam:PutGroupPolicy'] }],
  pathIds: actionsOn('Group'),
  perId: MAX_TARGETS,
  *targets(from, perms, analysis) {
    const template = analysis.templates.iam('group');
    if (!actionsOn('Group').some((a) => analysis.mayDo(perms, a, template))) return;
    const ownGroups = new Set(from.user?.groups ?? []);
    for (const group of analysis.groups(perms, actionsOn('Group'))) {
      if (ownGroups.has(group.name) || analysis.groupGrantsAdmin(group)) continue;
      const members = analysis.model.groupMembers(group.name).filter((u) => !analysis.isAdminArn(u.arn) && analysis.admitsAdmin(u.permissionsBoundary?.arn ?? null));
      if (members.length > 0) yield { group, members };
    }
  },
  pathsTo: (_from, perms, { group, members }, analysis) =>
    grant(perms, analysis, 'Group', group, 'confer', (m) => `${what(m)} to group ${group.name} (members: ${members.slice(0, 3).map((u) => u.name).join(', ')}${members.length > 3 ? ', …' : ''})`),
});
