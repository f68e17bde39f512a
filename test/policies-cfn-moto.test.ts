import { GetRoleCommand, GetRolePolicyCommand, IAMClient, ListAttachedRolePoliciesCommand, ListRolePoliciesCommand } from '@aws-sdk/client-iam';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { motoInstalled, startMoto, type Moto } from './support/moto.js';

const TEMPLATE = readFileSync(new URL('../policies/hipaa-iam-auditor-role.cfn.yaml', import.meta.url), 'utf8');
const POLICY = JSON.parse(readFileSync(new URL('../policies/hipaa-iam-auditor.json', import.meta.url), 'utf8')) as unknown;
const ACCOUNT = '123456789012'; // moto's default account: where the stack is created
const AUDITING = '111122223333';

/**
 * CloudFormation's query API by hand (the SDK for CloudFormation is not a dependency): moto
 * needs no signature, only the service and region named in an Authorization header.
 */
async function cloudFormation(endpoint: string, action: string, params: Record<string, string>): Promise<string> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/cloudformation/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: new URLSearchParams({ Action: action, Version: '2010-05-15', ...params }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`moto refused ${action}: ${response.status} ${text}`);
  return text;
}

function createStack(endpoint: string, stackName: string, parameters: Record<string, string>): Promise<string> {
  const params: Record<string, string> = { StackName: stackName, TemplateBody: TEMPLATE, 'Capabilities.member.1': 'CAPABILITY_NAMED_IAM' };
  Object.entries(parameters).forEach(([key, value], i) => {
    params[`Parameters.member.${i + 1}.ParameterKey`] = key;
    params[`Parameters.member.${i + 1}.ParameterValue`] = value;
  });
  return cloudFormation(endpoint, 'CreateStack', params);
}

/** IAM returns policy documents URL-encoded. */
const decoded = (document: string | undefined) => JSON.parse(decodeURIComponent(document ?? '')) as Record<string, unknown>;

/**
 * moto keeps the inline policy of a role made by CloudFormation as Python's repr of the document
 * (`{'Version': '2012-10-17', ...}`), not as JSON. Its quotes become JSON's: exact while no string
 * holds a quote and no value is a Python constant, which is checked first; JSON is read as it is.
 */
function fromPythonRepr(text: string): unknown {
  if (text.startsWith('{"')) return JSON.parse(text); // a moto that keeps JSON
  if (/["\\]|\b(True|False|None)\b/.test(text)) throw new Error(`not a quote-free Python repr: ${text.slice(0, 200)}`);
  return JSON.parse(text.replace(/'/g, '"'));
}

describe.skipIf(!motoInstalled)('policies/hipaa-iam-auditor-role.cfn.yaml deployed as a stack on moto', () => {
  let moto: Moto;
  let iam: IAMClient;

  beforeAll(async () => {
    moto = await startMoto();
    iam = new IAMClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    await createStack(moto.endpoint, 'hipaa-iam-auditor', { AuditingAccountId: AUDITING, ExternalId: 'clinic-audit-2026' });
    await createStack(moto.endpoint, 'hipaa-iam-auditor-named', {
      AuditingAccountId: AUDITING,
      AuditingPrincipalArn: `arn:aws:iam::${AUDITING}:role/hipaa-iam-runner`,
      ExternalId: 'clinic-audit-2026',
      RoleName: 'hipaa-iam-auditor-named',
    });
  });
  afterAll(async () => {
    iam?.destroy();
    await moto?.stop();
  });

  it('creates the role trusted by the auditing account only with the ExternalId, for sessions of an hour', async () => {
    const { Role: role } = await iam.send(new GetRoleCommand({ RoleName: 'hipaa-iam-auditor' }));
    expect(role?.Arn).toBe(`arn:aws:iam::${ACCOUNT}:role/hipaa-iam-auditor`);
    expect(role?.MaxSessionDuration).toBe(3600);
    expect(decoded(role?.AssumeRolePolicyDocument)).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'HipaaIamAuditingAccount', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${AUDITING}:root` }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'clinic-audit-2026' } } },
      ],
    });
  });

  it('gives the role exactly the auditor policy, inline, and nothing attached', async () => {
    const { PolicyNames: names } = await iam.send(new ListRolePoliciesCommand({ RoleName: 'hipaa-iam-auditor' }));
    expect(names).toEqual(['hipaa-iam-auditor']);
    const { PolicyDocument: document } = await iam.send(new GetRolePolicyCommand({ RoleName: 'hipaa-iam-auditor', PolicyName: 'hipaa-iam-auditor' }));
    expect(fromPythonRepr(decodeURIComponent(document ?? ''))).toEqual(POLICY);
    const { AttachedPolicies: attached } = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'hipaa-iam-auditor' }));
    expect(attached).toEqual([]);
  });

  it('trusts only the named principal when AuditingPrincipalArn is given, under the RoleName given', async () => {
    const { Role: role } = await iam.send(new GetRoleCommand({ RoleName: 'hipaa-iam-auditor-named' }));
    const trust = decoded(role?.AssumeRolePolicyDocument) as { Statement: { Principal: unknown; Condition: unknown }[] };
    expect(trust.Statement.map((s) => s.Principal)).toEqual([{ AWS: `arn:aws:iam::${AUDITING}:role/hipaa-iam-runner` }]);
    expect(trust.Statement[0]?.Condition).toEqual({ StringEquals: { 'sts:ExternalId': 'clinic-audit-2026' } });
  });

  it("outputs the role's ARN", async () => {
    const answer = await cloudFormation(moto.endpoint, 'DescribeStacks', { StackName: 'hipaa-iam-auditor' });
    expect(answer).toMatch(/<OutputKey>RoleArn<\/OutputKey>\s*<OutputValue>arn:aws:iam::123456789012:role\/hipaa-iam-auditor<\/OutputValue>/);
  });
});
