import { AccessAnalyzerClient, AccessAnalyzerServiceException, CreateAnalyzerCommand } from '@aws-sdk/client-accessanalyzer';
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  IAMClient,
  IAMServiceException,
  PutUserPermissionsBoundaryCommand,
  UpdateAccountPasswordPolicyCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { applyPlan, failureReason, type RemediationClients } from '../../src/remediate/apply.js';
import { planAnalyzers } from '../../src/remediate/analyzer.js';
import { planMfaEnforcement } from '../../src/remediate/mfa-enforcement.js';
import { targetPasswordPolicy } from '../../src/remediate/password-policy.js';
import { emptyPlan, type PlannedChange } from '../../src/remediate/plan.js';
import { remediationLogCsv } from '../../src/report/remediation-log.js';
import { DEFAULT_SETTINGS } from '../../src/settings.js';
import { ACCOUNT, iamUser, NOW, reportRow, snapshotWith } from '../support/snapshot.js';

const CREDENTIALS = { accessKeyId: 'x', secretAccessKey: 'y' };
const iamMock = mockClient(IAMClient);
const analyzerMock = mockClient(AccessAnalyzerClient);
const regionsReached: string[] = [];
const clients: RemediationClients = {
  iam: new IAMClient({ region: 'us-east-1', credentials: CREDENTIALS }),
  accessAnalyzerIn: (region) => {
    regionsReached.push(region);
    return new AccessAnalyzerClient({ region, credentials: CREDENTIALS });
  },
};
const clock = () => NOW;
const iamError = (name: string, message: string) => new IAMServiceException({ name, $fault: 'client', message, $metadata: { httpStatusCode: 409 } });

beforeEach(() => {
  iamMock.reset();
  analyzerMock.reset();
  regionsReached.length = 0;
});

/** A fresh account where enforcing MFA takes a policy, a group, an attachment and two memberships. */
const mfaPlan = () =>
  planMfaEnforcement(
    snapshotWith((s) => {
      s.sources.credentialReport = { status: 'ok', data: { generatedAt: NOW.toISOString(), rows: [reportRow('alice', { password_enabled: 'true' }), reportRow('bob', { password_enabled: 'true' })] } };
      s.sources.authorizationDetails = { status: 'ok', data: { users: [iamUser('alice'), iamUser('bob')], groups: [], roles: [], policies: [] } };
    }),
  );

describe('applyPlan', () => {
  it('sends each change once, in order, with the planned parameters', async () => {
    iamMock.onAnyCommand().resolves({});
    const outcomes = await applyPlan(mfaPlan(), clients, clock);
    expect(outcomes.map((o) => o.result)).toEqual(['applied', 'applied', 'applied', 'applied', 'applied']);
    const sent = iamMock.calls().map((c) => c.args[0].constructor.name);
    expect(sent).toEqual(['CreatePolicyCommand', 'CreateGroupCommand', 'AttachGroupPolicyCommand', 'AddUserToGroupCommand', 'AddUserToGroupCommand']);
    const created = iamMock.commandCalls(CreatePolicyCommand)[0]!.args[0].input;
    expect(created.PolicyName).toBe('deny-without-mfa');
    expect(JSON.parse(created.PolicyDocument!)).toMatchObject({ Statement: expect.arrayContaining([expect.objectContaining({ Effect: 'Deny', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } })]) });
    expect(iamMock.commandCalls(AttachGroupPolicyCommand)[0]!.args[0].input).toEqual({ GroupName: 'human-users', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/deny-without-mfa` });
    expect(iamMock.commandCalls(AddUserToGroupCommand).map((c) => c.args[0].input.UserName)).toEqual(['alice', 'bob']);
  });

  it('records a failure with its reason, skips what depends on it, and still runs the rest', async () => {
    iamMock.onAnyCommand().resolves({});
    iamMock.on(CreatePolicyCommand).rejects(iamError('AccessDenied', 'not authorized to perform: iam:CreatePolicy'));
    const outcomes = await applyPlan(mfaPlan(), clients, clock);
    expect(outcomes.map((o) => [o.planned.change.kind, o.result])).toEqual([
      ['create-policy', 'failed'],
      ['create-group', 'applied'],
      ['attach-group-policy', 'skipped'],
      ['add-user-to-group', 'applied'],
      ['add-user-to-group', 'applied'],
    ]);
    expect(outcomes[0]!.reason).toBe('AccessDenied: not authorized to perform: iam:CreatePolicy (HTTP 409)');
    expect(outcomes[2]!.reason).toMatch(/needs iam:CreatePolicy on .*deny-without-mfa, which did not succeed/);
    expect(iamMock.commandCalls(AttachGroupPolicyCommand)).toHaveLength(0);
  });

  it('takes a group created meanwhile as in place, not as a failure', async () => {
    iamMock.onAnyCommand().resolves({});
    iamMock.on(CreateGroupCommand).rejects(iamError('EntityAlreadyExistsException', 'Group with name human-users already exists.'));
    const outcomes = await applyPlan(mfaPlan(), clients, clock);
    expect(outcomes[1]!.result).toBe('already in place');
    expect(outcomes.slice(2).every((o) => o.result === 'applied')).toBe(true);
  });

  it('reports an API the endpoint does not implement as a failure, the way moto answers PutUserPermissionsBoundary', async () => {
    iamMock.on(PutUserPermissionsBoundaryCommand).rejects(Object.assign(new Error('The put_user_permissions_boundary action has not been implemented'), { name: 'NotImplemented' }));
    const plan = emptyPlan('boundary --apply');
    plan.changes.push({ change: { kind: 'put-user-permissions-boundary', user: 'alice', policyArn: 'arn:aws:iam::123456789012:policy/b' }, target: 'user alice', before: 'no boundary', after: 'b', dependsOn: [] });
    const [outcome] = await applyPlan(plan, clients, clock);
    expect(outcome).toMatchObject({ result: 'failed', reason: 'NotImplemented: The put_user_permissions_boundary action has not been implemented' });
  });

  it('sends the whole password policy, so no parameter is reset by omission', async () => {
    iamMock.onAnyCommand().resolves({});
    const parameters = targetPasswordPolicy(null, DEFAULT_SETTINGS.passwordPolicy);
    const plan = emptyPlan('password-policy --apply');
    plan.changes.push({ change: { kind: 'update-password-policy', parameters }, target: 'account password policy', before: 'none', after: 'baseline', dependsOn: [] });
    await applyPlan(plan, clients, clock);
    expect(Object.keys(iamMock.commandCalls(UpdateAccountPasswordPolicyCommand)[0]!.args[0].input).sort()).toEqual([
      'AllowUsersToChangePassword', 'HardExpiry', 'MaxPasswordAge', 'MinimumPasswordLength', 'PasswordReusePrevention',
      'RequireLowercaseCharacters', 'RequireNumbers', 'RequireSymbols', 'RequireUppercaseCharacters',
    ]);
  });

  it('creates Access Analyzer analyzers in their own regions, and a refusal in one region does not stop the next', async () => {
    analyzerMock.on(CreateAnalyzerCommand).callsFake(async (input, getClient) => {
      const region = await (getClient().config.region as () => Promise<string>)();
      if (region === 'eu-west-1') throw new AccessAnalyzerServiceException({ name: 'ServiceQuotaExceededException', $fault: 'client', message: 'analyzer quota reached', $metadata: { httpStatusCode: 402 } });
      return { arn: `arn:aws:access-analyzer:${region}:${ACCOUNT}:analyzer/${input.analyzerName}` };
    });
    const snapshot = snapshotWith((s) => {
      const empty = { status: 'ok' as const, data: { analyzers: [], findings: [] } };
      s.sources.accessAnalyzer = { status: 'ok', data: { regionSource: '--regions', regions: { 'eu-west-1': empty, 'us-east-2': empty } } };
    });
    const outcomes = await applyPlan(planAnalyzers(snapshot), clients, clock);
    expect(regionsReached).toEqual(['eu-west-1', 'us-east-2']);
    expect(outcomes.map((o) => o.result)).toEqual(['failed', 'applied']);
    expect(outcomes[0]!.reason).toMatch(/^ServiceQuotaExceededException: analyzer quota reached/);
    expect(analyzerMock.commandCalls(CreateAnalyzerCommand).map((c) => c.args[0].input)).toEqual([
      { analyzerName: 'account-access-analyzer', type: 'ACCOUNT' },
      { analyzerName: 'account-access-analyzer', type: 'ACCOUNT' },
    ]);
  });
});

describe('remediation-log.csv', () => {
  it('has a row per change with time, action, target, before, after and result, formulas neutralised', async () => {
    iamMock.onAnyCommand().rejects(iamError('AccessDenied', '=HYPERLINK("x")'));
    const plan = emptyPlan('mfa-audit --enforce --apply');
    const change: PlannedChange = { change: { kind: 'add-user-to-group', user: '=cmd', group: 'human-users' }, target: '=cmd', before: 'groups: none', after: 'groups: human-users', dependsOn: [] };
    plan.changes.push(change);
    const csv = remediationLogCsv(await applyPlan(plan, clients, clock));
    expect(csv.split('\n')[0]).toBe('time,action,target,before,after,result');
    expect(csv).toContain(`${NOW.toISOString()},iam:AddUserToGroup,'=cmd,groups: none,groups: human-users,"failed: AccessDenied: =HYPERLINK(""x"") (HTTP 409)"`);
  });
});

describe('failureReason', () => {
  it.each([
    [
      'an HTML error page, as moto answers an API it lacks',
      Object.assign(new Error('@aws-sdk XML parse error: mismatched tags <html> and </title>.'), { $metadata: { httpStatusCode: 500 }, $responseBodyText: '<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>' }),
      'the endpoint answered HTTP 500 with a web page ("500 Internal Server Error"), not an AWS response: the operation may not be supported there',
    ],
    ['an AWS error', iamError('LimitExceeded', 'Cannot exceed quota for PoliciesPerAccount'), 'LimitExceeded: Cannot exceed quota for PoliciesPerAccount (HTTP 409)'],
  ])('%s', (_name, error, reason) => {
    expect(failureReason(error)).toBe(reason);
  });
});
