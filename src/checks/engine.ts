import { errorMessage } from '../errors.js';
import { SOURCE_LABELS, type Snapshot } from '../snapshot/schema.js';
import type { Settings } from '../settings.js';
import { accountFinding, type Check, type Finding, type FindingDraft } from './check.js';

/**
 * Runs checks against a snapshot. A check whose sources failed, or that throws, yields
 * one ERROR finding with the reason: nothing is ever guessed to PASS.
 */
export function runChecks(checks: readonly Check[], snapshot: Snapshot, settings: Settings, now: Date): Finding[] {
  const findings: Finding[] = [];
  for (const check of checks) {
    for (const draft of evaluate(check, snapshot, settings, now)) {
      findings.push({
        controlId: check.meta.controlId,
        riskId: check.meta.riskId,
        title: check.meta.title,
        severity: check.meta.severity,
        hipaa: [...check.meta.hipaa],
        ...draft,
      });
    }
  }
  return findings;
}

function evaluate(check: Check, snapshot: Snapshot, settings: Settings, now: Date): FindingDraft[] {
  const unavailable = check.meta.sources.flatMap((name) => {
    const source = snapshot.sources[name];
    return source.status === 'error' ? [`${SOURCE_LABELS[name]}: ${source.error.code}: ${source.error.message}`] : [];
  });
  if (unavailable.length > 0) {
    return [accountFinding(snapshot.accountId, 'ERROR', `could not be evaluated: ${unavailable.join('; ')}`, { unavailableSources: unavailable })];
  }
  try {
    const drafts = check.run(snapshot, settings, now);
    if (drafts.length === 0) {
      return [accountFinding(snapshot.accountId, 'ERROR', 'the check returned no finding (a defect in hipaa-iam; please report it)', {})];
    }
    return drafts;
  } catch (error) {
    return [accountFinding(snapshot.accountId, 'ERROR', `the check failed: ${errorMessage(error)}`, { exception: errorMessage(error) })];
  }
}
