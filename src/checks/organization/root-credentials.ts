import type { OrganizationContext } from '../../organization/facts.js';
import { isRootRow } from '../../snapshot/credential-report.js';
import type { Snapshot } from '../../snapshot/schema.js';
import { optionalSourceData } from '../check.js';
import { isManagementAccount } from './facts-evidence.js';

/** The Organizations feature (iam:ListOrganizationsFeatures' EnabledFeatures) that removes and keeps member root credentials centrally. */
export const ROOT_CREDENTIALS_MANAGEMENT = 'RootCredentialsManagement';

/**
 * What the account's root user still holds, from the credential report's `<root_account>` row
 * (password_enabled, access_key_N_active, cert_N_active) and the account summary's
 * AccountAccessKeysPresent (1 while root has any key, active or not). `holds` lists each
 * credential present; `unknown` says why the answer could not be read (no report, no root row,
 * a column missing), in which case nothing may be concluded from `holds`.
 */
export interface RootCredentials {
  holds: string[];
  unknown: string | null;
  /** The root row's credential fields as AWS wrote them, and AccountAccessKeysPresent, for evidence. */
  evidence: Record<string, unknown>;
}

const ROW_FIELDS = ['password_enabled', 'access_key_1_active', 'access_key_2_active', 'cert_1_active', 'cert_2_active'] as const;

/** Reads what the root user holds; an unreadable part is `unknown`, never "nothing held" (fail closed). */
export function rootCredentials(snapshot: Snapshot): RootCredentials {
  const report = optionalSourceData(snapshot, 'credentialReport');
  const summary = optionalSourceData(snapshot, 'accountSummary');
  const keysPresent = summary?.summaryMap.AccountAccessKeysPresent;
  const row = report?.rows.find(isRootRow);
  const evidence: Record<string, unknown> = {
    rootRow: row ? Object.fromEntries(ROW_FIELDS.map((field) => [field, row[field] ?? null])) : null,
    AccountAccessKeysPresent: keysPresent ?? null,
  };
  const unknown =
    report === null ? 'the credential report could not be read'
    : row === undefined ? 'the credential report has no <root_account> row'
    : ROW_FIELDS.some((field) => row[field] === undefined) ? `the credential report's <root_account> row lacks ${ROW_FIELDS.filter((field) => row[field] === undefined).join(', ')}`
    : summary === null ? 'the account summary could not be read'
    : keysPresent === undefined ? 'the account summary has no AccountAccessKeysPresent entry'
    : null;
  if (unknown !== null || !row) return { holds: [], unknown, evidence };
  const holds: string[] = [];
  // 'not_supported' is how the report shows a root without a password (and every root row's password for some accounts): no password to sign in with.
  if (row.password_enabled === 'true') holds.push('a password');
  if (row.access_key_1_active === 'true' || row.access_key_2_active === 'true') holds.push('an active access key');
  else if ((keysPresent ?? 0) > 0) holds.push('an access key (AccountAccessKeysPresent)');
  if (row.cert_1_active === 'true' || row.cert_2_active === 'true') holds.push('an active signing certificate');
  return { holds, unknown: null, evidence };
}

/**
 * How the organization manages this account's root, as IAM-005, IAM-006 and IAM-038 read it:
 * - `single-account`: no organization context (a single-account run);
 * - `features-unreadable`: iam:ListOrganizationsFeatures could not be read (moto does not serve it);
 * - `management`: the account is the management account, whose root central root management does not cover;
 * - `not-enabled`: RootCredentialsManagement is not among the enabled features;
 * - `enabled`: it is, for this member account.
 */
export type CentralRoot =
  | { kind: 'single-account' }
  | { kind: 'features-unreadable'; error: { code: string; message: string } }
  | { kind: 'management'; enabledFeatures: string[] }
  | { kind: 'not-enabled'; enabledFeatures: string[] }
  | { kind: 'enabled'; enabledFeatures: string[] };

export function centralRoot(organization: OrganizationContext | null): CentralRoot {
  if (organization === null) return { kind: 'single-account' };
  const features = organization.facts.organizationsFeatures;
  // Unreadable first: the organization's state is unknown whichever account this is.
  if (features.status === 'error') return { kind: 'features-unreadable', error: features.error };
  if (isManagementAccount(organization)) return { kind: 'management', enabledFeatures: features.data.enabledFeatures };
  const enabledFeatures = features.data.enabledFeatures;
  return enabledFeatures.includes(ROOT_CREDENTIALS_MANAGEMENT) ? { kind: 'enabled', enabledFeatures } : { kind: 'not-enabled', enabledFeatures };
}

/**
 * IAM-005 and IAM-006 under central root management. A member root that holds no password, no
 * access key and no signing certificate, in an organization that reports RootCredentialsManagement,
 * cannot sign in at all, so "root has no MFA" is no gap: `rootCannotSignIn` is the evidence for
 * a NOT_APPLICABLE. Otherwise it is null and the check keeps its own verdict, with `note` (when
 * not null) saying in its evidence why the organization did not change it (features unreadable,
 * not enabled, root still holding credentials), so an organization run's verdict explains itself.
 */
export function rootMfaUnderCentralManagement(snapshot: Snapshot, organization: OrganizationContext | null): { rootCannotSignIn: Record<string, unknown> | null; note: Record<string, unknown> | null } {
  const central = centralRoot(organization);
  if (central.kind === 'single-account' || organization === null) return { rootCannotSignIn: null, note: null };
  const read = { readFrom: organization.facts.readFrom.accountId, organizationId: organization.facts.organization.id };
  switch (central.kind) {
    case 'features-unreadable':
      return { rootCannotSignIn: null, note: { ...read, organizationsFeatures: `unreadable (${central.error.code}: ${central.error.message})`, note: 'whether root credentials are managed centrally is unknown, so the verdict is the account\'s own' } };
    case 'management':
      return { rootCannotSignIn: null, note: { ...read, enabledFeatures: central.enabledFeatures, note: 'the management account\'s root is not covered by central root management' } };
    case 'not-enabled':
      return { rootCannotSignIn: null, note: { ...read, enabledFeatures: central.enabledFeatures, note: `${ROOT_CREDENTIALS_MANAGEMENT} is not enabled` } };
    case 'enabled': {
      const root = rootCredentials(snapshot);
      const evidence = { ...read, usedFacts: 'organizationsFeatures', enabledFeatures: central.enabledFeatures, ...root.evidence };
      if (root.unknown !== null) return { rootCannotSignIn: null, note: { ...evidence, note: `${ROOT_CREDENTIALS_MANAGEMENT} is enabled, but ${root.unknown}, so the verdict is the account's own` } };
      if (root.holds.length > 0) return { rootCannotSignIn: null, note: { ...evidence, note: `${ROOT_CREDENTIALS_MANAGEMENT} is enabled, but root still holds ${root.holds.join(', ')}` } };
      return { rootCannotSignIn: { ...evidence, difference: 'a single-account run judges root\'s MFA; the organization reports central root management and root holds no credential to sign in with' }, note: null };
    }
  }
}

/** The NOT_APPLICABLE message of IAM-005/006 for a centrally managed member root. */
export const ROOT_CANNOT_SIGN_IN = 'root credentials are centrally managed by the organization (RootCredentialsManagement) and root holds no password, access key or signing certificate: root cannot sign in, so it needs no MFA';
