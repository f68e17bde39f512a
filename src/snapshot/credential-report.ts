import { parse } from 'csv-parse/sync';
import { CREDENTIAL_REPORT_REQUIRED_COLUMNS, type CredentialReportRow } from './schema.js';

export const ROOT_ROW_NAME = '<root_account>';

/** Parses the decoded credential report (CSV); throws with the reason when it is not one. */
export function parseCredentialReportCsv(text: string): CredentialReportRow[] {
  const rows = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[];
  const header = text.split(/\r?\n/, 1)[0]?.replace(/^\uFEFF/, '').split(',').map((c) => c.trim()) ?? [];
  const missing = CREDENTIAL_REPORT_REQUIRED_COLUMNS.filter((column) => !header.includes(column));
  if (missing.length > 0) throw new Error(`not a credential report: missing column(s) ${missing.join(', ')}`);
  return rows;
}

/** `true`/`false`; `not_supported` and anything else AWS may write means unknown. */
export function reportFlag(row: CredentialReportRow, column: string): boolean | null {
  const value = row[column];
  if (value === 'true') return true;
  if (value === 'false') return false;
  return null;
}

/** An ISO date, or null for `N/A`, `no_information`, `not_supported` and empty cells. */
export function reportDate(row: CredentialReportRow, column: string): string | null {
  const value = row[column];
  if (!value || value === 'N/A' || value === 'no_information' || value === 'not_supported') return null;
  return Number.isNaN(Date.parse(value)) ? null : value;
}

export function isRootRow(row: CredentialReportRow): boolean {
  return row.user === ROOT_ROW_NAME;
}
