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
