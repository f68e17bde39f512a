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
  accessAnalyzer: ['ec2:DescribeRegions', 'access-analyzer:ListAnalyzers', 'access-analyzer:ListFindingsV2'],
};

/** Actions that need no permission in any policy (AWS allows them to every signed request). */
export const ACTIONS_WITHOUT_PERMISSION: ReadonlySet<string> = new Set(['sts:GetCallerIdentity']);

/** The permissions reading these sources needs, in SOURCE_ACTIONS order, without duplicates or the ones AWS never denies. */
export function permissionsFor(sources: readonly SourceName[]): string[] {
  return [...new Set(sources.flatMap((name) => SOURCE_ACTIONS[name]))].filter((action) => !ACTIONS_WITHOUT_PERMISSION.has(action));
}
