import { accountFinding, defineCheck, sourceData, type FindingDraft } from '../check.js';
import { EXTERNAL_ACCESS_ANALYZER_TYPES } from './access-analyzer-enabled.js';

/** Unused-access findings (UnusedIAMRole, …) are about hygiene, not exposure outside the account. */
function isExternalAccess(findingType: string | null): boolean {
  return findingType === null || findingType === 'ExternalAccess';
}

/** No ACTIVE external-access finding (a FAIL per finding, a PASS per clean region, ERROR per region not read). */
export default defineCheck({
  meta: {
    controlId: 'access-analyzer-findings',
    riskId: 'IAM-025',
    title: 'No active external-access findings',
    group: 'analyzer',
    severity: 'high',
    hipaa: ['164.312(a)(1)', '164.308(a)(4)(ii)(B)'],
    description: 'IAM Access Analyzer reports no ACTIVE finding of a resource reachable from outside the account or organization.',
    remediation: 'Review each finding: remove the external access from the resource policy, or archive the finding with a documented justification if the access is intended.',
    documentation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-findings-remediate.html',
    sources: ['accessAnalyzer'],
  },
  run({ snapshot }) {
    const findings: FindingDraft[] = [];
    const cleanRegions: string[] = [];
    const blindRegions: string[] = [];
    for (const [region, result] of Object.entries(sourceData(snapshot, 'accessAnalyzer').regions)) {
      if (result.status === 'error') {
        findings.push({ ...accountFinding(snapshot.accountId, 'ERROR', `${region}: findings could not be read: ${result.error.code}: ${result.error.message}`, { region }), resourceName: region });
        continue;
      }
      const analyzers = result.data.analyzers.filter((a) => a.status === 'ACTIVE' && EXTERNAL_ACCESS_ANALYZER_TYPES.has(a.type));
      if (analyzers.length === 0) {
        blindRegions.push(region);
        continue;
      }
      const active = result.data.findings.filter((f) => f.status === 'ACTIVE' && isExternalAccess(f.findingType));
      if (active.length === 0) cleanRegions.push(region);
      for (const f of active) {
        findings.push({
          status: 'FAIL',
          resourceType: f.resourceType,
          resourceArn: f.resource ?? f.id,
          resourceName: f.resource?.split(/[:/]/).pop() ?? f.id,
          message: `${region}: ${f.resourceType} ${f.resource ?? f.id} is reachable from outside the account (finding ${f.id})`,
          evidence: { region, ...f },
        });
      }
    }
    for (const region of cleanRegions) {
      findings.push({ ...accountFinding(snapshot.accountId, 'PASS', `${region}: no active external-access finding`, { region }), resourceName: region });
    }
    if (findings.length === 0) {
      // Without an analyzer nothing was looked at: access-analyzer-enabled fails those regions.
      findings.push(accountFinding(snapshot.accountId, 'NOT_APPLICABLE', 'no region has an active analyzer, so there are no findings to judge (see access-analyzer-enabled)', { regionsWithoutAnalyzer: blindRegions }));
    }
    return findings;
  },
});
