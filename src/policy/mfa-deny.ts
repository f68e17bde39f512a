import type { AuthorizationDetails, IamUser, PolicyDocument, PolicyStatement } from '../snapshot/schema.js';
import { expandActionPattern } from './action-catalog.js';
import { asList, statementsOf } from './document.js';
import { missingGroups, policiesReachingUser } from './principal-policies.js';
import { hasWildcard } from './wildcard.js';

/**
 * Actions a user without MFA still needs in order to enrol a device and change a password.
 * The union of AWS's published deny-without-MFA examples and the hardening guide's policy.
 */
export const MFA_SELF_SERVICE: readonly string[] = [
  'iam:ChangePassword',
  'iam:CreateVirtualMFADevice',
  'iam:DeleteVirtualMFADevice',
  'iam:EnableMFADevice',
  'iam:GetAccountPasswordPolicy',
  'iam:GetMFADevice',
  'iam:GetUser',
  'iam:ListMFADevices',
  'iam:ListUsers',
  'iam:ListVirtualMFADevices',
  'iam:ResyncMFADevice',
  'sts:GetCallerIdentity',
  'sts:GetSessionToken',
];

/** The same, lower-cased: IAM action names match without regard to case. */
export const MFA_SELF_SERVICE_ACTIONS: ReadonlySet<string> = new Set(MFA_SELF_SERVICE.map((action) => action.toLowerCase()));

const MFA_KEY = 'aws:multifactorauthpresent';
const MFA_OPERATORS = new Set(['Bool', 'BoolIfExists']);

export interface MfaDenyVerdict {
  enforces: boolean;
  /** Why it does or does not deny everything but MFA self-service when MFA is absent. */
  reason: string;
  operator: string;
}

/**
 * Judges one statement as a deny-without-MFA control. Returns null when the statement does
 * not deny on `aws:MultiFactorAuthPresent` at all.
 */
export function judgeMfaDeny(statement: PolicyStatement): MfaDenyVerdict | null {
  if (statement.Effect !== 'Deny' || !statement.Condition) return null;
  const conditions = Object.entries(statement.Condition).flatMap(([operator, keys]) =>
    Object.entries(keys).map(([key, value]) => ({ operator, key, value })),
  );
  const mfa = conditions.find((c) => c.key.toLowerCase() === MFA_KEY);
  if (!mfa) return null;
  const operator = mfa.operator;
  const no = (reason: string): MfaDenyVerdict => ({ enforces: false, reason, operator });

  if (!MFA_OPERATORS.has(operator)) return no(`uses ${operator} on aws:MultiFactorAuthPresent, not Bool or BoolIfExists`);
  const values = Array.isArray(mfa.value) ? mfa.value : [mfa.value];
  if (values.length === 0 || !values.every((v) => String(v).toLowerCase() === 'false')) {
    return no(`denies when aws:MultiFactorAuthPresent is ${JSON.stringify(mfa.value)}, not when it is false`);
  }
  const others = conditions.filter((c) => c !== mfa);
  if (others.length > 0) {
    const narrowing = others.map((c) => `${c.operator} ${c.key}`).join(', ');
    return no(`the Deny applies only when ${narrowing} also holds`);
  }
  if (statement.NotResource !== undefined) return no('uses NotResource, so some resources stay reachable without MFA');
  if (!asList(statement.Resource).includes('*')) {
    return no(`covers only resources ${asList(statement.Resource).join(', ')}`);
  }
  if (statement.Action !== undefined) {
    const actions = asList(statement.Action);
    if (actions.includes('*')) return { enforces: true, reason: 'denies every action (MFA enrolment included) without MFA', operator };
    return no(`denies only ${actions.join(', ')}`);
  }
  const exempt = asList(statement.NotAction);
  const tooBroad = exempt.filter((action) => !exemptsOnlySelfService(action));
  if (tooBroad.length > 0) return no(`its NotAction also exempts ${tooBroad.join(', ')}, beyond MFA self-service`);
  return { enforces: true, reason: 'denies everything but MFA self-service without MFA', operator };
}

/**
 * Whether a NotAction entry exempts nothing but MFA self-service. A wildcard is expanded over
 * the catalogue of IAM actions: `iam:*MFADevice` passes, `iam:*` does not, and a pattern that
 * matches no known action proves nothing, so it does not pass either.
 */
function exemptsOnlySelfService(pattern: string): boolean {
  if (!hasWildcard(pattern)) return MFA_SELF_SERVICE_ACTIONS.has(pattern.toLowerCase());
  const covered = expandActionPattern(pattern);
  return covered.length > 0 && covered.every((action) => MFA_SELF_SERVICE_ACTIONS.has(action.toLowerCase()));
}

/** How a user stands against deny-without-MFA: what enforces it, what nearly does, what could not be read. */
export interface MfaEnforcement {
  /** e.g. "group human-users: managed policy deny-without-mfa (DenyAll…) [BoolIfExists]" */
  enforcing: string[];
  nonEnforcing: string[];
  unreadable: string[];
}

/** Every policy reaching the user (its own and its groups'), judged statement by statement. */
export function mfaEnforcementOf(user: IamUser, details: AuthorizationDetails): MfaEnforcement {
  const result: MfaEnforcement = { enforcing: [], nonEnforcing: [], unreadable: missingGroups(user, details).map((g) => `group ${g} (not in the snapshot)`) };
  for (const policy of policiesReachingUser(user, details)) {
    if (policy.document === null) {
      result.unreadable.push(policy.label);
      continue;
    }
    for (const statement of statementsOf(policy.document)) {
      const verdict = judgeMfaDeny(statement);
      if (!verdict) continue;
      const where = `${policy.label}${statement.Sid ? ` (${statement.Sid})` : ''}`;
      if (verdict.enforces) result.enforcing.push(`${where} [${verdict.operator}]`);
      else result.nonEnforcing.push(`${where}: ${verdict.reason}`);
    }
  }
  return result;
}

/** Whether a policy document holds a statement that enforces MFA on its own. */
export function documentEnforcesMfa(document: PolicyDocument): boolean {
  return statementsOf(document).some((s) => judgeMfaDeny(s)?.enforces === true);
}
