import type { FindingDraft } from './check.js';

/** A field that states only an absence: null, undefined, an empty list or an empty object. */
function empty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

/**
 * A PASS finding with the evidence an auditor needs and no more: its evidence without the fields
 * that state only an absence (no grant, no limit, nothing unreadable: null, [] or {}), which the
 * PASS itself says, except those named in `keep` (an empty list that is what the PASS rests on,
 * such as "no permission-changing action left"). Any other status is returned as given: what
 * failed, and why, is never slimmed. Booleans and zeros are facts and stay.
 */
export function passing<T extends Pick<FindingDraft, 'status' | 'evidence'>>(finding: T, keep: readonly string[] = []): T {
  if (finding.status !== 'PASS') return finding;
  // A plain loop, not entries/filter/fromEntries: this runs for tens of thousands of PASS findings at scale. Same keys, same order.
  const evidence: Record<string, unknown> = {};
  for (const key of Object.keys(finding.evidence)) {
    const value = finding.evidence[key];
    if (keep.includes(key) || !empty(value)) evidence[key] = value;
  }
  return { ...finding, evidence };
}
