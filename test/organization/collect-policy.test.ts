import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACTIONS_WITHOUT_PERMISSION, ORGANIZATION_ACTIONS, ORGANIZATION_PART_OF_OPERATION, operationsOf } from '../../src/collect/source-actions.js';
import { DEFAULT_ROLE_NAME } from '../../src/organization/collect-live.js';
import { asList, decodePolicyDocument, statementsOf } from '../../src/policy/document.js';

// The organization run's permissions: policies/hipaa-iam-organization-auditor.json, attached in
// the management account (or a delegated administrator) beside hipaa-iam-auditor.json, grants
// what the organization's facts and the member roles need and the auditor policy does not. The
// member accounts' auditor role keeps hipaa-iam-auditor.json alone: it never lists the
// organization or assumes a role elsewhere. test/live/moto-organization-collect.test.ts shows on
// moto that each of these actions is needed, and that the two policies suffice.

const read = (file: string) => decodePolicyDocument(readFileSync(new URL(`../../policies/${file}`, import.meta.url), 'utf8'));
const allowed = (file: string) => statementsOf(read(file)).filter((s) => s.Effect === 'Allow');
const actionsOf = (file: string) => new Set(allowed(file).flatMap((s) => asList(s.Action)));

describe('policies/hipaa-iam-organization-auditor.json', () => {
  const organization = actionsOf('hipaa-iam-organization-auditor.json');
  const auditor = actionsOf('hipaa-iam-auditor.json');
  const called = new Set<string>(Object.values(ORGANIZATION_ACTIONS).flat());

  it('with the auditor policy, allows every action the organization collection calls', () => {
    const missing = [...called].filter((action) => !ACTIONS_WITHOUT_PERMISSION.has(action) && !organization.has(action) && !auditor.has(action));
    expect(missing).toEqual([]);
  });

  it('allows nothing the collection does not call, and nothing the auditor policy already grants', () => {
    expect([...organization].filter((action) => !called.has(action))).toEqual([]);
    expect([...organization].filter((action) => auditor.has(action))).toEqual([]);
  });

  it('reads only, and assumes only the auditor role', () => {
    const writes = [...organization].filter((action) => !/^[a-z-]+:(Get|List|Describe)[A-Z]/.test(action));
    expect(writes).toEqual(['sts:AssumeRole']);
    const assume = allowed('hipaa-iam-organization-auditor.json').filter((s) => asList(s.Action).includes('sts:AssumeRole'));
    expect(assume.map((s) => [asList(s.Action), asList(s.Resource)])).toEqual([[['sts:AssumeRole'], [`arn:aws:iam::*:role/${DEFAULT_ROLE_NAME}`]]]);
    expect([...organization].some((action) => action.includes('*'))).toBe(false);
  });

  it('the member accounts’ auditor policy stays without organization-wide actions', () => {
    for (const action of ['organizations:ListAccounts', 'organizations:ListTargetsForPolicy', 'iam:ListOrganizationsFeatures', 'sts:AssumeRole']) expect(auditor.has(action), action).toBe(false);
  });

  it('every operation is counted under one part of the facts', () => {
    const operations = [...called].flatMap((action) => operationsOf(action));
    expect(new Set(operations).size).toBe(operations.length);
    for (const operation of operations) expect(ORGANIZATION_PART_OF_OPERATION[operation], operation).toBeDefined();
  });
});
