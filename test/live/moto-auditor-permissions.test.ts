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
import { sourcesNeeded } from '../../src/checks/sources-needed.js';
import { createAwsClients } from '../../src/collect/aws-clients.js';
import { collectLive } from '../../src/collect/live.js';
import { operationsOf, SOURCE_ACTIONS } from '../../src/collect/source-actions.js';
import type { IdentityCenterInstance, Snapshot, SourceName } from '../../src/snapshot/schema.js';
import { hipaaIam, readFindings, runFolders, STALE_LIST_WARNING, tempDir, verdicts, type CliResult } from '../support/cli.js';
import { auditorPolicy, createUserWithKey, enforceIamAuthorization, isDenial, policyWithout, type AccessKey } from '../support/moto-auth.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { IDENTITY_CENTER_MOTO_ENV, seedIdentityCenter } from '../support/identity-center-moto.js';
import { createBucket, motoInstalled, startMoto, type Moto } from '../support/moto.js';

/*
 * What moto 5.2.1 can prove here, service by service (checked by the "moto enforces" case):
 * - iam, ec2 (DescribeRegions): enforced; a denial is AccessDenied naming the action.
 * - cloudtrail, organizations: enforced, but moto writes the denial as an XML ErrorResponse to
 *   these JSON-protocol services, which the SDK cannot parse: the CLI records SyntaxError
 *   "... (HTTP 403)" where AWS would say AccessDeniedException. isDenial counts the 403.
 * - sts:GetCallerIdentity: always allowed, as on AWS; the policy rightly does not grant it.
 * - sso (sso-admin), identitystore: enforced; the denial, in XML to these JSON-protocol services,
 *   is read as "... (HTTP 403)" as for cloudtrail. sso:GetPermissionsBoundaryForPermissionSet is
 *   not served by moto (HTTP 500): the fault proxy answers it, so moto proves it neither needed
 *   nor sufficient; test/policies.test.ts ties it to the call collection makes.
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
/** The sources `audit` reads: those its controls need (a source no control reads is not called). */
const AUDIT_SOURCES = sourcesNeeded(ALL_CHECKS);
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

/** Sources whose services moto denies in a body the SDK cannot read (XML for a JSON API: CloudTrail, Organizations, sso-admin), so the action's name is lost. */
const UNREADABLE_DENIAL_SOURCES: readonly SourceName[] = ['cloudTrail', 'organizations', 'identityCenter'];

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
    expect(deniedSources(nobody).sort()).toEqual(AUDIT_SOURCES.filter((s) => s !== 'callerIdentity').sort());
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
    // The Identity Center actions are proven below, on seeded permission sets through the proxy.
    const allowed = auditorPolicy().Statement.flatMap((s) => s.Action).filter((action) => !SOURCE_ACTIONS.identityCenter.includes(action));
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

/**
 * IAM Identity Center's actions, proven on moto the same way: the full auditor reads every part
 * of a seeded instance and exercises every action; lacking any one action leaves exactly the
 * part that action reads an error (the whole source for sso:ListInstances), never an empty list.
 * Collection runs in this process through the fault proxy, which answers
 * GetPermissionsBoundaryForPermissionSet (moto has none) as AWS does for a set without boundary.
 */
describe.skipIf(!motoInstalled)('live path: the auditor policy reads IAM Identity Center, and each of its actions is needed', () => {
  const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
  let moto: Moto;
  let proxy: FaultProxy;
  const keys = new Map<string, AccessKey>();
  let auditor: Snapshot;
  /** The part of an instance each action reads; GetPermissionsBoundaryForPermissionSet is left out (the proxy answers it, not moto). */
  const PART_OF_ACTION: Record<string, 'source' | 'permissionSets' | 'identityStore' | 'awsManagedPolicyDocuments'> = {
    'sso:ListInstances': 'source',
    'sso:ListPermissionSets': 'permissionSets',
    'sso:DescribePermissionSet': 'permissionSets',
    'sso:ListManagedPoliciesInPermissionSet': 'permissionSets',
    'sso:ListCustomerManagedPolicyReferencesInPermissionSet': 'permissionSets',
    'sso:GetInlinePolicyForPermissionSet': 'permissionSets',
    'sso:ListAccountsForProvisionedPermissionSet': 'permissionSets',
    'sso:ListAccountAssignments': 'permissionSets',
    'identitystore:ListUsers': 'identityStore',
    'identitystore:ListGroups': 'identityStore',
    'identitystore:ListGroupMemberships': 'identityStore',
    'iam:GetPolicy': 'awsManagedPolicyDocuments',
    'iam:GetPolicyVersion': 'awsManagedPolicyDocuments',
  };
  const ROWS = Object.entries(PART_OF_ACTION).map(([action, part]) => ({ action, part }));
  const userFor = (action: string) => `ic-auditor-no-${action.split(':')[1]}`;

  const read = async (userName: string): Promise<Snapshot> => {
    const key = keys.get(userName)!;
    const env = { ...moto.env, AWS_ENDPOINT_URL: proxy.endpoint, AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey };
    // The SDK's credential chain reads process.env: set it for this read (reads run one at a time), then put it back.
    const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
    Object.assign(process.env, env);
    try {
      return await collectLive({ clients: await createAwsClients({ region: REGION }, process.env), description: userName, needed: { sources: ['identityCenter'], by: 'this test' } });
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  };
  const instanceOf = (snapshot: Snapshot): IdentityCenterInstance => {
    const source = snapshot.sources.identityCenter;
    if (source.status !== 'ok') throw new Error(`identityCenter: ${JSON.stringify(source)}`);
    expect(source.data.instances).toHaveLength(1);
    return source.data.instances[0]!;
  };

  beforeAll(async () => {
    moto = await startMoto(IDENTITY_CENTER_MOTO_ENV);
    await seedIdentityCenter(moto.endpoint, {
      users: [{ userName: 'alice' }, { userName: 'bob' }],
      groups: [{ displayName: 'Clinicians', members: ['alice'] }],
      permissionSets: [{ name: 'RecordsRead', sessionDuration: 'PT4H', inlinePolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }, awsManagedPolicies: [READ_ONLY], customerManagedPolicies: [{ name: 'clinic' }], assignments: [{ group: 'Clinicians' }, { user: 'bob' }] }],
    });
    proxy = await startFaultProxy({ upstream: moto.endpoint, permissionsBoundaries: {} });
    const iam = new IAMClient({ endpoint: moto.endpoint, region: REGION, credentials: DEFAULT_KEY });
    keys.set('auditor', await createUserWithKey(iam, 'ic-auditor', auditorPolicy()));
    keys.set('nobody', await createUserWithKey(iam, 'ic-nobody', null));
    for (const { action } of ROWS) keys.set(userFor(action), await createUserWithKey(iam, userFor(action), policyWithout(auditorPolicy(), [action])));
    iam.destroy();
    await enforceIamAuthorization(moto.endpoint);
    auditor = await read('auditor');
  });
  afterAll(async () => {
    await proxy?.stop();
    await moto?.stop();
  });

  it('the table names every Identity Center action but the one moto cannot serve', () => {
    expect(Object.keys(PART_OF_ACTION).sort()).toEqual(SOURCE_ACTIONS.identityCenter.filter((a) => a !== 'sso:GetPermissionsBoundaryForPermissionSet').sort());
  });

  it('moto enforces: a user with no policy is denied ListInstances, so the whole source is that denial', async () => {
    const nobody = await read('nobody');
    expect(nobody.sources.identityCenter.status).toBe('error');
    expect(nobody.sources.identityCenter.status === 'error' && isDenial(nobody.sources.identityCenter.error)).toBe(true);
  });

  it('the auditor policy reads every part, calling every Identity Center action', () => {
    const instance = instanceOf(auditor);
    expect(instance.permissionSets).toMatchObject({ status: 'ok', data: [{ name: 'RecordsRead', sessionDuration: 'PT4H', accounts: [ACCOUNT], assignments: expect.arrayContaining([expect.objectContaining({ principalType: 'GROUP' }), expect.objectContaining({ principalType: 'USER' })]) }] });
    expect(instance.identityStore).toMatchObject({ status: 'ok', data: { users: expect.arrayContaining([expect.objectContaining({ userName: 'alice' })]), memberships: [expect.anything()] } });
    expect(instance.awsManagedPolicyDocuments[READ_ONLY]?.status).toBe('ok');
    const operations = auditor.collection.calls.identityCenter?.operations ?? {};
    expect(SOURCE_ACTIONS.identityCenter.filter((action) => !operationsOf(action).some((operation) => operations[operation]))).toEqual([]);
  });

  it.each(ROWS)('without $action: $part is a denial, every other part as the full auditor read it', async ({ action, part }) => {
    const run = await read(userFor(action));
    const source = run.sources.identityCenter;
    if (part === 'source') {
      expect(source.status === 'error' && isDenial(source.error)).toBe(true);
      return;
    }
    const instance = instanceOf(run);
    const full = instanceOf(auditor);
    if (part === 'awsManagedPolicyDocuments') {
      const document = instance.awsManagedPolicyDocuments[READ_ONLY];
      expect(document?.status === 'error' && isDenial(document.error)).toBe(true);
      expect(document?.status === 'error' && document.error.message).toContain(`is not authorized to perform: ${action}`);
    } else {
      const result = instance[part];
      expect(result.status === 'error' && isDenial(result.error), JSON.stringify(result)).toBe(true);
    }
    // Without the permission sets, which AWS managed policies they use is unknown: none is read.
    const expected = { ...full, ...(part === 'permissionSets' ? { awsManagedPolicyDocuments: {} } : {}) };
    for (const other of ['permissionSets', 'identityStore', 'awsManagedPolicyDocuments'] as const) if (other !== part) expect(instance[other], other).toEqual(expected[other]);
  });
});
