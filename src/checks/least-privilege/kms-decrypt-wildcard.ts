import { describeClause, type ConditionClause } from '../../policy/conditions.js';
import { policyReach, type ResourceRange } from '../../policy/policy-reach.js';
import { statementLabel } from '../../policy/statement.js';
import { globMatches, isAllStar } from '../../policy/wildcard.js';
import { defineCheck, type FindingDraft } from '../check.js';
import { judgeCustomerPolicies } from './customer-policies.js';
import { passing } from '../pass-evidence.js';

const DECRYPT_ACTIONS = ['kms:Decrypt', 'kms:ReEncryptFrom'];

/**
 * Condition keys that confine a decrypt on "all keys" to particular keys or to one service's
 * use of them (AWS's own guidance for least-privilege key use).
 */
const NARROWING_KEYS = [/^kms:viaservice$/, /^kms:encryptioncontext:/, /^kms:encryptioncontextkeys$/, /^aws:resourcetag\//, /^kms:resourcealiases$/, /^kms:keyorigin$/, /^kms:keyspec$/, /^kms:grantisforawsresource$/];

/**
 * No customer-managed or inline policy allows kms:Decrypt or kms:ReEncryptFrom on all keys,
 * one finding per policy.
 *
 * "All keys" is Resource `*`, or a key ARN whose key id is a wildcard (`arn:aws:kms:*:*:key/*`,
 * every key of one region or account alike), or a NotResource that leaves keys in. Such a grant
 * FAILs unless a condition confines it: kms:ViaService, an encryption-context key,
 * aws:ResourceTag, kms:ResourceAliases and the like, with a positive operator (StringEquals,
 * StringLike, ForAnyValue …), without IfExists (an absent key would let direct calls through)
 * and without a value that is only `*`. Then it PASSes, with the confining condition as
 * evidence. Other conditions (source IP, MFA …) do not limit which keys, so they FAIL, reported.
 * A condition that can never hold (a date already past), or a Deny in the same policy on the
 * same actions and all keys, clears it.
 */
export default defineCheck({
  meta: {
    controlId: 'kms-decrypt-wildcard',
    riskId: 'IAM-019',
    title: 'No policy of ours allows decryption with every KMS key',
    group: 'least-privilege',
    severity: 'medium',
    hipaa: ['164.312(a)(2)(iv)'],
    description: 'No customer-managed or inline policy allows kms:Decrypt or kms:ReEncryptFrom on all KMS keys.',
    remediation:
      'Name the keys in Resource (arn:aws:kms:REGION:ACCOUNT:key/KEY-ID), or confine the grant with kms:ViaService or an encryption-context condition; grant key use in key policies where possible.',
    documentation: 'https://docs.aws.amazon.com/kms/latest/developerguide/iam-policies-best-practices.html',
    sources: ['authorizationDetails'],
  },
  run({ snapshot, now, model }) {
    return judgeCustomerPolicies(snapshot, now, (policy, base, context): FindingDraft => {
      const reach = policyReach(policy.compiled, context, EVERY_KMS_KEY, DECRYPT_ACTIONS);
      // A Deny in the same policy that takes the action from every key clears it.
      const remaining = DECRYPT_ACTIONS.filter((a) => !reach.takesFromEveryResource(a));
      const wildcard: Record<string, unknown>[] = [];
      const confined: Record<string, unknown>[] = [];
      for (const { statement: s, reach: keys, conditions } of reach.allows) {
        const actions = remaining.filter((a) => s.coversAction(a));
        if (actions.length === 0 || (keys !== 'everywhere' && keys !== 'allButNamed')) continue;
        const narrowing = conditions.filter(confinesKeys);
        const entry = {
          statement: statementLabel(policy.label, s),
          actions,
          resources: s.resource?.negated ? [`every resource except ${s.resource.patterns.join(', ')}`] : (s.resource?.patterns ?? []),
          conditions: conditions.map(describeClause),
        };
        if (narrowing.length > 0) confined.push({ ...entry, confinedBy: narrowing.map(describeClause) });
        else wildcard.push(entry);
      }
      const evidence = { decryptOnAllKeys: wildcard, confinedByCondition: confined };
      if (wildcard.length > 0) {
        const what = wildcard.map((w) => `${(w.actions as string[]).join(' and ')} on ${(w.resources as string[]).join(', ')}${(w.conditions as string[]).length > 0 ? ` (conditions ${(w.conditions as string[]).join(', ')} do not limit the keys)` : ''}`);
        return { ...base, status: 'FAIL', message: `${policy.label} allows ${what.join('; ')}`, evidence };
      }
      if (confined.length > 0) {
        return passing({ ...base, status: 'PASS', message: `${policy.label} allows decryption on all keys only under ${confined.flatMap((c) => c.confinedBy as string[]).join('; ')}`, evidence });
      }
      return passing({ ...base, status: 'PASS', message: `${policy.label} does not allow kms:Decrypt or kms:ReEncryptFrom on all keys`, evidence });
    }, model);
  },
});

/**
 * Every KMS key of at least one region or account: a statement reaches it 'everywhere' through a
 * Resource `*` or key-wildcard ARN, 'allButNamed' through a NotResource that leaves keys in.
 */
export const EVERY_KMS_KEY: ResourceRange = { name: 'every KMS key', coveredBy: (pattern) => isKeyWildcard(pattern) };

/** `*`, or a KMS key ARN pattern whose key id is a wildcard. */
export function isKeyWildcard(pattern: string): boolean {
  if (isAllStar(pattern)) return true;
  const parts = pattern.split(':');
  const literal = (i: number, fallback: string) => {
    const p = parts[i];
    return p !== undefined && !p.includes('*') && !p.includes('?') ? p : fallback;
  };
  const keyArn = (id: string) => `arn:${literal(1, 'aws')}:kms:${literal(3, 'us-east-1')}:${literal(4, '111122223333')}:key/${id}`;
  return globMatches(pattern, keyArn('1234abcd-12ab-34cd-56ef-1234567890ab')) && globMatches(pattern, keyArn('mrk-0f9e8d7c6b5a49388271605f4e3d2c1b'));
}

function confinesKeys(clause: ConditionClause): boolean {
  if (!NARROWING_KEYS.some((k) => k.test(clause.keyLower))) return false;
  if (clause.negated || clause.ifExists || clause.base === 'Null') return false;
  if (clause.set === 'ForAllValues') return false; // an empty set of keys satisfies it
  return clause.values.length > 0 && !clause.values.every((v) => isAllStar(v));
}
