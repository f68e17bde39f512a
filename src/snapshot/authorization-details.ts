import { decodePolicyDocument, PolicyDocumentError } from '../policy/document.js';
import type { AuthorizationDetails, ManagedPolicy, PolicyDocument } from './schema.js';

/**
 * The shape both the SDK and `aws iam get-account-authorization-details` return, loosely
 * typed because the CLI gives dates as strings and the SDK as Date objects.
 */
export interface AwsAuthorizationDetails {
  UserDetailList?: AwsRecord[];
  GroupDetailList?: AwsRecord[];
  RoleDetailList?: AwsRecord[];
  Policies?: AwsRecord[];
}
type AwsRecord = Record<string, unknown>;

/** Thrown with the place of a document that cannot be read, so an import can name it. */
export class AuthorizationDetailsError extends Error {
  override readonly name = 'AuthorizationDetailsError';
}

export function fromAwsAuthorizationDetails(pages: AwsAuthorizationDetails[]): AuthorizationDetails {
  const details: AuthorizationDetails = { users: [], groups: [], roles: [], policies: [] };
  for (const page of pages) {
    for (const user of page.UserDetailList ?? []) {
      const name = text(user.UserName);
      details.users.push({
        name,
        id: text(user.UserId),
        arn: text(user.Arn),
        path: text(user.Path, '/'),
        createDate: date(user.CreateDate),
        groups: list(user.GroupList).map((g) => text(g)),
        inlinePolicies: inlinePolicies(user.UserPolicyList, `user ${name}`),
        attachedPolicies: attachedPolicies(user.AttachedManagedPolicies),
        permissionsBoundary: boundary(user.PermissionsBoundary),
        tags: tags(user.Tags),
      });
    }
    for (const group of page.GroupDetailList ?? []) {
      const name = text(group.GroupName);
      details.groups.push({
        name,
        id: text(group.GroupId),
        arn: text(group.Arn),
        path: text(group.Path, '/'),
        createDate: date(group.CreateDate),
        inlinePolicies: inlinePolicies(group.GroupPolicyList, `group ${name}`),
        attachedPolicies: attachedPolicies(group.AttachedManagedPolicies),
      });
    }
    for (const role of page.RoleDetailList ?? []) {
      const name = text(role.RoleName);
      const lastUsed = (role.RoleLastUsed ?? {}) as AwsRecord;
      details.roles.push({
        name,
        id: text(role.RoleId),
        arn: text(role.Arn),
        path: text(role.Path, '/'),
        createDate: date(role.CreateDate),
        assumeRolePolicy:
          role.AssumeRolePolicyDocument === undefined
            ? null
            : document(role.AssumeRolePolicyDocument, `trust policy of role ${name}`),
        inlinePolicies: inlinePolicies(role.RolePolicyList, `role ${name}`),
        attachedPolicies: attachedPolicies(role.AttachedManagedPolicies),
        permissionsBoundary: boundary(role.PermissionsBoundary),
        maxSessionDuration: typeof role.MaxSessionDuration === 'number' ? role.MaxSessionDuration : null,
        lastUsed: lastUsed.LastUsedDate === undefined ? null : date(lastUsed.LastUsedDate),
        tags: tags(role.Tags),
        // AWS always lists InstanceProfileList (maybe empty); an export without it leaves them unknown.
        ...(Array.isArray(role.InstanceProfileList) ? { instanceProfiles: instanceProfiles(role.InstanceProfileList) } : {}),
      });
    }
    for (const policy of page.Policies ?? []) details.policies.push(managedPolicy(policy));
  }
  return details;
}

function managedPolicy(policy: AwsRecord): ManagedPolicy {
  const arn = text(policy.Arn);
  const defaultVersionId = typeof policy.DefaultVersionId === 'string' ? policy.DefaultVersionId : null;
  const versions = list(policy.PolicyVersionList) as AwsRecord[];
  const defaultVersion =
    versions.find((v) => v.IsDefaultVersion === true) ?? versions.find((v) => v.VersionId === defaultVersionId);
  const awsManaged = arn.startsWith('arn:aws:iam::aws:') || /^arn:aws[a-z-]*:iam::aws:/.test(arn);
  // Only a customer-managed policy's versions can be switched by someone in the account; a
  // version without its document leaves the versions unknown rather than seemingly fewer.
  const others = versions.filter((v) => v !== defaultVersion);
  const otherVersions =
    awsManaged || !defaultVersion || others.some((v) => v.Document === undefined || typeof v.VersionId !== 'string')
      ? undefined
      : others.map((v) => ({ versionId: text(v.VersionId), createDate: v.CreateDate === undefined ? null : date(v.CreateDate), document: document(v.Document, `managed policy ${arn} version ${text(v.VersionId)}`) }));
  return {
    // moto leaves PolicyName out of these entries; the ARN's last segment is the name.
    name: typeof policy.PolicyName === 'string' ? policy.PolicyName : (arn.split('/').pop() ?? arn),
    id: text(policy.PolicyId),
    arn,
    path: text(policy.Path, '/'),
    awsManaged,
    defaultVersionId,
    attachmentCount: typeof policy.AttachmentCount === 'number' ? policy.AttachmentCount : null,
    permissionsBoundaryUsageCount:
      typeof policy.PermissionsBoundaryUsageCount === 'number' ? policy.PermissionsBoundaryUsageCount : null,
    isAttachable: policy.IsAttachable !== false,
    document:
      defaultVersion?.Document === undefined ? null : document(defaultVersion.Document, `managed policy ${arn}`),
    ...(otherVersions ? { otherVersions } : {}),
  };
}

/** The instance profiles a role detail lists, each with the ARNs of its roles. */
function instanceProfiles(value: unknown[]) {
  return (value as AwsRecord[]).map((p) => ({
    name: text(p.InstanceProfileName),
    id: text(p.InstanceProfileId),
    arn: text(p.Arn),
    path: text(p.Path, '/'),
    roles: (list(p.Roles) as AwsRecord[]).map((r) => text(r.Arn)).filter((arn) => arn !== ''),
  }));
}

function inlinePolicies(value: unknown, owner: string) {
  return (list(value) as AwsRecord[]).map((p) => {
    const name = text(p.PolicyName);
    return { name, document: document(p.PolicyDocument, `inline policy ${name} of ${owner}`) };
  });
}

function attachedPolicies(value: unknown) {
  return (list(value) as AwsRecord[]).map((p) => ({ name: text(p.PolicyName), arn: text(p.PolicyArn) }));
}

function boundary(value: unknown) {
  if (!value || typeof value !== 'object') return null;
  const b = value as AwsRecord;
  return { arn: text(b.PermissionsBoundaryArn), type: text(b.PermissionsBoundaryType, 'Policy') };
}

function tags(value: unknown) {
  return (list(value) as AwsRecord[]).map((t) => ({ key: text(t.Key), value: text(t.Value) }));
}

function document(raw: unknown, where: string): PolicyDocument {
  try {
    return decodePolicyDocument(raw);
  } catch (error) {
    if (error instanceof PolicyDocumentError) throw new AuthorizationDetailsError(`${where}: ${error.message}`);
    throw error;
  }
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function text(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

function date(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'string' ? value : '';
}

/** Fills each role's maximum session duration (seconds) from ListRoles, which alone carries it. */
export function withSessionLimits(details: AuthorizationDetails, limits: ReadonlyMap<string, number>): AuthorizationDetails {
  return { ...details, roles: details.roles.map((role) => ({ ...role, maxSessionDuration: limits.get(role.arn) ?? role.maxSessionDuration })) };
}

/** Session limits from the output of `aws iam list-roles`. */
export function sessionLimitsFromListRoles(output: { Roles?: Record<string, unknown>[] }): Map<string, number> {
  const limits = new Map<string, number>();
  for (const role of output.Roles ?? []) {
    if (typeof role.Arn === 'string' && typeof role.MaxSessionDuration === 'number') limits.set(role.Arn, role.MaxSessionDuration);
  }
  return limits;
}
