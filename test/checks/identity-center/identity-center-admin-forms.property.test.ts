import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import check from '../../../src/checks/identity-center/identity-center-admin.js';
import type { IdentityCenterInstance, ManagedPolicy, PermissionSet, PolicyDocument, PolicyStatement } from '../../../src/snapshot/schema.js';
import { ACCOUNT, customerPolicy } from '../../support/snapshot.js';
import { at, instance, judge, permissionSet, withIdentityCenter } from './helpers.js';

/**
 * A permission set's administrator verdict (IAM-033) does not depend on how its grants are
 * written: the same statements as the inline policy, as an AWS managed policy, as a customer
 * managed policy resolved in the account, or split between inline and AWS managed, and `Allow *`
 * written as `Allow NotAction []`, give the same status. Seeded and reproducible, as
 * test/checks/equivalent-forms.property.test.ts: HIPAA_IAM_PROPERTY_SEED, HIPAA_IAM_PROPERTY_RUNS.
 */
const SEED = Number(process.env.HIPAA_IAM_PROPERTY_SEED ?? 20261130);
const RUNS = Number(process.env.HIPAA_IAM_PROPERTY_RUNS ?? 60);

const ACTIONS = ['*', 's3:*', 's3:GetObject', 'iam:*', 'iam:CreateUser', 'iam:AttachRolePolicy', 'organizations:*', 'account:*', 'ec2:*', 'gamelift:*'];
const RESOURCES = ['*', 'arn:aws:s3:::phi-bucket/*'];
const CONDITIONS: (PolicyStatement['Condition'] | null)[] = [null, null, null, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }];

const statementArb: fc.Arbitrary<PolicyStatement> = fc
  .record({
    effect: fc.constantFrom<'Allow' | 'Deny'>('Allow', 'Allow', 'Deny'),
    actions: fc.uniqueArray(fc.constantFrom(...ACTIONS), { minLength: 1, maxLength: 3 }),
    notAction: fc.boolean(),
    resource: fc.constantFrom(...RESOURCES),
    condition: fc.constantFrom(...CONDITIONS),
  })
  .map(({ effect, actions, notAction, resource, condition }) => ({
    Effect: effect,
    ...(notAction ? { NotAction: actions } : { Action: actions }),
    Resource: resource,
    ...(condition ? { Condition: condition } : {}),
  }));
const statementsArb = fc.array(statementArb, { minLength: 1, maxLength: 4 });

const document = (Statement: PolicyStatement[]): PolicyDocument => ({ Version: '2012-10-17', Statement });
const MANAGED_A = 'arn:aws:iam::aws:policy/GeneratedA';
const MANAGED_B = 'arn:aws:iam::aws:policy/GeneratedB';

/** The status of the set in ACCOUNT when its statements are held as `form` says. */
function statusOf(statements: PolicyStatement[], form: 'inline' | 'awsManaged' | 'customerManaged' | 'split' | 'notActionEmpty'): string {
  const documents: IdentityCenterInstance['awsManagedPolicyDocuments'] = {};
  let fields: Partial<PermissionSet> = {};
  const policies: ManagedPolicy[] = [];
  switch (form) {
    case 'inline':
      fields = { inlinePolicy: document(statements) };
      break;
    case 'notActionEmpty':
      // Allow * on an action list is every action: as an Allow NotAction of nothing.
      fields = { inlinePolicy: document(statements.map((s) => (s.Effect === 'Allow' && Array.isArray(s.Action) && s.Action.includes('*') ? (({ Action: _, ...rest }) => ({ ...rest, NotAction: [] }))(s) : s))) };
      break;
    case 'awsManaged':
      documents[MANAGED_A] = { status: 'ok', data: { versionId: 'v1', document: document(statements) } };
      fields = { awsManagedPolicies: [{ name: 'GeneratedA', arn: MANAGED_A }] };
      break;
    case 'customerManaged':
      policies.push(customerPolicy('generated', document(statements)));
      fields = { customerManagedPolicies: [{ name: 'generated', path: '/' }] };
      break;
    case 'split': {
      const half = Math.ceil(statements.length / 2);
      documents[MANAGED_B] = { status: 'ok', data: { versionId: 'v1', document: document(statements.slice(half)) } };
      fields = { inlinePolicy: document(statements.slice(0, half)), awsManagedPolicies: statements.length > half ? [{ name: 'GeneratedB', arn: MANAGED_B }] : [] };
      break;
    }
  }
  const ps = permissionSet('Generated', { accounts: [ACCOUNT], ...fields });
  const snapshot = withIdentityCenter([instance([ps], { awsManagedPolicyDocuments: documents })], (s) => {
    s.sources.authorizationDetails = { status: 'ok', data: { users: [], groups: [], roles: [], policies } };
  });
  const found = judge(check, snapshot).find((f) => f.resourceArn === at(ps, ACCOUNT));
  if (!found) throw new Error('no finding');
  return found.status;
}

describe('identity-center-admin (IAM-033): equivalent forms give the same verdict', () => {
  const settings = { seed: SEED, numRuns: RUNS };
  it.each(['awsManaged', 'customerManaged', 'split', 'notActionEmpty'] as const)('inline policy vs %s', (form) => {
    fc.assert(
      fc.property(statementsArb, (statements) => {
        expect(statusOf(statements, form)).toBe(statusOf(statements, 'inline'));
      }),
      settings,
    );
  });

  it('is not trivially constant: both verdicts occur over the generated sets', () => {
    const seen = new Set(fc.sample(statementsArb, { seed: SEED, numRuns: RUNS }).map((s) => statusOf(s, 'inline')));
    expect([...seen].filter((s) => s === 'PASS' || s === 'FAIL').sort()).toEqual(['FAIL', 'PASS']);
  });
});
