import type { Check, ControlGroup } from './check.js';
import accessAnalyzerEnabled from './analyzer/access-analyzer-enabled.js';
import accessAnalyzerFindings from './analyzer/access-analyzer-findings.js';
import cloudtrailCloudwatch from './audit-trail/cloudtrail-cloudwatch.js';
import cloudtrailKms from './audit-trail/cloudtrail-kms.js';
import cloudtrailLogValidation from './audit-trail/cloudtrail-log-validation.js';
import cloudtrailMultiRegion from './audit-trail/cloudtrail-multi-region.js';
import boundaryStrength from './boundary/boundary-strength.js';
import permissionsBoundary from './boundary/permissions-boundary.js';
import accessKeyRotation from './credentials/access-key-rotation.js';
import keyAtSetup from './credentials/key-at-setup.js';
import multipleActiveKeys from './credentials/multiple-active-keys.js';
import rootAccessKeys from './credentials/root-access-keys.js';
import rootRecentUse from './credentials/root-recent-use.js';
import unusedCredentials from './credentials/unused-credentials.js';
import identityCenterAdmin from './identity-center/identity-center-admin.js';
import identityCenterEligibleServices from './identity-center/identity-center-eligible-services.js';
import identityCenterGroupAssignments from './identity-center/identity-center-group-assignments.js';
import identityCenterMfa from './identity-center/identity-center-mfa.js';
import identityCenterSessionDuration from './identity-center/identity-center-session-duration.js';
import adminAccess from './least-privilege/admin-access.js';
import federation from './least-privilege/federation.js';
import inlinePolicies from './least-privilege/inline-policies.js';
import kmsDecryptWildcard from './least-privilege/kms-decrypt-wildcard.js';
import nonEligibleServices from './least-privilege/non-eligible-services.js';
import privilegeEscalation from './least-privilege/privilege-escalation.js';
import sessionDuration from './least-privilege/session-duration.js';
import scpEligibleAllowlist from './least-privilege/scp-eligible-allowlist.js';
import serviceWildcard from './least-privilege/service-wildcard.js';
import supportRole from './least-privilege/support-role.js';
import userDirectPolicies from './least-privilege/user-direct-policies.js';
import userInGroup from './least-privilege/user-in-group.js';
import mfaEnforcement from './mfa-audit/mfa-enforcement.js';
import rootHardwareMfa from './mfa-audit/root-hardware-mfa.js';
import rootMfa from './mfa-audit/root-mfa.js';
import userConsoleMfa from './mfa-audit/user-console-mfa.js';
import organizationCoverage from './organization/organization-coverage.js';
import rootCredentialsCentral from './organization/root-credentials-central.js';
import passwordPolicy from './password-policy/password-policy.js';
import reviewCadence from './risk-register/review-cadence.js';

/** Every control, in the order reports list them: by subcommand group, as CONTROLS.md lists groups. */
export const ALL_CHECKS: readonly Check[] = [
  passwordPolicy,
  rootMfa,
  rootHardwareMfa,
  userConsoleMfa,
  mfaEnforcement,
  rootAccessKeys,
  rootRecentUse,
  accessKeyRotation,
  unusedCredentials,
  multipleActiveKeys,
  keyAtSetup,
  adminAccess,
  serviceWildcard,
  inlinePolicies,
  userDirectPolicies,
  userInGroup,
  kmsDecryptWildcard,
  privilegeEscalation,
  nonEligibleServices,
  scpEligibleAllowlist,
  supportRole,
  sessionDuration,
  federation,
  permissionsBoundary,
  boundaryStrength,
  accessAnalyzerEnabled,
  accessAnalyzerFindings,
  cloudtrailMultiRegion,
  cloudtrailLogValidation,
  cloudtrailKms,
  cloudtrailCloudwatch,
  identityCenterAdmin,
  identityCenterSessionDuration,
  identityCenterEligibleServices,
  identityCenterGroupAssignments,
  identityCenterMfa,
  reviewCadence,
  rootCredentialsCentral,
  organizationCoverage,
];

export function checksForGroup(group: ControlGroup): Check[] {
  return ALL_CHECKS.filter((check) => check.meta.group === group);
}
