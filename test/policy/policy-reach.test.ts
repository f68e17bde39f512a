import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVERY_KMS_KEY } from '../../src/checks/least-privilege/kms-decrypt-wildcard.js';
import { decide, policyContext, policyPermissions } from '../../src/policy/effective-permissions.js';
import { policyReach, type Reach } from '../../src/policy/policy-reach.js';
import { compilePolicy } from '../../src/policy/statement.js';
import type { PolicyDocument, PolicyStatement } from '../../src/snapshot/schema.js';
import { ACCOUNT, NOW } from '../support/snapshot.js';

/**
 * The policy-level question (src/policy/policy-reach.ts): what one policy, judged on its own,
 * allows on every resource (without condition, or under conditions) and what it denies everywhere.
 */

const doc = (...Statement: PolicyStatement[]): PolicyDocument => ({ Version: '2012-10-17', Statement });
const reachOf = (document: PolicyDocument, range = undefined as Parameters<typeof policyReach>[2]) => policyReach(compilePolicy(document), policyContext(NOW), range);
const MFA = { Bool: { 'aws:MultiFactorAuthPresent': 'true' } };
const PAST = { DateLessThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } };
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

describe('policyReach: how far each statement reaches', () => {
  it.each<[string, Reach, Reach, Partial<PolicyStatement>]>([
    ['Resource *', 'everywhere', 'everywhere', { Resource: '*' }],
    ['Resource arn:*', 'everywhere', 'everywhere', { Resource: 'arn:*' }],
    ['a list holding *', 'everywhere', 'everywhere', { Resource: ['arn:aws:s3:::phi/*', '*'] }],
    ['one bucket', 'named', 'named', { Resource: 'arn:aws:s3:::phi/*' }],
    ['every key of an account', 'named', 'everywhere', { Resource: `arn:aws:kms:us-east-1:${ACCOUNT}:key/*` }],
    ['one key', 'named', 'named', { Resource: KEY }],
    ['NotResource one bucket', 'allButNamed', 'allButNamed', { NotResource: 'arn:aws:s3:::phi/*' }],
    ['NotResource every key', 'allButNamed', 'nowhere', { NotResource: 'arn:aws:kms:*:*:key/*' }],
    ['NotResource *', 'nowhere', 'nowhere', { NotResource: '*' }],
  ])('%s: %s over every resource, %s over every KMS key', (_label, overAll, overKeys, resource) => {
    const document = doc({ Effect: 'Allow', Action: 'kms:Decrypt', ...resource } as PolicyStatement);
    expect(reachOf(document).allows.map((a) => a.reach)).toEqual([overAll]);
    expect(reachOf(document, EVERY_KMS_KEY).allows.map((a) => a.reach)).toEqual([overKeys]);
  });

  it('leaves out statements whose conditions cannot hold, and keeps the ones it cannot settle with them', () => {
    const reach = reachOf(doc({ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: PAST }, { Effect: 'Allow', Action: 'ec2:*', Resource: '*', Condition: MFA }, { Effect: 'Deny', Action: 'iam:*', Resource: '*', Condition: PAST }));
    expect(reach.allows.map((a) => [a.statement.index, a.conditions.map((c) => c.key)])).toEqual([[1, ['aws:MultiFactorAuthPresent']]]);
    expect(reach.denies).toEqual([]);
  });
});

describe('policyReach: the answers', () => {
  it('allowed everywhere without condition, and under conditions', () => {
    const reach = reachOf(doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Effect: 'Allow', Action: 'ec2:*', Resource: '*', Condition: MFA }, { Effect: 'Allow', Action: 'iam:*', Resource: 'arn:aws:iam::*:role/*' }));
    expect(reach.allowedEverywhere().servicesCovered()).toEqual(['s3']);
    expect(reach.allowedEverywhere({ underConditions: true }).servicesCovered().sort()).toEqual(['ec2', 's3']);
  });

  it('denied everywhere only by an unconditional Deny whose Resource takes in every resource', () => {
    const reach = reachOf(doc({ Effect: 'Deny', Action: 's3:*', Resource: '*' }, { Effect: 'Deny', Action: 'ec2:*', Resource: '*', Condition: MFA }, { Effect: 'Deny', Action: 'iam:*', NotResource: 'arn:aws:iam::*:role/x' }));
    expect(reach.deniedEverywhere().servicesCovered()).toEqual(['s3']);
  });

  it('a Deny with NotResource takes the action from every resource (it confines it), a conditional Deny does not', () => {
    const reach = reachOf(doc({ Effect: 'Deny', Action: 'kms:Decrypt', NotResource: KEY }, { Effect: 'Deny', Action: 'kms:ReEncryptFrom', Resource: '*', Condition: MFA }), EVERY_KMS_KEY);
    expect(reach.takesFromEveryResource('kms:Decrypt')).toBe(true);
    expect(reach.takesFromEveryResource('KMS:DECRYPT')).toBe(true);
    expect(reach.takesFromEveryResource('kms:ReEncryptFrom')).toBe(false);
    expect(reach.deniedEverywhere().has('kms:Decrypt')).toBe(false);
  });
});

describe('policyReach agrees with the engine on every resource (fast-check, seeded)', () => {
  const ACTIONS = ['*', 's3:*', 's3:GetObject', 'iam:*', 'iam:PassRole', 'kms:Decrypt', 'ec2:*', 'ec2:RunInstances'];
  const statement = fc.record({
    Effect: fc.constantFrom<'Allow' | 'Deny'>('Allow', 'Allow', 'Deny'),
    actions: fc.uniqueArray(fc.constantFrom(...ACTIONS), { minLength: 1, maxLength: 3 }),
    notAction: fc.boolean(),
    resource: fc.constantFrom<Partial<PolicyStatement>>({ Resource: '*' }, { Resource: 'arn:aws:s3:::phi/*' }, { NotResource: 'arn:aws:s3:::phi/*' }, { Resource: ['arn:aws:ec2:*:*:instance/*', '*'] }),
    condition: fc.constantFrom(null, null, MFA, PAST),
  });
  const PROBES = ['s3:GetObject', 's3:PutObject', 'iam:PassRole', 'iam:CreateUser', 'kms:Decrypt', 'ec2:RunInstances', 'lambda:InvokeFunction'];

  it('an action allowed everywhere without condition and not denied (nor confined, nor conditionally denied) is allowed on every resource; one allowed nowhere everywhere is not', () => {
    const fired = new Set<string>();
    fc.assert(
      fc.property(fc.array(statement, { minLength: 1, maxLength: 4 }), (statements) => {
        const document = doc(...statements.map((s) => ({ Effect: s.Effect, [s.notAction ? 'NotAction' : 'Action']: s.actions, ...s.resource, ...(s.condition ? { Condition: s.condition } : {}) }) as PolicyStatement));
        const reach = reachOf(document);
        const perms = policyPermissions({ name: 'p', arn: `arn:aws:iam::${ACCOUNT}:policy/p`, document }, NOW);
        for (const action of PROBES) {
          const verdict = decide(perms, { action }).verdict;
          const anyDeny = reach.denies.some((d) => d.statement.coversAction(action));
          if (reach.allowedEverywhere().has(action) && !anyDeny) {
            fired.add('allowed');
            expect(verdict, action).toBe('allowed');
          }
          if (reach.deniedEverywhere().has(action)) {
            fired.add('explicitDeny');
            expect(verdict, action).toBe('explicitDeny');
          }
          if (!reach.allowedEverywhere({ underConditions: true }).has(action)) {
            fired.add('not allowed');
            expect(verdict, action).not.toBe('allowed');
          }
        }
      }),
      { seed: Number(process.env.HIPAA_IAM_PROPERTY_SEED ?? 20261129), numRuns: Number(process.env.HIPAA_IAM_PROPERTY_RUNS ?? 40) * 5 },
    );
    // Each implication was put to the test.
    expect([...fired].sort()).toEqual(['allowed', 'explicitDeny', 'not allowed']);
  });
});
