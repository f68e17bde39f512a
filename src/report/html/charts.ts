import { SEVERITIES, type Severity, type Status } from '../../checks/check.js';
import type { RunTrendPoint } from '../evidence-types.js';

/**
 * Inline SVG charts for report.html, drawn by hand so the page needs no library and no
 * network. Every chart carries a <title>/<desc>, a legend and its numbers as text, so a
 * black-and-white printout or a screen reader loses nothing that colour conveys.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML/SVG content and quoted attributes; everything from the input goes through it. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Problems first, so the left end of every bar is what needs attention. */
export const STATUS_ORDER: readonly Status[] = ['FAIL', 'ERROR', 'MANUAL', 'PASS', 'SUPPRESSED', 'NOT_APPLICABLE'];

/** Colours chosen to differ in lightness too, not only in hue. */
export const STATUS_COLOURS: Record<Status, string> = {
  FAIL: '#b71c1c',
  ERROR: '#e65100',
  MANUAL: '#3949ab',
  PASS: '#81c784',
  SUPPRESSED: '#8d6e63',
  NOT_APPLICABLE: '#cfd8dc',
};

const SEVERITY_COLOURS: Record<Severity, string> = { critical: '#7f0000', high: '#c62828', medium: '#ef6c00', low: '#fbc02d' };

export type StatusCounts = Partial<Record<Status, number>>;

/** "3 FAIL · 5 PASS", in STATUS_ORDER, zeros left out. */
export function tallyText(counts: StatusCounts): string {
  const parts = STATUS_ORDER.filter((s) => (counts[s] ?? 0) > 0).map((s) => `${counts[s]} ${s}`);
  return parts.length > 0 ? parts.join(' · ') : 'no findings';
}

function total(counts: StatusCounts): number {
  return STATUS_ORDER.reduce((sum, s) => sum + (counts[s] ?? 0), 0);
}

/** Inline SVG in HTML needs no xmlns, which keeps every URL out of the markup. */
function svgOpen(id: string, width: number, height: number, title: string, description: string): string {
  return (
    `<svg id="${id}" class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" ` +
    `aria-labelledby="${id}-title ${id}-desc">` +
    `<title id="${id}-title">${escapeHtml(title)}</title><desc id="${id}-desc">${escapeHtml(description)}</desc>`
  );
}

function text(x: number, y: number, content: string, attrs = ''): string {
  return `<text x="${round(x)}" y="${round(y)}"${attrs ? ` ${attrs}` : ''}>${escapeHtml(content)}</text>`;
}

/** A generous average glyph width at 12px, for laying out text without measuring it. */
const CHAR_WIDTH = 7.4;
/** Longer row labels are clipped (the full text is in the row's tooltip and the chart's <desc>). */
const MAX_LABEL_WIDTH = 360;

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Keeps long labels on one line; the full text stays in the row's <title> tooltip. */
function clip(label: string, maxChars: number): string {
  return label.length > maxChars ? `${label.slice(0, maxChars - 1)}…` : label;
}

/** ERROR bars beside severity-coloured FAIL bars: a hue none of the severity oranges and reds shares. */
const ERROR_BAR = '#5e35b1';

export interface FailingRow {
  label: string;
  /** Colours the FAIL part of the bar; omitted for rows (HIPAA standards) that mix severities. */
  severity?: Severity;
  counts: StatusCounts;
}

/** What needs attention in a row: its FAIL and ERROR findings. */
function failing(counts: StatusCounts): number {
  return (counts.FAIL ?? 0) + (counts.ERROR ?? 0);
}

/** "2 FAIL · 1 ERROR of 137 findings": the failing counts first, the total beside them. */
function failingText(counts: StatusCounts): string {
  const parts = (['FAIL', 'ERROR'] as const).filter((s) => (counts[s] ?? 0) > 0).map((s) => `${counts[s]} ${s}`);
  return `${parts.join(' · ')} of ${total(counts)} finding${total(counts) === 1 ? '' : 's'}`;
}

/** 1, 2, 5, 10, 20, 50…: the smallest such step that splits `max` into at most `parts` intervals. */
export function niceStep(max: number, parts: number): number {
  const raw = Math.max(1, max / parts);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= raw) ?? 10 * magnitude;
  return Math.max(1, Math.round(step));
}

/** Tick values from 0 to the first multiple of the step at or above `max`. */
function ticks(max: number, parts: number): number[] {
  const step = niceStep(max, parts);
  const top = Math.max(step, Math.ceil(max / step) * step);
  return Array.from({ length: top / step + 1 }, (_, i) => i * step);
}

/**
 * One horizontal bar per row with failing (FAIL or ERROR) findings, its length the count of
 * them, all bars on one scale up to the largest count: two critical failures read as two,
 * whatever number of PASS findings sit beside them. Rows with nothing failing are named in a
 * line under the bars, not drawn.
 */
export function failingBarChart(options: { id: string; title: string; description: string; rows: readonly FailingRow[] }): string {
  const { id } = options;
  const drawn = options.rows.filter((r) => failing(r.counts) > 0);
  const clean = options.rows.length - drawn.length;
  const labelWidth = Math.min(MAX_LABEL_WIDTH, 8 + CHAR_WIDTH * Math.max(8, ...drawn.map((r) => r.label.length)));
  const rowHeight = 22;
  const top = 44;
  const barX = labelWidth + 10;
  const barWidth = 460;
  const tallyWidth = 16 + CHAR_WIDTH * Math.max(12, ...drawn.map((r) => failingText(r.counts).length));
  const width = Math.ceil(barX + barWidth + tallyWidth);
  const height = top + Math.max(drawn.length, 1) * rowHeight + (clean > 0 ? 26 : 8);
  const scale = ticks(Math.max(1, ...drawn.map((r) => failing(r.counts))), 5);
  const max = scale[scale.length - 1] ?? 1;
  const xOf = (n: number) => barX + (barWidth * n) / max;
  const summary = drawn.length > 0 ? drawn.map((r) => `${r.label}: ${failingText(r.counts)}`).join('; ') : 'nothing failing';
  const parts = [svgOpen(id, width, height, options.title, `${options.description} ${summary}.`)];
  const legendSeverities = SEVERITIES.filter((s) => drawn.some((r) => r.severity === s && (r.counts.FAIL ?? 0) > 0));
  let cursor = barX;
  for (const item of [...legendSeverities.map((s) => ({ label: `FAIL (${s})`, colour: SEVERITY_COLOURS[s] })), ...(drawn.some((r) => !r.severity && (r.counts.FAIL ?? 0) > 0) ? [{ label: 'FAIL', colour: STATUS_COLOURS.FAIL }] : []), ...(drawn.some((r) => (r.counts.ERROR ?? 0) > 0) ? [{ label: 'ERROR', colour: ERROR_BAR }] : [])]) {
    parts.push(`<rect x="${round(cursor)}" y="7" width="10" height="10" fill="${item.colour}" stroke="#333" stroke-width="0.5"/>`, text(cursor + 14, 16, item.label));
    cursor += 28 + item.label.length * CHAR_WIDTH;
  }
  for (const tick of scale) {
    const x = round(xOf(tick));
    parts.push(`<line x1="${x}" y1="${top - 6}" x2="${x}" y2="${top + drawn.length * rowHeight}" stroke="#ccc" stroke-dasharray="2 3"/>`, text(x, top - 10, String(tick), 'class="axis" text-anchor="middle"'));
  }
  drawn.forEach((row, i) => {
    const y = top + i * rowHeight;
    const fail = row.counts.FAIL ?? 0;
    const error = row.counts.ERROR ?? 0;
    parts.push(`<g><title>${escapeHtml(`${row.label}: ${failingText(row.counts)}`)}</title>`);
    parts.push(text(labelWidth, y + 12, clip(row.label, Math.floor(labelWidth / CHAR_WIDTH)), 'text-anchor="end"'));
    // A single failure stays visible as a sliver (3 units) however long the longest bar is.
    const failWidth = fail > 0 ? Math.max(3, xOf(fail) - barX) : 0;
    const errorWidth = error > 0 ? Math.max(3, xOf(error) - barX) : 0;
    if (fail > 0) parts.push(`<rect x="${barX}" y="${y}" width="${round(failWidth)}" height="15" fill="${row.severity ? SEVERITY_COLOURS[row.severity] : STATUS_COLOURS.FAIL}" stroke="#333" stroke-width="0.5"/>`);
    if (error > 0) parts.push(`<rect x="${round(barX + failWidth)}" y="${y}" width="${round(errorWidth)}" height="15" fill="${ERROR_BAR}" stroke="#333" stroke-width="0.5" stroke-dasharray="3 2"/>`);
    parts.push(text(barX + failWidth + errorWidth + 8, y + 12, failingText(row.counts)), '</g>');
  });
  if (drawn.length === 0) parts.push(text(barX, top + 12, 'nothing failing'));
  if (clean > 0) parts.push(text(barX, height - 8, `${clean} other${clean === 1 ? '' : 's'} with no FAIL or ERROR finding`, 'class="axis"'));
  parts.push('</svg>');
  return parts.join('');
}

/** Vertical bars of failing findings per severity, each with its count written above it. */
export function severityChart(id: string, counts: Record<Severity, number>): string {
  const width = 440;
  const height = 240;
  const baseline = 200;
  const plotHeight = 150;
  const max = Math.max(1, ...SEVERITIES.map((s) => counts[s]));
  const slot = (width - 60) / SEVERITIES.length;
  const description = `Failing findings by severity: ${SEVERITIES.map((s) => `${s} ${counts[s]}`).join(', ')}.`;
  const parts = [svgOpen(id, width, height, 'Failing findings by severity', description)];
  parts.push(`<line x1="40" y1="${baseline}" x2="${width - 10}" y2="${baseline}" stroke="#333"/>`);
  SEVERITIES.forEach((severity, i) => {
    const h = (plotHeight * counts[severity]) / max;
    const x = 50 + i * slot + slot * 0.15;
    const w = slot * 0.7;
    parts.push(`<rect x="${round(x)}" y="${round(baseline - h)}" width="${round(w)}" height="${round(h)}" fill="${SEVERITY_COLOURS[severity]}" stroke="#333" stroke-width="0.5"/>`);
    parts.push(text(x + w / 2, baseline - h - 6, String(counts[severity]), 'text-anchor="middle" font-weight="bold"'));
    parts.push(text(x + w / 2, baseline + 18, severity, 'text-anchor="middle"'));
  });
  if (SEVERITIES.every((s) => counts[s] === 0)) parts.push(text(width / 2, 90, 'no failing findings', 'text-anchor="middle"'));
  parts.push('</svg>');
  return parts.join('');
}

/** Dash pattern and marker per series, so the lines stay apart without colour. */
const TREND_SERIES = [
  { status: 'PASS', colour: '#2e7d32', dash: '', marker: 'circle' },
  { status: 'FAIL', colour: '#b71c1c', dash: '6 3', marker: 'square' },
  { status: 'ERROR', colour: '#e65100', dash: '2 3', marker: 'triangle' },
] as const;

function marker(kind: 'circle' | 'square' | 'triangle', x: number, y: number, colour: string): string {
  const [cx, cy] = [round(x), round(y)];
  if (kind === 'circle') return `<circle cx="${cx}" cy="${cy}" r="4" fill="${colour}"/>`;
  if (kind === 'square') return `<rect x="${cx - 4}" y="${cy - 4}" width="8" height="8" fill="${colour}"/>`;
  return `<polygon points="${cx},${cy - 5} ${cx - 5},${cy + 4} ${cx + 5},${cy + 4}" fill="${colour}"/>`;
}

/** "06:13 UTC" from an ISO time, or nothing when it is not one. */
function clock(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(iso) ? `${iso.slice(11, 16)} UTC` : '';
}

/** The date part of an ISO time, or the text as given when it is not one. */
function day(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}/.test(iso) ? iso.slice(0, 10) : iso;
}

/**
 * PASS / FAIL / ERROR counts of each archived run, oldest first; one run is one point. The
 * count axis has round ticks (0, 20, 40…) and a title; the time axis labels up to six runs
 * by their date, the latest always.
 */
export function trendChart(id: string, points: readonly RunTrendPoint[], runsLabel = 'runs'): string {
  const width = 460;
  const height = 260;
  const [left, right, top, baseline] = [64, width - 16, 40, 200];
  const scale = ticks(Math.max(1, ...points.flatMap((p) => TREND_SERIES.map((s) => p.counts[s.status] ?? 0))), 4);
  const max = scale[scale.length - 1] ?? 1;
  // Inset the first and last runs so their date labels stay inside the chart.
  const xOf = (i: number) => (points.length === 1 ? (left + right) / 2 : left + 36 + ((right - left - 72) * i) / (points.length - 1));
  const yOf = (n: number) => baseline - ((baseline - top) * n) / max;
  const description =
    points.length === 0
      ? 'No runs recorded.'
      : `PASS, FAIL and ERROR counts of ${points.length} run(s), oldest first: ` +
        points.map((p) => `${p.startedAt}: ${TREND_SERIES.map((s) => `${p.counts[s.status] ?? 0} ${s.status}`).join(', ')}`).join('; ') +
        '.';
  const parts = [svgOpen(id, width, height, 'Trend over archived runs', description)];
  const latest = points[points.length - 1];
  let legendX = left;
  for (const s of TREND_SERIES) {
    const label = latest ? `${s.status} (now ${latest.counts[s.status] ?? 0})` : s.status;
    parts.push(`<line x1="${legendX}" y1="12" x2="${legendX + 22}" y2="12" stroke="${s.colour}" stroke-width="2" stroke-dasharray="${s.dash}"/>`);
    parts.push(marker(s.marker, legendX + 11, 12, s.colour), text(legendX + 27, 16, label));
    legendX += 36 + label.length * CHAR_WIDTH;
  }
  for (const tick of scale) {
    parts.push(`<line x1="${left}" y1="${round(yOf(tick))}" x2="${right}" y2="${round(yOf(tick))}" stroke="#ddd"/>`, text(left - 6, yOf(tick) + 4, tick.toLocaleString('en-US'), 'class="axis" text-anchor="end"'));
  }
  parts.push(`<line x1="${left}" y1="${top - 4}" x2="${left}" y2="${baseline}" stroke="#333"/>`, `<line x1="${left}" y1="${baseline}" x2="${right}" y2="${baseline}" stroke="#333"/>`);
  parts.push(text(14, (top + baseline) / 2, 'findings', `class="axis" text-anchor="middle" transform="rotate(-90 14 ${(top + baseline) / 2})"`));
  parts.push(text((left + right) / 2, height - 8, `date of the run (UTC), one point per ${runsLabel.replace(/s$/, '')}`, 'class="axis" text-anchor="middle"'));
  for (const s of TREND_SERIES) {
    const coords = points.map((p, i) => `${round(xOf(i))},${round(yOf(p.counts[s.status] ?? 0))}`);
    if (points.length > 1) parts.push(`<polyline points="${coords.join(' ')}" fill="none" stroke="${s.colour}" stroke-width="2" stroke-dasharray="${s.dash}"/>`);
    points.forEach((p, i) => parts.push(marker(s.marker, xOf(i), yOf(p.counts[s.status] ?? 0), s.colour)));
  }
  const sameDay = new Set(points.map((p) => day(p.startedAt))).size < points.length;
  // At most six date labels fit; the latest run is always labelled; each labelled run gets a tick mark.
  const step = Math.max(1, Math.ceil(points.length / 6));
  points.forEach((p, i) => {
    const last = i === points.length - 1;
    if (!last && (i % step !== 0 || points.length - 1 - i < step)) return;
    parts.push(`<line x1="${round(xOf(i))}" y1="${baseline}" x2="${round(xOf(i))}" y2="${baseline + 5}" stroke="#333"/>`);
    parts.push(text(xOf(i), baseline + 18, day(p.startedAt), 'class="axis" text-anchor="middle"'));
    // Runs on the same day are told apart by their time, on a second line.
    if (sameDay) parts.push(text(xOf(i), baseline + 32, clock(p.startedAt), 'class="axis" text-anchor="middle"'));
  });
  if (points.length === 0) parts.push(text(width / 2, 120, 'no runs recorded', 'text-anchor="middle"'));
  parts.push('</svg>');
  return parts.join('');
}
