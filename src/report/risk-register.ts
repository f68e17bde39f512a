import { parse } from 'csv-parse/sync';
import type { Check, Finding } from '../checks/check.js';
import { toCsv } from './csv.js';
import type { RiskRegisterRow } from './evidence-types.js';

export const REGISTER_COLUMNS = ['Risk ID', 'Risk Description', 'HIPAA Standard', 'Severity', 'Affected Resources', 'Mitigation', 'Status', 'First Detected', 'Last Seen', 'Closed On', 'Owner', 'Notes'] as const;
const FIELDS: (keyof RiskRegisterRow)[] = ['riskId', 'description', 'hipaaStandard', 'severity', 'affectedResources', 'mitigation', 'status', 'firstDetected', 'lastSeen', 'closedOn', 'owner', 'notes'];

/** A register row plus any columns people added in their spreadsheet, kept as they are. */
export type RegisterRow = RiskRegisterRow & { extra: Record<string, string> };

export class RegisterFormatError extends Error {}

/** How a register file was saved; spreadsheets' "CSV" savers write any of these. */
export type RegisterEncoding = 'utf-8' | 'utf-8 with BOM' | 'utf-16le with BOM' | 'utf-16be with BOM' | 'windows-1252';

/** Bytes Windows-1252 leaves undefined: a file holding them is in some other code page. */
const UNDEFINED_IN_1252 = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);
/** A well-formed UTF-8 multi-byte character, seen byte for byte; real Windows-1252 text ("Ã©") almost never has one. */
const UTF8_SEQUENCE = /[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}/;

/**
 * The text of a register file, every character kept: UTF-8 (with or without a byte-order mark,
 * as Excel's "CSV UTF-8" writes it), UTF-16 with a BOM (Excel's "Unicode text"), or, when the
 * bytes are not UTF-8, Windows-1252 (Excel's and LibreOffice's plain "CSV" on Western
 * systems). Throws RegisterFormatError for anything it cannot decode with certainty (bytes
 * Windows-1252 does not define, UTF-8 mixed with another encoding, a BOM whose content does
 * not follow it, NUL bytes from UTF-16 saved without a BOM) rather than guessing and altering
 * a person's words.
 */
export function decodeRegister(bytes: Uint8Array): { text: string; encoding: RegisterEncoding } {
  const strict = (label: string, from: number) => new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes.subarray(from));
  let decoded: { text: string; encoding: RegisterEncoding };
  try {
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) decoded = { text: strict('utf-8', 3), encoding: 'utf-8 with BOM' };
    else if (bytes[0] === 0xff && bytes[1] === 0xfe) decoded = { text: strict('utf-16le', 2), encoding: 'utf-16le with BOM' };
    else if (bytes[0] === 0xfe && bytes[1] === 0xff) decoded = { text: strict('utf-16be', 2), encoding: 'utf-16be with BOM' };
    else decoded = { text: strict('utf-8', 0), encoding: 'utf-8' };
  } catch {
    if (bytes[0] === 0xef || bytes[0] === 0xff || bytes[0] === 0xfe) throw new RegisterFormatError('it starts with a byte-order mark but its bytes do not follow that encoding');
    const offset = bytes.findIndex((b) => UNDEFINED_IN_1252.has(b));
    if (offset >= 0) {
      throw new RegisterFormatError(`it is neither UTF-8 nor Windows-1252 (byte 0x${bytes[offset]!.toString(16)} at offset ${offset}); save it as "CSV UTF-8"`);
    }
    // UTF-8 characters inside a file that is not UTF-8 as a whole: two encodings mixed (a UTF-8
    // register with a line typed in a legacy code page); reading either way would alter the other.
    if (UTF8_SEQUENCE.test(Buffer.from(bytes).toString('latin1'))) {
      throw new RegisterFormatError('it mixes UTF-8 with another encoding; save it as "CSV UTF-8"');
    }
    decoded = { text: decodeWindows1252(bytes), encoding: 'windows-1252' };
  }
  if (decoded.text.includes('\u0000')) throw new RegisterFormatError('it holds NUL bytes (UTF-16 saved without a byte-order mark?); save it as "CSV UTF-8"');
  return decoded;
}

/**
 * Windows-1252 is Latin-1 except for 0x80-0x9F, where it has € ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž ' ' " " • – — ˜ ™ š › œ ž Ÿ.
 * Decoded by hand: Node 20's TextDecoder('windows-1252') reads those bytes as Latin-1 C1
 * controls (0x80 becomes U+0080, not €), which would silently alter a person's text.
 */
const WINDOWS_1252_HIGH = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
  0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];

function decodeWindows1252(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte >= 0x80 && byte <= 0x9f ? WINDOWS_1252_HIGH[byte - 0x80]! : byte);
  return text;
}

/**
 * The bytes to write a register back in: UTF-8, with a byte-order mark when the person's file
 * had one or was in a legacy code page, so the spreadsheet that saved it reads it as UTF-8
 * (Excel takes a CSV without a BOM for the local code page) and no character is lost.
 */
export function encodeRegister(text: string, readAs: RegisterEncoding | null): Buffer {
  const bom = readAs !== null && readAs !== 'utf-8';
  return Buffer.from(bom ? `\ufeff${text}` : text, 'utf8');
}

/** Reads a register CSV as people may have edited it; rows and columns they added are kept. */
export function parseRiskRegister(text: string): RegisterRow[] {
  if (text.trim() === '') return [];
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, bom: true, relax_column_count: true }) as Record<string, string>[];
  } catch (error) {
    throw new RegisterFormatError(`not a readable CSV: ${(error as Error).message}`);
  }
  const header = Object.keys(records[0] ?? {});
  if (records.length > 0 && !header.includes('Risk ID')) throw new RegisterFormatError('no "Risk ID" column');
  return records.map((record) => {
    const row = Object.fromEntries(FIELDS.map((field, i) => [field, record[REGISTER_COLUMNS[i]!] ?? ''])) as unknown as RiskRegisterRow;
    const extra = Object.fromEntries(Object.entries(record).filter(([key]) => !(REGISTER_COLUMNS as readonly string[]).includes(key)));
    return { ...row, extra };
  });
}

export function riskRegisterCsv(rows: readonly RegisterRow[]): string {
  const extraColumns = [...new Set(rows.flatMap((r) => Object.keys(r.extra)))];
  return toCsv([...REGISTER_COLUMNS, ...extraColumns], rows.map((r) => [...FIELDS.map((f) => r[f]), ...extraColumns.map((c) => r.extra[c] ?? '')]));
}

/** The status of a risk whose control has judged the account and never found it failing. */
export const NOT_DETECTED = 'Not detected';

/**
 * Whether a register row's risk was ever found: it has a First Detected date, or a status that
 * says so. Older versions wrote a never-found risk as Closed with no dates; that row reads as
 * never detected.
 */
function wasDetected(row: RegisterRow): boolean {
  if (row.firstDetected !== '' || row.closedOn !== '') return true;
  return row.status !== 'Closed' && row.status !== NOT_DETECTED && row.status !== '';
}

/**
 * The register after a run: a row per risk id of the controls run. Open while any finding
 * fails; Accepted when every failure is covered by an unexpired exception; Closed (dated) when
 * failures stop, and Open again if they return; Not detected while its control has never found
 * it (never Closed: nothing was closed). A control that could not be evaluated leaves
 * its row as it was (a new one opens: unknown is not safe). Owner, Notes, extra columns and
 * rows people added are never touched.
 */
export function nextRiskRegister(previous: readonly RegisterRow[], checks: readonly Check[], findings: readonly Finding[], runDate: string): RegisterRow[] {
  const byRisk = new Map(previous.map((r) => [r.riskId, r]));
  const judged = new Map<string, RegisterRow>();
  for (const check of checks) {
    const mine = findings.filter((f) => f.controlId === check.meta.controlId);
    const failing = mine.filter((f) => f.status === 'FAIL');
    const accepted = mine.filter((f) => f.status === 'SUPPRESSED');
    const unknown = mine.some((f) => f.status === 'ERROR');
    const before = byRisk.get(check.meta.riskId);
    const base: RegisterRow = before ?? {
      riskId: check.meta.riskId,
      description: '',
      hipaaStandard: '',
      severity: '',
      affectedResources: '',
      mitigation: '',
      status: '',
      firstDetected: '',
      lastSeen: '',
      closedOn: '',
      owner: '',
      notes: '',
      extra: {},
    };
    const row: RegisterRow = {
      ...base,
      description: `${check.meta.title}: ${check.meta.description}`,
      hipaaStandard: check.meta.hipaa.map((c) => `§${c}`).join('; '),
      severity: check.meta.severity,
      mitigation: check.meta.remediation,
    };
    if (failing.length > 0 || accepted.length > 0) {
      row.status = failing.length > 0 ? 'Open' : 'Accepted';
      row.affectedResources = [...failing.map((f) => f.resourceName), ...accepted.map((f) => `${f.resourceName} (accepted)`)].join('; ');
      if (!row.firstDetected) row.firstDetected = runDate;
      row.lastSeen = runDate;
      row.closedOn = '';
    } else if (unknown) {
      if (!before) {
        row.status = 'Open';
        row.affectedResources = 'could not be evaluated (see findings ERROR)';
      }
    } else if (before && wasDetected(before) && before.status !== 'Closed') {
      row.status = 'Closed';
      row.closedOn = runDate;
      row.affectedResources = '';
    } else if (!before || !wasDetected(before)) {
      // Closed would claim a risk that was found and then fixed; this one was never found.
      row.status = NOT_DETECTED;
      row.affectedResources = '';
      row.closedOn = '';
    }
    judged.set(check.meta.riskId, row);
  }
  // Previous rows keep their place (people's order); new risks follow in control order.
  const next = previous.map((r) => judged.get(r.riskId) ?? r);
  for (const [riskId, row] of judged) if (!byRisk.has(riskId)) next.push(row);
  return next;
}
