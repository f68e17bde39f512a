import type { Snapshot } from '../../snapshot/schema.js';
import { accountFinding, sourceData, type FindingDraft } from '../check.js';
import { trailResource, type Trail } from './trails.js';

/** One finding per trail for a yes/no property of it; no trail at all is for cloudtrail-multi-region to fail. */
export function judgeEachTrail(snapshot: Snapshot, property: string, holds: (trail: Trail) => boolean, detail: (trail: Trail) => unknown): FindingDraft[] {
  const { trails } = sourceData(snapshot, 'cloudTrail');
  if (trails.length === 0) return [accountFinding(snapshot.accountId, 'NOT_APPLICABLE', 'the account has no CloudTrail trail (see cloudtrail-multi-region)')];
  return trails.map((trail) => {
    const ok = holds(trail);
    return {
      ...trailResource(trail),
      status: ok ? 'PASS' : 'FAIL',
      message: `${trail.name}: ${ok ? '' : 'no '}${property}`,
      evidence: { homeRegion: trail.homeRegion, isMultiRegionTrail: trail.isMultiRegionTrail, [property]: detail(trail) },
    };
  });
}
