// Writes policies/hipaa-iam-auditor-role.cfn.yaml, the CloudFormation template (for StackSets) of
// the role `hipaa-iam audit --organization` assumes in every member account, from
// policies/hipaa-iam-auditor.json: the role's policy is that file's document, so regenerate the
// template whenever the policy changes (`node scripts/write-auditor-role-template.js`);
// test/policies-cfn.test.ts fails while they differ. `--stdout` prints the template instead.
import { readFileSync, writeFileSync } from 'node:fs';

const POLICY = new URL('../policies/hipaa-iam-auditor.json', import.meta.url);
const TEMPLATE = new URL('../policies/hipaa-iam-auditor-role.cfn.yaml', import.meta.url);

/**
 * The template as data: parameters AuditingAccountId, AuditingPrincipalArn (optional),
 * ExternalId and RoleName; one AWS::IAM::Role whose trust policy lets the auditing account
 * (or only the named principal in it) assume it with the ExternalId (STS's AssumeRole
 * ExternalId: 2-1224 characters of [\w+=,.@:/-]), sessions of at most an hour, and the auditor
 * policy inline; output RoleArn.
 */
function auditorRoleTemplate(policyDocument) {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'hipaa-iam auditor role for every member account (deploy with a service-managed StackSet): read-only access for hipaa-iam audit --organization, assumable from the auditing account with an ExternalId.',
    Parameters: {
      AuditingAccountId: {
        Type: 'String',
        Description: 'The 12-digit id of the account hipaa-iam runs from (the management account or a delegated administrator).',
        AllowedPattern: '^[0-9]{12}$',
        ConstraintDescription: 'must be a 12-digit AWS account id',
      },
      AuditingPrincipalArn: {
        Type: 'String',
        Description: 'Optional: the ARN of the one role or user in the auditing account allowed to assume this role. Empty trusts the auditing account, whose IAM policies then decide who may.',
        Default: '',
        AllowedPattern: '^$|^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/[\\w+=,.@/-]+$',
        ConstraintDescription: 'must be empty or the ARN of an IAM role or user',
      },
      ExternalId: {
        Type: 'String',
        Description: 'The secret given to hipaa-iam as --external-id; AssumeRole without it is refused.',
        NoEcho: true,
        MinLength: 2,
        MaxLength: 1224,
        AllowedPattern: '^[\\w+=,.@:/-]+$',
        ConstraintDescription: '2 to 1224 letters, digits or any of _+=,.@:/- (what STS accepts as an ExternalId)',
      },
      RoleName: {
        Type: 'String',
        Description: 'The role name, given to hipaa-iam as --role-name.',
        Default: 'hipaa-iam-auditor',
        AllowedPattern: '^[\\w+=,.@-]{1,64}$',
        ConstraintDescription: '1 to 64 letters, digits or any of _+=,.@-',
      },
    },
    Conditions: {
      HasAuditingPrincipal: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AuditingPrincipalArn' }, ''] }] },
    },
    Resources: {
      AuditorRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: { Ref: 'RoleName' },
          Description: 'hipaa-iam audit: read-only access to IAM, CloudTrail, Organizations and Access Analyzer',
          MaxSessionDuration: 3600,
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'HipaaIamAuditingAccount',
                Effect: 'Allow',
                Principal: {
                  AWS: {
                    'Fn::If': ['HasAuditingPrincipal', { Ref: 'AuditingPrincipalArn' }, { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AuditingAccountId}:root' }],
                  },
                },
                Action: 'sts:AssumeRole',
                Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } },
              },
            ],
          },
          Policies: [{ PolicyName: 'hipaa-iam-auditor', PolicyDocument: policyDocument }],
        },
      },
    },
    Outputs: {
      RoleArn: {
        Description: 'The auditor role (hipaa-iam audit --organization --role-name assumes it by name)',
        Value: { 'Fn::GetAtt': ['AuditorRole', 'Arn'] },
      },
    },
  };
}

// YAML 1.1 and 1.2 read these plain words as booleans or null; they are quoted.
const YAML_WORDS = /^(y|n|yes|no|on|off|true|false|null|~)$/i;

/** A scalar as plain YAML when that is unambiguous, else as a JSON string (valid YAML double-quoted). */
function scalar(value) {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (/^[A-Za-z][\w.:/-]*$/.test(value) && !value.endsWith(':') && !YAML_WORDS.test(value)) return value;
  return JSON.stringify(value);
}

const key = (name) => (/^[A-Za-z][A-Za-z0-9]*$/.test(name) ? name : JSON.stringify(name));
const isBlock = (value) => (Array.isArray(value) ? value.length > 0 : typeof value === 'object' && value !== null && Object.keys(value).length > 0);
const inline = (value) => (isBlock(value) || typeof value !== 'object' ? scalar(value) : JSON.stringify(value));

/** Block-style YAML of `value` (maps, lists, strings, numbers, booleans), indented by two spaces. */
function yamlLines(value, indent) {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      if (!isBlock(item)) return [`${pad}- ${inline(item)}`];
      // A map or list item starts on the dash's line, its further lines two columns in.
      const [first, ...rest] = yamlLines(item, indent + 2);
      return [`${pad}- ${first.slice(indent + 2)}`, ...rest];
    });
  }
  return Object.entries(value).flatMap(([name, item]) => (isBlock(item) ? [`${pad}${key(name)}:`, ...yamlLines(item, indent + 2)] : [`${pad}${key(name)}: ${inline(item)}`]));
}

/** The file's text: a header saying how to deploy and regenerate it, then the template. */
function templateText(policyDocument) {
  return [
    '# The role hipaa-iam assumes in every member account for `hipaa-iam audit --organization`.',
    '# Generated from policies/hipaa-iam-auditor.json by scripts/write-auditor-role-template.js; do not edit.',
    '# Deploy it to every account with a service-managed StackSet (README: "Auditing a whole organization"):',
    '#   aws cloudformation create-stack-set --stack-set-name hipaa-iam-auditor \\',
    '#     --template-body file://policies/hipaa-iam-auditor-role.cfn.yaml --capabilities CAPABILITY_NAMED_IAM \\',
    '#     --permission-model SERVICE_MANAGED --auto-deployment Enabled=true,RetainStacksOnAccountRemoval=false \\',
    '#     --parameters ParameterKey=AuditingAccountId,ParameterValue=111122223333 ParameterKey=ExternalId,ParameterValue=...',
    ...yamlLines(auditorRoleTemplate(policyDocument), 0),
    '',
  ].join('\n');
}

const text = templateText(JSON.parse(readFileSync(POLICY, 'utf8')));
if (process.argv.includes('--stdout')) process.stdout.write(text);
else {
  writeFileSync(TEMPLATE, text);
  console.log('wrote policies/hipaa-iam-auditor-role.cfn.yaml');
}
