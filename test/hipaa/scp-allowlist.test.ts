import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { CONTROL_PLANE } from '../../src/hipaa/control-plane.js';
import { BUILT_IN_ELIGIBLE_SERVICES as LIST, indexEligibleServices, type EligibleServicesList } from '../../src/hipaa/eligible-services.js';
import { buildHipaaScp, SCP_MAX_CHARS, SCP_MAX_PER_TARGET, scpSize, type HipaaScp } from '../../src/hipaa/scp-allowlist.js';
import { statementsOf } from '../../src/policy/document.js';
import { policyDocumentSchema, type PolicyDocument } from '../../src/snapshot/schema.js';
import { allowedOnPath, FULL_AWS_ACCESS } from './support/scp-evaluator.js';

const index = indexEligibleServices(LIST);
const EXPECTED = [...new Set([...index.servicePrefixes, ...index.controlPlanePrefixes])].sort();
/** One real action per prefix, to ask the evaluator about. */
const probe = (prefix: string) => `${prefix}:SomeAction`;
// robomaker: on the 2022 list, no longer on the list dated 2026-05-22.
const NOT_ELIGIBLE = ['lightsail:CreateInstances', 'gamelift:CreateFleet', 'robomaker:CreateSimulationJob', 'qdeveloper:StartAgentSession', 'supportapp:CreateSlackChannelConfiguration'];

const actionsOf = (document: PolicyDocument) => statementsOf(document).flatMap((s) => [s.Action ?? [], s.NotAction ?? []].flat());
const coveredPrefixes = (scp: HipaaScp) => scp.documents.flatMap(actionsOf).map((a) => a.replace(/:\*$/, '')).sort();

function expectWellFormed(scp: HipaaScp, limit: number): void {
  for (const [i, document] of scp.documents.entries()) {
    const text = JSON.stringify(document);
    expect(policyDocumentSchema.safeParse(JSON.parse(text)).success).toBe(true);
    expect(scp.sizes[i]).toBe(text.length);
    expect(text.length).toBeLessThanOrEqual(limit);
    expect(text).not.toMatch(/\s/);
  }
  expect(scp.documents.length).toBeLessThanOrEqual(SCP_MAX_PER_TARGET);
}

describe('buildHipaaScp', () => {
  it('fits the built-in list into one Deny-with-NotAction SCP under 5,120 characters', () => {
    const scp = buildHipaaScp(LIST);
    expect(scp.form).toBe('deny-not-action');
    expect(scp.documents).toHaveLength(1);
    expectWellFormed(scp, SCP_MAX_CHARS);
    expect(statementsOf(scp.documents[0]!)).toEqual([expect.objectContaining({ Effect: 'Deny', Resource: '*' })]);
    expect(scp.asOf).toBe(LIST.asOf);
  });

  it('covers every eligible, partial and control-plane prefix, each once, as prefix:*', () => {
    const scp = buildHipaaScp(LIST);
    expect(coveredPrefixes(scp)).toEqual(EXPECTED);
    expect(scp.prefixes).toEqual(EXPECTED);
    for (const prefix of ['s3', 'elasticache', 'medical-imaging', 'iam', 'sts', 'billing', 'support-console', 'memorydb', 'bedrock-agentcore', 'arc-zonal-shift']) expect(scp.prefixes).toContain(prefix);
    for (const prefix of ['robomaker', 'sms', 'qdeveloper', 'lightsail']) expect(scp.prefixes).not.toContain(prefix);
    expect(scp.partial.map((p) => p.prefix)).toEqual(expect.arrayContaining(['elasticache', 'ds', 'sagemaker', 'rds']));
  });

  it('allows every listed service and denies others, beside FullAWSAccess', () => {
    const [deny] = buildHipaaScp(LIST).documents;
    const path = [[FULL_AWS_ACCESS], [FULL_AWS_ACCESS, deny!]];
    for (const prefix of EXPECTED) expect(allowedOnPath(path, probe(prefix)), prefix).toBe(true);
    for (const action of NOT_ELIGIBLE) expect(allowedOnPath(path, action), action).toBe(false);
  });

  it.each([900, 1000, 1500, 2400])('splits into allow-list parts under a %i-character limit that together allow exactly the list', (limit) => {
    const scp = buildHipaaScp(LIST, { form: 'allow-list', maxChars: limit });
    expect(scp.form).toBe('allow-list');
    expect(scp.documents.length).toBeGreaterThan(1);
    expectWellFormed(scp, limit);
    expect(coveredPrefixes(scp)).toEqual(EXPECTED);
    expect(scp.instructions.join(' ')).toMatch(/Detach FullAWSAccess/);

    // Root keeps FullAWSAccess; the OU holding PHI has only the parts.
    const path = [[FULL_AWS_ACCESS], scp.documents];
    for (const prefix of EXPECTED) expect(allowedOnPath(path, probe(prefix)), prefix).toBe(true);
    for (const action of NOT_ELIGIBLE) expect(allowedOnPath(path, action), action).toBe(false);
    // Beside FullAWSAccess at the same level, the parts would restrict nothing.
    expect(allowedOnPath([[FULL_AWS_ACCESS, ...scp.documents]], NOT_ELIGIBLE[0]!)).toBe(true);
  });

  it('switches to the allow-list form on its own when the Deny form would not fit', () => {
    const scp = buildHipaaScp(LIST, { maxChars: 1500 });
    expect(scp.form).toBe('allow-list');
    expect(coveredPrefixes(scp)).toEqual(EXPECTED);
  });

  it('never splits a Deny with NotAction: split, it would deny eligible services', () => {
    // Why: each part denies everything outside itself, so the parts together deny almost all.
    const [deny] = buildHipaaScp(LIST).documents;
    const notAction = statementsOf(deny!)[0]!.NotAction as string[];
    const half = Math.ceil(notAction.length / 2);
    const naive = [notAction.slice(0, half), notAction.slice(half)].map(
      (part): PolicyDocument => ({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', NotAction: part, Resource: '*' }] }),
    );
    const path = [[FULL_AWS_ACCESS, ...naive]];
    expect(EXPECTED.filter((prefix) => allowedOnPath(path, probe(prefix)))).toEqual([]);

    expect(() => buildHipaaScp(LIST, { form: 'deny-not-action', maxChars: 1500 })).toThrow(InputError);
    expect(() => buildHipaaScp(LIST, { form: 'deny-not-action', maxChars: 1500 })).toThrow(/cannot be split/);
  });

  it('refuses a list that needs more SCPs than one target can hold', () => {
    expect(() => buildHipaaScp(LIST, { form: 'allow-list', maxChars: 300 })).toThrow(/at most 5 to one target/);
  });

  it('refuses a limit too small for a single prefix', () => {
    expect(() => buildHipaaScp(LIST, { form: 'allow-list', maxChars: 50 })).toThrow(InputError);
  });

  it('builds from a user-supplied list with no control plane of its own, keeping hipaa-iam\'s', () => {
    const list: EligibleServicesList = { ...LIST, services: [{ name: 'Amazon S3', prefixes: ['s3'], eligibility: 'eligible' }], controlPlane: [] };
    const scp = buildHipaaScp(list);
    const notAction = [...CONTROL_PLANE.map((c) => c.prefix), 's3'].sort().map((p) => `${p}:*`);
    expect(scp.documents).toEqual([{ Version: '2012-10-17', Statement: [{ Sid: 'DenyAllButHipaaEligibleServices', Effect: 'Deny', NotAction: notAction, Resource: '*' }] }]);
    expect(scpSize(scp.documents[0]!)).toBe(JSON.stringify(scp.documents[0]).length);
  });
});
