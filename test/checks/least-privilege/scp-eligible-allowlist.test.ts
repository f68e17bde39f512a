import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Finding, Status } from '../../../src/checks/check.js';
import { runChecks } from '../../../src/checks/engine.js';
import scpEligibleAllowlist from '../../../src/checks/least-privilege/scp-eligible-allowlist.js';
import { BUILT_IN_ELIGIBLE_SERVICES, type EligibleServicesList } from '../../../src/hipaa/eligible-services.js';
import { buildHipaaScp } from '../../../src/hipaa/scp-allowlist.js';
import { statementsOf } from '../../../src/policy/document.js';
import { DEFAULT_SETTINGS } from '../../../src/settings.js';
import type { PolicyDocument, ServiceControlPolicy, Snapshot } from '../../../src/snapshot/schema.js';
import { ACCOUNT, NOW, findingsOf, snapshotWith } from '../../support/snapshot.js';

const MANAGEMENT = '999999999999';
const ORG = { id: 'o-abc123', arn: `arn:aws:organizations::${MANAGEMENT}:organization/o-abc123`, masterAccountId: MANAGEMENT, featureSet: 'ALL' };

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../hipaa/fixtures/${name}`, import.meta.url), 'utf8')) as PolicyDocument;
/** The healthcare reference SCPs as published: of 2023 (the April 2022 list) and of 2025-11-17. */
const REFERENCE_2023 = fixture('lza-healthcare-hipaa-service-scp.json');
const REFERENCE_2025 = fixture('lza-healthcare-hipaa-service-scp-2025-11-17.json');
/** RoboMaker and Server Migration Service are no longer on the list dated 2026-05-22. */
const NO_LONGER_ELIGIBLE = ['robomaker:*', 'sms:*'];
/** The 2023 reference SCP less those two: a restriction that is clean against today's list. */
const referenceNotAction = (REFERENCE_2023.Statement as { NotAction: string[] }[])[0]!.NotAction.filter((a) => !NO_LONGER_ELIGIBLE.includes(a));
const REFERENCE: PolicyDocument = { ...REFERENCE_2023, Statement: [{ ...(REFERENCE_2023.Statement as object[])[0], NotAction: referenceNotAction }] as PolicyDocument['Statement'] };
const FULL_AWS_ACCESS = scp('FullAWSAccess', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }, true);
const deny = (notAction: string[], extra: Record<string, unknown> = {}): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Sid: 'HIPAAEligibleServices', Effect: 'Deny', NotAction: notAction, Resource: '*', ...extra }],
});
const allow = (actions: string[]): PolicyDocument => ({ Version: '2012-10-17', Statement: [{ Sid: 'AllowList', Effect: 'Allow', Action: actions, Resource: '*' }] });

function scp(name: string, document: PolicyDocument, awsManaged = false): ServiceControlPolicy {
  const id = awsManaged ? 'p-FullAWSAccess' : `p-${name.toLowerCase().replace(/[^a-z0-9]/g, '')}`;
  return { id, arn: `arn:aws:organizations::${MANAGEMENT}:policy/${ORG.id}/service_control_policy/${id}`, name, description: null, awsManaged, document };
}

function inOrganization(scps: ServiceControlPolicy[] | null, patch: Partial<typeof ORG> = {}, scpsUnavailable: string | null = null): Snapshot {
  return snapshotWith((s) => {
    s.sources.organizations = { status: 'ok', data: { inOrganization: true, organization: { ...ORG, ...patch }, scps, scpsUnavailable } };
  });
}

const only = (findings: Finding[]): Finding => {
  expect(findings).toHaveLength(1);
  return findings[0]!;
};

describe('scp-eligible-allowlist (IAM-022)', () => {
  it('has the metadata of CONTROLS.md', () => {
    expect(scpEligibleAllowlist.meta).toMatchObject({
      controlId: 'scp-eligible-allowlist',
      riskId: 'IAM-022',
      group: 'least-privilege',
      severity: 'low',
      hipaa: ['164.308(b)(1)', '164.308(a)(4)(ii)(B)'],
      sources: ['organizations'],
    });
  });

  it.each<[string, ServiceControlPolicy[], Status, RegExp]>([
    ['the 2023 reference healthcare SCP as published, which lets RoboMaker and SMS through', [FULL_AWS_ACCESS, scp('HIPAA services', REFERENCE_2023)], 'FAIL', /^SCP "HIPAA services" p-hipaaservices \(Deny with NotAction HIPAAEligibleServices\) restricts accounts to a list of services but still lets through 2 service prefix\(es\) not on the HIPAA-eligible list as of 2026-05-22: robomaker, sms$/],
    ['the 2025-11-17 reference SCP as published, which lets Amazon Q Developer through', [FULL_AWS_ACCESS, scp('HIPAA 2025', REFERENCE_2025)], 'FAIL', /still lets through 1 service prefix\(es\) not on the HIPAA-eligible list as of 2026-05-22: qdeveloper$/],
    ['the reference healthcare SCP less the services no longer eligible', [FULL_AWS_ACCESS, scp('HIPAA services', REFERENCE)], 'PASS', /SCP "HIPAA services" p-hipaaservices \(Deny with NotAction HIPAAEligibleServices\) restricts the accounts it is attached to to HIPAA-eligible/],
    ['the SCP hipaa-iam generates', [FULL_AWS_ACCESS, scp('generated', buildHipaaScp(BUILT_IN_ELIGIBLE_SERVICES).documents[0]!)], 'PASS', /SCP "generated"/],
    ['the reference SCP letting Lightsail and GameLift through too', [scp('leaky', deny([...referenceNotAction, 'lightsail:*', 'gamelift:CreateFleet']))], 'FAIL', /still lets through 2 service prefix\(es\) not on the HIPAA-eligible list as of \d{4}-\d{2}-\d{2}: gamelift, lightsail/],
    ['an allow-list of eligible services', [FULL_AWS_ACCESS, scp('allow', allow(['s3:*', 'kms:*', 'iam:*', 'sts:*']))], 'PASS', /allow-list AllowList\) restricts the accounts it is attached to \(where it replaces FullAWSAccess\) to HIPAA-eligible/],
    ['an allow-list with a not-eligible service', [scp('allow', allow(['s3:*', 'lightsail:*']))], 'FAIL', /lets through 1 service prefix\(es\) .*: lightsail/],
    ['a wildcard prefix matching not-eligible services', [scp('wild', deny(['s3:*', 'iot*:*']))], 'FAIL', /iotanalytics/],
    ['NotAction "*", which denies nothing', [scp('open', deny(['*']))], 'FAIL', /no SCP restricts accounts to HIPAA-eligible services: 1 SCP\(s\) examined \(open\)/],
    ['only FullAWSAccess', [FULL_AWS_ACCESS], 'FAIL', /no SCP restricts .* \(FullAWSAccess\)/],
    ['a deny-list of services', [scp('deny-list', { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: ['lightsail:*'], Resource: '*' }] })], 'FAIL', /no SCP restricts/],
    ['a Deny NotAction that applies in one Region only', [scp('eu-only', deny(['s3:*'], { Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } }))], 'FAIL', /no SCP restricts/],
    ['a Deny NotAction on some resources only', [scp('some', deny(['s3:*'], { Resource: 'arn:aws:s3:::bucket/*' }))], 'FAIL', /no SCP restricts/],
    ['no SCP at all', [], 'FAIL', /0 SCP\(s\) examined \(none\)/],
  ])('%s → %s', (_label, scps, status, message) => {
    const finding = only(findingsOf(scpEligibleAllowlist, inOrganization(scps)));
    expect(finding.status).toBe(status);
    expect(finding.message).toMatch(message);
    expect(finding.resourceType).toBe('AWS::Organizations::Organization');
    expect(finding.resourceName).toBe(ORG.id);
    expect(finding.evidence).toMatchObject({ attachmentVerified: false, eligibleServicesAsOf: BUILT_IN_ELIGIBLE_SERVICES.asOf });
  });

  it('says attachment is not verified, and names the partly eligible services it lets through for review', () => {
    const finding = only(findingsOf(scpEligibleAllowlist, inOrganization([FULL_AWS_ACCESS, scp('HIPAA services', REFERENCE)])));
    expect(finding.message).toMatch(/attachment to accounts is not verified/);
    expect(finding.message).toMatch(/eligible only in part, for review with their caveats: .*elasticache/);
    const [restriction] = finding.evidence.restrictions as Record<string, unknown>[];
    expect(restriction).toMatchObject({ form: 'deny-not-action', notEligibleLetThrough: [], notIamServicePatterns: ['automation:*'] });
    const partial = restriction!.partiallyEligibleLetThrough as { prefix: string; caveats: string[] }[];
    expect(partial.find((p) => p.prefix === 'ds')?.caveats.join(' ')).toMatch(/Simple AD/);
    expect(finding.evidence.notRestricting).toEqual([{ scp: 'FullAWSAccess', id: 'p-FullAWSAccess', reasons: ['it allows every action (the FullAWSAccess form)'] }]);
  });

  it('counts a Deny whose condition only exempts a break-glass role, and says so', () => {
    const exempt = deny(referenceNotAction, { Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/BreakGlass' } } });
    const finding = only(findingsOf(scpEligibleAllowlist, inOrganization([scp('exempt', exempt)])));
    expect(finding.status).toBe('PASS');
    expect(finding.message).toMatch(/principals exempted by its condition: ArnNotLike aws:PrincipalArn arn:aws:iam::\*:role\/BreakGlass/);
  });

  it('prefers a clean restriction over a leaky one, and the Deny form over an allow-list', () => {
    const scps = [scp('leaky', deny([...referenceNotAction, 'lightsail:*'])), scp('allow', allow(['s3:*'])), scp('HIPAA', REFERENCE)];
    const finding = only(findingsOf(scpEligibleAllowlist, inOrganization(scps)));
    expect(finding.status).toBe('PASS');
    expect(finding.message).toMatch(/^SCP "HIPAA"/);
    expect(finding.evidence.restrictions).toHaveLength(3);
  });

  it('counts a Deny beside an Allow of everything in the same SCP', () => {
    const both: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, ...statementsOf(REFERENCE)] };
    const finding = only(findingsOf(scpEligibleAllowlist, inOrganization([scp('both', both)])));
    expect(finding.status).toBe('PASS');
    expect((finding.evidence.restrictions as { notCountedInThisScp: string[] }[])[0]?.notCountedInThisScp).toEqual([]);
  });

  it('accepts the generated allow-list parts', () => {
    const parts = buildHipaaScp(BUILT_IN_ELIGIBLE_SERVICES, { form: 'allow-list', maxChars: 1500 }).documents;
    const finding = only(findingsOf(scpEligibleAllowlist, inOrganization([FULL_AWS_ACCESS, ...parts.map((d, i) => scp(`part ${i + 1}`, d))])));
    expect(finding.status).toBe('PASS');
  });

  it('reads the eligible-services list from settings', () => {
    const withoutSageMaker: EligibleServicesList = {
      ...BUILT_IN_ELIGIBLE_SERVICES,
      asOf: '2030-01-01',
      services: BUILT_IN_ELIGIBLE_SERVICES.services.filter((s) => !s.prefixes.includes('sagemaker')),
    };
    const [finding] = runChecks([scpEligibleAllowlist], inOrganization([scp('HIPAA', REFERENCE)]), { ...DEFAULT_SETTINGS, eligibleServices: withoutSageMaker }, NOW);
    expect(finding?.status).toBe('FAIL');
    expect(finding?.message).toMatch(/as of 2030-01-01: sagemaker/);
  });

  it('notes that SCPs never restrict the management account when run from it', () => {
    const snapshot = inOrganization([scp('HIPAA', REFERENCE)], { masterAccountId: ACCOUNT });
    const finding = only(findingsOf(scpEligibleAllowlist, snapshot));
    expect(finding.status).toBe('PASS');
    expect(finding.message).toMatch(/SCPs never restrict the management account \(this account\)/);
    expect(finding.evidence.runFromManagementAccount).toBe(true);
  });

  it('is NOT_APPLICABLE outside an organization, and says so', () => {
    const finding = only(findingsOf(scpEligibleAllowlist, snapshotWith(() => {})));
    expect(finding.status).toBe('NOT_APPLICABLE');
    expect(finding.message).toMatch(/not in an AWS Organization/);
  });

  it('is ERROR, never PASS, when the SCPs could not be read, and says why', () => {
    const finding = only(findingsOf(scpEligibleAllowlist, inOrganization(null, {}, 'AccessDeniedException: not authorized to perform organizations:ListPolicies')));
    expect(finding.status).toBe('ERROR');
    expect(finding.message).toMatch(/could not be read \(AccessDeniedException: not authorized to perform organizations:ListPolicies\)/);
    expect(finding.evidence.scpsUnavailable).toMatch(/AccessDeniedException/);
  });

  it('is ERROR when the Organizations source failed', () => {
    const snapshot = snapshotWith((s) => {
      s.sources.organizations = { status: 'error', error: { code: 'AccessDenied', message: 'organizations:DescribeOrganization' } };
    });
    expect(findingsOf(scpEligibleAllowlist, snapshot).map((f) => f.status)).toEqual(['ERROR']);
  });

  it('fails an organization with consolidated billing only, which can have no SCP', () => {
    const finding = only(findingsOf(scpEligibleAllowlist, inOrganization([], { featureSet: 'CONSOLIDATED_BILLING' })));
    expect(finding.status).toBe('FAIL');
    expect(finding.message).toMatch(/only consolidated billing/);
  });
});
