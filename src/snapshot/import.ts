import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, errorMessage } from '../errors.js';
import { AuthorizationDetailsError, fromAwsAuthorizationDetails, sessionLimitsFromListRoles, withSessionLimits, type AwsAuthorizationDetails } from './authorization-details.js';
import { accountIdFromSources, buildSnapshot, type SourceResults } from './build.js';
import { parseCredentialReportCsv, reportDate } from './credential-report.js';
import { credentialReportMistake, parseExportJson, readExportFile } from './export-file.js';
import { mergeExportPages, pageNumber, PAGED_EXPORTS, type ExportPage, type MergedExport } from './export-pages.js';
import { IMPORT_FILES } from './import-files.js';
import { importFurtherSources, recordedFailure, type ExportFolder } from './import-sources.js';
import type { CredentialReportRow, ImportDatedBy, Snapshot } from './schema.js';

export { IMPORT_FILES } from './import-files.js';

/**
 * The credential report's GeneratedTime, saved beside it by the export: one line, the ISO
 * timestamp the command prints. It dates the import (see importDate).
 */
export const GENERATED_TIME_FILE = {
  file: 'credential-report-generated-time.txt',
  command: 'aws iam get-credential-report --query GeneratedTime --output text > credential-report-generated-time.txt',
} as const;

/**
 * `--as-of`: the instant (a date alone is 00:00 UTC that day) and whether only a date was given,
 * which names the whole UTC day: a report holding a time later that day does not contradict it.
 */
export interface ImportAsOf {
  at: Date;
  day: boolean;
}

export interface ImportOptions {
  /** `--as-of`: when the exports were taken, which dates the import over anything in the files. */
  asOf?: ImportAsOf;
}

/** What an import is dated by (the snapshot's collectedAt), and the report's own GeneratedTime if the export saved it. */
interface ImportDate {
  at: Date;
  by: ImportDatedBy;
  generatedAt: string | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * When the exports' data was taken, so that key ages and days unused count from that day and
 * not from the day they are audited: `--as-of` first (GENERATED_TIME_FILE is then not read at
 * all: the user dated the import, so a stale or garbled file must not stop it), else the
 * credential report's GeneratedTime (GENERATED_TIME_FILE), else the run's own time, said so
 * (`run time (no date in the export)`): the report's newest timestamp is only a lower bound of
 * when it was made, and dating by it would shorten every age, so it is used only to refuse a
 * date that the report contradicts (for a date-only --as-of, a date on a later UTC day).
 * @throws InputError (exit 2) for a GeneratedTime file that is not one timestamp or is after
 *   `now` (without --as-of), or a date before a timestamp in the credential report (files of
 *   different exports, or an endpoint that misreports GeneratedTime)
 */
function importDate(dir: string, now: Date, asOf: ImportAsOf | undefined, rows: readonly CredentialReportRow[] | null): ImportDate {
  const path = join(dir, GENERATED_TIME_FILE.file);
  let generatedAt: string | null = null;
  if (asOf === undefined && existsSync(path)) {
    const text = readExportFile(path).replace(/^\uFEFF/, '').trim();
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/.test(text) || Number.isNaN(Date.parse(text))) {
      throw new InputError(`${path} does not hold one ISO timestamp: remake it with ${GENERATED_TIME_FILE.command}, or date the import with --as-of`);
    }
    generatedAt = new Date(text).toISOString();
    if (Date.parse(text) > now.getTime()) throw new InputError(`${path} says the credential report was generated at ${generatedAt}, after this run's clock (${now.toISOString()}): check the clock, or date the import with --as-of`);
  }
  const dated: ImportDate =
    asOf !== undefined
      ? { at: asOf.at, by: '--as-of', generatedAt }
      : generatedAt !== null
        ? { at: new Date(generatedAt), by: 'credential report GeneratedTime', generatedAt }
        : { at: now, by: 'run time (no date in the export)', generatedAt };
  if (dated.by !== 'run time (no date in the export)' && rows !== null) {
    const newest = newestReportDate(rows);
    // A date alone covers its whole UTC day: only a report date on a later day contradicts it.
    const latestAllowed = asOf?.day ? asOf.at.getTime() + DAY_MS - 1 : dated.at.getTime();
    if (newest !== null && newest.getTime() > latestAllowed) {
      const what = dated.by === '--as-of' ? `--as-of ${asOf?.day ? asOf.at.toISOString().slice(0, 10) : dated.at.toISOString()}` : `the GeneratedTime in ${path} (${generatedAt})`;
      throw new InputError(`${what} is before ${newest.toISOString()}, a date in ${join(dir, IMPORT_FILES.credentialReport.file)}: the report was taken later; date the import with --as-of on or after that day`);
    }
  }
  return dated;
}

/** The latest date the credential report holds (creation, last use, rotation), or null. */
function newestReportDate(rows: readonly CredentialReportRow[]): Date | null {
  let newest: number | null = null;
  for (const row of rows) {
    for (const column of Object.keys(row)) {
      if (!/_(time|used|changed|rotated|used_date)$/.test(column) || column === 'password_next_rotation') continue;
      const value = reportDate(row, column);
      const ms = value === null ? NaN : Date.parse(value);
      if (!Number.isNaN(ms) && (newest === null || ms > newest)) newest = ms;
    }
  }
  return newest === null ? null : new Date(newest);
}

/**
 * Builds a snapshot from the AWS CLI's own exports (the files of IMPORT_FILES, as
 * examples/export-account.sh writes them; the sources beyond IAM through importFurtherSources).
 * A missing file is recorded as that source's error (NotInImport: its controls become ERROR),
 * and a call the export recorded as failed (`<file>.error`) as that source's error with AWS's
 * reason (or as the fact it states, as live reads it); a file that is present but unreadable is bad
 * input and stops the run, and so is a paged export that is not whole: one truncated page
 * (NextToken from --max-items, IsTruncated/Marker from --no-paginate), or page files
 * (`<export>-N.json`) that mergeExportPages cannot establish as complete. A file that is the
 * CLI's yaml, text or table output, or larger than any export can be, is refused with what to
 * do (export-file.ts). The snapshot is dated by importDate: its collectedAt is when the data
 * was taken, and its origin says by what (`datedBy`); `now` is when the files were read.
 */
export function importAwsCliExports(dir: string, now: Date = new Date(), options: ImportOptions = {}): Snapshot {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(`import folder ${dir} does not exist or is not a folder`);
  const sources: SourceResults = {
    callerIdentity: { status: 'error', error: { code: 'NotInImport', message: 'an import of AWS CLI exports does not record who collected them' } },
  };
  // A failed call the export recorded (<file>.error) is that source's error with AWS's reason; no file at all is NotInImport.
  const missing = (name: keyof typeof IMPORT_FILES) => ({
    status: 'error' as const,
    error: recordedFailure(exportFolder, IMPORT_FILES[name].file) ?? { code: 'NotInImport', message: `${IMPORT_FILES[name].file} is not in ${dir} (make it with: ${IMPORT_FILES[name].command})` },
  });
  // Size-bounded (readExportFile); JSON parsed by parseExportJson, which names the CLI's yaml/text/table output.
  const exportFolder: ExportFolder = {
    dir,
    text: (file) => (existsSync(join(dir, file)) ? readExportFile(join(dir, file)) : null),
    json: (file) => {
      const text = exportFolder.text(file);
      return text === null ? null : parseExportJson(join(dir, file), text);
    },
  };
  const read = (name: keyof typeof IMPORT_FILES): string | null => exportFolder.text(IMPORT_FILES[name].file);
  const json = (name: keyof typeof IMPORT_FILES, text: string) => parseExportJson(join(dir, IMPORT_FILES[name].file), text);
  const folder = (() => {
    try {
      return readdirSync(dir).sort();
    } catch (error) {
      throw new InputError(`cannot read import folder ${dir}: ${errorMessage(error)}`);
    }
  })();
  const merged: string[] = [];
  /** A paged export's page files merged into whole lists, null when it has none. */
  const readPages = (name: keyof typeof PAGED_EXPORTS, summaryMap: Record<string, number> | null): MergedExport | null => {
    const files = { base: IMPORT_FILES[name].file.replace(/\.json$/, ''), command: IMPORT_FILES[name].command };
    const pages: (ExportPage & { number: number })[] = [];
    for (const file of folder) {
      const number = pageNumber(files, file);
      if (number === null) continue;
      if (number === 'misnamed') throw new InputError(`${join(dir, file)} fits no page name of ${files.base}: name page 1 ${files.base}.json and page N ${files.base}-N.json`);
      const path = join(dir, file);
      pages.push({ file, number, value: parseExportJson(path, readExportFile(path)) });
    }
    if (pages.length === 0) return null;
    const result = mergeExportPages({ ...PAGED_EXPORTS[name], ...files }, pages, summaryMap);
    if (result.files.length > 1) {
      const duplicates = result.identicalDuplicates > 0 ? `, ${result.identicalDuplicates} identical duplicates kept once` : '';
      merged.push(`${files.base}: ${result.files.length} pages merged${duplicates}`);
    }
    return result;
  };
  const bad = (name: keyof typeof IMPORT_FILES, reason: string) => new InputError(`${join(dir, IMPORT_FILES[name].file)}: ${reason}`);

  const reportText = read('credentialReport');
  let reportRows: CredentialReportRow[] | null = null;
  if (reportText === null) sources.credentialReport = missing('credentialReport');
  else {
    const path = join(dir, IMPORT_FILES.credentialReport.file);
    const mistake = credentialReportMistake(path, reportText);
    if (mistake) throw new InputError(mistake);
    try {
      reportRows = parseCredentialReportCsv(reportText);
    } catch (error) {
      throw bad('credentialReport', errorMessage(error));
    }
  }
  const dated = importDate(dir, now, options.asOf, reportRows);
  if (reportRows !== null) sources.credentialReport = { status: 'ok', data: { generatedAt: dated.generatedAt, rows: reportRows } };

  // Read before the paged exports: it is what pages are checked against.
  let summaryMap: Record<string, number> | null = null;
  const summaryText = read('accountSummary');
  if (summaryText === null) sources.accountSummary = missing('accountSummary');
  else {
    const value = json('accountSummary', summaryText);
    const map = value.SummaryMap;
    if (!map || typeof map !== 'object' || Object.values(map).some((v) => typeof v !== 'number')) {
      throw bad('accountSummary', 'not the output of get-account-summary (no numeric SummaryMap)');
    }
    summaryMap = map as Record<string, number>;
    sources.accountSummary = { status: 'ok', data: { summaryMap } };
  }

  const details = readPages('authorizationDetails', summaryMap);
  // Read (and so checked whole) even without the details it serves.
  const roles = readPages('roles', summaryMap);
  if (details === null) sources.authorizationDetails = missing('authorizationDetails');
  else {
    const value = details.lists as AwsAuthorizationDetails;
    const sessionLimits = roles === null ? new Map<string, number>() : sessionLimitsFromListRoles({ Roles: roles.lists.Roles ?? [] });
    // As live: a failed ListRoles is kept beside the details, blinding only session-duration.
    const rolesFailure = roles === null ? recordedFailure(exportFolder, IMPORT_FILES.roles.file) : null;
    try {
      const read = fromAwsAuthorizationDetails([value]);
      sources.authorizationDetails = {
        status: 'ok',
        data: rolesFailure ? { ...read, roleSessionLimitsError: `iam:ListRoles: ${rolesFailure.code}: ${rolesFailure.message}` } : withSessionLimits(read, sessionLimits),
      };
    } catch (error) {
      if (error instanceof AuthorizationDetailsError) {
        if (details.files.length === 1) throw bad('authorizationDetails', error.message);
        throw new InputError(`the pages ${details.files.join(', ')} in ${dir}: ${error.message}`);
      }
      throw error;
    }
  }

  const policyText = read('passwordPolicy');
  // NoSuchEntity is a fact, as live reads it: no policy is set, so AWS's default applies.
  if (policyText === null && recordedFailure(exportFolder, IMPORT_FILES.passwordPolicy.file)?.code === 'NoSuchEntity') sources.passwordPolicy = { status: 'ok', data: { policy: null } };
  else if (policyText === null) sources.passwordPolicy = missing('passwordPolicy');
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

  const mfa = readPages('virtualMfaDevices', summaryMap);
  if (mfa === null) sources.virtualMfaDevices = missing('virtualMfaDevices');
  else {
    const devices = (mfa.lists.VirtualMFADevices ?? []).map((d) => {
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

  Object.assign(sources, importFurtherSources(exportFolder));

  const stamp = now.toISOString();
  return buildSnapshot({
    accountId: accountIdFromSources(sources),
    // Checks judge "now" as of this: key ages and days unused count from when the data was taken.
    collectedAt: dated.at,
    origin: { kind: 'import', description: `AWS CLI exports in ${dir}${merged.length > 0 ? ` (${merged.join('; ')})` : ''}`, datedBy: dated.by },
    collection: { startedAt: stamp, finishedAt: stamp, calls: {} },
    sources,
  });
}
