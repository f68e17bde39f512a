import { describe, expect, it } from 'vitest';
import type { Finding, Status } from '../../src/checks/check.js';
import rootMfa from '../../src/checks/mfa-audit/root-mfa.js';
import userConsoleMfa from '../../src/checks/mfa-audit/user-console-mfa.js';
import { decodeRegister, encodeRegister, nextRiskRegister, parseRiskRegister, RegisterFormatError, riskRegisterCsv, type RegisterRow } from '../../src/report/risk-register.js';

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
    // Was 'Closed': a risk that was never found was never closed (issue 11).
    ['never failed', ['PASS'], 'Not detected'],
    ['could not be evaluated (unknown is not safe)', ['ERROR'], 'Open'],
  ])('%s → %s', (_label, statuses, status) => {
    expect(row(step([], statuses.map((s, i) => finding(s, `u${i}`)), '2026-11-01'))?.status).toBe(status);
  });

  it('a risk never detected stays Not detected, never Closed, until it is found; Owner and Notes kept', () => {
    const first = step([], [finding('PASS', 'alice')], '2026-09-01');
    expect(row(first)).toMatchObject({ status: 'Not detected', firstDetected: '', lastSeen: '', closedOn: '', affectedResources: '' });
    const noted = first.map((r) => (r.riskId === 'IAM-001' ? { ...r, owner: 'Dr. Shah', notes: 'watch new hires' } : r));
    const second = step(noted, [finding('PASS', 'alice')], '2026-10-01');
    expect(row(second)).toMatchObject({ status: 'Not detected', closedOn: '', owner: 'Dr. Shah', notes: 'watch new hires' });
    const third = step(second, [finding('FAIL', 'bob')], '2026-11-01');
    expect(row(third)).toMatchObject({ status: 'Open', firstDetected: '2026-11-01', owner: 'Dr. Shah' });
    expect(row(step(third, [finding('PASS', 'bob')], '2026-12-01'))).toMatchObject({ status: 'Closed', closedOn: '2026-12-01', firstDetected: '2026-11-01' });
  });

  it('reads a never-detected row older versions wrote as Closed without dates as Not detected', () => {
    const old = parseRiskRegister(
      `Risk ID,Risk Description,HIPAA Standard,Severity,Affected Resources,Mitigation,Status,First Detected,Last Seen,Closed On,Owner,Notes\n` +
        `IAM-001,old text,,,,,Closed,,,,Dr. Shah,kept\n` +
        `IAM-005,old text,,,,,Closed,2026-01-01,2026-02-01,2026-03-01,,\n`,
    );
    const next = step(old, [finding('PASS', 'alice'), finding('PASS', 'root', rootMfa)], '2026-11-01');
    expect(row(next)).toMatchObject({ status: 'Not detected', closedOn: '', owner: 'Dr. Shah', notes: 'kept' });
    expect(row(next, 'IAM-005')).toMatchObject({ status: 'Closed', closedOn: '2026-03-01', firstDetected: '2026-01-01' });
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

describe('decodeRegister: what spreadsheets save, read without losing a character or refused', () => {
  const utf8 = (text: string) => Buffer.from(text, 'utf8');
  it.each<[string, Buffer, string, string]>([
    ['UTF-8', utf8('Notes\nMüller €\n'), 'Notes\nMüller €\n', 'utf-8'],
    ['UTF-8 with a BOM (Excel "CSV UTF-8")', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8('Notes\r\ncafé\r\n')]), 'Notes\r\ncafé\r\n', 'utf-8 with BOM'],
    ['UTF-16LE with a BOM (Excel "Unicode text")', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Notes\nŁódź\n', 'utf16le')]), 'Notes\nŁódź\n', 'utf-16le with BOM'],
    ['UTF-16BE with a BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('Notes\nŁódź\n', 'utf16le').swap16()]), 'Notes\nŁódź\n', 'utf-16be with BOM'],
    ['Windows-1252, with the characters it has beyond Latin-1 (€ 0x80, “ ” 0x93 0x94)', Buffer.from([...Buffer.from('Notes\nM', 'latin1'), 0xfc, 0x6c, 0x20, 0x80, 0x35, 0x20, 0x93, 0x6f, 0x6b, 0x94, 0x0a]), 'Notes\nMül €5 “ok”\n', 'windows-1252'],
  ])('%s', (_label, bytes, text, encoding) => {
    expect(decodeRegister(bytes)).toEqual({ text, encoding });
  });

  it.each<[string, Buffer, RegExp]>([
    ['a byte Windows-1252 leaves undefined', Buffer.from([0x4e, 0x0a, 0xe9, 0x8d, 0x0a]), /neither UTF-8 nor Windows-1252 \(byte 0x8d at offset 3\)/],
    ['UTF-8 with a Windows-1252 line added', Buffer.concat([utf8('§ Notes\n'), Buffer.from('café\n', 'latin1')]), /mixes UTF-8 with another encoding/],
    ['a UTF-8 BOM before bytes that are not UTF-8', Buffer.from([0xef, 0xbb, 0xbf, 0x63, 0xe9, 0x0a]), /byte-order mark but its bytes do not follow/],
    ['UTF-16 saved without a BOM', Buffer.from('Notes\n', 'utf16le'), /NUL bytes/],
  ])('refuses %s', (_label, bytes, message) => {
    expect(() => decodeRegister(bytes)).toThrow(RegisterFormatError);
    expect(() => decodeRegister(bytes)).toThrow(message);
  });

  it('writes back UTF-8, with a BOM when the file had one or was in a legacy code page', () => {
    expect([...encodeRegister('a', 'utf-8')]).toEqual([0x61]);
    expect([...encodeRegister('a', null)]).toEqual([0x61]);
    for (const encoding of ['utf-8 with BOM', 'windows-1252', 'utf-16le with BOM'] as const) expect([...encodeRegister('a', encoding)]).toEqual([0xef, 0xbb, 0xbf, 0x61]);
  });
});
