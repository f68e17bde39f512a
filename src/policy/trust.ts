import type { IamRole } from '../snapshot/schema.js';
import { describeClause, evaluateClauses, type ConditionClause, type ConditionContext } from './conditions.js';
import type { PrincipalInfo } from './effective-permissions.js';
import { compilePolicy, statementLabel, type CompiledStatement } from './statement.js';

/**
 * A role's trust policy, read in one place: who may assume the role, by which action, under
 * which conditions. Every check and the escalation search ask their questions of `readTrust`,
 * so a trust statement is read the same way everywhere (before this module, session-duration and
 * escalation each read trust policies their own way, and session-duration missed
 * "Action": "sts:AssumeRole*").
 *
 * Within one account, a trust policy that names the caller (its user or role ARN, one of its
 * sessions, or "*") is enough on its own; one that names the account
 * ("arn:aws:iam::111122223333:root") delegates the decision to the caller's identity policies,
 * which must then allow sts:AssumeRole on the role (IAM User Guide, "Policy evaluation logic",
 * "Cross-account policy evaluation logic" and "How IAM roles differ from resource-based policies").
 */

/**
 * The STS actions that start a role session (AWS STS API Reference): a trust statement bears on
 * who may assume the role when its Action or NotAction covers one of them. Actions are matched
 * as IAM matches them: case-insensitively, with `*` and `?` wildcards ("sts:*", "sts:Assume*",
 * "*"), and NotAction covering everything it does not name.
 */
export const ASSUME_ACTIONS = ['sts:AssumeRole', 'sts:AssumeRoleWithSAML', 'sts:AssumeRoleWithWebIdentity'] as const;
export type AssumeAction = (typeof ASSUME_ACTIONS)[number];

/**
 * A principal a trust statement lets start a session, with the one action AWS accepts for its
 * kind: account principals (Principal.AWS) and services call sts:AssumeRole, a SAML provider's
 * users sts:AssumeRoleWithSAML, an OIDC provider's (or Cognito's, Google's …) users
 * sts:AssumeRoleWithWebIdentity (AWS STS API Reference: AssumeRoleWithSAML takes the SAML
 * provider's ARN as PrincipalArn; AssumeRoleWithWebIdentity takes a web identity token). A
 * statement naming a principal but covering only another kind's action lets nobody in.
 */
export interface Trustee {
  kind: 'anyone' | 'aws' | 'service' | 'saml' | 'webIdentity';
  /** As written in the Principal element ("*" for anyone). */
  value: string;
  /** The action this principal starts its session with (for anyone: the first action covered). */
  action: AssumeAction;
}

/** One statement of a trust policy that covers a session-starting action. */
export interface TrustStatement {
  statement: CompiledStatement;
  effect: 'Allow' | 'Deny';
  /** The session-starting actions the statement's Action/NotAction covers (never empty). */
  actions: readonly AssumeAction[];
  /** NotPrincipal: the statement applies to every principal except those listed. */
  notPrincipal: boolean;
  /** `"Principal": "*"` (or `"NotPrincipal": "*"`): every principal, of every kind. */
  anyone: boolean;
  /** Principal.AWS as written: account ids, account roots, user and role ARNs, session ARNs, "*". */
  aws: readonly string[];
  /** Principal.Service, e.g. lambda.amazonaws.com. */
  services: readonly string[];
  /** Principal.Federated: SAML or OIDC provider ARNs, or a web identity provider (accounts.google.com). */
  federated: readonly string[];
  /** The statement's conditions, unevaluated (each question evaluates them against its own context). */
  conditions: readonly ConditionClause[];
  /** The principals it names that may start a session through it (none for NotPrincipal). */
  trustees: readonly Trustee[];
}

/** A role's trust policy as the statements that bear on assuming it; empty when the role has none. */
export interface RoleTrust {
  role: IamRole;
  statements: readonly TrustStatement[];
}

function valuesOf(element: Record<string, unknown>, key: string): string[] {
  const value = element[key];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => String(v));
}

function readStatement(statement: CompiledStatement): TrustStatement | null {
  const actions = ASSUME_ACTIONS.filter((a) => statement.coversAction(a));
  if (actions.length === 0) return null;
  const notPrincipal = statement.raw.NotPrincipal !== undefined;
  const element = notPrincipal ? statement.raw.NotPrincipal : statement.raw.Principal;
  const anyone = element === '*';
  const object = !anyone && element !== null && typeof element === 'object' ? (element as Record<string, unknown>) : {};
  const aws = valuesOf(object, 'AWS');
  const services = valuesOf(object, 'Service');
  const federated = valuesOf(object, 'Federated');
  const trustees: Trustee[] = [];
  if (!notPrincipal) {
    const covers = (action: AssumeAction) => actions.includes(action);
    if (anyone) trustees.push({ kind: 'anyone', value: '*', action: actions[0]! });
    if (covers('sts:AssumeRole')) {
      for (const value of aws) trustees.push({ kind: 'aws', value, action: 'sts:AssumeRole' });
      for (const value of services) trustees.push({ kind: 'service', value, action: 'sts:AssumeRole' });
    }
    for (const value of federated) {
      const saml = SAML_PROVIDER.test(value);
      const action: AssumeAction = saml ? 'sts:AssumeRoleWithSAML' : 'sts:AssumeRoleWithWebIdentity';
      if (covers(action)) trustees.push({ kind: saml ? 'saml' : 'webIdentity', value, action });
    }
  }
  return { statement, effect: statement.effect, actions, notPrincipal, anyone, aws, services, federated, conditions: statement.conditions, trustees };
}

/** arn:aws:iam::111122223333:saml-provider/Okta; any other Federated value is a web identity provider. */
const SAML_PROVIDER = /^arn:[^:]+:iam::[^:]*:saml-provider\//i;

/** Reads a role's trust policy once into the statements that bear on assuming it (in document order). */
export function readTrust(role: IamRole): RoleTrust {
  const statements = role.assumeRolePolicy ? compilePolicy(role.assumeRolePolicy).statements : [];
  return { role, statements: statements.flatMap((s) => readStatement(s) ?? []) };
}

/** Principal.AWS of a statement: 'any' for "*" (as the whole Principal or as an AWS value). */
function awsPrincipals(t: TrustStatement): readonly string[] | 'any' {
  return t.anyone || t.aws.includes('*') ? 'any' : t.aws;
}

function labelOf(trust: RoleTrust, t: TrustStatement): string {
  return statementLabel(`trust policy of role ${trust.role.name}`, t.statement);
}

function accountOf(arn: string): string {
  return arn.split(':')[4] ?? '';
}

// ---------------------------------------------------------------------------------------------
// Who a role lets in, by kind (IAM-031: roles people assume)

/** Who a role's trust policy lets in: people (federated or account principals), services, or both. */
export interface TrustedPrincipals {
  federated: string[];
  aws: string[];
  services: string[];
}

/**
 * The principals the Allow statements of a role's trust policy let start a session, each through
 * the action AWS accepts for its kind (Trustee); `"Principal": "*"` is listed as aws "*".
 * NotPrincipal statements and Deny statements name nobody here.
 */
export function trustedPrincipals(role: IamRole | RoleTrust): TrustedPrincipals {
  const trust = 'statements' in role ? role : readTrust(role);
  const trusted: TrustedPrincipals = { federated: [], aws: [], services: [] };
  for (const t of trust.statements) {
    if (t.effect !== 'Allow') continue;
    for (const trustee of t.trustees) {
      if (trustee.kind === 'anyone' || trustee.kind === 'aws') trusted.aws.push(trustee.value);
      else if (trustee.kind === 'service') trusted.services.push(trustee.value);
      else trusted.federated.push(trustee.value);
    }
  }
  return trusted;
}

/** People sign in to a role trusted by a SAML/OIDC provider or by account principals (users, roles, accounts). */
export function isAssumedByPeople(role: IamRole | RoleTrust): boolean {
  const trusted = trustedPrincipals(role);
  return trusted.federated.length > 0 || trusted.aws.length > 0;
}

// ---------------------------------------------------------------------------------------------
// Whether one principal of the account may assume the role (escalation)

/** named: the trust policy names the caller; account: it trusts the caller's account; explicitDeny: a Deny in it applies. */
export type TrustKind = 'named' | 'account' | 'none' | 'explicitDeny';

export interface TrustMatch {
  kind: TrustKind;
  /** Conditions of the trust statement that could not be settled. */
  conditions: string[];
  /** The trust statement that decides, for the evidence. */
  statement: string | null;
}

/** How a principal element names the caller: by itself, by its account, or not at all. */
function namesCaller(values: readonly string[] | 'any', caller: PrincipalInfo): 'named' | 'account' | 'none' {
  if (values === 'any') return 'named';
  const account = accountOf(caller.arn);
  const partition = caller.arn.split(':')[1] ?? 'aws';
  let best: 'named' | 'account' | 'none' = 'none';
  for (const v of values) {
    if (v.toLowerCase() === caller.arn.toLowerCase()) return 'named';
    if (caller.type === 'role') {
      // arn:aws:sts::111122223333:assumed-role/RoleName/session names a session of that role.
      const session = /^arn:[^:]+:sts::(\d{12}):assumed-role\/([^/]+)\//.exec(v);
      if (session && session[1] === account && session[2]?.toLowerCase() === caller.name.toLowerCase()) return 'named';
    }
    if (v === account || v === `arn:${partition}:iam::${account}:root`) best = 'account';
  }
  return best;
}

/**
 * Whether the role's trust policy lets this principal of the account call sts:AssumeRole on it,
 * and on what terms: an explicit Deny that applies wins; otherwise the strongest Allow (naming the
 * caller over trusting its account), with the fewest unsettled conditions.
 */
export function trustFor(role: IamRole | RoleTrust, caller: PrincipalInfo, context: ConditionContext): TrustMatch {
  const trust = 'statements' in role ? role : readTrust(role);
  let best: TrustMatch = { kind: 'none', conditions: [], statement: null };
  const rank: Record<TrustKind, number> = { none: 0, account: 1, named: 2, explicitDeny: 3 };
  for (const t of trust.statements) {
    if (!t.actions.includes('sts:AssumeRole')) continue;
    let named: 'named' | 'account' | 'none';
    if (t.notPrincipal) {
      named = namesCaller(awsPrincipals(t), caller) === 'none' ? 'named' : 'none';
    } else {
      named = namesCaller(awsPrincipals(t), caller);
    }
    if (named === 'none') continue;
    const c = evaluateClauses(t.conditions, context);
    if (c.truth === 'false') continue;
    const label = labelOf(trust, t);
    if (t.effect === 'Deny') {
      if (c.truth === 'true') return { kind: 'explicitDeny', conditions: [], statement: label };
      continue;
    }
    const candidate: TrustMatch = { kind: named, conditions: c.unknown.map(describeClause), statement: label };
    if (rank[candidate.kind] > rank[best.kind] || (rank[candidate.kind] === rank[best.kind] && candidate.conditions.length < best.conditions.length)) best = candidate;
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Services a role trusts (escalation through compute)

export interface ServiceTrust {
  /** e.g. lambda.amazonaws.com */
  service: string;
  conditions: string[];
  statement: string;
}

/** The AWS services a role trusts (Principal.Service, for sts:AssumeRole), with the conditions that go with it. */
export function trustedServices(role: IamRole | RoleTrust): ServiceTrust[] {
  const trust = 'statements' in role ? role : readTrust(role);
  const out: ServiceTrust[] = [];
  // A resource the caller makes in this account carries this account as aws:SourceAccount.
  const context: ConditionContext = { values: new Map([['aws:sourceaccount', [accountOf(trust.role.arn)]]]), variables: new Map() };
  for (const t of trust.statements) {
    if (t.effect !== 'Allow' || t.notPrincipal || t.anyone || !t.actions.includes('sts:AssumeRole')) continue;
    const c = evaluateClauses(t.conditions, context);
    if (c.truth === 'false') continue;
    for (const service of t.services) {
      out.push({ service: service.toLowerCase(), conditions: c.unknown.map(describeClause), statement: labelOf(trust, t) });
    }
  }
  return out;
}

/** The principal ARNs a trust policy names explicitly for sts:AssumeRole (for finding who could assume a role). */
export function namedPrincipals(role: IamRole | RoleTrust): { arns: string[]; sessionsOf: string[]; anyone: boolean; accounts: string[] } {
  const trust = 'statements' in role ? role : readTrust(role);
  const arns: string[] = [];
  const sessionsOf: string[] = [];
  const accounts: string[] = [];
  let anyone = false;
  for (const t of trust.statements) {
    if (t.effect !== 'Allow' || !t.actions.includes('sts:AssumeRole')) continue;
    const values = awsPrincipals(t);
    if (t.notPrincipal || values === 'any') {
      anyone = true;
      continue;
    }
    for (const v of values) {
      const session = /^arn:[^:]+:sts::\d{12}:assumed-role\/([^/]+)\//.exec(v);
      if (session?.[1]) sessionsOf.push(session[1].toLowerCase());
      else if (/^\d{12}$/.test(v) || /:root$/.test(v)) accounts.push(/^\d{12}$/.test(v) ? v : accountOf(v));
      else arns.push(v.toLowerCase());
    }
  }
  return { arns, sessionsOf, anyone, accounts };
}
