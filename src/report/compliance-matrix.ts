import type { Check, CheckMeta, Finding, Status } from '../checks/check.js';
import { HIPAA_SPECIFICATIONS } from '../hipaa/specifications.js';
import { toCsv } from './csv.js';
import type { ComplianceMatrixRow } from './evidence-types.js';

/** Worst first: what a specification's row shows when its controls disagree. */
const WORST_FIRST: readonly Status[] = ['ERROR', 'FAIL', 'MANUAL', 'SUPPRESSED', 'PASS', 'NOT_APPLICABLE'];

/**
 * Every specification of 164.308 and 164.312 (and any other one a control cites), the controls
 * citing it, their worst status and counts; a specification no control ran for, or whose
 * controls were all NOT_APPLICABLE, is MANUAL with what a person must attest. Derived from the controls' citations, never hand-mapped.
 */
export function complianceMatrix(checks: readonly Check[], findings: readonly Finding[]): ComplianceMatrixRow[] {
  const byControl: Record<string, Partial<Record<Status, number>>> = {};
  for (const f of findings) {
    const counts = (byControl[f.controlId] ??= {});
    counts[f.status] = (counts[f.status] ?? 0) + 1;
  }
  return complianceMatrixFromCounts(checks.map((c) => c.meta), byControl);
}

/**
 * complianceMatrix from findings counted per control and status rather than the findings
 * themselves: what an organization run's roll-up keeps (src/organization/rollup.ts), so its
 * organization-wide matrix sums every account's findings without holding them.
 */
export function complianceMatrixFromCounts(metas: readonly Pick<CheckMeta, 'controlId' | 'hipaa'>[], byControl: Readonly<Record<string, Partial<Record<Status, number>>>>): ComplianceMatrixRow[] {
  const specs = [...HIPAA_SPECIFICATIONS];
  for (const citation of new Set(metas.flatMap((c) => c.hipaa))) {
    if (!specs.some((s) => s.citation === citation)) specs.push({ citation, title: 'Cited by hipaa-iam controls', attestation: '' });
  }
  return specs.map((spec) => {
    const controls = metas.filter((c) => c.hipaa.includes(spec.citation)).map((c) => c.controlId);
    const counts: Partial<Record<Status, number>> = {};
    for (const control of controls) {
      for (const [status, n] of Object.entries(byControl[control] ?? {}) as [Status, number][]) counts[status] = (counts[status] ?? 0) + n;
    }
    const worst = WORST_FIRST.find((s) => (counts[s] ?? 0) > 0);
    // A specification whose controls all had nothing to judge (NOT_APPLICABLE: e.g. IAM-039 outside an organization
    // run) is met, if at all, by what a person attests, as one no control ran for.
    const status: Status = controls.length === 0 || !worst ? 'MANUAL' : (worst === 'PASS' || worst === 'NOT_APPLICABLE') && spec.attestation ? 'MANUAL' : worst;
    const attestation = spec.attestation || (controls.length === 0 ? 'No automated control: attest how this specification is met.' : '');
    return { specification: spec.citation, title: spec.title, controls, status, counts, attestation };
  });
}

export function complianceMatrixCsv(rows: readonly ComplianceMatrixRow[]): string {
  return toCsv(
    ['HIPAA Specification', 'Title', 'Controls', 'Status', 'PASS', 'FAIL', 'ERROR', 'MANUAL', 'NOT_APPLICABLE', 'SUPPRESSED', 'Attestation Required'],
    rows.map((r) => [r.specification, r.title, r.controls.join(' '), r.status, r.counts.PASS ?? 0, r.counts.FAIL ?? 0, r.counts.ERROR ?? 0, r.counts.MANUAL ?? 0, r.counts.NOT_APPLICABLE ?? 0, r.counts.SUPPRESSED ?? 0, r.attestation]),
  );
}
