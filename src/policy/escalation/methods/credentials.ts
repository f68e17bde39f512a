import { becomeMethod } from '../method.js';
import { exact, runSteps, worst } from '../steps.js';
import type { EscalationPath } from '../types.js';

/** Another user's credentials: a new access key, or a console password set or reset. */
const CREDENTIALS = [
  { action: 'iam:CreateAccessKey', description: 'creates an access key for the user', note: null },
  { action: 'iam:CreateLoginProfile', description: 'sets a console password for the user', note: 'works only if the user has no console password yet (and signs in only without MFA)' },
  { action: 'iam:UpdateLoginProfile', description: "resets the user's console password", note: 'works only if the user has a console password (and signs in only without MFA)' },
] as const;

export const userCredentials = becomeMethod({
  id: 'user-credentials',
  kind: 'become',
  summary: "takes over a user's credentials: a new access key, or a console password set or reset",
  ways: CREDENTIALS.map((c) => ({ actions: [c.action] })),
  pathIds: CREDENTIALS.map((c) => c.action),
  *candidates(from, reach, analysis) {
    if (reach.reachedUsers.length === 0) return;
    const held = CREDENTIALS.map((c) => c.action).filter((a) => analysis.holds(from, a));
    if (held.length > 0) yield* analysis.reachedNamed(from, held, reach.reachedUsers, 'users', reach, (n) => n.type === 'user');
  },
  paths(from, to, analysis) {
    if (to.type !== 'user' || !to.user) return [];
    const paths: EscalationPath[] = [];
    for (const c of CREDENTIALS) {
      if (!analysis.holds(from, c.action) || !analysis.mightTarget(from.perms, c.action, to.arn)) continue;
      const run = runSteps(from.perms, [[{ action: c.action, resource: exact(to.arn) }]]);
      if (!run.ok) continue;
      paths.push({ method: c.action, kind: 'become', description: `${c.description} ${to.name}`, target: `user ${to.name}`, targetArn: to.arn, certainty: c.note ? worst(run.certainty, 'depends') : run.certainty, steps: run.steps, notes: c.note ? [c.note] : [], chain: [] });
    }
    return paths;
  },
});
