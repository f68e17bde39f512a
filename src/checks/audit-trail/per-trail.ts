import { accountFinding, type CheckContext, type FindingDraft } from '../check.js';
import { accountTrails, trailResource, type Trail } from './trails.js';

/**
 * One finding per trail for a yes/no property of it; no trail at all is for cloudtrail-multi-region
 * to fail. In an organization run the organization trail counts as the member's trail when its
 * own DescribeTrails did not list it (accountTrails), with evidence saying where it was read.
 */
export function judgeEachTrail(context: Pick<CheckContext, 'snapshot' | 'organization'>, property: string, holds: (trail: Trail) => boolean, detail: (trail: Trail) => unknown): FindingDraft[] {
  const { trails, unreadable } = accountTrails(context);
  const organizationNote = unreadable ? { organization: unreadable } : {};
  if (trails.length === 0) return [accountFinding(context.snapshot.accountId, 'NOT_APPLICABLE', 'the account has no CloudTrail trail (see cloudtrail-multi-region)', organizationNote)];
  return trails.map(({ trail, fromOrganization }) => {
    const ok = holds(trail);
    return {
      ...trailResource(trail),
      status: ok ? 'PASS' : 'FAIL',
      message: `${trail.name}: ${ok ? '' : 'no '}${property}${fromOrganization ? ' (organization trail)' : ''}`,
      evidence: { homeRegion: trail.homeRegion, isMultiRegionTrail: trail.isMultiRegionTrail, [property]: detail(trail), ...(fromOrganization ? { organization: fromOrganization } : organizationNote) },
    };
  });
}
