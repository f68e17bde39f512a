import type { IamRole } from '../snapshot/schema.js';
import { describeClause, evaluateClauses, type ConditionContext } from './conditions.js';
import { compilePolicy, statementLabel, type CompiledStatement } from './statement.js';
import type { PrincipalInfo } from './effective-permissions.js';

/**
 * A role's trust policy: who may call sts:AssumeRole on it. Within one account, a trust policy
 * that names the caller (its user or role ARN, one of its sessions, or "*") is enough on its
 * own; one that names the account ("arn:aws:iam::111122223333:root") delegates the decision
 * to the caller's identity policies, which must then allow sts:AssumeRole on the role.
 */

export type TrustKind = 'named' | 'account' | 'none' | 'denied';

export interface TrustMatch {
  kind: TrustKind;
  /** Conditions of the trust statement that could not be settled. */
  conditions: string[];
  /** The trust statement that decides, for the evidence. */
  statement: string | null;
}

export interface ServiceTrust {
  /** e.g. lambda.amazonaws.com */
  service: string;
  conditions: string[];
  statement: string;
}

type PrincipalElement = Record<string, string | string[]> | string;

function principalValues(element: unknown, kind: 'AWS' | 'Service' | 'Federated'): string[] | 'any' {
  if (element === '*') return 'any';
  if (!element || typeof element !== 'object') return [];
  const value = (element as PrincipalElement & object)[kind as keyof object] as unknown;
  if (value === undefined) return [];
  const list = (Array.isArray(value) ? value : [value]).map((v) => String(v));
  return list.includes('*') && kind === 'AWS' ? 'any' : list;
}

function trustStatements(role: IamRole): CompiledStatement[] {
  return role.assumeRolePolicy ? compilePolicy(role.assumeRolePolicy).statements : [];
}

function accountOf(arn: string): string {
  return arn.split(':')[4] ?? '';
}

/** How a principal element names the caller: by itself, by its account, or not at all. */
function namesCaller(values: string[] | 'any', caller: PrincipalInfo): 'named' | 'account' | 'none' {
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

/** Whether the role's trust policy lets this principal assume it, and on what terms. */
export function trustFor(role: IamRole, caller: PrincipalInfo, context: ConditionContext): TrustMatch {
  let best: TrustMatch = { kind: 'none', conditions: [], statement: null };
  const rank: Record<TrustKind, number> = { none: 0, account: 1, named: 2, denied: 3 };
  for (const statement of trustStatements(role)) {
    if (!statement.coversAction('sts:AssumeRole')) continue;
    const raw = statement.raw;
    let named: 'named' | 'account' | 'none';
    if (raw.NotPrincipal !== undefined) {
      named = namesCaller(principalValues(raw.NotPrincipal, 'AWS'), caller) === 'none' ? 'named' : 'none';
    } else {
      named = namesCaller(principalValues(raw.Principal, 'AWS'), caller);
    }
    if (named === 'none') continue;
    const c = evaluateClauses(statement.conditions, context);
    if (c.truth === 'false') continue;
    const label = statementLabel(`trust policy of role ${role.name}`, statement);
    if (statement.effect === 'Deny') {
      if (c.truth === 'true') return { kind: 'denied', conditions: [], statement: label };
      continue;
    }
    const candidate: TrustMatch = { kind: named, conditions: c.unknown.map(describeClause), statement: label };
    if (rank[candidate.kind] > rank[best.kind] || (rank[candidate.kind] === rank[best.kind] && candidate.conditions.length < best.conditions.length)) best = candidate;
  }
  return best;
}

/** The AWS services a role trusts (Principal.Service), with the conditions that go with it. */
export function trustedServices(role: IamRole): ServiceTrust[] {
  const out: ServiceTrust[] = [];
  const account = accountOf(role.arn);
  // A resource the caller makes in this account carries this account as aws:SourceAccount.
  const context: ConditionContext = { values: new Map([['aws:sourceaccount', [account]]]), variables: new Map() };
  for (const statement of trustStatements(role)) {
    if (statement.effect !== 'Allow' || !statement.coversAction('sts:AssumeRole')) continue;
    const services = principalValues(statement.raw.Principal, 'Service');
    if (services === 'any') continue;
    const c = evaluateClauses(statement.conditions, context);
    if (c.truth === 'false') continue;
    for (const service of services) {
      out.push({ service: service.toLowerCase(), conditions: c.unknown.map(describeClause), statement: statementLabel(`trust policy of role ${role.name}`, statement) });
    }
  }
  return out;
}

/** The principal ARNs a trust policy names explicitly (for finding who could assume a role). */
export function namedPrincipals(role: IamRole): { arns: string[]; sessionsOf: string[]; anyone: boolean; accounts: string[] } {
  const arns: string[] = [];
  const sessionsOf: string[] = [];
  const accounts: string[] = [];
  let anyone = false;
  for (const statement of trustStatements(role)) {
    if (statement.effect !== 'Allow' || !statement.coversAction('sts:AssumeRole')) continue;
    if (statement.raw.NotPrincipal !== undefined) {
      anyone = true;
      continue;
    }
    const values = principalValues(statement.raw.Principal, 'AWS');
    if (values === 'any') {
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
