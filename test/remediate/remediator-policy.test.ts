import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canDo, policyPermissions, type AccessRequest } from '../../src/policy/effective-permissions.js';
import { asList, decodePolicyDocument, statementsOf } from '../../src/policy/document.js';
import { planAnalyzers } from '../../src/remediate/analyzer.js';
import { planBoundaries } from '../../src/remediate/boundary.js';
import { planMfaEnforcement } from '../../src/remediate/mfa-enforcement.js';
import { planPasswordPolicy } from '../../src/remediate/password-policy.js';
import { ACTION_OF, type Change } from '../../src/remediate/plan.js';
import { DEFAULT_SETTINGS } from '../../src/settings.js';
import { ACCOUNT, iamRole, iamUser, NOW, reportRow, snapshotWith } from '../support/snapshot.js';

/**
 * policies/hipaa-iam-remediator.json, judged by hipaa-iam's own policy engine with the resource
 * and condition keys AWS evaluates for each call (moto cannot: it authorizes IAM calls against
 * resource "*" and ignores IAM condition keys, so test/live/moto-remediation.test.ts proves only
 * the list of actions there).
 */
const document = decodePolicyDocument(readFileSync(new URL('../../policies/hipaa-iam-remediator.json', import.meta.url), 'utf8'));
const perms = policyPermissions({ name: 'hipaa-iam-remediator', arn: `arn:aws:iam::${ACCOUNT}:policy/hipaa-iam-remediator`, document }, NOW);
const exact = (arn: string) => ({ kind: 'exact' as const, arn });

/** The authorization request AWS makes of a change: action, resource ARN, request condition keys. */
function requestOf(change: Change): AccessRequest {
  const iam = (resource: string) => `arn:aws:iam::${ACCOUNT}:${resource}`;
  switch (change.kind) {
    case 'update-password-policy':
      return { action: ACTION_OF[change.kind] };
    case 'create-policy':
      return { action: ACTION_OF[change.kind], resource: exact(change.arn) };
    case 'create-group':
      return { action: ACTION_OF[change.kind], resource: exact(iam(`group/${change.name}`)) };
    case 'attach-group-policy':
      return { action: ACTION_OF[change.kind], resource: exact(iam(`group/${change.group}`)), context: { 'iam:PolicyARN': change.policyArn } };
    case 'add-user-to-group':
      return { action: ACTION_OF[change.kind], resource: exact(iam(`group/${change.group}`)) };
    case 'put-user-permissions-boundary':
      return { action: ACTION_OF[change.kind], resource: exact(iam(`user/${change.user}`)), context: { 'iam:PermissionsBoundary': change.policyArn } };
    case 'put-role-permissions-boundary':
      return { action: ACTION_OF[change.kind], resource: exact(iam(`role/${change.role}`)), context: { 'iam:PermissionsBoundary': change.policyArn } };
    case 'create-analyzer':
      return { action: ACTION_OF[change.kind], resource: exact(`arn:aws:access-analyzer:${change.region}:${ACCOUNT}:analyzer/${change.name}`) };
  }
}

/** An account where every command has everything to do. */
const account = snapshotWith((s) => {
  s.sources.credentialReport = { status: 'ok', data: { generatedAt: NOW.toISOString(), rows: [reportRow('alice', { password_enabled: 'true' })] } };
  s.sources.authorizationDetails = { status: 'ok', data: { users: [iamUser('alice'), iamUser('auditor')], groups: [], roles: [iamRole('app')], policies: [] } };
  s.sources.accessAnalyzer = { status: 'ok', data: { regionSource: 'ec2:DescribeRegions', regions: { 'us-east-1': { status: 'ok', data: { analyzers: [], findings: [] } } } } };
});
const everyChange = [planPasswordPolicy(account, DEFAULT_SETTINGS.passwordPolicy), planMfaEnforcement(account), planBoundaries(account, DEFAULT_SETTINGS), planAnalyzers(account)].flatMap((p) => p.changes.map((c) => c.change));

describe('policies/hipaa-iam-remediator.json', () => {
  it('covers a change of every kind in this account', () => {
    expect(new Set(everyChange.map((c) => c.kind))).toEqual(new Set(Object.keys(ACTION_OF)));
  });

  it.each(everyChange.map((change) => [`${ACTION_OF[change.kind]} ${JSON.stringify(change).slice(0, 90)}`, change] as const))('allows %s', (_label, change) => {
    expect(canDo(perms, requestOf(change)).verdict).toBe('allowed');
  });

  it.each<[string, AccessRequest]>([
    ['creating a policy of another name', { action: 'iam:CreatePolicy', resource: exact(`arn:aws:iam::${ACCOUNT}:policy/admin-everything`) }],
    ['attaching AdministratorAccess to human-users', { action: 'iam:AttachGroupPolicy', resource: exact(`arn:aws:iam::${ACCOUNT}:group/human-users`), context: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' } }],
    ['attaching deny-without-mfa to another group', { action: 'iam:AttachGroupPolicy', resource: exact(`arn:aws:iam::${ACCOUNT}:group/admins`), context: { 'iam:PolicyARN': `arn:aws:iam::${ACCOUNT}:policy/deny-without-mfa` } }],
    ['adding a user to another group', { action: 'iam:AddUserToGroup', resource: exact(`arn:aws:iam::${ACCOUNT}:group/admins`) }],
    ['setting another policy as a boundary', { action: 'iam:PutUserPermissionsBoundary', resource: exact(`arn:aws:iam::${ACCOUNT}:user/alice`), context: { 'iam:PermissionsBoundary': 'arn:aws:iam::aws:policy/AdministratorAccess' } }],
    ['removing a boundary', { action: 'iam:DeleteRolePermissionsBoundary', resource: exact(`arn:aws:iam::${ACCOUNT}:role/app`) }],
    ['creating another service-linked role', { action: 'iam:CreateServiceLinkedRole', context: { 'iam:AWSServiceName': 'elasticbeanstalk.amazonaws.com' } }],
    ['creating an analyzer of another name', { action: 'access-analyzer:CreateAnalyzer', resource: exact(`arn:aws:access-analyzer:us-east-1:${ACCOUNT}:analyzer/other`) }],
  ])('does not allow %s', (_label, request) => {
    expect(canDo(perms, request).verdict).not.toBe('allowed');
  });

  it('allows nothing but the changes hipaa-iam makes and the service-linked role Access Analyzer needs', () => {
    const allowed = new Set(statementsOf(document).flatMap((s) => asList(s.Action)));
    expect(allowed).toEqual(new Set([...Object.values(ACTION_OF), 'iam:CreateServiceLinkedRole']));
  });
});
