import { isKnownService } from '../../policy/action-catalog.js';
import { describeClause } from '../../policy/conditions.js';
import { policyReach } from '../../policy/policy-reach.js';
import { statementLabel } from '../../policy/statement.js';
import { defineCheck, type FindingDraft } from '../check.js';
import { judgeCustomerPolicies } from './customer-policies.js';
import { passing } from '../pass-evidence.js';

/**
 * No customer-managed or inline policy allows every action of a service (`s3:*`, `ec2:*` …),
 * one finding per policy.
 *
 * A statement allows `service:*` when its Action list covers every action the action catalogue
 * lists for the service (`s3:*` itself, or `*`), or when it is an Allow with NotAction (every
 * action of every service but the listed ones). It fails whatever its Resource: `s3:*` on one
 * bucket still lets a principal delete the bucket or rewrite its policy. Conditions are
 * reported, not trusted to narrow it; a condition that can never hold (a date already past) and a
 * Deny in the same policy taking back the whole service both clear it. AWS-managed policies are
 * left out (the customer cannot change them; admin-access and privilege-escalation judge their
 * effect).
 */
export default defineCheck({
  meta: {
    controlId: 'service-wildcard',
    riskId: 'IAM-015',
    title: 'No policy of ours allows service:*',
    group: 'least-privilege',
    severity: 'medium',
    hipaa: ['164.308(a)(4)(ii)(B)', '164.308(a)(3)(ii)(B)'],
    description: 'No customer-managed or inline policy allows every action of a service (service:*, *, or an Allow with NotAction).',
    remediation: 'Replace each service:* (and NotAction Allow) with the actions the workload uses; IAM Access Analyzer policy generation or last-accessed data shows which.',
    documentation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html',
    sources: ['authorizationDetails'],
  },
  run({ snapshot, now, model }) {
    return judgeCustomerPolicies(snapshot, now, (policy, base, context): FindingDraft => {
      const reach = policyReach(policy.compiled, context);
      // Deny statements of the same policy that take back a whole service everywhere, always.
      const denied = reach.deniedEverywhere();
      const wildcards: { statement: string; grants: string; services: string[]; resources: string[]; conditions: string[] }[] = [];
      const cancelled: string[] = [];
      // Every Allow counts, whatever its Resource: s3:* on one bucket is still s3:*.
      for (const { statement: s, conditions } of reach.allows) {
        if (!s.action || !s.resource) continue;
        const set = s.actionSet();
        const covered = set.servicesCovered();
        if (covered.length === 0) continue;
        const kept = covered.filter((service) => !denied.coversService(service));
        const label = statementLabel(policy.label, s);
        if (kept.length === 0) {
          cancelled.push(`${label}: ${covered.map((c) => `${c}:*`).join(', ')} taken back by a Deny in the same policy`);
          continue;
        }
        const grants = s.action.negated
          ? `every action of ${kept.length} services (NotAction ${s.action.patterns.join(', ')})`
          : set.coversAll()
            ? `every action of every service (${s.action.patterns.filter((p) => p.includes('*')).join(', ')})`
            : kept.map((service) => `${service}:*${isKnownService(service) ? '' : ' (a service the action catalogue does not list)'}`).join(', ');
        wildcards.push({
          statement: label,
          grants,
          services: kept.length > 20 ? [...kept.slice(0, 20), `… ${kept.length - 20} more`] : kept,
          resources: s.resource.negated ? [`every resource except ${s.resource.patterns.join(', ')}`] : s.resource.patterns,
          conditions: conditions.map(describeClause),
        });
      }
      const evidence = { serviceWildcards: wildcards, cancelledByDeny: cancelled, attachmentCount: policy.attachmentCount, permissionsBoundaryUsageCount: policy.permissionsBoundaryUsageCount };
      if (wildcards.length === 0) return passing({ ...base, status: 'PASS', message: `${policy.label} allows no service:*${cancelled.length > 0 ? ' (a Deny in it takes back the ones it grants)' : ''}`, evidence });
      const summary = wildcards.map((w) => `${w.grants}${w.conditions.length > 0 ? ` when ${w.conditions.join(' and ')}` : ''}`).join('; ');
      return { ...base, status: 'FAIL', message: `${policy.label} allows ${summary}`, evidence };
    }, model);
  },
});
