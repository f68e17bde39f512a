import { describe, expect, it } from 'vitest';
import cloudtrailCloudwatch from '../../../src/checks/audit-trail/cloudtrail-cloudwatch.js';
import cloudtrailKms from '../../../src/checks/audit-trail/cloudtrail-kms.js';
import cloudtrailLogValidation from '../../../src/checks/audit-trail/cloudtrail-log-validation.js';
import cloudtrailMultiRegion from '../../../src/checks/audit-trail/cloudtrail-multi-region.js';
import type { Trail } from '../../../src/checks/audit-trail/trails.js';
import type { Check, Status } from '../../../src/checks/check.js';
import type { OrganizationFacts } from '../../../src/organization/facts.js';
import { findingsIn, MANAGEMENT, organizationContext, organizationFacts, unreadable } from '../../support/organization.js';
import { ACCOUNT, snapshotWith } from '../../support/snapshot.js';

// The organization trail as the management account reads it; members' own DescribeTrails may list it as a shadow trail (real AWS) or not (moto).
const status = (isLogging: boolean) => ({
  status: 'ok' as const,
  data: { isLogging, latestDeliveryTime: null, latestDeliveryError: null, latestCloudWatchLogsDeliveryTime: null, latestCloudWatchLogsDeliveryError: null, latestDigestDeliveryTime: null, latestDigestDeliveryError: null, startLoggingTime: null, stopLoggingTime: null },
});
const selectors = { status: 'ok' as const, data: { eventSelectors: [{ readWriteType: 'All', includeManagementEvents: true, excludeManagementEventSources: [], dataResources: [] }], advancedEventSelectors: [] } };
const trail = (name: string, owner: string, fields: Partial<Trail> = {}): Trail => ({
  name,
  arn: `arn:aws:cloudtrail:us-east-1:${owner}:trail/${name}`,
  homeRegion: 'us-east-1',
  isMultiRegionTrail: true,
  isOrganizationTrail: false,
  includeGlobalServiceEvents: true,
  logFileValidationEnabled: true,
  kmsKeyId: `arn:aws:kms:us-east-1:${owner}:key/abc`,
  cloudWatchLogsLogGroupArn: `arn:aws:logs:us-east-1:${owner}:log-group:trail`,
  s3BucketName: 'audit-logs',
  status: status(true),
  eventSelectors: selectors,
  ...fields,
});
const ORG_TRAIL = trail('org-trail', MANAGEMENT, { isOrganizationTrail: true });
const withOrgTrails = (trails: OrganizationFacts['organizationTrails']) =>
  organizationContext(
    organizationFacts((f) => {
      f.organizationTrails = trails;
    }),
  );
const member = (...trails: Trail[]) =>
  snapshotWith((s) => {
    s.sources.cloudTrail = { status: 'ok', data: { region: 'us-east-1', trails } };
  });
const statuses = (check: Check, snapshot: ReturnType<typeof member>, organization: ReturnType<typeof withOrgTrails> | null) => findingsIn(check, snapshot, organization).map((f) => `${f.resourceName}:${f.status}`);

describe('audit-trail controls (IAM-026 to IAM-029) with the organization trail', () => {
  it.each<[string, Trail[], OrganizationFacts['organizationTrails'] | null, Status, RegExp]>([
    ['single-account run, no trail of its own', [], null, 'FAIL', /no multi-region trail/],
    ['member not listing the logging organization trail', [], { status: 'ok', data: [ORG_TRAIL] }, 'PASS', /organization trail org-trail \(read from 999999999999\) is a multi-region trail logging/],
    ['member not listing a stopped organization trail', [], { status: 'ok', data: [trail('org-trail', MANAGEMENT, { isOrganizationTrail: true, status: status(false) })] }, 'FAIL', /organization trail, from the organization facts\): logging false/],
    ['organization trail status unreadable', [], { status: 'ok', data: [trail('org-trail', MANAGEMENT, { isOrganizationTrail: true, status: unreadable() })] }, 'ERROR', /unknown \(AccessDenied/],
    ['a trail of the management account that is not an organization trail', [], { status: 'ok', data: [trail('mgmt-only', MANAGEMENT)] }, 'FAIL', /no multi-region trail/],
    ['organization trails unreadable, no trail of its own', [], unreadable('AccessDeniedException', 'cloudtrail:DescribeTrails'), 'FAIL', /no multi-region trail/],
    ['organization trails unreadable, its own logging trail', [trail('own', ACCOUNT)], unreadable(), 'PASS', /^own is a multi-region trail/],
  ])('cloudtrail-multi-region, %s: %s', (_name, own, orgTrails, expected, message) => {
    const [finding, ...rest] = findingsIn(cloudtrailMultiRegion, member(...own), orgTrails === null ? null : withOrgTrails(orgTrails));
    expect(rest).toEqual([]);
    expect(finding!.status).toBe(expected);
    expect(finding!.message).toMatch(message);
  });

  it('the PASS from the organization trail states the difference in its evidence', () => {
    const [finding] = findingsIn(cloudtrailMultiRegion, member(), withOrgTrails({ status: 'ok', data: [ORG_TRAIL] }));
    expect(finding!.resourceArn).toBe(ORG_TRAIL.arn);
    expect(finding!.evidence.organization).toMatchObject({ usedFacts: 'organizationTrails', readFrom: MANAGEMENT, difference: expect.stringMatching(/own DescribeTrails did not list it/) });
  });

  it('a FAIL or ERROR that comes from the organization trail names it in the evidence', () => {
    for (const orgTrail of [trail('org-trail', MANAGEMENT, { isOrganizationTrail: true, status: status(false) }), trail('org-trail', MANAGEMENT, { isOrganizationTrail: true, status: unreadable() })]) {
      const [finding] = findingsIn(cloudtrailMultiRegion, member(), withOrgTrails({ status: 'ok', data: [orgTrail] }));
      expect(finding!.status).not.toBe('PASS');
      expect(finding!.evidence.organization).toMatchObject({ usedFacts: 'organizationTrails', readFrom: MANAGEMENT });
    }
  });

  it('unreadable organization trails are mentioned in the evidence, the verdict unchanged', () => {
    const snapshot = member();
    const single = findingsIn(cloudtrailMultiRegion, snapshot, null)[0]!;
    const [finding] = findingsIn(cloudtrailMultiRegion, snapshot, withOrgTrails(unreadable('AccessDeniedException', 'cloudtrail:DescribeTrails')));
    expect([finding!.status, finding!.message]).toEqual([single.status, single.message]);
    expect(finding!.evidence.organization).toMatchObject({ unreadableFacts: 'organizationTrails', error: 'AccessDeniedException: cloudtrail:DescribeTrails', readFrom: MANAGEMENT });
  });

  it('a member that lists the organization trail (shadow trail) judges it once', () => {
    const context = withOrgTrails({ status: 'ok', data: [ORG_TRAIL] });
    for (const check of [cloudtrailLogValidation, cloudtrailKms, cloudtrailCloudwatch]) {
      expect(statuses(check, member(ORG_TRAIL), context)).toEqual(['org-trail:PASS']);
    }
    expect(findingsIn(cloudtrailKms, member(ORG_TRAIL), context)[0]!.evidence.organization).toBeUndefined();
  });

  it('per-trail controls judge the organization trail as the member\'s, beside its own trails', () => {
    const orgTrail = trail('org-trail', MANAGEMENT, { isOrganizationTrail: true, kmsKeyId: null, cloudWatchLogsLogGroupArn: null });
    const context = withOrgTrails({ status: 'ok', data: [orgTrail] });
    expect(statuses(cloudtrailLogValidation, member(), null)).toEqual([`${ACCOUNT}:NOT_APPLICABLE`]);
    expect(statuses(cloudtrailLogValidation, member(), context)).toEqual(['org-trail:PASS']);
    expect(statuses(cloudtrailKms, member(trail('own', ACCOUNT)), context)).toEqual(['own:PASS', 'org-trail:FAIL']);
    expect(statuses(cloudtrailCloudwatch, member(), context)).toEqual(['org-trail:FAIL']);
    const [finding] = findingsIn(cloudtrailKms, member(), context);
    expect(finding!.message).toBe('org-trail: no KMS encryption (organization trail)');
    expect(finding!.evidence.organization).toMatchObject({ usedFacts: 'organizationTrails', readFrom: MANAGEMENT });
  });

  it('per-trail controls keep their verdict when the organization trails are unreadable, saying so', () => {
    const [finding] = findingsIn(cloudtrailKms, member(), withOrgTrails(unreadable()));
    expect(finding).toMatchObject({ status: 'NOT_APPLICABLE', evidence: { organization: { unreadableFacts: 'organizationTrails' } } });
  });
});
