import { trustFor } from '../../trust.js';
import { becomeMethod } from '../method.js';
import { exact, explicitlyDenied, runStep, worst } from '../steps.js';
import type { EscalationStep } from '../types.js';

const ASSUME = 'sts:AssumeRole';

/**
 * sts:AssumeRole on a role whose trust policy names the principal (enough on its own within the
 * account, though a role's own boundary must allow it) or trusts the account (then its identity
 * policies must allow it).
 */
export const assumeRole = becomeMethod({
  id: 'assume-role',
  kind: 'become',
  summary: 'assumes a role whose trust policy names it, or trusts the account and its policies allow sts:AssumeRole',
  ways: [{ actions: [ASSUME] }],
  pathIds: [ASSUME],
  *candidates(from, reach, analysis) {
    for (const node of reach.trustNaming.get(from.arn.toLowerCase()) ?? []) if (reach.reached.has(node)) yield node;
    if (from.type === 'role') for (const node of reach.trustingSessionsOf.get(from.name.toLowerCase()) ?? []) if (reach.reached.has(node)) yield node;
    for (const node of reach.trustingAnyone) if (reach.reached.has(node)) yield node;
    if (reach.reachedAccountTrusting.length > 0 && analysis.holds(from, ASSUME)) {
      yield* analysis.reachedNamed(from, [ASSUME], reach.reachedAccountTrusting, 'roles', reach, (n) => reach.trustsAccount.has(n));
    }
  },
  paths(from, to, analysis) {
    const role = to.role;
    if (!role) return [];
    const perms = from.perms;
    const trust = trustFor(analysis.model.roleTrust(role), perms.principal, perms.context);
    if (trust.kind !== 'named' && !(trust.kind === 'account' && analysis.mightTarget(perms, ASSUME, role.arn))) return [];
    const step = runStep(perms, { action: ASSUME, resource: exact(role.arn) });
    const explicitDeny = explicitlyDenied(perms, { action: ASSUME, resource: exact(role.arn) });
    // Named in the trust policy: enough on its own within the account (a role's boundary still applies).
    const byTrust = trust.kind === 'named' && !explicitDeny && (perms.principal.type !== 'role' || perms.principal.boundaryArn === null || step.ok);
    if (!step.ok && !byTrust) return [];
    const certainty = worst(step.ok ? step.certainty : 'definite', trust.conditions.length > 0 ? 'conditional' : 'definite');
    const trustStep: EscalationStep = {
      action: `${ASSUME} (trust policy)`,
      resource: role.arn,
      verdict: trust.conditions.length > 0 ? 'conditional' : 'allowed',
      allowedBy: [trust.statement ?? `trust policy of role ${role.name}`],
      reasons: [
        ...(trust.kind === 'named' && !step.ok ? ['the trust policy names it, which is enough within the account without an identity-policy Allow'] : []),
        ...trust.conditions.map((c) => `the trust policy requires ${c}`),
      ],
    };
    const steps = step.ok ? [step.step, trustStep] : [trustStep];
    return [{ method: ASSUME, kind: 'become', description: `assumes role ${role.name} (${trust.kind === 'named' ? 'its trust policy names it' : 'its trust policy trusts the account'})`, target: `role ${role.name}`, targetArn: role.arn, certainty, steps, notes: [], chain: [] }];
  },
});
