import { stringify } from 'csv-stringify/sync';

/** Characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** CRLF, CR or LF: each is a line break to a spreadsheet, inside a quoted cell and (if a reader splits it) as a new row. */
const LINE_BREAK = /(\r\n|\r|\n)/;

/**
 * Prefixes a would-be formula with a quote so spreadsheets show it as text; so is every line of
 * a value with line breaks (`"ivan\r=1+1"` → `"ivan\r'=1+1"`), since a reader that splits the
 * record at a CR would start a row with that line. Idempotent: a neutralised value stays as it is.
 */
export function neutraliseCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  // split() with a capturing group keeps the breaks at the odd indexes; the lines are at the even ones.
  // The first is judged on the whole text, so a value that starts with a CR is prefixed too.
  return text
    .split(LINE_BREAK)
    .map((part, i) => ((i === 0 ? FORMULA_START.test(text) : i % 2 === 0 && FORMULA_START.test(part)) ? `'${part}` : part))
    .join('');
}

/**
 * RFC 4180 text with `\n` between records. A value holding a CR or LF is always quoted, so a
 * spreadsheet keeps it in its cell: csv-stringify 6.9 quotes a lone CR only when told to once
 * record_delimiter is set.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return stringify([header.map(neutraliseCell), ...rows.map((row) => row.map(neutraliseCell))], { record_delimiter: '\n', quoted_match: /[\r\n]/ });
}
