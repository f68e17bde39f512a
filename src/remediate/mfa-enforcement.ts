import { documentEnforcesMfa, judgeMfaDeny, mfaEnforcementOf, type MfaSubject } from '../policy/mfa-deny.js';
import { statementsOf } from '../policy/document.js';
import { indexDetails, policiesOfGroup } from '../policy/principal-policies.js';
import { DENY_WITHOUT_MFA_DOCUMENT, DENY_WITHOUT_MFA_POLICY_NAME, HUMAN_USERS_GROUP_NAME } from '../policy/prescribed.js';
import { isRootRow, reportFlag } from '../snapshot/credential-report.js';
import type { CredentialReportRow, IamUser, Snapshot } from '../snapshot/schema.js';
import { callerPrincipal, customerPolicyArn, customerPolicyNamed, emptyPlan, sourceProblem, type PlannedChange, type RemediationPlan } from './plan.js';

/**
 * `mfa-audit --enforce --apply`: the deny-without-MFA policy, the human-users group carrying
 * it, and every console user not already subject to such a policy added to the group. Users
 * are judged by the same function as IAM-009 (mfaEnforcementOf), so when every console user is
 * already subject to deny-without-MFA, in whatever equivalent form, nothing is planned. Users
 * who have no MFA yet are named in a warning: once enforced, they can only enrol a device.
 */
export function planMfaEnforcement(snapshot: Snapshot): RemediationPlan {
  const plan = emptyPlan('mfa-audit --enforce --apply');
  const { credentialReport, authorizationDetails } = snapshot.sources;
  if (credentialReport.status !== 'ok' || authorizationDetails.status !== 'ok') {
    for (const source of ['credentialReport', 'authorizationDetails'] as const) {
      const problem = sourceProblem(snapshot, source);
      if (problem !== null) plan.blocked.push(`MFA enforcement: the ${source} could not be read (${problem}), so no user's coverage is known`);
    }
    return plan;
  }
  const details = authorizationDetails.data;
  const index = indexDetails(details);
  const members: MfaSubject = { kind: 'any-user', accountId: snapshot.accountId };

  const uncovered: { user: IamUser; row: CredentialReportRow }[] = [];
  const usersByArn = new Map(details.users.map((u) => [u.arn, u]));
  for (const row of credentialReport.data.rows) {
    if (isRootRow(row)) continue;
    const name = row.user ?? '';
    const console = reportFlag(row, 'password_enabled');
    if (console === false) continue;
    const user = usersByArn.get(row.arn ?? '');
    if (console === null || !user) {
      plan.blocked.push(`user ${name}: ${user ? 'the credential report does not say whether it has a console password' : 'it is in the credential report but not in the authorization details'}`);
      continue;
    }
    if (mfaEnforcementOf(user, index).enforcing.length > 0) {
      plan.unchanged.push(`user ${name} is already subject to a deny-without-MFA policy`);
      continue;
    }
    uncovered.push({ user, row });
  }
  if (uncovered.length === 0) {
    plan.unchanged.push('every console user is already subject to a deny-without-MFA policy (or there is none), so no policy, group or membership is needed');
    return plan;
  }

  const group = details.groups.find((g) => g.name === HUMAN_USERS_GROUP_NAME);
  const groupEnforces = group !== undefined && policiesOfGroup(group, index).some((p) => p.document !== null && documentEnforcesMfa(p.document, members));
  let createPolicy: number | null = null;
  let createGroup: number | null = null;
  let policyArn = customerPolicyArn(snapshot, DENY_WITHOUT_MFA_POLICY_NAME);

  if (groupEnforces) {
    plan.unchanged.push(`group ${HUMAN_USERS_GROUP_NAME} already carries a deny-without-MFA policy`);
  } else {
    const existing = customerPolicyNamed(details.policies, DENY_WITHOUT_MFA_POLICY_NAME);
    if (existing) {
      if (existing.document === null) {
        plan.blocked.push(`policy ${existing.arn} exists but its document is not in the snapshot, so it is not attached unread`);
        return plan;
      }
      if (!documentEnforcesMfa(existing.document, members)) {
        const reasons = statementsOf(existing.document).flatMap((s) => {
          const verdict = judgeMfaDeny(s, members);
          return verdict ? [verdict.reason] : [];
        });
        plan.blocked.push(`policy ${existing.arn} exists but does not deny without MFA (${reasons.join('; ') || 'no statement denies on aws:MultiFactorAuthPresent'}); fix it from policies/deny-without-mfa.json, or delete it so hipaa-iam can create it`);
        return plan;
      }
      policyArn = existing.arn;
      plan.unchanged.push(`policy ${DENY_WITHOUT_MFA_POLICY_NAME} exists and denies without MFA; it is used as it is`);
    } else {
      createPolicy = plan.changes.push({
        change: { kind: 'create-policy', name: DENY_WITHOUT_MFA_POLICY_NAME, arn: policyArn, description: 'Denies all but MFA self-service when aws:MultiFactorAuthPresent is false (hipaa-iam, HIPAA 164.312(d))', document: DENY_WITHOUT_MFA_DOCUMENT },
        target: policyArn,
        before: 'absent',
        after: 'customer managed policy from policies/deny-without-mfa.json',
        dependsOn: [],
      }) - 1;
    }
    if (!group) {
      createGroup = plan.changes.push({ change: { kind: 'create-group', name: HUMAN_USERS_GROUP_NAME }, target: `group ${HUMAN_USERS_GROUP_NAME}`, before: 'absent', after: 'group exists', dependsOn: [] }) - 1;
    }
    plan.changes.push({
      change: { kind: 'attach-group-policy', group: HUMAN_USERS_GROUP_NAME, policyArn },
      target: `group ${HUMAN_USERS_GROUP_NAME}`,
      before: group ? `attached: ${group.attachedPolicies.map((p) => p.name).join(', ') || 'none'}` : 'absent',
      after: `${DENY_WITHOUT_MFA_POLICY_NAME} attached`,
      dependsOn: [createPolicy, createGroup].filter((i): i is number => i !== null),
    });
  }

  const caller = callerPrincipal(snapshot);
  let own: PlannedChange | null = null;
  for (const { user, row } of uncovered) {
    const name = user.name;
    const isCaller = caller?.kind === 'user' && caller.name === name;
    if (!user.groups.includes(HUMAN_USERS_GROUP_NAME)) {
      const planned: PlannedChange = {
        change: { kind: 'add-user-to-group', user: name, group: HUMAN_USERS_GROUP_NAME },
        target: `user ${name}`,
        before: `groups: ${user.groups.join(', ') || 'none'}`,
        after: `groups: ${[...user.groups, HUMAN_USERS_GROUP_NAME].join(', ')}`,
        dependsOn: createGroup === null ? [] : [createGroup],
      };
      // Access keys carry no MFA: once enforced, the caller's own session is denied, so it goes last.
      if (isCaller) own = planned;
      else plan.changes.push(planned);
    }
    if (isCaller) {
      plan.warnings.push(`user ${name} is the identity this run signs in as: it is enforced last, and afterwards its access keys work only in a session made with MFA (aws sts get-session-token --serial-number … --token-code …)`);
    }
    if (reportFlag(row, 'mfa_active') !== true) {
      plan.warnings.push(`${name} has no MFA device: once enforced, ${name} can do nothing but sign in, change their password and enrol a device until they do`);
    }
  }
  if (own) plan.changes.push(own);
  return plan;
}
