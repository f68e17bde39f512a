import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding, Status } from '../../src/checks/check.js';
import { runChecks } from '../../src/checks/engine.js';
import { ALL_CHECKS } from '../../src/checks/registry.js';
import { peopleAccess } from '../../src/identity-center/people-access.js';
import type { HtmlReportInput } from '../../src/report/evidence-types.js';
import { htmlReport } from '../../src/report/html-report.js';
import type { RunInfo } from '../../src/report/run-info.js';
import { DEFAULT_SETTINGS } from '../../src/settings.js';
import { loadSnapshot } from '../../src/snapshot/load.js';

/**
 * report.html as a real browser builds, shows and prints it: Debian's Chromium, headless,
 * driven by its command line (no browser library is a dependency). A machine without
 * Chromium skips this file, unless HIPAA_IAM_REQUIRE_BROWSER=1 (CI) makes that a failure.
 */
const CHROMIUM = '/usr/bin/chromium';
const browserInstalled = existsSync(CHROMIUM);
if (!browserInstalled) {
  const why = `Chromium is not installed at ${CHROMIUM}`;
  if (process.env.HIPAA_IAM_REQUIRE_BROWSER === '1') throw new Error(`HIPAA_IAM_REQUIRE_BROWSER=1 but ${why}; install it with: apt-get update && apt-get install -y chromium`);
  console.warn(`\n⚠ ${why}: the report.html browser tests are skipped (apt-get update && apt-get install -y chromium to run them)\n`);
}

/** Reviewers look at these after a run; test-artifacts/ is git-ignored. */
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const REPORT = join(ARTIFACTS, 'report.html');
const SCREENSHOT = join(ARTIFACTS, 'report.png');
const FILTERED_SCREENSHOT = join(ARTIFACTS, 'report-filtered.png');
const PDF = join(ARTIFACTS, 'report.pdf');
const LIVE_LIKE = join(ARTIFACTS, 'report-live-like.html');
const LIVE_LIKE_SCREENSHOT = join(ARTIFACTS, 'report-live-like.png');
const WIDTH_PROBE = join(ARTIFACTS, 'width-probe.html');

const CSP_VIOLATION = /violates the following Content Security Policy directive/;

/** The demo account as a full audit sees it, with the matrix, register and trend typed in. */
function demoInput(): HtmlReportInput {
  const snapshot = loadSnapshot(fileURLToPath(new URL('../../examples/demo-account.json', import.meta.url)));
  const findings = runChecks(ALL_CHECKS, snapshot, DEFAULT_SETTINGS, new Date(snapshot.collectedAt));
  const caller = snapshot.sources.callerIdentity;
  const counts = (of: readonly Finding[]) => {
    const tally: Partial<Record<Status, number>> = {};
    for (const f of of) tally[f.status] = (tally[f.status] ?? 0) + 1;
    return tally;
  };
  const run: RunInfo = {
    tool: snapshot.tool,
    command: 'audit',
    scope: 'full',
    accountId: snapshot.accountId,
    caller: caller.status === 'ok' ? { arn: caller.data.arn, userId: caller.data.userId } : null,
    source: snapshot.origin,
    snapshotCollectedAt: snapshot.collectedAt,
    startedAt: '2026-11-23T06:13:47.151Z',
    finishedAt: '2026-11-23T06:13:47.193Z',
    controls: ALL_CHECKS.map((c) => c.meta.controlId),
    statusCounts: counts(findings),
    collection: snapshot.collection,
    sourceErrors: [],
  };
  const citing = (spec: string) => findings.filter((f) => f.hipaa.includes(spec));
  return {
    run,
    controls: ALL_CHECKS.map((c) => c.meta),
    findings,
    matrix: [
      { specification: '164.312(d)', title: 'Person or entity authentication', controls: ['root-mfa', 'user-console-mfa', 'mfa-enforcement'], status: 'FAIL', counts: counts(citing('164.312(d)')), attestation: '' },
      { specification: '164.312(b)', title: 'Audit controls', controls: ['cloudtrail-multi-region', 'cloudtrail-log-validation'], status: 'FAIL', counts: counts(citing('164.312(b)')), attestation: '' },
      {
        specification: '164.308(a)(5)(ii)(A)',
        title: 'Security reminders',
        controls: [],
        status: 'MANUAL',
        counts: {},
        attestation: 'The workforce receives periodic security reminders; keep the last four quarterly reminders on file.',
      },
      {
        specification: '164.308(a)(7)(ii)(A)',
        title: 'Data backup plan',
        controls: [],
        status: 'MANUAL',
        counts: {},
        attestation: 'Retrievable exact copies of ePHI are made and restore-tested; attach the last restore test.',
      },
    ],
    register: [
      {
        riskId: 'IAM-005',
        description: 'Console users without MFA',
        hipaaStandard: '164.312(d)',
        severity: 'high',
        affectedResources: 'dr.alice.nguyen; dave.billing',
        mitigation: 'Enforce MFA for every console user',
        status: 'Open',
        firstDetected: '2026-09-23',
        lastSeen: '2026-11-23',
        closedOn: '',
        owner: 'Dana Whitfield (IT lead)',
        notes: 'Hardware keys ordered 2026-11-02; ticket SEC-212.\nDr. Nguyen exempt until 2026-12-01 <per CMO>.',
      },
      {
        riskId: 'IAM-010',
        description: 'Access keys older than 90 days',
        hipaaStandard: '164.308(a)(5)(ii)(D)',
        severity: 'medium',
        affectedResources: 'dave.billing access key 1; svc-ehr-backup access key 1',
        mitigation: 'Rotate access keys every 90 days',
        status: 'Accepted',
        firstDetected: '2026-08-23',
        lastSeen: '2026-11-23',
        closedOn: '',
        owner: 'Sam Ortiz',
        notes: 'Backup vendor rotates on its own schedule; accepted by the Security Officer.',
      },
      {
        riskId: 'IAM-007',
        description: 'Root access keys exist',
        hipaaStandard: '164.312(a)(1)',
        severity: 'critical',
        affectedResources: '',
        mitigation: 'Delete root access keys',
        status: 'Closed',
        firstDetected: '2026-08-23',
        lastSeen: '2026-09-23',
        closedOn: '2026-10-23',
        owner: 'Dana Whitfield (IT lead)',
        notes: '',
      },
    ],
    trend: [
      { startedAt: '2026-08-23T06:00:00.000Z', counts: { PASS: 51, FAIL: 49, ERROR: 3, NOT_APPLICABLE: 4 } },
      { startedAt: '2026-09-23T06:00:00.000Z', counts: { PASS: 58, FAIL: 44, NOT_APPLICABLE: 4 } },
      { startedAt: '2026-10-23T06:00:00.000Z', counts: { PASS: 62, FAIL: 41, ERROR: 1, NOT_APPLICABLE: 4 } },
      { startedAt: run.startedAt, counts: run.statusCounts },
    ],
    people: peopleAccess(snapshot, null, DEFAULT_SETTINGS, new Date(snapshot.collectedAt)),
  };
}

/**
 * The demo as a live account writes it: SSO role ARNs, policy documents in messages and
 * evidence, long path-like names, none with a space a line could break at.
 */
function liveLikeInput(): HtmlReportInput {
  const demo = demoInput();
  const role = 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/us-east-1/AWSReservedSSO_AWSAdministratorAccess_0a1b2c3d4e5f6a7b';
  const policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:PassRole","lambda:CreateFunction","lambda:InvokeFunction"],"Resource":"arn:aws:iam::111122223333:role/service-role/ehr-ingest-lambda-execution-role-20261123"}]}';
  return {
    ...demo,
    run: { ...demo.run, caller: { arn: `${role}/dana.whitfield@clinic-example.org`, userId: 'AROAEXAMPLEEXAMPLE0001:dana.whitfield@clinic-example.org' } },
    findings: demo.findings.map((f, i) => ({
      ...f,
      resourceName: i % 3 === 0 ? `AWSReservedSSO_AWSAdministratorAccess_0a1b2c3d4e5f6a7b-${f.resourceName}` : f.resourceName,
      resourceArn: `${role}-${f.resourceName}`,
      message: `${f.message} ${policy}`,
      evidence: { ...f.evidence, attachedPolicyArns: [`arn:aws:iam::111122223333:policy/service-role/AWSLambdaBasicExecutionRole-0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d`, role], statement: policy },
    })),
    register: demo.register.map((row) => ({ ...row, affectedResources: `${role};${role}-backup;arn:aws:iam::111122223333:user/integrations/svc-ehr-backup-nightly-export` })),
  };
}

/**
 * A page (no CSP of its own) that frames `target` 1280 px wide and writes the framed page's
 * scrollWidth and clientWidth into its DOM, for --dump-dom to read: the report's CSP lets no
 * measuring script run inside it. Needs --allow-file-access-from-files to read the frame.
 */
function widthProbe(target: string): string {
  return `<!DOCTYPE html><html><body><iframe id="f" src="${pathToFileURL(target).href}" width="1280" height="900"></iframe><script>
document.getElementById('f').addEventListener('load', () => {
  const d = document.getElementById('f').contentDocument;
  const out = document.createElement('output');
  out.id = 'width';
  out.textContent = d ? 'scrollWidth=' + d.documentElement.scrollWidth + ' clientWidth=' + d.documentElement.clientWidth : 'unreadable';
  document.body.appendChild(out);
});
</script></body></html>`;
}

interface BrowserRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * One headless Chromium run in a fresh profile, with every background service that could
 * reach the network turned off; logging on stderr so console (CSP) messages can be read.
 */
function chromium(args: readonly string[]): BrowserRun {
  const profile = mkdtempSync(join(tmpdir(), 'hipaa-iam-chromium-'));
  try {
    const result = spawnSync(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--enable-logging=stderr',
        '--v=0',
        `--user-data-dir=${profile}`,
        ...args,
      ],
      { encoding: 'utf8', timeout: 45_000, maxBuffer: 64 * 1024 * 1024 },
    );
    if (result.error) throw result.error;
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

describe.skipIf(!browserInstalled)('report.html in headless Chromium', () => {
  const input = demoInput();
  const reportUrl = pathToFileURL(REPORT).href;

  beforeAll(() => {
    mkdirSync(ARTIFACTS, { recursive: true });
    for (const file of [SCREENSHOT, FILTERED_SCREENSHOT, PDF]) rmSync(file, { force: true });
    writeFileSync(REPORT, htmlReport(input));
  });

  afterAll(() => {
    console.info(`report.html, its screenshot and its PDF are in ${ARTIFACTS}`);
  });

  it('builds the DOM with the title, the four charts and a table per control, and fetches nothing', () => {
    const run = chromium(['--dump-dom', reportUrl]);
    expect(run.status, run.stderr).toBe(0);
    const dom = run.stdout;
    expect(dom).toContain('<title>HIPAA IAM audit — account 111122223333 — 2026-11-23 06:13:47 UTC</title>');
    // The filter script ran (the CSP allowed it by its hash): the bar is shown, and nothing is filtered without a fragment.
    expect(dom).toContain('<div id="filters" class="filters" role="search">');
    expect(dom).not.toMatch(/<tr data-status="[A-Z_]+" hidden/);
    for (const chart of ['chart-controls', 'chart-severity', 'chart-trend', 'chart-hipaa']) {
      expect(dom).toMatch(new RegExp(`<svg id="${chart}" class="chart"[^>]*role="img"[^>]*aria-labelledby="${chart}-title ${chart}-desc"`));
    }
    for (const control of input.controls) {
      const start = dom.indexOf(`<section class="control" id="control-${control.controlId}" `);
      expect(start, control.controlId).toBeGreaterThan(0);
      expect(dom.slice(start, dom.indexOf('</section>', start))).toContain('<table class="findings');
    }
    expect(dom).toContain('<table class="matrix');
    expect(dom).toContain('<table class="register');
    expect(dom).toContain('Dr. Nguyen exempt until 2026-12-01 &lt;per CMO&gt;.');
    // The page asked for nothing the CSP had to refuse.
    expect(run.stderr).not.toMatch(CSP_VIOLATION);
  });

  it('shows who signs in through IAM Identity Center to which account, the administrator set marked', () => {
    const run = chromium(['--dump-dom', reportUrl]);
    expect(run.status, run.stderr).toBe(0);
    const dom = run.stdout;
    const start = dom.indexOf('<section id="people" class="major">');
    expect(start).toBeGreaterThan(0);
    const people = dom.slice(start, dom.indexOf('</section>', start));
    expect(people).toContain('<th scope="col">Account 111122223333</th>');
    // The demo clinic's seven people, of whom six hold a permission set here (jreyes none).
    expect([...people.matchAll(/<th scope="row">([^<]*)<\/th>/g)].map((m) => m[1])).toEqual([
      'anguyen (Dr. Alice Nguyen)', 'bmartinez (Bob Martinez)', 'cokafor (Carol Okafor)', 'gkim (Grace Kim)', 'hpatel (Henry Patel)', 'ichen (Ivy Chen)',
    ]);
    expect(people).toContain('<strong class="admin-set">AdministratorAccess</strong> <span class="admin-mark">(admin)</span> <span class="muted">direct</span>');
    expect(dom).toContain('<a href="#people">People × accounts</a>');
    expect(run.stderr).not.toMatch(CSP_VIOLATION);
  });

  it('would report a blocked fetch, so the check above is not vacuous', () => {
    const probe = join(ARTIFACTS, 'csp-probe.html');
    const csp = /<meta http-equiv="Content-Security-Policy"[^>]*>/.exec(htmlReport(input))?.[0] ?? '';
    writeFileSync(probe, `<!DOCTYPE html><html><head>${csp}<title>probe</title></head><body><img src="https://example.invalid/x.png"></body></html>`);
    const run = chromium(['--dump-dom', pathToFileURL(probe).href]);
    rmSync(probe, { force: true });
    expect(run.stderr).toMatch(CSP_VIOLATION);
  });

  it('renders a screenshot', () => {
    const run = chromium([`--screenshot=${SCREENSHOT}`, '--window-size=1280,2000', '--hide-scrollbars', reportUrl]);
    expect(run.status, run.stderr).toBe(0);
    const png = readFileSync(SCREENSHOT);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    // IHDR: width and height, big-endian, right after the signature and chunk header.
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1280, 2000]);
    expect(png.length).toBeGreaterThan(50_000);
  });

  it('filters by the URL fragment: #severity=critical&status=FAIL hides every other row and section, and screenshots the view', () => {
    const critical = new Set(input.controls.filter((c) => c.severity === 'critical').map((c) => c.controlId));
    const expected = input.findings.filter((f) => critical.has(f.controlId) && f.status === 'FAIL');
    // The demo must have a critical failure and other rows, or this would prove nothing.
    expect(expected.length).toBeGreaterThan(0);
    expect(input.findings.length).toBeGreaterThan(expected.length + 10);
    const url = `${reportUrl}#severity=critical&status=FAIL`;
    const run = chromium(['--dump-dom', url]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(CSP_VIOLATION);
    const dom = run.stdout;
    const rows = [...dom.matchAll(/<(tr|p class="names") data-status="([A-Z_]+)"[^>]*>/g)];
    const visible = rows.filter((m) => !/\shidden[\s>=]/.test(m[0]));
    expect(visible.length).toBe(expected.length);
    expect(visible.every((m) => m[2] === 'FAIL')).toBe(true);
    expect(rows.length - visible.length).toBeGreaterThan(10);
    expect(dom).toContain(`${expected.length} finding${expected.length === 1 ? '' : 's'} match`);
    // Sections of other severities are hidden whole; the critical ones with a FAIL stay.
    for (const control of input.controls) {
      const tag = new RegExp(`<section class="control" id="control-${control.controlId}"[^>]*>`).exec(dom)?.[0] ?? '';
      const hasCriticalFail = expected.some((f) => f.controlId === control.controlId);
      expect(/\shidden[\s>=]/.test(tag), control.controlId).toBe(!hasCriticalFail);
    }
    const shot = chromium([`--screenshot=${FILTERED_SCREENSHOT}`, '--window-size=1280,1400', '--hide-scrollbars', `${reportUrl}#status=FAIL&severity=critical`]);
    expect(shot.status, shot.stderr).toBe(0);
    expect(readFileSync(FILTERED_SCREENSHOT).subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('ignores a contents anchor in the fragment (no "="): nothing is hidden', () => {
    const run = chromium(['--dump-dom', `${reportUrl}#control-root-mfa`]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).not.toMatch(/<(tr|section|p) [^>]*\shidden[\s>=]/);
  });

  it('does not scroll sideways at 1280 px on a live-like report (long ARNs, policies and names in the cells)', () => {
    writeFileSync(LIVE_LIKE, htmlReport(liveLikeInput()));
    writeFileSync(WIDTH_PROBE, widthProbe(LIVE_LIKE));
    const run = chromium(['--allow-file-access-from-files', '--virtual-time-budget=5000', '--dump-dom', pathToFileURL(WIDTH_PROBE).href]);
    expect(run.status, run.stderr).toBe(0);
    const measured = /<output id="width">scrollWidth=(\d+) clientWidth=(\d+)<\/output>/.exec(run.stdout);
    expect(measured, run.stdout.slice(-400)).not.toBeNull();
    const [scrollWidth, clientWidth] = [Number(measured![1]), Number(measured![2])];
    expect(clientWidth).toBeGreaterThan(1200);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    const shot = chromium([`--screenshot=${LIVE_LIKE_SCREENSHOT}`, '--window-size=1280,2400', pathToFileURL(LIVE_LIKE).href]);
    expect(shot.status, shot.stderr).toBe(0);
  });

  it('prints to a multi-page PDF', () => {
    const run = chromium([`--print-to-pdf=${PDF}`, '--no-pdf-header-footer', reportUrl]);
    expect(run.status, run.stderr).toBe(0);
    expect(statSync(PDF).size).toBeGreaterThan(10_000);
    const pdf = readFileSync(PDF).toString('latin1');
    expect(pdf.startsWith('%PDF-')).toBe(true);
    // Header and summary, controls, matrix and register each start a page.
    expect(pdf.match(/\/Type\s*\/Page\b/g)?.length ?? 0).toBeGreaterThanOrEqual(4);
  });
});
