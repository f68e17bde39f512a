import { GetPolicyCommand, GetPolicyVersionCommand, IAMClient, IAMServiceException } from '@aws-sdk/client-iam';
import { IdentitystoreClient, IdentitystoreServiceException, ListGroupMembershipsCommand, ListGroupsCommand, ListUsersCommand } from '@aws-sdk/client-identitystore';
import {
  DescribePermissionSetCommand,
  GetInlinePolicyForPermissionSetCommand,
  GetPermissionsBoundaryForPermissionSetCommand,
  ListAccountAssignmentsCommand,
  ListAccountsForProvisionedPermissionSetCommand,
  ListCustomerManagedPolicyReferencesInPermissionSetCommand,
  ListInstancesCommand,
  ListManagedPoliciesInPermissionSetCommand,
  ListPermissionSetsCommand,
  SSOAdminClient,
  SSOAdminServiceException,
} from '@aws-sdk/client-sso-admin';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectIdentityCenter, mapLimited } from '../../src/collect/identity-center.js';
import type { IdentityCenterData, IdentityCenterInstance, PermissionSet } from '../../src/snapshot/schema.js';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const INSTANCE = 'arn:aws:sso:::instance/ssoins-1111111111111111';
const STORE = 'd-1234567890';
const SET_A = 'arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-aaaaaaaaaaaaaaaa';
const SET_B = 'arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-bbbbbbbbbbbbbbbb';
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });

describe('collectIdentityCenter (sso-admin, identitystore and iam answers mocked)', () => {
  const ssoMock = mockClient(SSOAdminClient);
  const storeMock = mockClient(IdentitystoreClient);
  const iamMock = mockClient(IAMClient);
  const regionsAsked: string[] = [];

  const collect = (concurrency?: number): Promise<IdentityCenterData> =>
    collectIdentityCenter({
      region: 'eu-west-1',
      ssoAdminIn: (region) => (regionsAsked.push(region), new SSOAdminClient({ region, credentials: CREDENTIALS })),
      identityStoreIn: (region) => (regionsAsked.push(region), new IdentitystoreClient({ region, credentials: CREDENTIALS })),
      iam: new IAMClient({ region: 'us-east-1', credentials: CREDENTIALS }),
      concurrency,
    });
  const instanceOf = async (concurrency?: number): Promise<IdentityCenterInstance> => {
    const data = await collect(concurrency);
    expect(data.instances).toHaveLength(1);
    return data.instances[0]!;
  };
  const setsOf = (instance: IdentityCenterInstance): PermissionSet[] => {
    if (instance.permissionSets.status !== 'ok') throw new Error(`permission sets: ${JSON.stringify(instance.permissionSets)}`);
    return instance.permissionSets.data;
  };

  beforeEach(() => {
    regionsAsked.length = 0;
    // One instance, two sets (each call answered in two pages where AWS pages), two users, one group.
    ssoMock.on(ListInstancesCommand).resolves({ Instances: [{ InstanceArn: INSTANCE, IdentityStoreId: STORE, OwnerAccountId: '111111111111', Status: 'ACTIVE', Name: 'clinic' }] });
    ssoMock.on(ListPermissionSetsCommand).resolves({ PermissionSets: [SET_A, SET_B] });
    ssoMock.on(DescribePermissionSetCommand).callsFake((input: { PermissionSetArn: string }) => ({
      PermissionSet: { PermissionSetArn: input.PermissionSetArn, Name: input.PermissionSetArn === SET_A ? 'Admin' : 'ReadOnly', SessionDuration: input.PermissionSetArn === SET_A ? 'PT12H' : 'PT1H', CreatedDate: new Date('2026-01-02T03:04:05Z') },
    }));
    ssoMock.on(ListManagedPoliciesInPermissionSetCommand).callsFake((input: { PermissionSetArn: string }) => ({ AttachedManagedPolicies: input.PermissionSetArn === SET_A ? [{ Name: 'AdministratorAccess', Arn: ADMIN }] : [{ Name: 'ReadOnlyAccess', Arn: READ_ONLY }] }));
    ssoMock.on(ListCustomerManagedPolicyReferencesInPermissionSetCommand).resolves({ CustomerManagedPolicyReferences: [] });
    ssoMock.on(GetInlinePolicyForPermissionSetCommand).resolves({ InlinePolicy: '' });
    ssoMock.on(GetPermissionsBoundaryForPermissionSetCommand).rejects(new SSOAdminServiceException({ name: 'ResourceNotFoundException', $fault: 'client', message: 'Could not find PermissionsBoundary', ...meta(400) }));
    ssoMock.on(ListAccountsForProvisionedPermissionSetCommand).resolves({ AccountIds: ['222222222222'] });
    ssoMock.on(ListAccountAssignmentsCommand).callsFake((input: { PermissionSetArn: string; AccountId: string }) => ({
      AccountAssignments: [{ AccountId: input.AccountId, PermissionSetArn: input.PermissionSetArn, PrincipalType: 'USER', PrincipalId: 'u-1' }],
    }));
    storeMock.on(ListUsersCommand).resolves({ Users: [{ IdentityStoreId: STORE, UserId: 'u-1', UserName: 'alice', DisplayName: 'Alice' }, { IdentityStoreId: STORE, UserId: 'u-2', UserName: 'bob' }] });
    storeMock.on(ListGroupsCommand).resolves({ Groups: [{ IdentityStoreId: STORE, GroupId: 'g-1', DisplayName: 'Clinicians' }] });
    storeMock.on(ListGroupMembershipsCommand).resolves({ GroupMemberships: [{ IdentityStoreId: STORE, GroupId: 'g-1', MemberId: { UserId: 'u-2' } }] });
    iamMock.on(GetPolicyCommand).callsFake((input: { PolicyArn: string }) => ({ Policy: { Arn: input.PolicyArn, DefaultVersionId: 'v7' } }));
    // IAM's query API URL-encodes documents.
    iamMock.on(GetPolicyVersionCommand).resolves({ PolicyVersion: { VersionId: 'v7', Document: encodeURIComponent(JSON.stringify(ALLOW_ALL)) } });
  });
  afterEach(() => {
    ssoMock.reset();
    storeMock.reset();
    iamMock.reset();
  });

  it('reads every part in the region asked, keeping SessionDuration as AWS gives it and decoding managed documents', async () => {
    const data = await collect();
    expect(data.region).toBe('eu-west-1');
    expect(new Set(regionsAsked)).toEqual(new Set(['eu-west-1']));
    const instance = data.instances[0]!;
    expect(instance).toMatchObject({ instanceArn: INSTANCE, identityStoreId: STORE, name: 'clinic', ownerAccountId: '111111111111', status: 'ACTIVE', createdDate: null });
    expect(setsOf(instance)[0]).toEqual({
      arn: SET_A,
      name: 'Admin',
      description: null,
      sessionDuration: 'PT12H',
      createdDate: '2026-01-02T03:04:05.000Z',
      awsManagedPolicies: [{ name: 'AdministratorAccess', arn: ADMIN }],
      customerManagedPolicies: [],
      inlinePolicy: null,
      permissionsBoundary: null,
      accounts: ['222222222222'],
      assignments: [{ accountId: '222222222222', principalType: 'USER', principalId: 'u-1' }],
    });
    expect(instance.identityStore).toEqual({
      status: 'ok',
      data: {
        users: [
          { id: 'u-1', userName: 'alice', displayName: 'Alice' },
          { id: 'u-2', userName: 'bob', displayName: null },
        ],
        groups: [{ id: 'g-1', displayName: 'Clinicians', description: null }],
        memberships: [{ groupId: 'g-1', userId: 'u-2' }],
      },
    });
    expect(instance.awsManagedPolicyDocuments).toEqual({ [ADMIN]: { status: 'ok', data: { versionId: 'v7', document: ALLOW_ALL } }, [READ_ONLY]: { status: 'ok', data: { versionId: 'v7', document: ALLOW_ALL } } });
  });

  it('follows NextToken on every paged call', async () => {
    const pages = <T>(first: T, second: T) => (input: { NextToken?: string }) => (input.NextToken === 'page-2' ? second : { ...first, NextToken: 'page-2' });
    ssoMock.on(ListInstancesCommand).callsFake(pages({ Instances: [{ InstanceArn: INSTANCE, IdentityStoreId: STORE }] }, { Instances: [{ InstanceArn: `${INSTANCE}-2`, IdentityStoreId: 'd-2' }] }));
    ssoMock.on(ListPermissionSetsCommand).callsFake(pages({ PermissionSets: [SET_A] }, { PermissionSets: [SET_B] }));
    ssoMock.on(ListManagedPoliciesInPermissionSetCommand).callsFake(pages({ AttachedManagedPolicies: [{ Name: 'AdministratorAccess', Arn: ADMIN }] }, { AttachedManagedPolicies: [{ Name: 'ReadOnlyAccess', Arn: READ_ONLY }] }));
    ssoMock.on(ListCustomerManagedPolicyReferencesInPermissionSetCommand).callsFake(pages({ CustomerManagedPolicyReferences: [{ Name: 'one' }] }, { CustomerManagedPolicyReferences: [{ Name: 'two', Path: '/p/' }] }));
    ssoMock.on(ListAccountsForProvisionedPermissionSetCommand).callsFake(pages({ AccountIds: ['222222222222'] }, { AccountIds: ['333333333333'] }));
    ssoMock.on(ListAccountAssignmentsCommand).callsFake((input: { AccountId: string; NextToken?: string }) =>
      pages({ AccountAssignments: [{ AccountId: input.AccountId, PrincipalType: 'USER', PrincipalId: 'u-1' }] }, { AccountAssignments: [{ AccountId: input.AccountId, PrincipalType: 'GROUP', PrincipalId: 'g-1' }] })(input),
    );
    storeMock.on(ListUsersCommand).callsFake(pages({ Users: [{ UserId: 'u-1', UserName: 'alice' }] }, { Users: [{ UserId: 'u-2', UserName: 'bob' }] }));
    storeMock.on(ListGroupsCommand).callsFake(pages({ Groups: [{ GroupId: 'g-1', DisplayName: 'one' }] }, { Groups: [{ GroupId: 'g-2', DisplayName: 'two' }] }));
    storeMock.on(ListGroupMembershipsCommand).callsFake((input: { GroupId: string; NextToken?: string }) =>
      pages({ GroupMemberships: [{ GroupId: input.GroupId, MemberId: { UserId: 'u-1' } }] }, { GroupMemberships: [{ GroupId: input.GroupId, MemberId: { UserId: 'u-2' } }] })(input),
    );

    const data = await collect();
    expect(data.instances.map((i) => i.instanceArn)).toEqual([INSTANCE, `${INSTANCE}-2`]);
    const instance = data.instances[0]!;
    const sets = setsOf(instance);
    expect(sets.map((s) => s.arn)).toEqual([SET_A, SET_B]);
    expect(sets[0]?.awsManagedPolicies.map((p) => p.arn)).toEqual([ADMIN, READ_ONLY]);
    expect(sets[0]?.customerManagedPolicies).toEqual([{ name: 'one', path: '/' }, { name: 'two', path: '/p/' }]);
    expect(sets[0]?.accounts).toEqual(['222222222222', '333333333333']);
    // Two pages of assignments in each of the two accounts.
    expect(sets[0]?.assignments.map((a) => `${a.accountId}:${a.principalId}`)).toEqual(['222222222222:u-1', '222222222222:g-1', '333333333333:u-1', '333333333333:g-1']);
    expect(instance.identityStore.status === 'ok' && instance.identityStore.data.users.map((u) => u.id)).toEqual(['u-1', 'u-2']);
    expect(instance.identityStore.status === 'ok' && instance.identityStore.data.groups.map((g) => g.id)).toEqual(['g-1', 'g-2']);
    expect(instance.identityStore.status === 'ok' && instance.identityStore.data.memberships.map((m) => `${m.groupId}:${m.userId}`)).toEqual(['g-1:u-1', 'g-1:u-2', 'g-2:u-1', 'g-2:u-2']);
  });

  it('an inline policy is validated as a policy document; an empty string is no inline policy', async () => {
    ssoMock.on(GetInlinePolicyForPermissionSetCommand, { PermissionSetArn: SET_A }).resolves({ InlinePolicy: JSON.stringify(ALLOW_ALL) });
    const sets = setsOf(await instanceOf());
    expect(sets.map((s) => s.inlinePolicy)).toEqual([ALLOW_ALL, null]);
  });

  it.each([
    ['not JSON', '{"Version": "2012-10-17", "Statement": ['],
    ['JSON but no policy', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Maybe', Action: '*' }] })],
  ])('a malformed inline policy (%s) makes the permission sets an error, never "no inline policy"', async (_, text) => {
    ssoMock.on(GetInlinePolicyForPermissionSetCommand, { PermissionSetArn: SET_B }).resolves({ InlinePolicy: text });
    const instance = await instanceOf();
    expect(instance.permissionSets).toEqual({ status: 'error', error: { code: 'PolicyDocumentError', message: expect.stringContaining(`the inline policy of permission set ${SET_B}`) } });
    expect(instance.identityStore.status).toBe('ok');
  });

  it('a boundary is kept as AWS names it; ResourceNotFoundException (no boundary) is null; any other error is the sets\' error', async () => {
    ssoMock.on(GetPermissionsBoundaryForPermissionSetCommand, { PermissionSetArn: SET_A }).resolves({ PermissionsBoundary: { ManagedPolicyArn: READ_ONLY } });
    ssoMock.on(GetPermissionsBoundaryForPermissionSetCommand, { PermissionSetArn: SET_B }).resolves({ PermissionsBoundary: { CustomerManagedPolicyReference: { Name: 'clinic-boundary' } } });
    let sets = setsOf(await instanceOf());
    expect(sets.map((s) => s.permissionsBoundary)).toEqual([
      { managedPolicyArn: READ_ONLY, customerManagedPolicy: null },
      { managedPolicyArn: null, customerManagedPolicy: { name: 'clinic-boundary', path: '/' } },
    ]);

    ssoMock.on(GetPermissionsBoundaryForPermissionSetCommand, { PermissionSetArn: SET_A }).rejects(new SSOAdminServiceException({ name: 'ResourceNotFoundException', $fault: 'client', message: 'Could not find PermissionsBoundary', ...meta(400) }));
    sets = setsOf(await instanceOf());
    expect(sets[0]?.permissionsBoundary).toBeNull();

    for (const name of ['ValidationException', 'InternalServerException', 'AccessDeniedException']) {
      ssoMock.on(GetPermissionsBoundaryForPermissionSetCommand, { PermissionSetArn: SET_B }).rejects(new SSOAdminServiceException({ name, $fault: 'client', message: `${name} for the boundary`, ...meta(400) }));
      expect((await instanceOf()).permissionSets, name).toEqual({ status: 'error', error: { code: name, message: `sso:GetPermissionsBoundaryForPermissionSet on ${SET_B}: ${name} for the boundary (HTTP 400)` } });
    }
    // A 200 answer without the boundary is incomplete, not "no boundary".
    ssoMock.on(GetPermissionsBoundaryForPermissionSetCommand, { PermissionSetArn: SET_B }).resolves({});
    expect((await instanceOf()).permissionSets).toMatchObject({ status: 'error', error: { code: 'MalformedAnswer' } });
  });

  it('the boundary\'s AWS managed policy is read with the attached ones', async () => {
    ssoMock.on(GetPermissionsBoundaryForPermissionSetCommand, { PermissionSetArn: SET_B }).resolves({ PermissionsBoundary: { ManagedPolicyArn: 'arn:aws:iam::aws:policy/PowerUserAccess' } });
    expect(Object.keys((await instanceOf()).awsManagedPolicyDocuments).sort()).toEqual([ADMIN, 'arn:aws:iam::aws:policy/PowerUserAccess', READ_ONLY]);
  });

  it.each([
    ['sso-admin', 'ListPermissionSets', 'permissionSets', 'ListPermissionSets answered without PermissionSets', ListPermissionSetsCommand],
    ['sso-admin', 'ListManagedPoliciesInPermissionSet', 'permissionSets', 'without AttachedManagedPolicies', ListManagedPoliciesInPermissionSetCommand],
    ['sso-admin', 'ListCustomerManagedPolicyReferencesInPermissionSet', 'permissionSets', 'without CustomerManagedPolicyReferences', ListCustomerManagedPolicyReferencesInPermissionSetCommand],
    ['sso-admin', 'GetInlinePolicyForPermissionSet', 'permissionSets', 'without InlinePolicy', GetInlinePolicyForPermissionSetCommand],
    ['sso-admin', 'DescribePermissionSet', 'permissionSets', 'without PermissionSet', DescribePermissionSetCommand],
    ['sso-admin', 'ListAccountsForProvisionedPermissionSet', 'permissionSets', 'without AccountIds', ListAccountsForProvisionedPermissionSetCommand],
    ['sso-admin', 'ListAccountAssignments', 'permissionSets', 'without AccountAssignments', ListAccountAssignmentsCommand],
    ['identitystore', 'ListUsers', 'identityStore', 'without Users', ListUsersCommand],
    ['identitystore', 'ListGroups', 'identityStore', 'without Groups', ListGroupsCommand],
    ['identitystore', 'ListGroupMemberships', 'identityStore', 'without GroupMemberships', ListGroupMembershipsCommand],
  ] as const)('%s %s answered without its list: %s is MalformedAnswer (%s), never empty', async (service, _name, part, message, command) => {
    if (service === 'sso-admin') ssoMock.on(command as never).resolves({});
    else storeMock.on(command as never).resolves({});
    const instance = await instanceOf();
    expect(instance[part]).toEqual({ status: 'error', error: { code: 'MalformedAnswer', message: expect.stringContaining(message) } });
    expect(instance[part === 'permissionSets' ? 'identityStore' : 'permissionSets'].status).toBe('ok');
  });

  it('ListInstances failing or answering without Instances fails the whole source', async () => {
    ssoMock.on(ListInstancesCommand).rejects(new SSOAdminServiceException({ name: 'AccessDeniedException', $fault: 'client', message: 'not authorized to perform: sso:ListInstances', ...meta(400) }));
    await expect(collect()).rejects.toMatchObject({ name: 'AccessDeniedException' });
    ssoMock.on(ListInstancesCommand).resolves({});
    await expect(collect()).rejects.toMatchObject({ name: 'MalformedAnswer' });
    // No instance at all is a fact AWS can answer.
    ssoMock.on(ListInstancesCommand).resolves({ Instances: [] });
    expect(await collect()).toEqual({ region: 'eu-west-1', instances: [] });
  });

  it('a denied identitystore call makes the identity store the error; a denied iam call, that policy\'s document', async () => {
    storeMock.on(ListGroupMembershipsCommand).rejects(new IdentitystoreServiceException({ name: 'AccessDeniedException', $fault: 'client', message: 'not authorized to perform: identitystore:ListGroupMemberships', ...meta(400) }));
    iamMock.on(GetPolicyCommand, { PolicyArn: READ_ONLY }).rejects(new IAMServiceException({ name: 'AccessDenied', $fault: 'client', message: 'not authorized to perform: iam:GetPolicy', ...meta(403) }));
    const instance = await instanceOf();
    expect(instance.identityStore).toEqual({ status: 'error', error: { code: 'AccessDeniedException', message: 'not authorized to perform: identitystore:ListGroupMemberships (HTTP 400)' } });
    expect(instance.awsManagedPolicyDocuments[READ_ONLY]).toEqual({ status: 'error', error: { code: 'AccessDenied', message: 'not authorized to perform: iam:GetPolicy (HTTP 403)' } });
    expect(instance.awsManagedPolicyDocuments[ADMIN]?.status).toBe('ok');
    expect(instance.permissionSets.status).toBe('ok');
  });

  it('an assignment to a principal type other than USER or GROUP, or a member that is not a user, is an error', async () => {
    ssoMock.on(ListAccountAssignmentsCommand).resolves({ AccountAssignments: [{ AccountId: '222222222222', PrincipalType: 'ROBOT' as never, PrincipalId: 'x' }] });
    storeMock.on(ListGroupMembershipsCommand).resolves({ GroupMemberships: [{ IdentityStoreId: STORE, GroupId: 'g-1', MemberId: { $unknown: ['GroupId', 'g-9'] } as never }] });
    const instance = await instanceOf();
    expect(instance.permissionSets).toMatchObject({ status: 'error', error: { code: 'MalformedAnswer', message: expect.stringContaining('"ROBOT"') } });
    expect(instance.identityStore).toMatchObject({ status: 'error', error: { code: 'MalformedAnswer', message: expect.stringContaining('not a user') } });
  });

  it('permission sets are read at most `concurrency` at a time', async () => {
    const arns = Array.from({ length: 20 }, (_, i) => `${SET_A}-${i}`);
    ssoMock.on(ListPermissionSetsCommand).resolves({ PermissionSets: arns });
    let inFlight = 0;
    let most = 0;
    ssoMock.on(DescribePermissionSetCommand).callsFake(async (input: { PermissionSetArn: string }) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return { PermissionSet: { PermissionSetArn: input.PermissionSetArn, Name: input.PermissionSetArn.split('-').pop(), SessionDuration: 'PT1H' } };
    });
    const sets = setsOf(await instanceOf(3));
    expect(sets.map((s) => s.arn)).toEqual(arns);
    expect(most).toBe(3);
  });
});

describe('mapLimited', () => {
  it('keeps the order, never exceeds the limit, and starts nothing after the first failure', async () => {
    let inFlight = 0;
    let most = 0;
    const started: number[] = [];
    const run = (fail: number | null) =>
      mapLimited([...Array(10).keys()], 2, async (i) => {
        started.push(i);
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 2));
        inFlight -= 1;
        if (i === fail) throw new Error(`item ${i}`);
        return i * 10;
      });
    expect(await run(null)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(most).toBe(2);
    started.length = 0;
    await expect(run(1)).rejects.toThrow('item 1');
    expect(started.length).toBeLessThan(10);
    expect(await mapLimited([], 4, async () => 1)).toEqual([]);
  });
});
