import { InputError } from '../errors.js';
import { buildHipaaBoundary } from '../hipaa/permissions-boundary.js';
import { PERMISSIONS_BOUNDARY_POLICY_NAME } from '../policy/prescribed.js';
import type { Settings } from '../settings.js';
import { boundariesInUse, isIdentityCenterRole, isServiceLinkedRole } from '../snapshot/principals.js';
import type { Snapshot } from '../snapshot/schema.js';
import { callerPrincipal, customerPolicyArn, customerPolicyNamed, emptyPlan, sourceProblem, type PlannedChange, type RemediationPlan } from './plan.js';

export interface BoundaryOptions {
  /** Use this policy as the boundary instead of creating permissions-boundary-base. */
  policyArn?: string;
  /** Replace boundaries other than the chosen one (never done unless asked). */
  replaceExisting?: boolean;
}

/**
 * `boundary --apply`: the HIPAA boundary policy created if absent (or the one named by
 * --policy-arn), then set on every user and every role that is not service-linked and has
 * none. A principal with another boundary keeps it unless replaceExisting. The caller's own
 * principal goes last, with a warning: once bound, it can no longer change IAM. Throws
 * InputError for a --policy-arn the account does not hold.
 */
export function planBoundaries(snapshot: Snapshot, settings: Pick<Settings, 'eligibleServices'>, options: BoundaryOptions = {}): RemediationPlan {
  const plan = emptyPlan('boundary --apply');
  const details = snapshot.sources.authorizationDetails;
  if (details.status !== 'ok') {
    plan.blocked.push(`permissions boundaries: the authorizationDetails could not be read (${sourceProblem(snapshot, 'authorizationDetails')}), so no principal's boundary is known`);
    return plan;
  }
  const { users, roles, policies } = details.data;

  let policyArn: string;
  let createPolicy: number | null = null;
  if (options.policyArn) {
    policyArn = options.policyArn;
    const named = policies.find((p) => p.arn === policyArn);
    // A mistyped ARN is the user's to fix, before anything is written.
    if (!named) throw new InputError(`--policy-arn ${policyArn} is not a managed policy in account ${snapshot.accountId}`);
    plan.unchanged.push(`boundary policy ${named.name} is used as it is (boundary-strength judges what it allows)`);
  } else {
    const existing = customerPolicyNamed(policies, PERMISSIONS_BOUNDARY_POLICY_NAME);
    policyArn = existing?.arn ?? customerPolicyArn(snapshot, PERMISSIONS_BOUNDARY_POLICY_NAME);
    const inUse = [...boundariesInUse(details.data).keys()].filter((arn) => arn !== policyArn);
    if (inUse.length > 0) plan.unchanged.push(`boundaries already in use: ${inUse.join(', ')}; --policy-arn sets one of them instead of ${PERMISSIONS_BOUNDARY_POLICY_NAME}`);
    if (existing) {
      plan.unchanged.push(`boundary policy ${PERMISSIONS_BOUNDARY_POLICY_NAME} exists; it is used as it is (boundary-strength judges what it allows)`);
    } else {
      createPolicy = plan.changes.push({
        change: { kind: 'create-policy', name: PERMISSIONS_BOUNDARY_POLICY_NAME, arn: policyArn, description: 'HIPAA permissions boundary: HIPAA-eligible services only; no boundary removal, IAM escalation or audit-trail tampering (hipaa-iam)', document: buildHipaaBoundary(settings.eligibleServices) },
        target: policyArn,
        before: 'absent',
        after: `customer managed policy from policies/permissions-boundary.json (eligible-services list of ${settings.eligibleServices.asOf})`,
        dependsOn: [],
      }) - 1;
    }
  }

  const caller = callerPrincipal(snapshot);
  const principals = [
    ...users.map((u) => ({ kind: 'user' as const, name: u.name, current: u.permissionsBoundary?.arn ?? null, skip: null as string | null })),
    ...roles
      .filter((r) => !isServiceLinkedRole(r))
      .map((r) => ({
        kind: 'role' as const,
        name: r.name,
        current: r.permissionsBoundary?.arn ?? null,
        skip: isIdentityCenterRole(r) ? 'IAM Identity Center owns it: set the boundary in its permission set' : null,
      })),
  ];
  let own: PlannedChange | null = null;
  for (const p of principals) {
    const label = `${p.kind} ${p.name}`;
    if (p.current === policyArn) continue;
    if (p.skip) {
      plan.unchanged.push(`${label}: not changed, ${p.skip}`);
      continue;
    }
    if (p.current !== null && !options.replaceExisting) {
      plan.unchanged.push(`${label} keeps its boundary ${p.current} (--replace-boundaries to replace it)`);
      continue;
    }
    const planned: PlannedChange = {
      change: p.kind === 'user' ? { kind: 'put-user-permissions-boundary', user: p.name, policyArn } : { kind: 'put-role-permissions-boundary', role: p.name, policyArn },
      target: label,
      before: p.current ?? 'no boundary',
      after: policyArn,
      dependsOn: createPolicy === null ? [] : [createPolicy],
    };
    if (caller && caller.kind === p.kind && caller.name === p.name) {
      own = planned;
      plan.warnings.push(`${label} is the identity this run signs in as: it is bounded last, and afterwards it keeps only what the boundary allows (no IAM changes)`);
    } else {
      plan.changes.push(planned);
    }
  }
  if (own) plan.changes.push(own);
  return plan;
}
