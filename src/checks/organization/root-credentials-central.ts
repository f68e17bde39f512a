import { accountFinding, defineCheck, rootArn } from '../check.js';
import { assertSameAccount } from './facts-evidence.js';
import { centralRoot, ROOT_CREDENTIALS_MANAGEMENT, rootCredentials } from './root-credentials.js';

/**
 * IAM-038: member accounts' root credentials are centrally managed. Judged only in an
 * organization-wide run, where iam:ListOrganizationsFeatures has been read from the management
 * account (or IAM's delegated administrator); per member account:
 *
 * - FAIL: RootCredentialsManagement is not enabled, or it is but this member's root still holds a
 *   password, an active access key (or any key, by AccountAccessKeysPresent) or an active signing
 *   certificate (credential report `<root_account>` row);
 * - PASS: enabled, and the root holds none of them;
 * - ERROR: the features could not be read (moto does not serve the call), or the root row could
 *   not be read (no credential report, no `<root_account>` row): never a PASS on an unknown;
 * - NOT_APPLICABLE: a single-account run (nothing tells it the organization's features), and the
 *   management account, whose root central root management does not cover (IAM-005/006 judge it).
 */
export default defineCheck({
  meta: {
    controlId: 'root-credentials-central',
    riskId: 'IAM-038',
    title: 'Member root credentials are centrally managed',
    group: 'organization',
    severity: 'medium',
    hipaa: ['164.312(a)(2)(i)', '164.308(a)(3)(ii)(A)'],
    description: 'In an AWS Organization, root credentials management is enabled centrally and member accounts\' root users hold no password, access keys or signing certificates.',
    remediation:
      'From the management account: aws organizations enable-aws-service-access --service-principal iam.amazonaws.com; aws iam enable-organizations-root-credentials-management; then for each member aws sts assume-root --target-principal ACCOUNT_ID --task-policy-arn arn=arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials and delete its root password, keys, certificates and MFA devices.',
    documentation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-enable-root-access.html',
    sources: [],
    // Read only in an organization run, for a member whose organization manages root centrally.
    optionalSources: ['credentialReport', 'accountSummary'],
  },
  run({ snapshot, organization }) {
    const { accountId } = snapshot;
    const central = centralRoot(organization);
    if (central.kind === 'single-account' || organization === null) {
      return [accountFinding(accountId, 'NOT_APPLICABLE', 'judged in an organization-wide run (`hipaa-iam audit --organization`), which reads iam:ListOrganizationsFeatures from the management account; a single account cannot tell whether its root credentials are managed centrally', { organizationRun: false })];
    }
    assertSameAccount(organization, accountId);
    const facts = { organizationId: organization.facts.organization.id, readFrom: organization.facts.readFrom.accountId, management: organization.facts.organization.masterAccountId };
    if (central.kind === 'features-unreadable') {
      const reason = `${central.error.code}: ${central.error.message}`;
      return [accountFinding(accountId, 'ERROR', `the organization's centralized root access features could not be read (iam:ListOrganizationsFeatures from ${facts.readFrom}: ${reason})`, { ...facts, organizationsFeatures: reason })];
    }
    if (central.kind === 'management') {
      return [accountFinding(accountId, 'NOT_APPLICABLE', 'the management account: central root management covers member accounts only; its own root is judged by root-mfa (IAM-005) and root-hardware-mfa (IAM-006)', { ...facts, enabledFeatures: central.enabledFeatures })];
    }
    const base = { resourceType: 'AWS::IAM::RootUser', resourceArn: rootArn(accountId), resourceName: 'root' };
    if (central.kind === 'not-enabled') {
      const listed = central.enabledFeatures.length > 0 ? central.enabledFeatures.join(', ') : 'none';
      return [{ ...base, status: 'FAIL', message: `the organization ${facts.organizationId} does not manage member root credentials centrally (${ROOT_CREDENTIALS_MANAGEMENT} not enabled; enabled features: ${listed})`, evidence: { ...facts, enabledFeatures: central.enabledFeatures } }];
    }
    const root = rootCredentials(snapshot);
    const evidence = { ...facts, enabledFeatures: central.enabledFeatures, ...root.evidence };
    if (root.unknown !== null) {
      return [accountFinding(accountId, 'ERROR', `${ROOT_CREDENTIALS_MANAGEMENT} is enabled, but what this member's root holds could not be read: ${root.unknown}`, evidence)];
    }
    if (root.holds.length > 0) {
      return [{ ...base, status: 'FAIL', message: `${ROOT_CREDENTIALS_MANAGEMENT} is enabled, but this member's root still holds ${root.holds.join(', ')}: delete them centrally (sts:AssumeRoot with IAMDeleteRootUserCredentials)`, evidence }];
    }
    return [{ ...base, status: 'PASS', message: `root credentials are managed centrally (${central.enabledFeatures.join(', ')}) and this member's root holds no password, access key or signing certificate`, evidence }];
  },
});
