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

function statusLegend(statuses: readonly Status[], x: number, y: number): string {
  let cursor = x;
  return statuses
    .map((s) => {
      const item = `<rect x="${cursor}" y="${y - 9}" width="10" height="10" fill="${STATUS_COLOURS[s]}" stroke="#333" stroke-width="0.5"/>` + text(cursor + 14, y, s);
      cursor += 28 + s.length * CHAR_WIDTH;
      return item;
    })
    .join('');
}

export interface StackedRow {
  label: string;
  counts: StatusCounts;
}

/**
 * One 100 % bar per row, split by status, with the counts written beside it. Proportions
 * rather than absolute lengths: a control with one finding reads as clearly as one with fifty.
 */
export function stackedStatusChart(options: { id: string; title: string; description: string; rows: readonly StackedRow[] }): string {
  const { id, rows } = options;
  const labelWidth = Math.min(MAX_LABEL_WIDTH, 8 + CHAR_WIDTH * Math.max(8, ...rows.map((r) => r.label.length)));
  const rowHeight = 22;
  const top = 40;
  const barX = labelWidth + 10;
  const barWidth = 500;
  // Room for the longest tally, so the counts are never cut off.
  const tallyWidth = 16 + CHAR_WIDTH * Math.max(12, ...rows.map((r) => tallyText(r.counts).length));
  const width = Math.ceil(barX + barWidth + tallyWidth);
  const height = top + Math.max(rows.length, 1) * rowHeight + 10;
  const present = STATUS_ORDER.filter((s) => rows.some((r) => (r.counts[s] ?? 0) > 0));
  const parts = [svgOpen(id, width, height, options.title, `${options.description} ${rows.map((r) => `${r.label}: ${tallyText(r.counts)}`).join('; ')}.`)];
  parts.push(statusLegend(present.length > 0 ? present : ['PASS', 'FAIL', 'ERROR'], barX, 16));
  for (const pct of [0, 50, 100]) {
    const x = barX + (barWidth * pct) / 100;
    parts.push(`<line x1="${x}" y1="${top - 8}" x2="${x}" y2="${height - 6}" stroke="#bbb" stroke-dasharray="2 3"/>`, text(x, top - 12, `${pct}%`, 'class="axis" text-anchor="middle"'));
  }
  rows.forEach((row, i) => {
    const y = top + i * rowHeight;
    const sum = total(row.counts);
    parts.push(`<g><title>${escapeHtml(`${row.label}: ${tallyText(row.counts)}`)}</title>`);
    parts.push(text(labelWidth, y + 12, clip(row.label, Math.floor(labelWidth / CHAR_WIDTH)), 'text-anchor="end"'));
    parts.push(`<rect x="${barX}" y="${y}" width="${barWidth}" height="15" fill="none" stroke="#999" stroke-width="0.5"/>`);
    let x = barX;
    for (const status of STATUS_ORDER) {
      const n = row.counts[status] ?? 0;
      if (n === 0 || sum === 0) continue;
      const w = (barWidth * n) / sum;
      parts.push(`<rect x="${round(x)}" y="${y}" width="${round(w)}" height="15" fill="${STATUS_COLOURS[status]}" stroke="#fff" stroke-width="0.5"/>`);
      x += w;
    }
    parts.push(text(barX + barWidth + 8, y + 12, tallyText(row.counts)), '</g>');
  });
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

/** The date part of an ISO time, or the text as given when it is not one. */
function day(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}/.test(iso) ? iso.slice(0, 10) : iso;
}

/** PASS / FAIL / ERROR counts of each archived run, oldest first; one run is one point. */
export function trendChart(id: string, points: readonly RunTrendPoint[]): string {
  const width = 440;
  const height = 240;
  const [left, right, top, baseline] = [44, width - 16, 40, 196];
  const max = Math.max(1, ...points.flatMap((p) => TREND_SERIES.map((s) => p.counts[s.status] ?? 0)));
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
  for (const tick of [0, Math.round(max / 2), max]) {
    parts.push(`<line x1="${left}" y1="${round(yOf(tick))}" x2="${right}" y2="${round(yOf(tick))}" stroke="#ddd"/>`, text(left - 6, yOf(tick) + 4, String(tick), 'class="axis" text-anchor="end"'));
  }
  parts.push(`<line x1="${left}" y1="${baseline}" x2="${right}" y2="${baseline}" stroke="#333"/>`);
  for (const s of TREND_SERIES) {
    const coords = points.map((p, i) => `${round(xOf(i))},${round(yOf(p.counts[s.status] ?? 0))}`);
    if (points.length > 1) parts.push(`<polyline points="${coords.join(' ')}" fill="none" stroke="${s.colour}" stroke-width="2" stroke-dasharray="${s.dash}"/>`);
    points.forEach((p, i) => parts.push(marker(s.marker, xOf(i), yOf(p.counts[s.status] ?? 0), s.colour)));
  }
  // At most five date labels fit; the latest run is always labelled.
  const step = Math.max(1, Math.ceil(points.length / 5));
  points.forEach((p, i) => {
    if (i % step === 0 || i === points.length - 1) {
      if (i !== points.length - 1 && points.length - 1 - i < step) return;
      parts.push(text(xOf(i), baseline + 18, day(p.startedAt), 'class="axis" text-anchor="middle"'));
    }
  });
  if (points.length === 0) parts.push(text(width / 2, 120, 'no runs recorded', 'text-anchor="middle"'));
  parts.push('</svg>');
  return parts.join('');
}
