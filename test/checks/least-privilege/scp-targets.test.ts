import { describe, expect, it } from 'vitest';
import type { Status } from '../../../src/checks/check.js';
import scpEligibleAllowlist from '../../../src/checks/least-privilege/scp-eligible-allowlist.js';
import { BUILT_IN_ELIGIBLE_SERVICES } from '../../../src/hipaa/eligible-services.js';
import { buildHipaaScp } from '../../../src/hipaa/scp-allowlist.js';
import type { PolicyTarget, TargetedScp } from '../../../src/organization/facts.js';
import type { PolicyDocument } from '../../../src/snapshot/schema.js';
import { findingsIn, MANAGEMENT, ORG_ID, orgAccount, organizationContext, organizationFacts, PHI_OU, PROD_OU, ROOT, unreadable } from '../../support/organization.js';
import { ACCOUNT, snapshotWith } from '../../support/snapshot.js';

// Organization Root/PHI/Prod holds the member ACCOUNT; Root/Sandbox holds another account.
const SANDBOX_OU = { id: 'ou-test-sandbox', name: 'Sandbox' };
const OTHER = '555566667777';
const at = (...where: (typeof ROOT | typeof PHI_OU | typeof PROD_OU | typeof SANDBOX_OU | string)[]): PolicyTarget[] =>
  where.map((w) =>
    typeof w === 'string' ? { targetId: w, type: 'ACCOUNT', name: `account-${w}` } : { targetId: w.id, type: w.id.startsWith('r-') ? 'ROOT' : 'ORGANIZATIONAL_UNIT', name: w.name },
  );
function scp(name: string, document: PolicyDocument, targets: PolicyTarget[], awsManaged = false): TargetedScp {
  const id = awsManaged ? 'p-FullAWSAccess' : `p-${name.toLowerCase().replace(/[^a-z0-9]/g, '')}`;
  return { id, arn: `arn:aws:organizations::${MANAGEMENT}:policy/${ORG_ID}/service_control_policy/${id}`, name, description: null, awsManaged, document, targets };
}
const FULL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } as PolicyDocument;
const CLEAN_DENY = buildHipaaScp(BUILT_IN_ELIGIBLE_SERVICES, { form: 'deny-not-action' }).documents[0]!;
const ALLOW_PARTS = buildHipaaScp(BUILT_IN_ELIGIBLE_SERVICES, { form: 'allow-list', maxChars: 1500 }).documents;
const LEAKY_DENY: PolicyDocument = { Version: '2012-10-17', Statement: [{ Sid: 'Leaky', Effect: 'Deny', NotAction: ['s3:*', 'gamelift:*'], Resource: '*' }] };
const ALLOW_LEAKY: PolicyDocument = { Version: '2012-10-17', Statement: [{ Sid: 'AllowList', Effect: 'Allow', Action: ['s3:*', 'gamelift:*'], Resource: '*' }] };

/** FullAWSAccess on every level of the member's path (as AWS attaches it by default), plus these SCPs. */
const everywhere = (...scps: TargetedScp[]) => [scp('FullAWSAccess', FULL, at(ROOT, PHI_OU, PROD_OU, ACCOUNT, SANDBOX_OU, OTHER, MANAGEMENT), true), ...scps];

// The member's own organizations source: a member may not read SCPs, so alone it is an ERROR.
const member = (id = ACCOUNT) =>
  snapshotWith((s) => {
    s.accountId = id;
    s.sources.organizations = { status: 'ok', data: { inOrganization: true, organization: { id: ORG_ID, arn: `arn:aws:organizations::${MANAGEMENT}:organization/${ORG_ID}`, masterAccountId: MANAGEMENT, featureSet: 'ALL' }, scps: null, scpsUnavailable: 'AccessDeniedException: organizations:ListPolicies' } };
  });
const withScps = (scps: TargetedScp[], patch: Parameters<typeof organizationFacts>[0] = () => {}) =>
  organizationFacts((f) => {
    f.scps = { status: 'ok', data: scps };
    f.accounts = { status: 'ok', data: [orgAccount(MANAGEMENT, { ouPath: [ROOT] }), orgAccount(ACCOUNT), orgAccount(OTHER, { ouPath: [ROOT, SANDBOX_OU] })] };
    patch(f);
  });

describe('scp-eligible-allowlist (IAM-022) judged per account with the SCPs\' targets', () => {
  it.each<[string, TargetedScp[], Status, RegExp]>([
    ['clean Deny attached to the PHI OU', everywhere(scp('HIPAA', CLEAN_DENY, at(PHI_OU))), 'PASS', /SCP "HIPAA" p-hipaa \(Deny with NotAction\), attached to OU PHI \(ou-test-phi\), restricts account 123456789012 \(Root\/PHI\/Prod\)/],
    ['clean Deny attached to the root', everywhere(scp('HIPAA', CLEAN_DENY, at(ROOT))), 'PASS', /attached to the root Root \(r-test\)/],
    ['clean Deny attached to the account itself', everywhere(scp('HIPAA', CLEAN_DENY, at(ACCOUNT))), 'PASS', /attached to this account \(123456789012\)/],
    ['clean Deny attached only to another OU', everywhere(scp('HIPAA', CLEAN_DENY, at(SANDBOX_OU))), 'FAIL', /no SCP that applies to account 123456789012/],
    ['clean Deny attached only to another account', everywhere(scp('HIPAA', CLEAN_DENY, at(OTHER))), 'FAIL', /no SCP that applies/],
    ['clean Deny attached nowhere', everywhere(scp('HIPAA', CLEAN_DENY, [])), 'FAIL', /no SCP that applies/],
    ['leaky Deny on the path', everywhere(scp('Leaky', LEAKY_DENY, at(PHI_OU))), 'FAIL', /still lets through 1 service prefix\(es\).*gamelift/],
    ['leaky Deny on the path and clean Deny on the account', everywhere(scp('Leaky', LEAKY_DENY, at(PHI_OU)), scp('HIPAA', CLEAN_DENY, at(ACCOUNT))), 'PASS', /"HIPAA"/],
    // Allow-lists: at one level, the Allows of the SCPs attached there add up; FullAWSAccess beside them opens that level.
    ['allow-list parts replacing FullAWSAccess on the Prod OU', [scp('FullAWSAccess', FULL, at(ROOT, PHI_OU, ACCOUNT), true), ...ALLOW_PARTS.map((d, i) => scp(`HIPAA part ${i + 1}`, d, at(PROD_OU)))], 'PASS', /SCPs .*"HIPAA part 1".*\(allow-list\), attached to OU Prod \(ou-test-prod\)/],
    ['allow-list parts beside FullAWSAccess on the Prod OU', everywhere(...ALLOW_PARTS.map((d, i) => scp(`HIPAA part ${i + 1}`, d, at(PROD_OU)))), 'FAIL', /no level of it allows only listed services/],
    ['allow-list parts beside an Allow with NotAction on the Prod OU', [scp('FullAWSAccess', FULL, at(ROOT, PHI_OU, ACCOUNT), true), scp('All but billing', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotAction: 'aws-portal:*', Resource: '*' }] } as PolicyDocument, at(PROD_OU)), ...ALLOW_PARTS.map((d, i) => scp(`HIPAA part ${i + 1}`, d, at(PROD_OU)))], 'FAIL', /no level of it allows only listed services/],
    ['allow-list parts split over two levels (each level allows only its part)', [scp('FullAWSAccess', FULL, at(ROOT, ACCOUNT), true), scp('part 1', ALLOW_PARTS[0]!, at(PHI_OU)), ...ALLOW_PARTS.slice(1).map((d, i) => scp(`part ${i + 2}`, d, at(PROD_OU)))], 'PASS', /allow-list/],
    ['a leaky allow-list replacing FullAWSAccess on the PHI OU', [scp('FullAWSAccess', FULL, at(ROOT, PROD_OU, ACCOUNT), true), scp('Leaky allow', ALLOW_LEAKY, at(PHI_OU))], 'FAIL', /still lets through 1 service prefix\(es\).*gamelift/],
    ['a clean allow-list replacing FullAWSAccess on another OU only', [scp('FullAWSAccess', FULL, at(ROOT, PHI_OU, PROD_OU, ACCOUNT), true), ...ALLOW_PARTS.map((d, i) => scp(`part ${i + 1}`, d, at(SANDBOX_OU)))], 'FAIL', /no SCP that applies/],
  ])('%s: %s', (_name, scps, status, message) => {
    const findings = findingsIn(scpEligibleAllowlist, member(), organizationContext(withScps(scps)));
    expect(findings).toHaveLength(1);
    expect(findings[0]!.status).toBe(status);
    expect(findings[0]!.message).toMatch(message);
    // Every verdict made from the targets says so, and how a single-account run differs.
    expect(findings[0]!.evidence.organization).toMatchObject({ usedFacts: 'scps', readFrom: MANAGEMENT, difference: expect.stringMatching(/single-account run judges the organization's SCPs without their targets/) });
  });

  it('evidence lists the SCPs applying with the targets they apply through, and the open levels', () => {
    const [finding] = findingsIn(scpEligibleAllowlist, member(), organizationContext(withScps(everywhere(scp('HIPAA', CLEAN_DENY, at(PHI_OU)), scp('Sandbox only', CLEAN_DENY, at(SANDBOX_OU))))));
    expect(finding!.evidence).toMatchObject({
      accountId: ACCOUNT,
      ouPath: 'Root/PHI/Prod',
      attachmentVerified: true,
      levels: ['the root Root (r-test)', 'OU PHI (ou-test-phi)', 'OU Prod (ou-test-prod)', 'this account (123456789012)'],
      scpsApplying: [
        { scp: 'FullAWSAccess', id: 'p-FullAWSAccess', through: ['attached to the root Root (r-test)', 'attached to OU PHI (ou-test-phi)', 'attached to OU Prod (ou-test-prod)', 'attached to this account (123456789012)'] },
        { scp: 'HIPAA', id: 'p-hipaa', through: ['attached to OU PHI (ou-test-phi)'] },
      ],
      levelsWithoutScp: [],
    });
    expect((finding!.evidence.levelsOpen as unknown[]).length).toBe(4);
  });

  it('a level with no SCP in the facts is recorded (the targets were not all read) and never restricts', () => {
    const [finding] = findingsIn(scpEligibleAllowlist, member(), organizationContext(withScps([scp('FullAWSAccess', FULL, at(ROOT, PHI_OU), true)])));
    expect(finding!.status).toBe('FAIL');
    expect(finding!.evidence.levelsWithoutScp).toEqual(['OU Prod (ou-test-prod)', 'this account (123456789012)']);
  });

  it('the management account, which no SCP restricts, is NOT_APPLICABLE, saying why', () => {
    const [finding] = findingsIn(scpEligibleAllowlist, member(MANAGEMENT), organizationContext(withScps(everywhere(scp('HIPAA', CLEAN_DENY, at(ROOT)))), MANAGEMENT));
    expect(finding).toMatchObject({ status: 'NOT_APPLICABLE', message: expect.stringMatching(/management account: service control policies never restrict it/), evidence: { organization: { usedFacts: 'scps' } } });
  });

  it('consolidated billing only: FAIL, as in a single-account run', () => {
    const [finding] = findingsIn(scpEligibleAllowlist, member(), organizationContext(withScps([], (f) => { f.organization.featureSet = 'CONSOLIDATED_BILLING'; })));
    expect(finding).toMatchObject({ status: 'FAIL', message: expect.stringMatching(/only consolidated billing/) });
  });

  it('SCPs unreadable in the facts: the account\'s own judgement (here ERROR: a member cannot read them), evidence saying so', () => {
    const single = findingsIn(scpEligibleAllowlist, member(), null);
    const [finding] = findingsIn(scpEligibleAllowlist, member(), organizationContext(withScps([], (f) => { f.scps = unreadable('AccessDeniedException', 'organizations:ListTargetsForPolicy'); })));
    expect(single.map((f) => f.status)).toEqual(['ERROR']);
    expect([finding!.status, finding!.message]).toEqual([single[0]!.status, single[0]!.message]);
    expect(finding!.evidence.organization).toMatchObject({ unreadableFacts: 'scps', error: 'AccessDeniedException: organizations:ListTargetsForPolicy' });
  });
});
