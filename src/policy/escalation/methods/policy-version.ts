import { adminAccess, isAdministrator } from '../../effective-permissions.js';
import type { ReachingPolicy } from '../../principal-policies.js';
import type { ManagedPolicy } from '../../../snapshot/schema.js';
import { MAX_TARGETS, ownMethod } from '../method.js';
import { exact, runSteps, withChain, worst } from '../steps.js';
import type { EscalationPath } from '../types.js';

/**
 * A customer-managed policy's default version decides what it grants: iam:CreatePolicyVersion
 * writes a new default version (granting everything), iam:SetDefaultPolicyVersion makes one of
 * its other versions the default (as strong as the strongest of them).
 */

const CREATE = 'iam:CreatePolicyVersion';
const SET_DEFAULT = 'iam:SetDefaultPolicyVersion';
const isAwsManaged = (arn: string) => /^arn:[^:]+:iam::aws:policy\//.test(arn);

/** A new default version of a customer-managed policy attached to itself (directly or through a group). */
export const ownPolicyVersion = ownMethod<[string, ReachingPolicy]>({
  id: 'own-policy-version',
  kind: 'self',
  summary: 'writes a new default version of a customer-managed policy attached to it, or makes another version the default',
  ways: [{ actions: [CREATE] }, { actions: [SET_DEFAULT] }],
  pathIds: [CREATE, SET_DEFAULT],
  targets(_from, perms, analysis) {
    if (!analysis.mayDo(perms, CREATE) && !analysis.mayDo(perms, SET_DEFAULT)) return [];
    const own = new Map<string, ReachingPolicy>();
    for (const r of perms.reaching) if (r.kind === 'managed' && r.policyArn && !isAwsManaged(r.policyArn)) own.set(r.policyArn, r);
    return own;
  },
  pathsTo(_from, perms, [arn, r], analysis) {
    const paths: EscalationPath[] = [];
    for (const action of [CREATE, SET_DEFAULT]) {
      if (!analysis.mayDo(perms, action) || !analysis.mightApply(perms, action, arn)) continue;
      const run = runSteps(perms, [[{ action, resource: exact(arn) }]]);
      if (!run.ok) continue;
      const setDefault = action === SET_DEFAULT;
      // Another version is judged in the principal's place: with it instead of the current one.
      const switched = setDefault ? analysis.otherVersions(arn, (document) => isAdministrator(adminAccess(analysis.hypothetical(perms, { remove: (x) => x === r, add: [{ ...r, document }] })))) : null;
      paths.push(
        withChain({
          method: action,
          kind: 'self',
          description: setDefault ? `makes another version of ${r.policyName} (${r.label}) the default` : `writes a new default version of ${r.policyName} (${r.label}) granting everything`,
          target: `policy ${r.policyName}`,
          targetArn: arn,
          certainty: switched ? worst(run.certainty, switched.certainty) : run.certainty,
          steps: run.steps,
          notes: switched ? switched.notes : [],
        }),
      );
    }
    return paths;
  },
});

/** New versions of customer-managed policies attached to others: the principals holding them become administrators. */
function othersPolicyVersion(action: typeof CREATE | typeof SET_DEFAULT) {
  const setDefault = action === SET_DEFAULT;
  return ownMethod<{ policy: ManagedPolicy; who: string[] }>({
    id: setDefault ? 'default-policy-version-of-others' : 'new-policy-version-of-others',
    kind: 'confer',
    summary: setDefault ? "switches the default version of a customer-managed policy attached to other principals" : 'writes a new default version of a customer-managed policy attached to other principals',
    ways: [{ actions: [action] }],
    pathIds: [action],
    perId: MAX_TARGETS,
    *targets(from, perms, analysis) {
      if (!analysis.mayDo(perms, action, analysis.templates.iam('policy'))) return;
      const ownGroups = new Set(from.user?.groups ?? []);
      const model = analysis.model;
      for (const policy of analysis.attachedPolicies(perms, [action])) {
        const holders = analysis.attachments(policy.arn);
        if (!holders) continue;
        const who = [
          ...holders.users.filter((u) => u.arn !== from.arn && !analysis.isAdminArn(u.arn) && analysis.admitsAdmin(u.permissionsBoundary?.arn ?? null)).map((u) => `user ${u.name}`),
          ...holders.roles.filter((r) => r.arn !== from.arn && !analysis.isAdminArn(r.arn) && analysis.admitsAdmin(r.permissionsBoundary?.arn ?? null)).map((r) => `role ${r.name}`),
          ...holders.groups.filter((g) => !ownGroups.has(g.name) && model.groupMembers(g.name).some((u) => !analysis.isAdminArn(u.arn))).map((g) => `group ${g.name}`),
        ];
        if (who.length > 0) yield { policy, who };
      }
    },
    pathsTo(_from, perms, { policy, who }, analysis) {
      const run = runSteps(perms, [[{ action, resource: exact(policy.arn) }]]);
      if (!run.ok) return [];
      const switched = setDefault ? analysis.otherVersions(policy.arn) : null;
      return [
        withChain({
          method: action,
          kind: 'confer',
          description: `${setDefault ? 'switches the default version of' : 'writes a new default version of'} policy ${policy.name}, attached to ${who.slice(0, 3).join(', ')}${who.length > 3 ? ', …' : ''}`,
          target: `policy ${policy.name}`,
          targetArn: policy.arn,
          certainty: switched ? worst(run.certainty, switched.certainty) : run.certainty,
          steps: run.steps,
          notes: switched ? switched.notes : [],
        }),
      ];
    },
  });
}

export const newPolicyVersionOfOthers = othersPolicyVersion(CREATE);
export const defaultPolicyVersionOfOthers = othersPolicyVersion(SET_DEFAULT);
