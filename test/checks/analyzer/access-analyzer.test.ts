import { describe, expect, it } from 'vitest';
import accessAnalyzerEnabled from '../../../src/checks/analyzer/access-analyzer-enabled.js';
import accessAnalyzerFindings from '../../../src/checks/analyzer/access-analyzer-findings.js';
import type { SourceData } from '../../../src/snapshot/schema.js';
import { ACCOUNT, findingsOf, snapshotWith, statusByResource } from '../../support/snapshot.js';

type Regions = SourceData<'accessAnalyzer'>['regions'];
const analyzer = (type: string, status = 'ACTIVE') => ({ arn: `arn:aws:access-analyzer:us-east-1:${ACCOUNT}:analyzer/a-${type}`, name: `a-${type}`, type, status, statusReason: null, createdAt: null });
const finding = (id: string, findingType: string | null = 'ExternalAccess', status = 'ACTIVE') => ({
  id,
  analyzerArn: 'arn',
  findingType,
  resource: `arn:aws:s3:::phi-bucket-${id}`,
  resourceType: 'AWS::S3::Bucket',
  resourceOwnerAccount: ACCOUNT,
  status,
  createdAt: null,
  updatedAt: null,
  analyzedAt: null,
  error: null,
});
const withRegions = (regions: Regions) =>
  snapshotWith((s) => {
    s.sources.accessAnalyzer = { status: 'ok', data: { regionSource: 'ec2:DescribeRegions', regions } };
  });

describe('access-analyzer-enabled (IAM-024)', () => {
  it('judges each region: active account or organization analyzers pass, unused-access or disabled ones do not, errors stay errors', () => {
    const snapshot = withRegions({
      'us-east-1': { status: 'ok', data: { analyzers: [analyzer('ACCOUNT')], findings: [] } },
      'us-east-2': { status: 'ok', data: { analyzers: [analyzer('ORGANIZATION')], findings: [] } },
      'us-west-1': { status: 'ok', data: { analyzers: [analyzer('ACCOUNT_UNUSED_ACCESS')], findings: [] } },
      'us-west-2': { status: 'ok', data: { analyzers: [analyzer('ACCOUNT', 'DISABLED')], findings: [] } },
      'eu-west-1': { status: 'ok', data: { analyzers: [], findings: [] } },
      'eu-west-2': { status: 'error', error: { code: 'AccessDeniedException', message: 'denied by SCP' } },
    });
    expect(statusByResource(accessAnalyzerEnabled, snapshot)).toEqual({
      'us-east-1': 'PASS',
      'us-east-2': 'PASS',
      'us-west-1': 'FAIL',
      'us-west-2': 'FAIL',
      'eu-west-1': 'FAIL',
      'eu-west-2': 'ERROR',
    });
  });

  it('is ERROR when no region was checked', () => {
    expect(findingsOf(accessAnalyzerEnabled, withRegions({})).map((f) => f.status)).toEqual(['ERROR']);
  });

  it('is ERROR, never PASS, when Access Analyzer did not answer at all (as moto)', () => {
    const snapshot = snapshotWith((s) => {
      s.sources.accessAnalyzer = { status: 'error', error: { code: 'InternalFailure', message: 'HTTP 500' } };
    });
    expect(findingsOf(accessAnalyzerEnabled, snapshot).map((f) => f.status)).toEqual(['ERROR']);
    expect(findingsOf(accessAnalyzerFindings, snapshot).map((f) => f.status)).toEqual(['ERROR']);
  });
});

describe('access-analyzer-findings (IAM-025)', () => {
  it('fails each active external-access finding, not unused-access or archived ones', () => {
    const snapshot = withRegions({
      'us-east-1': { status: 'ok', data: { analyzers: [analyzer('ACCOUNT')], findings: [finding('1'), finding('2', 'UnusedIAMRole'), finding('3', 'ExternalAccess', 'ARCHIVED')] } },
    });
    const findings = findingsOf(accessAnalyzerFindings, snapshot);
    expect(findings.map((f) => [f.status, f.resourceArn])).toEqual([['FAIL', 'arn:aws:s3:::phi-bucket-1']]);
  });

  it.each<[string, Regions, string[]]>([
    ['clean regions', { 'us-east-1': { status: 'ok', data: { analyzers: [analyzer('ACCOUNT')], findings: [] } } }, ['PASS']],
    ['a region that could not be read, beside a clean one', { 'us-east-1': { status: 'ok', data: { analyzers: [analyzer('ACCOUNT')], findings: [] } }, 'eu-west-1': { status: 'error', error: { code: 'Throttling', message: 'rate' } } }, ['ERROR', 'PASS']],
    ['a finding in one region, another region clean', { 'us-east-1': { status: 'ok', data: { analyzers: [analyzer('ACCOUNT')], findings: [finding('9')] } }, 'us-east-2': { status: 'ok', data: { analyzers: [analyzer('ACCOUNT')], findings: [] } } }, ['FAIL', 'PASS']],
    ['no analyzer anywhere', { 'us-east-1': { status: 'ok', data: { analyzers: [], findings: [] } } }, ['NOT_APPLICABLE']],
  ])('%s', (_label, regions, statuses) => {
    expect(findingsOf(accessAnalyzerFindings, withRegions(regions)).map((f) => f.status)).toEqual(statuses);
  });
});
