import { z } from 'zod';

/**
 * Bumped when a saved snapshot could no longer be read by older code. 2: roles carry their
 * instance profiles and customer-managed policies their non-default versions. Version-1
 * snapshots still load: there these fields are absent, which means "not known".
 */
export const SNAPSHOT_SCHEMA_VERSION = 2;

const stringOrList = z.union([z.string(), z.array(z.string())]);

export const policyStatementSchema = z
  .object({
    Sid: z.string().optional(),
    Effect: z.enum(['Allow', 'Deny']),
    Action: stringOrList.optional(),
    NotAction: stringOrList.optional(),
    Resource: stringOrList.optional(),
    NotResource: stringOrList.optional(),
    Principal: z.unknown().optional(),
    NotPrincipal: z.unknown().optional(),
    Condition: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  })
  .loose();

/** A policy document as AWS gives it once decoded: Statement may be one object or a list. */
export const policyDocumentSchema = z
  .object({
    Version: z.string().optional(),
    Id: z.string().optional(),
    Statement: z.union([policyStatementSchema, z.array(policyStatementSchema)]),
  })
  .loose();

const inlinePolicySchema = z.object({ name: z.string(), document: policyDocumentSchema });
const attachedPolicySchema = z.object({ name: z.string(), arn: z.string() });
const boundarySchema = z.object({ arn: z.string(), type: z.string() });
const tagSchema = z.object({ key: z.string(), value: z.string() });

export const userSchema = z.object({
  name: z.string(),
  id: z.string(),
  arn: z.string(),
  path: z.string(),
  createDate: z.string(),
  groups: z.array(z.string()),
  inlinePolicies: z.array(inlinePolicySchema),
  attachedPolicies: z.array(attachedPolicySchema),
  permissionsBoundary: boundarySchema.nullable(),
  tags: z.array(tagSchema),
});

export const groupSchema = z.object({
  name: z.string(),
  id: z.string(),
  arn: z.string(),
  path: z.string(),
  createDate: z.string(),
  inlinePolicies: z.array(inlinePolicySchema),
  attachedPolicies: z.array(attachedPolicySchema),
});

/** An instance profile, as GetAccountAuthorizationDetails lists it under each role it holds. */
export const instanceProfileSchema = z.object({
  name: z.string(),
  id: z.string(),
  arn: z.string(),
  path: z.string(),
  /** ARNs of the roles in it (IAM allows one). */
  roles: z.array(z.string()),
});

export const roleSchema = z.object({
  name: z.string(),
  id: z.string(),
  arn: z.string(),
  path: z.string(),
  createDate: z.string(),
  assumeRolePolicy: policyDocumentSchema.nullable(),
  inlinePolicies: z.array(inlinePolicySchema),
  attachedPolicies: z.array(attachedPolicySchema),
  permissionsBoundary: boundarySchema.nullable(),
  maxSessionDuration: z.number().nullable(),
  lastUsed: z.string().nullable(),
  tags: z.array(tagSchema),
  /** The instance profiles that hold the role (EC2 instances run as it through them); absent: not known (schema 1). */
  instanceProfiles: z.array(instanceProfileSchema).optional(),
});

export const managedPolicySchema = z.object({
  name: z.string(),
  id: z.string(),
  arn: z.string(),
  path: z.string(),
  awsManaged: z.boolean(),
  defaultVersionId: z.string().nullable(),
  attachmentCount: z.number().nullable(),
  permissionsBoundaryUsageCount: z.number().nullable(),
  isAttachable: z.boolean(),
  /** The default version's document; null where the export did not carry it. */
  document: policyDocumentSchema.nullable(),
  /**
   * A customer-managed policy's other versions (iam:SetDefaultPolicyVersion can make any of them
   * the default); absent: not known (schema 1, or an AWS managed policy, whose versions nobody
   * but AWS can switch).
   */
  otherVersions: z.array(z.object({ versionId: z.string(), createDate: z.string().nullable(), document: policyDocumentSchema })).optional(),
});

export const authorizationDetailsSchema = z.object({
  users: z.array(userSchema),
  groups: z.array(groupSchema),
  roles: z.array(roleSchema),
  policies: z.array(managedPolicySchema),
  /** Why roles' maximum session durations (from ListRoles) are missing, when they are. */
  roleSessionLimitsError: z.string().nullable().optional(),
});

/** Columns the checks read; a report missing one of them is not a credential report. */
export const CREDENTIAL_REPORT_REQUIRED_COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'mfa_active',
  'access_key_1_active',
  'access_key_2_active',
] as const;

export const credentialReportSchema = z.object({
  generatedAt: z.string().nullable(),
  /** One record per row, keyed by the report's own column names, values exactly as AWS wrote them. */
  rows: z.array(z.record(z.string(), z.string())),
});

export const accountSummarySchema = z.object({ summaryMap: z.record(z.string(), z.number()) });

export const virtualMfaDevicesSchema = z.object({
  /** Only what identifies a device: seeds and QR codes are never kept. */
  devices: z.array(
    z.object({
      serialNumber: z.string(),
      userArn: z.string().nullable(),
      userName: z.string().nullable(),
      enableDate: z.string().nullable(),
    }),
  ),
});

export const passwordPolicyDataSchema = z.object({
  /** null: no policy is set, so AWS's default applies (a fact, not an unknown). */
  policy: z
    .object({
      minimumPasswordLength: z.number().nullable(),
      requireSymbols: z.boolean(),
      requireNumbers: z.boolean(),
      requireUppercaseCharacters: z.boolean(),
      requireLowercaseCharacters: z.boolean(),
      allowUsersToChangePassword: z.boolean(),
      expirePasswords: z.boolean(),
      maxPasswordAge: z.number().nullable(),
      passwordReusePrevention: z.number().nullable(),
      hardExpiry: z.boolean().nullable(),
    })
    .nullable(),
});

export const callerIdentitySchema = z.object({ account: z.string(), arn: z.string(), userId: z.string() });

export const sourceErrorSchema = z.object({ code: z.string(), message: z.string() });

/** Data or the error that stopped it: for a whole source, and for a part of one (a region, a trail). */
export function sourceResult<T extends z.ZodType>(data: T) {
  return z.discriminatedUnion('status', [
    z.object({ status: z.literal('ok'), data }),
    z.object({ status: z.literal('error'), error: sourceErrorSchema }),
  ]);
}

export const identityProvidersSchema = z.object({
  saml: z.array(z.object({ arn: z.string(), validUntil: z.string().nullable(), createDate: z.string().nullable() })),
  oidc: z.array(z.object({ arn: z.string() })),
});

export const trailStatusSchema = z.object({
  isLogging: z.boolean(),
  latestDeliveryTime: z.string().nullable(),
  latestDeliveryError: z.string().nullable(),
  latestCloudWatchLogsDeliveryTime: z.string().nullable(),
  latestCloudWatchLogsDeliveryError: z.string().nullable(),
  latestDigestDeliveryTime: z.string().nullable(),
  latestDigestDeliveryError: z.string().nullable(),
  startLoggingTime: z.string().nullable(),
  stopLoggingTime: z.string().nullable(),
});

export const trailEventSelectorsSchema = z.object({
  /** Basic selectors; a trail uses these or advanced ones, never both. */
  eventSelectors: z.array(
    z.object({
      readWriteType: z.string().nullable(),
      includeManagementEvents: z.boolean().nullable(),
      excludeManagementEventSources: z.array(z.string()),
      dataResources: z.array(z.object({ type: z.string().nullable(), values: z.array(z.string()) })),
    }),
  ),
  advancedEventSelectors: z.array(
    z.object({
      name: z.string().nullable(),
      fieldSelectors: z.array(
        z.object({
          field: z.string(),
          equals: z.array(z.string()).optional(),
          startsWith: z.array(z.string()).optional(),
          endsWith: z.array(z.string()).optional(),
          notEquals: z.array(z.string()).optional(),
          notStartsWith: z.array(z.string()).optional(),
          notEndsWith: z.array(z.string()).optional(),
        }),
      ),
    }),
  ),
});

export const trailSchema = z.object({
  name: z.string(),
  arn: z.string(),
  homeRegion: z.string(),
  isMultiRegionTrail: z.boolean(),
  isOrganizationTrail: z.boolean(),
  includeGlobalServiceEvents: z.boolean(),
  logFileValidationEnabled: z.boolean(),
  kmsKeyId: z.string().nullable(),
  cloudWatchLogsLogGroupArn: z.string().nullable(),
  s3BucketName: z.string().nullable(),
  /** Per trail, so one trail's unreadable status never passes for "logging". */
  status: sourceResult(trailStatusSchema),
  eventSelectors: sourceResult(trailEventSelectorsSchema),
});

export const cloudTrailSchema = z.object({
  /** DescribeTrails answers for this region: its own trails, multi-region trails and organization trails. */
  region: z.string(),
  trails: z.array(trailSchema),
});

export const serviceControlPolicySchema = z.object({
  id: z.string(),
  arn: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  awsManaged: z.boolean(),
  document: policyDocumentSchema,
});

export const organizationsSchema = z.discriminatedUnion('inOrganization', [
  /** AWSOrganizationsNotInUseException: the account stands alone (a fact, not an unknown). */
  z.object({ inOrganization: z.literal(false) }),
  z.object({
    inOrganization: z.literal(true),
    organization: z.object({ id: z.string(), arn: z.string(), masterAccountId: z.string(), featureSet: z.string() }),
    /** null when SCPs could not be read (a member account is usually denied); never read as "no SCP". */
    scps: z.array(serviceControlPolicySchema).nullable(),
    /** Why scps is null, as "<code>: <message>"; null when scps were read. */
    scpsUnavailable: z.string().nullable(),
  }),
]);

export const accessAnalyzerRegionSchema = z.object({
  analyzers: z.array(
    z.object({
      arn: z.string(),
      name: z.string(),
      /** ACCOUNT, ORGANIZATION, or an unused/internal access type. */
      type: z.string(),
      status: z.string(),
      statusReason: z.string().nullable(),
      createdAt: z.string().nullable(),
    }),
  ),
  /** ACTIVE findings of the region's ACTIVE analyzers. */
  findings: z.array(
    z.object({
      id: z.string(),
      analyzerArn: z.string(),
      findingType: z.string().nullable(),
      resource: z.string().nullable(),
      resourceType: z.string(),
      resourceOwnerAccount: z.string(),
      status: z.string(),
      createdAt: z.string().nullable(),
      updatedAt: z.string().nullable(),
      analyzedAt: z.string().nullable(),
      error: z.string().nullable(),
    }),
  ),
});

export const accessAnalyzerSchema = z.object({
  /** How the regions were found: every region enabled for the account, or the ones the user named. */
  regionSource: z.enum(['ec2:DescribeRegions', '--regions']),
  /** Every region checked, each with its analyzers and findings or the error for that region. */
  regions: z.record(z.string(), sourceResult(accessAnalyzerRegionSchema)),
});

/**
 * An IAM Identity Center permission set as sso-admin describes it, with what it grants and where
 * (DescribePermissionSet, ListManagedPoliciesInPermissionSet,
 * ListCustomerManagedPolicyReferencesInPermissionSet, GetInlinePolicyForPermissionSet,
 * GetPermissionsBoundaryForPermissionSet, ListAccountsForProvisionedPermissionSet,
 * ListAccountAssignments per provisioned account).
 */
export const permissionSetSchema = z.object({
  arn: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  /** ISO 8601 duration exactly as AWS gives it (`PT1H`, `PT12H`); null when DescribePermissionSet left it out. */
  sessionDuration: z.string().nullable(),
  createdDate: z.string().nullable(),
  /** AWS managed policies attached (their documents: IdentityCenterInstance.awsManagedPolicyDocuments). */
  awsManagedPolicies: z.array(z.object({ name: z.string(), arn: z.string() })),
  /** Customer managed policies by name and path: each account the set is provisioned to must hold a policy so named (resolved there). */
  customerManagedPolicies: z.array(z.object({ name: z.string(), path: z.string() })),
  /** The inline policy (GetInlinePolicyForPermissionSet; empty string there = none). */
  inlinePolicy: policyDocumentSchema.nullable(),
  /** Either an AWS managed policy ARN or a customer managed reference resolved per account; null: no boundary. */
  permissionsBoundary: z
    .object({
      managedPolicyArn: z.string().nullable(),
      customerManagedPolicy: z.object({ name: z.string(), path: z.string() }).nullable(),
    })
    .nullable(),
  /** Accounts the set is provisioned to (ListAccountsForProvisionedPermissionSet). */
  accounts: z.array(z.string()),
  /** Who is assigned the set in which account (ListAccountAssignments, per provisioned account). */
  assignments: z.array(z.object({ accountId: z.string(), principalType: z.enum(['USER', 'GROUP']), principalId: z.string() })),
});

/** The identity store behind an instance (identitystore ListUsers, ListGroups, ListGroupMemberships per group). */
export const identityStoreSchema = z.object({
  users: z.array(z.object({ id: z.string(), userName: z.string(), displayName: z.string().nullable() })),
  groups: z.array(z.object({ id: z.string(), displayName: z.string(), description: z.string().nullable() })),
  memberships: z.array(z.object({ groupId: z.string(), userId: z.string() })),
});

export const identityCenterInstanceSchema = z.object({
  instanceArn: z.string(),
  identityStoreId: z.string(),
  name: z.string().nullable(),
  /** The account that holds the instance (the management account, or the account of an account instance). */
  ownerAccountId: z.string().nullable(),
  status: z.string().nullable(),
  createdDate: z.string().nullable(),
  /** Every permission set of the instance, or the error that stopped reading them (never "none"). */
  permissionSets: sourceResult(z.array(permissionSetSchema)),
  identityStore: sourceResult(identityStoreSchema),
  /**
   * Documents of the AWS managed policies the permission sets attach or use as boundary, by ARN
   * (iam:GetPolicy + iam:GetPolicyVersion, which any account may read), each its document or its error.
   */
  awsManagedPolicyDocuments: z.record(z.string(), sourceResult(z.object({ versionId: z.string(), document: policyDocumentSchema }))),
});

export const identityCenterSchema = z.object({
  /** The region sso-admin was asked in: an instance lives in one region, and ListInstances answers for that region only. */
  region: z.string(),
  /** sso-admin ListInstances: empty when no instance is visible from the reading account in that region (a fact AWS can answer). */
  instances: z.array(identityCenterInstanceSchema),
});

/** What a snapshot saved before hipaa-iam read IAM Identity Center holds for it: not known, never "none". */
export const IDENTITY_CENTER_NOT_IN_SNAPSHOT = {
  status: 'error' as const,
  error: { code: 'NotInSnapshot', message: 'this snapshot was saved before hipaa-iam read IAM Identity Center; collect again to judge it' },
};

export const sourcesSchema = z.object({
  callerIdentity: sourceResult(callerIdentitySchema),
  credentialReport: sourceResult(credentialReportSchema),
  authorizationDetails: sourceResult(authorizationDetailsSchema),
  accountSummary: sourceResult(accountSummarySchema),
  virtualMfaDevices: sourceResult(virtualMfaDevicesSchema),
  passwordPolicy: sourceResult(passwordPolicyDataSchema),
  identityProviders: sourceResult(identityProvidersSchema),
  cloudTrail: sourceResult(cloudTrailSchema),
  organizations: sourceResult(organizationsSchema),
  accessAnalyzer: sourceResult(accessAnalyzerSchema),
  identityCenter: sourceResult(identityCenterSchema).default(IDENTITY_CENTER_NOT_IN_SNAPSHOT),
});

export const callCountSchema = z.object({
  /** API operations invoked (a paginated source counts one per page). */
  calls: z.number().int().nonnegative(),
  /** HTTP attempts, retries included. */
  attempts: z.number().int().nonnegative(),
  operations: z.record(z.string(), z.number().int().nonnegative()),
});

/** What dated an import (its collectedAt): `--as-of`, the credential report's GeneratedTime, or, when nothing in the export dates it, the run's own time. */
export const IMPORT_DATED_BY = ['--as-of', 'credential report GeneratedTime', 'run time (no date in the export)'] as const;
export type ImportDatedBy = (typeof IMPORT_DATED_BY)[number];

export const snapshotSchema = z.object({
  schemaVersion: z.union([z.literal(1), z.literal(SNAPSHOT_SCHEMA_VERSION)]),
  tool: z.object({ name: z.string(), version: z.string() }),
  accountId: z.string(),
  collectedAt: z.iso.datetime({ offset: true }),
  origin: z.object({
    kind: z.enum(['live', 'import', 'demo']),
    description: z.string(),
    /** Imports only: what collectedAt was taken from. */
    datedBy: z.enum(IMPORT_DATED_BY).optional(),
    /** A live run's collection region (it fixes the partition) and where it came from (--region, AWS_REGION, AWS_DEFAULT_REGION, profile, default); absent before it was recorded. */
    region: z.string().optional(),
    regionSource: z.string().optional(),
  }),
  collection: z.object({
    startedAt: z.string(),
    finishedAt: z.string(),
    calls: z.record(z.string(), callCountSchema),
  }),
  sources: sourcesSchema,
});

export type Snapshot = z.infer<typeof snapshotSchema>;
export type Sources = Snapshot['sources'];
export type SourceName = keyof Sources;
export type SourceError = z.infer<typeof sourceErrorSchema>;
export type SourceResult<K extends SourceName> = Sources[K];
export type SourceData<K extends SourceName> = Extract<Sources[K], { status: 'ok' }>['data'];
export type PolicyDocument = z.infer<typeof policyDocumentSchema>;
export type PolicyStatement = z.infer<typeof policyStatementSchema>;
export type AuthorizationDetails = z.infer<typeof authorizationDetailsSchema>;
export type IamUser = z.infer<typeof userSchema>;
export type IamGroup = z.infer<typeof groupSchema>;
export type IamRole = z.infer<typeof roleSchema>;
export type InstanceProfile = z.infer<typeof instanceProfileSchema>;
export type ManagedPolicy = z.infer<typeof managedPolicySchema>;
export type CredentialReport = z.infer<typeof credentialReportSchema>;
export type CredentialReportRow = CredentialReport['rows'][number];
export type PasswordPolicy = NonNullable<z.infer<typeof passwordPolicyDataSchema>['policy']>;
export type CallerIdentity = z.infer<typeof callerIdentitySchema>;
export type CallCount = z.infer<typeof callCountSchema>;
export type IdentityProviders = z.infer<typeof identityProvidersSchema>;
export type CloudTrailData = z.infer<typeof cloudTrailSchema>;
export type Trail = z.infer<typeof trailSchema>;
export type TrailStatus = z.infer<typeof trailStatusSchema>;
export type TrailEventSelectors = z.infer<typeof trailEventSelectorsSchema>;
export type OrganizationsData = z.infer<typeof organizationsSchema>;
export type ServiceControlPolicy = z.infer<typeof serviceControlPolicySchema>;
export type AccessAnalyzerData = z.infer<typeof accessAnalyzerSchema>;
export type AccessAnalyzerRegion = z.infer<typeof accessAnalyzerRegionSchema>;
export type IdentityCenterData = z.infer<typeof identityCenterSchema>;
export type IdentityCenterInstance = z.infer<typeof identityCenterInstanceSchema>;
export type PermissionSet = z.infer<typeof permissionSetSchema>;
export type IdentityStore = z.infer<typeof identityStoreSchema>;

export const SOURCE_NAMES = Object.keys(sourcesSchema.shape) as SourceName[];

/** What a person reads when a source is named in a finding or an error. */
export const SOURCE_LABELS: Record<SourceName, string> = {
  callerIdentity: 'caller identity (sts:GetCallerIdentity)',
  credentialReport: 'credential report (iam:GenerateCredentialReport, iam:GetCredentialReport)',
  authorizationDetails: 'authorization details (iam:GetAccountAuthorizationDetails)',
  accountSummary: 'account summary (iam:GetAccountSummary)',
  virtualMfaDevices: 'virtual MFA devices (iam:ListVirtualMFADevices)',
  passwordPolicy: 'password policy (iam:GetAccountPasswordPolicy)',
  identityProviders: 'SAML and OIDC providers (iam:ListSAMLProviders, iam:ListOpenIDConnectProviders)',
  cloudTrail: 'CloudTrail (cloudtrail:DescribeTrails, cloudtrail:GetTrailStatus, cloudtrail:GetEventSelectors)',
  organizations: 'AWS Organizations (organizations:DescribeOrganization, organizations:ListPolicies, organizations:DescribePolicy)',
  accessAnalyzer: 'IAM Access Analyzer (ec2:DescribeRegions, access-analyzer:ListAnalyzers, access-analyzer:ListFindings)',
  identityCenter: 'IAM Identity Center (sso:ListInstances, sso:ListPermissionSets, sso:DescribePermissionSet and the permission sets\' policies, assignments and accounts; identitystore:ListUsers, ListGroups, ListGroupMemberships)',
};
