import { EXTERNAL_ACCESS_ANALYZER_TYPES } from '../checks/analyzer/access-analyzer-enabled.js';
import { ACCOUNT_ANALYZER_NAME } from '../policy/prescribed.js';
import type { Snapshot } from '../snapshot/schema.js';
import { emptyPlan, partitionOf, sourceProblem, type RemediationPlan } from './plan.js';

/**
 * `analyzer --enable --apply`: an ACCOUNT analyzer in every region checked that has no ACTIVE
 * external-access analyzer. A region whose analyzers could not be listed is blocked, not
 * guessed at; so is one where an analyzer of that name exists but is not active.
 */
export function planAnalyzers(snapshot: Snapshot): RemediationPlan {
  const plan = emptyPlan('analyzer --enable --apply');
  const source = snapshot.sources.accessAnalyzer;
  if (source.status !== 'ok') {
    plan.blocked.push(`IAM Access Analyzer: the regions could not be read (${sourceProblem(snapshot, 'accessAnalyzer')}), so no analyzer is created blind`);
    return plan;
  }
  const regions = Object.entries(source.data.regions);
  if (regions.length === 0) plan.blocked.push('IAM Access Analyzer: no region was checked, so there is nowhere known to create an analyzer');
  for (const [region, result] of regions) {
    if (result.status === 'error') {
      plan.blocked.push(`${region}: analyzers could not be listed (${result.error.code}: ${result.error.message})`);
      continue;
    }
    const active = result.data.analyzers.filter((a) => a.status === 'ACTIVE' && EXTERNAL_ACCESS_ANALYZER_TYPES.has(a.type));
    if (active.length > 0) {
      plan.unchanged.push(`${region}: ${active.map((a) => `${a.name} (${a.type})`).join(', ')} active`);
      continue;
    }
    const sameName = result.data.analyzers.find((a) => a.name === ACCOUNT_ANALYZER_NAME);
    if (sameName) {
      plan.blocked.push(`${region}: analyzer ${ACCOUNT_ANALYZER_NAME} exists but is ${sameName.status}${sameName.statusReason ? ` (${sameName.statusReason})` : ''}; see to it in the console`);
      continue;
    }
    const others = result.data.analyzers.map((a) => `${a.name} (${a.type}, ${a.status})`);
    plan.changes.push({
      change: { kind: 'create-analyzer', region, name: ACCOUNT_ANALYZER_NAME },
      target: `arn:${partitionOf(snapshot)}:access-analyzer:${region}:${snapshot.accountId}:analyzer/${ACCOUNT_ANALYZER_NAME}`,
      before: others.length > 0 ? `no active external-access analyzer (${others.join(', ')})` : 'no analyzer',
      after: `${ACCOUNT_ANALYZER_NAME} (ACCOUNT)`,
      dependsOn: [],
    });
  }
  return plan;
}
