import {
  AddRoleToInstanceProfileCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateInstanceProfileCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  SetDefaultPolicyVersionCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/checks/check.js';
import { runChecks } from '../../src/checks/engine.js';
import privilegeEscalation from '../../src/checks/least-privilege/privilege-escalation.js';
import { DEFAULT_SETTINGS } from '../../src/settings.js';
import type { Snapshot } from '../../src/snapshot/schema.js';
import { collectSeededMoto, motoInstalled } from '../support/moto.js';

const ACCOUNT = '123456789012'; // moto's default account
const mine = (name: string) => `arn:aws:iam::${ACCOUNT}:policy/${name}`;
const json = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const trustEc2 = json([{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }]);

/**
 * Two administrator roles EC2 trusts, one in an instance profile and one in none; a user who may
 * do anything in EC2; a customer-managed policy whose default version reads S3 but whose older
 * version grants everything, and a user who may switch its default version.
 */
async function seed(iam: IAMClient): Promise<void> {
  const send = iam.send.bind(iam) as (command: unknown) => Promise<unknown>;
  await send(new CreatePolicyCommand({ PolicyName: 'everything', PolicyDocument: json([{ Effect: 'Allow', Action: '*', Resource: '*' }]) }));
  await send(new CreatePolicyCommand({ PolicyName: 'ec2-everything', PolicyDocument: json([{ Effect: 'Allow', Action: ['ec2:*', 'autoscaling:*'], Resource: '*' }]) }));
  await send(new CreatePolicyCommand({ PolicyName: 'app', PolicyDocument: json([{ Effect: 'Allow', Action: '*', Resource: '*' }]) }));
  await send(new CreatePolicyVersionCommand({ PolicyArn: mine('app'), PolicyDocument: json([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]), SetAsDefault: true }));
  await send(new CreatePolicyCommand({ PolicyName: 'switcher', PolicyDocument: json([{ Effect: 'Allow', Action: 'iam:SetDefaultPolicyVersion', Resource: mine('app') }]) }));
  await send(new SetDefaultPolicyVersionCommand({ PolicyArn: mine('app'), VersionId: 'v2' }));

  for (const role of ['ec2-admin', 'idle-admin']) {
    await send(new CreateRoleCommand({ RoleName: role, AssumeRolePolicyDocument: trustEc2 }));
    await send(new AttachRolePolicyCommand({ RoleName: role, PolicyArn: mine('everything') }));
  }
  await send(new CreateInstanceProfileCommand({ InstanceProfileName: 'ec2-admin' }));
  await send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'ec2-admin', RoleName: 'ec2-admin' }));

  await send(new CreateUserCommand({ UserName: 'ec2-operator' }));
  await send(new AttachUserPolicyCommand({ UserName: 'ec2-operator', PolicyArn: mine('ec2-everything') }));
  await send(new CreateUserCommand({ UserName: 'app-user' }));
  await send(new AttachUserPolicyCommand({ UserName: 'app-user', PolicyArn: mine('app') }));
  await send(new AttachUserPolicyCommand({ UserName: 'app-user', PolicyArn: mine('switcher') }));
}

describe.skipIf(!motoInstalled)('live path: escalation through instance profiles and policy versions, against moto', () => {
  let live: Awaited<ReturnType<typeof collectSeededMoto>> | undefined;
  let snapshot: Snapshot;
  let findings: Finding[];
  const byName = (name: string) => findings.find((f) => f.resourceName === name);

  beforeAll(async () => {
    live = await collectSeededMoto(seed);
    snapshot = live.snapshot;
    findings = runChecks([privilegeEscalation], snapshot, DEFAULT_SETTINGS, new Date(snapshot.collectedAt));
  });
  afterAll(async () => {
    await live?.restore();
  });

  it('the live collector keeps instance profiles and non-default versions (snapshot schema 2)', () => {
    expect(snapshot.schemaVersion).toBe(2);
    const details = snapshot.sources.authorizationDetails;
    if (details.status !== 'ok') throw new Error(`authorization details: ${JSON.stringify(details)}`);
    const roles = Object.fromEntries(details.data.roles.map((r) => [r.name, r.instanceProfiles?.map((p) => [p.name, p.roles])]));
    expect(roles['ec2-admin']).toEqual([['ec2-admin', [`arn:aws:iam::${ACCOUNT}:role/ec2-admin`]]]);
    expect(roles['idle-admin']).toEqual([]);
    expect(details.data.policies.find((p) => p.name === 'app')?.otherVersions?.map((v) => v.versionId)).toEqual(['v1']);
  });

  it('privilege-escalation (IAM-020): EC2 rights reach only the administrator role that is in an instance profile; an admin version makes SetDefaultPolicyVersion definite', () => {
    const operator = byName('ec2-operator');
    expect(operator?.status).toBe('FAIL');
    expect(operator?.evidence.certainty).toBe('depends');
    const paths = operator?.evidence.paths as { method: string; target: string }[];
    expect(paths.map((p) => p.method)).toContain('ec2:ModifyInstanceAttribute+ec2:StopInstances+ec2:StartInstances');
    expect([...new Set(paths.map((p) => p.target))]).toEqual(['role ec2-admin']);
    expect(byName('app-user')?.evidence).toMatchObject({ certainty: 'definite', methods: ['iam:SetDefaultPolicyVersion'] });
  });
});
