import { InvalidArgumentError, Option } from 'commander';
import { SEVERITIES } from '../checks/check.js';
import { DEFAULT_TIMEOUTS, MAX_TIMEOUT_SECONDS, MIN_TIMEOUT_SECONDS, parseTimeoutSeconds, TIMEOUT_ENV } from '../collect/live-settings.js';
import { DEFAULT_FORMATS, FORMATS, type Format } from '../report/formats.js';
import { DEFAULT_SETTINGS, type Settings } from '../settings.js';
import type { ImportAsOf } from '../snapshot/import.js';

/**
 * One table of options, shared by every command that reads an account, so help text and
 * behaviour cannot drift apart between subcommands.
 */
export const OFFLINE_SOURCES = ['snapshot', 'import', 'demo'] as const;
const LIVE_ONLY = ['profile', 'region', 'roleArn', 'externalId', 'regions', 'identityCenterRegion', 'connectTimeout', 'requestTimeout'];

export function sourceOptions(): Option[] {
  return [
    new Option('--profile <name>', "AWS profile from ~/.aws/config and ~/.aws/credentials, with its region, endpoint_url, role_arn, sso_session or credential_process (live; default: AWS_PROFILE, else the SDK credential chain)").conflicts([...OFFLINE_SOURCES]),
    new Option('--region <region>', "region for STS and the partition (live; default: AWS_REGION, AWS_DEFAULT_REGION, the profile's region, else us-east-1)").conflicts([...OFFLINE_SOURCES]),
    new Option('--role-arn <arn>', 'assume this role through STS before collecting (live)').conflicts([...OFFLINE_SOURCES]),
    new Option('--external-id <id>', 'external ID the assumed role requires: for --role-arn, or with --organization for each member account\'s --role-name role').argParser(parseExternalId).conflicts([...OFFLINE_SOURCES]),
    new Option('--regions <list>', 'regions to look for IAM Access Analyzer in, comma-separated (live; default: every enabled region, from ec2:DescribeRegions)')
      .argParser(parseRegions)
      .conflicts([...OFFLINE_SOURCES]),
    new Option('--identity-center-region <region>', 'region of the IAM Identity Center instance (sso-admin and identitystore answer there only) (live; default: the collection region)')
      .argParser(parseRegion)
      .conflicts([...OFFLINE_SOURCES]),
    new Option('--connect-timeout <seconds>', `longest wait to connect to an AWS endpoint, per attempt (live; default: ${TIMEOUT_ENV.connectMs} or ${DEFAULT_TIMEOUTS.connectMs / 1000})`)
      .argParser(timeoutSeconds)
      .conflicts([...OFFLINE_SOURCES]),
    new Option('--request-timeout <seconds>', `longest wait for one answer, per attempt; a timed-out call is retried, then its source is ERROR (live; default: ${TIMEOUT_ENV.requestMs} or ${DEFAULT_TIMEOUTS.requestMs / 1000})`)
      .argParser(timeoutSeconds)
      .conflicts([...OFFLINE_SOURCES]),
    new Option('--snapshot <file>', 'audit a snapshot saved by `hipaa-iam collect --save` (offline)').conflicts(['import', 'demo', ...LIVE_ONLY]),
    new Option('--import <dir>', 'audit AWS CLI exports in DIR (credential-report.csv, account-authorization-details.json, ...; offline)').conflicts(['snapshot', 'demo', ...LIVE_ONLY]),
    new Option('--demo', 'audit the embedded demo account of a fictional clinic (offline)').conflicts(['snapshot', 'import', ...LIVE_ONLY]),
    new Option('--as-of <date>', 'with --import: when the exports were taken (ISO date, or date and time with Z or an offset), so key ages and days unused count from then (default: the credential report\'s GeneratedTime from credential-report-generated-time.txt)').argParser((value: string) => parseAsOf(value)),
  ];
}

export function outputOptions(): Option[] {
  return [
    new Option('--out <dir>', 'evidence folder; each run goes to <dir>/<account-id>/<timestamp>/').default('reports'),
    new Option('--fail-on <severity>', 'exit 1 when a FAIL at or above this severity exists').choices([...SEVERITIES]).default('low'),
    new Option('--format <list>', `evidence formats, comma-separated: ${FORMATS.join(', ')} (default: ${DEFAULT_FORMATS.join(',')}); ocsf is OCSF Detection Finding, asff is for Security Hub import`).argParser(parseFormats),
    new Option('--exceptions <file>', 'accepted risks (CSV: control_id,resource,justification,approver,expires; control_id takes a control id or a risk id): matching failures are accepted (SUPPRESSED; FAIL with "suppressed" in findings.json)'),
    new Option('--quiet', 'print nothing on success; the exit code and the evidence folder tell the story (for cron)'),
  ];
}

/** "us-east-1, eu-west-1" → ['us-east-1', 'eu-west-1']; a name that is not a region is a usage error. */
export function parseRegions(value: string): string[] {
  const regions = [...new Set(value.split(',').map((r) => r.trim()).filter(Boolean))];
  if (regions.length === 0) throw new InvalidArgumentError('name at least one region, e.g. us-east-1,us-west-2');
  const bad = regions.filter((r) => !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(r));
  if (bad.length > 0) throw new InvalidArgumentError(`not a region name: ${bad.join(', ')} (expected e.g. us-east-1)`);
  return regions;
}

/** One region name ("eu-west-1"); anything else, or a list, is a usage error. */
export function parseRegion(value: string): string {
  const regions = parseRegions(value);
  if (regions.length !== 1) throw new InvalidArgumentError(`name one region, not ${regions.length} (e.g. us-east-1)`);
  return regions[0]!;
}

/**
 * `--as-of`: `2026-11-01` (midnight UTC that day, and `day`: it names the whole day) or `2026-11-01T09:30:00Z` / `…+02:00`; a time
 * without a zone would be read in the local zone, so it is refused, and so is a date after now.
 */
export function parseAsOf(value: string, now: Date = new Date()): ImportAsOf {
  const text = value.trim();
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const dateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text);
  const at = new Date(dateOnly ? `${text}T00:00:00Z` : text);
  // Date.parse rolls 2026-02-30 over into March: the date must read back as written.
  if ((!dateOnly && !dateTime) || Number.isNaN(at.getTime()) || (dateOnly && at.toISOString().slice(0, 10) !== text)) {
    throw new InvalidArgumentError('expected an ISO date (2026-11-01) or date and time with a zone (2026-11-01T09:30:00Z)');
  }
  if (at.getTime() > now.getTime()) throw new InvalidArgumentError(`${at.toISOString()} is in the future: give the day the exports were taken`);
  return { at, day: dateOnly };
}

/** "30" or "2.5" seconds → milliseconds; anything else is a usage error. */
function timeoutSeconds(value: string): number {
  const seconds = parseTimeoutSeconds(value);
  if (seconds === null) throw new InvalidArgumentError(`expected a number of seconds from ${MIN_TIMEOUT_SECONDS} to ${MAX_TIMEOUT_SECONDS}`);
  return Math.round(seconds * 1000);
}

export interface SourceFlags {
  /** Milliseconds (the flags are given in seconds). */
  connectTimeout?: number;
  requestTimeout?: number;
  profile?: string;
  region?: string;
  regions?: string[];
  identityCenterRegion?: string;
  roleArn?: string;
  externalId?: string;
  snapshot?: string;
  import?: string;
  demo?: boolean;
  /** --as-of, parsed. */
  asOf?: ImportAsOf;
}

/** Judgement settings a user may override per run; the password baseline only where the password policy is judged or set. */
export function settingsOptions(command = 'audit'): Option[] {
  const options = [new Option('--eligible-services <file>', 'your own HIPAA-eligible services list (JSON, the format of the built-in one) instead of the dated built-in list')];
  if (command === 'audit' || command === 'password-policy') {
    options.push(
      new Option('--min-password-length <n>', 'password baseline: minimum length (default 14)').argParser(integerIn(6, 128)),
      new Option('--max-password-age <days>', 'password baseline: longest a password may live (default 90)').argParser(integerIn(1, 1095)),
      new Option('--password-reuse-prevention <n>', 'password baseline: previous passwords that may not be reused (default 24)').argParser(integerIn(1, 24)),
    );
  }
  if (command === 'audit' || command === 'identity-center') {
    options.push(
      new Option('--max-permission-set-session-hours <n>', `IAM-034: longest session a permission set may give, in hours, 1 to 12 (AWS's range; default ${DEFAULT_SETTINGS.maxPermissionSetSessionHours})`).argParser(integerIn(1, 12)),
      new Option('--break-glass-permission-sets <names>', 'IAM-033: permission sets kept for break-glass administration, by name, comma-separated; each passes while held by at most two people').argParser(parsePermissionSetNames),
    );
  }
  return options;
}

export interface SettingsFlags {
  eligibleServices?: string;
  minPasswordLength?: number;
  maxPasswordAge?: number;
  passwordReusePrevention?: number;
  maxPermissionSetSessionHours?: number;
  breakGlassPermissionSets?: string[];
}

/** The Identity Center settings given as flags (IAM-033, IAM-034), to lay over the defaults. */
export function identityCenterSettings(flags: SettingsFlags): Partial<Settings> {
  return {
    ...(flags.maxPermissionSetSessionHours !== undefined ? { maxPermissionSetSessionHours: flags.maxPermissionSetSessionHours } : {}),
    ...(flags.breakGlassPermissionSets ? { breakGlassPermissionSets: flags.breakGlassPermissionSets } : {}),
  };
}

/**
 * "Admin, BreakGlass" → names; a name sso-admin would refuse (CreatePermissionSet Name: 1 to 32
 * of letters, digits and +=,.@-_) is a usage error, so a typo cannot silently exempt nothing.
 */
function parsePermissionSetNames(value: string, previous: string[] | undefined): string[] {
  const names = value.split(',').map((n) => n.trim()).filter(Boolean);
  if (names.length === 0) throw new InvalidArgumentError('name at least one permission set, e.g. BreakGlassAdmin');
  const bad = names.filter((n) => !/^[\w+=,.@-]{1,32}$/.test(n));
  if (bad.length > 0) throw new InvalidArgumentError(`not a permission set name: ${bad.join(', ')} (1 to 32 letters, digits and +=,.@_-)`);
  return [...new Set([...(previous ?? []), ...names])];
}

/** AWS's own bounds for each password parameter, so a baseline it would refuse is a usage error. */
function integerIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return n;
  };
}

/** The configured password baseline: the defaults of CONTROLS.md with the flags given laid over them. */
export function passwordBaseline(flags: SettingsFlags): Partial<Settings> {
  if (flags.minPasswordLength === undefined && flags.maxPasswordAge === undefined && flags.passwordReusePrevention === undefined) return {};
  const defaults = DEFAULT_SETTINGS.passwordPolicy;
  return {
    passwordPolicy: {
      minimumPasswordLength: flags.minPasswordLength ?? defaults.minimumPasswordLength,
      maxPasswordAge: flags.maxPasswordAge ?? defaults.maxPasswordAge,
      passwordReusePrevention: flags.passwordReusePrevention ?? defaults.passwordReusePrevention,
    },
  };
}

function parseFormats(value: string): Format[] {
  const formats = value.split(',').map((f) => f.trim().toLowerCase()).filter(Boolean);
  const unknown = formats.filter((f) => !(FORMATS as readonly string[]).includes(f));
  if (formats.length === 0 || unknown.length > 0) throw new InvalidArgumentError(`expected some of ${FORMATS.join(', ')}${unknown.length ? `, not ${unknown.join(', ')}` : ''}`);
  return formats as Format[];
}

export interface OutputFlags {
  out: string;
  format?: Format[];
  exceptions?: string;
  quiet?: boolean;
  failOn: (typeof SEVERITIES)[number];
}

/** Flags of an organization-wide run; given without --organization they are a usage error (src/cli/organization-command.ts). */
export const ORGANIZATION_ONLY = ['roleName', 'accounts', 'ou', 'excludeAccounts', 'concurrency'] as const;
export const DEFAULT_ROLE_NAME = 'hipaa-iam-auditor';
export const DEFAULT_CONCURRENCY = 8;

/** --organization and the flags that narrow and pace it (live; a saved organization holds the accounts it was saved with). */
export function organizationOptions(): Option[] {
  return [
    new Option('--organization', 'audit every ACTIVE account of the AWS Organization (run from the management account or a delegated administrator), live or from a folder saved by `collect --organization --save DIR` (--snapshot DIR); one evidence package under <out>/org-<organization-id>/'),
    new Option('--role-name <name>', `with --organization: the role assumed in each member account (default ${DEFAULT_ROLE_NAME})`).argParser(parseRoleName).conflicts([...OFFLINE_SOURCES]),
    new Option('--accounts <ids>', 'with --organization: only these account ids, comma-separated').argParser((v: string) => parseIds(v, 'account')).conflicts([...OFFLINE_SOURCES]),
    new Option('--ou <ids>', 'with --organization: only accounts under these OUs or roots (ou-…, r-…; at any depth), comma-separated').argParser((v: string) => parseIds(v, 'ou')).conflicts([...OFFLINE_SOURCES]),
    new Option('--exclude-accounts <ids>', 'with --organization: leave these account ids out, comma-separated').argParser((v: string) => parseIds(v, 'account')).conflicts([...OFFLINE_SOURCES]),
    new Option('--concurrency <n>', `with --organization: accounts collected at once, 1 to 64 (default ${DEFAULT_CONCURRENCY}); also the most account snapshots held in memory`).argParser(integerIn(1, 64)).conflicts([...OFFLINE_SOURCES]),
  ];
}

export interface OrganizationFlags {
  organization?: boolean;
  roleName?: string;
  accounts?: string[];
  ou?: string[];
  excludeAccounts?: string[];
  concurrency?: number;
}

/** "111122223333, 444455556666" → ids; an id of the wrong form is a usage error. */
function parseIds(value: string, kind: 'account' | 'ou'): string[] {
  const ids = [...new Set(value.split(',').map((v) => v.trim()).filter(Boolean))];
  if (ids.length === 0) throw new InvalidArgumentError(kind === 'account' ? 'name at least one 12-digit account id' : 'name at least one OU or root id (ou-…, r-…)');
  const pattern = kind === 'account' ? /^\d{12}$/ : /^(ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}|r-[0-9a-z]{4,32})$/;
  const bad = ids.filter((id) => !pattern.test(id));
  if (bad.length > 0) throw new InvalidArgumentError(`${bad.join(', ')}: ${kind === 'account' ? 'an AWS account id is 12 digits' : 'an OU id is ou-<root>-<suffix> and a root id r-<suffix>'}`);
  return ids;
}

/** An IAM role name (with no path): 1 to 64 of letters, digits and +=,.@_- (IAM's RoleName pattern). */
/** STS AssumeRole's ExternalId: 2 to 1224 characters of letters, digits and +=,.@:/- (an empty one would be sent and refused, or ignored). */
export function parseExternalId(value: string): string {
  if (!/^[\w+=,.@:/-]{2,1224}$/.test(value)) throw new InvalidArgumentError('expected an external ID of 2 to 1224 letters, digits and +=,.@:/-_');
  return value;
}

function parseRoleName(value: string): string {
  if (!/^[\w+=,.@-]{1,64}$/.test(value)) throw new InvalidArgumentError('expected an IAM role name (1 to 64 letters, digits and +=,.@_-), not an ARN');
  return value;
}
