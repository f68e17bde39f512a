import { CreateGroupCommand, CreateGroupMembershipCommand, CreateUserCommand, IdentitystoreClient } from '@aws-sdk/client-identitystore';
import {
  AttachCustomerManagedPolicyReferenceToPermissionSetCommand,
  AttachManagedPolicyToPermissionSetCommand,
  CreateAccountAssignmentCommand,
  CreatePermissionSetCommand,
  ListInstancesCommand,
  ProvisionPermissionSetCommand,
  PutInlinePolicyToPermissionSetCommand,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';

/*
 * Seeds IAM Identity Center in a moto server through the SDK, for live-path tests (collection,
 * controls, organization runs). What moto 5.2.1 does and does not do, which tests must allow for:
 * - every account and region has one instance already (ListInstances), with an identity store id;
 * - ProvisionPermissionSet ignores its target: a set is provisioned to moto's own account
 *   (123456789012 by default), and ListAccountsForProvisionedPermissionSet lists only that account;
 *   assignments made in other accounts are stored but collection never asks for them;
 * - CreatePermissionSet without SessionDuration stores the number 3600 (AWS: PT1H): the seed
 *   always sends one (default PT1H);
 * - GetPermissionsBoundaryForPermissionSet is not served (and Put… neither): answer it with the
 *   fault proxy's `permissionsBoundaries` option (test/support/fault-proxy.ts);
 * - iam:GetPolicy on an AWS managed policy finds it only when moto starts with
 *   MOTO_IAM_LOAD_MANAGED_POLICIES=true (IDENTITY_CENTER_MOTO_ENV).
 */

/** moto's environment for Identity Center tests: AWS managed policies loaded, so their documents can be read. */
export const IDENTITY_CENTER_MOTO_ENV: Record<string, string> = { MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' };

export interface SeedUser {
  userName: string;
  /** Default: the user name. */
  displayName?: string;
}

export interface SeedGroup {
  displayName: string;
  description?: string;
  /** User names (of `users`) made members of the group. */
  members?: string[];
}

/** Who a permission set is assigned to: a user (by user name) or a group (by display name). */
export type SeedPrincipal = { user: string } | { group: string };

export interface SeedPermissionSet {
  name: string;
  description?: string;
  /** ISO 8601 duration as AWS takes it; default PT1H (AWS's default). */
  sessionDuration?: string;
  /** The inline policy document (PutInlinePolicyToPermissionSet). */
  inlinePolicy?: object;
  /** AWS managed policy ARNs attached (AttachManagedPolicyToPermissionSet). */
  awsManagedPolicies?: string[];
  /** Customer managed policy references (name, path default `/`). */
  customerManagedPolicies?: { name: string; path?: string }[];
  /** Provision the set (to moto's own account); default true. */
  provision?: boolean;
  /** Assignments in `accountId` (default the seed's account), made after provisioning. */
  assignments?: (SeedPrincipal & { accountId?: string })[];
}

export interface IdentityCenterSeed {
  users?: SeedUser[];
  groups?: SeedGroup[];
  permissionSets?: SeedPermissionSet[];
}

export interface SeededIdentityCenter {
  region: string;
  /** moto's account, the one sets are provisioned to. */
  accountId: string;
  instanceArn: string;
  identityStoreId: string;
  /** User name → UserId. */
  users: Record<string, string>;
  /** Group display name → GroupId. */
  groups: Record<string, string>;
  /** Permission set name → PermissionSetArn. */
  permissionSets: Record<string, string>;
}

export interface SeedIdentityCenterOptions {
  region?: string;
  /** moto's account (default 123456789012). */
  accountId?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/**
 * Creates users, groups, memberships and permission sets (inline, AWS managed and customer
 * managed policies, session durations) in moto's Identity Center instance in `region`, then
 * provisions and assigns the sets. Names must be unique within their kind. Returns the ids
 * and ARNs moto gave them, by name.
 */
export async function seedIdentityCenter(endpoint: string, seed: IdentityCenterSeed, options: SeedIdentityCenterOptions = {}): Promise<SeededIdentityCenter> {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '123456789012';
  const config = { endpoint, region, credentials: options.credentials ?? { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 1 };
  const ssoAdmin = new SSOAdminClient(config);
  const identityStore = new IdentitystoreClient(config);
  try {
    const instance = (await ssoAdmin.send(new ListInstancesCommand({}))).Instances?.[0];
    if (!instance?.InstanceArn || !instance.IdentityStoreId) throw new Error(`moto listed no Identity Center instance in ${region}`);
    const instanceArn = instance.InstanceArn;
    const identityStoreId = instance.IdentityStoreId;

    const users: Record<string, string> = {};
    for (const user of seed.users ?? []) {
      const created = await identityStore.send(
        new CreateUserCommand({ IdentityStoreId: identityStoreId, UserName: user.userName, DisplayName: user.displayName ?? user.userName, Name: { GivenName: user.userName, FamilyName: 'Seeded' } }),
      );
      users[user.userName] = need(created.UserId, `user ${user.userName}`);
    }
    const groups: Record<string, string> = {};
    for (const group of seed.groups ?? []) {
      const created = await identityStore.send(new CreateGroupCommand({ IdentityStoreId: identityStoreId, DisplayName: group.displayName, Description: group.description }));
      const groupId = need(created.GroupId, `group ${group.displayName}`);
      groups[group.displayName] = groupId;
      for (const member of group.members ?? []) {
        await identityStore.send(new CreateGroupMembershipCommand({ IdentityStoreId: identityStoreId, GroupId: groupId, MemberId: { UserId: need(users[member], `member ${member} of ${group.displayName} (not in users)`) } }));
      }
    }

    const permissionSets: Record<string, string> = {};
    for (const set of seed.permissionSets ?? []) {
      const created = await ssoAdmin.send(new CreatePermissionSetCommand({ InstanceArn: instanceArn, Name: set.name, Description: set.description, SessionDuration: set.sessionDuration ?? 'PT1H' }));
      const arn = need(created.PermissionSet?.PermissionSetArn, `permission set ${set.name}`);
      permissionSets[set.name] = arn;
      const input = { InstanceArn: instanceArn, PermissionSetArn: arn };
      if (set.inlinePolicy) await ssoAdmin.send(new PutInlinePolicyToPermissionSetCommand({ ...input, InlinePolicy: JSON.stringify(set.inlinePolicy) }));
      for (const policyArn of set.awsManagedPolicies ?? []) await ssoAdmin.send(new AttachManagedPolicyToPermissionSetCommand({ ...input, ManagedPolicyArn: policyArn }));
      for (const reference of set.customerManagedPolicies ?? []) {
        await ssoAdmin.send(new AttachCustomerManagedPolicyReferenceToPermissionSetCommand({ ...input, CustomerManagedPolicyReference: { Name: reference.name, Path: reference.path ?? '/' } }));
      }
      if (set.provision ?? true) await ssoAdmin.send(new ProvisionPermissionSetCommand({ ...input, TargetType: 'AWS_ACCOUNT', TargetId: accountId }));
      for (const assignment of set.assignments ?? []) {
        const principal = 'user' in assignment ? { PrincipalType: 'USER' as const, PrincipalId: need(users[assignment.user], `user ${assignment.user}`) } : { PrincipalType: 'GROUP' as const, PrincipalId: need(groups[assignment.group], `group ${assignment.group}`) };
        await ssoAdmin.send(new CreateAccountAssignmentCommand({ ...input, ...principal, TargetType: 'AWS_ACCOUNT', TargetId: assignment.accountId ?? accountId }));
      }
    }
    return { region, accountId, instanceArn, identityStoreId, users, groups, permissionSets };
  } finally {
    ssoAdmin.destroy();
    identityStore.destroy();
  }
}

function need<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`moto made no ${what}`);
  return value;
}
