import { adminAccess, hitLabel, type AdminAccess, type PrincipalPermissions } from '../../policy/effective-permissions.js';
import { holdersEvidence, holdersText, roleHolders, type PermissionSetHolders } from '../../identity-center/role-holders.js';
import { isServiceLinkedRole } from '../../snapshot/principals.js';
import { accountFinding, defineCheck, sourceData, type FindingDraft, type Status } from '../check.js';
import { passing } from '../pass-evidence.js';

/**
 * No user, group or role has administrator access.
 *
 * Judged per principal on its effective permissions: a user's own policies and its groups',
 * a role's policies, each within its permissions boundary; a group on its own policies (what it
 * gives every member). The rule (adminAccess in src/policy/effective-permissions.ts, and
 * docs/CONTROLS.md): after the boundary and every Deny that applies without condition, the
 * principal is allowed on every resource every action (admin), or every action but a set that
 * leaves IAM administration in reach (partial: some IAM permissions-management action remains,
 * e.g. everything but iam:CreateUser). FAIL for both, and when that holds only under a condition
 * (conditional). PASS when nothing grants every action, when what is left out takes all IAM
 * administration with it (everything but iam:*; PowerUserAccess: iam:*, organizations:* and
 * account:*), when a Deny takes the grant back or confines it to named
 * resources (Deny with NotResource), or when a boundary allows only named services. The form does
 * not matter: Allow NotAction X and Allow * with Deny X get the same verdict. A principal with a
 * policy the snapshot lacks is ERROR unless what it can read already amounts to administrator
 * access. Service-linked roles are left out: AWS owns their policies. A role IAM Identity Center
 * made (AWSReservedSSO_*) is judged as any role; its finding also names the permission set it
 * comes from and who holds that set in the account (src/identity-center/role-holders.ts).
 */
export default defineCheck({
  meta: {
    controlId: 'admin-access',
    riskId: 'IAM-014',
    title: 'No principal has administrator access (* on *)',
    group: 'least-privilege',
    severity: 'critical',
    hipaa: ['164.308(a)(4)(i)', '164.308(a)(3)(i)', '164.312(a)(1)'],
    description: 'No policy attached to a user, group or role allows every action on every resource without a Deny that takes it back.',
    remediation:
      'Replace AdministratorAccess and other `"Action": "*", "Resource": "*"` grants with job-function policies; keep break-glass administration in one role that people assume with MFA, and review who holds it.',
    documentation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_manage-attach-detach.html',
    sources: ['authorizationDetails'],
    // Read only to name the permission set behind an AWSReservedSSO_* role and who holds it.
    optionalSources: ['identityCenter'],
  },
  run({ snapshot, model, organization }) {
    const details = sourceData(snapshot, 'authorizationDetails');
    const holdersOf = roleHolders(snapshot, organization);
    const findings: FindingDraft[] = [];
    for (const user of details.users) findings.push(judge(model.userPermissions(user), 'AWS::IAM::User', 'user', { groups: user.groups }));
    for (const group of details.groups) {
      findings.push(judge(model.groupPermissions(group), 'AWS::IAM::Group', 'group', { members: model.groupMembers(group.name).map((u) => u.name) }));
    }
    for (const role of details.roles) {
      if (!isServiceLinkedRole(role)) findings.push(judge(model.rolePermissions(role), 'AWS::IAM::Role', 'role', {}, holdersOf(role)));
    }
    if (findings.length === 0) return [accountFinding(snapshot.accountId, 'NOT_APPLICABLE', 'the account has no users, groups or roles of its own')];
    return findings;
  },
});

function judge(perms: PrincipalPermissions, resourceType: string, kind: string, extra: Record<string, unknown>, holders: PermissionSetHolders | null = null): FindingDraft {
  const { name, arn } = perms.principal;
  const access = adminAccess(perms);
  const grantedBy = access.grants.map((h) => hitLabel(perms, h));
  const evidence = { principalType: kind, ...extra, adminStatus: access.status, grantedBy, limits: access.limits, except: access.except, remains: access.remains ?? null, leftOut: access.leftOut ?? null, unreadablePolicies: perms.unreadable, ...(holders ? holdersEvidence(holders) : {}) };
  const base = { resourceType, resourceArn: arn, resourceName: name, evidence };
  // The verdict is the role's; the permission set and its holders only say whom it concerns.
  const suffix = holders ? ` ${holdersText(holders)}` : '';
  const finding = (status: Status, message: string): FindingDraft => passing({ ...base, status, message: message + suffix });
  const via = grantedBy.length > 0 ? ` through ${grantedBy.join('; ')}` : '';
  switch (access.status) {
    case 'admin':
      return finding('FAIL', `${kind} ${name} has administrator access (* on *)${via}`);
    case 'conditional':
      return finding('FAIL', `${kind} ${name} has administrator access (* on *)${via}, ${conditionsOf(access)}`);
    case 'partial':
      if (access.takenBackBy === null) {
        return finding('FAIL', `${kind} ${name} has administrator access: it is granted every action but ${access.except ?? 'some'}${via}, which leaves IAM administration in reach (${access.administration ?? 'iam'})`);
      }
      return finding('FAIL', `${kind} ${name} is granted * on *${via}; only ${access.except ?? 'some actions'} ${access.except?.includes(',') ? 'are' : 'is'} taken back, which leaves IAM administration in reach (${access.administration ?? 'iam'})`);
    case 'cancelled': {
      const by = access.takenBackBy === 'boundary' ? 'its permissions boundary takes' : 'a Deny takes';
      if (access.leftOut) return finding('PASS', `${kind} ${name} is granted * on *${via}, but ${by} back ${access.leftOut}, which leaves IAM administration out of reach`);
      return finding('PASS', `${kind} ${name} is granted * on *${via}, but ${by} it back${access.remains ? ` (only ${access.remains} remains)` : ''}`);
    }
    case 'none':
      if (perms.unreadable.length > 0) return finding('ERROR', `${kind} ${name}: ${perms.unreadable.join('; ')} could not be read, so administrator access cannot be ruled out`);
      if (access.leftOut) return finding('PASS', `${kind} ${name} is granted every action but ${access.leftOut}${via}, which leaves IAM administration out of reach`);
      return finding('PASS', grantedBy.length > 0 ? `${kind} ${name} is granted * on *${via}, but ${access.limits.join('; ')}` : `${kind} ${name} has no policy granting * on *`);
  }
}

function conditionsOf(access: AdminAccess): string {
  return access.limits.length > 0 ? `subject to: ${access.limits.join('; ')}` : 'subject to conditions';
}
