import type { SourceData } from '../../snapshot/schema.js';

export type Trail = SourceData<'cloudTrail'>['trails'][number];

/**
 * Whether a trail records management events (the IAM and console activity an audit needs).
 * null when its selectors could not be read, or the snapshot holds none (an answer AWS never gives).
 */
export function logsManagementEvents(trail: Trail): boolean | null {
  if (trail.eventSelectors.status === 'error') return null;
  const { eventSelectors, advancedEventSelectors } = trail.eventSelectors.data;
  if (advancedEventSelectors.length > 0) {
    return advancedEventSelectors.some((s) => s.fieldSelectors.some((f) => f.field === 'eventCategory' && (f.equals ?? []).includes('Management')));
  }
  // AWS answers every trail with basic or advanced selectors (one made without PutEventSelectors
  // with its default, all management events): none at all is an incomplete answer, not that default.
  if (eventSelectors.length === 0) return null;
  return eventSelectors.some((s) => s.includeManagementEvents !== false);
}

export function trailResource(trail: Trail) {
  return { resourceType: 'AWS::CloudTrail::Trail', resourceArn: trail.arn, resourceName: trail.name };
}
