import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { InputError, errorMessage } from '../errors.js';

/**
 * The largest export file read, in bytes (500 MiB). Two bounds meet here:
 * - V8 holds no string longer than 0x1fffffe8 characters (about 512 MiB), so a larger file
 *   cannot even be read as text, let alone parsed ("Cannot create a string longer than…").
 * - What AWS can return: GetAccountAuthorizationDetails at IAM's default quotas (5,000 users
 *   with 2,048 characters of inline policy each, 1,000 roles with 10,240 inline and 2,048 of
 *   trust policy, 300 groups with 5,120, 1,500 customer managed policies of 5 versions of
 *   6,144 characters, and the AWS managed policies attached, about 1,300 at 6,144 with their
 *   versions) is about 110 M characters of policy text, which the CLI's indented JSON turns
 *   into roughly 300 MB. A whole-account file above 500 MiB is therefore not a JSON export
 *   (the table output of a large account once made a 7.4 GB file).
 * An account with quotas raised near their maxima can pass this in one file: it exports in
 * pages (`--max-items N`, then `--starting-token`, saved as `<export>-N.json`; export-pages.ts),
 * each page far below the bound.
 */
export const MAX_EXPORT_BYTES = 500 * 1024 * 1024;

/** The AWS CLI's other output formats (`--output`, `output =` in ~/.aws/config, AWS_DEFAULT_OUTPUT). */
export type CliOutputFormat = 'yaml' | 'text' | 'table';

/** How many leading bytes are enough to tell the CLI's output formats apart. */
const HEAD_BYTES = 4096;

/**
 * Which of the AWS CLI's non-JSON output formats a file's first bytes are, or null when they
 * are none of them. Read from the first line, as the CLI (v1 and v2) writes them:
 * - table: a rule of dashes, then `|  GetAccountSummary  |` and `+---+` lines;
 * - yaml: `Key:` lines with the API's PascalCase keys (`SummaryMap:`, `GroupDetailList:`), or a
 *   `- Key:` list item, or a `---` document start;
 * - text: tab-separated fields led by the upper-cased key of a list (`USERDETAILLIST\t…`).
 */
export function cliOutputFormatOf(head: string): CliOutputFormat | null {
  const lines = head.replace(/^\uFEFF/, '').split(/\r?\n/).filter((line) => line.trim() !== '');
  const first = lines[0] ?? '';
  if (first === '---') return 'yaml';
  if (/^-{3,}\s*$/.test(first) || /^\+-+/.test(first) || /^\|.*\|\s*$/.test(first)) return 'table';
  if (/^(- )?[A-Z][A-Za-z0-9]*:(\s|$)/.test(first)) return 'yaml';
  if (/^[A-Z][A-Z0-9_]*\t/.test(first)) return 'text';
  return null;
}

/** The first bytes of a file as text, for telling formats apart without reading it whole. */
function headOf(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const read = readSync(fd, buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * The text of an export file. Its size is checked before it is read: a file larger than
 * MAX_EXPORT_BYTES is refused (InputError, exit 2) with what to do: re-export with
 * `--output json` when its first bytes are yaml, text or table output, else export in pages.
 * @throws InputError for an unreadable or oversized file
 */
export function readExportFile(path: string): string {
  try {
    const { size } = statSync(path);
    if (size > MAX_EXPORT_BYTES) {
      const format = cliOutputFormatOf(headOf(path));
      if (format) throw new InputError(`${path} is ${format} output of the AWS CLI, not JSON (${size} bytes): re-export with --output json`);
      throw new InputError(
        `${path} is ${size} bytes, more than any export of one account can be (${MAX_EXPORT_BYTES} bytes): check it is the JSON output of the command, or export in pages (--max-items N, then --starting-token, saved as <export>-N.json)`,
      );
    }
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`cannot read ${path}: ${errorMessage(error)}`);
  }
}

/**
 * An export's JSON object. A file that is not JSON says what it is and what to do: the CLI's
 * yaml, text or table output (re-export with `--output json`), or empty (the command failed,
 * or the CLI's text output of an empty list, which prints nothing).
 * @throws InputError naming `path`
 */
export function parseExportJson(path: string, text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const format = cliOutputFormatOf(text.slice(0, HEAD_BYTES));
    if (format) throw new InputError(`${path} is ${format} output of the AWS CLI, not JSON: re-export with --output json`);
    if (text.trim() === '') throw new InputError(`${path} is empty: the export failed, or the AWS CLI's text output printed nothing; re-export with --output json`);
    throw new InputError(`${path} is not valid JSON: ${errorMessage(error)}`);
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new InputError(`${path} does not hold a JSON object`);
}

const REPORT_COMMAND = 'aws iam get-credential-report --query Content --output text | base64 -d > credential-report.csv';

/**
 * What a credential-report.csv that is not a report holds instead, as one line saying how to
 * export it, or null when it is none of the known mistakes: the report still base64-encoded
 * (`| base64 -d` skipped), or the whole answer of get-credential-report (no `--query Content`)
 * in the CLI's json, yaml, text or table output.
 */
export function credentialReportMistake(path: string, text: string): string | null {
  const head = text.slice(0, HEAD_BYTES).replace(/^\uFEFF/, '').trimStart();
  const whole = `export it with --query Content --output text | base64 -d (${REPORT_COMMAND})`;
  if (head.startsWith('{') && /"(Content|GeneratedTime|ReportFormat)"\s*:/.test(head)) {
    return `${path} is the JSON output of aws iam get-credential-report, not the report: ${whole}`;
  }
  if (/^[A-Za-z0-9+/]+=*\t/.test(head)) return `${path} is the text output of aws iam get-credential-report, not the report: ${whole}`;
  const format = cliOutputFormatOf(head);
  if (format === 'yaml' || format === 'table') return `${path} is the ${format} output of aws iam get-credential-report, not the report: ${whole}`;
  const compact = text.replace(/\s+/g, '');
  if (compact.length > 0 && /^[A-Za-z0-9+/]+=*$/.test(compact) && Buffer.from(compact.slice(0, 64), 'base64').toString('latin1').startsWith('user,')) {
    return `${path} looks base64-encoded: decode it with base64 -d (${REPORT_COMMAND})`;
  }
  return null;
}
