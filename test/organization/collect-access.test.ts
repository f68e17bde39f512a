import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAwsSession, type AwsSession } from '../../src/collect/aws-clients.js';
import { liveOrganizationAccess, ORGANIZATION_SESSION_NAME } from '../../src/organization/collect-live.js';

// How a live organization run enters each account (liveOrganizationAccess): the auditor role in
// the caller's partition, with the ExternalId, under a session name CloudTrail shows; the
// caller's own account on its own credentials; and every account on clients of its own.

const CALLER = '111111111111';
const MEMBER = '222222222222';
const OTHER = '333333333333';
const sts = mockClient(STSClient);

const session = (): Promise<AwsSession> =>
  createAwsSession({ region: 'us-gov-west-1' }, { AWS_CONFIG_FILE: '/nonexistent/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials' }).then((s) => ({
    ...s,
    credentials: async () => ({ accessKeyId: 'caller', secretAccessKey: 'caller-secret' }),
  }));

let assumed = 0;
/** How long the first credentials AssumeRole gives stay valid; later ones, an hour. */
let firstLifetimeMs = 3_600_000;
beforeEach(() => {
  firstLifetimeMs = 3_600_000;
  sts.reset();
  assumed = 0;
  sts.on(GetCallerIdentityCommand).resolves({ Account: CALLER, Arn: `arn:aws-us-gov:iam::${CALLER}:user/org-auditor` });
  sts.on(AssumeRoleCommand).callsFake(() => {
    assumed += 1;
    return { Credentials: { AccessKeyId: `ASIA${assumed}`, SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + (assumed === 1 ? firstLifetimeMs : 3_600_000)) } };
  });
});

describe('liveOrganizationAccess', () => {
  it('assumes the auditor role in the caller’s partition, with the ExternalId and the organization session name', async () => {
    const access = liveOrganizationAccess(await session(), { roleName: 'hipaa-iam-auditor', externalId: 'ext-123', description: 'unit test' });
    const member = await access.clientsIn(MEMBER);
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input)).toEqual([
      { RoleArn: `arn:aws-us-gov:iam::${MEMBER}:role/hipaa-iam-auditor`, RoleSessionName: ORGANIZATION_SESSION_NAME, ExternalId: 'ext-123' },
    ]);
    expect(member.how).toBe(`role arn:aws-us-gov:iam::${MEMBER}:role/hipaa-iam-auditor`);
    // The clients use the credentials assumed up front: no second AssumeRole while they are fresh.
    const credentials = member.clients.iam.config.credentials;
    await expect(credentials()).resolves.toMatchObject({ accessKeyId: 'ASIA1' });
    await expect(member.clients.organizations.config.credentials()).resolves.toMatchObject({ accessKeyId: 'ASIA1' });
    expect(assumed).toBe(1);
    member.release();
    access.close();
  });

  it('assumes the role again when the credentials near expiry, however long the account’s collection runs', async () => {
    firstLifetimeMs = 60_000; // inside the five minutes before expiry when credentials are renewed
    const access = liveOrganizationAccess(await session(), { roleName: 'hipaa-iam-auditor', description: 'unit test' });
    const member = await access.clientsIn(MEMBER);
    await expect(member.clients.iam.config.credentials()).resolves.toMatchObject({ accessKeyId: 'ASIA2' });
    await expect(member.clients.iam.config.credentials()).resolves.toMatchObject({ accessKeyId: 'ASIA2' });
    expect(assumed).toBe(2);
    member.release();
    access.close();
  });

  it('reads the caller’s own account on the caller’s credentials, without AssumeRole', async () => {
    const access = liveOrganizationAccess(await session(), { roleName: 'hipaa-iam-auditor', description: 'unit test' });
    const own = await access.clientsIn(CALLER);
    expect(sts.commandCalls(AssumeRoleCommand)).toEqual([]);
    expect(own.how).toContain('own credentials');
    await expect(own.clients.iam.config.credentials()).resolves.toMatchObject({ accessKeyId: 'caller' });
    own.release();
    access.close();
  });

  it('gives each account clients of its own (own credentials, own retry and throttling state), never the caller’s', async () => {
    const access = liveOrganizationAccess(await session(), { roleName: 'hipaa-iam-auditor', description: 'unit test' });
    const a = await access.clientsIn(MEMBER);
    const b = await access.clientsIn(OTHER);
    for (const service of ['iam', 'sts', 'organizations', 'ec2'] as const) {
      expect(a.clients[service]).not.toBe(b.clients[service]);
      expect(a.clients[service]).not.toBe(access.caller[service]);
      expect(a.clients[service].config.retryStrategy).not.toBe(b.clients[service].config.retryStrategy);
    }
    a.release();
    b.release();
    access.close();
  });

  it('a refused AssumeRole is thrown as AWS gave it, for the account’s assume-role step', async () => {
    sts.on(AssumeRoleCommand).rejects(Object.assign(new Error(`User: arn:aws-us-gov:iam::${CALLER}:user/org-auditor is not authorized to perform: sts:AssumeRole`), { name: 'AccessDenied' }));
    const access = liveOrganizationAccess(await session(), { roleName: 'hipaa-iam-auditor', description: 'unit test' });
    await expect(access.clientsIn(MEMBER)).rejects.toMatchObject({ name: 'AccessDenied' });
    access.close();
  });
});
