import { describe, expect, it } from 'vitest';
import type { CheckMeta, Finding, Status } from '../../src/checks/check.js';
import type { HtmlReportInput } from '../../src/report/evidence-types.js';
import { createHash } from 'node:crypto';
import { ALL_CHECKS } from '../../src/checks/registry.js';
import { hipaaStandard, htmlReport, prose, SCRIPT_HASH } from '../../src/report/html-report.js';
import { FILTER_SCRIPT } from '../../src/report/html/filter-script.js';
import type { RunInfo } from '../../src/report/run-info.js';

const HOSTILE = '<script>alert(1)</script>';
const HOSTILE_ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;';

const CONTROLS: CheckMeta[] = [
  {
    controlId: 'root-mfa',
    riskId: 'IAM-001',
    title: 'Root account has MFA',
    group: 'mfa-audit',
    severity: 'critical',
    hipaa: ['164.312(d)'],
    description: 'The root user signs in only with MFA.',
    remediation: 'Enable MFA on the root user.',
    documentation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html',
    sources: ['accountSummary'],
  },
  {
    controlId: 'access-key-rotation',
    riskId: 'IAM-010',
    title: 'Access keys are rotated',
    group: 'credentials',
    severity: 'medium',
    hipaa: ['164.308(a)(5)(ii)(D)', '164.312(a)(2)(i)'],
    description: 'No active key is older than 90 days.',
    remediation: 'Rotate the key & delete the old one.',
    documentation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id-credentials-access-keys-update.html',
    sources: ['credentialReport'],
  },
  {
    controlId: 'review-cadence',
    riskId: 'IAM-003',
    title: 'Access is reviewed monthly',
    group: 'risk-register',
    severity: 'low',
    hipaa: ['164.308(a)(1)(ii)(D)'],
    description: 'An audit runs at least every 31 days.',
    remediation: 'Schedule the audit.',
    documentation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_last-accessed.html',
    sources: [],
  },
];

function finding(control: CheckMeta, status: Status, resourceName: string, message: string, evidence: Record<string, unknown> = {}): Finding {
  return {
    controlId: control.controlId,
    riskId: control.riskId,
    title: control.title,
    severity: control.severity,
    hipaa: control.hipaa,
    status,
    resourceType: 'AWS::IAM::User',
    resourceArn: `arn:aws:iam::123456789012:user/${resourceName}`,
    resourceName,
    message,
    evidence,
  };
}

const [rootMfa, keyRotation, reviewCadence] = CONTROLS as [CheckMeta, CheckMeta, CheckMeta];

const FINDINGS: Finding[] = [
  finding(rootMfa, 'PASS', 'root', 'root has MFA enabled', { AccountMFAEnabled: 1 }),
  finding(keyRotation, 'FAIL', HOSTILE, `key of ${HOSTILE} is 522 days old`, { ageDays: 522, note: HOSTILE, secretAccessKey: 'wJalrXUtnFEMI/K7MDENG', nested: { sessionToken: 'FQoGZXIvYXdzEJr' } }),
  finding(keyRotation, 'NOT_APPLICABLE', 'svc-backup', 'no access key'),
  finding(keyRotation, 'SUPPRESSED', 'svc-legacy', 'suppressed until 2027-01-01'),
  finding(reviewCadence, 'ERROR', '123456789012', 'could not be evaluated: archive unreadable'),
  finding(reviewCadence, 'MANUAL', '123456789012', 'a person must confirm the review'),
];

const RUN: RunInfo = {
  tool: { name: 'hipaa-iam', version: '9.9.9' },
  command: 'audit',
  scope: 'full',
  accountId: '123456789012',
  caller: { arn: 'arn:aws:sts::123456789012:assumed-role/auditor/me', userId: 'AROAEXAMPLE:me' },
  source: { kind: 'demo', description: 'unit test account' },
  snapshotCollectedAt: '2026-11-20T14:00:00.000Z',
  startedAt: '2026-11-23T06:00:00.000Z',
  finishedAt: '2026-11-23T06:00:02.000Z',
  controls: CONTROLS.map((c) => c.controlId),
  statusCounts: { PASS: 1, FAIL: 1, ERROR: 1, MANUAL: 1, NOT_APPLICABLE: 1, SUPPRESSED: 1 },
  collection: { startedAt: '2026-11-20T13:59:58.000Z', finishedAt: '2026-11-20T14:00:00.000Z', calls: {} },
  sourceErrors: [],
};

const INPUT: HtmlReportInput = {
  run: RUN,
  controls: CONTROLS,
  findings: FINDINGS,
  matrix: [
    { specification: '164.312(d)', title: 'Person or entity authentication', controls: ['root-mfa'], status: 'PASS', counts: { PASS: 1 }, attestation: '' },
    {
      specification: '164.308(a)(5)(ii)(A)',
      title: 'Security reminders',
      controls: [],
      status: 'MANUAL',
      counts: {},
      attestation: 'Security reminders are sent to the workforce at least quarterly.',
    },
  ],
  register: [
    {
      riskId: 'IAM-010',
      description: 'Stale access keys',
      hipaaStandard: '164.308(a)(5)(ii)(D)',
      severity: 'medium',
      affectedResources: 'svc-ehr-backup',
      mitigation: 'Rotate keys every 90 days',
      status: 'Open',
      firstDetected: '2026-09-20',
      lastSeen: '2026-11-23',
      closedOn: '',
      owner: 'Dana Whitfield (IT)',
      notes: `Vendor ticket #4411 — ${HOSTILE}`,
    },
  ],
  trend: [
    { startedAt: '2026-09-23T06:00:00.000Z', counts: { PASS: 50, FAIL: 40, ERROR: 2 } },
    { startedAt: '2026-10-23T06:00:00.000Z', counts: { PASS: 58, FAIL: 35 } },
    { startedAt: '2026-11-23T06:00:00.000Z', counts: { PASS: 66, FAIL: 38, NOT_APPLICABLE: 4 } },
  ],
};

const html = htmlReport(INPUT);

describe('htmlReport', () => {
  it('is one complete document whose CSP forbids every fetch', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src '${SCRIPT_HASH}'; form-action 'none'; base-uri 'none'">`,
    );
    expect(html).toContain('<title>HIPAA IAM audit — account 123456789012 — 2026-11-23 06:00:00 UTC</title>');
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
  });

  it.each([
    ['no src attribute', /\bsrc\s*=/i],
    ['no <link> element', /<link\b/i],
    ['no @import', /@import/i],
    ['no url() other than data:', /url\(\s*(?!['"]?data:)/i],
    // Links to AWS documentation are the one exception, checked below: followed only when clicked, never fetched.
    ['no href leaving the page', /\bhref\s*=\s*(?!["']?#|"https:\/\/(docs\.)?aws\.amazon\.com\/[^"]*" rel="noreferrer noopener")/i],
    ['no http:// or https:// in any attribute', /(?<!\bhref)=\s*["']?[^"'>\s]*https?:\/\//i],
    ['no script element with a src', /<script\b[^>]*\bsrc\b/i],
    ['no inline event handler', /<[a-z]+\b[^>]*\son[a-z]+\s*=/i],
    ['no <iframe>, <object> or <embed>', /<(iframe|object|embed)\b/i],
  ])('fetches nothing: %s', (_name, pattern) => {
    expect(html).not.toMatch(pattern);
  });

  it.each(CONTROLS.map((c) => [c.controlId, c]))('has a section for %s with its metadata', (_id, control) => {
    const start = html.indexOf(`<section class="control" id="control-${control.controlId}" `);
    expect(start).toBeGreaterThan(0);
    const section = html.slice(start, html.indexOf('</section>', start));
    for (const text of [control.riskId, control.title, control.severity, ...control.hipaa, control.description]) expect(section).toContain(text);
    expect(section).toContain(control.remediation.replace('&', '&amp;'));
  });

  it('lists the controls by their worst finding: FAIL, then ERROR, then those that all pass', () => {
    const positions = ['access-key-rotation', 'review-cadence', 'root-mfa'].map((id) => html.indexOf(`id="control-${id}"`));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it.each([
    ['a resource name', `<strong>${HOSTILE_ESCAPED}</strong>`],
    ['a message', `key of ${HOSTILE_ESCAPED} is 522 days old`],
    ['an evidence value', `<span class="key">note</span>: ${HOSTILE_ESCAPED}`],
    ['a register note', `Vendor ticket #4411 — ${HOSTILE_ESCAPED}`],
  ])('shows a <script> in %s as text', (_where, escaped) => {
    expect(html).toContain(escaped);
    expect(html).not.toContain(HOSTILE);
  });

  it('shows evidence as key: value text, never secret-looking values', () => {
    expect(html).toContain('<span class="key">ageDays</span>: 522');
    expect(html).toContain('<span class="key">secretAccessKey</span>: [redacted]');
    expect(html).not.toContain('wJalrXUtnFEMI');
    expect(html).not.toContain('FQoGZXIvYXdzEJr');
  });

  it.each(['PASS', 'FAIL', 'ERROR', 'MANUAL', 'NOT_APPLICABLE', 'SUPPRESSED'])('spells out the %s status beside its colour', (status) => {
    expect(html).toContain(`<span class="status status-${status}">${status}</span>`);
  });

  it('puts failing and erroring findings first within a control', () => {
    const section = html.slice(html.indexOf('id="control-access-key-rotation"'));
    expect(section.indexOf('status-FAIL')).toBeLessThan(section.indexOf('status-NOT_APPLICABLE'));
  });

  it('heads the page with the run facts and a one-line verdict', () => {
    for (const text of ['123456789012', 'arn:aws:sts::123456789012:assumed-role/auditor/me', 'demo — unit test account', 'hipaa-iam 9.9.9', '2026-11-23 06:00:00 UTC', '2026-11-23 06:00:02 UTC']) {
      expect(html).toContain(text);
    }
    expect(html).toMatch(/Verdict:<\/strong> 6 findings across 3 controls: 1 FAIL · 1 ERROR · 1 MANUAL · 1 PASS · 1 SUPPRESSED · 1 NOT_APPLICABLE; 1 of 3 controls have failing findings\./);
  });

  it.each([
    ['chart-controls', 'Failing findings by control'],
    ['chart-severity', 'Failing findings by severity'],
    ['chart-hipaa', 'Failing findings by HIPAA standard'],
    ['chart-trend', 'Trend over archived runs'],
  ])('draws the %s chart as an accessible inline <svg>', (id, title) => {
    const match = new RegExp(`<svg id="${id}"[^>]*role="img"[^>]*aria-labelledby="${id}-title ${id}-desc"[^>]*><title id="${id}-title">${title}</title><desc id="${id}-desc">[^<]+</desc>`).exec(html);
    expect(match).not.toBeNull();
  });

  it('labels every run of the trend and says how many runs there were', () => {
    expect(html).toContain('PASS, FAIL and ERROR counts of 3 run(s), oldest first: 2026-09-23T06:00:00.000Z: 50 PASS, 40 FAIL, 2 ERROR;');
    expect(html).toContain('FAIL (now 38)');
  });

  it('draws a single point when there is only one run', () => {
    const single = htmlReport({ ...INPUT, trend: INPUT.trend.slice(-1) });
    const trend = single.slice(single.indexOf('<svg id="chart-trend"'), single.indexOf('</svg>', single.indexOf('<svg id="chart-trend"')));
    expect(trend).not.toContain('<polyline');
    expect(trend).toContain('<circle');
  });

  it('counts failing findings by severity in the severity chart', () => {
    expect(html).toContain('Failing findings by severity: critical 0, high 0, medium 1, low 0.');
  });

  it('rolls citations up to their Security Rule standard', () => {
    expect(html).toContain('164.308(a)(5) Security awareness and training');
    expect(html).toContain('164.312(a) Access control');
  });

  it.each([
    ['164.308(a)(1)(ii)(D)', '164.308(a)(1)'],
    ['164.308(b)(1)', '164.308(b)(1)'],
    ['164.312(a)(2)(iv)', '164.312(a)'],
    ['164.312(d)', '164.312(d)'],
    ['164.312(e)(2)(ii)', '164.312(e)'],
    ['not a citation', 'not a citation'],
  ])('hipaaStandard(%s) is %s', (citation, standard) => {
    expect(hipaaStandard(citation)).toBe(standard);
  });

  it('shows the compliance matrix with the MANUAL attestation', () => {
    const matrix = html.slice(html.indexOf('id="matrix"'), html.indexOf('id="register"'));
    expect(matrix).toContain('<span class="status status-MANUAL">MANUAL</span>');
    expect(matrix).toContain('Security reminders are sent to the workforce at least quarterly.');
    expect(matrix).toContain('<a href="#control-root-mfa">root-mfa</a>');
  });

  it('shows every column of the risk register, Owner and Notes included', () => {
    const register = html.slice(html.indexOf('id="register"'));
    for (const column of ['Risk ID', 'Risk Description', 'HIPAA Standard', 'Severity', 'Affected Resources', 'Mitigation', 'Status', 'First Detected', 'Last Seen', 'Closed On', 'Owner', 'Notes']) {
      expect(register).toContain(`<th scope="col">${column}</th>`);
    }
    for (const text of ['Stale access keys', 'svc-ehr-backup', 'Rotate keys every 90 days', 'Open', '2026-09-20', 'Dana Whitfield (IT)']) expect(register).toContain(text);
  });

  it('has a print stylesheet that keeps rows whole and starts major sections on a new page', () => {
    expect(html).toContain('@media print');
    expect(html).toMatch(/tr \{ break-inside: avoid; \}/);
    expect(html).toMatch(/section\.major \{ break-before: page; \}/);
  });

  it('states when the caller is unknown and lists sources that failed', () => {
    const page = htmlReport({ ...INPUT, run: { ...RUN, caller: null, sourceErrors: [{ source: 'credentialReport', code: 'AccessDenied', message: `denied ${HOSTILE}` }] } });
    expect(page).toContain('unknown (caller identity was not collected)');
    expect(page).toContain(`credentialReport: AccessDenied: denied ${HOSTILE_ESCAPED}`);
    expect(page).not.toContain(HOSTILE);
  });

  it('leaves out of "could not be read" the caller an import never records and sources not read on purpose', () => {
    const notFailures = [
      { source: 'callerIdentity', code: 'NotInImport', message: 'an import of AWS CLI exports does not record who collected them' },
      { source: 'accessAnalyzer', code: 'NotCollected', message: "not needed by password-policy's controls" },
    ];
    expect(htmlReport({ ...INPUT, run: { ...RUN, sourceErrors: notFailures } })).not.toContain('class="source-errors"');
    const page = htmlReport({ ...INPUT, run: { ...RUN, sourceErrors: [...notFailures, { source: 'trails', code: 'NotInImport', message: 'not in the folder' }] } });
    const box = /<div class="source-errors">.*?<\/div>/s.exec(page)?.[0];
    expect(box).toContain('trails: NotInImport: not in the folder');
    expect(box).not.toMatch(/callerIdentity|NotCollected/);
  });

  it('says what a remediating run planned or changed, and what could not be planned, escaped', () => {
    const summary = { command: 'boundary --apply', planned: 4, applied: 2, alreadyInPlace: 0, failed: 1, skipped: 1, blocked: [`eu-west-1: ${HOSTILE}`], warnings: [] };
    const applied = htmlReport({ ...INPUT, run: { ...RUN, remediation: { ...summary, mode: 'apply' } } });
    expect(applied).toContain('<dt>Remediation</dt><dd>boundary --apply: 4 planned, 2 applied, 0 already in place, 1 failed, 1 skipped (remediation-log.csv)');
    expect(applied).toContain(`<dt>Could not be planned</dt><dd>eu-west-1: ${HOSTILE_ESCAPED}</dd>`);
    expect(applied).not.toContain(HOSTILE);
    const planned = htmlReport({ ...INPUT, run: { ...RUN, remediation: { ...summary, mode: 'plan', blocked: [] } } });
    expect(planned).toContain('dry run of boundary --apply: 4 change(s) planned, none made (remediation-plan.csv)');
    expect(html).not.toMatch(/remediation-(log|plan)\.csv/);
  });

  it('renders an empty run without failing', () => {
    const page = htmlReport({ ...INPUT, findings: [], matrix: [], register: [], trend: [] });
    expect(page).toContain('no failing findings');
    expect(page).toContain('no runs recorded');
    expect(page).toContain('<td colspan="12">None.</td>');
  });

  it('runs one inline script, the one whose SHA-256 the CSP names, and no other', () => {
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    expect(html.match(/<script\b/g)).toHaveLength(1);
    const hash = `sha256-${createHash('sha256').update(scripts[0]?.[1] ?? '', 'utf8').digest('base64')}`;
    expect(hash).toBe(SCRIPT_HASH);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1] ?? '';
    // Exactly that hash: no 'unsafe-inline', no host, no nonce.
    expect(csp.split('; ').filter((d) => d.startsWith('script-src'))).toEqual([`script-src '${hash}'`]);
    expect(FILTER_SCRIPT).not.toMatch(/<\/script|<!--/i);
  });

  it('links each control’s remediation to its AWS documentation, without a referrer', () => {
    const section = html.slice(html.indexOf('id="control-access-key-rotation"'));
    expect(section.slice(0, section.indexOf('</section>'))).toContain(
      '<div class="fix"><strong>Remediation:</strong> Rotate the key &amp; delete the old one. <span class="doc">AWS documentation: <a href="https://docs.aws.amazon.com/IAM/latest/UserGuide/id-credentials-access-keys-update.html" rel="noreferrer noopener">docs.aws.amazon.com/IAM/latest/UserGuide/id-credentials-access-keys-update.html</a></span></div>',
    );
    expect(html).toContain('<meta name="referrer" content="no-referrer">');
  });

  it('links every registered control to an AWS page, and leaves the page by no other link', () => {
    const page = htmlReport({ ...INPUT, controls: ALL_CHECKS.map((c) => c.meta), findings: [] });
    const external = [...page.matchAll(/href="([^"#][^"]*)"/g)].map((m) => m[1]);
    expect(external).toHaveLength(ALL_CHECKS.length);
    for (const href of external) expect(href).toMatch(/^https:\/\/(docs\.)?aws\.amazon\.com\//);
  });

  it('shows a documentation value that is not an https AWS address as text, never as a link', () => {
    const page = htmlReport({ ...INPUT, controls: CONTROLS.map((c) => ({ ...c, documentation: 'javascript:alert(1)' })) });
    expect(page).toContain('<span class="doc">AWS documentation: javascript:alert(1)</span>');
    expect(page).not.toMatch(/href="javascript/);
  });

  describe('on a large control: 2 critical failures among 135 passes', () => {
    const big: CheckMeta = { ...rootMfa, controlId: 'admin-access', riskId: 'IAM-014', title: 'No administrator access' };
    const failures = [finding(big, 'FAIL', 'alice', 'alice has * on *'), finding(big, 'FAIL', 'bob', 'bob has * on *')];
    const passes = Array.from({ length: 135 }, (_, i) => finding(big, 'PASS', `user-${i}`, `user-${i} has no policy granting * on *`));
    const page = htmlReport({ ...INPUT, controls: [...CONTROLS, big], findings: [...FINDINGS, ...passes, ...failures] });
    const section = page.slice(page.indexOf('id="control-admin-access"'), page.indexOf('</section>', page.indexOf('id="control-admin-access"')));

    it('lists the failures first, and the passes collapsed under their count', () => {
      expect(section).toContain('<details class="passing"><summary>135 PASS <span class="muted closed-hint">(collapsed: open to list them)</span></summary>');
      expect(section).not.toMatch(/<details[^>]*\sopen/);
      expect(section.indexOf('<strong>alice</strong>')).toBeLessThan(section.indexOf('<details'));
      // The first 50 passes are rows; the other 85 are named in one paragraph.
      expect(section.slice(section.indexOf('<details')).match(/<tr data-status="PASS">/g)).toHaveLength(50);
      expect(section).toContain('<p class="names" data-status="PASS" data-count="85"><span class="status status-PASS">PASS</span> <strong>85 more:</strong> user-50, user-51,');
    });

    it('comes before every other control, being critical and failing', () => {
      expect(page.indexOf('id="control-admin-access"')).toBeLessThan(page.indexOf('id="control-access-key-rotation"'));
    });

    it('draws its 2 failures on the scale of the largest failing count, not as a share of 137', () => {
      const chart = page.slice(page.indexOf('<svg id="chart-controls"'), page.indexOf('</svg>', page.indexOf('<svg id="chart-controls"')));
      expect(chart).toContain('IAM-014 admin-access: 2 FAIL of 137 findings');
      // Both rows with a FAIL have 1 or 2; the axis runs 0, 1, 2 and the 2-bar is the full 460 units.
      expect(chart).toMatch(/<rect x="[\d.]+" y="[\d.]+" width="460" height="15" fill="#7f0000"/);
      expect(chart).not.toContain('%');
    });
  });

  it('gives one short row to each failing finding after the first 100 of a control, with the count', () => {
    const many = Array.from({ length: 130 }, (_, i) => finding(keyRotation, 'FAIL', `key-${i}`, `key-${i} is old`, { ageDays: 400 + i }));
    const page = htmlReport({ ...INPUT, findings: many });
    expect(page).toContain('30 more findings of this control that need attention, one line each');
    expect(page).toContain('<tr data-status="FAIL"><td><span class="status status-FAIL">FAIL</span></td><td><strong>key-129</strong></td><td>key-129 is old</td></tr>');
    expect(page).toContain('<span class="key">ageDays</span>: 499');
    expect(page).not.toContain('<span class="key">ageDays</span>: 500');
    expect(page.match(/<tr data-status="FAIL">/g)).toHaveLength(130);
  });

  it('offers filters by control, severity and status, hidden until the script shows them', () => {
    expect(html).toContain('<div id="filters" class="filters" role="search" hidden>');
    for (const c of CONTROLS) expect(html).toContain(`<option value="${c.controlId}">${c.riskId} ${c.controlId}</option>`);
    for (const s of ['critical', 'high', 'medium', 'low', 'FAIL', 'ERROR', 'MANUAL', 'PASS', 'SUPPRESSED', 'NOT_APPLICABLE']) expect(html).toContain(`<option value="${s}">${s}</option>`);
    expect(html).toContain('<input id="filter-q" data-key="q" type="search"');
    // Every finding row says its status, and every control section its id and severity, for the script.
    expect(html.match(/<tr data-status="/g)).toHaveLength(FINDINGS.length);
    expect(html).toContain('id="control-root-mfa" data-control="root-mfa" data-severity="critical"');
  });

  it('prints without the filter bar, with collapsed passes opened', () => {
    expect(html).toContain('nav, #filters { display: none !important; }');
    expect(html).toContain('@media print { details.passing::details-content { content-visibility: visible; display: contents; } }');
  });

  it('labels the trend axes: round count ticks, a title on each axis, and the run dates', () => {
    const trend = html.slice(html.indexOf('<svg id="chart-trend"'), html.indexOf('</svg>', html.indexOf('<svg id="chart-trend"')));
    for (const tick of ['0', '20', '40', '60', '80']) expect(trend).toMatch(new RegExp(`class="axis" text-anchor="end">${tick}</text>`));
    expect(trend).toContain('>findings</text>');
    expect(trend).toContain('date of the run (UTC), one point per full audit');
    for (const date of ['2026-09-23', '2026-10-23', '2026-11-23']) expect(trend).toContain(`>${date}</text>`);
  });

  it('tells runs of the same day apart on the trend by their time', () => {
    const page = htmlReport({ ...INPUT, trend: [{ startedAt: '2026-11-23T05:00:00.000Z', counts: { PASS: 60 } }, { startedAt: '2026-11-23T06:00:00.000Z', counts: { PASS: 66 } }] });
    const trend = page.slice(page.indexOf('<svg id="chart-trend"'), page.indexOf('</svg>', page.indexOf('<svg id="chart-trend"')));
    expect(trend).toContain('>05:00 UTC</text>');
    expect(trend).toContain('>06:00 UTC</text>');
    expect(html).not.toContain('06:00 UTC</text>');
  });

  it('is pure: the same input gives the same page', () => {
    expect(htmlReport(INPUT)).toBe(html);
  });
});

describe('what a fresh reader found wrong in report.html', () => {
  it('sets the catalogue\'s `code` spans as <code>, escaped, in a control\'s remediation and description and in the register', () => {
    expect(prose('Replace `"Action": "*"` grants & review `<b>` holders')).toBe('Replace <code>&quot;Action&quot;: &quot;*&quot;</code> grants &amp; review <code>&lt;b&gt;</code> holders');
    expect(prose('a lone ` backtick')).toBe('a lone ` backtick');
    const control = { ...INPUT.controls[0]!, description: 'Root signs in with `MFA`.', remediation: 'Run `aws iam enable-mfa-device`.' };
    const page = htmlReport({ ...INPUT, controls: [control, ...INPUT.controls.slice(1)], register: [{ ...INPUT.register[0]!, mitigation: 'Delete `root` keys' }] });
    expect(page).toContain('<strong>Remediation:</strong> Run <code>aws iam enable-mfa-device</code>.');
    expect(page).toContain('<dt>Description</dt><dd>Root signs in with <code>MFA</code>.</dd>');
    expect(page).toContain('<td>Delete <code>root</code> keys</td>');
    expect(page).not.toMatch(/`/);
  });

  it('says a PASS group is collapsed only while it is: the hint hides once the <details> is open', () => {
    expect(htmlReport(INPUT)).toMatch(/details\[open\] > summary \.closed-hint \{ display: none; \}/);
  });

  it('lets a long token break anywhere in a cell or a run fact, so a live report does not scroll sideways (measured in test/report/html-browser.test.ts)', () => {
    const page = htmlReport(INPUT);
    expect(page).toMatch(/th, td \{[^}]*overflow-wrap: anywhere;/);
    expect(page).toMatch(/dd \{[^}]*overflow-wrap: anywhere;/);
  });

  it('names the expired exceptions in the run facts beside the others', () => {
    const exceptions = {
      file: 'exceptions.csv',
      entries: 3,
      suppressedFindings: 1,
      unmatched: [],
      expiringSoon: [{ line: 2, id: 'root-mfa', resource: 'root', expires: '2026-12-01', daysLeft: 8 }],
      expired: [{ line: 3, id: 'IAM-001', resource: 'dave', expires: '2020-01-31' }, { line: 4, id: 'IAM-010', resource: '*', expires: '2021-01-31' }],
      notJudged: [],
    };
    expect(htmlReport({ ...INPUT, run: { ...RUN, exceptions } })).toContain(
      '<dt>Exceptions</dt><dd>exceptions.csv: 1 failing finding(s) accepted; 0 exception(s) matched nothing; 1 expire within 30 days (line 2); 2 expired, their failures still FAIL (line 3, 4)</dd>',
    );
  });
});
