import type { Finding, Severity } from '../checks/check.js';
import { underlyingStatus } from './findings.js';
import type { RunInfo } from './run-info.js';
import { sha256 } from './manifest.js';

const OCSF_SEVERITY: Record<Severity, { id: number; name: string }> = {
  low: { id: 2, name: 'Low' },
  medium: { id: 3, name: 'Medium' },
  high: { id: 4, name: 'High' },
  critical: { id: 5, name: 'Critical' },
};

/** A finding's stable identity across runs: the same control on the same resource. */
function findingUid(run: RunInfo, f: Finding): string {
  return `hipaa-iam/${run.accountId}/${f.controlId}/${sha256(`${f.resourceArn}\u0000${f.resourceName}`).slice(0, 16)}`;
}

/**
 * OCSF Detection Finding (class 2004) events for what needs attention: failures, accepted
 * failures, what could not be evaluated and what needs a person. A PASS is not a detection.
 */
export function ocsfDetectionFindings(run: RunInfo, findings: readonly Finding[]): string {
  return [...ocsfDetectionFindingsChunks(run, findings)].join('');
}

/** ocsfDetectionFindings's text in chunks, an event at a time. */
export function ocsfDetectionFindingsChunks(run: RunInfo, findings: readonly Finding[]): Generator<string> {
  const time = Date.parse(run.startedAt);
  const events = mapped(
    findings.filter((f) => f.status === 'FAIL' || f.status === 'SUPPRESSED' || f.status === 'ERROR' || f.status === 'MANUAL'),
    (f) => ({
      activity_id: 1,
      activity_name: 'Create',
      category_uid: 2,
      category_name: 'Findings',
      class_uid: 2004,
      class_name: 'Detection Finding',
      type_uid: 200401,
      type_name: 'Detection Finding: Create',
      time,
      severity_id: OCSF_SEVERITY[f.severity].id,
      severity: OCSF_SEVERITY[f.severity].name,
      status_id: f.status === 'SUPPRESSED' ? 3 : 1,
      status: f.status === 'SUPPRESSED' ? 'Suppressed' : 'New',
      message: f.message,
      finding_info: {
        uid: findingUid(run, f),
        title: `${f.riskId} ${f.controlId}: ${f.title}`,
        desc: f.message,
        types: [`HIPAA ${f.hipaa.join(', HIPAA ')}`],
        analytic: { uid: f.controlId, name: f.title, type_id: 1, type: 'Rule' },
      },
      resources: [{ uid: f.resourceArn, type: f.resourceType, name: f.resourceName }],
      cloud: { provider: 'AWS', account: { uid: run.accountId, type_id: 10, type: 'AWS Account' } },
      metadata: { version: '1.1.0', product: { name: run.tool.name, vendor_name: 'hipaa-iam', version: run.tool.version }, log_name: run.command },
      // As findings.json: the underlying status, and the exception that accepted it beside it.
      unmapped: { hipaa_iam_status: underlyingStatus(f), ...(f.status === 'SUPPRESSED' ? { suppressed: f.suppressed ?? {} } : {}), risk_id: f.riskId, hipaa: f.hipaa, evidence: f.evidence },
    }),
  );
  return jsonArrayChunks(events);
}

function* mapped<T, U>(items: readonly T[], map: (item: T) => U): Generator<U> {
  for (const item of items) yield map(item);
}

/** JSON.stringify(items, null, 2) and a line break, an item at a time: the chunks joined are that text. */
function* jsonArrayChunks(items: Iterable<unknown>): Generator<string> {
  let first = true;
  for (const item of items) {
    yield `${first ? '[' : ','}\n  ${JSON.stringify(item, null, 2).replace(/\n/g, '\n  ')}`;
    first = false;
  }
  yield first ? '[]\n' : '\n]\n';
}

/** ASFF ProductFields (string values, at most 2048 characters) naming the exception that accepted a failure. */
function suppressionFields(f: Finding, clip: (text: string, max: number) => string): Record<string, string> {
  if (f.status !== 'SUPPRESSED') return {};
  const s = f.suppressed;
  return {
    'hipaa-iam/Suppressed': 'true',
    ...(s ? { 'hipaa-iam/Justification': clip(s.justification, 2048), 'hipaa-iam/Approver': clip(s.approver, 2048), 'hipaa-iam/Expires': s.expires } : {}),
  };
}

const ASFF_COMPLIANCE: Record<Finding['status'], 'PASSED' | 'FAILED' | 'WARNING' | 'NOT_AVAILABLE'> = {
  PASS: 'PASSED',
  FAIL: 'FAILED',
  SUPPRESSED: 'FAILED',
  MANUAL: 'WARNING',
  ERROR: 'NOT_AVAILABLE',
  NOT_APPLICABLE: 'NOT_AVAILABLE',
};

const ASFF_RESOURCE_TYPES: Record<string, string> = {
  'AWS::IAM::User': 'AwsIamUser',
  'AWS::IAM::Role': 'AwsIamRole',
  'AWS::IAM::Group': 'AwsIamGroup',
  'AWS::IAM::Policy': 'AwsIamPolicy',
  'AWS::IAM::AccessKey': 'AwsIamAccessKey',
  'AWS::CloudTrail::Trail': 'AwsCloudTrailTrail',
  'AWS::S3::Bucket': 'AwsS3Bucket',
  'AWS::KMS::Key': 'AwsKmsKey',
  'AWS::::Account': 'AwsAccount',
};

/**
 * AWS Security Finding Format, ready for securityhub BatchImportFindings (100 per call): every
 * finding with its compliance status, HIPAA citations as related requirements.
 */
export function asffFindings(run: RunInfo, findings: readonly Finding[], region: string): string {
  return [...asffFindingsChunks(run, findings, region)].join('');
}

/** asffFindings's text in chunks, a finding at a time. */
export function asffFindingsChunks(run: RunInfo, findings: readonly Finding[], region: string): Generator<string> {
  const partition = /^arn:(aws[a-z-]*):/.exec(run.caller?.arn ?? '')?.[1] ?? 'aws';
  const productArn = `arn:${partition}:securityhub:${region}:${run.accountId}:product/${run.accountId}/default`;
  const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
  const items = mapped(findings, (f) => ({
    SchemaVersion: '2018-10-08',
    Id: findingUid(run, f),
    ProductArn: productArn,
    GeneratorId: `hipaa-iam/${f.controlId}`,
    AwsAccountId: run.accountId,
    Types: ['Software and Configuration Checks/Industry and Regulatory Standards/HIPAA Controls (USA)'],
    CreatedAt: run.startedAt,
    UpdatedAt: run.finishedAt,
    Severity: { Label: f.status === 'PASS' || f.status === 'NOT_APPLICABLE' ? 'INFORMATIONAL' : f.severity.toUpperCase() },
    Title: clip(`${f.riskId} ${f.controlId}: ${f.title}`, 256),
    Description: clip(f.message || f.title, 1024),
    ProductFields: { 'hipaa-iam/ControlId': f.controlId, 'hipaa-iam/RiskId': f.riskId, 'hipaa-iam/Status': underlyingStatus(f), ...suppressionFields(f, clip) },
    Resources: [{ Type: ASFF_RESOURCE_TYPES[f.resourceType] ?? 'Other', Id: f.resourceArn || f.resourceName, Partition: partition, Region: region }],
    Compliance: { Status: ASFF_COMPLIANCE[f.status], RelatedRequirements: f.hipaa.map((c) => `HIPAA ${c}`).slice(0, 32) },
    Workflow: { Status: f.status === 'SUPPRESSED' ? 'SUPPRESSED' : f.status === 'PASS' ? 'RESOLVED' : 'NEW' },
    RecordState: 'ACTIVE',
  }));
  return jsonArrayChunks(items);
}
