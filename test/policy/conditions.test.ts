import { describe, expect, it } from 'vitest';
import { compilePolicy, matchResource, type ResourceQuery } from '../../src/policy/statement.js';
import type { PolicyStatement } from '../../src/snapshot/schema.js';
import { arnLike, evaluateClause, ipInCidr, matchSubstituted, parseConditions, readVariables, type ConditionContext, type PolicyVariables, type Truth } from '../../src/policy/conditions.js';

/** alice's variables: her name known, her team tag known to be absent, anything else unknown. */
const ALICE: PolicyVariables = { get: (name) => (name === 'aws:username' ? 'alice' : name === 'aws:principaltag/team' ? null : undefined) };
const substituted = (text: string) => readVariables(text, ALICE);
const resource = (pattern: string, arn: string): Truth => matchSubstituted(substituted(pattern), arn, { wildcards: true });

describe('policy variables (IAM User Guide, "Variables and tags")', () => {
  it.each<[string, string, string, Truth]>([
    ['a known variable', 'arn:aws:s3:::home/${aws:username}/*', 'arn:aws:s3:::home/alice/notes.txt', 'true'],
    ['a known variable for someone else', 'arn:aws:s3:::home/${aws:username}/*', 'arn:aws:s3:::home/bob/notes.txt', 'false'],
    ['key names compare without case', 'arn:aws:s3:::home/${AWS:UserName}/*', 'arn:aws:s3:::home/alice/notes.txt', 'true'],
    ['${*} is a literal asterisk', 'arn:aws:s3:::phi/${*}', 'arn:aws:s3:::phi/*', 'true'],
    ['${*} is not a wildcard', 'arn:aws:s3:::phi/${*}', 'arn:aws:s3:::phi/records/a.json', 'false'],
    ['${?} is a literal question mark', 'arn:aws:s3:::phi/a${?}', 'arn:aws:s3:::phi/a?', 'true'],
    ['${?} is not a wildcard', 'arn:aws:s3:::phi/a${?}', 'arn:aws:s3:::phi/ab', 'false'],
    ['${$} is a literal dollar', 'arn:aws:s3:::phi/${$}{x}', 'arn:aws:s3:::phi/${x}', 'true'],
    ['a default when the key is absent', "arn:aws:s3:::phi/${aws:PrincipalTag/team, 'records'}/*", 'arn:aws:s3:::phi/records/a.json', 'true'],
    ['whitespace around key and default is ignored', "arn:aws:s3:::phi/${ aws:PrincipalTag/team ,  'records' }/*", 'arn:aws:s3:::phi/records/a.json', 'true'],
    ['the default keeps its case', "arn:aws:s3:::phi/${aws:PrincipalTag/team, 'Records'}/*", 'arn:aws:s3:::phi/records/a.json', 'false'],
    ['a known value wins over the default', "arn:aws:s3:::home/${aws:username, 'nobody'}/*", 'arn:aws:s3:::home/alice/a', 'true'],
    ['an absent key without default matches nothing', 'arn:aws:s3:::phi/${aws:PrincipalTag/team}*', 'arn:aws:s3:::phi/x', 'false'],
    ['an unknown value that could match', 'arn:aws:kms:*:*:key/${aws:PrincipalTag/KmsKeyId}', 'arn:aws:kms:us-east-1:111122223333:key/1234', 'unknown'],
    ['an unknown value may hold "/"', 'arn:aws:s3:::${aws:PrincipalTag/bucket}/*', 'arn:aws:s3:::phi/a/b/c', 'unknown'],
    ['no unknown value can remove a literal "/"', 'arn:aws:s3:::${aws:PrincipalTag/a}/${aws:PrincipalTag/b}/${aws:PrincipalTag/c}/*', 'arn:aws:s3:::phi/records/a.json', 'false'],
    ['no unknown value can change the literal around it', 'arn:aws:s3:::logs-${aws:PrincipalTag/team}', 'arn:aws:s3:::phi-records', 'false'],
    ['a malformed default is read as unknown', 'arn:aws:s3:::phi/${aws:PrincipalTag/team, records}', 'arn:aws:s3:::phi/x', 'unknown'],
  ])('%s', (_label, pattern, arn, truth) => {
    expect(resource(pattern, arn)).toBe(truth);
  });

  it('reads the pieces: policy text, literals and unknown values apart', () => {
    expect(readVariables('a${*}b${aws:PrincipalTag/x}', ALICE)).toEqual({
      pieces: [{ kind: 'policy', text: 'a' }, { kind: 'literal', text: '*' }, { kind: 'policy', text: 'b' }, { kind: 'unknown', name: 'aws:principaltag/x' }],
      unknown: true,
      absent: null,
    });
    expect(readVariables('x/${aws:PrincipalTag/team}', ALICE).absent).toBe('aws:principaltag/team');
  });
});

const context = (values: Record<string, string[] | null>): ConditionContext => ({ values: new Map(Object.entries(values)), variables: ALICE });
const clause = (operator: string, key: string, value: string | string[]) => {
  const [parsed] = parseConditions({ [operator]: { [key]: value } });
  if (!parsed) throw new Error('no clause');
  return parsed;
};

describe('condition values with variables', () => {
  it.each<[string, string, string, string | string[], Record<string, string[] | null>, Truth]>([
    ['StringLike: ${*} in a value is a literal', 'StringLike', 's3:prefix', 'home/${*}', { 's3:prefix': ['home/records'] }, 'false'],
    ['StringLike: ${*} matches a literal asterisk', 'StringLike', 's3:prefix', 'home/${*}', { 's3:prefix': ['home/*'] }, 'true'],
    ['StringLike: a wildcard after a variable', 'StringLike', 's3:prefix', '${aws:username}/*', { 's3:prefix': ['alice/x'] }, 'true'],
    ['StringEquals: a default', 'StringEquals', 's3:prefix', "${aws:PrincipalTag/team, 'records'}", { 's3:prefix': ['records'] }, 'true'],
    ['StringEquals: an unknown value that cannot be equal', 'StringEquals', 's3:prefix', 'team-${aws:PrincipalTag/x}', { 's3:prefix': ['records'] }, 'false'],
    ['StringEquals: an unknown value that could be equal', 'StringEquals', 's3:prefix', 'team-${aws:PrincipalTag/x}', { 's3:prefix': ['team-a'] }, 'unknown'],
    ['StringEquals: an absent value is equal to nothing', 'StringEquals', 's3:prefix', '${aws:PrincipalTag/team}', { 's3:prefix': ['records'] }, 'false'],
    ['StringNotEquals: an absent value is left unknown', 'StringNotEquals', 's3:prefix', '${aws:PrincipalTag/team}', { 's3:prefix': ['records'] }, 'unknown'],
    ['ArnLike: ${*} is literal in an ARN too', 'ArnLike', 'aws:SourceArn', 'arn:aws:s3:::phi/${*}', { 'aws:sourcearn': ['arn:aws:s3:::phi/x'] }, 'false'],
    ['ArnLike: a variable in the resource part', 'ArnLike', 'aws:SourceArn', 'arn:aws:s3:::${aws:username}/*', { 'aws:sourcearn': ['arn:aws:s3:::alice/x'] }, 'true'],
    ['ArnLike: a wildcard never crosses a colon', 'ArnLike', 'aws:SourceArn', 'arn:aws:*:us-east-1:111122223333:key/*', { 'aws:sourcearn': ['arn:aws:kms:eu:us-east-1:111122223333:key/1'] }, 'false'],
    ['NumericLessThan: an unknown variable stays unknown', 'NumericLessThan', 'aws:MultiFactorAuthAge', '${aws:PrincipalTag/max}', { 'aws:multifactorauthage': ['10'] }, 'unknown'],
  ])('%s', (_label, operator, key, value, values, truth) => {
    expect(evaluateClause(clause(operator, key, value), context(values))).toBe(truth);
  });

  it('keeps arnLike on plain patterns', () => {
    expect(arnLike('arn:aws:iam::*:role/*', 'arn:aws:iam::111122223333:role/app')).toBe(true);
    expect(arnLike('arn:aws:iam::*:role/*', 'arn:aws:iam::111122223333:user/app')).toBe(false);
  });
});

describe('IpAddress and NotIpAddress, IPv4 and IPv6', () => {
  it.each<[string, string, Truth]>([
    ['10.1.2.3', '10.0.0.0/8', 'true'],
    ['11.1.2.3', '10.0.0.0/8', 'false'],
    ['10.1.2.3', '10.1.2.3', 'true'],
    ['10.1.2.3', '0.0.0.0/0', 'true'],
    ['2001:db8::1', '2001:db8::/32', 'true'],
    ['2001:db9::1', '2001:db8::/32', 'false'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::/32', 'true'],
    ['2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', '2001:db8::/32', 'true'],
    ['2001:db8::1', '2001:db8::1/128', 'true'],
    ['2001:db8::2', '2001:db8::1/128', 'false'],
    ['2001:db8::1', '2001:db8::1', 'true'],
    ['::1', '::/0', 'true'],
    ['fe80::1', '2001:db8::/32', 'false'],
    ['2001:db8:0:1::1', '2001:db8:0:1::/64', 'true'],
    ['2001:db8:0:2::1', '2001:db8:0:1::/64', 'false'],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.0/120', 'true'],
    ['::ffff:192.0.2.1', '::ffff:198.51.100.0/120', 'false'],
    ['10.1.2.3', '2001:db8::/32', 'false'],
    ['2001:db8::1', '10.0.0.0/8', 'false'],
    ['::ffff:10.1.2.3', '10.0.0.0/8', 'unknown'],
    ['2001:db8::1', '2001:db8::/129', 'unknown'],
    ['2001:db8:::1', '2001:db8::/32', 'unknown'],
    ['1:2:3:4:5:6:7:8:9', '::/0', 'unknown'],
    ['not-an-ip', '10.0.0.0/8', 'unknown'],
  ])('%s in %s → %s', (ip, cidr, truth) => {
    expect(ipInCidr(ip, cidr)).toBe(truth);
  });

  it('NotIpAddress on IPv6: an address outside every range', () => {
    expect(evaluateClause(clause('NotIpAddress', 'aws:SourceIp', ['2001:db8::/32', '10.0.0.0/8']), context({ 'aws:sourceip': ['2001:db9::1'] }))).toBe('true');
    expect(evaluateClause(clause('NotIpAddress', 'aws:SourceIp', ['2001:db8::/32', '10.0.0.0/8']), context({ 'aws:sourceip': ['2001:db8::1'] }))).toBe('false');
  });
});

describe('matchResource with policy variables, for each kind of resource query', () => {
  const statement = (resource: Partial<PolicyStatement>) => {
    const compiled = compilePolicy({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:CreateUser', ...resource }] }).statements[0];
    if (!compiled) throw new Error('no statement');
    return compiled;
  };
  /** A role's variables: no aws:username, its tags not known (session tags may add some). */
  const ROLE: PolicyVariables = { get: (name) => (name === 'aws:username' ? null : undefined) };
  const USERS = 'arn:aws:iam::123456789012:user/*';
  const BOB = 'arn:aws:iam::123456789012:user/bob';
  it.each<[string, Partial<PolicyStatement>, PolicyVariables, ResourceQuery, string]>([
    ['a role: ${aws:username} fills no name it could choose', { Resource: 'arn:aws:iam::123456789012:user/${aws:username}' }, ROLE, { kind: 'chosen', template: USERS }, 'no'],
    ['a role: ${aws:username} matches no exact user', { Resource: 'arn:aws:iam::123456789012:user/${aws:username}' }, ROLE, { kind: 'exact', arn: BOB }, 'no'],
    ['a user: her own name in a chosen template', { Resource: 'arn:aws:iam::123456789012:user/${aws:username}' }, ALICE, { kind: 'chosen', template: USERS }, 'yes'],
    ['an unknown tag that could fill a chosen name', { Resource: 'arn:aws:iam::123456789012:user/${aws:PrincipalTag/x}' }, ROLE, { kind: 'chosen', template: USERS }, 'maybe'],
    ['an unknown tag that cannot reach another resource type', { Resource: 'arn:aws:iam::123456789012:role/${aws:PrincipalTag/x}' }, ROLE, { kind: 'chosen', template: USERS }, 'no'],
    ['${*} is no wildcard over every resource', { Resource: '${*}' }, ROLE, { kind: 'all' }, 'maybe'],
    // A user named "*" or "?" cannot be created (IAM user names: [\w+=,.@-]+), so no name the caller chooses is one.
    ['a user named by a literal ${*} is no name the caller can choose', { Resource: 'arn:aws:iam::123456789012:user/${*}' }, ROLE, { kind: 'chosen', template: USERS }, 'no'],
    ['nor one named by a literal ${?}', { Resource: 'arn:aws:iam::123456789012:user/a${?}' }, ROLE, { kind: 'chosen', template: USERS }, 'no'],
    ['NotResource with an unknown variable it could name', { NotResource: 'arn:aws:iam::123456789012:user/${aws:PrincipalTag/x}' }, ROLE, { kind: 'exact', arn: BOB }, 'maybe'],
    ['NotResource with an unknown variable it cannot name', { NotResource: 'arn:aws:iam::123456789012:role/${aws:PrincipalTag/x}' }, ROLE, { kind: 'exact', arn: BOB }, 'yes'],
    ['NotResource with a variable that has no value is left unknown', { NotResource: 'arn:aws:iam::123456789012:user/${aws:username}' }, ROLE, { kind: 'exact', arn: BOB }, 'maybe'],
  ])('%s', (_label, resource, variables, query, applies) => {
    expect(matchResource(statement(resource), query, variables).applies).toBe(applies);
  });
});
