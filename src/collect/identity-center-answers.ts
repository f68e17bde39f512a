import type { GetPolicyCommandOutput, GetPolicyVersionCommandOutput } from '@aws-sdk/client-iam';
import type { ListGroupMembershipsCommandOutput, ListGroupsCommandOutput, ListUsersCommandOutput } from '@aws-sdk/client-identitystore';
import type {
  DescribePermissionSetCommandOutput,
  GetInlinePolicyForPermissionSetCommandOutput,
  GetPermissionsBoundaryForPermissionSetCommandOutput,
  ListAccountAssignmentsCommandOutput,
  ListAccountsForProvisionedPermissionSetCommandOutput,
  ListCustomerManagedPolicyReferencesInPermissionSetCommandOutput,
  ListInstancesCommandOutput,
  ListManagedPoliciesInPermissionSetCommandOutput,
  ListPermissionSetsCommandOutput,
} from '@aws-sdk/client-sso-admin';
import { decodePolicyDocument, PolicyDocumentError } from '../policy/document.js';
import type { IdentityCenterInstance, IdentityStore, PermissionSet, PolicyDocument } from '../snapshot/schema.js';
import type { Answer } from './answer.js';
import { codedError, errorCode, isoDate, required } from './source-error.js';

// Pure readers of the sso-admin, identitystore and iam answers IAM Identity Center is read from,
// shared by the live collector (src/collect/identity-center.ts) and the importer of AWS CLI
// exports (src/snapshot/import-sources.ts); apart from the calls so that an import loads no SDK
// client. Every list AWS always returns is `required`: a page without it is incomplete, never "none".

/** An instance as ListInstances lists it, before its parts are read. */
export type InstanceFacts = Pick<IdentityCenterInstance, 'instanceArn' | 'identityStoreId' | 'name' | 'ownerAccountId' | 'status' | 'createdDate'>;

/** What DescribePermissionSet says of a set; the rest of PermissionSet comes from the other calls. */
export type PermissionSetFacts = Pick<PermissionSet, 'arn' | 'name' | 'description' | 'sessionDuration' | 'createdDate'>;

type Users = IdentityStore['users'];
type Groups = IdentityStore['groups'];
type Memberships = IdentityStore['memberships'];
type Assignment = PermissionSet['assignments'][number];

/** ListInstances' instances of one page (InstanceArn and IdentityStoreId are what every other call needs). */
export function instancesFromAnswer(page: Answer<ListInstancesCommandOutput>): InstanceFacts[] {
  return required(page.Instances, 'ListInstances', 'Instances').map((instance) => ({
    instanceArn: required(instance.InstanceArn, 'ListInstances', 'an instance\'s InstanceArn'),
    identityStoreId: required(instance.IdentityStoreId, 'ListInstances', 'an instance\'s IdentityStoreId'),
    name: instance.Name || null,
    ownerAccountId: instance.OwnerAccountId || null,
    status: instance.Status || null,
    createdDate: isoDate(instance.CreatedDate),
  }));
}

/** ListPermissionSets' permission set ARNs of one page. */
export function permissionSetArnsFromAnswer(page: Answer<ListPermissionSetsCommandOutput>): string[] {
  return required(page.PermissionSets, 'ListPermissionSets', 'PermissionSets');
}

/** DescribePermissionSet's set: SessionDuration kept as the ISO 8601 duration AWS gives (`PT8H`). */
export function permissionSetFromAnswer(answer: Answer<DescribePermissionSetCommandOutput>, arn: string): PermissionSetFacts {
  const set = required(answer.PermissionSet, 'DescribePermissionSet', 'PermissionSet');
  return {
    arn: set.PermissionSetArn ?? arn,
    name: required(set.Name, 'DescribePermissionSet', 'PermissionSet.Name'),
    description: set.Description || null,
    sessionDuration: set.SessionDuration || null,
    createdDate: isoDate(set.CreatedDate),
  };
}

/** ListManagedPoliciesInPermissionSet's AWS managed policies of one page. */
export function managedPoliciesFromAnswer(page: Answer<ListManagedPoliciesInPermissionSetCommandOutput>): PermissionSet['awsManagedPolicies'] {
  return required(page.AttachedManagedPolicies, 'ListManagedPoliciesInPermissionSet', 'AttachedManagedPolicies').map((policy) => {
    const arn = required(policy.Arn, 'ListManagedPoliciesInPermissionSet', 'a policy\'s Arn');
    return { arn, name: policy.Name || arn.split('/').pop() || arn };
  });
}

/** ListCustomerManagedPolicyReferencesInPermissionSet's references of one page; Path defaults to `/` as in IAM. */
export function customerManagedPoliciesFromAnswer(page: Answer<ListCustomerManagedPolicyReferencesInPermissionSetCommandOutput>): PermissionSet['customerManagedPolicies'] {
  return required(page.CustomerManagedPolicyReferences, 'ListCustomerManagedPolicyReferencesInPermissionSet', 'CustomerManagedPolicyReferences').map((reference) => ({
    name: required(reference.Name, 'ListCustomerManagedPolicyReferencesInPermissionSet', 'a reference\'s Name'),
    path: reference.Path || '/',
  }));
}

/**
 * GetInlinePolicyForPermissionSet's inline policy: AWS answers an empty string for a set without
 * one (null here). A document that is not a policy throws PolicyDocumentError naming the set: it
 * is unreadable, never "no inline policy".
 */
export function inlinePolicyFromAnswer(answer: Answer<GetInlinePolicyForPermissionSetCommandOutput>, setArn: string): PolicyDocument | null {
  const text = required(answer.InlinePolicy, 'GetInlinePolicyForPermissionSet', 'InlinePolicy');
  if (text.trim() === '') return null;
  try {
    return decodePolicyDocument(text);
  } catch (error) {
    if (error instanceof PolicyDocumentError) throw new PolicyDocumentError(`the inline policy of permission set ${setArn}: ${error.message}`);
    throw error;
  }
}

/**
 * AWS's answer to GetPermissionsBoundaryForPermissionSet for a set that has no boundary:
 * ResourceNotFoundException (as the Terraform AWS provider also reads it). Only that is "no
 * boundary"; any other error leaves the boundary unknown.
 */
export function isNoPermissionsBoundary(error: unknown): boolean {
  return errorCode(error) === 'ResourceNotFoundException';
}

/** GetPermissionsBoundaryForPermissionSet's boundary: an AWS managed policy ARN or a customer managed reference. */
export function permissionsBoundaryFromAnswer(answer: Answer<GetPermissionsBoundaryForPermissionSetCommandOutput>): NonNullable<PermissionSet['permissionsBoundary']> {
  const boundary = required(answer.PermissionsBoundary, 'GetPermissionsBoundaryForPermissionSet', 'PermissionsBoundary');
  const reference = boundary.CustomerManagedPolicyReference;
  const result = {
    managedPolicyArn: boundary.ManagedPolicyArn || null,
    customerManagedPolicy: reference ? { name: required(reference.Name, 'GetPermissionsBoundaryForPermissionSet', 'CustomerManagedPolicyReference.Name'), path: reference.Path || '/' } : null,
  };
  // A boundary naming no policy would read as "bounded by nothing known": incomplete.
  if (result.managedPolicyArn === null && result.customerManagedPolicy === null) throw codedError('MalformedAnswer', 'GetPermissionsBoundaryForPermissionSet answered a boundary naming no policy: the answer is incomplete');
  return result;
}

/** ListAccountsForProvisionedPermissionSet's account ids of one page. */
export function provisionedAccountsFromAnswer(page: Answer<ListAccountsForProvisionedPermissionSetCommandOutput>): string[] {
  return required(page.AccountIds, 'ListAccountsForProvisionedPermissionSet', 'AccountIds');
}

/** ListAccountAssignments' assignments of one page, in `accountId`; a principal type other than USER or GROUP throws. */
export function assignmentsFromAnswer(page: Answer<ListAccountAssignmentsCommandOutput>, accountId: string): Assignment[] {
  return required(page.AccountAssignments, 'ListAccountAssignments', 'AccountAssignments').map((assignment) => {
    const principalType = assignment.PrincipalType;
    if (principalType !== 'USER' && principalType !== 'GROUP') throw codedError('MalformedAnswer', `ListAccountAssignments answered principal type ${JSON.stringify(principalType)} where USER or GROUP was expected: who holds the permission set is unknown`);
    return { accountId: assignment.AccountId || accountId, principalType, principalId: required(assignment.PrincipalId, 'ListAccountAssignments', 'an assignment\'s PrincipalId') };
  });
}

/** identitystore ListUsers' users of one page. */
export function usersFromAnswer(page: Answer<ListUsersCommandOutput>): Users {
  return required(page.Users, 'ListUsers', 'Users').map((user) => ({
    id: required(user.UserId, 'ListUsers', 'a user\'s UserId'),
    userName: user.UserName || user.UserId || '',
    displayName: user.DisplayName || null,
  }));
}

/** identitystore ListGroups' groups of one page. */
export function groupsFromAnswer(page: Answer<ListGroupsCommandOutput>): Groups {
  return required(page.Groups, 'ListGroups', 'Groups').map((group) => ({
    id: required(group.GroupId, 'ListGroups', 'a group\'s GroupId'),
    displayName: group.DisplayName || group.GroupId || '',
    description: group.Description || null,
  }));
}

/** identitystore ListGroupMemberships' memberships of `groupId`, one page; a member that is not a user throws (its access would be unknown). */
export function membershipsFromAnswer(page: Answer<ListGroupMembershipsCommandOutput>, groupId: string): Memberships {
  return required(page.GroupMemberships, 'ListGroupMemberships', 'GroupMemberships').map((membership) => {
    const userId = (membership.MemberId as { UserId?: string | null } | null | undefined)?.UserId;
    if (!userId) throw codedError('MalformedAnswer', `ListGroupMemberships answered a member of group ${groupId} that is not a user: the group's members are unknown`);
    return { groupId: membership.GroupId || groupId, userId };
  });
}

/** The AWS managed policies the sets attach or use as boundary, sorted and without duplicates. */
export function awsManagedPolicyArns(permissionSets: readonly PermissionSet[]): string[] {
  const arns = permissionSets.flatMap((set) => [...set.awsManagedPolicies.map((p) => p.arn), ...(set.permissionsBoundary?.managedPolicyArn ? [set.permissionsBoundary.managedPolicyArn] : [])]);
  return [...new Set(arns)].sort();
}

/** iam:GetPolicy's default version id of an AWS managed policy. */
export function defaultVersionFromAnswer(answer: Answer<GetPolicyCommandOutput>): string {
  return required(required(answer.Policy, 'GetPolicy', 'Policy').DefaultVersionId, 'GetPolicy', 'Policy.DefaultVersionId');
}

/** iam:GetPolicyVersion's document (URL-encoded by IAM's API, decoded as the other collectors do). */
export function managedPolicyDocumentFromAnswer(answer: Answer<GetPolicyVersionCommandOutput>, arn: string, versionId: string): { versionId: string; document: PolicyDocument } {
  const version = required(answer.PolicyVersion, 'GetPolicyVersion', 'PolicyVersion');
  const text = required(version.Document, 'GetPolicyVersion', 'PolicyVersion.Document');
  try {
    return { versionId: version.VersionId || versionId, document: decodePolicyDocument(text) };
  } catch (error) {
    if (error instanceof PolicyDocumentError) throw new PolicyDocumentError(`${arn} ${versionId}: ${error.message}`);
    throw error;
  }
}
