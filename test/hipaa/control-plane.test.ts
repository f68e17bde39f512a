import { describe, expect, it } from 'vitest';
import { CONTROL_PLANE, NOT_CONTROL_PLANE } from '../../src/hipaa/control-plane.js';
import { BUILT_IN_ELIGIBLE_SERVICES, classifyServicePrefix, eligibleServicesListSchema, indexEligibleServices } from '../../src/hipaa/eligible-services.js';
import { isIamServicePrefix } from '../../src/hipaa/iam-service-prefixes.js';
import { buildHipaaBoundary } from '../../src/hipaa/permissions-boundary.js';
import { buildHipaaScp } from '../../src/hipaa/scp-allowlist.js';
import { serviceTitle, servicePrefixes } from '../../src/policy/action-catalog.js';
import { statementsOf } from '../../src/policy/document.js';

/** Support, billing and account families, by the catalogue's service names (and prefixes). */
const FAMILY = /support|billing|\bbill|cost|invoic|payment|\btax\b|budget|free tier|purchase order|price|pricing|savings|credits|trusted advisor|account|marketplace management|knowledgebase|subscriptions/i;

const decided = [...CONTROL_PLANE, ...NOT_CONTROL_PLANE];
const userList = eligibleServicesListSchema.parse({
  asOf: '2027-01-15',
  sources: [{ id: 'mine', title: 'Our compliance team' }],
  services: [{ name: 'Amazon S3', prefixes: ['s3'], eligibility: 'eligible', source: 'mine' }],
});

describe('the control plane (src/hipaa/control-plane.ts)', () => {
  it('decides every IAM prefix once, each a real prefix with a reason', () => {
    const prefixes = decided.map((d) => d.prefix);
    expect(new Set(prefixes).size).toBe(prefixes.length);
    for (const { prefix, reason } of decided) {
      expect(isIamServicePrefix(prefix), prefix).toBe(true);
      expect(reason.length, prefix).toBeGreaterThan(10);
    }
  });

  it('decides every support, billing and account prefix of the IAM catalogue', () => {
    const family = servicePrefixes().filter((prefix) => FAMILY.test(`${serviceTitle(prefix) ?? ''} ${prefix}`));
    const known = new Set(decided.map((d) => d.prefix));
    expect(family.filter((prefix) => !known.has(prefix))).toEqual([]);
    expect(family.length).toBeGreaterThanOrEqual(35);
  });

  it.each(['support', 'support-console', 'supportplans', 'trustedadvisor', 'billing', 'aws-portal', 'payments', 'invoicing', 'tax', 'purchase-orders', 'consolidatedbilling', 'freetier', 'account', 'budgets', 'ce', 'cur', 'bcm-data-exports', 'sustainability', 'iam', 'sts'])(
    '%s is the control plane under the built-in list and under a list of the user\'s without a controlPlane',
    (prefix) => {
      expect(classifyServicePrefix(BUILT_IN_ELIGIBLE_SERVICES, prefix).status).toBe('control-plane');
      expect(classifyServicePrefix(userList, prefix).status).toBe('control-plane');
    },
  );

  it.each(['supportapp', 'supportauthz', 'account-access', 'payment-cryptography'])('%s, considered and left out, is not eligible', (prefix) => {
    expect(classifyServicePrefix(BUILT_IN_ELIGIBLE_SERVICES, prefix).status).toBe('not-eligible');
  });

  it('names that are not IAM prefixes (supportrecommendations, billingconsole) are in neither table', () => {
    for (const prefix of ['supportrecommendations', 'billingconsole']) {
      expect(isIamServicePrefix(prefix)).toBe(false);
      expect(decided.map((d) => d.prefix)).not.toContain(prefix);
    }
  });

  it('gives way to a list that names one of its prefixes as a service, and takes a list\'s own additions', () => {
    const list = eligibleServicesListSchema.parse({
      ...userList,
      services: [...userList.services, { name: 'A support service', prefixes: ['support'], eligibility: 'eligible' }],
      controlPlane: [{ prefix: 'servicequotas', reason: 'quotas' }],
    });
    expect(classifyServicePrefix(list, 'support').status).toBe('eligible');
    expect(classifyServicePrefix(list, 'servicequotas')).toEqual({ status: 'control-plane', prefix: 'servicequotas', reason: 'quotas' });
    expect(indexEligibleServices(list).controlPlanePrefixes).not.toContain('support');
  });

  it('is what the generated SCP and boundary allow beside the eligible services, for any list', () => {
    for (const list of [BUILT_IN_ELIGIBLE_SERVICES, userList]) {
      const scp = buildHipaaScp(list).documents[0]!;
      const notAction = statementsOf(scp)[0]!.NotAction as string[];
      const boundaryAllow = statementsOf(buildHipaaBoundary(list))[0]!.Action as string[];
      for (const { prefix } of CONTROL_PLANE) {
        expect(notAction, prefix).toContain(`${prefix}:*`);
        // The boundary keeps IAM to reading and self-service, in statements of its own.
        if (prefix !== 'iam') expect(boundaryAllow, prefix).toContain(`${prefix}:*`);
      }
    }
  });
});
