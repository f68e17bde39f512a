import { paginateListAnalyzers, paginateListFindingsV2, type AccessAnalyzerClient } from '@aws-sdk/client-accessanalyzer';
import { DescribeRegionsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { AccessAnalyzerData, AccessAnalyzerRegion } from '../snapshot/schema.js';
import { codedError, isoDate, required, resultOf, sourceError } from './source-error.js';

export interface AccessAnalyzerCollection {
  ec2: EC2Client;
  accessAnalyzerIn: (region: string) => AccessAnalyzerClient;
  /** Regions the user named; otherwise every region enabled for the account. */
  regions?: readonly string[];
}

/**
 * Analyzers and their ACTIVE findings in every region, each region its data or its error.
 * When no region could be read at all, the source itself is that error: there is no data.
 */
export async function collectAccessAnalyzer(options: AccessAnalyzerCollection): Promise<AccessAnalyzerData> {
  const regionSource = options.regions ? ('--regions' as const) : ('ec2:DescribeRegions' as const);
  const regions = options.regions ? [...options.regions] : await enabledRegions(options.ec2);
  // No region checked must not read as "every region has an analyzer".
  if (regions.length === 0) throw codedError('NoRegion', 'no region to look for IAM Access Analyzer in');
  const results = await Promise.all(
    regions.map(async (region) => [region, await resultOf(() => readRegion(options.accessAnalyzerIn(region)))] as const),
  );
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

async function enabledRegions(ec2: EC2Client): Promise<string[]> {
  try {
    const { Regions = [] } = await ec2.send(new DescribeRegionsCommand({ AllRegions: false }));
    // AllRegions false already leaves out regions not opted in; the filter guards endpoints that ignore it.
    const names = Regions.filter((r) => r.OptInStatus !== 'not-opted-in').flatMap((r) => (r.RegionName ? [r.RegionName] : []));
    if (names.length === 0) throw new Error('DescribeRegions listed no enabled region');
    return names.sort();
  } catch (error) {
    const { code, message } = sourceError(error);
    throw codedError(code, `cannot list the enabled regions: ${message} (name them with --regions to skip ec2:DescribeRegions)`);
  }
}

async function readRegion(client: AccessAnalyzerClient): Promise<AccessAnalyzerRegion> {
  const analyzers: AccessAnalyzerRegion['analyzers'] = [];
  for await (const page of paginateListAnalyzers({ client }, {})) {
    for (const analyzer of required(page.analyzers, 'ListAnalyzers', 'analyzers')) {
      analyzers.push({
        arn: analyzer.arn ?? '',
        name: analyzer.name ?? '',
        type: analyzer.type ?? '',
        status: analyzer.status ?? '',
        statusReason: analyzer.statusReason?.code ?? null,
        createdAt: isoDate(analyzer.createdAt),
      });
    }
  }
  const findings: AccessAnalyzerRegion['findings'] = [];
  // Only an ACTIVE analyzer has current findings; the others are reported by their status.
  for (const analyzer of analyzers.filter((a) => a.status === 'ACTIVE')) {
    const pages = paginateListFindingsV2({ client }, { analyzerArn: analyzer.arn, filter: { status: { eq: ['ACTIVE'] } } });
    for await (const page of pages) {
      // An answer without the list is not "no findings": the region is an error.
      for (const finding of required(page.findings, 'ListFindingsV2', 'findings')) {
        findings.push({
          id: finding.id ?? '',
          analyzerArn: analyzer.arn,
          findingType: finding.findingType ?? null,
          resource: finding.resource ?? null,
          resourceType: finding.resourceType ?? '',
          resourceOwnerAccount: finding.resourceOwnerAccount ?? '',
          status: finding.status ?? '',
          createdAt: isoDate(finding.createdAt),
          updatedAt: isoDate(finding.updatedAt),
          analyzedAt: isoDate(finding.analyzedAt),
          error: finding.error ?? null,
        });
      }
    }
  }
  return { analyzers, findings };
}
