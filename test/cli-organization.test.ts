import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_COMMANDS } from '../src/cli/commands.js';
import { hipaaIam, readFindings, tempDir } from './support/cli.js';

// The CLI runs from dist: `npm run build` first.

/** A saved organization (`collect --organization --save DIR` format): three members, one without the auditor role, one with a weak password policy. */
const FIXTURE = new URL('./fixtures/organization/three-accounts', import.meta.url).pathname;
const ORG_DIR = 'org-o-rb7example';
const [STRONG, WEAK, UNREACHABLE] = ['210987654321', '310987654321', '410987654321'];

function packagesIn(out: string): string[] {
  return readdirSync(join(out, ORG_DIR)).filter((n) => /^\d{4}-\d{2}-\d{2}T/.test(n)).sort().map((n) => join(out, ORG_DIR, n));
}

/** stderr is exactly one line, starting hipaa-iam: and matching `pattern`. */
function oneLine(stderr: string, pattern: RegExp): void {
  expect(stderr.split('\n').filter(Boolean)).toHaveLength(1);
  expect(stderr).toMatch(pattern);
}

describe('organization flags', () => {
  it.each([
    [['--role-name', 'auditor'], /--role-name goes with --organization/],
    [['--accounts', '111122223333'], /--accounts goes with --organization/],
    [['--ou', 'ou-ab12-abcdefgh'], /--ou goes with --organization/],
    [['--exclude-accounts', '111122223333'], /--exclude-accounts goes with --organization/],
    [['--concurrency', '4'], /--concurrency goes with --organization/],
    [['--concurrency', '4', '--role-name', 'x'], /--role-name, --concurrency go with --organization \(an organization-wide run\); add --organization or drop them/],
  ])('%j without --organization is exit 2, one line, nothing written', (flags, pattern) => {
    const out = tempDir('org-flags');
    const result = hipaaIam(['audit', ...flags, '--out', out]);
    expect(result.status).toBe(2);
    oneLine(result.stderr, pattern);
    expect(readdirSync(out)).toEqual([]);
  });

  it.each([
    [['--concurrency', '0'], /--concurrency <n>' argument '0' is invalid\. expected a whole number from 1 to 64/],
    [['--concurrency', '65'], /expected a whole number from 1 to 64/],
    [['--concurrency', 'lots'], /expected a whole number from 1 to 64/],
    [['--accounts', '12345'], /an AWS account id is 12 digits/],
    [['--ou', 'finance'], /an OU id is ou-<root>-<suffix>/],
    [['--role-name', 'arn:aws:iam::111122223333:role/x'], /expected an IAM role name/],
    [['--import', 'somewhere'], /--import reads one account/],
    [['--role-arn', 'arn:aws:iam::111122223333:role/OrgReader', '--external-id', 'clinic-audit-7'], /--external-id is for each member account's --role-name role/],
    [['--external-id', ''], /--external-id <id>' argument '' is invalid\. expected an external ID of 2 to 1224/],
    [['--snapshot', FIXTURE, '--accounts', '210987654321'], /'--accounts <ids>' cannot be used with option '--snapshot <file>'/],
  ])('--organization %j is exit 2 with one line', (flags, pattern) => {
    const out = tempDir('org-bad');
    const result = hipaaIam(['audit', '--organization', ...flags, '--out', out]);
    expect(result.status).toBe(2);
    oneLine(result.stderr, pattern);
    expect(readdirSync(out)).toEqual([]);
  });

  it('tells a saved organization folder given to --snapshot without --organization to add it', () => {
    const result = hipaaIam(['audit', '--snapshot', FIXTURE, '--out', tempDir('org-folder-alone')]);
    expect(result.status).toBe(2);
    oneLine(result.stderr, /is a folder: a saved organization .* is audited with --organization/);
  });

  it('refuses a snapshot file (not a saved organization folder) with --organization', () => {
    const dir = tempDir('org-file');
    const file = join(dir, 'one.json');
    writeFileSync(file, '{}');
    const result = hipaaIam(['audit', '--organization', '--snapshot', file, '--out', join(dir, 'out')]);
    expect(result.status).toBe(2);
    oneLine(result.stderr, /with --organization, --snapshot takes a folder saved by `hipaa-iam collect --organization --save DIR`/);
  });

  it('refuses a remediation plan over an organization', () => {
    const result = hipaaIam(['mfa-audit', '--organization', '--snapshot', FIXTURE, '--enforce', '--out', tempDir('org-enforce')]);
    expect(result.status).toBe(2);
    oneLine(result.stderr, /mfa-audit's changes are made one account at a time/);
  });

  it('collect --organization refuses a --save folder that is not empty before reading anything', () => {
    const dir = tempDir('org-save');
    writeFileSync(join(dir, 'something'), 'x');
    const result = hipaaIam(['collect', '--organization', '--save', dir]);
    expect(result.status).toBe(2);
    oneLine(result.stderr, /--save .* is a folder that is not empty/);
  });
});

describe('audit --demo --organization', () => {
  it('audits the demo organization: two member accounts and one unreachable, into one package that verifies', () => {
    const out = tempDir('org-demo');
    const result = hipaaIam(['audit', '--demo', '--organization', '--out', out]);
    expect(result.status).toBe(3);
    expect(result.stdout).toMatch(/^hipaa-iam audit --organization: o-rb7example \(the embedded demo organization .*\): 3 account\(s\) selected, 1 left out$/m);
    expect(result.stdout).toMatch(/^ {2}410987654321 clinic-legacy \(Root\/Legacy\): unreachable \(assume-role: AccessDenied/m);
    expect(result.stdout).toMatch(/^Total: 2 account\(s\) audited, 1 unreachable, 1 left out;/m);
    const [pkg] = packagesIn(out);
    expect(hipaaIam(['verify', pkg!]).status).toBe(0);
  });
});

describe('audit --organization --snapshot DIR (a saved organization)', () => {
  it('prints a line per account, then the totals; writes one package that verifies; exit 3 for the unreachable account', () => {
    const out = tempDir('org-cli');
    const result = hipaaIam(['audit', '--organization', '--snapshot', FIXTURE, '--out', out]);
    expect(result.status).toBe(3);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^hipaa-iam audit --organization: o-rb7example \(saved organization .*\): 3 account\(s\) selected, 0 left out$/);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^  ${STRONG} clinic-prod \\(Root/PHI/Prod\\): \\d+ PASS, \\d+ FAIL`)));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^  ${WEAK} clinic-dev \\(Root/Dev\\): \\d+ PASS, \\d+ FAIL`)));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^  ${UNREACHABLE} legacy \\(Root/PHI\\): unreachable \\(assume-role: AccessDenied`)));
    expect(result.stdout).toMatch(/^Total: 2 account\(s\) audited, 1 unreachable, 0 left out; findings: \d+ PASS, \d+ FAIL/m);
    const [pkg] = packagesIn(out);
    expect(result.stdout).toContain(`Evidence written to ${pkg}\n`);

    const verified = hipaaIam(['verify', pkg!]);
    expect(verified.status).toBe(0);
    expect(verified.stdout).toMatch(/^OK: all \d+ files of .* match manifest\.json \(sha256\), and each of its 2 account folder\(s\) verifies on its own/);
    writeFileSync(join(pkg!, WEAK, 'run.json'), '{}\n');
    const broken = hipaaIam(['verify', pkg!]);
    expect(broken.status).toBe(1);
    expect(broken.stdout).toContain(`changed: ${WEAK}/run.json`);
  });

  it('--json prints the roll-up findings document alone on stdout, each finding with its account', () => {
    const out = tempDir('org-json');
    const result = hipaaIam(['audit', '--organization', '--snapshot', FIXTURE, '--out', out, '--json']);
    expect(result.status).toBe(3);
    const document = JSON.parse(result.stdout) as { run: { scope: string; unreachable: { id: string }[] }; findings: { controlId: string; status: string; account?: { id: string; ouPath: string } }[] };
    expect(document.run.scope).toBe('organization');
    expect(document.run.unreachable.map((u) => u.id)).toEqual([UNREACHABLE]);
    expect(document.findings.length).toBeGreaterThan(10);
    expect(document.findings.every((f) => f.account !== undefined)).toBe(true);
    // IAM-039 is documented for every account the run covered or left out (its record of coverage); only the unreachable one FAILs.
    const coverage = document.findings.filter((f) => f.controlId === 'organization-coverage');
    expect(coverage.filter((f) => f.status === 'FAIL').map((f) => f.account!.id)).toEqual([UNREACHABLE]);
    expect(coverage.filter((f) => f.status === 'PASS')).toHaveLength(2);
    // The people's lines moved to stderr.
    expect(result.stderr).toContain('Total: 2 account(s) audited');
    expect(readFindings(packagesIn(out)[0]!).findings.length).toBe(document.findings.length);
  });

  it('every auditing subcommand accepts --organization, and verify --chain walks the packages', () => {
    const out = tempDir('org-every');
    for (const command of AUDIT_COMMANDS) {
      const result = hipaaIam([command.name, '--organization', '--snapshot', FIXTURE, '--out', out, '--quiet']);
      expect([command.name, result.status, result.stderr]).toEqual([command.name, 3, '']);
    }
    expect(packagesIn(out)).toHaveLength(AUDIT_COMMANDS.length);
    const chain = hipaaIam(['verify', '--chain', join(out, ORG_DIR)]);
    expect(chain.stdout).toMatch(new RegExp(`^OK: ${AUDIT_COMMANDS.length} runs of .* verify and form one unbroken chain`));
    expect(chain.status).toBe(0);
    expect(existsSync(join(out, ORG_DIR, 'risk-register.csv'))).toBe(true);
  });
});
