import { indexEligibleServices, eligibleServicesEvidence } from '../../hipaa/eligible-services.js';
import { adminAccess, isAdministrator, reachableServices, type PrincipalPermissions } from '../../policy/effective-permissions.js';
import { isServiceLinkedRole } from '../../snapshot/principals.js';
import { accountFinding, defineCheck, sourceData, type FindingDraft } from '../check.js';

/**
 * Identity policies let each user and role reach only HIPAA-eligible services (and the control
 * plane of src/hipaa/control-plane.ts: identity, support, billing, which hold no ePHI, so the
 * AWSSupportAccess role IAM-030 asks for passes). Services eligible only in part are MANUAL: a
 * person must confirm the caveat holds (e.g. ElastiCache used with Redis, not Memcached). The
 * message and evidence name the list's date.
 */
export default defineCheck({
  meta: {
    controlId: 'non-eligible-services',
    riskId: 'IAM-021',
    title: 'Principals reach only HIPAA-eligible services',
    group: 'least-privilege',
    severity: 'medium',
    hipaa: ['164.308(b)(1)', '164.314(a)'],
    description: 'No user or role is allowed any action of a service outside AWS\'s HIPAA Eligible Services Reference; services eligible only in part are listed with their caveat.',
    remediation: 'Remove the grants of non-eligible services from the listed principals (or cap them with a permissions boundary or an SCP of eligible services: hipaa-iam scp).',
    documentation: 'https://aws.amazon.com/compliance/hipaa-eligible-services-reference/',
    sources: ['authorizationDetails'],
    usesEligibleServices: true,
  },
  run({ snapshot, settings, model }) {
    const details = sourceData(snapshot, 'authorizationDetails');
    const index = indexEligibleServices(settings.eligibleServices);
    const listEvidence = eligibleServicesEvidence(settings.eligibleServices);
    // Every verdict that depends on the list says which list: it goes stale as AWS adds services.
    const listDate = ` (eligible-services list as of ${settings.eligibleServices.asOf})`;
    const judge = (perms: PrincipalPermissions, resourceType: string, kind: string): FindingDraft => {
      const { name, arn } = perms.principal;
      const base = { resourceType, resourceArn: arn, resourceName: name };
      if (isAdministrator(adminAccess(perms))) {
        return { ...base, status: 'FAIL', message: `${kind} ${name} can reach every service, eligible or not (administrator)`, evidence: { ...listEvidence, reachableServices: ['*'] } };
      }
      const reach = reachableServices(perms);
      const notEligible: string[] = [];
      const partial: string[] = [];
      for (const { service, access } of reach) {
        const verdict = index.classify(service);
        const label = access === 'conditional' ? `${service} (under a condition)` : service;
        if (verdict.status === 'not-eligible') notEligible.push(label);
        else if (verdict.status === 'partial') partial.push(`${label}: ${verdict.caveats.join(' / ')}`);
      }
      const evidence = { ...listEvidence, reachableServices: reach.map((r) => r.service), notEligible, partiallyEligible: partial, unreadablePolicies: perms.unreadable };
      if (notEligible.length > 0) return { ...base, status: 'FAIL', message: `${kind} ${name} can reach services that are not HIPAA-eligible: ${notEligible.join(', ')}${listDate}`, evidence };
      if (perms.unreadable.length > 0) return { ...base, status: 'ERROR', message: `${kind} ${name}: ${perms.unreadable.join(', ')} could not be read`, evidence };
      if (partial.length > 0) return { ...base, status: 'MANUAL', message: `${kind} ${name} reaches services eligible only in part; confirm: ${partial.join('; ')}${listDate}`, evidence };
      return { ...base, status: 'PASS', message: `${kind} ${name} reaches only eligible and control-plane services${reach.length ? ` (${reach.map((r) => r.service).join(', ')})` : ''}${listDate}`, evidence };
    };
    const findings = [
      ...details.users.map((user) => judge(model.userPermissions(user), 'AWS::IAM::User', 'user')),
      ...details.roles.filter((role) => !isServiceLinkedRole(role)).map((role) => judge(model.rolePermissions(role), 'AWS::IAM::Role', 'role')),
    ];
    return findings.length > 0 ? findings : [accountFinding(snapshot.accountId, 'NOT_APPLICABLE', 'the account has no users or customer roles')];
  },
});
