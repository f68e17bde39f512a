import type { Settings } from '../settings.js';
import type { PasswordPolicy, Snapshot } from '../snapshot/schema.js';
import { emptyPlan, partitionOf, sourceProblem, type PasswordPolicyParameters, type RemediationPlan } from './plan.js';

/** AWS's own defaults, which apply to any parameter an update leaves out. */
const NO_POLICY: PasswordPolicy = {
  minimumPasswordLength: null,
  requireSymbols: false,
  requireNumbers: false,
  requireUppercaseCharacters: false,
  requireLowercaseCharacters: false,
  allowUsersToChangePassword: false,
  expirePasswords: false,
  maxPasswordAge: null,
  passwordReusePrevention: null,
  hardExpiry: null,
};

/**
 * The policy to set: the baseline, except that nothing already stronger is weakened (a longer
 * minimum, a shorter expiry, a longer history) and HardExpiry is carried over, because
 * UpdateAccountPasswordPolicy resets every parameter it is not given.
 */
export function targetPasswordPolicy(current: PasswordPolicy | null, baseline: Settings['passwordPolicy']): PasswordPolicyParameters {
  const p = current ?? NO_POLICY;
  const currentAge = p.expirePasswords && p.maxPasswordAge ? p.maxPasswordAge : null;
  return {
    MinimumPasswordLength: Math.max(p.minimumPasswordLength ?? 0, baseline.minimumPasswordLength),
    RequireSymbols: true,
    RequireNumbers: true,
    RequireUppercaseCharacters: true,
    RequireLowercaseCharacters: true,
    AllowUsersToChangePassword: true,
    MaxPasswordAge: currentAge === null ? baseline.maxPasswordAge : Math.min(currentAge, baseline.maxPasswordAge),
    PasswordReusePrevention: Math.max(p.passwordReusePrevention ?? 0, baseline.passwordReusePrevention),
    HardExpiry: p.hardExpiry ?? false,
  };
}

function asParameters(p: PasswordPolicy): PasswordPolicyParameters {
  return {
    MinimumPasswordLength: p.minimumPasswordLength ?? 0,
    RequireSymbols: p.requireSymbols,
    RequireNumbers: p.requireNumbers,
    RequireUppercaseCharacters: p.requireUppercaseCharacters,
    RequireLowercaseCharacters: p.requireLowercaseCharacters,
    AllowUsersToChangePassword: p.allowUsersToChangePassword,
    MaxPasswordAge: p.expirePasswords ? (p.maxPasswordAge ?? 0) : 0,
    PasswordReusePrevention: p.passwordReusePrevention ?? 0,
    HardExpiry: p.hardExpiry ?? false,
  };
}

/** "MinimumPasswordLength=14 RequireSymbols=true …"; 0 reads as "not set", an age of 0 as "never". */
export function describePasswordPolicy(parameters: PasswordPolicyParameters): string {
  return Object.entries(parameters)
    .map(([name, value]) => {
      if (value !== 0) return `${name}=${value}`;
      return `${name}=${name === 'MaxPasswordAge' ? 'never expires' : 'not set'}`;
    })
    .join(' ');
}

/** `password-policy --apply`: one UpdateAccountPasswordPolicy, or nothing when the policy already meets the baseline. */
export function planPasswordPolicy(snapshot: Snapshot, baseline: Settings['passwordPolicy']): RemediationPlan {
  const plan = emptyPlan('password-policy --apply');
  const problem = sourceProblem(snapshot, 'passwordPolicy');
  if (problem !== null || snapshot.sources.passwordPolicy.status !== 'ok') {
    plan.blocked.push(`account password policy: it could not be read (${problem}), so it is not changed blind`);
    return plan;
  }
  const current = snapshot.sources.passwordPolicy.data.policy;
  const target = targetPasswordPolicy(current, baseline);
  const before = current === null ? 'no password policy set (AWS default applies)' : describePasswordPolicy(asParameters(current));
  const after = describePasswordPolicy(target);
  if (current !== null && before === after) {
    plan.unchanged.push(`account password policy already meets the baseline: ${before}`);
    return plan;
  }
  plan.changes.push({ change: { kind: 'update-password-policy', parameters: target }, target: `arn:${partitionOf(snapshot)}:iam::${snapshot.accountId}:account-password-policy`, before, after, dependsOn: [] });
  return plan;
}
