import { eligibleServicesEvidence } from '../../hipaa/eligible-services.js';
import { judgeRestriction, serviceRestrictionsOf, type RestrictionJudgement, type ServiceRestriction } from '../../hipaa/scp-restriction.js';
import type { ServiceControlPolicy } from '../../snapshot/schema.js';
import { accountFinding, defineCheck, sourceData, type FindingDraft } from '../check.js';

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
  run({ snapshot, settings }) {
    const organizations = sourceData(snapshot, 'organizations');
    const list = settings.eligibleServices;
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
  },
});

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
