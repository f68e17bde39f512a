import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const TEMPLATE_PATH = fileURLToPath(new URL('../policies/hipaa-iam-auditor-role.cfn.yaml', import.meta.url));
const SCRIPT_PATH = fileURLToPath(new URL('../scripts/write-auditor-role-template.js', import.meta.url));
const TEXT = readFileSync(TEMPLATE_PATH, 'utf8');

type Value = string | number | boolean | null | Value[] | { [key: string]: Value };
type Line = { indent: number; text: string; number: number };

/**
 * Reads the block-style YAML subset the template is written in, independently of the script
 * that writes it: maps, lists (`- ` items, maps within them), and scalars that are plain words
 * or JSON (double-quoted strings, numbers, booleans, `[]`, `{}`). Anything else (tags such as
 * `!Ref`, anchors, flow maps with content, multi-line scalars) throws, naming the line.
 */
function parseYaml(text: string): Value {
  const lines: Line[] = text
    .split('\n')
    .map((raw, i) => ({ indent: raw.length - raw.trimStart().length, text: raw.trim(), number: i + 1 }))
    .filter((line) => line.text !== '' && !line.text.startsWith('#'));
  let at = 0;
  const fail = (line: Line | undefined, why: string): never => {
    throw new Error(`line ${line?.number ?? 'end'}: ${why}`);
  };
  const scalar = (line: Line, raw: string): Value => {
    if (/^["[{]|^-?\d+$|^(true|false|null)$/.test(raw)) {
      try {
        return JSON.parse(raw) as Value;
      } catch {
        return fail(line, `not a JSON scalar: ${raw}`);
      }
    }
    if (/^[!&*|>'%@`]/.test(raw) || /: |\s#/.test(raw)) fail(line, `outside the template's YAML subset: ${raw}`);
    return raw;
  };
  const keyOf = (line: Line, raw: string): string => (raw.startsWith('"') ? (scalar(line, raw) as string) : raw);
  // `key: value` or `key:`; a quoted key may itself contain colons.
  const entry = (line: Line): [string, string] | null => {
    const match = /^("(?:[^"\\]|\\.)*"|[A-Za-z][A-Za-z0-9]*):(?: (.*))?$/.exec(line.text);
    return match ? [keyOf(line, match[1] as string), match[2] ?? ''] : null;
  };
  const block = (indent: number): Value => {
    const first = lines[at];
    if (!first || first.indent !== indent) return fail(first, `expected a block at column ${indent}`);
    if (first.text.startsWith('- ') || first.text === '-') {
      const list: Value[] = [];
      while (lines[at]?.indent === indent && lines[at]?.text.startsWith('- ')) {
        const line = lines[at] as Line;
        const rest = line.text.slice(2);
        if (entry({ ...line, text: rest })) {
          // A map item: its first entry sits on the dash's line, two columns in.
          lines[at] = { ...line, indent: indent + 2, text: rest };
          list.push(block(indent + 2));
        } else {
          at += 1;
          list.push(scalar(line, rest));
        }
      }
      return list;
    }
    const map: { [key: string]: Value } = {};
    while (lines[at]?.indent === indent) {
      const line = lines[at] as Line;
      const kv = entry(line);
      if (!kv) return fail(line, `expected "key:" at column ${indent}: ${line.text}`);
      const [name, raw] = kv;
      if (name in map) fail(line, `duplicate key ${name}`);
      at += 1;
      if (raw !== '') map[name] = scalar(line, raw);
      else {
        const next = lines[at];
        if (!next || next.indent <= indent) fail(line, `${name} has no value`);
        map[name] = block((next as Line).indent);
      }
    }
    return map;
  };
  const value = block(0);
  if (at < lines.length) fail(lines[at], 'unexpected indentation');
  return value;
}

type Template = {
  AWSTemplateFormatVersion: string;
  Parameters: Record<string, Record<string, Value>>;
  Conditions: Record<string, Value>;
  Resources: Record<string, { Type: string; Properties: Record<string, Value> }>;
  Outputs: Record<string, { Value: Value }>;
};

const template = parseYaml(TEXT) as unknown as Template;
const role = template.Resources.AuditorRole;
const trust = role?.Properties.AssumeRolePolicyDocument as { Statement: Record<string, Value>[] };
/** A parameter's AllowedPattern as CloudFormation applies it: to the whole value. */
const allows = (parameter: string, value: string) => {
  const { AllowedPattern: pattern, MinLength: min = 0, MaxLength: max = Infinity } = template.Parameters[parameter] as { AllowedPattern: string; MinLength?: number; MaxLength?: number };
  return new RegExp(`^(?:${pattern})$`).test(value) && value.length >= min && value.length <= max;
};

describe('the YAML reader of this test', () => {
  it('reads nested maps, lists of maps and JSON scalars, and refuses what it does not know', () => {
    expect(parseYaml('a:\n  - b: 1\n    "c:d": "x"\n  - plain:word\ne: []\n')).toEqual({ a: [{ b: 1, 'c:d': 'x' }, 'plain:word'], e: [] });
    expect(() => parseYaml('a: !Ref B\n')).toThrow(/line 1: outside/);
    expect(() => parseYaml('a:\n  b: 1\n c: 2\n')).toThrow(/line 3/);
  });
});

describe('policies/hipaa-iam-auditor-role.cfn.yaml (the auditor role for StackSets)', () => {
  it('is what scripts/write-auditor-role-template.js writes from policies/hipaa-iam-auditor.json (regenerate it with that script)', () => {
    const written = spawnSync(process.execPath, [SCRIPT_PATH, '--stdout'], { encoding: 'utf8' });
    expect(written.stderr).toBe('');
    expect(written.status).toBe(0);
    expect(TEXT).toBe(written.stdout);
  });

  it('is a CloudFormation template of one IAM role and its ARN as output', () => {
    expect(template.AWSTemplateFormatVersion).toBe('2010-09-09');
    expect(Object.keys(template.Resources)).toEqual(['AuditorRole']);
    expect(role?.Type).toBe('AWS::IAM::Role');
    expect(role?.Properties.RoleName).toEqual({ Ref: 'RoleName' });
    expect(role?.Properties.MaxSessionDuration).toBe(3600);
    expect(role?.Properties.PermissionsBoundary).toBeUndefined();
    expect(template.Outputs.RoleArn?.Value).toEqual({ 'Fn::GetAtt': ['AuditorRole', 'Arn'] });
  });

  it("grants exactly the statements of policies/hipaa-iam-auditor.json, and no managed policy", () => {
    const policy = JSON.parse(readFileSync(new URL('../policies/hipaa-iam-auditor.json', import.meta.url), 'utf8')) as Record<string, Value>;
    const policies = role?.Properties.Policies as { PolicyName: string; PolicyDocument: Record<string, Value> }[];
    expect(policies).toHaveLength(1);
    expect(policies[0]?.PolicyDocument.Statement).toEqual(policy.Statement);
    expect(policies[0]?.PolicyDocument).toEqual(policy);
    expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('is assumable only with the ExternalId, by the auditing account or the one principal named', () => {
    expect(trust.Statement).toHaveLength(1);
    const [statement] = trust.Statement as [Record<string, Value>];
    expect(statement).toMatchObject({ Effect: 'Allow', Action: 'sts:AssumeRole' });
    expect(statement.NotPrincipal).toBeUndefined();
    expect(statement.Condition).toEqual({ StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } });
    expect(statement.Principal).toEqual({
      AWS: { 'Fn::If': ['HasAuditingPrincipal', { Ref: 'AuditingPrincipalArn' }, { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AuditingAccountId}:root' }] },
    });
    expect(template.Conditions.HasAuditingPrincipal).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AuditingPrincipalArn' }, ''] }] });
  });

  it('takes the parameters StackSets pass to every account, validated as AWS validates them', () => {
    expect(Object.keys(template.Parameters).sort()).toEqual(['AuditingAccountId', 'AuditingPrincipalArn', 'ExternalId', 'RoleName']);
    expect(template.Parameters.AuditingAccountId?.Default).toBeUndefined();
    expect(allows('AuditingAccountId', '111122223333')).toBe(true);
    for (const bad of ['11112222333', '1111222233334', '11112222333a', '']) expect(allows('AuditingAccountId', bad)).toBe(false);

    // STS's AssumeRole ExternalId: 2-1224 characters of [\w+=,.@:/-]; the value is a secret, never echoed.
    expect(template.Parameters.ExternalId).toMatchObject({ NoEcho: true, MinLength: 2, MaxLength: 1224 });
    expect(template.Parameters.ExternalId?.Default).toBeUndefined();
    for (const good of ['ab', 'clinic_audit+2026=,.@:/-', 'x'.repeat(1224)]) expect(allows('ExternalId', good)).toBe(true);
    for (const bad of ['a', '', 'has space', 'semi;colon', 'x'.repeat(1225)]) expect(allows('ExternalId', bad)).toBe(false);

    expect(template.Parameters.RoleName?.Default).toBe('hipaa-iam-auditor');
    expect(allows('RoleName', 'hipaa-iam-auditor')).toBe(true);
    for (const bad of ['', 'a/b', 'x'.repeat(65)]) expect(allows('RoleName', bad)).toBe(false);

    expect(template.Parameters.AuditingPrincipalArn?.Default).toBe('');
    for (const good of ['', 'arn:aws:iam::111122223333:role/hipaa-iam-runner', 'arn:aws-us-gov:iam::111122223333:role/ops/auditor']) expect(allows('AuditingPrincipalArn', good)).toBe(true);
    for (const bad of ['111122223333', 'arn:aws:iam::111122223333:root', 'arn:aws:iam::1111:role/x']) expect(allows('AuditingPrincipalArn', bad)).toBe(false);
  });

  // cfn-lint (pip install cfn-lint) checks the template against CloudFormation's resource specification offline.
  const cfnLint = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  it.skipIf(cfnLint.status !== 0)('has no error by cfn-lint', () => {
    const result = spawnSync('cfn-lint', ['--format', 'parseable', TEMPLATE_PATH], { encoding: 'utf8' });
    // cfn-lint's exit status is a bit mask: 2 errors, 4 warnings, 8 informational.
    const errors = result.stdout.split('\n').filter((line) => /:E\d+:/.test(line));
    expect(errors).toEqual([]);
    expect(result.status === null ? -1 : result.status & 2).toBe(0);
  });
});
