import { CloudTrailClient, CreateTrailCommand, PutEventSelectorsCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import {
  AddUserToGroupCommand,
  AttachRolePolicyCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetAccountSummaryCommand,
  IAMClient,
  PutGroupPolicyCommand,
  UpdateAccountPasswordPolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateOrganizationCommand, CreatePolicyCommand as CreateServiceControlPolicyCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/checks/check.js';
import { ALL_CHECKS } from '../../src/checks/registry.js';
import { operationsOf } from '../../src/collect/source-actions.js';
import { SOURCE_NAMES, type SourceName } from '../../src/snapshot/schema.js';
import { hipaaIam, readFindings, runFolders, STALE_LIST_WARNING, tempDir, verdicts, type CliResult } from '../support/cli.js';
import { auditorPolicy, createUserWithKey, enforceIamAuthorization, isDenial, policyWithout, type AccessKey } from '../support/moto-auth.js';
import { createBucket, motoInstalled, startMoto, type Moto } from '../support/moto.js';

/*
 * What moto 5.2.1 can prove here, service by service (checked by the "moto enforces" case):
 * - iam, ec2 (DescribeRegions): enforced; a denial is AccessDenied naming the action.
 * - cloudtrail, organizations: enforced, but moto writes the denial as an XML ErrorResponse to
 *   these JSON-protocol services, which the SDK cannot parse: the CLI records SyntaxError
 *   "... (HTTP 403)" where AWS would say AccessDeniedException. isDenial counts the 403.
 * - sts:GetCallerIdentity: always allowed, as on AWS; the policy rightly does not grant it.
 * - access-analyzer: moto has no such service (500 for every call, signed or not), so nothing
 *   here proves access-analyzer:ListAnalyzers or access-analyzer:ListFindings (which authorizes ListFindingsV2) sufficient or
 *   needed; only test/policies.test.ts ties them to the calls collection makes.
 */

const ACCOUNT = '123456789012'; // moto's default account
const REGION = 'us-east-1';
const DEFAULT_KEY: AccessKey = { accessKeyId: 'testing', secretAccessKey: 'testing' };

interface SourceError {
  source: string;
  code: string;
  message: string;
}
interface AuditRun {
  result: CliResult;
  caller: { arn: string } | null;
  sourceErrors: SourceError[];
  /** Operation → how often collection called it, whatever the answer. */
  operations: Record<string, number>;
  findings: Finding[];
}

/** The controls that cannot judge without a source, from each check's metadata. */
const readersOf = (source: SourceName) => ALL_CHECKS.filter((c) => c.meta.sources.includes(source)).map((c) => c.meta.controlId).sort();
const deniedSources = (run: AuditRun) => run.sourceErrors.filter(isDenial).map((e) => e.source);
const statusesOf = (run: AuditRun, controls: readonly string[]) => [...new Set(run.findings.filter((f) => controls.includes(f.controlId)).map((f) => f.status))];
const withoutControls = (run: AuditRun, controls: readonly string[]) => verdicts(run.findings.filter((f) => !controls.includes(f.controlId)));

/**
 * One row per action of the shipped policy that moto can test: the user lacking only that
 * action, where the denial lands (a whole source, or a part kept inside one), and the controls
 * that must then say ERROR. Every other control must keep the full auditor's verdict.
 */
const WITHOUT_ONE_ACTION: { action: string; source: SourceName; failsWholeSource: boolean; controls: string[] }[] = [
  { action: 'iam:GetAccountPasswordPolicy', source: 'passwordPolicy', failsWholeSource: true, controls: ['password-policy'] },
  { action: 'cloudtrail:DescribeTrails', source: 'cloudTrail', failsWholeSource: true, controls: ['cloudtrail-cloudwatch', 'cloudtrail-kms', 'cloudtrail-log-validation', 'cloudtrail-multi-region'] },
  // A trail's status and selectors are read per trail and kept with it; only the logging verdict needs them.
  { action: 'cloudtrail:GetTrailStatus', source: 'cloudTrail', failsWholeSource: false, controls: ['cloudtrail-multi-region'] },
  { action: 'cloudtrail:GetEventSelectors', source: 'cloudTrail', failsWholeSource: false, controls: ['cloudtrail-multi-region'] },
  { action: 'iam:GenerateCredentialReport', source: 'credentialReport', failsWholeSource: true, controls: ['access-key-rotation', 'federation', 'key-at-setup', 'mfa-enforcement', 'multiple-active-keys', 'root-recent-use', 'unused-credentials', 'user-console-mfa'] },
  { action: 'iam:GetCredentialReport', source: 'credentialReport', failsWholeSource: true, controls: ['access-key-rotation', 'federation', 'key-at-setup', 'mfa-enforcement', 'multiple-active-keys', 'root-recent-use', 'unused-credentials', 'user-console-mfa'] },
  {
    action: 'iam:GetAccountAuthorizationDetails',
    source: 'authorizationDetails',
    failsWholeSource: true,
    controls: ['admin-access', 'boundary-strength', 'federation', 'inline-policies', 'kms-decrypt-wildcard', 'mfa-enforcement', 'non-eligible-services', 'permissions-boundary', 'privilege-escalation', 'service-wildcard', 'session-duration', 'support-role', 'user-direct-policies', 'user-in-group'],
  },
  // Authorization details omit roles' session limits; without ListRoles only session-duration is blind.
  { action: 'iam:ListRoles', source: 'authorizationDetails', failsWholeSource: false, controls: ['session-duration'] },
  { action: 'iam:GetAccountSummary', source: 'accountSummary', failsWholeSource: true, controls: ['root-access-keys', 'root-hardware-mfa', 'root-mfa'] },
  { action: 'iam:ListVirtualMFADevices', source: 'virtualMfaDevices', failsWholeSource: true, controls: ['root-hardware-mfa'] },
  { action: 'iam:ListSAMLProviders', source: 'identityProviders', failsWholeSource: true, controls: ['federation'] },
  { action: 'iam:ListOpenIDConnectProviders', source: 'identityProviders', failsWholeSource: true, controls: ['federation'] },
  { action: 'organizations:DescribeOrganization', source: 'organizations', failsWholeSource: true, controls: ['scp-eligible-allowlist'] },
  // On AWS a denied SCP read is kept inside the source (scpsUnavailable); moto's unparseable 403
  // fails the whole source instead. Both leave scp-eligible-allowlist ERROR, which is what matters.
  { action: 'organizations:ListPolicies', source: 'organizations', failsWholeSource: false, controls: ['scp-eligible-allowlist'] },
  { action: 'organizations:DescribePolicy', source: 'organizations', failsWholeSource: false, controls: ['scp-eligible-allowlist'] },
  // Access Analyzer is already in error on moto (HTTP 500); without DescribeRegions it is denied before that.
  { action: 'ec2:DescribeRegions', source: 'accessAnalyzer', failsWholeSource: true, controls: ['access-analyzer-enabled', 'access-analyzer-findings'] },
];
const partialAuditor = (action: string) => `partial-auditor-no-${action.split(':')[1]}`;

/** Sources whose services moto denies in a body the SDK cannot read, so the action's name is lost. */
const UNREADABLE_DENIAL_SOURCES: readonly SourceName[] = ['cloudTrail', 'organizations'];

/**
 * A small clinic's account with something for every source to read: a weak password policy, a
 * console user without MFA in a group, a service role on a customer policy, a role people assume, a multi-region trail that
 * logs, and an organization with a service control policy (so the SCPs are read too).
 */
async function seed(moto: Moto): Promise<void> {
  const config = { endpoint: moto.endpoint, region: REGION, credentials: DEFAULT_KEY };
  const iam = new IAMClient(config);
  const cloudTrail = new CloudTrailClient(config);
  const organizations = new OrganizationsClient(config);
  const json = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

  await iam.send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 8, RequireSymbols: false, RequireNumbers: true, RequireUppercaseCharacters: true, RequireLowercaseCharacters: true, AllowUsersToChangePassword: true, MaxPasswordAge: 90, PasswordReusePrevention: 24 }));
  await iam.send(new CreateUserCommand({ UserName: 'alice' }));
  await iam.send(new CreateLoginProfileCommand({ UserName: 'alice', Password: 'Correct-Horse-9!' }));
  await iam.send(new CreateGroupCommand({ GroupName: 'clinicians' }));
  await iam.send(new PutGroupPolicyCommand({ GroupName: 'clinicians', PolicyName: 'read-records', PolicyDocument: json([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::phi-records/*' }]) }));
  await iam.send(new AddUserToGroupCommand({ GroupName: 'clinicians', UserName: 'alice' }));
  const appData = await iam.send(new CreatePolicyCommand({ PolicyName: 'app-data', PolicyDocument: json([{ Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/patients` }]) }));
  await iam.send(new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: json([{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }]) }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'app', PolicyArn: appData.Policy?.Arn }));
  // A role people assume, so session-duration has a role whose limit ListRoles must supply.
  await iam.send(new CreateRoleCommand({ RoleName: 'support', MaxSessionDuration: 3600, AssumeRolePolicyDocument: json([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }]) }));

  await createBucket(moto.endpoint, 'clinic-audit-logs', REGION);
  await cloudTrail.send(new CreateTrailCommand({ Name: 'main', S3BucketName: 'clinic-audit-logs', IsMultiRegionTrail: true, EnableLogFileValidation: true }));
  await cloudTrail.send(new StartLoggingCommand({ Name: 'main' }));
  // AWS gives a new trail its default selector (all management events); moto gives none, which reads as unknown.
  await cloudTrail.send(new PutEventSelectorsCommand({ TrailName: 'main', EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] }));

  await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  await organizations.send(new CreateServiceControlPolicyCommand({ Name: 'stay-in-org', Description: 'accounts may not leave', Type: 'SERVICE_CONTROL_POLICY', Content: json([{ Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' }]) }));
  for (const client of [iam, cloudTrail, organizations]) client.destroy();
}

describe.skipIf(!motoInstalled)('live path: the shipped auditor policy is all the audit needs, and every part of it is needed', () => {
  let moto: Moto;
  const keys = new Map<string, AccessKey>();
  let auditor: AuditRun;
  const outDirs: string[] = [];

  const audit = (userName: string): AuditRun => {
    const key = keys.get(userName);
    if (!key) throw new Error(`no access key for ${userName}`);
    const out = tempDir(`moto-auth-${userName}`);
    outDirs.push(out);
    const result = hipaaIam(['audit', '--out', out], { ...moto.env, AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey });
    const [runDir] = runFolders(out, ACCOUNT);
    if (!runDir) throw new Error(`the audit as ${userName} wrote no run folder (exit ${result.status}): ${result.stderr}`);
    const run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as {
      caller: { arn: string } | null;
      sourceErrors: SourceError[];
      collection: { calls: Record<string, { operations: Record<string, number> }> };
    };
    const operations = Object.assign({}, ...Object.values(run.collection.calls).map((c) => c.operations)) as Record<string, number>;
    return { result, caller: run.caller, sourceErrors: run.sourceErrors, operations, findings: readFindings(runDir).findings };
  };

  beforeAll(async () => {
    moto = await startMoto();
    await seed(moto);
    // Every principal is made before enforcement, so each audit sees the same account.
    const iam = new IAMClient({ endpoint: moto.endpoint, region: REGION, credentials: DEFAULT_KEY });
    keys.set('auditor', await createUserWithKey(iam, 'auditor', auditorPolicy()));
    keys.set('nobody', await createUserWithKey(iam, 'nobody', null));
    for (const { action } of WITHOUT_ONE_ACTION) keys.set(partialAuditor(action), await createUserWithKey(iam, partialAuditor(action), policyWithout(auditorPolicy(), [action])));
    iam.destroy();
    await enforceIamAuthorization(moto.endpoint);
    auditor = audit('auditor');
  });
  afterAll(async () => {
    await moto?.stop();
    for (const dir of outDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('moto enforces: the default key is refused, and a user with no policy is denied every source but its own identity', async () => {
    const accountSummary = (key: AccessKey) => {
      const iam = new IAMClient({ endpoint: moto.endpoint, region: REGION, credentials: key, maxAttempts: 1 });
      return iam.send(new GetAccountSummaryCommand({})).finally(() => iam.destroy());
    };
    await expect(accountSummary(DEFAULT_KEY)).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
    await expect(accountSummary(keys.get('nobody')!)).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(accountSummary(keys.get('auditor')!)).resolves.toMatchObject({ SummaryMap: expect.objectContaining({ Users: expect.any(Number) }) });

    const nobody = audit('nobody');
    expect(nobody.result.status).toBe(3);
    // sts:GetCallerIdentity needs no permission, on AWS as on moto.
    expect(nobody.caller?.arn).toBe(`arn:aws:iam::${ACCOUNT}:user/nobody`);
    expect(deniedSources(nobody).sort()).toEqual(SOURCE_NAMES.filter((s) => s !== 'callerIdentity').sort());
    // IAM and EC2 say which action was refused: moto evaluated the (empty) policy, not a broken request.
    for (const error of nobody.sourceErrors.filter((e) => !UNREADABLE_DENIAL_SOURCES.includes(e.source as SourceName))) {
      expect(error.message, error.source).toMatch(/user\/nobody is not authorized to perform: (iam|ec2):\w+/);
    }
    for (const check of ALL_CHECKS.filter((c) => c.meta.sources.length > 0)) {
      expect(statusesOf(nobody, [check.meta.controlId]), check.meta.controlId).toEqual(['ERROR']);
    }
  });

  it('the auditor policy reads every source moto serves: no denial, and every control judges', () => {
    // Nothing on stderr but the warning that the built-in eligible-services list is over 180 days old.
    expect(auditor.result.stderr).toMatch(STALE_LIST_WARNING);
    expect(auditor.caller?.arn).toBe(`arn:aws:iam::${ACCOUNT}:user/auditor`);
    expect(auditor.sourceErrors.filter(isDenial)).toEqual([]);
    // The one source in error is Access Analyzer, which moto lacks: a 500, not a refusal.
    expect(auditor.sourceErrors).toEqual([{ source: 'accessAnalyzer', code: 'SyntaxError', message: expect.stringContaining('(HTTP 500)') }]);

    // Every allowed action was exercised, save ListFindings (which ListFindingsV2 calls need): moto lists no analyzer to ask about.
    const allowed = auditorPolicy().Statement.flatMap((s) => s.Action);
    const unexercised = allowed.filter((action) => !operationsOf(action).some((operation) => auditor.operations[operation]));
    expect(unexercised).toEqual(['access-analyzer:ListFindings']);

    // Controls on sources read in full judge; a part read inside a source (a trail's status, role
    // session limits, the SCPs) would show as ERROR here too. root-recent-use is ERROR because
    // moto's credential report has no <root_account> row, not for want of a permission.
    const judged = ALL_CHECKS.filter((c) => !c.meta.sources.includes('accessAnalyzer')).map((c) => c.meta.controlId);
    const errors = auditor.findings.filter((f) => judged.includes(f.controlId) && f.status === 'ERROR');
    expect(errors.map((f) => [f.controlId, f.message])).toEqual([['root-recent-use', expect.stringContaining('no <root_account> row')]]);
    expect(statusesOf(auditor, readersOf('accessAnalyzer'))).toEqual(['ERROR']);
    expect(auditor.result.status).toBe(3);

    // And what it read is the seeded account, not empty answers.
    expect(verdicts(auditor.findings)).toMatchObject({
      'password-policy MinimumPasswordLength': 'FAIL',
      'password-policy PasswordReusePrevention': 'PASS',
      'user-console-mfa alice': 'FAIL',
      'cloudtrail-multi-region main': 'PASS',
      'cloudtrail-log-validation main': 'PASS',
      'cloudtrail-kms main': 'FAIL',
      'session-duration support': 'PASS',
    });
    expect(auditor.findings.find((f) => f.controlId === 'scp-eligible-allowlist')?.status).toMatch(/^(PASS|FAIL)$/);
  });

  it('the table names exactly the controls that read each source it fails whole', () => {
    for (const row of WITHOUT_ONE_ACTION.filter((r) => r.failsWholeSource)) expect(row.controls, row.action).toEqual(readersOf(row.source));
  });

  it.each(WITHOUT_ONE_ACTION)('without $action: $controls turn ERROR and every other verdict stands', ({ action, source, failsWholeSource, controls }) => {
    const run = audit(partialAuditor(action));
    expect(run.result.status).toBe(3);
    const denied = deniedSources(run);
    if (failsWholeSource) {
      expect(denied).toEqual([source]);
      const error = run.sourceErrors.find((e) => e.source === source);
      if (!UNREADABLE_DENIAL_SOURCES.includes(source)) expect(error?.message).toContain(`is not authorized to perform: ${action}`);
    } else {
      expect(denied.filter((s) => s !== source)).toEqual([]);
    }
    expect(statusesOf(run, controls)).toEqual(['ERROR']);
    expect(withoutControls(run, controls)).toEqual(withoutControls(auditor, controls));
  });
});
