import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.js';
import type { Finding } from '../../src/checks/check.js';
import { runChecks } from '../../src/checks/engine.js';
import { passing } from '../../src/checks/pass-evidence.js';
import { ALL_CHECKS } from '../../src/checks/registry.js';
import { runFindings } from '../../src/report/archive.js';
import { csvChunks, toCsv } from '../../src/report/csv.js';
import { writeRunFolder } from '../../src/report/evidence-writer.js';
import { documentFindings, findingsJson, findingsJsonChunks } from '../../src/report/findings.js';
import { htmlReport } from '../../src/report/html-report.js';
import { MANIFEST_FILE } from '../../src/report/manifest.js';
import type { RunInfo } from '../../src/report/run-info.js';
import { SHARED_MIN_CHARS } from '../../src/report/shared-evidence.js';
import { verifyRunFolder } from '../../src/report/verify.js';
import { DEFAULT_SETTINGS } from '../../src/settings.js';
import { DEMO_SNAPSHOT_PATH, loadSnapshot } from '../../src/snapshot/load.js';
import { tempDir } from '../support/cli.js';

const RUN: RunInfo = {
  tool: { name: 'hipaa-iam', version: 'test' },
  command: 'audit',
  scope: 'full',
  accountId: '123456789012',
  caller: null,
  source: { kind: 'demo', description: 'test' },
  snapshotCollectedAt: '2026-11-20T12:00:00.000Z',
  startedAt: '2026-11-20T12:00:00.000Z',
  finishedAt: '2026-11-20T12:00:01.000Z',
  controls: [],
  statusCounts: {},
  collection: { startedAt: '2026-11-20T12:00:00.000Z', finishedAt: '2026-11-20T12:00:00.000Z', calls: {} },
  sourceErrors: [],
};

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

function finding(name: string, status: Finding['status'], evidence: Record<string, unknown>): Finding {
  return {
    controlId: 'admin-access', riskId: 'IAM-014', title: 'No principal has administrator access (* on *)', status, severity: 'critical',
    resourceType: 'AWS::IAM::User', resourceArn: `arn:aws:iam::123456789012:user/${name}`, resourceName: name, message: `${name} judged`, hipaa: ['164.312(a)(1)'], evidence,
  };
}

const LONG_LIST = Array.from({ length: 60 }, (_, i) => `service-${i}`);
const LONG_GRANT = { statement: 'customer-managed policy wide (statement 0)', grants: 'x'.repeat(SHARED_MIN_CHARS), resources: ['*'] };

describe('findings.json stores large repeated evidence once and refers to it', () => {
  // Three principals with the same long list (two of them the very same array object), one with a
  // different copy of the same content, a long grant in a list, a small repeated value, a large unique one.
  const shared = [...LONG_LIST];
  const findings = [
    finding('a', 'FAIL', { reachable: shared, grants: [LONG_GRANT, { small: 1 }], count: 3 }),
    finding('b', 'FAIL', { reachable: shared, grants: [{ ...LONG_GRANT }], count: 3 }),
    finding('c', 'PASS', { reachable: [...LONG_LIST], unique: 'u'.repeat(SHARED_MIN_CHARS * 2), small: ['x'] }),
    finding('d', 'PASS', { small: ['x'] }),
  ];
  const text = findingsJson(RUN, findings);
  const document = JSON.parse(text) as { sharedEvidence: Record<string, unknown>; findings: { evidence: Record<string, unknown> }[] };

  it('puts each such value in the sharedEvidence table once, before the findings, and a JSON reference in each evidence', () => {
    expect(Object.keys(document)).toEqual(['schemaVersion', 'run', 'sharedEvidence', 'findings']);
    expect(Object.values(document.sharedEvidence)).toEqual([LONG_LIST, LONG_GRANT]);
    expect(document.findings[0]!.evidence).toEqual({ reachable: { $ref: '#/sharedEvidence/e1' }, grants: [{ $ref: '#/sharedEvidence/e2' }, { small: 1 }], count: 3 });
    expect(document.findings[2]!.evidence.reachable).toEqual({ $ref: '#/sharedEvidence/e1' });
    // Small or unique values stay in place.
    expect(document.findings[2]!.evidence.unique).toBe('u'.repeat(SHARED_MIN_CHARS * 2));
    expect(document.findings[3]!.evidence).toEqual({ small: ['x'] });
    expect(text.split('"service-0"')).toHaveLength(2);
  });

  it('keeps every field of every finding, and reads back (documentFindings, runFindings) as judged', () => {
    for (const f of document.findings) expect(Object.keys(f)).toEqual(['controlId', 'riskId', 'title', 'status', 'severity', 'resourceType', 'resourceArn', 'resourceName', 'message', 'hipaa', 'evidence']);
    expect(documentFindings(document)!.map((f) => f.evidence)).toEqual(findings.map((f) => f.evidence));
    const dir = tempDir('shared-evidence');
    writeFileSync(join(dir, 'findings.json'), text);
    expect(runFindings(dir)).toEqual(findings);
  });

  it('writes a document with nothing to share as the same data JSON.stringify gave, without a table, one finding per line', () => {
    const small = [finding('d', 'PASS', { small: ['x'] }), finding('e', 'FAIL', { unique: 'u'.repeat(SHARED_MIN_CHARS) })];
    const records = small.map(({ controlId, riskId, title, status, severity, resourceType, resourceArn, resourceName, message, hipaa, evidence }) => ({ controlId, riskId, title, status, severity, resourceType, resourceArn, resourceName, message, hipaa, evidence }));
    const written = findingsJson(RUN, small);
    expect(JSON.parse(written)).toEqual({ schemaVersion: 1, run: RUN, findings: records });
    expect(Object.keys(JSON.parse(written))).toEqual(['schemaVersion', 'run', 'findings']);
    // Each finding is one line of its own, in the order judged.
    const lines = written.split('\n');
    expect(records.map((r) => lines.findIndex((line) => line.trim().replace(/,$/, '') === JSON.stringify(r)))).toEqual([lines.length - 5, lines.length - 4]);
    expect(written.endsWith('\n  ]\n}\n')).toBe(true);
    expect(findingsJson(RUN, [])).toBe(`${JSON.stringify({ schemaVersion: 1, run: RUN, findings: [] }, null, 2)}\n`);
  });

  it('comes as many chunks, one per finding at least, that join to the document', () => {
    const chunks = [...findingsJsonChunks(RUN, findings)];
    expect(chunks.length).toBeGreaterThan(findings.length);
    expect(chunks.join('')).toBe(text);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(text.length / 2);
  });
});

describe('CSV in chunks', () => {
  it('joins to the very text toCsv gives, in chunks of rows, rows read from a generator', () => {
    const rows = Array.from({ length: 1234 }, (_, i) => [`=name-${i}`, i, 'line\rbreak']);
    function* generated() {
      yield* rows;
    }
    const chunks = [...csvChunks(['A', 'B', 'C'], generated())];
    expect(chunks).toHaveLength(3);
    expect(chunks.join('')).toBe(toCsv(['A', 'B', 'C'], rows));
    expect(toCsv(['A'], [])).toBe('A\n');
  });
});

describe('writeRunFolder with chunked content', () => {
  it('writes every chunk, and hands the manifest the SHA-256 of the very bytes written', () => {
    const out = tempDir('streamed-write');
    let given: Record<string, string> = {};
    const phases: string[] = [];
    function* big() {
      for (let i = 0; i < 20_000; i += 1) yield `row ${i} é\n`;
    }
    const runDir = writeRunFolder(out, '123456789012', new Date('2026-11-23T05:01:02Z'), { 'a.csv': big(), 'b.txt': 'plain', 'c.bin': Buffer.from([0, 1, 2]) }, {
      last: (hashes) => {
        given = hashes;
        return { [MANIFEST_FILE]: JSON.stringify(hashes) };
      },
      onPhase: (phase) => phases.push(phase),
    });
    const expected = Array.from({ length: 20_000 }, (_, i) => `row ${i} é\n`).join('');
    expect(readFileSync(join(runDir, 'a.csv'), 'utf8')).toBe(expected);
    expect(given).toEqual({ 'a.csv': sha256(Buffer.from(expected, 'utf8')), 'b.txt': sha256('plain'), 'c.bin': sha256(Buffer.from([0, 1, 2])) });
    expect(JSON.parse(readFileSync(join(runDir, MANIFEST_FILE), 'utf8'))).toEqual(given);
    expect(phases).toEqual(['report:a.csv', 'report:b.txt', 'report:c.bin', 'write']);
  });

  it('leaves nothing behind when a file generator throws half way (exit 3, nothing written)', () => {
    const out = tempDir('streamed-throw');
    function* broken() {
      yield 'half';
      throw new Error('renderer broke');
    }
    expect(() => writeRunFolder(out, '123456789012', new Date(), { 'a.csv': 'fine', 'b.csv': broken() })).toThrow(/renderer broke; nothing was written/);
    expect(readdirSync(join(out, '123456789012'))).toEqual([]);
  });
});

describe('a whole audit, streamed', () => {
  const snapshot = loadSnapshot(DEMO_SNAPSHOT_PATH);
  const request = { command: 'audit', checks: ALL_CHECKS, snapshot, failOn: 'low' as const, colour: new Chalk({ level: 0 }) };

  it('reports its phases through onPhase, writes a run that verifies, and streams the very text of findings.json', () => {
    const out = tempDir('streamed-audit');
    const phases: [string, number][] = [];
    const result = audit({ ...request, outDir: out, startedAt: new Date('2026-11-20T12:00:00.000Z'), onPhase: (phase, ms) => phases.push([phase, ms]) });
    const names = phases.map(([phase]) => phase);
    expect(names[0]).toBe('checks');
    expect(names.slice(-2)).toEqual(['write', 'register']);
    const files = readdirSync(result.runDir).filter((f) => f !== MANIFEST_FILE).sort();
    expect(names.filter((n) => n.startsWith('report:')).map((n) => n.slice('report:'.length)).sort()).toEqual(files);
    expect(phases.every(([, ms]) => ms >= 0 && Number.isFinite(ms))).toBe(true);
    expect(verifyRunFolder(result.runDir).ok).toBe(true);
    expect([...result.findingsDocument()].join('')).toBe(readFileSync(join(result.runDir, 'findings.json'), 'utf8'));
    // The demo's repeated eligible-services sources are stored once.
    const document = JSON.parse(readFileSync(join(result.runDir, 'findings.json'), 'utf8')) as { sharedEvidence?: Record<string, unknown> };
    expect(Object.keys(document.sharedEvidence ?? {}).length).toBeGreaterThan(0);
    expect(runFindings(result.runDir)!.map((f) => f.evidence)).toEqual(result.findings.map((f) => f.evidence));
    expect(existsSync(join(result.runDir, 'report.html'))).toBe(true);
  });
});

describe('PASS evidence', () => {
  it('drops only the fields that state an absence, and leaves every other status whole', () => {
    const evidence = { principalType: 'user', adminStatus: 'none', grantedBy: [], limits: [], except: null, leftOut: undefined, extra: {}, allowsAllIam: false, count: 0 };
    expect(passing({ status: 'PASS', evidence }).evidence).toEqual({ principalType: 'user', adminStatus: 'none', allowsAllIam: false, count: 0 });
    expect(passing({ status: 'PASS', evidence: { actionsLeft: [], unreadable: [] } }, ['actionsLeft']).evidence).toEqual({ actionsLeft: [] });
    for (const status of ['FAIL', 'ERROR', 'NOT_APPLICABLE', 'MANUAL'] as const) expect(passing({ status, evidence }).evidence).toBe(evidence);
  });

  it('is slimmed in the demo: no PASS of the slimmed checks carries an empty field, and their FAIL evidence is as it was', () => {
    const snapshot = loadSnapshot(DEMO_SNAPSHOT_PATH);
    const findings = runChecks(ALL_CHECKS, snapshot, DEFAULT_SETTINGS, new Date(snapshot.collectedAt), { reviews: [] });
    const admin = findings.filter((f) => f.controlId === 'admin-access');
    const pass = admin.find((f) => f.status === 'PASS' && f.evidence.adminStatus === 'none')!;
    expect(pass.evidence).not.toHaveProperty('grantedBy');
    expect(pass.evidence).not.toHaveProperty('unreadablePolicies');
    expect(pass.evidence).toHaveProperty('principalType');
    const fail = admin.find((f) => f.status === 'FAIL')!;
    expect(Object.keys(fail.evidence)).toEqual(expect.arrayContaining(['adminStatus', 'grantedBy', 'limits', 'except', 'remains', 'leftOut', 'unreadablePolicies']));
  });
});

describe('report.html summarises passes', () => {
  it('names the first passes beyond the listed rows and counts the others', () => {
    const passes = Array.from({ length: 400 }, (_, i) => finding(`user-${i}`, 'PASS', {}));
    const page = htmlReport({ run: RUN, controls: [ALL_CHECKS.find((c) => c.meta.controlId === 'admin-access')!.meta], findings: passes, matrix: [], register: [], trend: [] });
    expect(page).toContain('<p class="names" data-status="PASS" data-count="350"><span class="status status-PASS">PASS</span> <strong>350 more:</strong> user-50, user-51,');
    expect(page).toContain('user-149 and 250 others (every one is in findings.json and findings.csv)</p>');
    expect(page).not.toContain('user-150');
  });
});
