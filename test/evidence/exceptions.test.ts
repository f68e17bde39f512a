import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/checks/check.js';
import { ALL_CHECKS } from '../../src/checks/registry.js';
import { InputError } from '../../src/errors.js';
import { applyExceptions, exceptionsUse, exceptionsWarnings, loadExceptions, type ExceptionsFile } from '../../src/exceptions.js';

const CONTROLS = [
  { controlId: 'user-console-mfa', riskId: 'IAM-001' },
  { controlId: 'access-key-rotation', riskId: 'IAM-010' },
];
const file = (text: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'hipaa-iam-exc-')), 'exceptions.csv');
  writeFileSync(path, text);
  return path;
};
const HEADER = 'control_id,resource,justification,approver,expires\n';
const RISK_IDS: Record<string, string> = { 'user-console-mfa': 'IAM-001', 'access-key-rotation': 'IAM-010' };
const fail = (controlId: string, resourceName: string, evidence: Record<string, unknown> = {}): Finding => ({
  controlId,
  riskId: RISK_IDS[controlId] ?? 'IAM-0',
  title: 't',
  severity: 'high',
  hipaa: [],
  status: 'FAIL',
  resourceType: 'AWS::IAM::User',
  resourceArn: `arn:aws:iam::123456789012:user/${resourceName}`,
  resourceName,
  message: `${resourceName} fails`,
  evidence,
});

describe('exceptions', () => {
  const { exceptions } = loadExceptions(
    file(`${HEADER}user-console-mfa,svc-*,"Break-glass users, MFA in the safe",Dr. Shah (CISO),2026-12-31\naccess-key-rotation,arn:aws:iam::123456789012:user/legacy,Vendor migrates in Q4,CISO,2026-10-31\n`),
    CONTROLS,
  );

  it('suppresses a matching failure until its expiry, with the exception beside it and the justification in the message', () => {
    const [finding] = applyExceptions([fail('user-console-mfa', 'svc-breakglass', { mfaActive: false })], exceptions, '2026-11-23');
    expect(finding).toMatchObject({
      status: 'SUPPRESSED',
      suppressed: { justification: 'Break-glass users, MFA in the safe', approver: 'Dr. Shah (CISO)', expires: '2026-12-31', exceptionLine: 2, exceptionId: 'user-console-mfa', exceptionResource: 'svc-*' },
    });
    // The check's evidence stays the check's: the exception is in `suppressed`, not mixed into it.
    expect(finding?.evidence).toEqual({ mfaActive: false });
    expect(finding?.message).toContain('Break-glass users, MFA in the safe');
  });

  it('applies through the last day and not after it', () => {
    expect(applyExceptions([fail('user-console-mfa', 'svc-x')], exceptions, '2026-12-31')[0]?.status).toBe('SUPPRESSED');
    expect(applyExceptions([fail('user-console-mfa', 'svc-x')], exceptions, '2027-01-01')[0]?.status).toBe('FAIL');
  });

  it('stops applying once expired, and says so', () => {
    const [finding] = applyExceptions([fail('access-key-rotation', 'legacy')], exceptions, '2026-11-23');
    expect(finding?.status).toBe('FAIL');
    expect(finding?.suppressed).toBeUndefined();
    expect(finding?.message).toContain('expired on 2026-10-31');
    expect(finding?.evidence).toMatchObject({ expiredException: { approver: 'CISO', expires: '2026-10-31', line: 3 } });
  });

  it('leaves other controls and resources alone', () => {
    const findings = applyExceptions([fail('user-console-mfa', 'alice'), fail('access-key-rotation', 'svc-x')], exceptions, '2026-11-23');
    expect(findings.map((f) => f.status)).toEqual(['FAIL', 'FAIL']);
  });

  it.each<[string, string, RegExp]>([
    ['a wrong header', 'control,resource\n', /line 1: the header must be/],
    ['an unknown control', `${HEADER}no-such-control,*,x,y,2026-12-31\n`, /line 2: unknown control id "no-such-control"/],
    ['an unknown risk id', `${HEADER}IAM-999,*,x,y,2026-12-31\n`, /line 2: unknown control id "IAM-999" \(name a control id such as user-console-mfa or a risk id such as IAM-001/],
    ['a control title instead of its id', `${HEADER}Console users have MFA,*,x,y,2026-12-31\n`, /line 2: unknown control id "Console users have MFA"/],
    ['a missing justification', `${HEADER}user-console-mfa,*,,CISO,2026-12-31\n`, /line 2: justification is empty/],
    ['a bad date', `${HEADER}user-console-mfa,*,reason,CISO,2026-12-31\nuser-console-mfa,*,reason,CISO,next year\n`, /line 3: expiry "next year" is not a date/],
    ['too few columns', `${HEADER}user-console-mfa,*,reason\n`, /line 2: expected 5 columns, found 3/],
    ['a bad row after blank lines and a cell spanning lines', `${HEADER}\nuser-console-mfa,*,"two\nlines",CISO,2026-12-31\n\n\nIAM-404,*,x,y,2026-12-31\n`, /line 7: unknown control id "IAM-404"/],
  ])('rejects %s with the line and reason', (_label, text, reason) => {
    const path = file(text);
    expect(() => loadExceptions(path, CONTROLS)).toThrow(InputError);
    expect(() => loadExceptions(path, CONTROLS)).toThrow(reason);
  });
});

describe('naming what an exception covers', () => {
  const load = (text: string, controls = CONTROLS) => loadExceptions(file(text), controls).exceptions;

  it('takes a control id or a risk id in the first column, in any case', () => {
    const loaded = load(`${HEADER}user-console-mfa,*,a,b,2026-12-31\nIAM-001,*,a,b,2026-12-31\niam-010,*,a,b,2026-12-31\nUSER-CONSOLE-MFA,*,a,b,2026-12-31\n`);
    expect(loaded.map((e) => [e.id, e.controlIds])).toEqual([
      ['user-console-mfa', ['user-console-mfa']],
      ['IAM-001', ['user-console-mfa']],
      ['iam-010', ['access-key-rotation']],
      ['USER-CONSOLE-MFA', ['user-console-mfa']],
    ]);
  });

  it.each(['control_id', 'risk_id', 'control', 'Risk_ID'])('accepts a first column headed %s', (name) => {
    expect(load(`${name},resource,justification,approver,expires\nIAM-001,*,a,b,2026-12-31\n`)[0]?.controlIds).toEqual(['user-console-mfa']);
  });

  it('covers every control of a risk id that several controls share', () => {
    const shared = [...CONTROLS, { controlId: 'user-console-mfa-hardware', riskId: 'IAM-001' }];
    const [exception] = load(`${HEADER}IAM-001,*,a,b,2026-12-31\n`, shared);
    expect(exception?.controlIds).toEqual(['user-console-mfa', 'user-console-mfa-hardware']);
    const findings = applyExceptions([fail('user-console-mfa', 'alice'), { ...fail('user-console-mfa', 'bob'), controlId: 'user-console-mfa-hardware' }, fail('access-key-rotation', 'carol')], [exception!], '2026-11-01');
    expect(findings.map((f) => f.status)).toEqual(['SUPPRESSED', 'SUPPRESSED', 'FAIL']);
  });

  it("resolves every control's id and risk id of the registry to that control (one control per risk id today)", () => {
    const metas = ALL_CHECKS.map((c) => c.meta);
    const text = metas.map((m) => `${m.controlId},*,a,b,2026-12-31\n${m.riskId},*,a,b,2026-12-31\n`).join('');
    const loaded = loadExceptions(file(`${HEADER}${text}`), metas).exceptions;
    expect(loaded.map((e) => e.controlIds)).toEqual(metas.flatMap((m) => [[m.controlId], [m.controlId]]));
  });

  it('suppresses by risk id exactly as by control id', () => {
    const [byRisk] = load(`${HEADER}IAM-001,alice,a,b,2026-12-31\n`);
    const [finding] = applyExceptions([fail('user-console-mfa', 'alice')], [byRisk!], '2026-11-01');
    expect(finding).toMatchObject({ status: 'SUPPRESSED', suppressed: { exceptionId: 'IAM-001', exceptionResource: 'alice', exceptionLine: 2 } });
  });
});

describe('what an exceptions file did in a run', () => {
  const text = [
    HEADER.trim(),
    'user-console-mfa,alice,in use,CISO,2026-12-10', // line 2: accepts alice, expires in 9 days
    'user-console-mfa,bob,bob has MFA now,CISO,2027-06-30', // line 3: bob passes: matched nothing
    'IAM-010,*,keys rotate by hand,CISO,2027-06-30', // line 4: access-key-rotation not run
    'user-console-mfa,carol,old,CISO,2026-10-31', // line 5: expired, still covers carol's failure
    'user-console-mfa,alice,second cover,CISO,2026-12-31', // line 6: also covers alice, in 30 days
    'user-console-mfa,dave,far off,CISO,2027-01-01', // line 7: accepts dave, 31 days left
  ].join('\n');
  const exceptionsFile: ExceptionsFile = loadExceptions(file(text), CONTROLS);
  const judged = [fail('user-console-mfa', 'alice'), { ...fail('user-console-mfa', 'bob'), status: 'PASS' as const }, fail('user-console-mfa', 'carol'), fail('user-console-mfa', 'dave')];
  const use = exceptionsUse(exceptionsFile, judged, ['user-console-mfa'], '2026-12-01');

  it('counts what it accepted and sorts the rest by why', () => {
    expect(use).toMatchObject({ file: exceptionsFile.path, entries: 6, suppressedFindings: 2 });
    expect(use.unmatched.map((e) => e.line)).toEqual([3]);
    expect(use.notJudged.map((e) => e.line)).toEqual([4]);
    expect(use.expired.map((e) => e.line)).toEqual([5]);
    expect(use.expiringSoon).toEqual([
      { line: 2, id: 'user-console-mfa', resource: 'alice', expires: '2026-12-10', daysLeft: 9 },
      { line: 6, id: 'user-console-mfa', resource: 'alice', expires: '2026-12-31', daysLeft: 30 },
    ]);
  });

  it('does not call an exception unmatched when its control could not be judged (ERROR)', () => {
    const errored = exceptionsUse(exceptionsFile, [{ ...fail('user-console-mfa', 'account'), status: 'ERROR' }], ['user-console-mfa'], '2026-12-01');
    expect(errored.unmatched).toEqual([]);
    expect(errored.notJudged.map((e) => e.line)).toEqual([2, 3, 4, 5, 6, 7]);
  });

  it('gives one warning line per unmatched or soon-expiring exception, naming the file and line', () => {
    expect(exceptionsWarnings(use)).toEqual([
      `exceptions file ${exceptionsFile.path} line 3 (user-console-mfa, bob) matched no failing finding of the controls this run judged: remove it if the risk is gone, or correct its id or resource pattern`,
      `exceptions file ${exceptionsFile.path} line 2 (user-console-mfa, alice) expires on 2026-12-10, in 9 day(s): the failures it accepts will count again after that day unless it is renewed`,
      `exceptions file ${exceptionsFile.path} line 6 (user-console-mfa, alice) expires on 2026-12-31, in 30 day(s): the failures it accepts will count again after that day unless it is renewed`,
    ]);
  });

  it('says nothing for a file whose exceptions are all in use and far from expiry', () => {
    const quiet = loadExceptions(file(`${HEADER}IAM-001,*,all,CISO,2027-12-31\n`), CONTROLS);
    expect(exceptionsWarnings(exceptionsUse(quiet, judged, ['user-console-mfa'], '2026-12-01'))).toEqual([]);
  });
});
