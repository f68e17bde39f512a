import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseRegion } from '../../src/cli/options.js';
import { identityCenterCost } from '../../src/report/run-info.js';
import { selectSource } from '../../src/run.js';
import type { PermissionSet } from '../../src/snapshot/schema.js';
import { hipaaIam } from '../support/cli.js';
import { snapshotWith } from '../support/snapshot.js';

const set = (name: string, accounts: string[]): PermissionSet => ({
  arn: `arn:aws:sso:::permissionSet/ssoins-1/ps-${name}`,
  name,
  description: null,
  sessionDuration: 'PT1H',
  createdDate: null,
  awsManagedPolicies: [],
  customerManagedPolicies: [],
  inlinePolicy: null,
  permissionsBoundary: null,
  accounts,
  assignments: [],
});
const instance = (sets: PermissionSet[] | null) => ({
  instanceArn: 'arn:aws:sso:::instance/ssoins-1',
  identityStoreId: 'd-1',
  name: null,
  ownerAccountId: null,
  status: 'ACTIVE',
  createdDate: null,
  permissionSets: sets ? { status: 'ok' as const, data: sets } : { status: 'error' as const, error: { code: 'AccessDeniedException', message: 'no' } },
  identityStore: { status: 'ok' as const, data: { users: [], groups: [{ id: 'g-1', displayName: 'one', description: null }], memberships: [] } },
  awsManagedPolicyDocuments: {},
});
const CALLS = { calls: 23, attempts: 24, operations: { ListInstances: 1 } };

describe('--identity-center-region', () => {
  it('takes one region name', () => {
    expect(parseRegion('eu-west-1')).toBe('eu-west-1');
    expect(parseRegion(' us-gov-west-1 ')).toBe('us-gov-west-1');
    expect(() => parseRegion('eu-west-1,us-east-1')).toThrow(InvalidArgumentError);
    expect(() => parseRegion('Ireland')).toThrow(/not a region name: Ireland/);
  });

  it('reaches the live options (and so collectLive and an organization run\'s LiveSourceOptions); absent, nothing is set', () => {
    expect(selectSource({ identityCenterRegion: 'eu-west-1' })).toMatchObject({ kind: 'live', live: { identityCenterRegion: 'eu-west-1' } });
    const live = selectSource({});
    expect(live.kind === 'live' && 'identityCenterRegion' in live.live).toBe(false);
  });

  it.each([
    [['audit', '--identity-center-region', 'Ireland'], /--identity-center-region <region>.*not a region name: Ireland/],
    [['audit', '--demo', '--identity-center-region', 'eu-west-1'], /--identity-center-region.*cannot be used with.*--demo/],
    [['audit', '--snapshot', 'x.json', '--identity-center-region', 'eu-west-1'], /--identity-center-region.*cannot be used with.*--snapshot/],
    [['audit', '--import', 'exports', '--identity-center-region', 'eu-west-1'], /cannot be used with/],
  ])('%j is a usage error: one line, exit 2', (args, message) => {
    const result = hipaaIam([...args, '--out', '/nonexistent-hipaa-iam-out']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('run.json identityCenter: what reading IAM Identity Center cost', () => {
  it('counts instances, permission sets, (set, account) pairs, groups and calls, and says what grows them', () => {
    const snapshot = snapshotWith((s) => {
      s.collection.calls.identityCenter = CALLS;
      s.sources.identityCenter = { status: 'ok', data: { region: 'eu-west-1', instances: [instance([set('a', ['111111111111', '222222222222']), set('b', ['111111111111']), set('c', [])])] } };
    });
    expect(identityCenterCost(snapshot)).toEqual({
      identityCenter: { region: 'eu-west-1', instances: 1, permissionSets: 3, provisionedPairs: 3, groups: 1, calls: 23, note: expect.stringContaining('permission sets × the accounts') },
    });
  });

  it('a part not read leaves its counts null, never 0; a source in error keeps its calls', () => {
    const partial = snapshotWith((s) => {
      s.collection.calls.identityCenter = CALLS;
      s.sources.identityCenter = { status: 'ok', data: { region: 'eu-west-1', instances: [instance(null)] } };
    });
    expect(identityCenterCost(partial).identityCenter).toMatchObject({ instances: 1, permissionSets: null, provisionedPairs: null, groups: 1, calls: 23 });
    const failed = snapshotWith((s) => {
      s.collection.calls.identityCenter = { calls: 1, attempts: 1, operations: { ListInstances: 1 } };
      s.sources.identityCenter = { status: 'error', error: { code: 'AccessDeniedException', message: 'no' } };
    });
    expect(identityCenterCost(failed).identityCenter).toMatchObject({ region: null, instances: null, permissionSets: null, calls: 1 });
  });

  it('absent when no call was made (not needed, an import, the demo)', () => {
    expect(identityCenterCost(snapshotWith(() => {}))).toEqual({});
  });
});
