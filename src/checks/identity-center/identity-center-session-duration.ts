import { accountsInScope, DEFAULT_SESSION_DURATION, durationHours } from '../../identity-center/view.js';
import { type FindingDraft } from '../check.js';
import { passing } from '../pass-evidence.js';
import { holdersOf, identityCenterRun, nothingReaches, partError, PERMISSION_SET_TYPE, storeOf, noPassWithoutStore, defineIdentityCenterCheck } from './common.js';

/**
 * Every permission set's session lasts at most the limit (settings.maxPermissionSetSessionHours,
 * default 4 hours): the session a person gets in an account through the set
 * (DescribePermissionSet SessionDuration, ISO 8601; AWS's default PT1H when it names none).
 * One finding per permission set in scope: in a single-account run every set of the instance,
 * in an organization run the sets that reach this member. A duration that does not parse is ERROR.
 */
export default defineIdentityCenterCheck({
  meta: {
    controlId: 'identity-center-session-duration',
    riskId: 'IAM-034',
    title: 'IAM Identity Center permission set sessions are short',
    group: 'identity-center',
    severity: 'low',
    hipaa: ['164.312(a)(2)(iii)'],
    description: "Every permission set's session duration is at most the limit (default 4 hours), so an unattended session ends.",
    remediation: 'In IAM Identity Center → Permission sets → the set → Edit, set the session duration to the limit or less (aws sso-admin update-permission-set --session-duration PT4H), then re-provision it to its accounts.',
    documentation: 'https://docs.aws.amazon.com/singlesignon/latest/userguide/howtosessionduration.html',
    sources: ['identityCenter'],
    optionalSources: ['authorizationDetails'],
  },
  run(context) {
    const ic = identityCenterRun(context);
    if (Array.isArray(ic)) return ic;
    const limit = context.settings.maxPermissionSetSessionHours;
    const findings: FindingDraft[] = [];
    for (const instance of ic.instances) {
      if (instance.permissionSets.status !== 'ok') {
        findings.push(partError(instance, 'permissionSets', 'no permission set session duration can be judged'));
        continue;
      }
      const store = storeOf(instance);
      for (const permissionSet of instance.permissionSets.data) {
        const accounts = accountsInScope(permissionSet, ic.scope);
        if (ic.scope.kind === 'account' && accounts.length === 0) continue;
        const holders = accounts.map((accountId) => holdersOf(instance, permissionSet, accountId, store));
        const people = [...new Set(holders.flatMap((h) => h.people))].sort();
        const groups = [...new Set(holders.flatMap((h) => h.groups))].sort();
        const duration = permissionSet.sessionDuration ?? DEFAULT_SESSION_DURATION;
        const hours = durationHours(duration);
        const where = accounts.length > 0 ? `in account${accounts.length > 1 ? 's' : ''} ${accounts.join(', ')}` : 'provisioned to no account';
        const evidence = {
          instanceArn: instance.instanceArn,
          permissionSetArn: permissionSet.arn,
          permissionSetName: permissionSet.name,
          accountIds: accounts,
          people,
          groups,
          sessionDuration: permissionSet.sessionDuration,
          ...(permissionSet.sessionDuration === null ? { defaultApplied: DEFAULT_SESSION_DURATION } : {}),
          sessionHours: hours,
          limitHours: limit,
        };
        const base = { resourceType: PERMISSION_SET_TYPE, resourceArn: permissionSet.arn, resourceName: permissionSet.name, evidence };
        const given = permissionSet.sessionDuration === null ? `${DEFAULT_SESSION_DURATION}, AWS's default when none is set` : duration;
        if (hours === null) {
          findings.push({ ...base, status: 'ERROR', message: `permission set ${permissionSet.name} (${where}): session duration ${JSON.stringify(duration)} is not an ISO 8601 duration hipaa-iam can read, so its length cannot be judged` });
        } else if (hours > limit) {
          findings.push({ ...base, status: 'FAIL', message: `permission set ${permissionSet.name} (${where}): sessions may last ${hours} h (${given}; limit ${limit} h)` });
        } else {
          findings.push(passing({ ...base, status: 'PASS', message: `permission set ${permissionSet.name} (${where}): sessions last at most ${hours} h (${given}; limit ${limit} h)` }, ['people', 'groups', 'accountIds']));
        }
      }
    }
    return findings.length > 0 ? noPassWithoutStore(ic, findings) : [nothingReaches(context, ic)];
  },
});
