import type { IamUser, PolicyDocument, PolicyStatement } from '../snapshot/schema.js';
import { expandActionPattern } from './action-catalog.js';
import { describeClause, evaluateClause, parseConditions, type ConditionClause, type ConditionContext } from './conditions.js';
import { asList, statementsOf } from './document.js';
import { principalContext, principalOfUser } from './effective-permissions.js';
import { missingGroups, policiesReachingUser, type DetailsIndex } from './principal-policies.js';
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

const MFA_PRESENT = 'aws:multifactorauthpresent';
const MFA_AGE = 'aws:multifactorauthage';

export interface MfaDenyVerdict {
  enforces: boolean;
  /** Why it does or does not deny everything but MFA self-service when MFA is absent. */
  reason: string;
  /** The operator(s) of its MFA condition, e.g. "BoolIfExists". */
  operator: string;
}

/** Whose requests a deny-without-MFA must stop. */
export type MfaSubject =
  /** One IAM user: its name, id, tags and account are known. */
  | { kind: 'user'; user: IamUser }
  /** Any IAM user of an account (the members of a group, a policy about to be attached); accountId null when not known. */
  | { kind: 'any-user'; accountId: string | null };

const ANY_USER: MfaSubject = { kind: 'any-user', accountId: null };

/**
 * Keys that every request a user signs and sends itself carries with the same value: who the
 * principal is (aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType, aws:PrincipalTag/…,
 * aws:username, aws:userid, aws:PrincipalIsAWSService) and that no service sends it on the
 * user's behalf (aws:ViaAWSService false). Time, TLS, network and region vary by request.
 */
function isSameForEveryDirectRequest(key: string): boolean {
  return key.startsWith('aws:principal') || key === 'aws:username' || key === 'aws:userid' || key === 'aws:viaawsservice';
}

/**
 * The request context of a console session signed in without MFA, sent directly by the subject:
 * aws:MultiFactorAuthPresent "false" and aws:MultiFactorAuthAge absent (IAM User Guide, global
 * condition keys: the age is present only when MFA was used), the subject's identity keys as the
 * engine knows them, and nothing else known.
 */
function sessionWithoutMfa(subject: MfaSubject): ConditionContext {
  // principalContext also sets the time; it is not read here (time varies by request), so any instant will do.
  const base =
    subject.kind === 'user'
      ? principalContext(principalOfUser(subject.user), new Date(0))
      : principalContext({ type: 'group', name: '', arn: '', id: '', tags: new Map(), boundaryArn: null, serviceLinked: false }, new Date(0));
  const own = new Map<string, readonly string[] | null>([
    [MFA_PRESENT, ['false']],
    [MFA_AGE, null],
  ]);
  const variables = new Map<string, string>();
  if (subject.kind === 'any-user') {
    own.set('aws:principaltype', ['User']);
    variables.set('aws:principaltype', 'User');
    if (subject.accountId !== null) {
      own.set('aws:principalaccount', [subject.accountId]);
      variables.set('aws:principalaccount', subject.accountId);
    }
  }
  return {
    values: { get: (key) => (own.has(key) ? own.get(key) : isSameForEveryDirectRequest(key) ? base.values.get(key) : undefined) },
    complete: base.complete ?? [],
    variables: { get: (name) => variables.get(name) ?? base.variables.get(name) },
  };
}

/** A region name: lower-case letters, digits and hyphens, two letters first and a digit last (us-east-1, us-gov-west-1). */
const REGION_SHAPED = /^[a-z]{2}-[a-z0-9-]*[0-9]$/;

/**
 * Whether a condition on aws:RequestedRegion holds in every region, today's and those to come:
 * a negated string operator none of whose values could name a region. Any value that could be a
 * region name is taken for one, and a wildcard pattern of region characters could match one.
 */
function holdsInEveryRegion(clause: ConditionClause): boolean {
  if (clause.keyLower !== 'aws:requestedregion' || !clause.negated || clause.set !== null) return false;
  if (clause.base !== 'StringEquals' && clause.base !== 'StringEqualsIgnoreCase' && clause.base !== 'StringLike') return false;
  return clause.values.every((value) => {
    if (value.includes('${')) return false;
    const text = clause.base === 'StringEqualsIgnoreCase' ? value.toLowerCase() : value;
    if (clause.base === 'StringLike' && hasWildcard(text)) return /[^a-z0-9\-*?]/.test(text);
    return !REGION_SHAPED.test(text);
  });
}

/** Whether an operator compares the MFA key by its type: Boolean for the flag, Numeric for the age, Null for either. */
function fitsMfaKey(clause: ConditionClause): boolean {
  if (clause.base === 'Null') return true;
  return clause.keyLower === MFA_PRESENT ? clause.base === 'Bool' : clause.base.startsWith('Numeric');
}

/**
 * Judges one statement as a deny-without-MFA control for a subject's requests. Returns null when
 * the statement does not deny on aws:MultiFactorAuthPresent or aws:MultiFactorAuthAge at all.
 *
 * It enforces when, for a console session signed in without MFA, every condition holds: the MFA
 * condition itself (Bool/BoolIfExists aws:MultiFactorAuthPresent false, Null
 * aws:MultiFactorAuthAge true, NumericGreaterThanIfExists aws:MultiFactorAuthAge …), and every
 * other key for every request the subject sends directly (aws:ViaAWSService false,
 * aws:PrincipalType User, its own account, its name, a region condition no region escapes),
 * evaluated by the engine's condition evaluator; and it covers every resource and every action
 * but MFA self-service. A String operator on the Boolean MFA key is not counted: AWS says to use
 * Boolean operators for Boolean keys and does not document how a string comparison reads them.
 */
export function judgeMfaDeny(statement: PolicyStatement, subject: MfaSubject = ANY_USER): MfaDenyVerdict | null {
  if (statement.Effect !== 'Deny' || !statement.Condition) return null;
  const clauses = parseConditions(statement.Condition);
  const mfa = clauses.filter((c) => c.keyLower === MFA_PRESENT || c.keyLower === MFA_AGE);
  if (mfa.length === 0) return null;
  const operator = [...new Set(mfa.map((c) => c.operator))].join(', ');
  const no = (reason: string): MfaDenyVerdict => ({ enforces: false, reason, operator });

  for (const clause of mfa) {
    if (!fitsMfaKey(clause)) {
      return no(clause.keyLower === MFA_PRESENT ? `uses ${clause.operator} on aws:MultiFactorAuthPresent, not Bool or BoolIfExists` : `uses ${clause.operator} on aws:MultiFactorAuthAge, not Null or a Numeric operator`);
    }
  }
  const context = sessionWithoutMfa(subject);
  for (const clause of mfa) {
    if (evaluateClause(clause, context) !== 'true') return no(`denies only when ${describeClause(clause)}, which a session signed in without MFA does not meet`);
  }
  const narrowing: ConditionClause[] = [];
  for (const clause of clauses.filter((c) => !mfa.includes(c))) {
    const truth = evaluateClause(clause, context);
    if (truth === 'false') return no(`the Deny never applies to ${subject.kind === 'user' ? subject.user.name : "the account's users"}: ${describeClause(clause)} does not hold for them`);
    if (truth === 'unknown' && !holdsInEveryRegion(clause)) narrowing.push(clause);
  }
  if (narrowing.length > 0) return no(`the Deny applies only when ${narrowing.map((c) => `${c.operator} ${c.key}`).join(', ')} also holds`);
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
export function mfaEnforcementOf(user: IamUser, index: DetailsIndex): MfaEnforcement {
  const result: MfaEnforcement = { enforcing: [], nonEnforcing: [], unreadable: missingGroups(user, index).map((g) => `group ${g} (not in the snapshot)`) };
  for (const policy of policiesReachingUser(user, index)) {
    if (policy.document === null) {
      result.unreadable.push(policy.label);
      continue;
    }
    for (const statement of statementsOf(policy.document)) {
      const verdict = judgeMfaDeny(statement, { kind: 'user', user });
      if (!verdict) continue;
      const where = `${policy.label}${statement.Sid ? ` (${statement.Sid})` : ''}`;
      if (verdict.enforces) result.enforcing.push(`${where} [${verdict.operator}]`);
      else result.nonEnforcing.push(`${where}: ${verdict.reason}`);
    }
  }
  return result;
}

/** Whether a policy document holds a statement that enforces MFA on its own, for the subject's requests. */
export function documentEnforcesMfa(document: PolicyDocument, subject: MfaSubject = ANY_USER): boolean {
  return statementsOf(document).some((s) => judgeMfaDeny(s, subject)?.enforces === true);
}
