import { describe, expect, it } from 'vitest';
import accessAnalyzerEnabled from '../../../src/checks/analyzer/access-analyzer-enabled.js';
import type { OrganizationFacts } from '../../../src/organization/facts.js';
import type { SourceData } from '../../../src/snapshot/schema.js';
import { findingsIn, MANAGEMENT, organizationContext, organizationFacts, unreadable } from '../../support/organization.js';
import { ACCOUNT, snapshotWith } from '../../support/snapshot.js';

type Regions = SourceData<'accessAnalyzer'>['regions'];
const DELEGATED = '444455556666';
const analyzer = (owner: string, type: string, status = 'ACTIVE') => ({ arn: `arn:aws:access-analyzer:us-east-1:${owner}:analyzer/a-${type}`, name: `a-${type}`, type, status, statusReason: null, createdAt: null });
const withRegions = (regions: Regions) =>
  snapshotWith((s) => {
    s.sources.accessAnalyzer = { status: 'ok', data: { regionSource: 'ec2:DescribeRegions', regions } };
  });
const withOrgAnalyzers = (part: OrganizationFacts['organizationAnalyzers']) =>
  organizationContext(
    organizationFacts((f) => {
      f.organizationAnalyzers = part;
    }),
  );
const orgAnalyzers = (regions: Regions) => withOrgAnalyzers({ status: 'ok', data: { regionSource: 'ec2:DescribeRegions', regions, accountId: DELEGATED } });

// The member: us-east-1 has no analyzer of its own, eu-west-1 has its own, us-west-2 could not be listed.
const MEMBER = withRegions({
  'us-east-1': { status: 'ok', data: { analyzers: [], findings: [] } },
  'eu-west-1': { status: 'ok', data: { analyzers: [analyzer(ACCOUNT, 'ACCOUNT')], findings: [] } },
  'us-west-2': unreadable('AccessDeniedException', 'access-analyzer:ListAnalyzers'),
});
const byRegion = (organization: ReturnType<typeof withOrgAnalyzers> | null) => Object.fromEntries(findingsIn(accessAnalyzerEnabled, MEMBER, organization).map((f) => [f.resourceName, f.status]));

describe('access-analyzer-enabled (IAM-024) with the organization analyzers', () => {
  it.each<[string, ReturnType<typeof withOrgAnalyzers> | null, Record<string, string>]>([
    ['single-account run', null, { 'us-east-1': 'FAIL', 'eu-west-1': 'PASS', 'us-west-2': 'ERROR' }],
    ['an ACTIVE ORGANIZATION analyzer in us-east-1 and us-west-2', orgAnalyzers({ 'us-east-1': { status: 'ok', data: { analyzers: [analyzer(DELEGATED, 'ORGANIZATION')], findings: [] } }, 'us-west-2': { status: 'ok', data: { analyzers: [analyzer(DELEGATED, 'ORGANIZATION')], findings: [] } } }), { 'us-east-1': 'PASS', 'eu-west-1': 'PASS', 'us-west-2': 'PASS' }],
    ['an ORGANIZATION analyzer that is not ACTIVE', orgAnalyzers({ 'us-east-1': { status: 'ok', data: { analyzers: [analyzer(DELEGATED, 'ORGANIZATION', 'DISABLED')], findings: [] } } }), { 'us-east-1': 'FAIL', 'eu-west-1': 'PASS', 'us-west-2': 'ERROR' }],
    ['an ACCOUNT analyzer of the administrator (covers only its own account)', orgAnalyzers({ 'us-east-1': { status: 'ok', data: { analyzers: [analyzer(DELEGATED, 'ACCOUNT')], findings: [] } } }), { 'us-east-1': 'FAIL', 'eu-west-1': 'PASS', 'us-west-2': 'ERROR' }],
    ['an unused-access ORGANIZATION analyzer', orgAnalyzers({ 'us-east-1': { status: 'ok', data: { analyzers: [analyzer(DELEGATED, 'ORGANIZATION_UNUSED_ACCESS')], findings: [] } } }), { 'us-east-1': 'FAIL', 'eu-west-1': 'PASS', 'us-west-2': 'ERROR' }],
    ['the organization analyzers\' region unreadable', orgAnalyzers({ 'us-east-1': unreadable() }), { 'us-east-1': 'FAIL', 'eu-west-1': 'PASS', 'us-west-2': 'ERROR' }],
    ['the organization analyzers unreadable', withOrgAnalyzers(unreadable()), { 'us-east-1': 'FAIL', 'eu-west-1': 'PASS', 'us-west-2': 'ERROR' }],
  ])('%s', (_name, organization, expected) => {
    expect(byRegion(organization)).toEqual(expected);
  });

  it('the PASS names the analyzer and the account holding it, and states the difference', () => {
    const organization = orgAnalyzers({ 'us-east-1': { status: 'ok', data: { analyzers: [analyzer(DELEGATED, 'ORGANIZATION')], findings: [] } } });
    const finding = findingsIn(accessAnalyzerEnabled, MEMBER, organization).find((f) => f.resourceName === 'us-east-1')!;
    expect(finding.message).toBe(`us-east-1: organization analyzer a-ORGANIZATION (held by account ${DELEGATED}) active, covering this account`);
    expect(finding.resourceArn).toBe(`arn:aws:access-analyzer:us-east-1:${DELEGATED}:analyzer/a-ORGANIZATION`);
    expect(finding.evidence).toMatchObject({
      ownVerdict: 'us-east-1: no active external-access analyzer',
      organizationAnalyzer: { name: 'a-ORGANIZATION', type: 'ORGANIZATION', status: 'ACTIVE', account: DELEGATED },
      organization: { usedFacts: 'organizationAnalyzers', readFrom: MANAGEMENT, difference: expect.stringMatching(/single-account run judges FAIL/) },
    });
  });

  it('a region the account passes on its own keeps its own finding', () => {
    const organization = orgAnalyzers({ 'eu-west-1': { status: 'ok', data: { analyzers: [analyzer(DELEGATED, 'ORGANIZATION')], findings: [] } } });
    const finding = findingsIn(accessAnalyzerEnabled, MEMBER, organization).find((f) => f.resourceName === 'eu-west-1')!;
    expect(finding.message).toBe('eu-west-1: a-ACCOUNT (ACCOUNT) active');
    expect(finding.evidence.organization).toBeUndefined();
  });
});
