import type { SourceData } from '../../snapshot/schema.js';
import { sourceData, type CheckContext } from '../check.js';
import { assertSameAccount, unreadableFacts, usedFacts } from '../organization/facts-evidence.js';

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

/** A trail a member's trail controls judge: its own (DescribeTrails), or the organization's, read from the organization facts. */
export interface AccountTrail {
  trail: Trail;
  /** The `organization` evidence when the trail came from the organization facts (the member's DescribeTrails did not list it); else null. */
  fromOrganization: Record<string, unknown> | null;
}

/**
 * The trails that record this account's activity: the ones its DescribeTrails lists, and, in an
 * organization run, each organization trail (IsOrganizationTrail) from facts.organizationTrails
 * that the member's own answer did not list. In AWS a member sees the organization trail as a
 * shadow trail in DescribeTrails, but not every answer does (moto does not, an export may not),
 * and the trail logs the member's activity all the same; its status and selectors are the
 * management account's reads. A trail already listed (same ARN) is not added twice.
 * `unreadable` is the evidence to add when the organization trails could not be read (the
 * verdict then stays the account's own).
 */
export function accountTrails(context: Pick<CheckContext, 'snapshot' | 'organization'>): { trails: AccountTrail[]; unreadable: Record<string, unknown> | null } {
  const { snapshot, organization } = context;
  const own: AccountTrail[] = sourceData(snapshot, 'cloudTrail').trails.map((trail) => ({ trail, fromOrganization: null }));
  if (organization === null) return { trails: own, unreadable: null };
  assertSameAccount(organization, snapshot.accountId);
  const facts = organization.facts.organizationTrails;
  if (facts.status === 'error') return { trails: own, unreadable: unreadableFacts(organization, 'organizationTrails', facts.error) };
  const listed = new Set(own.map((t) => t.trail.arn));
  const added = facts.data
    .filter((trail) => trail.isOrganizationTrail && !listed.has(trail.arn))
    .map((trail) => ({
      trail,
      fromOrganization: usedFacts(organization, 'organizationTrails', `organization trail ${trail.name} is judged as this account's trail, its status and selectors as read from ${organization.facts.readFrom.accountId}: this account's own DescribeTrails did not list it, so a single-account run does not see it`),
    }));
  return { trails: [...own, ...added], unreadable: null };
}
