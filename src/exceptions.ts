import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { CheckMeta, Finding, Suppression } from './checks/check.js';
import { InputError, errorMessage } from './errors.js';
import { globMatches } from './policy/wildcard.js';

/** An accepted risk: a control's failures on matching resources, justified, approved, until a date. */
export interface RiskException {
  /** The control id (`user-console-mfa`) or risk id (`IAM-001`) as written in the file. */
  id: string;
  /** The controls it covers: the one named, or every control of the risk id named (CONTROLS.md). */
  controlIds: readonly string[];
  /** Matched against the resource ARN or name; `*` and `?` are wildcards. */
  resource: string;
  justification: string;
  approver: string;
  /** Last day the exception applies (YYYY-MM-DD, inclusive). */
  expires: string;
  /** Line of the file (the header is line 1). */
  line: number;
}

/** An exceptions file as read: where it came from and its rows, in file order. */
export interface ExceptionsFile {
  path: string;
  exceptions: RiskException[];
}

const HEADER = ['control_id', 'resource', 'justification', 'approver', 'expires'] as const;
/** What people call the first column: it takes a control id or a risk id whatever its name. */
const FIRST_COLUMN_NAMES = ['control_id', 'risk_id', 'control'];

/**
 * Reads an exceptions CSV (columns control_id, resource, justification, approver, expires; the
 * first may be headed risk_id or control). The first column names a control id or a risk id
 * of `controls` (case-insensitively); a risk id covers every control of that risk. Any error
 * rejects the whole file with an InputError naming the line and the reason: a half-read file
 * would silently un-suppress or over-suppress.
 */
export function loadExceptions(path: string, controls: readonly Pick<CheckMeta, 'controlId' | 'riskId'>[]): ExceptionsFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read exceptions file ${path}: ${errorMessage(error)}`);
  }
  let records: { record: string[]; line: number }[];
  try {
    records = startLines(text, parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: true, info: true }) as unknown as ParsedRecord[]);
  } catch (error) {
    throw new InputError(`exceptions file ${path}: not a readable CSV: ${errorMessage(error)}`);
  }
  const header = records[0]?.record;
  const rows = records.slice(1);
  const headed = (cell: string | undefined, i: number) => (i === 0 ? FIRST_COLUMN_NAMES.includes(cell?.toLowerCase() ?? '') : cell?.toLowerCase() === HEADER[i]);
  if (!header || !HEADER.every((_column, i) => headed(header[i], i))) {
    throw new InputError(`exceptions file ${path} line 1: the header must be ${HEADER.join(',')} (the first column may also be headed risk_id or control)`);
  }
  const covered = controlsById(controls);
  const exceptions = rows.map(({ record: cells, line }) => {
    const fail = (reason: string) => new InputError(`exceptions file ${path} line ${line}: ${reason}`);
    if (cells.length !== HEADER.length) throw fail(`expected ${HEADER.length} columns, found ${cells.length}`);
    const [id, resource, justification, approver, expires] = cells as [string, string, string, string, string];
    const controlIds = covered.get(id.toLowerCase());
    if (!controlIds) throw fail(`unknown control id "${id}" (name a control id such as user-console-mfa or a risk id such as IAM-001, as docs/CONTROLS.md lists them)`);
    if (!resource) throw fail('resource pattern is empty (use * for every resource)');
    if (!justification) throw fail('justification is empty');
    if (!approver) throw fail('approver is empty');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(expires) || Number.isNaN(Date.parse(`${expires}T00:00:00Z`))) throw fail(`expiry "${expires}" is not a date (YYYY-MM-DD)`);
    return { id, controlIds, resource, justification, approver, expires, line };
  });
  return { path, exceptions };
}

/** Control id and risk id, lower-cased, to the control ids they cover. */
function controlsById(controls: readonly Pick<CheckMeta, 'controlId' | 'riskId'>[]): Map<string, string[]> {
  const byId = new Map<string, string[]>();
  for (const { controlId, riskId } of controls) {
    byId.set(controlId.toLowerCase(), [controlId]);
    byId.set(riskId.toLowerCase(), [...(byId.get(riskId.toLowerCase()) ?? []), controlId]);
  }
  return byId;
}

interface ParsedRecord {
  record: string[];
  /** The line the record ends on (csv-parse's info.lines). */
  info: { lines: number };
}

/**
 * Each record with the line it starts on, which the line a reason names: blank lines are
 * skipped and a quoted cell may span lines, so a record's index is not its line.
 */
function startLines(text: string, parsed: readonly ParsedRecord[]): { record: string[]; line: number }[] {
  const lines = text.split(/\r\n|\n|\r/);
  return parsed.map(({ record }, i) => {
    let line = i === 0 ? 1 : parsed[i - 1]!.info.lines + 1;
    while (line < lines.length && (lines[line - 1] ?? '').trim() === '') line += 1;
    return { record, line };
  });
}

function covers(exception: RiskException, finding: Finding): boolean {
  return exception.controlIds.includes(finding.controlId) && (globMatches(exception.resource, finding.resourceArn) || globMatches(exception.resource, finding.resourceName));
}

/**
 * FAIL findings covered by an unexpired exception (`today` YYYY-MM-DD, the run's UTC date)
 * become SUPPRESSED with the exception in `suppressed` and the justification in the message;
 * the first such exception in file order applies. An expired one no longer applies and the
 * finding (still FAIL) says so, with the exception in evidence.expiredException.
 */
export function applyExceptions(findings: readonly Finding[], exceptions: readonly RiskException[], today: string): Finding[] {
  return findings.map((finding) => {
    if (finding.status !== 'FAIL') return finding;
    const matching = exceptions.filter((e) => covers(e, finding));
    const live = matching.find((e) => e.expires >= today);
    if (live) {
      const suppressed: Suppression = {
        justification: live.justification,
        approver: live.approver,
        expires: live.expires,
        exceptionLine: live.line,
        exceptionId: live.id,
        exceptionResource: live.resource,
      };
      return {
        ...finding,
        status: 'SUPPRESSED' as const,
        message: `${finding.message} — accepted: ${live.justification} (approved by ${live.approver}, until ${live.expires})`,
        suppressed,
      };
    }
    const expired = matching.sort((a, b) => b.expires.localeCompare(a.expires))[0];
    if (!expired) return finding;
    return {
      ...finding,
      message: `${finding.message} (the exception approved by ${expired.approver} expired on ${expired.expires})`,
      evidence: { ...finding.evidence, expiredException: { justification: expired.justification, approver: expired.approver, expires: expired.expires, line: expired.line } },
    };
  });
}

/** An exception as run.json names it. */
export interface ExceptionRef {
  line: number;
  id: string;
  resource: string;
  expires: string;
}

/** What an exceptions file did in a run, recorded in run.json. */
export interface ExceptionsUse {
  file: string;
  /** Rows of the file. */
  entries: number;
  /** Findings the file turned into SUPPRESSED. */
  suppressedFindings: number;
  /** Exceptions whose controls this run judged (run, no ERROR) that cover no failing finding. */
  unmatched: ExceptionRef[];
  /** Exceptions that accept failures of this run and expire within EXPIRING_SOON_DAYS of it. */
  expiringSoon: (ExceptionRef & { daysLeft: number })[];
  /** Exceptions that cover failures of this run but have expired: those findings stay FAIL. */
  expired: ExceptionRef[];
  /** Exceptions for controls this run did not judge (not run, or ERROR): neither used nor unmatched. */
  notJudged: ExceptionRef[];
}

export const EXPIRING_SOON_DAYS = 30;

/**
 * How each exception fared against the run's findings before exceptions were applied
 * (`judged`), for the controls the run ran (`controlIds`), on `today` (YYYY-MM-DD). A control
 * with an ERROR finding was not fully judged: its failures are unknown, so an exception for it
 * is not called unmatched.
 */
export function exceptionsUse(file: ExceptionsFile, judged: readonly Finding[], controlIds: readonly string[], today: string): ExceptionsUse {
  const run = new Set(controlIds);
  const unknown = new Set(judged.filter((f) => f.status === 'ERROR').map((f) => f.controlId));
  const failing = judged.filter((f) => f.status === 'FAIL');
  const applied = applyExceptions(judged, file.exceptions, today);
  const use: ExceptionsUse = {
    file: file.path,
    entries: file.exceptions.length,
    suppressedFindings: applied.filter((f) => f.status === 'SUPPRESSED').length,
    unmatched: [],
    expiringSoon: [],
    expired: [],
    notJudged: [],
  };
  for (const e of file.exceptions) {
    const ref: ExceptionRef = { line: e.line, id: e.id, resource: e.resource, expires: e.expires };
    const matched = failing.some((f) => covers(e, f));
    const ran = e.controlIds.filter((c) => run.has(c));
    if (matched && e.expires < today) use.expired.push(ref);
    else if (matched) {
      const daysLeft = daysBetween(today, e.expires);
      if (daysLeft <= EXPIRING_SOON_DAYS) use.expiringSoon.push({ ...ref, daysLeft });
    } else if (ran.length === 0 || ran.some((c) => unknown.has(c))) use.notJudged.push(ref);
    else use.unmatched.push(ref);
  }
  return use;
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** One stderr line per exception that matched nothing or expires soon (see exceptionsUse). */
export function exceptionsWarnings(use: ExceptionsUse): string[] {
  const name = (e: ExceptionRef) => `exceptions file ${use.file} line ${e.line} (${e.id}, ${e.resource})`;
  return [
    ...use.unmatched.map((e) => `${name(e)} matched no failing finding of the controls this run judged: remove it if the risk is gone, or correct its id or resource pattern`),
    ...use.expiringSoon.map((e) => `${name(e)} expires on ${e.expires}, ${e.daysLeft === 0 ? 'today' : `in ${e.daysLeft} day(s)`}: the failures it accepts will count again after that day unless it is renewed`),
  ];
}
