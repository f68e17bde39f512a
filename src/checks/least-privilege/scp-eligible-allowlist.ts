import { eligibleServicesEvidence } from '../../hipaa/eligible-services.js';
import { judgeRestriction, serviceRestrictionsOf, type RestrictionJudgement, type ServiceRestriction } from '../../hipaa/scp-restriction.js';
import type { EligibleServicesList } from '../../hipaa/eligible-services.js';
import type { OrganizationContext, TargetedScp } from '../../organization/facts.js';
import type { ServiceControlPolicy, Snapshot } from '../../snapshot/schema.js';
import { accountFinding, defineCheck, sourceData, type FindingDraft } from '../check.js';
import { assertSameAccount, isManagementAccount, unreadableFacts, usedFacts } from '../organization/facts-evidence.js';
import { accountScps, type AccountRestriction } from './scp-targets.js';

/**
 * In an AWS Organization, an SCP restricts accounts to HIPAA-eligible services (plus the control
 * plane every account needs). Judged per organization, from the SCPs it holds:
 *
 * - PASS: some SCP restricts (deny-not-action or allow-list form, see hipaa/scp-restriction.ts)
 *   and lets through no prefix the list calls not eligible. Prefixes eligible only in part
 *   (elasticache, ds, sagemaker, …) cannot be narrowed further by an SCP written in prefixes, so
 *   they do not fail it; the finding names them with their caveats for review.
 * - FAIL: no SCP restricts, or every restriction still lets not-eligible services through (the
 *   one letting the fewest through is named with them): a restriction that leaks is what a
 *   security engineer would want to hear about, and the leaks are cheap to remove.
 * - ERROR: the SCPs could not be read (a member account usually may not); never a PASS.
 * - NOT_APPLICABLE: the account is not in an organization.
 *
 * The snapshot holds the organization's SCPs, not where they are attached, so a PASS says that
 * the restriction exists and which accounts it covers is not verified. SCPs never apply to the
 * management account itself, which the finding says when run from it.
 *
 * In an organization run the facts hold each SCP's targets, so the account is judged by the SCPs
 * that apply to it (attached to it, to an OU on its path or to the root; scp-targets.ts says how
 * Deny and allow-list forms combine over the levels), and the management account, which no SCP
 * restricts, is NOT_APPLICABLE. When the facts' SCPs could not be read, the judgement above
 * stands, its evidence saying so.
 */
export default defineCheck({
  meta: {
    controlId: 'scp-eligible-allowlist',
    riskId: 'IAM-022',
    title: 'An SCP restricts accounts to HIPAA-eligible services',
    group: 'least-privilege',
    severity: 'low',
    hipaa: ['164.308(b)(1)', '164.308(a)(4)(ii)(B)'],
    description: 'In an AWS Organization, a service control policy restricts the accounts that hold PHI to HIPAA-eligible services and the control plane they need.',
    remediation:
      'Create the SCP that `hipaa-iam scp` prints (Deny with NotAction of the eligible and control-plane services) and attach it to the OUs or accounts that hold PHI; remove not-eligible services from an existing restriction.',
    documentation: 'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html',
    sources: ['organizations'],
    usesEligibleServices: true,
  },
  run({ snapshot, settings, organization }) {
    if (organization !== null) {
      assertSameAccount(organization, snapshot.accountId);
      const { scps } = organization.facts;
      if (scps.status === 'ok') return judgeAccount(organization, scps.data, settings.eligibleServices);
      // Unreadable SCP targets: the account's own judgement, saying why the organization's did not replace it.
      const note = unreadableFacts(organization, 'scps', scps.error);
      return judgeOrganizationWide(snapshot, settings.eligibleServices).map((draft) => ({ ...draft, evidence: { ...draft.evidence, organization: note } }));
    }
    return judgeOrganizationWide(snapshot, settings.eligibleServices);
  },
});

/** The single-account judgement: from the account's own organizations source, the SCPs the organization holds, without their targets. */
function judgeOrganizationWide(snapshot: Snapshot, list: EligibleServicesList): FindingDraft[] {
  const organizations = sourceData(snapshot, 'organizations');
  if (!organizations.inOrganization) {
    return [accountFinding(snapshot.accountId, 'NOT_APPLICABLE', 'the account is not in an AWS Organization, so no service control policy can restrict it (identity policies are judged by non-eligible-services)', { inOrganization: false })];
  }
  const { organization } = organizations;
  const base = { resourceType: 'AWS::Organizations::Organization', resourceArn: organization.arn, resourceName: organization.id };
  const managementAccount = snapshot.accountId === organization.masterAccountId;
  const context = {
    organizationId: organization.id,
    featureSet: organization.featureSet,
    runFromManagementAccount: managementAccount,
    ...eligibleServicesEvidence(list),
  };

  if (organizations.scps === null) {
    const why = organizations.scpsUnavailable ?? 'no reason recorded';
    return [{ ...base, status: 'ERROR', message: `the organization's service control policies could not be read (${why}); run the audit from the management account or a delegated administrator for AWS Organizations`, evidence: { ...context, scpsUnavailable: why } }];
  }
  if (organization.featureSet === 'CONSOLIDATED_BILLING') {
    return [{ ...base, status: 'FAIL', message: `organization ${organization.id} has only consolidated billing enabled, so it can have no service control policies; enable all features and attach an SCP restricting accounts to HIPAA-eligible services`, evidence: { ...context, scpsExamined: organizations.scps.length } }];
  }

  const judged: Judged[] = [];
  const notCountedBySCP = new Map<string, string[]>();
  const notRestricting: { scp: string; id: string; reasons: string[] }[] = [];
  for (const scp of organizations.scps) {
    const { restrictions, notCounted } = serviceRestrictionsOf(scp.document);
    const effective = restrictions.map((restriction) => ({ scp, restriction, judgement: judgeRestriction(restriction.permitted, list) }));
    const open = effective.filter((e) => e.judgement.unrestricted);
    const reasons = [...notCounted, ...open.map((e) => `its ${describe(e.restriction)} lets every service through`)];
    notCountedBySCP.set(scp.id, reasons);
    judged.push(...effective.filter((e) => !e.judgement.unrestricted));
    if (effective.length === open.length) notRestricting.push({ scp: scp.name, id: scp.id, reasons });
  }

  const restrictionsEvidence = judged.map(({ scp, restriction, judgement }) => ({
    scp: scp.name,
    id: scp.id,
    form: restriction.form,
    statementSids: restriction.sids,
    notEligibleLetThrough: judgement.notEligible,
    partiallyEligibleLetThrough: judgement.partial,
    controlPlaneLetThrough: judgement.controlPlane,
    eligibleLetThrough: judgement.eligible.length,
    notIamServicePatterns: judgement.notIamPrefixes,
    malformedPatterns: judgement.malformed,
    exemptedPrincipals: restriction.exemptions,
    notCountedInThisScp: notCountedBySCP.get(scp.id) ?? [],
  }));
  const evidence = {
    ...context,
    scpsExamined: organizations.scps.length,
    restrictions: restrictionsEvidence,
    notRestricting,
    attachmentVerified: false,
    attachmentNote: 'the snapshot holds the organization\'s SCPs, not their targets: which accounts a restriction covers is not verified',
  };
  const managementNote = managementAccount ? '; SCPs never restrict the management account (this account), so keep PHI out of it' : '';

  // A Deny form restricts wherever it is attached; an allow-list only where FullAWSAccess is gone.
  const clean = judged.filter((j) => j.judgement.notEligible.length === 0).sort(preferred);
  if (clean.length > 0) {
    const best = clean[0]!;
    const partial = best.judgement.partial.map((p) => p.prefix);
    const review = partial.length > 0 ? `; it lets through ${partial.length} service prefix(es) eligible only in part, for review with their caveats: ${partial.join(', ')}` : '';
    const exempt = best.restriction.exemptions.length > 0 ? `; principals exempted by its condition: ${best.restriction.exemptions.join('; ')}` : '';
    const allowListNote = best.restriction.form === 'allow-list' ? ' (where it replaces FullAWSAccess)' : '';
    const finding: FindingDraft = {
      ...base,
      status: 'PASS',
      message: `SCP ${quote(best.scp)} (${describe(best.restriction)}) restricts the accounts it is attached to${allowListNote} to HIPAA-eligible and control-plane services (eligible-services list as of ${list.asOf})${review}${exempt}; attachment to accounts is not verified${managementNote}`,
      evidence,
    };
    return [finding];
  }
  if (judged.length > 0) {
    const best = [...judged].sort((a, b) => a.judgement.notEligible.length - b.judgement.notEligible.length || preferred(a, b))[0]!;
    const leaks = best.judgement.notEligible;
    const others = judged.length > 1 ? ` (${judged.length - 1} other restriction(s) let as many or more through)` : '';
    return [{
      ...base,
      status: 'FAIL',
      message: `SCP ${quote(best.scp)} (${describe(best.restriction)}) restricts accounts to a list of services but still lets through ${leaks.length} service prefix(es) not on the HIPAA-eligible list as of ${list.asOf}: ${leaks.join(', ')}${others}${managementNote}`,
      evidence,
    }];
  }
  const examined = organizations.scps.map((s) => s.name).join(', ') || 'none';
  return [{
    ...base,
    status: 'FAIL',
    message: `no SCP restricts accounts to HIPAA-eligible services: ${organizations.scps.length} SCP(s) examined (${examined}), none with a Deny on everything outside a service list or an allow-list replacing FullAWSAccess${managementNote}`,
    evidence,
  }];
}

interface Judged {
  scp: ServiceControlPolicy;
  restriction: ServiceRestriction;
  judgement: RestrictionJudgement;
}

function preferred(a: Judged, b: Judged): number {
  const form = (j: Judged) => (j.restriction.form === 'deny-not-action' ? 0 : 1);
  return form(a) - form(b) || a.judgement.partial.length - b.judgement.partial.length;
}

function describe(restriction: ServiceRestriction): string {
  const sids = restriction.sids.filter((s) => s !== '');
  const where = sids.length > 0 ? ` ${sids.join(', ')}` : '';
  return restriction.form === 'deny-not-action' ? `Deny with NotAction${where}` : `allow-list${where}`;
}

function quote(scp: ServiceControlPolicy): string {
  return `"${scp.name}" ${scp.id}`;
}

/**
 * IAM-022 for one account of an organization run, by the SCPs that apply to it (scp-targets.ts).
 * PASS: a restriction applying to it lets no not-eligible service through; FAIL: none applies,
 * or every one leaks; NOT_APPLICABLE: the management account; FAIL as before for an organization
 * with consolidated billing only. Evidence lists the SCPs and the targets they apply through.
 */
function judgeAccount(organization: OrganizationContext, scps: readonly TargetedScp[], list: EligibleServicesList): FindingDraft[] {
  const org = organization.facts.organization;
  const base = { resourceType: 'AWS::Organizations::Organization', resourceArn: org.arn, resourceName: org.id };
  const path = organization.account.ouPath.map((ou) => ou.name).join('/');
  const context = { organizationId: org.id, featureSet: org.featureSet, accountId: organization.account.id, ouPath: path, ...eligibleServicesEvidence(list) };
  const difference = (verdict: string) =>
    usedFacts(organization, 'scps', `judged by the SCPs attached to this account, to an OU on its path or to the root (organizations:ListTargetsForPolicy, read from ${organization.facts.readFrom.accountId}): ${verdict}; a single-account run judges the organization's SCPs without their targets, or cannot read them from a member account (ERROR)`);

  if (isManagementAccount(organization)) {
    return [{ ...base, status: 'NOT_APPLICABLE', message: `the management account: service control policies never restrict it, so keep PHI out of it (member accounts are judged by the SCPs attached to them)`, evidence: { ...context, organization: difference('no SCP restricts the management account') } }];
  }
  if (org.featureSet === 'CONSOLIDATED_BILLING') {
    return [{ ...base, status: 'FAIL', message: `organization ${org.id} has only consolidated billing enabled, so it can have no service control policies; enable all features and attach an SCP restricting accounts to HIPAA-eligible services`, evidence: { ...context, scpsExamined: scps.length, organization: difference('consolidated billing only') } }];
  }
  const judged = accountScps(organization, scps, list);
  const evidence = {
    ...context,
    scpsExamined: scps.length,
    levels: judged.levels.map((l) => l.label),
    scpsApplying: judged.applying,
    restrictions: judged.restrictions.map(restrictionEvidence),
    levelsOpen: judged.openLevels,
    levelsWithoutScp: judged.levelsWithoutScp,
    attachmentVerified: true,
  };
  const clean = judged.restrictions.filter((r) => r.judgement.notEligible.length === 0).sort(preferredRestriction);
  if (clean.length > 0) {
    const best = clean[0]!;
    const partial = best.judgement.partial.map((p) => p.prefix);
    const review = partial.length > 0 ? `; it lets through ${partial.length} service prefix(es) eligible only in part, for review with their caveats: ${partial.join(', ')}` : '';
    const exempt = best.exemptions.length > 0 ? `; principals exempted by its condition: ${best.exemptions.join('; ')}` : '';
    return [{ ...base, status: 'PASS', message: `${describeRestriction(best)}, ${best.through.join(' and ')}, restricts account ${organization.account.id} (${path}) to HIPAA-eligible and control-plane services (eligible-services list as of ${list.asOf})${review}${exempt}`, evidence: { ...evidence, organization: difference('PASS') } }];
  }
  if (judged.restrictions.length > 0) {
    const best = [...judged.restrictions].sort((a, b) => a.judgement.notEligible.length - b.judgement.notEligible.length || preferredRestriction(a, b))[0]!;
    const leaks = best.judgement.notEligible;
    return [{ ...base, status: 'FAIL', message: `${describeRestriction(best)}, ${best.through.join(' and ')}, restricts account ${organization.account.id} (${path}) to a list of services but still lets through ${leaks.length} service prefix(es) not on the HIPAA-eligible list as of ${list.asOf}: ${leaks.join(', ')}`, evidence: { ...evidence, organization: difference('FAIL') } }];
  }
  const applying = judged.applying.map((a) => `"${a.scp}" ${a.id} (${a.through.join(', ')})`).join('; ') || 'none';
  return [{ ...base, status: 'FAIL', message: `no SCP that applies to account ${organization.account.id} (${path}) restricts it to HIPAA-eligible services: SCPs applying: ${applying}; no Deny on everything outside a service list is attached on its path, and no level of it allows only listed services`, evidence: { ...evidence, organization: difference('FAIL') } }];
}

function restrictionEvidence(r: AccountRestriction) {
  return {
    form: r.form,
    scps: r.scps.map((s) => `"${s.name}" ${s.id}`),
    through: r.through,
    statementSids: r.sids,
    notEligibleLetThrough: r.judgement.notEligible,
    partiallyEligibleLetThrough: r.judgement.partial,
    controlPlaneLetThrough: r.judgement.controlPlane,
    eligibleLetThrough: r.judgement.eligible.length,
    notIamServicePatterns: r.judgement.notIamPrefixes,
    malformedPatterns: r.judgement.malformed,
    exemptedPrincipals: r.exemptions,
  };
}

function preferredRestriction(a: AccountRestriction, b: AccountRestriction): number {
  const form = (r: AccountRestriction) => (r.form === 'deny-not-action' ? 0 : 1);
  return form(a) - form(b) || a.judgement.partial.length - b.judgement.partial.length;
}

function describeRestriction(r: AccountRestriction): string {
  const names = r.scps.map((s) => `"${s.name}" ${s.id}`).join(' + ');
  return r.form === 'deny-not-action' ? `SCP ${names} (Deny with NotAction)` : `SCP${r.scps.length > 1 ? 's' : ''} ${names} (allow-list)`;
}
