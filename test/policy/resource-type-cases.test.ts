import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodePolicyDocument } from '../../src/policy/document.js';
import { canDo, decide, permissionsFrom, principalOfRole, type AccessRequest, type Verdict } from '../../src/policy/effective-permissions.js';
import { globsIntersect } from '../../src/policy/wildcard.js';
import { takesNoResourceType } from '../../src/policy/action-catalog.js';
import type { PolicyDocument, PolicyStatement } from '../../src/snapshot/schema.js';
import { NOW, iamRole } from '../support/snapshot.js';

/**
 * The engine-level cases of issue 9, kind 6 (test/fixtures/cases/<name>: policy.json,
 * request.json, result.json copied as they are), asked through decide/canDo with request.json's
 * principal, and the matching rules behind them.
 */

interface CaseRequest {
  principal: string;
  principalType: 'role' | 'user';
  action: string;
  resource: { arn?: string; chosenTemplate?: string };
}

const read = (name: string, file: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/cases/${name}/${file}`, import.meta.url), 'utf8'));

/** The case's principal (a role, as request.json says) holding policy.json, and its request. */
function replay(name: string) {
  const request = read(name, 'request.json') as CaseRequest;
  const document = decodePolicyDocument(read(name, 'policy.json'));
  const roleName = request.principal.split('/').pop() ?? '';
  expect(request.principalType).toBe('role');
  const role = iamRole(roleName, { arn: request.principal });
  const perms = permissionsFrom(principalOfRole(role), [{ label: `role ${roleName}: inline policy case`, via: 'role', kind: 'inline', policyName: 'case', policyArn: null, document }], NOW);
  const resource: AccessRequest['resource'] = request.resource.chosenTemplate !== undefined ? { kind: 'chosen', template: request.resource.chosenTemplate } : { kind: 'exact', arn: request.resource.arn ?? '' };
  const expected = (read(name, 'result.json') as { expected: string }).expected;
  return { perms, request: { action: request.action, resource }, expected };
}

/** result.json's letters: N (not allowed, "N?" when AWS's rule is inferred), A allowed, C conditional. */
const verdictOf = (letter: string): Verdict => ({ N: 'implicitDeny', 'N?': 'implicitDeny', A: 'allowed', C: 'conditional' })[letter] as Verdict;

describe('engine cases: resource types', () => {
  it.each(['chosen-name-does-not-span-colons', 'wildcard-only-action-on-narrow-arn', 'aws-reserved-role-path'])('%s gives the verdict result.json expects', (name) => {
    const { perms, request, expected } = replay(name);
    expect(expected.startsWith('N')).toBe(true);
    expect(canDo(perms, request).verdict).toBe(verdictOf(expected));
  });

  it('glue:CreateDevEndpoint (no resource type) is not granted by glue:* on glue ARNs, however the request names its resource', () => {
    const { perms } = replay('wildcard-only-action-on-narrow-arn');
    for (const resource of [undefined, { kind: 'chosen', template: '*' }, { kind: 'chosen', template: 'arn:aws:glue:*:111122223333:devEndpoint/*' }, { kind: 'exact', arn: 'arn:aws:glue:us-east-1:111122223333:devEndpoint/x' }] as AccessRequest['resource'][]) {
      expect(decide(perms, { action: 'glue:CreateDevEndpoint', ...(resource ? { resource } : {}) }).verdict, JSON.stringify(resource)).toBe('implicitDeny');
    }
    // The same statements still grant what takes a glue resource, and "*" still grants glue:ListSessions.
    expect(decide(perms, { action: 'glue:CreateJob', resource: { kind: 'chosen', template: 'arn:aws:glue:*:111122223333:job/*' } }).verdict).toBe('allowed');
    expect(decide(perms, { action: 'glue:ListSessions' }).verdict).toBe('allowed');
  });

  it('sagemaker:CreateNotebookInstance stays allowed where the policy names notebook instances', () => {
    const { perms, request } = replay('chosen-name-does-not-span-colons');
    const withNotebooks = permissionsFrom(
      perms.principal,
      [{ ...perms.reaching[0]!, document: doc({ Effect: 'Allow', Action: 'sagemaker:*', Resource: 'arn:aws:sagemaker:*:*:notebook-instance/*' }) }],
      NOW,
    );
    expect(canDo(withNotebooks, request).verdict).toBe('allowed');
  });

  it('aws-reserved roles: no policy lets a principal create or change them, but they can still be assumed', () => {
    const { perms } = replay('aws-reserved-role-path');
    const sso = 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef';
    const everything = permissionsFrom(perms.principal, [{ ...perms.reaching[0]!, document: doc({ Effect: 'Allow', Action: '*', Resource: '*' }) }], NOW);
    for (const action of ['iam:UpdateAssumeRolePolicy', 'iam:AttachRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRolePermissionsBoundary']) {
      expect(decide(perms, { action, resource: { kind: 'exact', arn: sso } }).verdict, action).toBe('implicitDeny');
      expect(decide(everything, { action, resource: { kind: 'exact', arn: sso } }).verdict, action).toBe('implicitDeny');
    }
    expect(decide(everything, { action: 'iam:CreateRole', resource: { kind: 'chosen', template: 'arn:aws:iam::111122223333:role/aws-reserved/*' } }).verdict).toBe('implicitDeny');
    expect(decide(everything, { action: 'iam:CreateRole', resource: { kind: 'chosen', template: 'arn:aws:iam::111122223333:role/*' } }).verdict).toBe('allowed');
    expect(decide(everything, { action: 'sts:AssumeRole', resource: { kind: 'exact', arn: sso } }).verdict).toBe('allowed');
    // A pattern that also covers other roles still grants them.
    const broad = permissionsFrom(perms.principal, [{ ...perms.reaching[0]!, document: doc({ Effect: 'Allow', Action: 'iam:CreateRole', Resource: ['arn:aws:iam::*:role/aws-reserved/*', 'arn:aws:iam::*:role/app-*'] }) }], NOW);
    expect(decide(broad, { action: 'iam:CreateRole', resource: { kind: 'chosen', template: 'arn:aws:iam::111122223333:role/*' } }).verdict).toBe('allowed');
  });
});

const doc = (...Statement: PolicyStatement[]): PolicyDocument => ({ Version: '2012-10-17', Statement });

describe('a name the caller chooses fills one ARN segment', () => {
  it.each<[string, string, boolean]>([
    ['arn:aws:sagemaker:*:*:app/*', 'arn:aws:sagemaker:*:111122223333:notebook-instance/*', false],
    ['arn:aws:sagemaker:*:*:endpoint/*', 'arn:aws:sagemaker:*:111122223333:notebook-instance/*', false],
    ['arn:aws:sagemaker:*:*:notebook-instance/*', 'arn:aws:sagemaker:*:111122223333:notebook-instance/*', true],
    ['arn:aws:sagemaker:*', 'arn:aws:sagemaker:*:111122223333:notebook-instance/*', true],
    ['arn:aws:lambda:us-east-1:*:function:app-*', 'arn:aws:lambda:*:111122223333:function:*', true],
    // A function name holds no colon: no qualifier can be chosen into it.
    ['arn:aws:lambda:*:*:function:*:prod', 'arn:aws:lambda:*:111122223333:function:*', false],
    ['arn:aws:lambda:*:*:function:?', 'arn:aws:lambda:*:111122223333:function:*', true],
    ['arn:aws:iam::*:role/team/*', 'arn:aws:iam::111122223333:role/*', true],
    ['arn:aws:s3:::bucket', '*', true],
  ])('%s and a name chosen for %s: %s', (pattern, template, expected) => {
    expect(globsIntersect(pattern, template)).toBe(expected);
  });
});

describe('an action that takes no resource type is granted only by "*"', () => {
  const user = (Resource: string | string[], Effect: 'Allow' | 'Deny' = 'Allow', extra: PolicyStatement[] = []) =>
    permissionsFrom(principalOfRole(iamRole('probe')), [{ label: 'role probe: inline policy p', via: 'role', kind: 'inline', policyName: 'p', policyArn: null, document: doc({ Effect, Action: 's3:ListAllMyBuckets', Resource }, ...extra) }], NOW);

  it('reads the catalogue', () => {
    expect(takesNoResourceType('glue:CreateDevEndpoint')).toBe(true);
    expect(takesNoResourceType('S3:LISTALLMYBUCKETS')).toBe(true);
    expect(takesNoResourceType('glue:CreateJob')).toBe(false);
    expect(takesNoResourceType('madeup:DoThing')).toBe(false);
  });

  it.each<[string, string | string[], Verdict]>([
    ['"*"', '*', 'allowed'],
    ['"*" among narrower ARNs', ['arn:aws:s3:::logs', '*'], 'allowed'],
    ['a bucket ARN', 'arn:aws:s3:::elasticbeanstalk-*', 'implicitDeny'],
    ['an ARN that covers every ARN but is not "*" (undocumented: conditional)', 'arn:aws:*', 'conditional'],
    ['every S3 ARN, as older S3 examples write it (undocumented: conditional)', 'arn:aws:s3:::*', 'conditional'],
    ['every glue ARN, for an S3 action', 'arn:aws:glue:*:*:*', 'implicitDeny'],
  ])('Resource %s: %s', (_label, resource, verdict) => {
    expect(decide(user(resource), { action: 's3:ListAllMyBuckets' }).verdict).toBe(verdict);
  });

  it('a Deny on narrower ARNs does not stop it; a Deny on "*" does', () => {
    const grant = { Effect: 'Allow' as const, Action: 's3:*', Resource: '*' };
    expect(decide(user('arn:aws:s3:::phi-*', 'Deny', [grant]), { action: 's3:ListAllMyBuckets' }).verdict).toBe('allowed');
    expect(decide(user('*', 'Deny', [grant]), { action: 's3:ListAllMyBuckets' }).verdict).toBe('explicitDeny');
  });
});
