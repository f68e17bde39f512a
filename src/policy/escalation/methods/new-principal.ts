import { eachOf, ownMethod } from '../method.js';
import { chosen, explicitlyDenied, withChain } from '../steps.js';
import type { Principal } from '../types.js';

/**
 * A new user or role of its own, made an administrator. The new principal keeps the boundary it
 * was created with, and iam:PermissionsBoundary on the later steps (AttachRolePolicy,
 * PutRolePolicy …) is that boundary (Service Authorization Reference, IAM condition keys): each
 * try carries one boundary through every step — none, or one that itself grants everything.
 */

const USER_STEPS = [['iam:CreateUser'], ['iam:AttachUserPolicy', 'iam:PutUserPolicy'], ['iam:CreateAccessKey', 'iam:CreateLoginProfile']];
const ROLE_STEPS = [['iam:CreateRole'], ['iam:AttachRolePolicy', 'iam:PutRolePolicy']];

export const newUser = ownMethod<Principal>({
  id: 'new-user',
  kind: 'self',
  summary: 'creates a new user, makes it an administrator and takes its credentials',
  ways: eachOf(USER_STEPS),
  pathIds: ['iam:CreateUser'],
  targets: (from, perms, analysis) => (analysis.mayDo(perms, 'iam:CreateUser', analysis.templates.iam('user')) ? [from] : []),
  pathsTo(_from, perms, _itself, analysis) {
    const user = analysis.templates.iam('user');
    const run = analysis.bestWithBoundary(perms, USER_STEPS.flat(), (boundary) => [
      [{ action: 'iam:CreateUser', resource: chosen(user), context: boundary }],
      [...analysis.policyArnContexts(perms, 'iam:AttachUserPolicy').map((context) => ({ action: 'iam:AttachUserPolicy', resource: chosen(user), context: { ...context, ...boundary } })), { action: 'iam:PutUserPolicy', resource: chosen(user), context: boundary }],
      [
        { action: 'iam:CreateAccessKey', resource: chosen(user), context: boundary },
        { action: 'iam:CreateLoginProfile', resource: chosen(user), context: boundary },
      ],
    ]);
    return run ? [withChain({ method: 'iam:CreateUser', kind: 'self', description: 'creates a new user, makes it an administrator and takes its credentials', target: 'a new user', targetArn: user, certainty: run.certainty, steps: run.steps, notes: [] })] : [];
  },
});

export const newRole = ownMethod<Principal>({
  id: 'new-role',
  kind: 'self',
  summary: 'creates a new role that trusts it, makes the role an administrator and assumes it (its trust policy names it: no sts:AssumeRole Allow needed, a Deny stops it)',
  ways: eachOf(ROLE_STEPS),
  pathIds: ['iam:CreateRole'],
  targets: (from, perms, analysis) => (analysis.mayDo(perms, 'iam:CreateRole', analysis.templates.iam('role')) ? [from] : []),
  pathsTo(_from, perms, _itself, analysis) {
    const role = analysis.templates.iam('role');
    const run = analysis.bestWithBoundary(perms, ROLE_STEPS.flat(), (boundary) => [
      [{ action: 'iam:CreateRole', resource: chosen(role), context: boundary }],
      [...analysis.policyArnContexts(perms, 'iam:AttachRolePolicy').map((context) => ({ action: 'iam:AttachRolePolicy', resource: chosen(role), context: { ...context, ...boundary } })), { action: 'iam:PutRolePolicy', resource: chosen(role), context: boundary }],
    ]);
    const assumeDenied = explicitlyDenied(perms, { action: 'sts:AssumeRole', resource: chosen(role) });
    return run && !assumeDenied ? [withChain({ method: 'iam:CreateRole', kind: 'self', description: 'creates a new role that trusts it, makes the role an administrator and assumes it', target: 'a new role', targetArn: role, certainty: run.certainty, steps: run.steps, notes: [] })] : [];
  },
});
