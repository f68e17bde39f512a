import type { PolicyStatement } from '../snapshot/schema.js';
import { globMatches } from './wildcard.js';

/**
 * Condition blocks, evaluated three-valued: a clause is true, false, or unknown when the
 * request context that decides it is not known (an IP address, MFA, a tag on a resource).
 * Unknown is reported, never taken for true or false.
 */

export type Truth = 'true' | 'false' | 'unknown';

export interface ConditionClause {
  /** As written, e.g. "ForAnyValue:StringEqualsIfExists". */
  operator: string;
  /** Without set prefix, IfExists and Not: "StringEquals", "StringLike", "ArnLike", "Bool", … */
  base: string;
  negated: boolean;
  ifExists: boolean;
  set: 'ForAnyValue' | 'ForAllValues' | null;
  /** As written. */
  key: string;
  /** Lower case (condition keys are case-insensitive). */
  keyLower: string;
  values: string[];
}

/**
 * What is known about a request: keys mapped to their values, or to null when the key is known
 * to be absent from the request. A key not in the map is unknown.
 */
export interface ConditionContext {
  values: { get(key: string): readonly string[] | null | undefined };
  /** Key prefixes (lower case) whose every present key is in `values`: any other key of the family is absent. */
  complete?: readonly string[];
  /** Policy variables (${aws:username} …) known for the principal, lower-case names. */
  variables: ReadonlyMap<string, string>;
}

const BASES = ['String', 'StringIgnoreCase', 'Numeric', 'Date', 'Bool', 'Binary', 'Ip', 'Arn', 'Null'];

export function parseConditions(condition: PolicyStatement['Condition']): ConditionClause[] {
  if (!condition) return [];
  const clauses: ConditionClause[] = [];
  for (const [operator, keys] of Object.entries(condition)) {
    let rest = operator;
    let set: ConditionClause['set'] = null;
    const prefix = /^(ForAnyValue|ForAllValues):/i.exec(rest);
    if (prefix) {
      set = prefix[1]?.toLowerCase() === 'foranyvalue' ? 'ForAnyValue' : 'ForAllValues';
      rest = rest.slice(prefix[0].length);
    }
    const ifExists = /IfExists$/i.test(rest);
    if (ifExists) rest = rest.slice(0, -'IfExists'.length);
    const { base, negated } = baseOf(rest);
    for (const [key, value] of Object.entries(keys ?? {})) {
      const values = (Array.isArray(value) ? value : [value]).map((v) => String(v));
      clauses.push({ operator, base, negated, ifExists, set, key, keyLower: key.toLowerCase(), values });
    }
  }
  return clauses;
}

function baseOf(name: string): { base: string; negated: boolean } {
  const n = name.toLowerCase();
  const table: [string, string, boolean][] = [
    ['stringequals', 'StringEquals', false],
    ['stringnotequals', 'StringEquals', true],
    ['stringequalsignorecase', 'StringEqualsIgnoreCase', false],
    ['stringnotequalsignorecase', 'StringEqualsIgnoreCase', true],
    ['stringlike', 'StringLike', false],
    ['stringnotlike', 'StringLike', true],
    ['numericequals', 'NumericEquals', false],
    ['numericnotequals', 'NumericEquals', true],
    ['numericlessthan', 'NumericLessThan', false],
    ['numericlessthanequals', 'NumericLessThanEquals', false],
    ['numericgreaterthan', 'NumericGreaterThan', false],
    ['numericgreaterthanequals', 'NumericGreaterThanEquals', false],
    ['dateequals', 'DateEquals', false],
    ['datenotequals', 'DateEquals', true],
    ['datelessthan', 'DateLessThan', false],
    ['datelessthanequals', 'DateLessThanEquals', false],
    ['dategreaterthan', 'DateGreaterThan', false],
    ['dategreaterthanequals', 'DateGreaterThanEquals', false],
    ['bool', 'Bool', false],
    ['binaryequals', 'BinaryEquals', false],
    ['ipaddress', 'IpAddress', false],
    ['notipaddress', 'IpAddress', true],
    ['arnequals', 'ArnLike', false],
    ['arnnotequals', 'ArnLike', true],
    ['arnlike', 'ArnLike', false],
    ['arnnotlike', 'ArnLike', true],
    ['null', 'Null', false],
  ];
  const hit = table.find(([lower]) => lower === n);
  return hit ? { base: hit[1], negated: hit[2] } : { base: `unknown:${name}`, negated: false };
}

export function isKnownOperator(clause: ConditionClause): boolean {
  return BASES.some((b) => clause.base.startsWith(b)) && !clause.base.startsWith('unknown:');
}

/** "StringEquals kms:ViaService = s3.us-east-1.amazonaws.com" */
export function describeClause(clause: ConditionClause): string {
  const values = clause.values.length === 1 ? clause.values[0] : `[${clause.values.join(', ')}]`;
  return `${clause.operator} ${clause.key} = ${values}`;
}

/** Substitutes ${…} policy variables; null if one of them is not known. */
export function substituteVariables(text: string, variables: ReadonlyMap<string, string>): string | null {
  if (!text.includes('${')) return text;
  let unknown = false;
  const out = text.replace(/\$\{([^}]*)\}/g, (_whole, name: string) => {
    // ${*}, ${?} and ${$} stand for those characters; read as wildcards here, a little broader than AWS.
    if (name === '*' || name === '?' || name === '$') return name;
    const value = variables.get(name.toLowerCase());
    if (value === undefined) unknown = true;
    return value ?? '';
  });
  return unknown ? null : out;
}

export function evaluateClause(clause: ConditionClause, context: ConditionContext): Truth {
  if (!isKnownOperator(clause)) return 'unknown';
  let present = context.values.get(clause.keyLower);
  if (present === undefined && context.complete?.some((prefix) => clause.keyLower.startsWith(prefix))) present = null;
  if (present === undefined) return 'unknown';
  const policyValues: string[] = [];
  for (const v of clause.values) {
    const substituted = substituteVariables(v, context.variables);
    if (substituted === null) return 'unknown';
    policyValues.push(substituted);
  }
  if (clause.base === 'Null') {
    const wantAbsent = policyValues.some((v) => v.toLowerCase() === 'true');
    return (present === null) === wantAbsent ? 'true' : 'false';
  }
  if (present === null || present.length === 0) {
    if (clause.ifExists) return 'true';
    if (clause.set === 'ForAllValues') return 'true';
    if (clause.set === 'ForAnyValue') return 'false';
    return clause.negated ? 'true' : 'false';
  }
  const matchesAny = (value: string): Truth => {
    let sawUnknown = false;
    for (const policyValue of policyValues) {
      const m = matchOne(clause.base, value, policyValue);
      if (m === 'true') return 'true';
      if (m === 'unknown') sawUnknown = true;
    }
    return sawUnknown ? 'unknown' : 'false';
  };
  const perValue: Truth[] = present.map((value) => {
    const m = matchesAny(value);
    if (!clause.negated || m === 'unknown') return m;
    return m === 'true' ? 'false' : 'true';
  });
  if (clause.set === 'ForAllValues' || (clause.negated && clause.set === null)) return all(perValue);
  return any(perValue);
}

function all(values: Truth[]): Truth {
  if (values.includes('false')) return 'false';
  return values.includes('unknown') ? 'unknown' : 'true';
}

function any(values: Truth[]): Truth {
  if (values.includes('true')) return 'true';
  return values.includes('unknown') ? 'unknown' : 'false';
}

/** Whether every clause holds, some clause fails, or it cannot be told. */
export function evaluateClauses(clauses: readonly ConditionClause[], context: ConditionContext): { truth: Truth; unknown: ConditionClause[]; failing: ConditionClause[] } {
  const unknown: ConditionClause[] = [];
  const failing: ConditionClause[] = [];
  for (const clause of clauses) {
    const truth = evaluateClause(clause, context);
    if (truth === 'false') failing.push(clause);
    else if (truth === 'unknown') unknown.push(clause);
  }
  return { truth: failing.length > 0 ? 'false' : unknown.length > 0 ? 'unknown' : 'true', unknown, failing };
}

function matchOne(base: string, value: string, policyValue: string): Truth {
  switch (base) {
    case 'StringEquals':
      return value === policyValue ? 'true' : 'false';
    case 'StringEqualsIgnoreCase':
      return value.toLowerCase() === policyValue.toLowerCase() ? 'true' : 'false';
    case 'StringLike':
      return globMatches(policyValue, value) ? 'true' : 'false';
    case 'Bool':
      return value.toLowerCase() === policyValue.toLowerCase() ? 'true' : 'false';
    case 'BinaryEquals':
      return value === policyValue ? 'true' : 'false';
    case 'ArnLike':
      return arnLike(policyValue, value) ? 'true' : 'false';
    case 'NumericEquals':
    case 'NumericLessThan':
    case 'NumericLessThanEquals':
    case 'NumericGreaterThan':
    case 'NumericGreaterThanEquals':
      return compare(base.slice('Numeric'.length), Number(value), Number(policyValue));
    case 'DateEquals':
    case 'DateLessThan':
    case 'DateLessThanEquals':
    case 'DateGreaterThan':
    case 'DateGreaterThanEquals':
      return compare(base.slice('Date'.length), dateValue(value), dateValue(policyValue));
    case 'IpAddress':
      return ipInCidr(value, policyValue);
    default:
      return 'unknown';
  }
}

function compare(kind: string, a: number, b: number): Truth {
  if (Number.isNaN(a) || Number.isNaN(b)) return 'unknown';
  switch (kind) {
    case 'Equals':
      return a === b ? 'true' : 'false';
    case 'LessThan':
      return a < b ? 'true' : 'false';
    case 'LessThanEquals':
      return a <= b ? 'true' : 'false';
    case 'GreaterThan':
      return a > b ? 'true' : 'false';
    case 'GreaterThanEquals':
      return a >= b ? 'true' : 'false';
    default:
      return 'unknown';
  }
}

/** ISO 8601 or epoch seconds, as AWS accepts them; NaN if neither. */
function dateValue(text: string): number {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  return Date.parse(text);
}

/** ARN matching: the six parts compared one by one, wildcards never crossing a colon. */
export function arnLike(pattern: string, arn: string): boolean {
  const p = splitArn(pattern);
  const a = splitArn(arn);
  if (!p || !a) return globMatches(pattern, arn);
  return p.every((part, i) => globMatches(part, a[i] ?? ''));
}

function splitArn(arn: string): string[] | null {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return null;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

function ipInCidr(ip: string, cidr: string): Truth {
  const toNumber = (text: string): number | null => {
    const octets = text.split('.');
    if (octets.length !== 4) return null;
    let n = 0;
    for (const octet of octets) {
      const v = Number(octet);
      if (!/^\d{1,3}$/.test(octet) || v > 255) return null;
      n = n * 256 + v;
    }
    return n;
  };
  const [range, bitsText] = cidr.split('/');
  const base = toNumber(range ?? '');
  const address = toNumber(ip);
  if (base === null || address === null) return 'unknown';
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return 'unknown';
  const size = 2 ** (32 - bits);
  return Math.floor(address / size) === Math.floor(base / size) ? 'true' : 'false';
}
