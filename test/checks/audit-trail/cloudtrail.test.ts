import { describe, expect, it } from 'vitest';
import cloudtrailCloudwatch from '../../../src/checks/audit-trail/cloudtrail-cloudwatch.js';
import cloudtrailKms from '../../../src/checks/audit-trail/cloudtrail-kms.js';
import cloudtrailLogValidation from '../../../src/checks/audit-trail/cloudtrail-log-validation.js';
import cloudtrailMultiRegion from '../../../src/checks/audit-trail/cloudtrail-multi-region.js';
import type { Trail } from '../../../src/checks/audit-trail/trails.js';
import type { Status } from '../../../src/checks/check.js';
import { ACCOUNT, findingsOf, snapshotWith, statusByResource } from '../../support/snapshot.js';

const status = (isLogging: boolean) => ({
  status: 'ok' as const,
  data: { isLogging, latestDeliveryTime: null, latestDeliveryError: null, latestCloudWatchLogsDeliveryTime: null, latestCloudWatchLogsDeliveryError: null, latestDigestDeliveryTime: null, latestDigestDeliveryError: null, startLoggingTime: null, stopLoggingTime: null },
});
const managementSelectors = { status: 'ok' as const, data: { eventSelectors: [{ readWriteType: 'All', includeManagementEvents: true, excludeManagementEventSources: [], dataResources: [] }], advancedEventSelectors: [] } };
const dataOnlySelectors = { status: 'ok' as const, data: { eventSelectors: [{ readWriteType: 'All', includeManagementEvents: false, excludeManagementEventSources: [], dataResources: [{ type: 'AWS::S3::Object', values: ['arn:aws:s3'] }] }], advancedEventSelectors: [] } };
const trail = (name: string, fields: Partial<Trail> = {}): Trail => ({
  name,
  arn: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/${name}`,
  homeRegion: 'us-east-1',
  isMultiRegionTrail: true,
  isOrganizationTrail: false,
  includeGlobalServiceEvents: true,
  logFileValidationEnabled: true,
  kmsKeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:key/abc`,
  cloudWatchLogsLogGroupArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:trail`,
  s3BucketName: 'audit-logs',
  status: status(true),
  eventSelectors: managementSelectors,
  ...fields,
});
const withTrails = (...trails: Trail[]) =>
  snapshotWith((s) => {
    s.sources.cloudTrail = { status: 'ok', data: { region: 'us-east-1', trails } };
  });
const denied = { status: 'error' as const, error: { code: 'AccessDeniedException', message: 'cloudtrail:GetTrailStatus' } };

describe('cloudtrail-multi-region (IAM-026)', () => {
  it.each<[string, Trail[], Status]>([
    ['a logging multi-region trail', [trail('org')], 'PASS'],
    ['a multi-region trail that stopped logging', [trail('org', { status: status(false) })], 'FAIL'],
    ['only a single-region trail', [trail('local', { isMultiRegionTrail: false })], 'FAIL'],
    ['a multi-region trail of data events only', [trail('data', { eventSelectors: dataOnlySelectors })], 'FAIL'],
    ['no trail', [], 'FAIL'],
    ['a multi-region trail whose status could not be read', [trail('org', { status: denied })], 'ERROR'],
    ['an unreadable trail beside a good one', [trail('org', { status: denied }), trail('good')], 'PASS'],
  ])('%s → %s', (_label, trails, expected) => {
    expect(findingsOf(cloudtrailMultiRegion, withTrails(...trails)).map((f) => f.status)).toEqual([expected]);
  });

  it('says why a trail\'s status or selectors are unknown: the error that stopped each read', () => {
    const missing = { status: 'error' as const, error: { code: 'NotInImport', message: 'cloudtrail/us-east-1/123456789012/org.get-event-selectors.json is not in the export' } };
    const [finding] = findingsOf(cloudtrailMultiRegion, withTrails(trail('org', { status: denied, eventSelectors: missing })));
    expect(finding?.status).toBe('ERROR');
    expect(finding?.message).toContain('org: logging unknown (AccessDeniedException: cloudtrail:GetTrailStatus), management events unknown (NotInImport: cloudtrail/us-east-1/123456789012/org.get-event-selectors.json is not in the export)');
  });
});

describe('per-trail settings (IAM-027, IAM-028, IAM-029)', () => {
  const snapshot = withTrails(trail('good'), trail('weak', { isMultiRegionTrail: false, logFileValidationEnabled: false, kmsKeyId: null, cloudWatchLogsLogGroupArn: null }));
  it.each([
    ['cloudtrail-log-validation (IAM-027)', cloudtrailLogValidation],
    ['cloudtrail-kms (IAM-028)', cloudtrailKms],
    ['cloudtrail-cloudwatch (IAM-029)', cloudtrailCloudwatch],
  ])('%s passes the good trail and fails the weak one', (_label, check) => {
    expect(statusByResource(check, snapshot)).toEqual({ good: 'PASS', weak: 'FAIL' });
  });

  it('are NOT_APPLICABLE without trails and ERROR when trails could not be listed', () => {
    expect(findingsOf(cloudtrailKms, withTrails()).map((f) => f.status)).toEqual(['NOT_APPLICABLE']);
    const unreadable = snapshotWith((s) => {
      s.sources.cloudTrail = { status: 'error', error: { code: 'AccessDeniedException', message: 'cloudtrail:DescribeTrails' } };
    });
    expect(findingsOf(cloudtrailLogValidation, unreadable).map((f) => f.status)).toEqual(['ERROR']);
  });
});
