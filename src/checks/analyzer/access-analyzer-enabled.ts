import { accountFinding, defineCheck, sourceData, type FindingDraft } from '../check.js';

/** Analyzer types that look for external access; unused-access analyzers do not. */
export const EXTERNAL_ACCESS_ANALYZER_TYPES = new Set(['ACCOUNT', 'ORGANIZATION']);

/** An ACTIVE IAM Access Analyzer (account or organization) exists in every enabled region (per region). */
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
  run({ snapshot }) {
    const source = sourceData(snapshot, 'accessAnalyzer');
    // No region checked is no evidence of an analyzer anywhere.
    if (Object.keys(source.regions).length === 0) return [accountFinding(snapshot.accountId, 'ERROR', 'no region was checked for an analyzer')];
    return Object.entries(source.regions).map(([region, result]): FindingDraft => {
      const base = { resourceType: 'AWS::AccessAnalyzer::Analyzer', resourceArn: `arn:aws:access-analyzer:${region}:${snapshot.accountId}:analyzer/*`, resourceName: region };
      if (result.status === 'error') {
        return { ...base, status: 'ERROR', message: `${region}: analyzers could not be listed: ${result.error.code}: ${result.error.message}`, evidence: { regionSource: source.regionSource, error: result.error } };
      }
      const active = result.data.analyzers.filter((a) => a.status === 'ACTIVE' && EXTERNAL_ACCESS_ANALYZER_TYPES.has(a.type));
      const evidence = { regionSource: source.regionSource, analyzers: result.data.analyzers.map((a) => `${a.name} (${a.type}, ${a.status})`) };
      return active.length > 0
        ? { ...base, resourceArn: active[0]!.arn, status: 'PASS', message: `${region}: ${active.map((a) => `${a.name} (${a.type})`).join(', ')} active`, evidence }
        : { ...base, status: 'FAIL', message: `${region}: no active external-access analyzer`, evidence };
    });
  },
});
