import type { RegisterRow } from './risk-register.js';
import { printable } from './terminal.js';

/** The columns a person reads on a terminal, and the widest each may grow (characters). */
const COLUMNS: readonly { title: string; width: number; cell: (row: RegisterRow) => string }[] = [
  { title: 'Risk ID', width: 10, cell: (r) => r.riskId },
  { title: 'Severity', width: 8, cell: (r) => r.severity },
  { title: 'Status', width: 12, cell: (r) => r.status },
  { title: 'Affected', width: 40, cell: (r) => affected(r.affectedResources) },
  { title: 'First Detected', width: 14, cell: (r) => r.firstDetected },
  { title: 'Last Seen', width: 10, cell: (r) => r.lastSeen },
  { title: 'Closed On', width: 10, cell: (r) => r.closedOn },
  { title: 'Owner', width: 24, cell: (r) => r.owner },
  { title: 'Notes', width: 40, cell: (r) => r.notes },
];

/** "alice; bob; carol" → "3: alice; bob; carol": the count first, so truncation never hides how many. */
function affected(resources: string): string {
  const names = resources.split('; ').filter(Boolean);
  // The register's own wording for a control it could not evaluate is not a list of names.
  if (names.length <= 1) return resources;
  return `${names.length}: ${names.join('; ')}`;
}

/** Cut to `width` characters, the last one an ellipsis when anything was cut. */
function fit(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, width - 1).join('')}…`;
}

/**
 * The living register as an aligned text table for a terminal: Risk ID, Severity, Status,
 * Affected (count and names, truncated), First Detected, Last Seen, Closed On, Owner and Notes
 * (truncated), one row per risk. Cells are made printable (a name or note with a control
 * character cannot move the cursor) and each cut to its column's width with "…"; the full
 * text is in the CSV (`--csv`) and JSON (`--json`) forms.
 */
export function registerTable(rows: readonly RegisterRow[]): string {
  const cells = rows.map((row) => COLUMNS.map((column) => fit(printable(column.cell(row)).replace(/\s+/g, ' ').trim(), column.width)));
  const widths = COLUMNS.map((column, i) => Math.max([...column.title].length, ...cells.map((row) => [...row[i]!].length)));
  const line = (values: readonly string[]) => values.map((value, i) => value + ' '.repeat(widths[i]! - [...value].length)).join('  ').trimEnd();
  const body = rows.length === 0 ? ['(no risks recorded yet)'] : cells.map(line);
  return `${[line(COLUMNS.map((c) => c.title)), line(widths.map((w) => '-'.repeat(w))), ...body].join('\n')}\n`;
}
