import { Chalk, type ChalkInstance } from 'chalk';
import { STATUSES, type Check, type Finding, type Status } from '../checks/check.js';

const SYMBOL: Record<Status, string> = {
  PASS: '✅',
  FAIL: '❌',
  ERROR: '⚠️ ',
  MANUAL: '📝',
  NOT_APPLICABLE: '➖',
  SUPPRESSED: '🔕',
};

/**
 * Whether to colour, in this order:
 * 1. FORCE_COLOR set and not empty decides (https://force-color.org): `0` or `false` turns
 *    colour off; `1`, `2`, `3` (chalk's levels: 16, 256 colours, truecolor) or any other value
 *    turn it on even into a pipe or a file. It wins over NO_COLOR, as force-color.org's
 *    reference code and Node's own tty.getColorDepth order them: forcing is the more specific ask.
 * 2. NO_COLOR set and not empty turns colour off (https://no-color.org).
 * 3. Otherwise colour only when the stream is a terminal.
 */
export function colourFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): ChalkInstance {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') {
    if (force === '0' || force.toLowerCase() === 'false') return new Chalk({ level: 0 });
    return new Chalk({ level: force === '2' ? 2 : force === '3' ? 3 : 1 });
  }
  const noColour = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  return new Chalk({ level: stream.isTTY && !noColour ? 1 : 0 });
}

function paint(c: ChalkInstance, status: Status, text: string): string {
  switch (status) {
    case 'PASS':
      return c.green(text);
    case 'FAIL':
      return c.red(text);
    case 'ERROR':
      return c.yellow(text);
    default:
      return c.dim(text);
  }
}

/**
 * Control characters (C0, DEL, C1) and the bidirectional overrides and isolates, which a
 * terminal obeys instead of showing: a name from an import such as "ivan\r=1+1" would return
 * the cursor and overwrite its own line, an ESC could start a terminal command.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const NAMED_ESCAPES: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Text from the account (names, messages) as a terminal should show it: every control character written out, `\r` or `\x1b`. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (ch) => NAMED_ESCAPES[ch] ?? (ch.charCodeAt(0) <= 0xff ? `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}` : `\\u${ch.charCodeAt(0).toString(16)}`));
}

/** Per-principal lines for these controls, in the hardening guide's "Alice ❌ has NO MFA" style. */
const PER_PRINCIPAL_CONTROLS = new Set(['root-mfa', 'user-console-mfa', 'password-policy']);

/** What a failing control shows under --only-failures; everything else is hidden and counted. */
const FAILING: ReadonlySet<Status> = new Set(['FAIL', 'ERROR']);

export interface SummaryOptions {
  /** Only controls with a FAIL or ERROR finding, and only those findings; a last line counts what was hidden. */
  onlyFailures?: boolean;
}

/** A summary per control; for MFA and password policy, a line per principal or parameter. */
export function terminalSummary(checks: readonly Check[], findings: readonly Finding[], c: ChalkInstance, options: SummaryOptions = {}): string {
  const lines: string[] = [];
  const hidden = { controls: 0, findings: new Map<Status, number>() };
  for (const check of checks) {
    const mine = findings.filter((f) => f.controlId === check.meta.controlId);
    const counts = new Map<Status, number>();
    for (const f of mine) counts.set(f.status, (counts.get(f.status) ?? 0) + 1);
    const worst: Status = counts.has('ERROR') ? 'ERROR' : counts.has('FAIL') ? 'FAIL' : counts.has('PASS') ? 'PASS' : (mine[0]?.status ?? 'NOT_APPLICABLE');
    // Failures all accepted by an exception are still failures: the control reads ACCEPTED, as the register's Accepted, never ✅ PASS.
    const accepted = (worst === 'PASS' || worst === 'SUPPRESSED') && counts.has('SUPPRESSED');
    if (options.onlyFailures) {
      for (const f of mine) if (!FAILING.has(f.status)) hidden.findings.set(f.status, (hidden.findings.get(f.status) ?? 0) + 1);
      if (!FAILING.has(worst)) {
        hidden.controls += 1;
        continue;
      }
    }
    const tally = [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
    lines.push(
      `${SYMBOL[accepted ? 'SUPPRESSED' : worst]} ${c.bold(`${check.meta.riskId} ${check.meta.controlId}`)} ${accepted ? c.dim('ACCEPTED') : paint(c, worst, worst)} ${c.dim(`[${check.meta.severity}]`)} ${check.meta.title} ${c.dim(`(${tally})`)}`,
    );
    const detailed = PER_PRINCIPAL_CONTROLS.has(check.meta.controlId) || worst === 'ERROR';
    for (const f of mine) {
      if (options.onlyFailures && !FAILING.has(f.status)) continue;
      if (!detailed && f.status === 'PASS') continue;
      if (f.status === 'NOT_APPLICABLE' && !PER_PRINCIPAL_CONTROLS.has(check.meta.controlId)) continue;
      lines.push(`    ${SYMBOL[f.status]} ${paint(c, f.status, printable(f.message))}`);
    }
  }
  if (options.onlyFailures) lines.push(c.dim(hiddenLine(hidden.controls, checks.length, hidden.findings)));
  return `${lines.join('\n')}\n`;
}

/** "--only-failures hid 13 of 32 controls (no FAIL or ERROR) and 110 PASS, 9 NOT_APPLICABLE, 3 MANUAL findings" */
function hiddenLine(controls: number, of: number, findings: ReadonlyMap<Status, number>): string {
  const tally = STATUSES.filter((s) => findings.has(s)).map((s) => `${findings.get(s)} ${s}`).join(', ');
  return `--only-failures hid ${controls} of ${of} control${of === 1 ? '' : 's'} (no FAIL or ERROR)${tally ? ` and ${tally} finding${[...findings.values()].reduce((a, b) => a + b, 0) === 1 ? '' : 's'}` : ''}`;
}

export function totalsLine(findings: readonly Finding[], c: ChalkInstance): string {
  const count = (s: Status) => findings.filter((f) => f.status === s).length;
  const optional = (['MANUAL', 'SUPPRESSED'] as const).filter((s) => count(s) > 0).map((s) => `, ${count(s)} ${s}`).join('');
  return `${c.bold('Totals:')} ${c.green(`${count('PASS')} PASS`)}, ${c.red(`${count('FAIL')} FAIL`)}, ${c.yellow(`${count('ERROR')} ERROR`)}, ${count('NOT_APPLICABLE')} NOT_APPLICABLE${optional}\n`;
}
