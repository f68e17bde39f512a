import { CreateGroupCommand, CreateGroupMembershipCommand, CreateUserCommand, IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { CreateAccountAssignmentCommand, CreatePermissionSetCommand, ListInstancesCommand, ProvisionPermissionSetCommand, PutInlinePolicyToPermissionSetCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectOrganizationLive } from '../../src/organization/collect-live.js';
import type { AccountOutcome, OrganizationSource } from '../../src/organization/collection.js';
import { enforceIamAuthorization } from '../support/moto-auth.js';
import { MANAGEMENT, REGION, seedOrganization, type Seeded } from '../support/moto-organization.js';
import { motoInstalled, startMoto, type Moto } from '../support/moto.js';

/*
 * `collect --organization` on moto 5.2.1 (the organization of test/support/moto-organization.ts)
 * with IAM Identity Center seeded in the management account, where an organization's instance
 * lives: a user assigned a permission set directly, a group with a member assigned another. The
 * organization is read by the management account's reader, moto enforcing its policies.
 *
 * What moto cannot show: ProvisionPermissionSet provisions to moto's own account (the management
 * account) whatever its target, and ListAccountsForProvisionedPermissionSet lists only that one,
 * so no member is reached by a set here; which people reach which member is shown over in-memory
 * accounts (test/organization/identity-center-run.test.ts).
 */

describe.skipIf(!motoInstalled)('IAM Identity Center in an organization collected live (moto): read once, from the management account', () => {
  let moto: Moto;
  let seeded: Seeded;
  let source: OrganizationSource;
  const outcomes = new Map<string, AccountOutcome>();
  const saved: Record<string, string | undefined> = {};
  let instanceArn = '';

  beforeAll(async () => {
    moto = await startMoto();
    seeded = await seedOrganization(moto);
    // Identity Center in the management account, seeded as an administrator would, before moto enforces IAM.
    const config = { endpoint: moto.endpoint, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
    const ssoAdmin = new SSOAdminClient(config);
    const identityStore = new IdentitystoreClient(config);
    const instance = (await ssoAdmin.send(new ListInstancesCommand({}))).Instances![0]!;
    instanceArn = instance.InstanceArn!;
    const storeId = instance.IdentityStoreId!;
    const user = async (userName: string, displayName: string) => (await identityStore.send(new CreateUserCommand({ IdentityStoreId: storeId, UserName: userName, DisplayName: displayName, Name: { GivenName: userName, FamilyName: 'Seeded' } }))).UserId!;
    const jreyes = await user('jreyes', 'Jorge Reyes');
    const gkim = await user('gkim', 'Grace Kim');
    const itOps = (await identityStore.send(new CreateGroupCommand({ IdentityStoreId: storeId, DisplayName: 'IT-Operations' }))).GroupId!;
    await identityStore.send(new CreateGroupMembershipCommand({ IdentityStoreId: storeId, GroupId: itOps, MemberId: { UserId: gkim } }));
    const set = async (name: string, sessionDuration: string, actions: string[], principal: { PrincipalType: 'USER' | 'GROUP'; PrincipalId: string }) => {
      const arn = (await ssoAdmin.send(new CreatePermissionSetCommand({ InstanceArn: instanceArn, Name: name, SessionDuration: sessionDuration }))).PermissionSet!.PermissionSetArn!;
      await ssoAdmin.send(new PutInlinePolicyToPermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: arn, InlinePolicy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] }) }));
      await ssoAdmin.send(new ProvisionPermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: arn, TargetType: 'AWS_ACCOUNT', TargetId: MANAGEMENT }));
      await ssoAdmin.send(new CreateAccountAssignmentCommand({ InstanceArn: instanceArn, PermissionSetArn: arn, TargetType: 'AWS_ACCOUNT', TargetId: MANAGEMENT, ...principal }));
    };
    await set('Administrator', 'PT1H', ['*'], { PrincipalType: 'USER', PrincipalId: jreyes });
    await set('ITOnCall', 'PT12H', ['support:*', 'cloudwatch:GetMetricData'], { PrincipalType: 'GROUP', PrincipalId: itOps });
    ssoAdmin.destroy();
    identityStore.destroy();
    await enforceIamAuthorization(moto.endpoint);
    for (const [key, value] of Object.entries({ ...moto.env, AWS_ACCESS_KEY_ID: seeded.reader.accessKeyId, AWS_SECRET_ACCESS_KEY: seeded.reader.secretAccessKey })) {
      saved[key] = process.env[key];
      process.env[key] = value;
    }
    // collect --organization: every source of every member, the facts once.
    source = await collectOrganizationLive({ live: { region: REGION, regions: [REGION] }, concurrency: 2 });
    for await (const outcome of source.outcomes) outcomes.set(outcome.account.id, outcome);
  }, 240_000);

  afterAll(async () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await moto?.stop();
  });

  it('reads the instance once, with the management account’s reader, in the caller’s region: its people, groups and assignments', () => {
    const { facts } = source;
    expect(facts.readFrom.accountId).toBe(MANAGEMENT);
    expect(facts.identityCenter.status).toBe('ok');
    if (facts.identityCenter.status !== 'ok') return;
    expect(facts.identityCenter.data.region).toBe(REGION);
    const instance = facts.identityCenter.data.instances.find((i) => i.instanceArn === instanceArn);
    expect(instance?.identityStore.status === 'ok' && instance.identityStore.data.users.map((u) => u.userName).sort()).toEqual(['gkim', 'jreyes']);
    expect(instance?.identityStore.status === 'ok' && instance.identityStore.data.groups.map((g) => g.displayName)).toEqual(['IT-Operations']);
    // moto lacks GetPermissionsBoundaryForPermissionSet: the permission sets are read, or their part is an error, never "none".
    const sets = instance?.permissionSets;
    if (sets?.status === 'ok') {
      expect(sets.data.map((ps) => [ps.name, ps.sessionDuration, ps.accounts, ps.assignments.map((a) => a.principalType)]).sort()).toEqual([
        ['Administrator', 'PT1H', [MANAGEMENT], ['USER']],
        ['ITOnCall', 'PT12H', [MANAGEMENT], ['GROUP']],
      ]);
    } else {
      expect(sets?.status).toBe('error');
    }
  });

  it('counts its calls once, under the facts’ identityCenter part: none in any member', () => {
    const calls = source.facts.collection.calls.identityCenter;
    expect(calls?.operations.ListInstances).toBe(1);
    expect(calls?.operations.ListUsers).toBeGreaterThanOrEqual(1);
    expect(calls?.operations.ListGroups).toBeGreaterThanOrEqual(1);
    // One ListGroupMemberships per group: calls grow with the store, not with the accounts.
    expect(calls?.operations.ListGroupMemberships).toBe(1);
    expect(Object.keys(source.facts.collection.calls)).not.toContain('other');
    const collected = [...outcomes.values()].filter((o): o is Extract<AccountOutcome, { kind: 'collected' }> => o.kind === 'collected');
    expect(collected.map((o) => o.account.id).sort()).toEqual([MANAGEMENT, seeded.prod, seeded.dev].sort());
    for (const { account, snapshot } of collected) {
      expect(snapshot.sources.identityCenter, account.id).toEqual({ status: 'error', error: { code: 'NotCollected', message: 'read once for the organization (organization.json), not in each account' } });
      expect(snapshot.collection.calls.identityCenter, account.id).toBeUndefined();
      const ssoCalls = Object.values(snapshot.collection.calls).flatMap((c) => Object.keys(c.operations)).filter((op) => /^(ListInstances|ListPermissionSets|ListUsers|ListGroups)$/.test(op));
      expect(ssoCalls, account.id).toEqual([]);
    }
  });
});
