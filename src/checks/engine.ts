import { errorMessage } from '../errors.js';
import { SOURCE_LABELS, type Snapshot } from '../snapshot/schema.js';
import type { Settings } from '../settings.js';
import { AccountModel } from '../policy/effective-permissions.js';
import { identityCenterSource } from '../identity-center/view.js';
import type { OrganizationContext } from '../organization/facts.js';
import { accountFinding, NO_HISTORY, sourceData, type Check, type CheckContext, type CheckMeta, type Finding, type FindingDraft, type RunHistory } from './check.js';

/**
 * The context every check of a run shares: the account model is built once, on first use (a run
 * of password-policy never builds it), and never outlives the run.
 */
export function checkContext(snapshot: Snapshot, settings: Settings, now: Date, history: RunHistory = NO_HISTORY, organization: OrganizationContext | null = null): CheckContext {
  let model: AccountModel | null = null;
  return {
    snapshot,
    settings,
    now,
    history,
    organization,
    get model() {
      model ??= new AccountModel(sourceData(snapshot, 'authorizationDetails'), now);
      return model;
    },
  };
}

/**
 * Runs checks against a snapshot, as of `now` (the snapshot's collection time, so a saved
 * snapshot gives the same verdicts later). A check whose sources failed, or that throws, yields
 * one ERROR finding with the reason: nothing is ever guessed to PASS.
 */
export function runChecks(checks: readonly Check[], snapshot: Snapshot, settings: Settings, now: Date, history: RunHistory = NO_HISTORY, organization: OrganizationContext | null = null): Finding[] {
  return runChecksIn(checkContext(snapshot, settings, now, history, organization), checks);
}

/** runChecks within a context already built, so that several calls share one account model (bench/checks.bench.js times each check this way). */
export function runChecksIn(context: CheckContext, checks: readonly Check[]): Finding[] {
  const findings: Finding[] = [];
  // A loop, not push(...): one check can make tens of thousands of findings, past a spread's argument limit.
  for (const check of checks) for (const finding of stampFindings(check.meta, evaluate(check, context))) findings.push(finding);
  return findings;
}

/**
 * Findings of a control from its drafts: the control's identity (control id, risk id, title,
 * severity, citations) added from its metadata, as runChecks does. For findings made outside a
 * snapshot's run (IAM-039 organization-coverage, judged over an organization's outcomes).
 */
export function stampFindings(meta: CheckMeta, drafts: readonly FindingDraft[]): Finding[] {
  // One copy of the check's citations for all its findings (tens of thousands at scale): nothing changes a finding once made.
  const hipaa = [...meta.hipaa];
  return drafts.map((draft) => ({ controlId: meta.controlId, riskId: meta.riskId, title: meta.title, severity: meta.severity, hipaa, ...draft }));
}

function evaluate(check: Check, context: CheckContext): FindingDraft[] {
  const { snapshot } = context;
  const unavailable = check.meta.sources.flatMap((name) => {
    // An organization run reads Identity Center once, for every member (identity-center/view.ts).
    const source = name === 'identityCenter' ? identityCenterSource(snapshot, context.organization) : snapshot.sources[name];
    return source.status === 'error' ? [`${SOURCE_LABELS[name]}: ${source.error.code}: ${source.error.message}`] : [];
  });
  if (unavailable.length > 0) {
    return [accountFinding(snapshot.accountId, 'ERROR', `could not be evaluated: ${unavailable.join('; ')}`, { unavailableSources: unavailable })];
  }
  try {
    const drafts = check.run(context);
    if (drafts.length === 0) {
      return [accountFinding(snapshot.accountId, 'ERROR', 'the check returned no finding (a defect in hipaa-iam; please report it)', {})];
    }
    return drafts;
  } catch (error) {
    return [accountFinding(snapshot.accountId, 'ERROR', `the check failed: ${errorMessage(error)}`, { exception: errorMessage(error) })];
  }
}
