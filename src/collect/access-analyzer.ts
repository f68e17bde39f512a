import { paginateListAnalyzers, paginateListFindingsV2, type AccessAnalyzerClient } from '@aws-sdk/client-accessanalyzer';
import { DescribeRegionsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { AccessAnalyzerData, AccessAnalyzerRegion } from '../snapshot/schema.js';
import { resultOf } from './source-error.js';
import { accessAnalyzerFromRegions, activeAnalyzers, analyzersFromAnswer, enabledRegionsFromAnswer, findingsFromAnswer, regionListError } from './access-analyzer-answers.js';

export interface AccessAnalyzerCollection {
  ec2: EC2Client;
  accessAnalyzerIn: (region: string) => AccessAnalyzerClient;
  /** Regions the user named; otherwise every region enabled for the account. */
  regions?: readonly string[];
}

type Analyzer = AccessAnalyzerRegion['analyzers'][number];
type AnalyzerFinding = AccessAnalyzerRegion['findings'][number];

/** The filter of ListFindingsV2: only ACTIVE findings are current (archived and resolved ones are not). */
export const ACTIVE_FINDINGS_FILTER = { status: { eq: ['ACTIVE'] } };

/**
 * Analyzers and their ACTIVE findings in every region, each region its data or its error.
 * When no region could be read at all, the source itself is that error: there is no data.
 */
export async function collectAccessAnalyzer(options: AccessAnalyzerCollection): Promise<AccessAnalyzerData> {
  const regionSource = options.regions ? ('--regions' as const) : ('ec2:DescribeRegions' as const);
  const regions = options.regions ? [...options.regions] : await enabledRegions(options.ec2);
  const results = await Promise.all(
    regions.map(async (region) => [region, await resultOf(() => readRegion(options.accessAnalyzerIn(region)))] as const),
  );
  return accessAnalyzerFromRegions(regionSource, results);
}

async function enabledRegions(ec2: EC2Client): Promise<string[]> {
  try {
    return enabledRegionsFromAnswer(await ec2.send(new DescribeRegionsCommand({ AllRegions: false })));
  } catch (error) {
    throw regionListError(error);
  }
}

async function readRegion(client: AccessAnalyzerClient): Promise<AccessAnalyzerRegion> {
  const analyzers: Analyzer[] = [];
  for await (const page of paginateListAnalyzers({ client }, {})) analyzers.push(...analyzersFromAnswer(page));
  const findings: AnalyzerFinding[] = [];
  for (const analyzer of activeAnalyzers(analyzers)) {
    for await (const page of paginateListFindingsV2({ client }, { analyzerArn: analyzer.arn, filter: ACTIVE_FINDINGS_FILTER })) {
      findings.push(...findingsFromAnswer(page, analyzer.arn));
    }
  }
  return { analyzers, findings };
}
