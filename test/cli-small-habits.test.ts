import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { hipaaIam, tempDir } from './support/cli.js';

const ACCOUNT = '111122223333';
const HINT = 'hipaa-iam has no --output: use --json for the findings on stdout, --format csv,json,html for the evidence files, --out DIR for the folder\n';

describe('risk-register prints a table for people, --csv and --json for programs', () => {
  const out = tempDir('register-views');
  hipaaIam(['audit', '--demo', '--out', out, '--quiet']);
  const living = readFileSync(join(out, ACCOUNT, 'risk-register.csv'), 'utf8');
  const rows = parse(living, { columns: true, bom: true }) as Record<string, string>[];

  it('the table: the columns that matter, a line per risk, never-detected risks Not detected', () => {
    const shown = hipaaIam(['risk-register', '--out', out]);
    expect(shown.status).toBe(0);
    const lines = shown.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Risk ID +Severity +Status +Affected +First Detected +Last Seen +Closed On +Owner +Notes$/);
    expect(lines[1]).toMatch(/^-+( +-+){8}$/);
    expect(lines).toHaveLength(rows.length + 2);
    expect(lines.find((l) => l.startsWith('IAM-001 '))).toMatch(/^IAM-001 +high +Open +2: dr\.alice\.nguyen; dave\.billing +\d{4}-\d{2}-\d{2} +\d{4}-\d{2}-\d{2}$/);
    // The demo's root has no access keys: IAM-007 was never detected.
    expect(lines.find((l) => l.startsWith('IAM-007 '))).toMatch(/^IAM-007 +critical +Not detected$/);
    expect(shown.stdout).not.toMatch(/Closed(?! On)/);
    expect(rows.filter((r) => r.Status === 'Closed')).toEqual([]);
    // IAM-037 is MANUAL by design (no AWS API reports Identity Center's MFA settings), so never detected.
    expect(rows.filter((r) => r.Status === 'Not detected').map((r) => r['Risk ID']).sort()).toEqual(['IAM-005', 'IAM-007', 'IAM-008', 'IAM-026', 'IAM-030', 'IAM-037', 'IAM-038', 'IAM-039']);
    // Long cells are cut to their column, with an ellipsis.
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(200);
    expect(shown.stdout).toContain('…');
  });

  it('--csv prints the register as it is written', () => {
    const shown = hipaaIam(['risk-register', '--out', out, '--csv']);
    expect(shown).toMatchObject({ status: 0, stdout: living, stderr: '' });
  });

  it('--json prints the rows, every field whole', () => {
    const shown = hipaaIam(['risk-register', '--out', out, '--json']);
    expect(shown.status).toBe(0);
    const json = JSON.parse(shown.stdout) as { riskId: string; status: string; affectedResources: string; extra: object }[];
    expect(json.map((r) => r.riskId)).toEqual(rows.map((r) => r['Risk ID']));
    expect(json.map((r) => r.status)).toEqual(rows.map((r) => r.Status));
    expect(json.map((r) => r.affectedResources)).toEqual(rows.map((r) => r['Affected Resources']));
  });

  it('--csv and --json together are a usage error', () => {
    expect(hipaaIam(['risk-register', '--out', out, '--csv', '--json']).status).toBe(2);
  });
});

describe('--output gets a hint toward --format and --out: exit 2, nothing written', () => {
  it.each([
    ['audit', ['audit', '--demo', '--output', 'PROBE']],
    ['audit, --output=value', ['audit', '--demo', '--output=json']],
    ['audit, before the source', ['audit', '--output', 'PROBE', '--demo']],
    ['a subcommand', ['mfa-audit', '--demo', '--output', 'PROBE']],
    ['risk-register', ['risk-register', '--output', 'PROBE']],
    ['scp', ['scp', '--output', 'PROBE']],
  ])('%s', (_label, args) => {
    const out = tempDir('output-flag');
    const probe = join(out, 'probe');
    const result = hipaaIam([...args.map((a) => (a === 'PROBE' ? probe : a)), ...(args[0] === 'scp' ? [] : ['--out', join(out, 'evidence')])]);
    expect(result).toEqual({ status: 2, stdout: '', stderr: HINT });
    expect(readdirSync(out)).toEqual([]);
  });

  it('a value after -- is not the flag', () => {
    // commander still refuses the extra argument, but with its own message.
    const result = hipaaIam(['audit', '--demo', '--out', tempDir('output-dashdash'), '--', '--output']);
    expect(result.stderr).not.toBe(HINT);
  });
});

describe('FORCE_COLOR is honoured; NO_COLOR too, where FORCE_COLOR is not set', () => {
  const ESC = '\u001b[';
  it.each([
    ['nothing set, into a pipe', {}, false],
    ['FORCE_COLOR=1, into a pipe', { FORCE_COLOR: '1' }, true],
    ['FORCE_COLOR=1 and NO_COLOR=1', { FORCE_COLOR: '1', NO_COLOR: '1' }, true],
    ['FORCE_COLOR=0', { FORCE_COLOR: '0' }, false],
    ['NO_COLOR=1', { NO_COLOR: '1' }, false],
  ])('%s', (_label, env, coloured) => {
    const result = hipaaIam(['audit', '--demo', '--out', tempDir('colour')], env);
    expect(result.status).toBe(1);
    expect(result.stdout.includes(ESC)).toBe(coloured);
  });
});

describe('collect --save and scp --save treat a missing folder alike', () => {
  it('both create missing parent folders', () => {
    const dir = tempDir('save-missing');
    const snapshot = join(dir, 'a', 'b', 'snapshot.json');
    const scp = join(dir, 'c', 'd', 'scp.json');
    expect(hipaaIam(['collect', '--demo', '--save', snapshot]).status).toBe(0);
    expect(hipaaIam(['scp', '--save', scp]).status).toBe(0);
    expect(JSON.parse(readFileSync(snapshot, 'utf8'))).toHaveProperty('accountId', ACCOUNT);
    expect(JSON.parse(readFileSync(scp, 'utf8'))).toHaveProperty('Statement');
  });

  it.each([
    ['collect', (path: string) => ['collect', '--demo', '--save', path]],
    ['scp', (path: string) => ['scp', '--save', path]],
  ])('%s refuses a folder that can never be written: exit 2, one line, nothing written', (_label, args) => {
    const dir = tempDir('save-blocked');
    writeFileSync(join(dir, 'afile'), 'x');
    const result = hipaaIam(args(join(dir, 'afile', 'sub', 'out.json')));
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^hipaa-iam: --save .*afile\/sub\/out\.json: .*afile is a file, not a folder; nothing was collected or written\n$/);
    expect(readdirSync(dir)).toEqual(['afile']);
    expect(existsSync(join(dir, 'afile', 'sub'))).toBe(false);
  });

  it.each([
    ['collect', (path: string) => ['collect', '--demo', '--save', path]],
    ['scp', (path: string) => ['scp', '--save', path]],
  ])('%s refuses a --save that names a folder (existing, or ending in /) up front: exit 2, one line, nothing written', (_label, args) => {
    const dir = tempDir('save-folder');
    mkdirSync(join(dir, 'existing'));
    for (const target of [join(dir, 'existing'), `${join(dir, 'new')}/`]) {
      const result = hipaaIam(args(target));
      expect(result.status, result.stderr).toBe(2);
      expect(result.stderr).toMatch(/^hipaa-iam: --save .*: .* is a folder; name the file to write, e\.g\. .*snapshot\.json; nothing was collected or written\n$/);
    }
    expect(readdirSync(dir)).toEqual(['existing']);
    expect(readdirSync(join(dir, 'existing'))).toEqual([]);
  });
});

describe.skipIf(!existsSync('/proc/self'))('a folder the file system will not create (procfs)', () => {
  // Node's recursive mkdir loops forever on /proc/x (ENOENT, then EEXIST for /proc, again and
  // again); hipaaIam's timeout would end such a run with no status.
  it.each([
    ['audit --out', (path: string) => ['audit', '--demo', '--out', path]],
    ['collect --save', (path: string) => ['collect', '--demo', '--save', join(path, 'snapshot.json')]],
  ])('%s /proc/...: exit 2 at once, one line', (_label, args) => {
    const result = hipaaIam(args(`/proc/hipaa-iam-${process.pid}`));
    expect(result.status, result.stderr).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/proc\/hipaa-iam-\d+/);
  });
});
