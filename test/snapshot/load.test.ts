import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { DEMO_SNAPSHOT_PATH, loadSnapshot } from '../../src/snapshot/load.js';
import { emptySnapshot } from '../support/snapshot.js';

const dir = mkdtempSync(join(tmpdir(), 'hipaa-iam-load-'));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

describe('loadSnapshot', () => {
  it('reads the embedded demo account', () => {
    const snapshot = loadSnapshot(DEMO_SNAPSHOT_PATH);
    expect(snapshot.accountId).toBe('111122223333');
    expect(snapshot.origin.kind).toBe('demo');
  });

  it('holds data for every source in the demo account, the four beyond IAM included', () => {
    const { sources } = loadSnapshot(DEMO_SNAPSHOT_PATH);
    expect(Object.entries(sources).filter(([, source]) => source.status !== 'ok').map(([name]) => name)).toEqual([]);
    if (sources.cloudTrail.status !== 'ok' || sources.accessAnalyzer.status !== 'ok' || sources.identityProviders.status !== 'ok') throw new Error('unreachable');
    // A single-region trail without log validation beside a compliant multi-region one.
    expect(sources.cloudTrail.data.trails.map((t) => [t.isMultiRegionTrail, t.logFileValidationEnabled, t.kmsKeyId !== null, t.status.status])).toEqual([
      [false, false, false, 'ok'],
      [true, true, true, 'ok'],
    ]);
    // The clinic's Okta, and the provider IAM Identity Center keeps in every account it reaches.
    expect(sources.identityProviders.data.saml.map((p) => p.arn)).toEqual(['arn:aws:iam::111122223333:saml-provider/RiverbendOkta', 'arn:aws:iam::111122223333:saml-provider/AWSSSO_7223c4b1a9e05d62_DO_NOT_DELETE']);
    expect(sources.organizations).toMatchObject({ status: 'ok', data: { inOrganization: true, scpsUnavailable: null } });
    const regions = sources.accessAnalyzer.data.regions;
    expect(regions['us-east-1']).toMatchObject({ status: 'ok', data: { analyzers: [{ status: 'ACTIVE' }], findings: [{ status: 'ACTIVE' }] } });
    expect(regions['us-west-2']).toEqual({ status: 'ok', data: { analyzers: [], findings: [] } });
  });

  it('holds an IAM Identity Center instance of the demo account with compliant and non-compliant permission sets, each matched by its role', () => {
    const { sources } = loadSnapshot(DEMO_SNAPSHOT_PATH);
    if (sources.identityCenter.status !== 'ok' || sources.authorizationDetails.status !== 'ok') throw new Error('unreachable');
    const [instance, ...others] = sources.identityCenter.data.instances;
    expect(others).toEqual([]);
    expect(instance).toMatchObject({ ownerAccountId: '111122223333', permissionSets: { status: 'ok' }, identityStore: { status: 'ok' } });
    if (instance?.permissionSets.status !== 'ok' || instance.identityStore.status !== 'ok') throw new Error('unreachable');
    expect(instance.identityStore.data.users.length).toBeGreaterThanOrEqual(5);
    expect(instance.permissionSets.data.map((ps) => [ps.name, ps.sessionDuration, ps.assignments.map((a) => a.principalType).join(' ')])).toEqual([
      ['AdministratorAccess', 'PT1H', 'USER'],
      ['ITOnCall', 'PT12H', 'GROUP'],
      ['GameDayFleet', 'PT2H', 'GROUP'],
      ['ClinicalReadOnly', 'PT4H', 'GROUP GROUP'],
    ]);
    // Every AWS managed policy a set names has its document; every set provisioned here has its role.
    for (const ps of instance.permissionSets.data) {
      for (const p of ps.awsManagedPolicies) expect(instance.awsManagedPolicyDocuments[p.arn]?.status, p.arn).toBe('ok');
      expect(ps.accounts).toEqual(['111122223333']);
      expect(sources.authorizationDetails.data.roles.filter((r) => r.path === '/aws-reserved/sso.amazonaws.com/' && r.name.startsWith(`AWSReservedSSO_${ps.name}_`)), ps.name).toHaveLength(1);
    }
  });

  it.each<[string, string, RegExp]>([
    ['an organization without its SCPs stated', JSON.stringify({ ...emptySnapshot(), sources: { ...emptySnapshot().sources, organizations: { status: 'ok', data: { inOrganization: true, organization: { id: 'o-1', arn: 'a', masterAccountId: '1', featureSet: 'ALL' } } } } }), /at sources\.organizations\.data\.scps/],
    ['a trail without its status', JSON.stringify({ ...emptySnapshot(), sources: { ...emptySnapshot().sources, cloudTrail: { status: 'ok', data: { region: 'us-east-1', trails: [{ name: 't', arn: 'a', homeRegion: 'us-east-1', isMultiRegionTrail: true, isOrganizationTrail: false, includeGlobalServiceEvents: true, logFileValidationEnabled: true, kmsKeyId: null, cloudWatchLogsLogGroupArn: null, s3BucketName: 'b', eventSelectors: { status: 'ok', data: { eventSelectors: [], advancedEventSelectors: [] } } }] } } } }), /at sources\.cloudTrail\.data\.trails\.0\.status/],
  ])('rejects %s', (name, content, reason) => {
    expect(() => loadSnapshot(file(`${name.replace(/\W/g, '-')}.json`, content))).toThrow(reason);
  });

  it('round-trips a snapshot it wrote', () => {
    const original = emptySnapshot();
    expect(loadSnapshot(file('ok.json', JSON.stringify(original)))).toEqual(original);
  });

  it.each<[string, string, RegExp]>([
    ['truncated JSON', '{"schemaVersion": 1, "accountId": ', /is not valid JSON/],
    ['a JSON array', '[]', /not a valid hipaa-iam snapshot/],
    ['a newer schema', JSON.stringify({ ...emptySnapshot(), schemaVersion: 99 }), /schemaVersion 99.*upgrade hipaa-iam/],
    ['a source with an unknown status', JSON.stringify({ ...emptySnapshot(), sources: { ...emptySnapshot().sources, passwordPolicy: { status: 'maybe' } } }), /at sources\.passwordPolicy/],
    ['a malformed policy document', JSON.stringify(withBadPolicy()), /at sources\.authorizationDetails\.data\.users\.0\.inlinePolicies\.0\.document\.Statement/],
    // The account id names the evidence folder (account-id-path-traversal).
    ['an accountId that climbs out of --out', JSON.stringify({ ...emptySnapshot(), accountId: '../../escaped-evidence' }), /accountId must be 12 digits \(an AWS account id\), not "\.\.\/\.\.\/escaped-evidence"/],
    ['an absolute accountId', JSON.stringify({ ...emptySnapshot(), accountId: '/tmp/evidence' }), /accountId must be 12 digits/],
    ['an empty accountId', JSON.stringify({ ...emptySnapshot(), accountId: '' }), /accountId must be 12 digits .*not ""/],
    ['an accountId of 11 digits', JSON.stringify({ ...emptySnapshot(), accountId: '12345678901' }), /accountId must be 12 digits/],
    ['an accountId with a line break', JSON.stringify({ ...emptySnapshot(), accountId: '123456789012\n' }), /accountId must be 12 digits .*not "123456789012\\n"/],
    ['the accountId of an unknown account', JSON.stringify({ ...emptySnapshot(), accountId: 'unknown-account' }), /accountId must be 12 digits/],
  ])('rejects %s with one line naming the file', (name, content, reason) => {
    const path = file(`${name.replace(/\W/g, '-')}.json`, content);
    expect(() => loadSnapshot(path)).toThrow(InputError);
    expect(() => loadSnapshot(path)).toThrow(reason);
    try {
      loadSnapshot(path);
    } catch (error) {
      expect((error as Error).message).toContain(path);
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('rejects a missing file', () => {
    expect(() => loadSnapshot(join(dir, 'absent.json'))).toThrow(/cannot read snapshot/);
  });
});

function withBadPolicy() {
  const snapshot = emptySnapshot();
  snapshot.sources.authorizationDetails = {
    status: 'ok',
    data: {
      users: [{ name: 'a', id: 'i', arn: 'arn', path: '/', createDate: '', groups: [], inlinePolicies: [{ name: 'p', document: { Statement: 'nonsense' } as never }], attachedPolicies: [], permissionsBoundary: null, tags: [] }],
      groups: [],
      roles: [],
      policies: [],
    },
  };
  return snapshot;
}
