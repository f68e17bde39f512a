import type { Finding, Status } from '../checks/check.js';
import { csvChunks } from './csv.js';
import { resolveSharedEvidence, sharedEvidenceTable, withSharedReferences, type SharedEvidence } from './shared-evidence.js';
import type { RunInfo } from './run-info.js';

export const FINDINGS_SCHEMA_VERSION = 1;

/**
 * The status machine-readable outputs carry: a failure an exception accepted is still a FAIL
 * there, marked by its `suppressed` object; the terminal, register and matrix say SUPPRESSED.
 */
export function underlyingStatus(f: Finding): Exclude<Status, 'SUPPRESSED'> {
  return f.status === 'SUPPRESSED' ? 'FAIL' : f.status;
}

/**
 * findings.json: `{ schemaVersion, run, sharedEvidence?, findings }`, each finding with the
 * underlying status (FAIL for an accepted failure) and, when an exception accepted it,
 * `suppressed` beside the status ({ justification, approver, expires, exceptionLine,
 * exceptionId, exceptionResource }). An evidence value that is large and repeated is stored
 * once in `sharedEvidence` and referred to as `{ "$ref": "#/sharedEvidence/<id>" }`
 * (src/report/shared-evidence.ts; docs/DESIGN.md). archive.ts runFindings reads it back, an
 * accepted failure as SUPPRESSED and every reference resolved.
 */
export function findingsJson(run: RunInfo, findings: readonly Finding[]): string {
  return [...findingsJsonChunks(run, findings)].join('');
}

/**
 * findingsJson's text in chunks, a finding at a time: the chunks joined are the text of
 * findingsJson, and no string holds the whole. The run is laid out as JSON.stringify's two-space
 * layout; each finding and each shared evidence value is one line of compact JSON (a third of the
 * size of the indented layout at 10,000 principals, and still one finding per line for grep and
 * diff).
 */
export function* findingsJsonChunks(run: RunInfo | object, findings: readonly Finding[]): Generator<string> {
  const shared = sharedEvidenceTable(findings.map((f) => f.evidence));
  yield `{\n  "schemaVersion": ${FINDINGS_SCHEMA_VERSION},\n  "run": ${indented(run, 2)}`;
  if (shared.values.size > 0) {
    yield ',\n  "sharedEvidence": {';
    let first = true;
    for (const [id, value] of shared.values) {
      yield `${first ? '' : ','}\n    ${JSON.stringify(id)}: ${JSON.stringify(value)}`;
      first = false;
    }
    yield '\n  }';
  }
  if (findings.length === 0) {
    yield ',\n  "findings": []\n}\n';
    return;
  }
  yield ',\n  "findings": [';
  for (let i = 0; i < findings.length; i += 1) yield `${i === 0 ? '' : ','}\n    ${JSON.stringify(findingRecord(findings[i]!, shared))}`;
  yield '\n  ]\n}\n';
}

/** A finding as findings.json records it (the public shape of docs/DESIGN.md), its shared evidence referred to. */
function findingRecord(f: Finding, shared: SharedEvidence): Record<string, unknown> {
  return {
    controlId: f.controlId,
    riskId: f.riskId,
    title: f.title,
    status: underlyingStatus(f),
    // Always present on an accepted failure, even one built without the details, so it reads back as accepted.
    ...(f.status === 'SUPPRESSED' ? { suppressed: f.suppressed ?? {} } : {}),
    severity: f.severity,
    resourceType: f.resourceType,
    resourceArn: f.resourceArn,
    resourceName: f.resourceName,
    message: f.message,
    hipaa: f.hipaa,
    evidence: withSharedReferences(f.evidence, shared),
    // Organization runs only (additive): the member account and its OU path.
    ...(f.account ? { account: f.account } : {}),
  };
}

/** JSON.stringify(value, null, 2) as it reads nested `depth` spaces deep (JSON text holds no raw line break but its layout's). */
function indented(value: unknown, depth: number): string {
  const text = JSON.stringify(value, null, 2);
  return depth === 0 ? text : text.replace(/\n/g, `\n${' '.repeat(depth)}`);
}

/**
 * The findings of a findings.json document as written, every shared-evidence reference resolved
 * (documents from before the table have none); null when it has no findings list.
 */
export function documentFindings(document: unknown): Record<string, unknown>[] | null {
  if (typeof document !== 'object' || document === null) return null;
  const { findings, sharedEvidence } = document as { findings?: unknown; sharedEvidence?: unknown };
  if (!Array.isArray(findings)) return null;
  return findings.map((f: unknown) => {
    if (typeof f !== 'object' || f === null) return f as Record<string, unknown>;
    const record = f as Record<string, unknown>;
    return 'evidence' in record ? { ...record, evidence: resolveSharedEvidence(record.evidence, sharedEvidence) } : record;
  });
}

const FINDINGS_CSV_HEADER = ['Control ID', 'Risk ID', 'Title', 'Status', 'Severity', 'Resource Type', 'Resource ARN', 'Resource Name', 'Message', 'HIPAA', 'Suppressed', 'Justification', 'Approver', 'Expires'];

/** The columns an organization run adds after the others (additive: the columns above keep their places). */
const ACCOUNT_CSV_HEADER = ['Account ID', 'Account Name', 'OU Path'];

/**
 * findings.csv: a row per finding, the underlying status, and the accepting exception in the
 * columns after HIPAA; with `accounts` (an organization run), the finding's account id, name and
 * OU path in three more columns at the end.
 */
export function findingsCsv(findings: readonly Finding[], options: { accounts?: boolean } = {}): string {
  return [...findingsCsvChunks(findings, options)].join('');
}

/** findingsCsv's text in chunks of rows. */
export function findingsCsvChunks(findings: Iterable<Finding>, options: { accounts?: boolean } = {}): Generator<string> {
  return csvChunks(options.accounts ? [...FINDINGS_CSV_HEADER, ...ACCOUNT_CSV_HEADER] : FINDINGS_CSV_HEADER, findingsCsvRows(findings, options.accounts === true));
}

function* findingsCsvRows(findings: Iterable<Finding>, accounts: boolean): Generator<unknown[]> {
  for (const f of findings) {
    const row = [
      f.controlId,
      f.riskId,
      f.title,
      underlyingStatus(f),
      f.severity,
      f.resourceType,
      f.resourceArn,
      f.resourceName,
      f.message,
      f.hipaa.join('; '),
      f.status === 'SUPPRESSED' ? 'yes' : 'no',
      f.suppressed?.justification ?? '',
      f.suppressed?.approver ?? '',
      f.suppressed?.expires ?? '',
    ];
    yield accounts ? [...row, f.account?.id ?? '', f.account?.name ?? '', f.account?.ouPath ?? ''] : row;
  }
}

export function runJson(run: RunInfo): string {
  return `${JSON.stringify(run, null, 2)}\n`;
}
