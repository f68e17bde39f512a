import type { IamGroup } from '../../../snapshot/schema.js';
import { adminAccess, isAdministrator } from '../../effective-permissions.js';
import { policiesOfGroup } from '../../principal-policies.js';
import { MAX_TARGETS, ownMethod } from '../method.js';
import { exact, runSteps, withChain } from '../steps.js';
import { ownGroupNames } from './attach-or-put-policy.js';

/** iam:AddUserToGroup: a group's policies apply to every member. */

const ADD = 'iam:AddUserToGroup';

/** A user joins a group whose policies make it an administrator, or let it escalate from there. */
export const joinGroup = ownMethod<IamGroup>({
  id: 'join-group',
  kind: 'self',
  summary: 'adds itself to a group whose policies grant administrator access or let it escalate',
  ways: [{ principal: 'user', actions: [ADD] }],
  pathIds: [ADD],
  perId: MAX_TARGETS,
  *targets(from, perms, analysis, depth) {
    // One group joined is looked at; joining a second to escalate from the first is left out.
    if (from.type !== 'user' || !from.user || depth !== 0 || !analysis.mayDo(perms, ADD)) return;
    const own = ownGroupNames(from, perms);
    for (const group of analysis.groups(perms, [ADD])) if (!own.has(group.name)) yield group;
  },
  pathsTo(from, perms, group, analysis, depth) {
    const run = runSteps(perms, [[{ action: ADD, resource: exact(group.arn) }]]);
    if (!run.ok) return [];
    const joined = analysis.hypothetical(perms, { add: policiesOfGroup(group, analysis.model) });
    const becomesAdmin = isAdministrator(adminAccess(joined));
    if (!becomesAdmin && analysis.selfPaths(from, joined, depth + 1).length === 0) return [];
    return [withChain({ method: ADD, kind: 'self', description: `adds itself to group ${group.name}${becomesAdmin ? ', whose policies grant administrator access' : ', whose policies let it escalate'}`, target: `group ${group.name}`, targetArn: group.arn, certainty: run.certainty, steps: run.steps, notes: [] })];
  },
});

/** It puts any user (another, or one it holds the credentials of) into a group of administrators. */
export const addUserToAdminGroup = ownMethod<IamGroup>({
  id: 'add-user-to-admin-group',
  kind: 'confer',
  summary: 'adds a user to a group whose policies grant administrator access',
  ways: [{ actions: [ADD] }],
  pathIds: [ADD],
  perId: MAX_TARGETS,
  *targets(_from, perms, analysis) {
    if (!analysis.mayDo(perms, ADD, analysis.templates.iam('group'))) return;
    for (const group of analysis.groups(perms, [ADD])) if (analysis.groupGrantsAdmin(group)) yield group;
  },
  pathsTo(_from, perms, group) {
    const run = runSteps(perms, [[{ action: ADD, resource: exact(group.arn) }]]);
    if (!run.ok) return [];
    return [withChain({ method: ADD, kind: 'confer', description: `adds any user to group ${group.name}, whose policies grant administrator access`, target: `group ${group.name}`, targetArn: group.arn, certainty: run.certainty, steps: run.steps, notes: [] })];
  },
});
