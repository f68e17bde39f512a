import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, errorMessage } from '../errors.js';
import { AuthorizationDetailsError, fromAwsAuthorizationDetails, sessionLimitsFromListRoles, withSessionLimits, type AwsAuthorizationDetails } from './authorization-details.js';
import { accountIdFromSources, buildSnapshot, type SourceResults } from './build.js';
import { parseCredentialReportCsv } from './credential-report.js';
import type { Snapshot, SourceName } from './schema.js';

/** The AWS CLI exports an import reads, and the command that makes each. */
export const IMPORT_FILES = {
  credentialReport: { file: 'credential-report.csv', command: 'aws iam get-credential-report --query Content --output text | base64 -d > credential-report.csv' },
  authorizationDetails: { file: 'account-authorization-details.json', command: 'aws iam get-account-authorization-details > account-authorization-details.json' },
  passwordPolicy: { file: 'password-policy.json', command: 'aws iam get-account-password-policy > password-policy.json' },
  accountSummary: { file: 'account-summary.json', command: 'aws iam get-account-summary > account-summary.json' },
  virtualMfaDevices: { file: 'virtual-mfa-devices.json', command: 'aws iam list-virtual-mfa-devices > virtual-mfa-devices.json' },
  /** Optional: roles' maximum session durations, which the authorization details leave out. */
  roles: { file: 'list-roles.json', command: 'aws iam list-roles > list-roles.json' },
} as const satisfies Partial<Record<SourceName | 'roles', { file: string; command: string }>>;

/**
 * Builds a snapshot from the AWS CLI's own exports. A missing file is recorded as that
 * source's error (its controls become ERROR); a file that is present but unreadable is bad
 * input and stops the run.
 */
export function importAwsCliExports(dir: string, now: Date = new Date()): Snapshot {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(`import folder ${dir} does not exist or is not a folder`);
  const notImported = (what: string) => ({
    status: 'error' as const,
    error: { code: 'NotInImport', message: `an import of AWS CLI exports does not read ${what}; collect live (hipaa-iam collect --save FILE) to include them` },
  });
  const sources: SourceResults = {
    callerIdentity: { status: 'error', error: { code: 'NotInImport', message: 'an import of AWS CLI exports does not record who collected them' } },
    identityProviders: notImported('SAML and OIDC providers (list-saml-providers, list-open-id-connect-providers)'),
    cloudTrail: notImported('CloudTrail trails (describe-trails, get-trail-status, get-event-selectors)'),
    organizations: notImported('AWS Organizations (describe-organization, list-policies, describe-policy)'),
    accessAnalyzer: notImported('IAM Access Analyzer (list-analyzers, list-findings-v2 in every region)'),
  };
  const missing = (name: keyof typeof IMPORT_FILES) => ({
    status: 'error' as const,
    error: { code: 'NotInImport', message: `${IMPORT_FILES[name].file} is not in ${dir} (make it with: ${IMPORT_FILES[name].command})` },
  });
  const read = (name: keyof typeof IMPORT_FILES): string | null => {
    const path = join(dir, IMPORT_FILES[name].file);
    if (!existsSync(path)) return null;
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      throw new InputError(`cannot read ${path}: ${errorMessage(error)}`);
    }
  };
  const json = (name: keyof typeof IMPORT_FILES, text: string): Record<string, unknown> => {
    try {
      const value = JSON.parse(text) as unknown;
      if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch (error) {
      throw new InputError(`${join(dir, IMPORT_FILES[name].file)} is not valid JSON: ${errorMessage(error)}`);
    }
    throw new InputError(`${join(dir, IMPORT_FILES[name].file)} does not hold a JSON object`);
  };
  const bad = (name: keyof typeof IMPORT_FILES, reason: string) => new InputError(`${join(dir, IMPORT_FILES[name].file)}: ${reason}`);

  const reportText = read('credentialReport');
  if (reportText === null) sources.credentialReport = missing('credentialReport');
  else {
    try {
      sources.credentialReport = { status: 'ok', data: { generatedAt: null, rows: parseCredentialReportCsv(reportText) } };
    } catch (error) {
      throw bad('credentialReport', errorMessage(error));
    }
  }

  const detailsText = read('authorizationDetails');
  if (detailsText === null) sources.authorizationDetails = missing('authorizationDetails');
  else {
    const value = json('authorizationDetails', detailsText) as AwsAuthorizationDetails;
    if (!Array.isArray(value.UserDetailList) && !Array.isArray(value.RoleDetailList) && !Array.isArray(value.Policies)) {
      throw bad('authorizationDetails', 'not the output of get-account-authorization-details (no UserDetailList, RoleDetailList or Policies)');
    }
    const rolesText = read('roles');
    let sessionLimits = new Map<string, number>();
    if (rolesText !== null) {
      const roles = json('roles', rolesText);
      if (!Array.isArray(roles.Roles)) throw bad('roles', 'not the output of list-roles (no Roles list)');
      sessionLimits = sessionLimitsFromListRoles(roles as { Roles: Record<string, unknown>[] });
    }
    try {
      sources.authorizationDetails = { status: 'ok', data: withSessionLimits(fromAwsAuthorizationDetails([value]), sessionLimits) };
    } catch (error) {
      if (error instanceof AuthorizationDetailsError) throw bad('authorizationDetails', error.message);
      throw error;
    }
  }

  const policyText = read('passwordPolicy');
  if (policyText === null) sources.passwordPolicy = missing('passwordPolicy');
  else if (policyText.trim() === '') {
    // The CLI writes nothing when the call fails, whether for NoSuchEntity or AccessDenied: unknown.
    sources.passwordPolicy = { status: 'error', error: { code: 'EmptyExport', message: `${IMPORT_FILES.passwordPolicy.file} is empty (the export failed); if the account has no password policy, write {} into it` } };
  } else {
    const value = json('passwordPolicy', policyText);
    const p = value.PasswordPolicy as Record<string, unknown> | undefined;
    if (Object.keys(value).length === 0 || value.PasswordPolicy === null) sources.passwordPolicy = { status: 'ok', data: { policy: null } };
    else if (!p || typeof p !== 'object') throw bad('passwordPolicy', 'not the output of get-account-password-policy (no PasswordPolicy)');
    else {
      const num = (v: unknown) => (typeof v === 'number' ? v : null);
      sources.passwordPolicy = {
        status: 'ok',
        data: {
          policy: {
            minimumPasswordLength: num(p.MinimumPasswordLength),
            requireSymbols: p.RequireSymbols === true,
            requireNumbers: p.RequireNumbers === true,
            requireUppercaseCharacters: p.RequireUppercaseCharacters === true,
            requireLowercaseCharacters: p.RequireLowercaseCharacters === true,
            allowUsersToChangePassword: p.AllowUsersToChangePassword === true,
            expirePasswords: p.ExpirePasswords === true,
            maxPasswordAge: num(p.MaxPasswordAge),
            passwordReusePrevention: num(p.PasswordReusePrevention),
            hardExpiry: typeof p.HardExpiry === 'boolean' ? p.HardExpiry : null,
          },
        },
      };
    }
  }

  const summaryText = read('accountSummary');
  if (summaryText === null) sources.accountSummary = missing('accountSummary');
  else {
    const value = json('accountSummary', summaryText);
    const map = value.SummaryMap;
    if (!map || typeof map !== 'object' || Object.values(map).some((v) => typeof v !== 'number')) {
      throw bad('accountSummary', 'not the output of get-account-summary (no numeric SummaryMap)');
    }
    sources.accountSummary = { status: 'ok', data: { summaryMap: map as Record<string, number> } };
  }

  const mfaText = read('virtualMfaDevices');
  if (mfaText === null) sources.virtualMfaDevices = missing('virtualMfaDevices');
  else {
    const value = json('virtualMfaDevices', mfaText);
    if (!Array.isArray(value.VirtualMFADevices)) throw bad('virtualMfaDevices', 'not the output of list-virtual-mfa-devices (no VirtualMFADevices list)');
    const devices = (value.VirtualMFADevices as Record<string, unknown>[]).map((d) => {
      const user = (d.User ?? null) as Record<string, unknown> | null;
      // Seeds and QR codes, if an export carries them, are secrets and are not kept.
      return {
        serialNumber: String(d.SerialNumber ?? ''),
        userArn: typeof user?.Arn === 'string' ? user.Arn : null,
        userName: typeof user?.UserName === 'string' ? user.UserName : null,
        enableDate: typeof d.EnableDate === 'string' ? d.EnableDate : null,
      };
    });
    sources.virtualMfaDevices = { status: 'ok', data: { devices } };
  }

  const stamp = now.toISOString();
  return buildSnapshot({
    accountId: accountIdFromSources(sources),
    collectedAt: now,
    origin: { kind: 'import', description: `AWS CLI exports in ${dir}` },
    collection: { startedAt: stamp, finishedAt: stamp, calls: {} },
    sources,
  });
}
