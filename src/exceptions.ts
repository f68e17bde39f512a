import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Finding } from './checks/check.js';
import { InputError, errorMessage } from './errors.js';
import { globMatches } from './policy/wildcard.js';

/** An accepted risk: a control's failures on matching resources, justified, approved, until a date. */
export interface RiskException {
  controlId: string;
  /** Matched against the resource ARN or name; `*` and `?` are wildcards. */
  resource: string;
  justification: string;
  approver: string;
  /** Last day the exception applies (YYYY-MM-DD, inclusive). */
  expires: string;
  line: number;
}

const HEADER = ['control_id', 'resource', 'justification', 'approver', 'expires'] as const;

/**
 * Reads an exceptions CSV (columns control_id, resource, justification, approver, expires).
 * Any error rejects the whole file, naming the line and the reason: a half-read file would
 * silently un-suppress or over-suppress.
 */
export function loadExceptions(path: string, knownControls: ReadonlySet<string>): RiskException[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read exceptions file ${path}: ${errorMessage(error)}`);
  }
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: true }) as string[][];
  } catch (error) {
    throw new InputError(`exceptions file ${path}: not a readable CSV: ${errorMessage(error)}`);
  }
  const [header, ...rows] = records;
  if (!header || HEADER.some((column, i) => header[i]?.toLowerCase() !== column)) {
    throw new InputError(`exceptions file ${path} line 1: the header must be ${HEADER.join(',')}`);
  }
  return rows.map((cells, i) => {
    const line = i + 2;
    const fail = (reason: string) => new InputError(`exceptions file ${path} line ${line}: ${reason}`);
    if (cells.length !== HEADER.length) throw fail(`expected ${HEADER.length} columns, found ${cells.length}`);
    const [controlId, resource, justification, approver, expires] = cells as [string, string, string, string, string];
    if (!knownControls.has(controlId)) throw fail(`unknown control id "${controlId}"`);
    if (!resource) throw fail('resource pattern is empty (use * for every resource)');
    if (!justification) throw fail('justification is empty');
    if (!approver) throw fail('approver is empty');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(expires) || Number.isNaN(Date.parse(`${expires}T00:00:00Z`))) throw fail(`expiry "${expires}" is not a date (YYYY-MM-DD)`);
    return { controlId, resource, justification, approver, expires, line };
  });
}

/**
 * FAIL findings covered by an unexpired exception become SUPPRESSED, with the justification
 * in the message and evidence; an expired one no longer applies and the finding says so.
 */
export function applyExceptions(findings: readonly Finding[], exceptions: readonly RiskException[], today: string): Finding[] {
  return findings.map((finding) => {
    if (finding.status !== 'FAIL') return finding;
    const matching = exceptions.filter(
      (e) => e.controlId === finding.controlId && (globMatches(e.resource, finding.resourceArn) || globMatches(e.resource, finding.resourceName)),
    );
    const live = matching.find((e) => e.expires >= today);
    if (live) {
      return {
        ...finding,
        status: 'SUPPRESSED' as const,
        message: `${finding.message} — accepted: ${live.justification} (approved by ${live.approver}, until ${live.expires})`,
        evidence: { ...finding.evidence, exception: { justification: live.justification, approver: live.approver, expires: live.expires, line: live.line } },
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
