import { CloudTrailClient, CreateTrailCommand, PutEventSelectorsCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { AttachRolePolicyCommand, AttachUserPolicyCommand, CreatePolicyCommand, CreateRoleCommand, IAMClient, UpdateAccountPasswordPolicyCommand } from '@aws-sdk/client-iam';
import {
  AttachPolicyCommand,
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  CreatePolicyCommand as CreateServiceControlPolicyCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { auditorPolicy, createUserWithKey, policyWithout, shippedPolicy, type AccessKey, type PolicyDocument } from './moto-auth.js';
import { createBucket, type Moto } from './moto.js';

/*
 * An organization on moto 5.2.1, seeded through the SDK as an administrator would: the
 * management account (moto's default 123456789012) with an organization trail and an SCP on the
 * PHI OU, and three member accounts made with CreateAccount (moto gives each an
 * OrganizationAccountAccessRole trusting the management account). The auditor role
 * hipaa-iam-auditor, with the shipped auditor policy, is made in two of them through that role
 * (clinic-prod with a baseline password policy, clinic-dev with a weak one); the third
 * (clinic-sandbox) has none. The reader is a user of the management account holding only the
 * shipped auditor and organization-auditor policies; tests that call enforceIamAuthorization
 * make moto hold it to them.
 *
 * What moto cannot show: it lets AssumeRole into another account succeed whether or not the
 * role exists or trusts the caller (moto/sts/models.py: "the role does not need to exist"),
 * where AWS refuses with AccessDenied. That refusal is stood in for by an explicit Deny of
 * sts:AssumeRole on the missing role in the reading user's policy, so the account without the
 * role meets AWS's answer. moto serves neither iam:ListOrganizationsFeatures nor Access Analyzer.
 */

export const MANAGEMENT = '123456789012';
export const REGION = 'us-east-1';
const DEFAULT_KEY: AccessKey = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const json = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

export interface Seeded {
  prod: string;
  dev: string;
  noRole: string;
  rootId: string;
  phi: string;
  prodOu: string;
  scpId: string;
  reader: AccessKey;
  partial: Map<string, AccessKey>;
}

export const organizationPolicyDocument = () => shippedPolicy('hipaa-iam-organization-auditor.json');
export const ORGANIZATION_POLICY_ACTIONS = organizationPolicyDocument().Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

export async function memberIam(endpoint: string, accountId: string): Promise<IAMClient> {
  const sts = new STSClient({ endpoint, region: REGION, credentials: DEFAULT_KEY });
  const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`, RoleSessionName: 'seed' }));
  sts.destroy();
  return new IAMClient({ endpoint, region: REGION, credentials: { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! } });
}

/** Seeds the organization described above into a fresh moto. */
export async function seedOrganization(moto: Moto): Promise<Seeded> {
  const config = { endpoint: moto.endpoint, region: REGION, credentials: DEFAULT_KEY };
  const organizations = new OrganizationsClient(config);
  const cloudTrail = new CloudTrailClient(config);
  const iam = new IAMClient(config);

  await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const rootId = (await organizations.send(new ListRootsCommand({}))).Roots![0]!.Id!;
  const phi = (await organizations.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'PHI' }))).OrganizationalUnit!.Id!;
  const prodOu = (await organizations.send(new CreateOrganizationalUnitCommand({ ParentId: phi, Name: 'Prod' }))).OrganizationalUnit!.Id!;
  const account = async (name: string) => (await organizations.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@clinic.example` }))).CreateAccountStatus!.AccountId!;
  const prod = await account('clinic-prod');
  const dev = await account('clinic-dev');
  const noRole = await account('clinic-sandbox');
  await organizations.send(new MoveAccountCommand({ AccountId: prod, SourceParentId: rootId, DestinationParentId: prodOu }));
  await organizations.send(new MoveAccountCommand({ AccountId: dev, SourceParentId: rootId, DestinationParentId: phi }));
  const scpId = (
    await organizations.send(new CreateServiceControlPolicyCommand({ Name: 'phi-regions', Description: 'PHI stays in us-east-1', Type: 'SERVICE_CONTROL_POLICY', Content: json([{ Effect: 'Deny', NotAction: 'iam:*', Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': REGION } } }]) }))
  ).Policy!.PolicySummary!.Id!;
  await organizations.send(new AttachPolicyCommand({ PolicyId: scpId, TargetId: phi }));

  await createBucket(moto.endpoint, 'org-audit-logs', REGION);
  await cloudTrail.send(new CreateTrailCommand({ Name: 'org-trail', S3BucketName: 'org-audit-logs', IsMultiRegionTrail: true, IsOrganizationTrail: true, EnableLogFileValidation: true }));
  await cloudTrail.send(new StartLoggingCommand({ Name: 'org-trail' }));
  await cloudTrail.send(new PutEventSelectorsCommand({ TrailName: 'org-trail', EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] }));
  await cloudTrail.send(new CreateTrailCommand({ Name: 'local-trail', S3BucketName: 'org-audit-logs' }));

  // The auditor role in two members, made through the OrganizationAccountAccessRole as a StackSet would.
  for (const member of [prod, dev]) {
    const memberIamClient = await memberIam(moto.endpoint, member);
    await memberIamClient.send(new CreateRoleCommand({ RoleName: 'hipaa-iam-auditor', AssumeRolePolicyDocument: json([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MANAGEMENT}:root` }, Action: 'sts:AssumeRole' }]) }));
    const policy = await memberIamClient.send(new CreatePolicyCommand({ PolicyName: 'hipaa-iam-auditor', PolicyDocument: JSON.stringify(auditorPolicy()) }));
    await memberIamClient.send(new AttachRolePolicyCommand({ RoleName: 'hipaa-iam-auditor', PolicyArn: policy.Policy!.Arn! }));
    await memberIamClient.send(
      new UpdateAccountPasswordPolicyCommand(
        member === dev
          ? { MinimumPasswordLength: 6, RequireSymbols: false, RequireNumbers: false, RequireUppercaseCharacters: false, RequireLowercaseCharacters: false }
          : { MinimumPasswordLength: 14, RequireSymbols: true, RequireNumbers: true, RequireUppercaseCharacters: true, RequireLowercaseCharacters: true, PasswordReusePrevention: 24, MaxPasswordAge: 90 },
      ),
    );
    memberIamClient.destroy();
  }
  await iam.send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 12, RequireSymbols: true, RequireNumbers: true, RequireUppercaseCharacters: true, RequireLowercaseCharacters: true }));

  // The reader: the shipped auditor policy and organization-auditor policy, and (see above) AWS's refusal of the missing role.
  const reader = await createUserWithKey(iam, 'org-auditor', auditorPolicy());
  const organizationPolicy = await iam.send(new CreatePolicyCommand({ PolicyName: 'hipaa-iam-organization-auditor', PolicyDocument: JSON.stringify(shippedPolicy('hipaa-iam-organization-auditor.json')) }));
  await iam.send(new AttachUserPolicyCommand({ UserName: 'org-auditor', PolicyArn: organizationPolicy.Policy!.Arn! }));
  const noRoleStandIn = await iam.send(new CreatePolicyCommand({ PolicyName: 'aws-refuses-missing-role', PolicyDocument: json([{ Effect: 'Deny', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${noRole}:role/hipaa-iam-auditor` }]) }));
  await iam.send(new AttachUserPolicyCommand({ UserName: 'org-auditor', PolicyArn: noRoleStandIn.Policy!.Arn! }));
  // For the least-privilege proof: users holding both shipped policies but one action of the organization policy.
  const partial = new Map<string, AccessKey>();
  for (const action of ORGANIZATION_POLICY_ACTIONS) {
    const document: PolicyDocument = { ...auditorPolicy(), Statement: [...auditorPolicy().Statement, ...policyWithout(organizationPolicyDocument(), [action]).Statement.filter((st) => st.Action.length > 0)] };
    partial.set(action, await createUserWithKey(iam, `org-auditor-no-${action.split(':')[1]}`, document));
  }
  for (const client of [organizations, cloudTrail, iam]) client.destroy();
  return { prod, dev, noRole, rootId, phi, prodOu, scpId, reader, partial };
}

