import type { OrganizationContext } from '../../organization/facts.js';
import type { AccessAnalyzerRegion as AnalyzerRegion, SourceData } from '../../snapshot/schema.js';
import { accountFinding, defineCheck, sourceData, type FindingDraft } from '../check.js';
import { assertSameAccount, usedFacts } from '../organization/facts-evidence.js';

/** Analyzer types that look for external access; unused-access analyzers do not. */
export const EXTERNAL_ACCESS_ANALYZER_TYPES = new Set(['ACCOUNT', 'ORGANIZATION']);

/**
 * An ACTIVE IAM Access Analyzer (account or organization) exists in every enabled region (per
 * region). In an organization run, a region this account's own analyzers leave uncovered (or
 * could not list) passes when the organization facts hold an ACTIVE ORGANIZATION analyzer there.
 */
export default defineCheck({
  meta: {
    controlId: 'access-analyzer-enabled',
    riskId: 'IAM-024',
    title: 'IAM Access Analyzer is active in every region',
    group: 'analyzer',
    severity: 'medium',
    hipaa: ['164.308(a)(1)(ii)(D)', '164.312(b)'],
    description: 'Every enabled region has an ACTIVE external-access analyzer of the account or of its organization.',
    remediation: 'hipaa-iam analyzer --enable --apply, or aws accessanalyzer create-analyzer --analyzer-name account-access-analyzer --type ACCOUNT in each listed region.',
    documentation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-getting-started.html',
    sources: ['accessAnalyzer'],
  },
  run({ snapshot, organization }) {
    const source = sourceData(snapshot, 'accessAnalyzer');
    // No region checked is no evidence of an analyzer anywhere.
    if (Object.keys(source.regions).length === 0) return [accountFinding(snapshot.accountId, 'ERROR', 'no region was checked for an analyzer')];
    if (organization) assertSameAccount(organization, snapshot.accountId);
    return Object.entries(source.regions).map(([region, result]): FindingDraft => {
      const base = { resourceType: 'AWS::AccessAnalyzer::Analyzer', resourceArn: `arn:aws:access-analyzer:${region}:${snapshot.accountId}:analyzer/*`, resourceName: region };
      const own = ownVerdict(region, result, source.regionSource, base);
      if (own.status === 'PASS' || organization === null) return own;
      const covering = organizationAnalyzerIn(organization, region);
      if (covering === null) return own;
      const { analyzer, accountId } = covering;
      const difference = `${own.status === 'ERROR' ? 'this account\'s own analyzers could not be listed' : 'this account has no active external-access analyzer of its own'} in ${region} (a single-account run judges ${own.status}); the organization's analyzer covers it`;
      return {
        ...base,
        resourceArn: analyzer.arn,
        status: 'PASS',
        message: `${region}: organization analyzer ${analyzer.name} (held by account ${accountId}) active, covering this account`,
        evidence: { ...own.evidence, ownVerdict: own.message, organizationAnalyzer: { name: analyzer.name, arn: analyzer.arn, type: analyzer.type, status: analyzer.status, account: accountId }, organization: usedFacts(organization, 'organizationAnalyzers', difference) },
      };
    });
  },
});

type AnalyzerRegionResult = SourceData<'accessAnalyzer'>['regions'][string];

/** The region's verdict from the account's own analyzers (a single-account run's). */
function ownVerdict(region: string, result: AnalyzerRegionResult, regionSource: string, base: Pick<FindingDraft, 'resourceType' | 'resourceArn' | 'resourceName'>): FindingDraft {
  if (result.status === 'error') {
    return { ...base, status: 'ERROR', message: `${region}: analyzers could not be listed: ${result.error.code}: ${result.error.message}`, evidence: { regionSource, error: result.error } };
  }
  const active = result.data.analyzers.filter((a) => a.status === 'ACTIVE' && EXTERNAL_ACCESS_ANALYZER_TYPES.has(a.type));
  const evidence = { regionSource, analyzers: result.data.analyzers.map((a) => `${a.name} (${a.type}, ${a.status})`) };
  return active.length > 0
    ? { ...base, resourceArn: active[0]!.arn, status: 'PASS', message: `${region}: ${active.map((a) => `${a.name} (${a.type})`).join(', ')} active`, evidence }
    : { ...base, status: 'FAIL', message: `${region}: no active external-access analyzer`, evidence };
}

/**
 * An ACTIVE ORGANIZATION analyzer of the organization facts in this region, and the account that
 * holds it (Access Analyzer's delegated administrator, else the management account): its zone of
 * trust is the organization, so it analyzes every member's resources in its region. null when
 * there is none, or the facts part or that region could not be read (the verdict then stays the account's own).
 */
function organizationAnalyzerIn(organization: OrganizationContext, region: string): { analyzer: AnalyzerRegion['analyzers'][number]; accountId: string } | null {
  const facts = organization.facts.organizationAnalyzers;
  if (facts.status !== 'ok') return null;
  const regional = facts.data.regions[region];
  if (regional?.status !== 'ok') return null;
  const analyzer = regional.data.analyzers.find((a) => a.status === 'ACTIVE' && a.type === 'ORGANIZATION');
  return analyzer ? { analyzer, accountId: facts.data.accountId } : null;
}
