import { InputError } from '../errors.js';
import { PERMISSIONS_BOUNDARY_POLICY_NAME } from '../policy/prescribed.js';
import type { PolicyDocument } from '../snapshot/schema.js';
import { indexEligibleServices, type EligibleServicesList } from './eligible-services.js';

/** AWS's limit on a customer managed policy, counted without whitespace. */
export const MANAGED_POLICY_MAX_CHARS = 6144;

/**
 * IAM a bounded principal keeps: reading, and its own password and MFA device. IAM writes
 * are left out on purpose (a principal that can write IAM can lift its own ceiling), and so
 * are access keys: keys are made and rotated by administrators, who stay unbounded.
 */
const IAM_READ = ['iam:Get*', 'iam:List*', 'iam:GenerateCredentialReport', 'iam:GenerateServiceLastAccessedDetails', 'iam:SimulatePrincipalPolicy'];
const OWN_USER_SELF_SERVICE = ['iam:ChangePassword', 'iam:DeactivateMFADevice', 'iam:EnableMFADevice', 'iam:ResyncMFADevice'];
const OWN_MFA_DEVICE = ['iam:CreateVirtualMFADevice', 'iam:DeleteVirtualMFADevice'];

/** Explicit Denies, so the ceiling holds even if someone later widens the Allows. */
const BOUNDARY_CHANGES = ['iam:DeleteRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary', 'iam:PutRolePermissionsBoundary', 'iam:PutUserPermissionsBoundary'];
const BOUNDARY_POLICY_CHANGES = ['iam:CreatePolicyVersion', 'iam:DeletePolicy', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion'];
const IAM_ESCALATION = [
  'iam:AddUserToGroup',
  'iam:AttachGroupPolicy',
  'iam:AttachRolePolicy',
  'iam:AttachUserPolicy',
  'iam:CreateAccessKey',
  'iam:CreateLoginProfile',
  'iam:CreatePolicyVersion',
  'iam:CreateRole',
  'iam:CreateUser',
  'iam:PassRole',
  'iam:PutGroupPolicy',
  'iam:PutRolePolicy',
  'iam:PutUserPolicy',
  'iam:SetDefaultPolicyVersion',
  'iam:UpdateAssumeRolePolicy',
  'iam:UpdateLoginProfile',
];
const AUDIT_TAMPERING = [
  'access-analyzer:CreateArchiveRule',
  'access-analyzer:DeleteAnalyzer',
  'access-analyzer:UpdateArchiveRule',
  'cloudtrail:DeleteTrail',
  'cloudtrail:PutEventSelectors',
  'cloudtrail:StopLogging',
  'cloudtrail:UpdateTrail',
];

/**
 * The HIPAA permissions boundary (policies/permissions-boundary.json), generated from the
 * eligible-services list so the two cannot drift: a principal within it reaches only eligible
 * services and the control plane an account needs (IAM only to read and for its own
 * password and MFA), cannot remove or change its boundary, cannot escalate through IAM, and
 * cannot stop CloudTrail or delete an analyzer. Throws InputError when it exceeds AWS's size limit.
 */
export function buildHipaaBoundary(list: EligibleServicesList, policyName = PERMISSIONS_BOUNDARY_POLICY_NAME): PolicyDocument {
  const index = indexEligibleServices(list);
  const prefixes = [...new Set([...index.servicePrefixes, ...index.controlPlanePrefixes])].filter((p) => p !== 'iam').sort();
  const document: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'AllowHipaaEligibleServices', Effect: 'Allow', Action: prefixes.map((p) => `${p}:*`), Resource: '*' },
      { Sid: 'AllowIamRead', Effect: 'Allow', Action: IAM_READ, Resource: '*' },
      { Sid: 'AllowOwnPasswordAndMfa', Effect: 'Allow', Action: OWN_USER_SELF_SERVICE, Resource: 'arn:aws:iam::*:user/${aws:username}' },
      { Sid: 'AllowOwnVirtualMfaDevice', Effect: 'Allow', Action: OWN_MFA_DEVICE, Resource: 'arn:aws:iam::*:mfa/${aws:username}' },
      { Sid: 'DenyBoundaryRemovalOrChange', Effect: 'Deny', Action: BOUNDARY_CHANGES, Resource: '*' },
      { Sid: 'DenyBoundaryPolicyEdits', Effect: 'Deny', Action: BOUNDARY_POLICY_CHANGES, Resource: `arn:aws:iam::*:policy/${policyName}` },
      { Sid: 'DenyPrivilegeEscalationThroughIam', Effect: 'Deny', Action: IAM_ESCALATION, Resource: '*' },
      { Sid: 'DenyStoppingAuditTrails', Effect: 'Deny', Action: AUDIT_TAMPERING, Resource: '*' },
    ],
  };
  const size = JSON.stringify(document).length;
  if (size > MANAGED_POLICY_MAX_CHARS) {
    throw new InputError(`the HIPAA boundary for ${prefixes.length} service prefixes is ${size} characters, over AWS's ${MANAGED_POLICY_MAX_CHARS}-character limit for a managed policy; shorten the eligible-services list or pass --policy-arn with a boundary of your own`);
  }
  return document;
}
