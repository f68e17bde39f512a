import type { SourceData } from '../../snapshot/schema.js';

export type Trail = SourceData<'cloudTrail'>['trails'][number];

/**
 * Whether a trail records management events (the IAM and console activity an audit needs).
 * null when its selectors could not be read.
 */
export function logsManagementEvents(trail: Trail): boolean | null {
  if (trail.eventSelectors.status === 'error') return null;
  const { eventSelectors, advancedEventSelectors } = trail.eventSelectors.data;
  if (advancedEventSelectors.length > 0) {
    return advancedEventSelectors.some((s) => s.fieldSelectors.some((f) => f.field === 'eventCategory' && (f.equals ?? []).includes('Management')));
  }
  // A trail made without PutEventSelectors has AWS's default selector: all management events.
  if (eventSelectors.length === 0) return true;
  return eventSelectors.some((s) => s.includeManagementEvents !== false);
}

export function trailResource(trail: Trail) {
  return { resourceType: 'AWS::CloudTrail::Trail', resourceArn: trail.arn, resourceName: trail.name };
}
