import type { SourceName } from './schema.js';

/**
 * One file of an export folder: what examples/export-account.sh writes and the importer reads.
 * `<name>` in `file` and `command` stands for one file per item (a region, a trail, a policy, an
 * analyzer); examples/export-account.sh names them with the shell variable `${name}` (dashes
 * as underscores).
 */
export interface ExportFileSpec {
  /** The snapshot source it feeds. */
  source: SourceName;
  /** Its path inside the export folder. */
  file: string;
  /** The AWS CLI command that writes it, as the export script runs it. */
  command: string;
  /** For a file per item: which items have one ("one per …"). */
  each?: string;
  /**
   * Fields the operation's answer always holds (its lists, or its one object): a file without
   * them is not that command's output and is refused (exit 2), never read as "none".
   */
  fields?: readonly string[];
  /** Read when present; without it the import is still complete. */
  optional?: boolean;
  /** What else a reader of the README should know of it. */
  note?: string;
}

/**
 * The AWS CLI exports an import reads, and the command that makes each: the one table that the
 * importer's messages, the README's import section (importFilesTable) and
 * examples/export-account.sh (test/snapshot/import-files.test.ts holds them to it) follow.
 *
 * A call that failed leaves `<file>.error` holding the CLI's stderr (the script writes it): the
 * importer records that source (or trail, region) as ERROR with AWS's code and message, or as
 * the fact the error states where a live run reads it so (NoSuchEntity for the password policy,
 * AWSOrganizationsNotInUseException). A file and its `.error` together are refused.
 */
export const IMPORT_FILES = {
  credentialReport: {
    source: 'credentialReport',
    file: 'credential-report.csv',
    command: 'aws iam get-credential-report --query Content --output text | base64 -d > credential-report.csv',
  },
  credentialReportGeneratedTime: {
    source: 'credentialReport',
    file: 'credential-report-generated-time.txt',
    command: 'aws iam get-credential-report --query GeneratedTime --output text > credential-report-generated-time.txt',
    optional: true,
  },
  /** Paged (as are list-roles and list-virtual-mfa-devices): see export-pages.ts for an export in several page files. */
  authorizationDetails: {
    source: 'authorizationDetails',
    file: 'account-authorization-details.json',
    command: 'aws iam get-account-authorization-details --output json > account-authorization-details.json',
  },
  passwordPolicy: { source: 'passwordPolicy', file: 'password-policy.json', command: 'aws iam get-account-password-policy --output json > password-policy.json' },
  accountSummary: { source: 'accountSummary', file: 'account-summary.json', command: 'aws iam get-account-summary --output json > account-summary.json' },
  virtualMfaDevices: {
    source: 'virtualMfaDevices',
    file: 'virtual-mfa-devices.json',
    command: 'aws iam list-virtual-mfa-devices --output json > virtual-mfa-devices.json',
  },
  /** Optional: roles' maximum session durations, which the authorization details leave out. */
  roles: { source: 'authorizationDetails', file: 'list-roles.json', command: 'aws iam list-roles --output json > list-roles.json', optional: true },
  samlProviders: {
    source: 'identityProviders',
    file: 'identity-providers/list-saml-providers.json',
    command: 'aws iam list-saml-providers --output json > identity-providers/list-saml-providers.json',
    fields: ['SAMLProviderList'],
  },
  oidcProviders: {
    source: 'identityProviders',
    file: 'identity-providers/list-open-id-connect-providers.json',
    command: 'aws iam list-open-id-connect-providers --output json > identity-providers/list-open-id-connect-providers.json',
    fields: ['OpenIDConnectProviderList'],
  },
  trails: {
    source: 'cloudTrail',
    file: 'cloudtrail/<region>/describe-trails.json',
    command: 'aws cloudtrail describe-trails --include-shadow-trails --region <region> --output json > cloudtrail/<region>/describe-trails.json',
    note: 'in the one region the trails are listed in (the CLI\'s region); shadow trails included',
    fields: ['trailList'],
  },
  trailStatus: {
    source: 'cloudTrail',
    file: 'cloudtrail/<home-region>/<trail-account>/<trail-name>.get-trail-status.json',
    command: 'aws cloudtrail get-trail-status --name <trail-arn> --region <home-region> --output json > cloudtrail/<home-region>/<trail-account>/<trail-name>.get-trail-status.json',
    each: 'trail describe-trails lists, named by its ARN (`arn:aws:cloudtrail:<home-region>:<trail-account>:trail/<trail-name>`)',
  },
  eventSelectors: {
    source: 'cloudTrail',
    file: 'cloudtrail/<home-region>/<trail-account>/<trail-name>.get-event-selectors.json',
    command: 'aws cloudtrail get-event-selectors --trail-name <trail-arn> --region <home-region> --output json > cloudtrail/<home-region>/<trail-account>/<trail-name>.get-event-selectors.json',
    each: 'trail describe-trails lists',
  },
  organization: {
    source: 'organizations',
    file: 'organizations/describe-organization.json',
    command: 'aws organizations describe-organization --output json > organizations/describe-organization.json',
    fields: ['Organization'],
  },
  policies: {
    source: 'organizations',
    file: 'organizations/list-policies.json',
    command: 'aws organizations list-policies --filter SERVICE_CONTROL_POLICY --output json > organizations/list-policies.json',
    fields: ['Policies'],
  },
  policy: {
    source: 'organizations',
    file: 'organizations/<policy-id>.describe-policy.json',
    command: 'aws organizations describe-policy --policy-id <policy-id> --output json > organizations/<policy-id>.describe-policy.json',
    each: 'SCP list-policies lists',
    fields: ['Policy'],
  },
  regions: {
    source: 'accessAnalyzer',
    file: 'access-analyzer/describe-regions.json',
    command: 'aws ec2 describe-regions --output json > access-analyzer/describe-regions.json',
    fields: ['Regions'],
  },
  chosenRegions: {
    source: 'accessAnalyzer',
    file: 'access-analyzer/regions.txt',
    command: 'echo us-east-1 us-west-2 > access-analyzer/regions.txt',
    note: 'instead of `describe-regions.json` when the regions are named (`export-account.sh --regions`): region names, space, comma or line separated',
  },
  analyzers: {
    source: 'accessAnalyzer',
    file: 'access-analyzer/<region>/list-analyzers.json',
    command: 'aws accessanalyzer list-analyzers --region <region> --output json > access-analyzer/<region>/list-analyzers.json',
    each: 'region checked',
    fields: ['analyzers'],
  },
  findings: {
    source: 'accessAnalyzer',
    file: 'access-analyzer/<region>/<analyzer-name>.list-findings-v2.json',
    command: `aws accessanalyzer list-findings-v2 --analyzer-arn <analyzer-arn> --filter '{"status":{"eq":["ACTIVE"]}}' --region <region> --output json > access-analyzer/<region>/<analyzer-name>.list-findings-v2.json`,
    each: 'ACTIVE analyzer of the region, named by its ARN (`arn:aws:access-analyzer:<region>:<account>:analyzer/<analyzer-name>`)',
    fields: ['findings'],
  },
  identityCenterInstances: {
    source: 'identityCenter',
    file: 'identity-center/<region>/list-instances.json',
    command: 'aws sso-admin list-instances --region <region> --output json > identity-center/<region>/list-instances.json',
    note: 'in the region of the IAM Identity Center instance (export-account.sh --identity-center-region; default: the CLI\'s region)',
    fields: ['Instances'],
  },
  permissionSets: {
    source: 'identityCenter',
    file: 'identity-center/<region>/<instance-id>/list-permission-sets.json',
    command: 'aws sso-admin list-permission-sets --instance-arn <instance-arn> --region <region> --output json > identity-center/<region>/<instance-id>/list-permission-sets.json',
    each: 'instance list-instances lists, named by the last part of its ARN (`arn:aws:sso:::instance/<instance-id>`)',
    fields: ['PermissionSets'],
  },
  permissionSet: {
    source: 'identityCenter',
    file: 'identity-center/<region>/<instance-id>/<permission-set-id>.describe-permission-set.json',
    command: 'aws sso-admin describe-permission-set --instance-arn <instance-arn> --permission-set-arn <permission-set-arn> --region <region> --output json > identity-center/<region>/<instance-id>/<permission-set-id>.describe-permission-set.json',
    each: 'permission set list-permission-sets lists, named by the last part of its ARN (`arn:aws:sso:::permissionSet/<instance-id>/<permission-set-id>`)',
    fields: ['PermissionSet'],
  },
  permissionSetManagedPolicies: {
    source: 'identityCenter',
    file: 'identity-center/<region>/<instance-id>/<permission-set-id>.list-managed-policies-in-permission-set.json',
    command: 'aws sso-admin list-managed-policies-in-permission-set --instance-arn <instance-arn> --permission-set-arn <permission-set-arn> --region <region> --output json > identity-center/<region>/<instance-id>/<permission-set-id>.list-managed-policies-in-permission-set.json',
    each: 'permission set',
    fields: ['AttachedManagedPolicies'],
  },
  permissionSetCustomerManagedPolicies: {
    source: 'identityCenter',
    file: 'identity-center/<region>/<instance-id>/<permission-set-id>.list-customer-managed-policy-references-in-permission-set.json',
    command: 'aws sso-admin list-customer-managed-policy-references-in-permission-set --instance-arn <instance-arn> --permission-set-arn <permission-set-arn> --region <region> --output json > identity-center/<region>/<instance-id>/<permission-set-id>.list-customer-managed-policy-references-in-permission-set.json',
    each: 'permission set',
    fields: ['CustomerManagedPolicyReferences'],
  },
  permissionSetInlinePolicy: {
    source: 'identityCenter',
    file: 'identity-center/<region>/<instance-id>/<permission-set-id>.get-inline-policy-for-permission-set.json',
    command: 'aws sso-admin get-inline-policy-for-permission-set --instance-arn <instance-arn> --permission-set-arn <permission-set-arn> --region <region> --output json > identity-center/<region>/<instance-id>/<permission-set-id>.get-inline-policy-for-permission-set.json',
    each: 'permission set',
    note: 'an empty InlinePolicy is no inline policy',
  },
  permissionSetBoundary: {
    source: 'identityCenter',
    file: 'identity-center/<region>/<instance-id>/<permission-set-id>.get-permissions-boundary-for-permission-set.json',
    command: 'aws sso-admin get-permissions-boundary-for-permission-set --instance-arn <instance-arn> --permission-set-arn <permission-set-arn> --region <region> --output json > identity-center/<region>/<instance-id>/<permission-set-id>.get-permissions-boundary-for-permission-set.json',
    each: 'permission set',
    note: 'a set without a boundary: ResourceNotFoundException in its .error, read as no boundary',
  },
  permissionSetAccounts: {
    source: 'identityCenter',
    file: 'identity-center/<region>/<instance-id>/<permission-set-id>.list-accounts-for-provisioned-permission-set.json',
    command: 'aws sso-admin list-accounts-for-provisioned-permission-set --instance-arn <instance-arn> --permission-set-arn <permission-set-arn> --region <region> --output json > identity-center/<region>/<instance-id>/<permission-set-id>.list-accounts-for-provisioned-permission-set.json',
    each: 'permission set',
    fields: ['AccountIds'],
  },
  accountAssignments: {
    source: 'identityCenter',
    file: 'identity-center/<region>/<instance-id>/<permission-set-id>.<account-id>.list-account-assignments.json',
    command: 'aws sso-admin list-account-assignments --instance-arn <instance-arn> --permission-set-arn <permission-set-arn> --account-id <account-id> --region <region> --output json > identity-center/<region>/<instance-id>/<permission-set-id>.<account-id>.list-account-assignments.json',
    each: 'account the permission set is provisioned to',
    fields: ['AccountAssignments'],
  },
  identityStoreUsers: {
    source: 'identityCenter',
    file: 'identity-center/<region>/<instance-id>/list-users.json',
    command: 'aws identitystore list-users --identity-store-id <identity-store-id> --region <region> --output json > identity-center/<region>/<instance-id>/list-users.json',
    each: 'instance, from its IdentityStoreId',
    fields: ['Users'],
  },
  identityStoreGroups: {
    source: 'identityCenter',
    file: 'identity-center/<region>/<instance-id>/list-groups.json',
    command: 'aws identitystore list-groups --identity-store-id <identity-store-id> --region <region> --output json > identity-center/<region>/<instance-id>/list-groups.json',
    each: 'instance',
    fields: ['Groups'],
  },
  groupMemberships: {
    source: 'identityCenter',
    file: 'identity-center/<region>/<instance-id>/<group-id>.list-group-memberships.json',
    command: 'aws identitystore list-group-memberships --identity-store-id <identity-store-id> --group-id <group-id> --region <region> --output json > identity-center/<region>/<instance-id>/<group-id>.list-group-memberships.json',
    each: 'group list-groups lists',
    fields: ['GroupMemberships'],
  },
  awsManagedPolicy: {
    source: 'identityCenter',
    file: 'identity-center/aws-managed-policies/<policy-name>.get-policy.json',
    command: 'aws iam get-policy --policy-arn <policy-arn> --output json > identity-center/aws-managed-policies/<policy-name>.get-policy.json',
    each: 'AWS managed policy the permission sets attach or use as boundary, named by the last part of its ARN',
    fields: ['Policy'],
  },
  awsManagedPolicyVersion: {
    source: 'identityCenter',
    file: 'identity-center/aws-managed-policies/<policy-name>.get-policy-version.json',
    command: 'aws iam get-policy-version --policy-arn <policy-arn> --version-id <version-id> --output json > identity-center/aws-managed-policies/<policy-name>.get-policy-version.json',
    each: 'AWS managed policy, its DefaultVersionId',
    fields: ['PolicyVersion'],
  },
} as const satisfies Record<string, ExportFileSpec>;

export type ImportFileName = keyof typeof IMPORT_FILES;

/** A spec's file or command with its `<placeholders>` filled in. */
export function filled(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/<([a-z-]+)>/g, (whole, name: string) => values[name] ?? whole);
}

/** The export script a client runs unchanged (shipped in the package: package.json "files" has examples). */
export const EXPORT_SCRIPT_PATH = new URL('../../examples/export-account.sh', import.meta.url).pathname;

/** The README's table of the export folder, rendered from IMPORT_FILES (a test holds the README to it). */
export function importFilesTable(): string {
  const rows = Object.values(IMPORT_FILES).map((spec: ExportFileSpec) => {
    const note = [spec.each ? `one per ${spec.each}` : '', spec.note ?? '', spec.optional ? 'optional' : ''].filter(Boolean).join('; ');
    return `| \`${spec.file}\` | \`${spec.command.replace(/\|/g, '\\|')}\` | ${note} |`;
  });
  return ['| file | written by | note |', '|---|---|---|', ...rows].join('\n');
}

/** The files and folders an export holds at its top level, for a message about a folder that holds none. */
export function exportedFileNames(): string[] {
  const specs: ExportFileSpec[] = Object.values(IMPORT_FILES);
  return [...new Set(specs.filter((spec) => !spec.optional).map((spec) => (spec.file.includes('/') ? `${spec.file.split('/')[0]}/` : spec.file)))];
}
