import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/checks/check.js';
import { ALL_CHECKS } from '../../src/checks/registry.js';
import { colourFor, printable, terminalSummary } from '../../src/report/terminal.js';

describe('colourFor', () => {
  it.each<[string, boolean | undefined, Record<string, string>, boolean]>([
    ['a terminal', true, {}, true],
    ['a pipe or file (cron)', undefined, {}, false],
    ['a terminal with NO_COLOR', true, { NO_COLOR: '1' }, false],
    ['a terminal with an empty NO_COLOR (unset per no-color.org)', true, { NO_COLOR: '' }, true],
    ['a pipe with FORCE_COLOR=1', undefined, { FORCE_COLOR: '1' }, true],
    ['a pipe with FORCE_COLOR=3', false, { FORCE_COLOR: '3' }, true],
    ['a pipe with FORCE_COLOR=true', false, { FORCE_COLOR: 'true' }, true],
    ['a pipe with FORCE_COLOR set and NO_COLOR too (forcing wins, force-color.org)', false, { FORCE_COLOR: '1', NO_COLOR: '1' }, true],
    ['a terminal with FORCE_COLOR=0', true, { FORCE_COLOR: '0' }, false],
    ['a terminal with FORCE_COLOR=false', true, { FORCE_COLOR: 'false' }, false],
    ['a pipe with an empty FORCE_COLOR (unset per force-color.org)', false, { FORCE_COLOR: '' }, false],
    ['a terminal with an empty FORCE_COLOR and NO_COLOR', true, { FORCE_COLOR: '', NO_COLOR: '1' }, false],
  ])('on %s', (_label, isTTY, env, coloured) => {
    const text = colourFor({ isTTY }, env).red('FAIL');
    expect(text !== 'FAIL').toBe(coloured);
  });

  it('FORCE_COLOR 2 and 3 pick 256 colours and truecolor', () => {
    expect(colourFor({}, { FORCE_COLOR: '2' }).level).toBe(2);
    expect(colourFor({}, { FORCE_COLOR: '3' }).level).toBe(3);
    expect(colourFor({}, { FORCE_COLOR: '1' }).level).toBe(1);
  });
});

describe('printable: what the account says cannot steer the terminal', () => {
  it.each([
    ['ivan\r=1+1 has NO MFA', 'ivan\\r=1+1 has NO MFA'],
    ['evil\u001b]0;pwned\u0007name', 'evil\\x1b]0;pwned\\x07name'],
    ['line\nbreak\ttab', 'line\\nbreak\\ttab'],
    ['csi\u009b2J', 'csi\\x9b2J'],
    ['admin\u202egnp.exe', 'admin\\u202egnp.exe'],
    ['alice ❌ has NO MFA — HIPAA compliance gap ⚠️', 'alice ❌ has NO MFA — HIPAA compliance gap ⚠️'],
  ])('%j', (text, shown) => {
    expect(printable(text)).toBe(shown);
  });

  it('is applied to every finding line of the summary', () => {
    const check = ALL_CHECKS.find((c) => c.meta.controlId === 'user-console-mfa')!;
    const finding = { controlId: 'user-console-mfa', status: 'FAIL', message: 'ivan\r=1+1 has NO MFA' } as Finding;
    const summary = terminalSummary([check], [finding], new Chalk({ level: 0 }));
    expect(summary).toContain('ivan\\r=1+1 has NO MFA');
    expect(summary).not.toContain('\r');
  });
});

describe('terminalSummary with onlyFailures', () => {
  const check = (id: string) => ALL_CHECKS.find((c) => c.meta.controlId === id)!;
  const finding = (controlId: string, status: Finding['status'], message: string) => ({ controlId, status, message }) as Finding;
  const checks = [check('user-console-mfa'), check('root-mfa'), check('cloudtrail-kms')];
  const findings = [
    finding('user-console-mfa', 'FAIL', 'alice has NO MFA'),
    finding('user-console-mfa', 'PASS', 'bob has MFA'),
    finding('user-console-mfa', 'NOT_APPLICABLE', 'svc has no console password'),
    finding('root-mfa', 'PASS', 'root has MFA'),
    finding('cloudtrail-kms', 'ERROR', 'trail-a: cloudtrail:DescribeTrails was denied'),
    finding('cloudtrail-kms', 'PASS', 'trail-b: KMS'),
  ];
  const plain = new Chalk({ level: 0 });

  it('keeps the failing and erroring controls and lines, and counts the rest', () => {
    const summary = terminalSummary(checks, findings, plain, { onlyFailures: true });
    expect(summary.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^❌ IAM-001 user-console-mfa FAIL /),
      '    ❌ alice has NO MFA',
      expect.stringMatching(/^⚠️ {2}IAM-028 cloudtrail-kms ERROR /),
      '    ⚠️  trail-a: cloudtrail:DescribeTrails was denied',
      '--only-failures hid 1 of 3 controls (no FAIL or ERROR) and 3 PASS, 1 NOT_APPLICABLE findings',
    ]);
  });

  it('without it, the same findings show the passing lines and controls', () => {
    const summary = terminalSummary(checks, findings, plain);
    expect(summary).toContain('bob has MFA');
    expect(summary).toContain('IAM-005 root-mfa PASS');
    expect(summary).toContain('trail-b: KMS');
    expect(summary).not.toContain('--only-failures');
  });
});

describe('terminalSummary of a control whose every failure an exception accepts', () => {
  const check = ALL_CHECKS.find((c) => c.meta.controlId === 'password-policy')!;
  const finding = (status: Finding['status'], message: string) => ({ controlId: 'password-policy', status, message }) as Finding;
  const plain = new Chalk({ level: 0 });

  it('reads ACCEPTED with the exception mark, never ✅ PASS, beside its passing findings', () => {
    const findings = [finding('SUPPRESSED', 'MinimumPasswordLength is 8 — accepted'), finding('PASS', 'RequireSymbols is true'), finding('SUPPRESSED', 'MaxPasswordAge unset — accepted')];
    const [head] = terminalSummary([check], findings, plain).split('\n');
    expect(head).toBe(`🔕 IAM-004 password-policy ACCEPTED [${check.meta.severity}] ${check.meta.title} (2 SUPPRESSED, 1 PASS)`);
  });

  it('reads ACCEPTED when it has no passing finding either', () => {
    const [head] = terminalSummary([check], [finding('SUPPRESSED', 'MinimumPasswordLength is 8 — accepted')], plain).split('\n');
    expect(head).toMatch(/^🔕 IAM-004 password-policy ACCEPTED \[/);
  });

  it('still reads FAIL when a failure is left unaccepted, and PASS when none was accepted', () => {
    expect(terminalSummary([check], [finding('SUPPRESSED', 'a'), finding('FAIL', 'b')], plain)).toMatch(/^❌ IAM-004 password-policy FAIL /);
    expect(terminalSummary([check], [finding('PASS', 'a')], plain)).toMatch(/^✅ IAM-004 password-policy PASS /);
  });
});
