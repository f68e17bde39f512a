import type { CheckMeta, Finding, Status } from '../checks/check.js';
import { countsText, worstStatus, type OrganizationRollup, type RollupAccount } from '../organization/rollup.js';
import { toCsv } from './csv.js';
import type { ComplianceMatrixRow, RiskRegisterRow } from './evidence-types.js';
import { escapeHtml as esc, STATUS_COLOURS, tallyText } from './html/charts.js';
import { documentHead, STYLE } from './html-report.js';
import { identityCenterAccessSection, type OrganizationAccess } from './organization-identity-center.js';
import { REGISTER_COLUMNS } from './risk-register.js';

// The roll-up files of an organization package that are not a run's: the account-by-control
// matrix (CSV) and the organization's report.html, which shows that table first. Both judge
// nothing: they lay out the roll-up's counts (src/organization/rollup.ts).

/** The page needs no script: static HTML, every fetch refused. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'";

/**
 * account-control-matrix.csv: a row per covered account (audited or unreachable), its id, name,
 * OU path and outcome, then per control the worst status of its findings in that account
 * (ERROR, FAIL, SUPPRESSED, MANUAL, PASS, NOT_APPLICABLE first found) and the counts, e.g.
 * `FAIL (2 FAIL, 5 PASS)`; empty where the control made no finding; `not audited` in the
 * controls of an unreachable account.
 */
export function accountControlMatrixCsv(rollup: OrganizationRollup, controls: readonly CheckMeta[]): string {
  return toCsv(
    ['Account ID', 'Account Name', 'OU Path', 'Outcome', ...controls.map((c) => `${c.riskId} ${c.controlId}`)],
    rollup.accounts.map((a) => [a.id, a.name, a.ouPath, a.outcome === 'audited' ? 'audited' : `unreachable (${a.step}: ${a.reason})`, ...controls.map((c) => cellText(a, c))]),
  );
}

function cellText(account: RollupAccount, control: CheckMeta): string {
  const counts = account.byControl[control.controlId];
  const worst = worstStatus(counts);
  if (!worst) return account.outcome === 'unreachable' ? 'not audited' : '';
  return `${worst} (${countsText(counts!)})`;
}

export interface OrganizationReportInput {
  title: string;
  /** Facts of the run shown at the top, already text (escaped here). */
  facts: [string, string][];
  rollup: OrganizationRollup;
  controls: readonly CheckMeta[];
  matrix: readonly ComplianceMatrixRow[];
  register: readonly RiskRegisterRow[];
  skipped: readonly { id: string; name: string; status: string; why: string }[];
  /** Who reaches which account through IAM Identity Center (organizationAccess); absent: the section is left out. */
  identityCenter?: OrganizationAccess;
  /** Failing findings listed in full up to this many (all are in findings.csv). */
  maxFindings?: number;
}

/** The organization's report.html in chunks: the account-by-control table first, then IAM Identity Center's people × accounts, the accounts left out, the matrix, the failing findings and the register. */
export function* organizationHtmlChunks(input: OrganizationReportInput): Generator<string> {
  const { rollup, controls } = input;
  const max = input.maxFindings ?? 2000;
  yield [
    ...documentHead(input.title, `${STYLE}\n${ORG_STYLE}`, CSP),
    '<body>',
    '<header>',
    `<h1>${esc(input.title)}</h1>`,
    `<dl class="run-facts">${input.facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`,
    `<p class="verdict"><strong>Verdict:</strong> ${rollup.accounts.filter((a) => a.outcome === 'audited').length} account(s) audited, ${rollup.accounts.filter((a) => a.outcome === 'unreachable').length} unreachable; findings: ${esc(tallyText(rollup.totals))}.</p>`,
    '</header>',
    '',
  ].join('\n');
  yield '<section id="accounts" class="major"><h2>Accounts by control</h2>\n<p>Each cell is the worst status of the control’s findings in the account, with its counts on hover and in account-control-matrix.csv; an account’s own report is linked from its id.</p>\n';
  yield `<div class="wide"><table class="org-matrix"><thead><tr><th>Account</th><th>OU path</th><th>Findings</th>${controls.map((c) => `<th title="${esc(c.title)}">${esc(c.riskId)}<br><span class="muted">${esc(c.controlId)}</span></th>`).join('')}</tr></thead><tbody>\n`;
  for (const a of rollup.accounts) {
    const id = a.outcome === 'audited' ? `<a href="${esc(a.id)}/report.html">${esc(a.id)}</a>` : esc(a.id);
    const summary = a.outcome === 'audited' ? esc(tallyText(a.statusCounts)) : `<strong>unreachable</strong>: ${esc(a.step)}: ${esc(a.reason)}`;
    const cells = controls.map((c) => {
      const counts = a.byControl[c.controlId];
      const worst = worstStatus(counts);
      if (!worst) return `<td class="cell empty">${a.outcome === 'unreachable' ? '–' : ''}</td>`;
      return `<td class="cell" style="background:${STATUS_COLOURS[worst]}" title="${esc(countsText(counts!))}">${esc(worst)}</td>`;
    });
    yield `<tr><th scope="row">${id}<br><span class="muted">${esc(a.name)}</span></th><td>${esc(a.ouPath)}</td><td>${summary}</td>${cells.join('')}</tr>\n`;
  }
  yield '</tbody></table></div>\n</section>\n';
  if (input.identityCenter) yield identityCenterAccessSection(input.identityCenter);
  if (input.skipped.length > 0) {
    yield `<section id="skipped" class="major"><h2>Accounts left out</h2><p>Not ACTIVE, not selected or excluded: recorded, never judged.</p>${simpleTable(['Account', 'Name', 'Status', 'Why'], input.skipped.map((s) => [s.id, s.name, s.status, s.why]))}</section>\n`;
  }
  yield `<section id="matrix" class="major"><h2>Compliance matrix (organization-wide)</h2><p>Every account’s findings summed per HIPAA specification; each account’s own matrix is in its folder.</p>${simpleTable(
    ['Specification', 'Title', 'Controls', 'Status', 'Counts', 'Attestation'],
    input.matrix.map((r) => [r.specification, r.title, r.controls.join(' '), r.status, tallyText(r.counts), r.attestation]),
  )}</section>\n`;
  const failing = rollup.documented().filter((f) => f.status !== 'PASS');
  yield `<section id="findings" class="major"><h2>Failing findings</h2><p>${failing.length} FAIL, ERROR and SUPPRESSED finding(s)${failing.length > max ? `; the first ${max} are listed, all are in findings.csv and findings.json` : ''}.</p>\n<table class="findings"><thead><tr><th>Account</th><th>OU path</th><th>Control</th><th>Status</th><th>Severity</th><th>Resource</th><th>Message</th></tr></thead><tbody>\n`;
  for (const f of failing.slice(0, max)) yield findingRow(f);
  yield '</tbody></table></section>\n';
  yield `<section id="register" class="major"><h2>Risk register (organization)</h2><p>The organization’s living register as of this run; Affected Resources are prefixed with their account id. Owner and Notes are written by people and carried forward untouched.</p>${simpleTable(
    REGISTER_COLUMNS.map((c) => c),
    input.register.map((r) => [r.riskId, r.description, r.hipaaStandard, r.severity, r.affectedResources, r.mitigation, r.status, r.firstDetected, r.lastSeen, r.closedOn, r.owner, r.notes]),
  )}</section>\n`;
  yield `<footer><p>Generated by hipaa-iam. Every account’s complete evidence is in its folder; manifest.json at the package root holds the hashes of every file of the package.</p></footer>\n</body>\n</html>\n`;
}

function findingRow(f: Finding): string {
  const status: Status = f.status;
  return `<tr><td>${esc(f.account?.id ?? '')}<br><span class="muted">${esc(f.account?.name ?? '')}</span></td><td>${esc(f.account?.ouPath ?? '')}</td><td>${esc(f.riskId)} ${esc(f.controlId)}</td><td><span class="badge" style="background:${STATUS_COLOURS[status]}">${esc(status)}</span></td><td>${esc(f.severity)}</td><td>${esc(f.resourceName)}</td><td>${esc(f.message)}</td></tr>\n`;
}

function simpleTable(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return `<table><thead><tr>${columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((v) => `<td>${esc(v)}</td>`).join('')}</tr>`).join('\n')}</tbody></table>`;
}

const ORG_STYLE = `
.wide { overflow-x: auto; }
table.org-matrix td.cell { color: #fff; font-size: 11px; text-align: center; white-space: nowrap; }
table.org-matrix td.cell.empty { background: #fafafa; color: #555; }
table.org-matrix th { font-size: 11px; vertical-align: bottom; }
table.people-accounts td { font-size: 12px; white-space: nowrap; vertical-align: top; }
table.people-accounts strong.admin { color: #b00020; }
`;
