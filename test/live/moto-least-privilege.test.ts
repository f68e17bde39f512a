import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutRolePermissionsBoundaryCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import boundaryStrength from '../../src/checks/boundary/boundary-strength.js';
import type { Finding } from '../../src/checks/check.js';
import { runChecks } from '../../src/checks/engine.js';
import adminAccess from '../../src/checks/least-privilege/admin-access.js';
import kmsDecryptWildcard from '../../src/checks/least-privilege/kms-decrypt-wildcard.js';
import privilegeEscalation from '../../src/checks/least-privilege/privilege-escalation.js';
import serviceWildcard from '../../src/checks/least-privilege/service-wildcard.js';
import { DEFAULT_SETTINGS } from '../../src/settings.js';
import type { Snapshot } from '../../src/snapshot/schema.js';
import { collectSeededMoto, motoInstalled } from '../support/moto.js';

const ACCOUNT = '123456789012'; // moto's default account
const aws = (name: string) => `arn:aws:iam::aws:policy/${name}`;
const mine = (name: string) => `arn:aws:iam::${ACCOUNT}:policy/${name}`;
const json = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const trustService = (service: string) => json([{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }]);
const trustAdminUser = json([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/admin` }, Action: 'sts:AssumeRole' }]);

/**
 * An account holding AWS's own managed policies (moto loads them with
 * MOTO_IAM_LOAD_MANAGED_POLICIES=true) and a few traps: an Allow of everything cancelled by a
 * Deny, IAMFullAccess fenced by a Deny of IAM, escalation through a new version of one's own
 * policy, a Lambda administrator role, inline wildcards, and boundaries strong and weak.
 */
async function seed(iam: IAMClient): Promise<void> {
  const send = iam.send.bind(iam) as (command: unknown) => Promise<unknown>;
  const policy = async (name: string, statements: object[]) => send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: json(statements) }));
  await policy('deny-everything', [{ Effect: 'Deny', Action: '*', Resource: '*' }]);
  await policy('deny-iam', [{ Effect: 'Deny', Action: 'iam:*', Resource: '*' }]);
  await policy('self-versioning', [
    { Effect: 'Allow', Action: ['iam:CreatePolicyVersion', 'iam:GetPolicy', 'iam:ListPolicyVersions'], Resource: mine('self-versioning') },
    { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::phi-records/*' },
  ]);
  await policy('versions-of-aws-policies', [{ Effect: 'Allow', Action: 'iam:CreatePolicyVersion', Resource: 'arn:aws:iam::aws:policy/*' }]);
  await policy('app-boundary', [
    { Effect: 'Allow', Action: '*', Resource: '*' },
    { Effect: 'Deny', Action: 'iam:*', Resource: '*' },
  ]);
  await policy('kms-via-s3', [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } }]);

  const user = async (name: string, attached: string[], extra?: () => Promise<void>) => {
    await send(new CreateUserCommand({ UserName: name }));
    for (const arn of attached) await send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: arn }));
    await extra?.();
  };
  await user('admin', [aws('AdministratorAccess')]);
  await user('power', [aws('PowerUserAccess')]);
  await user('reader', [aws('ReadOnlyAccess')]);
  await user('iam-full', [aws('IAMFullAccess')]);
  await user('fenced', [aws('IAMFullAccess'), mine('deny-iam')]);
  await user('cancelled', [aws('AdministratorAccess'), mine('deny-everything')]);
  await user('versioner', [mine('self-versioning')]);
  await user('aws-versioner', [mine('versions-of-aws-policies')]);
  await user('wildcard', [mine('kms-via-s3')], async () => {
    await send(new PutUserPolicyCommand({ UserName: 'wildcard', PolicyName: 'ad-hoc', PolicyDocument: json([{ Effect: 'Allow', Action: ['ec2:*', 'kms:Decrypt'], Resource: '*' }]) }));
  });
  await send(new CreateGroupCommand({ GroupName: 'operators' }));
  await send(new AttachGroupPolicyCommand({ GroupName: 'operators', PolicyArn: aws('AdministratorAccess') }));
  await user('operator', [], async () => {
    await send(new AddUserToGroupCommand({ GroupName: 'operators', UserName: 'operator' }));
  });

  await send(new CreateRoleCommand({ RoleName: 'lambda-admin', AssumeRolePolicyDocument: trustService('lambda.amazonaws.com') }));
  await send(new AttachRolePolicyCommand({ RoleName: 'lambda-admin', PolicyArn: aws('AdministratorAccess') }));
  // moto keeps no boundary of a user, so the bounded principals are roles.
  await send(new CreateRoleCommand({ RoleName: 'bounded', AssumeRolePolicyDocument: trustService('ssm.amazonaws.com') }));
  await send(new AttachRolePolicyCommand({ RoleName: 'bounded', PolicyArn: aws('AdministratorAccess') }));
  await send(new PutRolePermissionsBoundaryCommand({ RoleName: 'bounded', PermissionsBoundary: mine('app-boundary') }));
  await send(new CreateRoleCommand({ RoleName: 'deployer', AssumeRolePolicyDocument: trustAdminUser }));
  await send(new AttachRolePolicyCommand({ RoleName: 'deployer', PolicyArn: aws('AWSLambda_FullAccess') }));
  await send(new CreateRoleCommand({ RoleName: 'sandbox', AssumeRolePolicyDocument: trustService('ssm.amazonaws.com') }));
  await send(new AttachRolePolicyCommand({ RoleName: 'sandbox', PolicyArn: aws('AdministratorAccess') }));
  await send(new PutRolePermissionsBoundaryCommand({ RoleName: 'sandbox', PermissionsBoundary: aws('AdministratorAccess') }));
}

describe.skipIf(!motoInstalled)('live path: the policy-analysis controls against moto with AWS managed policies', () => {
  let live: Awaited<ReturnType<typeof collectSeededMoto>> | undefined;
  let snapshot: Snapshot;
  let findings: Finding[];

  const verdicts = (controlId: string) => Object.fromEntries(findings.filter((f) => f.controlId === controlId).map((f) => [f.resourceName, f.status]));

  beforeAll(async () => {
    // The SDK reads the endpoint and keys from the environment, as a live run does.
    live = await collectSeededMoto(seed, { MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' });
    snapshot = live.snapshot;
    findings = runChecks([adminAccess, serviceWildcard, kmsDecryptWildcard, privilegeEscalation, boundaryStrength], snapshot, DEFAULT_SETTINGS, new Date(snapshot.collectedAt));
  });
  afterAll(async () => {
    await live?.restore();
  });

  it('collects the AWS managed policies the principals use, with their documents', () => {
    const details = snapshot.sources.authorizationDetails;
    expect(details.status).toBe('ok');
    if (details.status !== 'ok') return;
    for (const name of ['AdministratorAccess', 'PowerUserAccess', 'ReadOnlyAccess', 'IAMFullAccess', 'AWSLambda_FullAccess']) {
      expect(details.data.policies.find((p) => p.arn === aws(name))?.document, name).not.toBeNull();
    }
  });

  it('admin-access (IAM-014): AdministratorAccess is admin, PowerUserAccess and ReadOnlyAccess are not, a Deny of everything cancels it', () => {
    expect(verdicts('admin-access')).toMatchObject({
      admin: 'FAIL',
      operator: 'FAIL',
      operators: 'FAIL',
      power: 'PASS',
      reader: 'PASS',
      'iam-full': 'PASS',
      cancelled: 'PASS',
      versioner: 'PASS',
      bounded: 'PASS', // the boundary takes back iam:*: no IAM administration left, not administrator access (IAM-020 fails it below)
      'lambda-admin': 'FAIL',
      sandbox: 'FAIL', // a boundary of AdministratorAccess caps nothing
      deployer: 'PASS',
    });
  });

  it('privilege-escalation (IAM-020): IAMFullAccess and a self-versioned policy escalate; the traps do not', () => {
    expect(verdicts('privilege-escalation')).toEqual({
      admin: 'NOT_APPLICABLE',
      operator: 'NOT_APPLICABLE',
      'lambda-admin': 'NOT_APPLICABLE',
      sandbox: 'NOT_APPLICABLE',
      'iam-full': 'FAIL',
      versioner: 'FAIL',
      deployer: 'FAIL', // AWSLambda_FullAccess passes lambda-admin to a new function
      power: 'FAIL', // only through an existing function of lambda-admin (certainty: depends)
      bounded: 'FAIL', // everything but IAM: it can run code as lambda-admin
      fenced: 'PASS', // IAMFullAccess, but every IAM action is denied
      cancelled: 'PASS', // everything, but everything is denied
      'aws-versioner': 'PASS', // may version only AWS-managed policies, which nobody can
      reader: 'PASS',
      wildcard: 'PASS',
    });
    const byName = (name: string) => findings.find((f) => f.controlId === 'privilege-escalation' && f.resourceName === name);
    expect(byName('versioner')?.evidence).toMatchObject({ certainty: 'definite', methods: ['iam:CreatePolicyVersion'] });
    expect(byName('deployer')?.evidence.methods).toContain('iam:PassRole+lambda:CreateFunction+lambda:InvokeFunction');
    expect(byName('power')?.evidence).toMatchObject({ certainty: 'depends', methods: ['lambda:UpdateFunctionCode'] });
  });

  // app-boundary is only a permissions boundary: it grants nothing, so boundary-strength judges it instead.
  it('service-wildcard (IAM-015) and kms-decrypt-wildcard (IAM-019) judge our own policies only', () => {
    expect(verdicts('service-wildcard')).toEqual({
      'deny-everything': 'PASS',
      'deny-iam': 'PASS',
      'self-versioning': 'PASS',
      'versions-of-aws-policies': 'PASS',
      'app-boundary': 'NOT_APPLICABLE',
      'kms-via-s3': 'PASS',
      'user wildcard/ad-hoc': 'FAIL',
    });
    expect(verdicts('kms-decrypt-wildcard')).toEqual({
      'deny-everything': 'PASS',
      'deny-iam': 'PASS',
      'self-versioning': 'PASS',
      'versions-of-aws-policies': 'PASS',
      'app-boundary': 'NOT_APPLICABLE',
      'kms-via-s3': 'PASS',
      'user wildcard/ad-hoc': 'FAIL',
    });
  });

  it('boundary-strength (IAM-023): AdministratorAccess as a boundary fails, Allow * with Deny iam:* passes', () => {
    expect(verdicts('boundary-strength')).toEqual({ 'app-boundary': 'PASS', AdministratorAccess: 'FAIL' });
  });
});
