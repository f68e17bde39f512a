import {
  CreateLoginProfileCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetAccountPasswordPolicyCommand,
  GetAccountAuthorizationDetailsCommand,
  IAMClient,
  PutUserPolicyCommand,
  UpdateAccountPasswordPolicyCommand,
} from '@aws-sdk/client-iam';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hipaaIam, readFindings, runFolders, tempDir, verdicts, type CliResult } from '../support/cli.js';
import { auditorPolicy, createUserWithKey, shippedPolicy, enforceIamAuthorization, type AccessKey, type PolicyDocument } from '../support/moto-auth.js';
import { motoInstalled, startMoto, type Moto } from '../support/moto.js';

/*
 * The "done when", tried as a new user would: on a moto account with a weak password
 * policy, a console user without MFA outside any group and a role without a boundary, run as a
 * user holding only the actions of policies/hipaa-iam-auditor.json and
 * policies/hipaa-iam-remediator.json with moto enforcing IAM, a dry run changes nothing, one --apply of each command fixes them, the next
 * audit reads PASS, and a second --apply changes nothing.
 *
 * moto lacks PutUserPermissionsBoundary (it answers an HTML 500 page) and Access Analyzer: those
 * paths must fail cleanly, named in the output and the log, with exit code 3.
 */

const ACCOUNT = '123456789012';
const DEFAULT_KEY: AccessKey = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/**
 * The auditor's and the remediator's actions in one policy. moto authorizes IAM calls against
 * resource "*" and cannot evaluate IAM condition keys, so the remediator's resource and
 * condition scoping is flattened here: this proves its list of actions suffices, and
 * test/remediate/remediator-policy.test.ts proves its scoping with hipaa-iam's own engine.
 */
function auditorAndRemediator(): PolicyDocument {
  const flattened = shippedPolicy('hipaa-iam-remediator.json').Statement.map(({ Sid, Effect, Action }) => ({ Sid, Effect, Action, Resource: '*' }));
  return { Version: '2012-10-17', Statement: [...auditorPolicy().Statement, ...flattened] };
}

type LogRow = { time: string; action: string; target: string; before: string; after: string; result: string };
const csvRows = (path: string) => parse(readFileSync(path, 'utf8'), { columns: true }) as LogRow[];

/** What the account looks like, read with an administrator's key: the state a dry run must not touch. */
async function accountState(iam: IAMClient) {
  const details = await iam.send(new GetAccountAuthorizationDetailsCommand({}));
  const policy = await iam.send(new GetAccountPasswordPolicyCommand({})).then((r) => r.PasswordPolicy, () => null);
  return {
    passwordPolicy: policy,
    groups: (details.GroupDetailList ?? []).map((g) => [g.GroupName, (g.AttachedManagedPolicies ?? []).map((p) => p.PolicyName)]),
    memberships: (details.UserDetailList ?? []).map((u) => [u.UserName, u.GroupList ?? []]),
    boundaries: [...(details.UserDetailList ?? []), ...(details.RoleDetailList ?? [])].map((p) => p.PermissionsBoundary?.PermissionsBoundaryArn ?? null),
    policies: (details.Policies ?? []).map((p) => p.PolicyName).sort(),
  };
}

describe.skipIf(!motoInstalled)('remediation on moto, with IAM enforced, as the remediator would run it', () => {
  let moto: Moto;
  let admin: IAMClient;
  let env: Record<string, string>;
  const out = tempDir('remediation');
  const run = (args: string[]): CliResult & { runDir: string } => {
    const before = new Set(runFolders(out, ACCOUNT));
    const result = hipaaIam([...args, '--out', out], env);
    const runDir = runFolders(out, ACCOUNT).find((dir) => !before.has(dir)) ?? '';
    return { ...result, runDir };
  };

  beforeAll(async () => {
    moto = await startMoto();
    const seedIam = new IAMClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: DEFAULT_KEY });
    await seedIam.send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 8, RequireSymbols: false, RequireNumbers: true, RequireUppercaseCharacters: true, RequireLowercaseCharacters: true, AllowUsersToChangePassword: true, MaxPasswordAge: 180, PasswordReusePrevention: 5 }));
    await seedIam.send(new CreateUserCommand({ UserName: 'alice' }));
    await seedIam.send(new CreateLoginProfileCommand({ UserName: 'alice', Password: 'Correct-Horse-9!' }));
    await seedIam.send(new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) }));
    const remediator = await createUserWithKey(seedIam, 'remediator', auditorAndRemediator());
    const adminKey = await createUserWithKey(seedIam, 'admin', null);
    await seedIam.send(new PutUserPolicyCommand({ UserName: 'admin', PolicyName: 'all', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) }));
    seedIam.destroy();
    await enforceIamAuthorization(moto.endpoint);
    admin = new IAMClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: adminKey });
    env = { ...moto.env, AWS_ACCESS_KEY_ID: remediator.accessKeyId, AWS_SECRET_ACCESS_KEY: remediator.secretAccessKey };
  }, 60_000);

  afterAll(async () => {
    admin?.destroy();
    await moto?.stop();
  });

  it('dry runs print the exact changes, write remediation-plan.csv, and change nothing', async () => {
    const before = await accountState(admin);
    const plans = {
      'password-policy': run(['password-policy']),
      'mfa-audit': run(['mfa-audit', '--enforce']),
      boundary: run(['boundary']),
    };
    expect(await accountState(admin)).toEqual(before);

    expect(plans['password-policy'].stdout).toMatch(/Planned changes \(dry run; --apply makes them\):\n {2}1\. iam:UpdateAccountPasswordPolicy .*\n {7}before: MinimumPasswordLength=8 .*\n {7}after: {2}MinimumPasswordLength=14 /);
    expect(plans['mfa-audit'].stdout).toContain('iam:AddUserToGroup user alice');
    expect(plans['mfa-audit'].stdout).toContain('⚠ alice has no MFA device');
    expect(plans.boundary.stdout).toContain('iam:PutRolePermissionsBoundary role app');
    for (const plan of Object.values(plans)) {
      expect(existsSync(join(plan.runDir, 'remediation-plan.csv'))).toBe(true);
      expect(existsSync(join(plan.runDir, 'remediation-log.csv'))).toBe(false);
      expect(csvRows(join(plan.runDir, 'remediation-plan.csv')).every((r) => r.result === 'planned (not applied)')).toBe(true);
    }
    expect(csvRows(join(plans['mfa-audit'].runDir, 'remediation-plan.csv')).map((r) => r.action)).toEqual(['iam:CreatePolicy', 'iam:CreateGroup', 'iam:AttachGroupPolicy', 'iam:AddUserToGroup']);
  });

  it('one --apply of each command fixes them, logs every change, and fails cleanly where moto lacks the API', () => {
    const password = run(['password-policy', '--apply']);
    expect(password.stderr).toBe('');
    expect(password.status).toBe(0);
    expect(csvRows(join(password.runDir, 'remediation-log.csv')).map((r) => [r.action, r.result])).toEqual([['iam:UpdateAccountPasswordPolicy', 'applied']]);
    // The run folder records the account as the change left it.
    expect(new Set(readFindings(password.runDir).findings.map((f) => f.status))).toEqual(new Set(['PASS']));

    const mfa = run(['mfa-audit', '--enforce', '--apply']);
    const mfaLog = csvRows(join(mfa.runDir, 'remediation-log.csv'));
    expect(mfaLog.map((r) => [r.action, r.target, r.result])).toEqual([
      ['iam:CreatePolicy', `arn:aws:iam::${ACCOUNT}:policy/deny-without-mfa`, 'applied'],
      ['iam:CreateGroup', 'group human-users', 'applied'],
      ['iam:AttachGroupPolicy', 'group human-users', 'applied'],
      ['iam:AddUserToGroup', 'user alice', 'applied'],
    ]);
    expect(mfaLog[3]).toMatchObject({ before: 'groups: none', after: 'groups: human-users' });
    expect(mfa.status).toBe(1); // alice still has no MFA device: IAM-001 fails until she enrols

    const boundary = run(['boundary', '--apply']);
    expect(boundary.status).toBe(3);
    const boundaryLog = csvRows(join(boundary.runDir, 'remediation-log.csv'));
    expect(boundaryLog.map((r) => [r.action, r.target, r.result.split(':')[0]])).toEqual([
      ['iam:CreatePolicy', `arn:aws:iam::${ACCOUNT}:policy/permissions-boundary-base`, 'applied'],
      ['iam:PutUserPermissionsBoundary', 'user alice', 'failed'],
      ['iam:PutUserPermissionsBoundary', 'user admin', 'failed'],
      ['iam:PutRolePermissionsBoundary', 'role app', 'applied'],
      ['iam:PutUserPermissionsBoundary', 'user remediator', 'failed'],
    ]);
    expect(boundaryLog[1]!.result).toBe('failed: the endpoint answered HTTP 500 with a web page ("500 Internal Server Error"), not an AWS response: the operation may not be supported there');
    expect(boundary.stdout).toContain('✘ iam:PutUserPermissionsBoundary user alice: failed (the endpoint answered HTTP 500');
    expect(boundary.stdout).toContain('⚠ user remediator is the identity this run signs in as');
    expect(boundary.stderr).toBe('');

    const analyzer = run(['analyzer', '--enable', '--apply']);
    expect(analyzer.status).toBe(3);
    expect(analyzer.stdout).toMatch(/✘ cannot plan: IAM Access Analyzer: the regions could not be read|✘ cannot plan: us-east-1: analyzers could not be listed/);
    expect(csvRows(join(analyzer.runDir, 'remediation-log.csv'))).toEqual([]);
  });

  it('the next audit reads PASS for password-policy, mfa-enforcement and the role\'s boundary', () => {
    const audit = run(['audit']);
    const findings = readFindings(audit.runDir).findings;
    expect(findings.filter((f) => f.controlId === 'password-policy').map((f) => f.status)).toEqual(Array(8).fill('PASS'));
    const v = verdicts(findings);
    expect(v).toMatchObject({
      'mfa-enforcement alice': 'PASS',
      'mfa-enforcement remediator': 'NOT_APPLICABLE', // no console password
      'permissions-boundary app': 'PASS',
      'permissions-boundary alice': 'FAIL', // moto cannot set a user's boundary
      'boundary-strength permissions-boundary-base': 'PASS',
      'service-wildcard permissions-boundary-base': 'NOT_APPLICABLE',
    });
  });

  it('a second --apply changes nothing', async () => {
    const before = await accountState(admin);
    const password = run(['password-policy', '--apply']);
    const mfa = run(['mfa-audit', '--enforce', '--apply']);
    const boundary = run(['boundary', '--apply']);
    expect(password.stdout).toContain('Nothing to change.');
    expect(mfa.stdout).toContain('Nothing to change.');
    expect(csvRows(join(password.runDir, 'remediation-log.csv'))).toEqual([]);
    expect(csvRows(join(mfa.runDir, 'remediation-log.csv'))).toEqual([]);
    // Only what moto could not do is tried again; the policy and the role are left alone.
    expect(csvRows(join(boundary.runDir, 'remediation-log.csv')).map((r) => r.target)).toEqual(['user alice', 'user admin', 'user remediator']);
    expect(await accountState(admin)).toEqual(before);
  });
});
