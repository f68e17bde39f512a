import { describe, expect, it } from 'vitest';
import type { Finding, Status } from '../../src/checks/check.js';
import rootMfa from '../../src/checks/mfa-audit/root-mfa.js';
import userConsoleMfa from '../../src/checks/mfa-audit/user-console-mfa.js';
import { nextRiskRegister, parseRiskRegister, riskRegisterCsv, type RegisterRow } from '../../src/report/risk-register.js';

const finding = (status: Status, resourceName: string, check = userConsoleMfa): Finding => ({
  controlId: check.meta.controlId,
  riskId: check.meta.riskId,
  title: check.meta.title,
  severity: check.meta.severity,
  hipaa: check.meta.hipaa,
  status,
  resourceType: 'AWS::IAM::User',
  resourceArn: `arn:aws:iam::123456789012:user/${resourceName}`,
  resourceName,
  message: `${resourceName} ${status}`,
  evidence: {},
});
const row = (register: readonly RegisterRow[], riskId = 'IAM-001') => register.find((r) => r.riskId === riskId);
const step = (previous: readonly RegisterRow[], findings: Finding[], date: string) => nextRiskRegister(previous, [userConsoleMfa, rootMfa], findings, date);

describe('the living risk register', () => {
  it('opens, stays open, closes with a date and reopens as findings come and go', () => {
    const first = step([], [finding('FAIL', 'alice'), finding('PASS', 'bob')], '2026-09-01');
    expect(row(first)).toMatchObject({ status: 'Open', firstDetected: '2026-09-01', lastSeen: '2026-09-01', affectedResources: 'alice', severity: 'high' });
    const second = step(first, [finding('FAIL', 'alice'), finding('FAIL', 'carol')], '2026-10-01');
    expect(row(second)).toMatchObject({ status: 'Open', firstDetected: '2026-09-01', lastSeen: '2026-10-01', affectedResources: 'alice; carol' });
    const third = step(second, [finding('PASS', 'alice')], '2026-11-01');
    expect(row(third)).toMatchObject({ status: 'Closed', closedOn: '2026-11-01', lastSeen: '2026-10-01', affectedResources: '' });
    const fourth = step(third, [finding('FAIL', 'dave')], '2026-12-01');
    expect(row(fourth)).toMatchObject({ status: 'Open', firstDetected: '2026-09-01', lastSeen: '2026-12-01', closedOn: '' });
  });

  it.each<[string, Status[], string]>([
    ['every failure accepted by an exception', ['SUPPRESSED', 'PASS'], 'Accepted'],
    ['one failure accepted, one not', ['SUPPRESSED', 'FAIL'], 'Open'],
    ['never failed', ['PASS'], 'Closed'],
    ['could not be evaluated (unknown is not safe)', ['ERROR'], 'Open'],
  ])('%s → %s', (_label, statuses, status) => {
    expect(row(step([], statuses.map((s, i) => finding(s, `u${i}`)), '2026-11-01'))?.status).toBe(status);
  });

  it('leaves an open risk as it was when its control could not be evaluated', () => {
    const open = step([], [finding('FAIL', 'alice')], '2026-10-01');
    expect(row(step(open, [finding('ERROR', 'alice')], '2026-11-01'))).toMatchObject({ status: 'Open', lastSeen: '2026-10-01' });
  });

  it('never touches Owner, Notes, columns or rows people added', () => {
    const edited = parseRiskRegister(
      `Risk ID,Risk Description,HIPAA Standard,Severity,Affected Resources,Mitigation,Status,First Detected,Last Seen,Closed On,Owner,Notes,Ticket\n` +
        `IAM-001,old text,,,,,Open,2026-09-01,2026-09-01,,Dr. Shah,"Alice enrols by Dec 1, see ""SEC-42""",SEC-42\n` +
        `IAM-900,Shared workstation at the front desk,,,,,Open,,,,IT,added by hand,\n`,
    );
    const next = step(edited, [finding('PASS', 'alice')], '2026-11-01');
    expect(row(next)).toMatchObject({ status: 'Closed', owner: 'Dr. Shah', notes: 'Alice enrols by Dec 1, see "SEC-42"', extra: { Ticket: 'SEC-42' } });
    expect(row(next, 'IAM-900')).toEqual(row(edited, 'IAM-900'));
    expect(next.map((r) => r.riskId)).toEqual(['IAM-001', 'IAM-900', 'IAM-005']);
    const reread = parseRiskRegister(riskRegisterCsv(next));
    expect(riskRegisterCsv(reread)).toBe(riskRegisterCsv(next)); // a stable round trip
  });

  it('neutralises a formula a person typed into Notes', () => {
    const [first] = step([], [finding('FAIL', 'alice')], '2026-11-01');
    const text = riskRegisterCsv([{ ...first!, notes: '=HYPERLINK("http://evil")' }]);
    expect(text).toContain(`'=HYPERLINK`);
  });
});
