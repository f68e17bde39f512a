import type { SourceName } from '../snapshot/schema.js';

/**
 * The AWS actions (IAM service prefix and operation) collection calls for each source, kept
 * beside the collectors: the per-source call count of run.json (SOURCE_OF_OPERATION), the
 * README's permissions per command and the shipped auditor policy are all derived from it or
 * tested against it (test/policies.test.ts, test/collect/source-actions.test.ts).
 * sts:GetCallerIdentity needs no permission; it is listed because it is called.
 */
export const SOURCE_ACTIONS: Record<SourceName, readonly string[]> = {
  callerIdentity: ['sts:GetCallerIdentity'],
  credentialReport: ['iam:GenerateCredentialReport', 'iam:GetCredentialReport'],
  // ListRoles: each role's MaxSessionDuration, which the authorization details leave out.
  authorizationDetails: ['iam:GetAccountAuthorizationDetails', 'iam:ListRoles'],
  accountSummary: ['iam:GetAccountSummary'],
  virtualMfaDevices: ['iam:ListVirtualMFADevices'],
  passwordPolicy: ['iam:GetAccountPasswordPolicy'],
  identityProviders: ['iam:ListSAMLProviders', 'iam:ListOpenIDConnectProviders'],
  cloudTrail: ['cloudtrail:DescribeTrails', 'cloudtrail:GetTrailStatus', 'cloudtrail:GetEventSelectors'],
  // organizations:ListPolicies; collection never calls iam:ListPolicies, which shares the name.
  organizations: ['organizations:DescribeOrganization', 'organizations:ListPolicies', 'organizations:DescribePolicy'],
  accessAnalyzer: ['ec2:DescribeRegions', 'access-analyzer:ListAnalyzers', 'access-analyzer:ListFindings'],
  // sso-admin's IAM prefix is sso. iam:GetPolicy/GetPolicyVersion read the AWS managed policies
  // permission sets attach (any account may read them), so a set is judged without a provisioned account.
  identityCenter: [
    'sso:ListInstances',
    'sso:ListPermissionSets',
    'sso:DescribePermissionSet',
    'sso:ListManagedPoliciesInPermissionSet',
    'sso:ListCustomerManagedPolicyReferencesInPermissionSet',
    'sso:GetInlinePolicyForPermissionSet',
    'sso:GetPermissionsBoundaryForPermissionSet',
    'sso:ListAccountsForProvisionedPermissionSet',
    'sso:ListAccountAssignments',
    'identitystore:ListUsers',
    'identitystore:ListGroups',
    'identitystore:ListGroupMemberships',
    'iam:GetPolicy',
    'iam:GetPolicyVersion',
  ],
};

/**
 * The operations an action authorizes where they are not the action's own name: AWS's API
 * reference says ListFindings and ListFindingsV2 both use access-analyzer:ListFindings (there is
 * no access-analyzer:ListFindingsV2 action), and collection calls ListFindingsV2.
 */
export const OPERATIONS_OF_ACTION: Readonly<Record<string, readonly string[]>> = { 'access-analyzer:ListFindings': ['ListFindingsV2'] };

/** The operations (API names, as the SDK's ledger sees them) collection calls under an action. */
export function operationsOf(action: string): readonly string[] {
  return OPERATIONS_OF_ACTION[action] ?? [action.split(':')[1]!];
}

/** Actions that need no permission in any policy (AWS allows them to every signed request). */
export const ACTIONS_WITHOUT_PERMISSION: ReadonlySet<string> = new Set(['sts:GetCallerIdentity']);

/** The permissions reading these sources needs, in SOURCE_ACTIONS order, without duplicates or the ones AWS never denies. */
export function permissionsFor(sources: readonly SourceName[]): string[] {
  return [...new Set(sources.flatMap((name) => SOURCE_ACTIONS[name]))].filter((action) => !ACTIONS_WITHOUT_PERMISSION.has(action));
}

/**
 * The AWS actions an organization run (--organization) calls from the management account or a
 * delegated administrator, per part of its facts (src/organization/facts.ts), beside what each
 * member account's own collection calls (SOURCE_ACTIONS, through the auditor role there).
 * `assumeRole` is the auditor role assumed in each member account (and in Access Analyzer's
 * delegated administrator). policies/hipaa-iam-organization-auditor.json grants those of them
 * that policies/hipaa-iam-auditor.json does not (test/policies.test.ts).
 */
export const ORGANIZATION_ACTIONS = {
  // GetCallerIdentity names the reading account (it needs no permission).
  organization: ['sts:GetCallerIdentity', 'organizations:DescribeOrganization'],
  // ListAccounts is the list of members; the walk down from the roots places each in its OU.
  accounts: ['organizations:ListAccounts', 'organizations:ListRoots', 'organizations:ListOrganizationalUnitsForParent', 'organizations:ListAccountsForParent'],
  scps: ['organizations:ListPolicies', 'organizations:DescribePolicy', 'organizations:ListTargetsForPolicy'],
  organizationsFeatures: ['iam:ListOrganizationsFeatures'],
  organizationTrails: ['cloudtrail:DescribeTrails', 'cloudtrail:GetTrailStatus', 'cloudtrail:GetEventSelectors'],
  organizationAnalyzers: ['organizations:ListDelegatedAdministrators', 'ec2:DescribeRegions', 'access-analyzer:ListAnalyzers', 'access-analyzer:ListFindings'],
  // Read in the management account, or through the auditor role in Identity Center's delegated administrator.
  identityCenter: SOURCE_ACTIONS.identityCenter,
  assumeRole: ['sts:AssumeRole'],
} as const satisfies Record<string, readonly string[]>;

export type OrganizationPart = keyof typeof ORGANIZATION_ACTIONS;

/** Which part of an organization's facts each operation feeds, for its call counts (an operation name is unique across them). */
export const ORGANIZATION_PART_OF_OPERATION: Record<string, OrganizationPart> = Object.fromEntries(
  (Object.entries(ORGANIZATION_ACTIONS) as [OrganizationPart, readonly string[]][]).flatMap(([part, actions]) => actions.flatMap((action) => operationsOf(action).map((operation) => [operation, part]))),
);
