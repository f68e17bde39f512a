import type { AccountModel } from '../effective-permissions.js';
import { assumeRole } from './methods/assume-role.js';
import { addUserToAdminGroup, joinGroup } from './methods/group-membership.js';
import { policyOnGroup, policyOnItself, policyOnItsGroup, policyOnRole, policyOnUser } from './methods/attach-or-put-policy.js';
import { computeMethods } from './methods/compute.js';
import { userCredentials } from './methods/credentials.js';
import { newRole, newUser } from './methods/new-principal.js';
import { ownPermissionsBoundary } from './methods/permissions-boundary.js';
import { defaultPolicyVersionOfOthers, newPolicyVersionOfOthers, ownPolicyVersion } from './methods/policy-version.js';
import { removeDeny } from './methods/remove-deny.js';
import { rewriteTrustPolicy } from './methods/trust-policy.js';
import { EscalationSearch } from './search.js';
import type { EscalationMethod, PrincipalEscalation } from './types.js';

/**
 * Privilege escalation: which principals that are not administrators can become one through a
 * known method. Three kinds of method:
 * - self: the principal changes its own permissions (a new version of a policy attached to it,
 *   attaching or writing a policy on itself or its group, joining an administrators' group,
 *   making a new administrator user or role, removing its own boundary or Deny);
 * - confer: it can give administrator rights to another principal (whose credentials it may
 *   hold or later obtain): granting administrator access is itself administrator power;
 * - become: it can act as another principal that is an administrator or can escalate (assume a
 *   role, take over a user's keys or password, rewrite a trust policy, pass a role to compute it
 *   controls, or run code in compute that already runs as such a role).
 * Each step is a question to the policy engine, so Deny statements, resource constraints,
 * conditions and boundaries are honoured; a step that depends on a condition or on a resource
 * the snapshot cannot show (an existing function, instance or stack) is kept, and marked so.
 *
 * Modelled: the 21 methods of Rhino Security Labs' "AWS IAM Privilege Escalation – Methods and
 * Mitigation" (policy versions, Attach/Put on users, groups and roles, AddUserToGroup, access
 * keys and login profiles, UpdateAssumeRolePolicy, PassRole to EC2, Lambda, Glue, CloudFormation
 * and Data Pipeline, Lambda UpdateFunctionCode, Glue UpdateDevEndpoint) — the cases of BishopFox
 * iam-vulnerable — and, as PMapper's edge checkers also look at, sts:AssumeRole chains, CodeBuild,
 * SageMaker, ECS, SSM and EC2 Instance Connect, CloudFormation change sets and stack updates; plus
 * new users and roles, permissions boundaries and Deny statements taken away, instance user data
 * and launch templates.
 * Not modelled: PassRole to other services (App Runner, Batch, Bedrock, EMR, Glue
 * sessions, CodeStar, Amplify, Image Builder …); Lambda UpdateFunctionConfiguration (a new role
 * or layer for an existing function) and AddPermission; Auto Scaling launch configurations and
 * groups (PMapper's autoscaling edges) and EC2 spot requests; CodeBuild UpdateProject; ECS
 * UpdateService; identity providers (SAML/OIDC trust rewritten) and IAM Identity Center
 * permission sets; access a user's second access key needs a DeleteAccessKey for; secrets or
 * credentials read from data stores; anything across accounts or outside IAM's identity policies
 * (resource policies other than trust policies, service control policies).
 *
 * Adding a method: one file under methods/ implementing EscalationMethod (or one row of a family
 * table), and one line below. The sieve derives the actions it looks for from what methods
 * declare; a test holds every method's steps to its declared actions.
 */
export const ESCALATION_METHODS: readonly EscalationMethod[] = [
  // self, in the order their evidence is listed
  ownPermissionsBoundary,
  ownPolicyVersion,
  policyOnItself,
  policyOnItsGroup,
  joinGroup,
  newUser,
  newRole,
  removeDeny,
  // confer
  policyOnUser,
  policyOnRole,
  policyOnGroup,
  newPolicyVersionOfOthers,
  defaultPolicyVersionOfOthers,
  addUserToAdminGroup,
  // become
  userCredentials,
  assumeRole,
  rewriteTrustPolicy,
  ...computeMethods,
];

/** Escalation paths of every user and role of the run's account model, keyed by principal ARN. */
export function analyseEscalation(model: AccountModel, methods: readonly EscalationMethod[] = ESCALATION_METHODS): Map<string, PrincipalEscalation> {
  return new EscalationSearch(model, methods).analyse();
}

export type { Certainty, EscalationMethod, EscalationPath, EscalationStep, PrincipalEscalation } from './types.js';
