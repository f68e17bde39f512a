import { GetPolicyCommand, GetPolicyVersionCommand, type IAMClient } from '@aws-sdk/client-iam';
import { paginateListGroupMemberships, paginateListGroups, paginateListUsers, type IdentitystoreClient } from '@aws-sdk/client-identitystore';
import {
  DescribePermissionSetCommand,
  GetInlinePolicyForPermissionSetCommand,
  GetPermissionsBoundaryForPermissionSetCommand,
  paginateListAccountAssignments,
  paginateListAccountsForProvisionedPermissionSet,
  paginateListCustomerManagedPolicyReferencesInPermissionSet,
  paginateListInstances,
  paginateListManagedPoliciesInPermissionSet,
  paginateListPermissionSets,
  type SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import type { IdentityCenterData, IdentityCenterInstance, IdentityStore, PermissionSet } from '../snapshot/schema.js';
import {
  assignmentsFromAnswer,
  awsManagedPolicyArns,
  customerManagedPoliciesFromAnswer,
  defaultVersionFromAnswer,
  groupsFromAnswer,
  inlinePolicyFromAnswer,
  instancesFromAnswer,
  isNoPermissionsBoundary,
  managedPoliciesFromAnswer,
  managedPolicyDocumentFromAnswer,
  membershipsFromAnswer,
  permissionSetArnsFromAnswer,
  permissionSetFromAnswer,
  permissionsBoundaryFromAnswer,
  provisionedAccountsFromAnswer,
  usersFromAnswer,
  type InstanceFacts,
} from './identity-center-answers.js';
import { resultOf } from './source-error.js';

export interface IdentityCenterCollectOptions {
  /** Where the instance is looked for (ListInstances answers for its own region only). */
  region: string;
  ssoAdminIn: (region: string) => SSOAdminClient;
  identityStoreIn: (region: string) => IdentitystoreClient;
  /** Reads the AWS managed policies' documents (iam:GetPolicy, iam:GetPolicyVersion). */
  iam: IAMClient;
  /** Most calls in flight at once within the source (permission sets × accounts grow the calls). */
  concurrency?: number;
}

/** Permission sets (and groups, and policy documents) read at once by default: enough to overlap latency, few enough not to be throttled. */
export const DEFAULT_IDENTITY_CENTER_CONCURRENCY = 6;

/**
 * IAM Identity Center as the reading account sees it in `region`: its instances, each with its
 * permission sets (policies, boundary, accounts, assignments), identity store and the AWS managed
 * policies' documents, each part its data or its error.
 *
 * Calls: sso-admin ListInstances (paged), then per instance ListPermissionSets (paged) and per
 * set DescribePermissionSet, ListManagedPoliciesInPermissionSet, ListCustomerManagedPolicy-
 * ReferencesInPermissionSet, GetInlinePolicyForPermissionSet, GetPermissionsBoundaryFor-
 * PermissionSet, ListAccountsForProvisionedPermissionSet and ListAccountAssignments per
 * provisioned account (so the calls grow with permission sets × accounts); identitystore
 * ListUsers, ListGroups and ListGroupMemberships per group; iam GetPolicy + GetPolicyVersion per
 * AWS managed policy the sets use. Pages are read serially; sets, groups and policy documents at
 * most `concurrency` at a time (default DEFAULT_IDENTITY_CENTER_CONCURRENCY).
 *
 * Errors: ListInstances failing throws (the source is that error: no instance can be named).
 * Any other call failing, or answering without a list AWS always returns (MalformedAnswer), makes
 * its part the error with AWS's code and message: instance.permissionSets (for any set's call),
 * instance.identityStore, or one awsManagedPolicyDocuments entry; never an empty list. A set
 * with no permissions boundary is AWS's ResourceNotFoundException, read as null.
 */
export async function collectIdentityCenter(options: IdentityCenterCollectOptions): Promise<IdentityCenterData> {
  const ssoAdmin = options.ssoAdminIn(options.region);
  const identityStore = options.identityStoreIn(options.region);
  const limit = Math.max(1, options.concurrency ?? DEFAULT_IDENTITY_CENTER_CONCURRENCY);
  const facts: InstanceFacts[] = [];
  for await (const page of paginateListInstances({ client: ssoAdmin }, {})) facts.push(...instancesFromAnswer(page));
  const instances: IdentityCenterInstance[] = [];
  // Instances one after another: a region holds one organization instance and few account instances.
  for (const instance of facts) instances.push(await readInstance(instance, ssoAdmin, identityStore, options.iam, limit));
  return { region: options.region, instances };
}

async function readInstance(instance: InstanceFacts, ssoAdmin: SSOAdminClient, identityStore: IdentitystoreClient, iam: IAMClient, limit: number): Promise<IdentityCenterInstance> {
  const [permissionSets, store] = await Promise.all([
    resultOf(() => readPermissionSets(ssoAdmin, instance.instanceArn, limit)),
    resultOf(() => readIdentityStore(identityStore, instance.identityStoreId, limit)),
  ]);
  const arns = permissionSets.status === 'ok' ? awsManagedPolicyArns(permissionSets.data) : [];
  const documents = await mapLimited(arns, limit, async (arn) => [arn, await resultOf(() => readAwsManagedPolicy(iam, arn))] as const);
  return { ...instance, permissionSets, identityStore: store, awsManagedPolicyDocuments: Object.fromEntries(documents) };
}

async function readPermissionSets(client: SSOAdminClient, instanceArn: string, limit: number): Promise<PermissionSet[]> {
  const arns: string[] = [];
  for await (const page of paginateListPermissionSets({ client }, { InstanceArn: instanceArn })) arns.push(...permissionSetArnsFromAnswer(page));
  return mapLimited(arns, limit, (arn) => readPermissionSet(client, instanceArn, arn));
}

/** One set's calls, serially (the concurrency is across sets). */
async function readPermissionSet(client: SSOAdminClient, instanceArn: string, arn: string): Promise<PermissionSet> {
  // Each call gets its own copy: a paginator writes its NextToken into the input it is given, and
  // the next paginator handed the same object would start from that token, skipping pages.
  const input = () => ({ InstanceArn: instanceArn, PermissionSetArn: arn });
  const described = await during('sso:DescribePermissionSet', arn, async () => permissionSetFromAnswer(await client.send(new DescribePermissionSetCommand(input())), arn));
  const awsManagedPolicies: PermissionSet['awsManagedPolicies'] = [];
  await during('sso:ListManagedPoliciesInPermissionSet', arn, async () => {
    for await (const page of paginateListManagedPoliciesInPermissionSet({ client }, input())) awsManagedPolicies.push(...managedPoliciesFromAnswer(page));
  });
  const customerManagedPolicies: PermissionSet['customerManagedPolicies'] = [];
  await during('sso:ListCustomerManagedPolicyReferencesInPermissionSet', arn, async () => {
    for await (const page of paginateListCustomerManagedPolicyReferencesInPermissionSet({ client }, input())) customerManagedPolicies.push(...customerManagedPoliciesFromAnswer(page));
  });
  const inlinePolicy = await during('sso:GetInlinePolicyForPermissionSet', arn, async () => inlinePolicyFromAnswer(await client.send(new GetInlinePolicyForPermissionSetCommand(input())), arn));
  let permissionsBoundary: PermissionSet['permissionsBoundary'];
  try {
    permissionsBoundary = await during('sso:GetPermissionsBoundaryForPermissionSet', arn, async () => permissionsBoundaryFromAnswer(await client.send(new GetPermissionsBoundaryForPermissionSetCommand(input()))));
  } catch (error) {
    if (!isNoPermissionsBoundary(error)) throw error;
    permissionsBoundary = null;
  }
  const accounts: string[] = [];
  await during('sso:ListAccountsForProvisionedPermissionSet', arn, async () => {
    for await (const page of paginateListAccountsForProvisionedPermissionSet({ client }, input())) accounts.push(...provisionedAccountsFromAnswer(page));
  });
  const assignments: PermissionSet['assignments'] = [];
  for (const accountId of accounts) {
    await during('sso:ListAccountAssignments', `${arn} in ${accountId}`, async () => {
      for await (const page of paginateListAccountAssignments({ client }, { ...input(), AccountId: accountId })) assignments.push(...assignmentsFromAnswer(page, accountId));
    });
  }
  return { ...described, awsManagedPolicies, customerManagedPolicies, inlinePolicy, permissionsBoundary, accounts, assignments };
}

/**
 * One call of a permission set's reading: a failure keeps AWS's error code, and its message gains
 * the action and the set (`sso:GetInlinePolicyForPermissionSet on arn:…: …`), so a denial names
 * the permission to grant and an error answer the call that gave it.
 */
async function during<T>(action: string, subject: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof Error && !error.message.startsWith(action)) error.message = `${action} on ${subject}: ${error.message}`;
    throw error;
  }
}

async function readIdentityStore(client: IdentitystoreClient, identityStoreId: string, limit: number): Promise<IdentityStore> {
  const users: IdentityStore['users'] = [];
  for await (const page of paginateListUsers({ client }, { IdentityStoreId: identityStoreId })) users.push(...usersFromAnswer(page));
  const groups: IdentityStore['groups'] = [];
  for await (const page of paginateListGroups({ client }, { IdentityStoreId: identityStoreId })) groups.push(...groupsFromAnswer(page));
  const perGroup = await mapLimited(groups, limit, async (group) => {
    const memberships: IdentityStore['memberships'] = [];
    for await (const page of paginateListGroupMemberships({ client }, { IdentityStoreId: identityStoreId, GroupId: group.id })) memberships.push(...membershipsFromAnswer(page, group.id));
    return memberships;
  });
  return { users, groups, memberships: perGroup.flat() };
}

async function readAwsManagedPolicy(iam: IAMClient, arn: string) {
  const versionId = defaultVersionFromAnswer(await iam.send(new GetPolicyCommand({ PolicyArn: arn })));
  return managedPolicyDocumentFromAnswer(await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: versionId })), arn, versionId);
}

/**
 * `map` over `items` with at most `limit` in flight, results in the items' order. The first
 * failure rejects the whole (once the calls already in flight have settled) and starts no more.
 */
export async function mapLimited<T, R>(items: readonly T[], limit: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await map(items[index] as T);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const rejection = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (rejection) throw rejection.reason;
  return results;
}
