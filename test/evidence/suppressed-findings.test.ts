import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.js';
import type { Finding } from '../../src/checks/check.js';
import { runChecks } from '../../src/checks/engine.js';
import { ALL_CHECKS, checksForGroup } from '../../src/checks/registry.js';
import { applyExceptions, loadExceptions } from '../../src/exceptions.js';
import { runFindings } from '../../src/report/archive.js';
import { changesCsv } from '../../src/report/changes.js';
import { findingsCsv, findingsJson } from '../../src/report/findings.js';
import { asffFindings, ocsfDetectionFindings } from '../../src/report/machine-formats.js';
import { showRiskRegister } from '../../src/report/register-command.js';
import type { RunInfo } from '../../src/report/run-info.js';
import { colourFor } from '../../src/report/terminal.js';
import { DEFAULT_SETTINGS } from '../../src/settings.js';
import { DEMO_SNAPSHOT_PATH, loadSnapshot } from '../../src/snapshot/load.js';
import { tempDir } from '../support/cli.js';

const FIXTURE = new URL('../fixtures/exceptions-old-run/', import.meta.url).pathname;
const ACCOUNT = '111122223333';
const OLD_RUN = join(FIXTURE, ACCOUNT, '2026-11-29T20-11-14Z');
const EXCEPTIONS = loadExceptions(join(FIXTURE, 'exceptions.csv'), ALL_CHECKS.map((c) => c.meta));
const MFA_AUDIT = checksForGroup('mfa-audit');
const snapshot = loadSnapshot(DEMO_SNAPSHOT_PATH);
const judged = runChecks(MFA_AUDIT, snapshot, DEFAULT_SETTINGS, new Date(snapshot.collectedAt), { reviews: [] });
const findings = applyExceptions(judged, EXCEPTIONS.exceptions, '2026-12-01');
const accepted = findings.filter((f) => f.status === 'SUPPRESSED');
const run: RunInfo = {
  tool: { name: 'hipaa-iam', version: 'test' },
  command: 'mfa-audit',
  scope: 'partial',
  accountId: ACCOUNT,
  caller: null,
  source: snapshot.origin,
  snapshotCollectedAt: snapshot.collectedAt,
  startedAt: '2026-12-01T06:00:00.000Z',
  finishedAt: '2026-12-01T06:00:01.000Z',
  controls: MFA_AUDIT.map((c) => c.meta.controlId),
  statusCounts: {},
  collection: snapshot.collection,
  sourceErrors: [],
};
const SUPPRESSION = { justification: 'Console users move to Identity Center in Q1', approver: 'Dr. Priya Shah (CISO)', expires: '2099-03-31', exceptionLine: 2 };
const statusOf = (list: readonly Finding[]) => Object.fromEntries(list.map((f) => [`${f.controlId} ${f.resourceName}`, f.status]));
const csvRows = (text: string) => parse(text, { columns: true }) as Record<string, string>[];

/** A run folder holding only `findings.json` in the current form. */
function newFormRun(): string {
  const dir = tempDir('suppressed-new');
  writeFileSync(join(dir, 'findings.json'), findingsJson(run, findings));
  return dir;
}

it('the demo mfa-audit has user-console-mfa failures for the fixture exception to accept', () => {
  expect(accepted.map((f) => f.resourceName).sort()).toEqual(['dave.billing', 'dr.alice.nguyen']);
});

describe('findings.json and findings.csv keep the underlying status of an accepted failure', () => {
  const document = JSON.parse(findingsJson(run, findings)) as { findings: Record<string, unknown>[] };

  it('writes FAIL with the suppressed object beside it, and no SUPPRESSED status', () => {
    const dave = document.findings.find((f) => f.controlId === 'user-console-mfa' && f.resourceName === 'dave.billing');
    expect(dave).toMatchObject({ status: 'FAIL', suppressed: { ...SUPPRESSION, exceptionId: 'user-console-mfa', exceptionResource: '*' } });
    expect(Object.keys(dave!).slice(0, 6)).toEqual(['controlId', 'riskId', 'title', 'status', 'suppressed', 'severity']);
    expect(document.findings.filter((f) => f.status === 'SUPPRESSED')).toEqual([]);
  });

  it('gives suppressed only to accepted failures', () => {
    expect(document.findings.filter((f) => 'suppressed' in f).map((f) => f.resourceName).sort()).toEqual(['dave.billing', 'dr.alice.nguyen']);
    expect(document.findings.filter((f) => f.status === 'FAIL' && !('suppressed' in f)).length).toBe(findings.filter((f) => f.status === 'FAIL').length);
  });

  it('keeps the CSV columns in their order and adds Suppressed, Justification, Approver, Expires at the end', () => {
    const text = findingsCsv(findings);
    expect(text.split('\n')[0]).toBe('Control ID,Risk ID,Title,Status,Severity,Resource Type,Resource ARN,Resource Name,Message,HIPAA,Suppressed,Justification,Approver,Expires');
    const rows = csvRows(text);
    expect(rows.find((r) => r['Resource Name'] === 'dave.billing' && r['Control ID'] === 'user-console-mfa')).toMatchObject({
      Status: 'FAIL',
      Suppressed: 'yes',
      Justification: SUPPRESSION.justification,
      Approver: SUPPRESSION.approver,
      Expires: '2099-03-31',
    });
    expect(rows.find((r) => r['Control ID'] === 'root-hardware-mfa')).toMatchObject({ Status: 'FAIL', Suppressed: 'no', Justification: '', Approver: '', Expires: '' });
    expect(rows.map((r) => r.Status)).not.toContain('SUPPRESSED');
  });
});

describe('OCSF and ASFF agree with findings.json', () => {
  it('OCSF: status Suppressed, hipaa_iam_status FAIL, the exception in unmapped', () => {
    const events = JSON.parse(ocsfDetectionFindings(run, findings)) as { status: string; status_id: number; resources: { name: string }[]; unmapped: Record<string, unknown> }[];
    const dave = events.find((e) => e.resources[0]?.name === 'dave.billing' && e.status === 'Suppressed');
    expect(dave).toMatchObject({ status_id: 3, unmapped: { hipaa_iam_status: 'FAIL', suppressed: { approver: SUPPRESSION.approver, expires: '2099-03-31' } } });
    expect(events.filter((e) => e.unmapped.hipaa_iam_status === 'SUPPRESSED')).toEqual([]);
  });

  it('ASFF: workflow SUPPRESSED, compliance FAILED, status FAIL and the exception in ProductFields', () => {
    const items = JSON.parse(asffFindings(run, findings, 'us-east-1')) as { Workflow: { Status: string }; Compliance: { Status: string }; ProductFields: Record<string, string>; Resources: { Id: string }[] }[];
    const dave = items.find((i) => i.Workflow.Status === 'SUPPRESSED' && i.Resources[0]?.Id.endsWith('user/dave.billing'));
    expect(dave).toMatchObject({
      Compliance: { Status: 'FAILED' },
      ProductFields: { 'hipaa-iam/Status': 'FAIL', 'hipaa-iam/Suppressed': 'true', 'hipaa-iam/Justification': SUPPRESSION.justification, 'hipaa-iam/Approver': SUPPRESSION.approver, 'hipaa-iam/Expires': '2099-03-31' },
    });
    const plain = items.find((i) => i.Workflow.Status === 'NEW');
    expect(plain?.ProductFields['hipaa-iam/Suppressed']).toBeUndefined();
  });
});

describe('reading archived runs back: FAIL + suppressed and the older SUPPRESSED are the same thing', () => {
  it('reads the current form back exactly as the run judged it', () => {
    expect(runFindings(newFormRun())).toEqual(findings);
  });

  it('reads an older run (status SUPPRESSED, exception in evidence) as SUPPRESSED with its suppressed details', () => {
    const old = runFindings(OLD_RUN)!;
    expect(statusOf(old)).toEqual(statusOf(findings));
    expect(old.find((f) => f.resourceName === 'dave.billing' && f.controlId === 'user-console-mfa')?.suppressed).toEqual(SUPPRESSION);
  });

  it('changes.csv is the same from either form, with no accepted failure "resolved" or "new"', () => {
    const fromNew = changesCsv(runFindings(newFormRun()), findings);
    expect(changesCsv(runFindings(OLD_RUN), findings)).toBe(fromNew);
    expect(csvRows(fromNew).map((r) => `${r.Change} ${r['Control ID']} ${r['Resource Name']}`).sort()).toEqual([
      'still open mfa-enforcement dr.alice.nguyen',
      'still open mfa-enforcement erin.lab',
      'still open root-hardware-mfa root',
    ]);
  });

  it('the register rebuilt from json-only runs shows the risk Accepted, from an old run and from a new one', () => {
    const fromOld = tempDir('suppressed-old-out');
    cpSync(join(FIXTURE, ACCOUNT), join(fromOld, ACCOUNT), { recursive: true });
    const fromNew = tempDir('suppressed-new-out');
    const written = audit({ command: 'mfa-audit', checks: MFA_AUDIT, snapshot, startedAt: new Date(run.startedAt), outDir: fromNew, failOn: 'low', exceptions: EXCEPTIONS, formats: ['json'], colour: colourFor({ isTTY: false }) });
    expect(readFileSync(join(written.runDir, 'findings.json'), 'utf8')).toContain('"suppressed"');
    rmSync(join(fromNew, ACCOUNT, 'risk-register.csv'));
    for (const out of [fromOld, fromNew]) {
      const register = csvRows(showRiskRegister(out, ACCOUNT));
      expect(register.find((r) => r['Risk ID'] === 'IAM-001'), out).toMatchObject({ Status: 'Accepted', 'Affected Resources': 'dr.alice.nguyen (accepted); dave.billing (accepted)' });
      expect(register.find((r) => r['Risk ID'] === 'IAM-006')?.Status).toBe('Open');
    }
  });
});

describe('a run with an exceptions file', () => {
  const out = tempDir('suppressed-run');
  mkdirSync(out, { recursive: true });
  const exceptionsPath = join(out, 'exceptions.csv');
  writeFileSync(
    exceptionsPath,
    [
      'risk_id,resource,justification,approver,expires',
      'IAM-001,dave.billing,Billing kiosk: hardware key on order,Dr. Priya Shah,2026-12-20',
      'IAM-001,bob.martinez,Bob had no MFA last quarter,Dr. Priya Shah,2027-06-30',
      'access-key-rotation,*,Keys rotate by hand,Dr. Priya Shah,2027-06-30',
      'user-console-mfa,dr.alice.nguyen,Alice is on leave,Dr. Priya Shah,2026-11-30',
    ].join('\n'),
  );
  const result = audit({
    command: 'mfa-audit',
    checks: MFA_AUDIT,
    snapshot,
    startedAt: new Date(run.startedAt),
    outDir: out,
    failOn: 'low',
    exceptions: loadExceptions(exceptionsPath, ALL_CHECKS.map((c) => c.meta)),
    colour: colourFor({ isTTY: false }),
  });
  const runJson = JSON.parse(readFileSync(join(result.runDir, 'run.json'), 'utf8')) as RunInfo;

  it('records in run.json what the file accepted, what matched nothing, what expires soon and what it did not judge', () => {
    expect(runJson.exceptions).toEqual({
      file: exceptionsPath,
      entries: 4,
      suppressedFindings: 1,
      unmatched: [{ line: 3, id: 'IAM-001', resource: 'bob.martinez', expires: '2027-06-30' }],
      expiringSoon: [{ line: 2, id: 'IAM-001', resource: 'dave.billing', expires: '2026-12-20', daysLeft: 19 }],
      expired: [{ line: 5, id: 'user-console-mfa', resource: 'dr.alice.nguyen', expires: '2026-11-30' }],
      notJudged: [{ line: 4, id: 'access-key-rotation', resource: '*', expires: '2027-06-30' }],
    });
  });

  it('warns once per unmatched and soon-expiring exception, and the expired one still fails saying so', () => {
    expect(result.warnings).toEqual([
      `exceptions file ${exceptionsPath} line 3 (IAM-001, bob.martinez) matched no failing finding of the controls this run judged: remove it if the risk is gone, or correct its id or resource pattern`,
      `exceptions file ${exceptionsPath} line 2 (IAM-001, dave.billing) expires on 2026-12-20, in 19 day(s): the failures it accepts will count again after that day unless it is renewed`,
    ]);
    const alice = result.findings.find((f) => f.controlId === 'user-console-mfa' && f.resourceName === 'dr.alice.nguyen');
    expect(alice).toMatchObject({ status: 'FAIL', message: expect.stringContaining('expired on 2026-11-30') });
    expect(alice?.suppressed).toBeUndefined();
  });

  it('records a file with nothing to warn about without warnings, and no record at all without --exceptions', () => {
    const quiet = join(out, 'quiet.csv');
    writeFileSync(quiet, 'control_id,resource,justification,approver,expires\nuser-console-mfa,*,All console users move to SSO,CISO,2027-06-30\n');
    const later = audit({ command: 'mfa-audit', checks: MFA_AUDIT, snapshot, startedAt: new Date('2026-12-02T06:00:00Z'), outDir: out, failOn: 'low', exceptions: loadExceptions(quiet, ALL_CHECKS.map((c) => c.meta)), colour: colourFor({ isTTY: false }) });
    expect(later.warnings).toEqual([]);
    expect(JSON.parse(readFileSync(join(later.runDir, 'run.json'), 'utf8')).exceptions).toMatchObject({ suppressedFindings: 2, unmatched: [], expiringSoon: [] });
    const none = audit({ command: 'mfa-audit', checks: MFA_AUDIT, snapshot, startedAt: new Date('2026-12-03T06:00:00Z'), outDir: out, failOn: 'low', colour: colourFor({ isTTY: false }) });
    expect(JSON.parse(readFileSync(join(none.runDir, 'run.json'), 'utf8'))).not.toHaveProperty('exceptions');
  });
});
