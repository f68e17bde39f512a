import type { ListAnalyzersCommandOutput, ListFindingsV2CommandOutput } from '@aws-sdk/client-accessanalyzer';
import type { DescribeRegionsCommandOutput } from '@aws-sdk/client-ec2';
import type { AccessAnalyzerData, AccessAnalyzerRegion } from '../snapshot/schema.js';
import type { Answer } from './answer.js';
import { codedError, isoDate, required, sourceError, type Result } from './source-error.js';

// Pure readers of the AWS answers, shared by the live collector and the importer of AWS CLI
// exports; apart from the calls so that an import (offline) loads no SDK client. Types only from the SDK.

type Analyzer = AccessAnalyzerRegion['analyzers'][number];
type AnalyzerFinding = AccessAnalyzerRegion['findings'][number];

/**
 * The source from every region's result. No region at all is an error (NoRegion); so is every
 * region failing, with the first region's reason (and its code, when all regions share it).
 */
export function accessAnalyzerFromRegions(regionSource: AccessAnalyzerData['regionSource'], results: readonly (readonly [string, Result<AccessAnalyzerRegion>])[]): AccessAnalyzerData {
  // No region checked must not read as "every region has an analyzer".
  if (results.length === 0) throw codedError('NoRegion', 'no region to look for IAM Access Analyzer in');
  const errors = results.flatMap(([region, result]) => (result.status === 'error' ? [{ region, ...result.error }] : []));
  if (errors.length === results.length && errors[0]) {
    const first = errors[0];
    const sameCode = errors.every((e) => e.code === first.code);
    throw codedError(
      sameCode ? first.code : 'AllRegionsFailed',
      `could not be read in any of the ${errors.length} region(s) checked (${regionSource}); ${first.region}: ${sameCode ? '' : `${first.code}: `}${first.message}`,
    );
  }
  return { regionSource, regions: Object.fromEntries(results) };
}

/** DescribeRegions' (AllRegions false) enabled regions, sorted; none throws. */
export function enabledRegionsFromAnswer(answer: Answer<DescribeRegionsCommandOutput>): string[] {
  // AllRegions false already leaves out regions not opted in; the filter guards endpoints that ignore it.
  const names = (answer.Regions ?? []).filter((r) => r.OptInStatus !== 'not-opted-in').flatMap((r) => (r.RegionName ? [r.RegionName] : []));
  if (names.length === 0) throw new Error('DescribeRegions listed no enabled region');
  return names.sort();
}

/** Why the regions could not be listed, as the source's error, saying how to do without. */
export function regionListError(error: unknown): Error {
  const { code, message } = sourceError(error);
  return codedError(code, `cannot list the enabled regions: ${message} (name them with --regions to skip ec2:DescribeRegions)`);
}

/** ListAnalyzers' analyzers of one page; a page without `analyzers` is malformed, never "no analyzer". */
export function analyzersFromAnswer(page: Answer<ListAnalyzersCommandOutput>): Analyzer[] {
  return required(page.analyzers, 'ListAnalyzers', 'analyzers').map((analyzer) => ({
    arn: analyzer.arn ?? '',
    name: analyzer.name ?? '',
    type: analyzer.type ?? '',
    status: analyzer.status ?? '',
    statusReason: analyzer.statusReason?.code ?? null,
    createdAt: isoDate(analyzer.createdAt),
  }));
}

/** Only an ACTIVE analyzer has current findings; the others are reported by their status. */
export function activeAnalyzers(analyzers: readonly Analyzer[]): Analyzer[] {
  return analyzers.filter((a) => a.status === 'ACTIVE');
}

/** ListFindingsV2's findings of one page, for `analyzerArn`; a page without `findings` is malformed, never "no findings". */
export function findingsFromAnswer(page: Answer<ListFindingsV2CommandOutput>, analyzerArn: string): AnalyzerFinding[] {
  return required(page.findings, 'ListFindingsV2', 'findings').map((finding) => ({
    id: finding.id ?? '',
    analyzerArn,
    findingType: finding.findingType ?? null,
    resource: finding.resource ?? null,
    resourceType: finding.resourceType ?? '',
    resourceOwnerAccount: finding.resourceOwnerAccount ?? '',
    status: finding.status ?? '',
    createdAt: isoDate(finding.createdAt),
    updatedAt: isoDate(finding.updatedAt),
    analyzedAt: isoDate(finding.analyzedAt),
    error: finding.error ?? null,
  }));
}
