import type { PolicyStatement } from '../snapshot/schema.js';

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
  variables: PolicyVariables;
}

/**
 * Policy variables, by lower-case name: the value, null when the key is known to be absent (a
 * role's aws:username, a tag a user does not carry), undefined when it is not known here.
 * A Map of known values is one.
 */
export interface PolicyVariables {
  get(name: string): string | null | undefined;
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

/**
 * A policy string with its ${…} variables read, as pieces: text as written (where `*` and `?`
 * are wildcards for the operators that have them), literal text that stands for itself, and
 * values not known here. IAM User Guide, "IAM policy elements: Variables and tags".
 */
export type PatternPiece = { kind: 'policy'; text: string } | { kind: 'literal'; text: string } | { kind: 'unknown'; name: string };

export interface SubstitutedText {
  pieces: PatternPiece[];
  /** Whether some piece is a value not known here. */
  unknown: boolean;
  /** A variable with no value and no default: the string then matches nothing. Null when none. */
  absent: string | null;
}

/** `${key}` or `${key, 'default'}`: whitespace around the key and the quoted default is ignored. */
const VARIABLE = /^\s*([^\s,']+)\s*(?:,\s*'(.*)'\s*)?$/s;

/**
 * Reads the ${…} policy variables of a Resource or condition value. `${*}`, `${?}` and `${$}`
 * stand for a literal *, ? and $ (never wildcards); `${key, 'default'}` takes the default when
 * the key is known to be absent; key names compare without case, defaults keep theirs. A value
 * or default is literal text. (IAM User Guide: "Special characters", "Specifying default values",
 * "Policy variables with no value".)
 */
export function readVariables(text: string, variables: PolicyVariables): SubstitutedText {
  if (!text.includes('${')) return { pieces: [{ kind: 'policy', text }], unknown: false, absent: null };
  const pieces: PatternPiece[] = [];
  let unknown = false;
  let absent: string | null = null;
  let last = 0;
  for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
    if (match.index > last) pieces.push({ kind: 'policy', text: text.slice(last, match.index) });
    last = match.index + match[0].length;
    const inner = match[1] ?? '';
    if (inner === '*' || inner === '?' || inner === '$') {
      pieces.push({ kind: 'literal', text: inner });
      continue;
    }
    const parsed = VARIABLE.exec(inner);
    const name = (parsed?.[1] ?? inner).toLowerCase();
    // A malformed variable is not read here: its value is taken as unknown.
    const value = parsed ? variables.get(name) : undefined;
    const fallback = parsed?.[2];
    if (typeof value === 'string') pieces.push({ kind: 'literal', text: value });
    else if (value === null && fallback !== undefined) pieces.push({ kind: 'literal', text: fallback });
    else if (value === null) absent ??= name;
    else {
      unknown = true;
      pieces.push({ kind: 'unknown', name });
    }
  }
  if (last < text.length) pieces.push({ kind: 'policy', text: text.slice(last) });
  return { pieces, unknown, absent };
}

/** The text itself when every piece is known (wildcards of the policy text kept as written). */
function plainText(substituted: SubstitutedText): string | null {
  if (substituted.unknown || substituted.absent !== null) return null;
  return substituted.pieces.map((p) => (p.kind === 'unknown' ? '' : p.text)).join('');
}

// A pattern's regex depends on the pattern's text alone, never on whose policy holds it, so one copy serves every run.
const regexCache = new Map<string, RegExp>();

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** Regular-expression source of some pieces; a value not known here stands for any string. */
function piecesSource(pieces: readonly PatternPiece[], wildcards: boolean): string {
  let source = '';
  for (const piece of pieces) {
    if (piece.kind === 'unknown') source += '.*';
    else if (piece.kind === 'literal' || !wildcards) source += escapeRegExp(piece.text);
    else for (const char of piece.text) source += char === '*' ? '.*' : char === '?' ? '.' : escapeRegExp(char);
  }
  return source;
}

function cachedRegExp(source: string, ignoreCase: boolean): RegExp {
  const key = `${ignoreCase ? 'i' : 's'}${source}`;
  let regex = regexCache.get(key);
  if (!regex) {
    regex = new RegExp(`^${source}$`, ignoreCase ? 'is' : 's');
    regexCache.set(key, regex);
  }
  return regex;
}

/**
 * Whether a value matches a substituted policy string: 'false' when no value of its unknown
 * variables could make it match (a variable's value is taken as any string, '/' and ':'
 * included, as tag values may hold them), 'unknown' when some could, 'true' when it matches.
 */
export function matchSubstituted(substituted: SubstitutedText, value: string, options: { wildcards: boolean; ignoreCase?: boolean }): Truth {
  if (substituted.absent !== null) return 'false';
  const regex = cachedRegExp(piecesSource(substituted.pieces, options.wildcards), options.ignoreCase ?? false);
  if (!regex.test(value)) return 'false';
  return substituted.unknown ? 'unknown' : 'true';
}

export function evaluateClause(clause: ConditionClause, context: ConditionContext): Truth {
  if (!isKnownOperator(clause)) return 'unknown';
  let present = context.values.get(clause.keyLower);
  if (present === undefined && context.complete?.some((prefix) => clause.keyLower.startsWith(prefix))) present = null;
  if (present === undefined) return 'unknown';
  const substituted = clause.values.map((v) => readVariables(v, context.variables));
  // Only string and ARN operators can tell which values of an unknown variable could match.
  const patterned = clause.base.startsWith('String') || clause.base === 'ArnLike';
  if (!patterned && substituted.some((s) => s.unknown)) return 'unknown';
  if (clause.base === 'Null') {
    const wantAbsent = substituted.some((s) => plainText(s)?.toLowerCase() === 'true');
    return (present === null) === wantAbsent ? 'true' : 'false';
  }
  if (present === null || present.length === 0) {
    if (clause.ifExists) return 'true';
    if (clause.set === 'ForAllValues') return 'true';
    if (clause.set === 'ForAnyValue') return 'false';
    return clause.negated ? 'true' : 'false';
  }
  // A variable with no value has "no equal or like value" (IAM User Guide); whether that makes a
  // negated operator true is not written down, so it is left unknown there.
  if (clause.negated && substituted.some((s) => s.absent !== null)) return 'unknown';
  const policyValues = substituted.filter((s) => s.absent === null);
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

function matchOne(base: string, value: string, substituted: SubstitutedText): Truth {
  switch (base) {
    case 'StringEquals':
      return matchSubstituted(substituted, value, { wildcards: false });
    case 'StringEqualsIgnoreCase':
      return matchSubstituted(substituted, value, { wildcards: false, ignoreCase: true });
    case 'StringLike':
      return matchSubstituted(substituted, value, { wildcards: true });
    case 'ArnLike':
      return arnMatches(substituted, value);
    default:
      break;
  }
  const policyValue = plainText(substituted);
  if (policyValue === null) return 'unknown';
  switch (base) {
    case 'Bool':
      return value.toLowerCase() === policyValue.toLowerCase() ? 'true' : 'false';
    case 'BinaryEquals':
      return value === policyValue ? 'true' : 'false';
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
  return arnMatches({ pieces: [{ kind: 'policy', text: pattern }], unknown: false, absent: null }, arn) === 'true';
}

/**
 * ArnLike on a substituted pattern. The pattern is cut into its six parts after substitution
 * (a variable's value is part of the ARN AWS compares); with a value not known here, the whole
 * ARN is compared at once, which matches at least what the part-wise comparison would.
 */
function arnMatches(substituted: SubstitutedText, arn: string): Truth {
  if (substituted.absent !== null) return 'false';
  const value = splitArn(arn);
  if (substituted.unknown || !value) return matchSubstituted(substituted, arn, { wildcards: true });
  const parts: PatternPiece[][] = [[]];
  for (const piece of substituted.pieces) {
    if (piece.kind === 'unknown') continue;
    piece.text.split(':').forEach((text, i) => {
      if (i > 0) parts.push([]);
      if (text) parts[parts.length - 1]?.push({ kind: piece.kind, text });
    });
  }
  const firstText = (part: readonly PatternPiece[]) => part.map((p) => (p.kind === 'unknown' ? '' : p.text)).join('');
  if (parts.length < 6 || firstText(parts[0] ?? []) !== 'arn') return matchSubstituted(substituted, arn, { wildcards: true });
  const resource = parts.slice(5).flatMap((part, i) => (i === 0 ? part : [{ kind: 'literal' as const, text: ':' }, ...part]));
  const six = [...parts.slice(0, 5), resource];
  return six.every((part, i) => cachedRegExp(piecesSource(part, true), false).test(value[i] ?? '')) ? 'true' : 'false';
}

function splitArn(arn: string): string[] | null {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return null;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** An IPv4 or IPv6 address as a number of `width` bits; null when it is neither. */
interface IpAddressValue {
  width: 32 | 128;
  value: bigint;
}

function parseIpv4(text: string): bigint | null {
  const octets = text.split('.');
  if (octets.length !== 4) return null;
  let n = 0n;
  for (const octet of octets) {
    if (!/^\d{1,3}$/.test(octet) || Number(octet) > 255) return null;
    n = n * 256n + BigInt(octet);
  }
  return n;
}

/** RFC 4291 section 2.2 text forms: eight groups, one `::` for a run of zeros, a dotted IPv4 tail. */
function parseIpv6(text: string): bigint | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (half: string): number[] | null => {
    if (half === '') return [];
    const groups: number[] = [];
    const fields = half.split(':');
    for (const [i, field] of fields.entries()) {
      if (field.includes('.')) {
        const v4 = i === fields.length - 1 ? parseIpv4(field) : null;
        if (v4 === null) return null;
        groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(field)) groups.push(parseInt(field, 16));
      else return null;
    }
    return groups;
  };
  const head = groupsOf(halves[0] ?? '');
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  if (!head || !tail) return null;
  // A dotted tail belongs at the end only.
  if (halves.length === 2 && (halves[0] ?? '').includes('.')) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return groups.reduce((n, g) => (n << 16n) | BigInt(g), 0n);
}

function parseIp(text: string): IpAddressValue | null {
  const v4 = parseIpv4(text);
  if (v4 !== null) return { width: 32, value: v4 };
  const v6 = text.includes(':') ? parseIpv6(text) : null;
  return v6 === null ? null : { width: 128, value: v6 };
}

/** ::ffff:0:0/96, the IPv4-mapped IPv6 addresses. */
function isIpv4Mapped(ip: IpAddressValue): boolean {
  return ip.width === 128 && ip.value >> 32n === 0xffffn;
}

/**
 * IpAddress: whether an address lies in a CIDR range (or equals a bare address), IPv4 or IPv6.
 * An address of one family never lies in a range of the other; an IPv4-mapped IPv6 address
 * against an IPv4 range (or the reverse) is left unknown, as AWS does not document it.
 */
export function ipInCidr(ip: string, cidr: string): Truth {
  const slash = cidr.indexOf('/');
  const base = parseIp(slash === -1 ? cidr : cidr.slice(0, slash));
  const address = parseIp(ip.trim());
  if (base === null || address === null) return 'unknown';
  const bitsText = slash === -1 ? String(base.width) : cidr.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bitsText) || Number(bitsText) > base.width) return 'unknown';
  if (base.width !== address.width) return isIpv4Mapped(base) || isIpv4Mapped(address) ? 'unknown' : 'false';
  const shift = BigInt(base.width - Number(bitsText));
  return address.value >> shift === base.value >> shift ? 'true' : 'false';
}
