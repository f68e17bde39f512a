import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canDo, permissionsFrom, type AccessRequest, type PrincipalInfo, type Verdict } from '../../src/policy/effective-permissions.js';
import type { ReachingPolicy } from '../../src/policy/principal-policies.js';
import type { PolicyDocument } from '../../src/snapshot/schema.js';
import { NOW } from '../support/snapshot.js';

/**
 * The cases of issue 9, kind 5 (policy variables and condition operators as the IAM User Guide
 * defines them), each read as it is from test/fixtures/cases/<name>: policy.json is the
 * principal's identity policy, request.json the principal and request, result.json the right
 * decision (A allowed, N implicitly denied, D explicitly denied, C conditional).
 */
interface CaseRequest {
  principal: string;
  principalType: 'user' | 'role';
  principalTags: Record<string, string>;
  action: string;
  resource: { arn: string };
  /** Known request keys, or a sentence saying there are none. */
  context: Record<string, string> | string;
}

const VERDICTS: Record<string, Verdict> = { A: 'allowed', N: 'implicitDeny', D: 'explicitDeny', C: 'conditional' };
const read = <T>(name: string, file: string): T => JSON.parse(readFileSync(new URL(`../fixtures/cases/${name}/${file}`, import.meta.url), 'utf8')) as T;

function judge(name: string) {
  const policy = read<PolicyDocument>(name, 'policy.json');
  const request = read<CaseRequest>(name, 'request.json');
  const principal: PrincipalInfo = {
    type: request.principalType,
    name: request.principal.split('/').pop() ?? '',
    arn: request.principal,
    id: `${request.principalType === 'user' ? 'AIDA' : 'AROA'}CASEPRINCIPAL`,
    tags: new Map(Object.entries(request.principalTags).map(([k, v]) => [k.toLowerCase(), v])),
    boundaryArn: null,
    serviceLinked: false,
  };
  const reaching: ReachingPolicy[] = [{ label: `${request.principalType} ${principal.name}: inline policy case`, via: request.principalType, kind: 'inline', policyName: 'case', policyArn: null, document: policy }];
  const access: AccessRequest = { action: request.action, resource: { kind: 'exact', arn: request.resource.arn }, ...(typeof request.context === 'string' ? {} : { context: request.context }) };
  return canDo(permissionsFrom(principal, reaching, NOW), access);
}

describe('policy variables and operators: the cases, read as they are', () => {
  it.each([
    ['policy-variable-literal-star', 'N'],
    ['policy-variable-default-value', 'A'],
    ['policy-variable-username-on-role', 'N'],
    ['condition-sourceip-ipv6', 'D'],
    ['resource-variable-could-match', 'C'],
    ['resource-variable-cannot-match', 'N'],
  ])('%s → %s', (name, letter) => {
    const expected = read<{ expected: string }>(name, 'result.json').expected;
    // The table repeats result.json so that a changed fixture cannot silently change the test.
    expect(expected).toBe(letter);
    expect(judge(name).verdict).toBe(VERDICTS[letter]);
  });

  it('names the unknown tag when a variable could still match', () => {
    expect(judge('resource-variable-could-match').reasons.join('; ')).toContain('${aws:PrincipalTag/KmsKeyId} holds a policy variable not known here');
  });
});
