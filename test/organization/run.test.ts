import { Chalk } from 'chalk';
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.js';
import type { Finding, Status } from '../../src/checks/check.js';
import { ALL_CHECKS, checksForGroup } from '../../src/checks/registry.js';
import { EvidenceWriteError } from '../../src/errors.js';
import { runOrganization, type OrganizationRunRequest } from '../../src/organization/run.js';
import { verifyChain } from '../../src/report/chain.js';
import { sha256 } from '../../src/report/manifest.js';
import { parseRiskRegister, riskRegisterCsv } from '../../src/report/risk-register.js';
import { checkRunFolder } from '../../src/report/verify.js';
import { verifyPackage } from '../../src/report/organization-package.js';
import { snapshotSchema, type Snapshot } from '../../src/snapshot/schema.js';
import { readFindings, tempDir } from '../support/cli.js';
import { demoAs, fakeSource, ORG_ID, orgAccount, STRONG, strongPasswordPolicy, threeAccounts, UNREACHABLE, WEAK, type FakeAccount } from '../support/organization-source.js';
import { ACCOUNT, emptySnapshot } from '../support/snapshot.js';

const NO_COLOUR = new Chalk({ level: 0 });
/** The demo snapshot's collection time: runs dated before it count as IAM-003 reviews of later runs. */
const COLLECTED = Date.parse('2026-11-20T14:00:00.000Z');
const DAY = 86_400_000;

function request(out: string, overrides: Partial<OrganizationRunRequest> = {}): OrganizationRunRequest {
  return { command: 'audit', checks: ALL_CHECKS, source: threeAccounts(), outDir: out, failOn: 'low', colour: NO_COLOUR, startedAt: new Date(COLLECTED - 10 * DAY), ...overrides };
}

const orgDir = (out: string) => join(out, `org-${ORG_ID}`);
const packages = (out: string) => readdirSync(orgDir(out)).filter((n) => /^\d{4}-.*Z(-\d+)?$/.test(n)).sort();

function tally(findings: readonly Finding[]): Partial<Record<Status, number>> {
  const counts: Partial<Record<Status, number>> = {};
  for (const f of findings) counts[f.status] = (counts[f.status] ?? 0) + 1;
  return counts;
}

/** `controlId resourceArn resourceName` → status. */
function verdictsOf(findings: readonly Finding[]): Map<string, string> {
  return new Map(findings.map((f) => [`${f.controlId} ${f.resourceArn} ${f.resourceName}`, f.status]));
}

/**
 * Controls whose verdict in a member account may rest on the organization's facts (central root
 * management, the organization trail and analyzers, SCP targets, IAM Identity Center) or that judge the organization:
 * their differences from a single-account audit are stated in their own evidence (issue 13).
 */
const ORGANIZATION_FACT_CONTROLS = new Set([
  'root-mfa',
  'root-hardware-mfa',
  'root-credentials-central',
  'cloudtrail-multi-region',
  'cloudtrail-log-validation',
  'cloudtrail-kms',
  'cloudtrail-cloudwatch',
  'access-analyzer-enabled',
  'scp-eligible-allowlist',
  'organization-coverage',
  // IAM Identity Center is the facts' in an organization run (read once), the member snapshot's alone (issue 14).
  'identity-center-admin',
  'identity-center-session-duration',
  'identity-center-eligible-services',
  'identity-center-group-assignments',
  'identity-center-mfa',
]);

describe('runOrganization over three accounts (one unreachable, one with a weak password policy)', () => {
  it('writes one package: a folder per audited account with the files of a single run, the roll-up beside them, and no folder for the unreachable account', async () => {
    const out = tempDir('org-run');
    const result = await runOrganization(request(out));
    expect(result.packageDir).toBe(join(orgDir(out), packages(out)[0]!));
    const entries = readdirSync(result.packageDir).sort();
    expect(entries).toEqual(
      ['account-control-matrix.csv', 'compliance-matrix.csv', 'findings.csv', 'findings.json', 'manifest.json', 'organization.json', 'report.html', 'risk-register.csv', 'run.json', STRONG, WEAK].sort(),
    );
    expect(existsSync(join(result.packageDir, UNREACHABLE))).toBe(false);
    for (const account of [STRONG, WEAK]) {
      const folder = join(result.packageDir, account);
      expect(readdirSync(folder)).toEqual(expect.arrayContaining(['findings.json', 'findings.csv', 'report.html', 'run.json', 'manifest.json', 'risk-register.csv', 'changes.csv', 'compliance-matrix.csv', 'access-review.csv']));
      // Each account folder verifies on its own, as a single-account run folder does.
      expect(checkRunFolder(folder).problems).toEqual([]);
      const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as { accountId: string; previous: unknown };
      expect(manifest.accountId).toBe(account);
      expect(manifest.previous).toBeNull();
    }
    // The living registers: the organization's, and each audited account's in the organization folder.
    expect(existsSync(join(orgDir(out), 'risk-register.csv'))).toBe(true);
    expect(existsSync(join(orgDir(out), STRONG, 'risk-register.csv'))).toBe(true);
    expect(existsSync(join(orgDir(out), UNREACHABLE))).toBe(false);
    // No hidden temporary folder is left behind.
    expect(readdirSync(orgDir(out)).filter((n) => n.includes('.partial'))).toEqual([]);

    const check = verifyPackage(result.packageDir);
    expect(check.ok).toBe(true);
    expect(check.report).toMatch(/^OK: all \d+ files of .* match manifest\.json \(sha256\), and each of its 2 account folder\(s\) verifies on its own/);
    // The manifest covers every file of the package, account files by relative path.
    const manifest = JSON.parse(readFileSync(join(result.packageDir, 'manifest.json'), 'utf8')) as { organizationId: string; previous: unknown; files: Record<string, string> };
    expect(manifest.organizationId).toBe(ORG_ID);
    expect(manifest.previous).toBeNull();
    expect(manifest.files).toHaveProperty(`${WEAK}/findings.csv`);
    expect(manifest.files).toHaveProperty(`${WEAK}/manifest.json`);
    expect(manifest.files).toHaveProperty('organization.json');
  });

  it('names a tampered account file when the package is verified', async () => {
    const out = tempDir('org-tamper');
    const { packageDir } = await runOrganization(request(out));
    appendFileSync(join(packageDir, WEAK, 'password-policy.csv'), 'x,y\n');
    const check = verifyPackage(packageDir);
    expect(check.ok).toBe(false);
    expect(check.report.split('\n')[0]).toMatch(/^BROKEN: .*: 2 problem\(s\)$/);
    expect(check.report).toContain(`changed: ${WEAK}/password-policy.csv`);
    expect(check.report).toContain(`${WEAK}/: changed: password-policy.csv`);
  });

  it('finds an account file added, and an account folder removed, and a changed roll-up file', async () => {
    const out = tempDir('org-tamper2');
    const { packageDir } = await runOrganization(request(out));
    writeFileSync(join(packageDir, STRONG, 'extra.csv'), 'a\n');
    appendFileSync(join(packageDir, 'findings.csv'), 'x\n');
    const report = verifyPackage(packageDir).report;
    expect(report).toContain(`added: ${STRONG}/extra.csv`);
    expect(report).toContain('changed: findings.csv');
  });

  it('rolls up counts equal to the accounts’ own findings, keeps only failing findings with their account and OU path, and fails IAM-039 for the unreachable account', async () => {
    const out = tempDir('org-rollup');
    const result = await runOrganization(request(out));
    const run = JSON.parse(readFileSync(join(result.packageDir, 'run.json'), 'utf8')) as { controls: string[]; scope: string; organization: { id: string }; covered: number; audited: number; unreachable: { id: string; step: string }[]; accounts: { id: string; outcome: string; statusCounts: Record<string, number> }[]; statusCounts: Record<string, number> };
    expect(run.scope).toBe('organization');
    expect(run.organization.id).toBe(ORG_ID);
    expect(run.controls).toEqual([...ALL_CHECKS.map((c) => c.meta.controlId).filter((id) => id !== 'organization-coverage'), 'organization-coverage']);
    expect([run.covered, run.audited]).toEqual([3, 2]);
    expect(run.unreachable.map((u) => [u.id, u.step])).toEqual([[UNREACHABLE, 'assume-role']]);
    const total: Record<string, number> = {};
    let failingInAccounts = 0;
    for (const account of [STRONG, WEAK]) {
      const own = readFindings(join(result.packageDir, account)).findings;
      const counts = tally(own.map((f) => ({ ...f, status: f.suppressed ? 'SUPPRESSED' : f.status })));
      // An account's counts are its own findings plus IAM-039's verdict on it (audited: PASS), judged in the roll-up.
      const withCoverage = { ...counts, PASS: (counts.PASS ?? 0) + 1 };
      expect(run.accounts.find((a) => a.id === account)!.statusCounts).toEqual(withCoverage);
      for (const [status, n] of Object.entries(withCoverage)) total[status] = (total[status] ?? 0) + n;
      failingInAccounts += own.filter((f) => f.status === 'FAIL' || f.status === 'ERROR').length;
      // Every finding of an org run carries its account and OU path, in findings.json and findings.csv.
      expect(own.every((f) => f.account?.id === account)).toBe(true);
      expect(readFileSync(join(result.packageDir, account, 'findings.csv'), 'utf8').split('\n')[0]).toMatch(/,Account ID,Account Name,OU Path$/);
    }
    expect(own(result.packageDir, STRONG)[0]!.account!.ouPath).toBe('Root/PHI/Prod');
    // The organization's totals: every account's findings and IAM-039 PASS, plus IAM-039's FAIL of the unreachable one.
    expect(run.statusCounts).toEqual({ ...total, FAIL: (total.FAIL ?? 0) + 1 });
    const rollup = readFindings(result.packageDir);
    expect(rollup.run.scope).toBe('organization');
    const coverage = rollup.findings.filter((f) => f.controlId === 'organization-coverage');
    // IAM-039 is documented for every covered account, PASS included (the run's record of what it audited); the unreachable one FAILs.
    expect(coverage.map((f) => [f.status, f.resourceName, f.account?.id]).sort()).toEqual([['FAIL', UNREACHABLE, UNREACHABLE], ['PASS', STRONG, STRONG], ['PASS', WEAK, WEAK]].sort());
    expect(coverage.find((f) => f.status === 'FAIL')!.message).toContain('AccessDenied');
    const rest = rollup.findings.filter((f) => f.controlId !== 'organization-coverage');
    expect(rest.length).toBe(failingInAccounts);
    expect(rest.every((f) => f.status === 'FAIL' || f.status === 'ERROR')).toBe(true);
    expect(rest.every((f) => f.account && [STRONG, WEAK].includes(f.account.id))).toBe(true);
    // The weak password policy fails in its account only.
    const passwordFails = rest.filter((f) => f.controlId === 'password-policy').map((f) => f.account!.id);
    expect(new Set(passwordFails)).toEqual(new Set([WEAK]));
    // An unreachable account is exit 3, whatever else failed.
    expect(result.exitCode).toBe(3);
    // The account-by-control table comes first in report.html, a row per covered account.
    const html = readFileSync(join(result.packageDir, 'report.html'), 'utf8');
    expect(html.indexOf('Accounts by control')).toBeGreaterThan(0);
    expect(html.indexOf('Accounts by control')).toBeLessThan(html.indexOf('Compliance matrix'));
    expect(html).toContain(`<a href="${WEAK}/report.html">`);
    expect(html).not.toContain('<script');
    const matrix = readFileSync(join(result.packageDir, 'account-control-matrix.csv'), 'utf8').split('\n');
    expect(matrix.find((l) => l.startsWith(WEAK))).toMatch(/"FAIL \(\d+ PASS, \d+ FAIL\)"/);
    expect(matrix.find((l) => l.startsWith(UNREACHABLE))).toContain('unreachable (assume-role: AccessDenied');
  });

  it('judges each account as a single-account audit of its snapshot does, apart from the controls the organization’s facts may change', async () => {
    const out = tempDir('org-same');
    const { packageDir } = await runOrganization(request(out));
    for (const [account, snapshot] of [
      [STRONG, demoAs(STRONG, strongPasswordPolicy)],
      [WEAK, demoAs(WEAK)],
    ] as const) {
      const alone = audit({ command: 'audit', checks: ALL_CHECKS, snapshot, startedAt: new Date(COLLECTED - 10 * DAY), outDir: tempDir('org-alone'), failOn: 'low', colour: NO_COLOUR });
      const inOrg = readFindings(join(packageDir, account)).findings;
      const keep = (findings: readonly Finding[]) => findings.filter((f) => !ORGANIZATION_FACT_CONTROLS.has(f.controlId));
      const aloneVerdicts = verdictsOf(keep(alone.findings));
      expect(aloneVerdicts.size).toBeGreaterThan(50);
      expect(verdictsOf(keep(inOrg.map((f) => ({ ...f, status: f.suppressed ? 'SUPPRESSED' : f.status }))))).toEqual(aloneVerdicts);
    }
  });

  it('chains a second run to the first: the package manifest records it, changes.csv and IAM-003 see the first run of each account, and a person’s Notes survive', async () => {
    const out = tempDir('org-chain');
    const first = await runOrganization(request(out));
    // A person writes Owner and Notes in the organization's living register and in an account's.
    for (const path of [join(orgDir(out), 'risk-register.csv'), join(orgDir(out), WEAK, 'risk-register.csv')]) {
      const rows = parseRiskRegister(readFileSync(path, 'utf8'));
      const row = rows.find((r) => r.riskId === 'IAM-004')!;
      row.owner = 'Dana (security)';
      row.notes = 'Vendor portal needs 12 chars; ticket SEC-41 — café';
      writeFileSync(path, riskRegisterCsv(rows));
    }
    const second = await runOrganization(request(out, { startedAt: new Date(COLLECTED - DAY) }));
    const manifest = JSON.parse(readFileSync(join(second.packageDir, 'manifest.json'), 'utf8')) as { previous: { run: string; manifestSha256: string } };
    expect(manifest.previous).toEqual({ run: basename(first.packageDir), manifestSha256: sha256(readFileSync(join(first.packageDir, 'manifest.json'))) });
    const chain = verifyChain(orgDir(out));
    expect(chain.problems).toEqual([]);
    expect(chain.runs).toBe(2);

    // The account's own manifest records its folder in the first package.
    const accountManifest = JSON.parse(readFileSync(join(second.packageDir, WEAK, 'manifest.json'), 'utf8')) as { previous: { run: string } };
    expect(accountManifest.previous.run).toBe(`${basename(first.packageDir)}/${WEAK}`);
    // changes.csv compares with the account's folder of the first package: nothing is new, the weak policy is still open.
    const changes = readFileSync(join(second.packageDir, WEAK, 'changes.csv'), 'utf8');
    expect(changes).toContain('still open,password-policy');
    expect(changes).not.toContain('no previous run');
    // IAM-003 counts the first organization run as a review of the account.
    const cadence = readFindings(join(second.packageDir, WEAK)).findings.find((f) => f.controlId === 'review-cadence')!;
    expect((cadence.evidence as { reviewsInWindow: string[] }).reviewsInWindow).toEqual([new Date(COLLECTED - 10 * DAY).toISOString()]);

    for (const path of [join(orgDir(out), 'risk-register.csv'), join(orgDir(out), WEAK, 'risk-register.csv'), join(second.packageDir, 'risk-register.csv')]) {
      const row = parseRiskRegister(readFileSync(path, 'utf8')).find((r) => r.riskId === 'IAM-004')!;
      expect([row.owner, row.notes, row.status]).toEqual(['Dana (security)', 'Vendor portal needs 12 chars; ticket SEC-41 — café', 'Open']);
    }
    // The organization's register names the accounts in Affected Resources.
    const orgRow = parseRiskRegister(readFileSync(join(orgDir(out), 'risk-register.csv'), 'utf8')).find((r) => r.riskId === 'IAM-004')!;
    expect(orgRow.affectedResources).not.toBe('');
    expect(orgRow.affectedResources.split('; ').every((resource) => resource.startsWith(`${WEAK}: `))).toBe(true);
    const coverageRow = parseRiskRegister(readFileSync(join(orgDir(out), 'risk-register.csv'), 'utf8')).find((r) => r.riskId === 'IAM-039')!;
    expect([coverageRow.status, coverageRow.affectedResources]).toEqual(['Open', `${UNREACHABLE}: ${UNREACHABLE}`]);
  });

  it('neutralises formulas in the names an organization’s administrators choose: account and OU names reach every CSV as text', async () => {
    const out = tempDir('org-formulas');
    const hostile = { ...orgAccount(STRONG, '=HYPERLINK("http://evil.example","open")', ['+PHI', '@Prod']) };
    const source = fakeSource([
      { account: hostile, snapshot: () => demoAs(STRONG) },
      { account: orgAccount(UNREACHABLE, '-legacy', ['=cmd|calc']), unreachable: 'AccessDenied: =not authorized' },
    ]);
    const result = await runOrganization(request(out, { source }));
    const csvs = [
      ...['findings.csv', 'account-control-matrix.csv', 'compliance-matrix.csv', 'risk-register.csv'].map((name) => join(result.packageDir, name)),
      join(result.packageDir, STRONG, 'findings.csv'),
    ];
    let cells = 0;
    for (const file of csvs) {
      for (const row of parse(readFileSync(file, 'utf8'), { relax_column_count: true }) as string[][]) {
        for (const cell of row) {
          cells += 1;
          // A spreadsheet runs a cell as a formula when it starts with one of these (src/report/csv.ts).
          expect(/^[=+\-@\t\r]/.test(cell), `${basename(file)}: ${cell}`).toBe(false);
        }
      }
    }
    expect(cells).toBeGreaterThan(100);
    // The names are kept, as text.
    expect(readFileSync(join(result.packageDir, 'account-control-matrix.csv'), 'utf8')).toContain(`'=HYPERLINK(""http://evil.example"",""open"")`);
  });

  it('a run that audits only some accounts closes no risk of the others in the organization’s register', async () => {
    const out = tempDir('org-partial-register');
    await runOrganization(request(out));
    const register = () => parseRiskRegister(readFileSync(join(orgDir(out), 'risk-register.csv'), 'utf8'));
    const before = register().find((r) => r.riskId === 'IAM-004')!;
    expect(before.status).toBe('Open');
    expect(before.affectedResources).toContain(`${WEAK}: `);
    // --accounts STRONG: the weak account is left out, not fixed.
    const onlyStrong = fakeSource([{ account: orgAccount(STRONG, 'clinic-prod', ['PHI', 'Prod']), snapshot: () => demoAs(STRONG, strongPasswordPolicy) }], {
      skipped: [{ account: orgAccount(WEAK, 'clinic-dev', ['Dev']), why: 'not in --accounts' }],
    });
    await runOrganization(request(out, { source: onlyStrong, startedAt: new Date(COLLECTED - 9 * DAY) }));
    const after = register().find((r) => r.riskId === 'IAM-004')!;
    expect(after.status).toBe('Open');
    expect(after.closedOn).toBe('');
    expect(after.affectedResources.split('; ').filter((e) => e.startsWith(`${WEAK}: `))).toEqual(before.affectedResources.split('; ').filter((e) => e.startsWith(`${WEAK}: `)));
    expect(after.lastSeen).toBe(before.lastSeen);
  });

  it('lists accounts by id in the roll-up, whatever order they finished in', async () => {
    const out = tempDir('org-order');
    const reversed = fakeSource([
      { account: orgAccount(UNREACHABLE, 'legacy'), unreachable: 'AccessDenied: no' },
      { account: orgAccount(WEAK, 'clinic-dev', ['Dev']), snapshot: () => demoAs(WEAK) },
      { account: orgAccount(STRONG, 'clinic-prod', ['PHI', 'Prod']), snapshot: () => demoAs(STRONG) },
    ]);
    const result = await runOrganization(request(out, { source: reversed }));
    const rows = readFileSync(join(result.packageDir, 'account-control-matrix.csv'), 'utf8').trim().split('\n').slice(1).map((line) => line.slice(0, 12));
    expect(rows).toEqual([STRONG, WEAK, UNREACHABLE]);
    const run = JSON.parse(readFileSync(join(result.packageDir, 'run.json'), 'utf8')) as { accounts: { id: string }[] };
    expect(run.accounts.map((a) => a.id)).toEqual([STRONG, WEAK, UNREACHABLE]);
  });

  it('refuses a selection that covers no account, before anything is written', async () => {
    const out = tempDir('org-empty');
    const none = fakeSource([], { skipped: [{ account: orgAccount(WEAK, 'clinic-dev'), why: '--exclude-accounts' }] });
    await expect(runOrganization(request(out, { source: none }))).rejects.toThrow(/covers no ACTIVE account .*nothing was written/);
    expect(existsSync(orgDir(out))).toBe(false);
  });

  it('leaves no package, no leftover and no register when writing an account fails midway', async () => {
    const out = tempDir('org-fail');
    const failing = request(out, {
      onPhase: (phase) => {
        if (phase === `${WEAK}:report:findings.csv`) throw new Error('disk full (simulated)');
      },
    });
    await expect(runOrganization(failing)).rejects.toThrow(EvidenceWriteError);
    await expect(runOrganization(failing)).rejects.toThrow(/nothing was written/);
    expect(readdirSync(orgDir(out))).toEqual([]);
  });

  it('leaves no package when the source fails midway', async () => {
    const out = tempDir('org-source-fail');
    await expect(runOrganization(request(out, { source: threeAccounts({ failAfter: 1 }) }))).rejects.toThrow(/the fake source failed/);
    expect(readdirSync(orgDir(out))).toEqual([]);
  });
});

describe('runOrganization memory', () => {
  it('keeps at most `concurrency` snapshots alive over 300 accounts: each is dropped once judged and written', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const concurrency = 2;
    const alive: WeakRef<Snapshot>[] = [];
    let most = 0;
    const template = JSON.stringify(emptySnapshot());
    const accounts: FakeAccount[] = Array.from({ length: 300 }, (_, i) => {
      const id = String(500000000000 + i);
      return { account: orgAccount(id, `member-${i}`), snapshot: () => snapshotSchema.parse(JSON.parse(template.split(ACCOUNT).join(id))) };
    });
    const source = fakeSource(accounts, {
      made: (snapshot) => {
        alive.push(new WeakRef(snapshot));
      },
      beforeNext: async (yielded) => {
        // Every 20 accounts: collect garbage and count the snapshots still reachable. A macrotask
        // first, as a live source's I/O gives: WeakRef targets are kept alive until the job ends.
        if (yielded % 20 !== 0) return;
        await new Promise((resolve) => setImmediate(resolve));
        gc();
        most = Math.max(most, alive.filter((ref) => ref.deref() !== undefined).length);
      },
    });
    const out = tempDir('org-memory');
    const result = await runOrganization({ command: 'password-policy', checks: checksForGroup('password-policy'), source, outDir: out, failOn: 'low', colour: NO_COLOUR, formats: ['json'] });
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(alive).toHaveLength(300);
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(concurrency);
    expect(alive.filter((ref) => ref.deref() !== undefined).length).toBeLessThanOrEqual(concurrency);
    // The roll-up kept counts of every account and only the failing findings.
    expect(result.rollup.accounts).toHaveLength(300);
    expect(result.rollup.failing.every((f) => f.status !== 'PASS')).toBe(true);
    expect(readdirSync(result.packageDir).filter((n) => /^\d{12}$/.test(n))).toHaveLength(300);
    expect(verifyPackage(result.packageDir).ok).toBe(true);
  });
});

function own(packageDir: string, account: string): Finding[] {
  return readFindings(join(packageDir, account)).findings;
}
