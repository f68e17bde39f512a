import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSnapshot } from '../../src/snapshot/build.js';
import { fromAwsAuthorizationDetails, type AwsAuthorizationDetails } from '../../src/snapshot/authorization-details.js';
import { importAwsCliExports } from '../../src/snapshot/import.js';
import { loadSnapshot } from '../../src/snapshot/load.js';
import { SNAPSHOT_SCHEMA_VERSION } from '../../src/snapshot/schema.js';
import { emptySnapshot } from '../support/snapshot.js';

const CORPUS = new URL('../fixtures/iam-vulnerable-authorization-details.json', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'hipaa-iam-details-'));

const ROLE = 'arn:aws:iam::222233334444:role/web';
const POLICY = 'arn:aws:iam::222233334444:policy/app';
const version = (id: string, isDefault: boolean, Action: string) => ({
  VersionId: id,
  IsDefaultVersion: isDefault,
  CreateDate: '2026-01-0' + id.slice(1) + 'T00:00:00Z',
  Document: encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action, Resource: '*' }] })),
});
const PAGE: AwsAuthorizationDetails = {
  RoleDetailList: [
    {
      RoleName: 'web',
      RoleId: 'AROAWEB',
      Arn: ROLE,
      Path: '/',
      CreateDate: '2026-01-01T00:00:00Z',
      AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
      InstanceProfileList: [{ InstanceProfileName: 'web', InstanceProfileId: 'AIPAWEB', Arn: 'arn:aws:iam::222233334444:instance-profile/web', Path: '/', Roles: [{ RoleName: 'web', Arn: ROLE }] }],
      RolePolicyList: [],
      AttachedManagedPolicies: [],
    },
    { RoleName: 'old-export', RoleId: 'AROAOLD', Arn: 'arn:aws:iam::222233334444:role/old-export', Path: '/', CreateDate: '2026-01-01T00:00:00Z', RolePolicyList: [], AttachedManagedPolicies: [] },
  ],
  Policies: [
    { PolicyName: 'app', PolicyId: 'ANPAAPP', Arn: POLICY, Path: '/', DefaultVersionId: 'v2', PolicyVersionList: [version('v2', true, 's3:GetObject'), version('v1', false, '*')] },
    { PolicyName: 'ReadOnlyAccess', PolicyId: 'ANPARO', Arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess', Path: '/', DefaultVersionId: 'v2', PolicyVersionList: [version('v2', true, 's3:Get*'), version('v1', false, 's3:*')] },
  ],
};

describe('authorization details keep instance profiles and non-default versions (snapshot schema 2)', () => {
  it('reads each role\'s instance profiles, and a role detail without the list as not known', () => {
    const details = fromAwsAuthorizationDetails([PAGE]);
    expect(details.roles[0]?.instanceProfiles).toEqual([{ name: 'web', id: 'AIPAWEB', arn: 'arn:aws:iam::222233334444:instance-profile/web', path: '/', roles: [ROLE] }]);
    expect(details.roles[1]).not.toHaveProperty('instanceProfiles');
  });

  it('keeps a customer-managed policy\'s other versions, decoded, and none of an AWS managed policy', () => {
    const details = fromAwsAuthorizationDetails([PAGE]);
    const app = details.policies.find((p) => p.arn === POLICY);
    expect(app?.document).toEqual({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
    expect(app?.otherVersions).toEqual([{ versionId: 'v1', createDate: '2026-01-01T00:00:00Z', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }]);
    expect(details.policies.find((p) => p.awsManaged)).not.toHaveProperty('otherVersions');
  });

  it('keeps them through an import of the AWS CLI export (the iam-vulnerable corpus)', () => {
    const snapshot = importAwsCliExports(writeExport({ 'account-authorization-details.json': readFileSync(CORPUS, 'utf8') }));
    if (snapshot.sources.authorizationDetails.status !== 'ok') throw new Error('unreachable');
    const roles = snapshot.sources.authorizationDetails.data.roles;
    expect(roles.every((r) => Array.isArray(r.instanceProfiles))).toBe(true);
    expect(roles.filter((r) => (r.instanceProfiles?.length ?? 0) > 0).map((r) => [r.name, r.instanceProfiles?.[0]?.roles])).toContainEqual([
      'privesc-high-priv-service-role',
      ['arn:aws:iam::200611803367:role/privesc-high-priv-service-role'],
    ]);
    expect(snapshot.sources.authorizationDetails.data.policies.filter((p) => !p.awsManaged).every((p) => Array.isArray(p.otherVersions))).toBe(true);
  });

  it('writes schema 2 and reads it back; a schema-1 snapshot still loads, its new fields absent', () => {
    const base = emptySnapshot();
    const built = buildSnapshot({ accountId: '222233334444', collectedAt: new Date('2026-11-20T12:00:00Z'), origin: base.origin, collection: base.collection, sources: { ...base.sources, authorizationDetails: { status: 'ok', data: fromAwsAuthorizationDetails([PAGE]) } } });
    expect(built.schemaVersion).toBe(SNAPSHOT_SCHEMA_VERSION);
    expect(SNAPSHOT_SCHEMA_VERSION).toBe(2);
    const path = join(dir, 'v2.json');
    writeFileSync(path, JSON.stringify(built));
    expect(loadSnapshot(path)).toEqual(built);

    const v1 = join(dir, 'v1.json');
    writeFileSync(v1, JSON.stringify({ ...base, schemaVersion: 1, sources: { ...base.sources, authorizationDetails: { status: 'ok', data: { users: [], groups: [], roles: [{ ...fromAwsAuthorizationDetails([PAGE]).roles[1] }], policies: [] } } } }));
    const loaded = loadSnapshot(v1);
    expect(loaded.schemaVersion).toBe(1);
    if (loaded.sources.authorizationDetails.status !== 'ok') throw new Error('unreachable');
    expect(loaded.sources.authorizationDetails.data.roles[0]?.instanceProfiles).toBeUndefined();
  });
});

function writeExport(files: Record<string, string>): string {
  const out = mkdtempSync(join(dir, 'import-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(out, name), content);
  return out;
}
