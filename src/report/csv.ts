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
export function toCsv(header: readonly string[], rows: Iterable<readonly unknown[]>): string {
  return [...csvChunks(header, rows)].join('');
}

/** Records rendered per chunk by csvChunks. */
const CSV_BATCH = 500;

/**
 * toCsv's text in chunks of a few hundred records, rows read as they are needed (the rows may be
 * a generator), so a large CSV is never one string; the chunks joined are toCsv's text.
 */
export function* csvChunks(header: readonly string[], rows: Iterable<readonly unknown[]>): Generator<string> {
  let batch: string[][] = [header.map(neutraliseCell)];
  for (const row of rows) {
    batch.push(row.map(neutraliseCell));
    if (batch.length >= CSV_BATCH) {
      yield csvText(batch);
      batch = [];
    }
  }
  if (batch.length > 0) yield csvText(batch);
}

function csvText(records: string[][]): string {
  return stringify(records, { record_delimiter: '\n', quoted_match: /[\r\n]/ });
}
