import { accountsInScope } from '../../identity-center/view.js';
import { type FindingDraft } from '../check.js';
import { identityCenterRun, instanceFinding, defineIdentityCenterCheck } from './common.js';

/**
 * What a person must attest about an instance's MFA. No AWS API reports these settings (sso-admin
 * and identitystore have no call that reads them), so the control is MANUAL; the wording follows
 * the IAM Identity Center console (Settings → Authentication → Multi-factor authentication →
 * Configure; AWS IAM Identity Center User Guide, "Prompt users for MFA", "Available MFA types",
 * "Configure MFA device enforcement").
 */
export const MFA_ATTESTATION = [
  'Prompt users for MFA: "Every time they sign in (always-on)" (not "Only when their sign-in context changes (context-aware)", nor any mode that does not prompt)',
  'Users can authenticate with these MFA types: "Security keys and built-in authenticators" and/or "Authenticator apps" only',
  'If a user does not yet have a registered MFA device: "Require them to register an MFA device at sign in" or "Block their sign-in" (not a one-time password sent by email, nor "Allow them to sign in")',
  "With an external identity provider as identity source, IAM Identity Center's MFA settings do not apply: attest instead that the identity provider's MFA policy requires phishing-resistant or authenticator-app MFA at every sign-in to the AWS access portal",
] as const;

/**
 * IAM Identity Center requires MFA at every sign-in with phishing-resistant or authenticator-app
 * methods: MANUAL per instance, naming the instance, its identity store and region, the accounts
 * it reaches in scope and exactly what to attest (MFA_ATTESTATION).
 */
export default defineIdentityCenterCheck({
  meta: {
    controlId: 'identity-center-mfa',
    riskId: 'IAM-037',
    title: 'IAM Identity Center requires MFA at every sign-in',
    group: 'identity-center',
    severity: 'high',
    hipaa: ['164.312(d)'],
    description: 'IAM Identity Center prompts for MFA every time a user signs in, with security keys, built-in authenticators or authenticator apps, and users without a device register one at sign-in or are blocked (attested: no AWS API reports it).',
    remediation:
      'IAM Identity Center console → Settings → Authentication → Multi-factor authentication → Configure: "Every time they sign in (always-on)"; MFA types: security keys and built-in authenticators and/or authenticator apps; without a registered device: require them to register one at sign in, or block their sign-in. With an external identity provider, require the same in its MFA policy.',
    documentation: 'https://docs.aws.amazon.com/singlesignon/latest/userguide/mfa-getting-started.html',
    sources: ['identityCenter'],
    optionalSources: ['authorizationDetails'],
  },
  run(context) {
    const ic = identityCenterRun(context);
    if (Array.isArray(ic)) return ic;
    return ic.instances.map((instance): FindingDraft => {
      const accounts = instance.permissionSets.status === 'ok' ? [...new Set(instance.permissionSets.data.flatMap((ps) => accountsInScope(ps, ic.scope)))].sort() : null;
      const reaches = accounts === null ? 'the accounts it reaches could not be read' : accounts.length > 0 ? `it reaches account${accounts.length > 1 ? 's' : ''} ${accounts.join(', ')}` : 'it reaches no account in scope';
      const message =
        `attest the MFA settings of IAM Identity Center instance ${instance.instanceArn} (identity store ${instance.identityStoreId}, region ${ic.region}; ${reaches}): ` +
        'no AWS API reports them. In the IAM Identity Center console → Settings → Authentication → Multi-factor authentication: ' +
        MFA_ATTESTATION.join('; ');
      return instanceFinding(instance, 'MANUAL', message, { region: ic.region, ownerAccountId: instance.ownerAccountId, accountIds: accounts, attest: [...MFA_ATTESTATION], apiReportsSetting: false });
    });
  },
});
