import type { PolicyDocument, PolicyStatement } from '../snapshot/schema.js';
import { takesNoResourceType } from './action-catalog.js';
import { ActionSet } from './action-set.js';
import { describeClause, matchSubstituted, parseConditions, readVariables, type ConditionClause, type PolicyVariables, type SubstitutedText } from './conditions.js';
import { asList, statementsOf } from './document.js';
import { globContains, globMatches, globsIntersect, globToRegExp, hasWildcard, isAllStar, LITERAL_QUESTION, LITERAL_STAR } from './wildcard.js';

/**
 * A policy document read once into statements that answer quickly: which actions, which
 * resources, which conditions. compilePolicy keeps nothing: the account model
 * (src/policy/effective-permissions.ts) compiles each document of a run once and numbers it, so a
 * managed policy shared by thousands of principals is read once per run.
 */

export interface ActionSpec {
  /** NotAction: every action except these. */
  negated: boolean;
  patterns: string[];
}

export interface ResourceSpec {
  /** NotResource: every resource except these. */
  negated: boolean;
  patterns: string[];
}

export interface CompiledStatement {
  index: number;
  sid: string | null;
  effect: 'Allow' | 'Deny';
  action: ActionSpec | null;
  /** null when the statement names no resource (invalid in an identity policy: it matches nothing). */
  resource: ResourceSpec | null;
  conditions: ConditionClause[];
  /** Whether the resource or condition refers to the principal (policy variables, aws:Principal* keys). */
  principalSensitive: boolean;
  raw: PolicyStatement;
  /** Lower-case action → whether the statement's Action/NotAction covers it. */
  coversAction(action: string): boolean;
  /** The actions this statement covers, per the catalogue (computed once, on demand). */
  actionSet(): ActionSet;
  /** The statement less its Resource patterns naming roles under /aws-reserved/ (computed once, on demand). */
  withoutReservedRoles(): CompiledStatement;
}

export interface CompiledPolicy {
  /** The number the account model gave the document, unique within the run, for its cache keys; 0 for a policy compiled alone. */
  id: number;
  statements: CompiledStatement[];
  principalSensitive: boolean;
  /** The statements whose Action/NotAction covers the action (cached per action). */
  statementsFor(action: string): readonly CompiledStatement[];
}

/** How a statement's actions become an ActionSet: the account model shares one per distinct Action list in a run. */
export type ActionSetOf = (spec: ActionSpec) => ActionSet;

const fromSpec: ActionSetOf = (spec) => ActionSet.fromPatterns(spec.patterns, spec.negated);

/**
 * Reads a document into statements; `id` is the number the account model gives it (0: compiled
 * alone), `actionSetOf` how its statements' action sets are made (by default each on its own).
 */
export function compilePolicy(document: PolicyDocument, id = 0, actionSetOf: ActionSetOf = fromSpec): CompiledPolicy {
  const statements = statementsOf(document).map((s, index) => compileStatement(s, index, actionSetOf));
  const byAction = new Map<string, readonly CompiledStatement[]>();
  return {
    id,
    statements,
    principalSensitive: statements.some((s) => s.principalSensitive),
    statementsFor(action: string) {
      const key = action.toLowerCase();
      let hit = byAction.get(key);
      if (!hit) {
        hit = statements.filter((s) => s.coversAction(key));
        byAction.set(key, hit);
      }
      return hit;
    },
  };
}

const PRINCIPAL_KEYS = /^aws:(principal|username|userid|sourceidentity|federatedprovider)/i;

function compileStatement(statement: PolicyStatement, index: number, actionSetOf: ActionSetOf): CompiledStatement {
  const action: ActionSpec | null =
    statement.Action !== undefined
      ? { negated: false, patterns: asList(statement.Action) }
      : statement.NotAction !== undefined
        ? { negated: true, patterns: asList(statement.NotAction) }
        : null;
  const resource: ResourceSpec | null =
    statement.Resource !== undefined
      ? { negated: false, patterns: asList(statement.Resource) }
      : statement.NotResource !== undefined
        ? { negated: true, patterns: asList(statement.NotResource) }
        : null;
  const conditions = parseConditions(statement.Condition);
  const principalSensitive =
    (resource?.patterns.some((p) => p.includes('${')) ?? false) ||
    conditions.some((c) => PRINCIPAL_KEYS.test(c.key) || c.values.some((v) => v.includes('${')));

  let matcher: ((action: string) => boolean) | null = null;
  const actionCache = new Map<string, boolean>();
  let set: ActionSet | null = null;
  let narrowed: CompiledStatement | null = null;
  const compiled: CompiledStatement = {
    index,
    sid: statement.Sid ? statement.Sid : null,
    effect: statement.Effect,
    action,
    resource,
    conditions,
    principalSensitive,
    raw: statement,
    coversAction(name: string) {
      if (!action) return false;
      const key = name.toLowerCase();
      const known = actionCache.get(key);
      if (known !== undefined) return known;
      if (!matcher) matcher = actionMatcher(action.patterns);
      const inList = matcher(key);
      const result = action.negated ? !inList : inList;
      actionCache.set(key, result);
      return result;
    },
    actionSet() {
      if (!set) set = action ? actionSetOf(action) : ActionSet.EMPTY;
      return set;
    },
    withoutReservedRoles() {
      if (!narrowed) {
        narrowed = resource && !resource.negated ? { ...compiled, resource: { negated: false, patterns: resource.patterns.filter((p) => !isAwsReservedRoleArn(p)) } } : compiled;
      }
      return narrowed;
    },
  };
  return compiled;
}

function actionMatcher(patterns: string[]): (lowerAction: string) => boolean {
  if (patterns.some((p) => isAllStar(p))) return () => true;
  const literal = new Set(patterns.filter((p) => !p.includes('*') && !p.includes('?')).map((p) => p.toLowerCase()));
  const globs = patterns.filter((p) => p.includes('*') || p.includes('?')).map((p) => globToRegExp(p, true));
  return (action) => literal.has(action) || globs.some((g) => g.test(action));
}

/** The resource patterns of the partition that stand for every resource ("*", "arn:*", "arn:aws:*:*:*:*" …). */
export function coversAllResources(pattern: string): boolean {
  if (isAllStar(pattern)) return true;
  // Without a wildcard a pattern names one resource; with one, its regex is built once and tried on samples of four services.
  if (!hasWildcard(pattern)) return false;
  const regex = globToRegExp(pattern, false);
  return ALL_RESOURCE_SAMPLES.every((sample) => regex.test(sample));
}

const ALL_RESOURCE_SAMPLES = ['arn:aws:s3:::bucket/key', 'arn:aws:iam::111122223333:role/path/name', 'arn:aws:ec2:us-east-1:111122223333:instance/i-0abc', 'arn:aws:kms:eu-west-1:111122223333:key/1234'];

export type Applies = 'yes' | 'no' | 'maybe';

/** How a request names its resource. */
export type ResourceQuery =
  /** One resource, by ARN. */
  | { kind: 'exact'; arn: string }
  /** A resource the caller names (a new function, a new user): any ARN matching the template. */
  | { kind: 'chosen'; template: string }
  /** Every resource: does the statement cover them all? */
  | { kind: 'all' };

export interface ResourceMatch {
  applies: Applies;
  /** Why it is 'maybe' or limited, for the evidence. */
  note: string | null;
}

/**
 * Whether a statement's Resource/NotResource covers the resource of a request. For a resource
 * the caller chooses, an Allow needs only some name in common; a Deny stops the caller only
 * when it covers every name the caller could choose. A pattern with a policy variable not known
 * here covers a resource when some value of the variable could make it match ('maybe'), never
 * when none could; one whose variable has no value (a role's aws:username) matches nothing.
 */
export function matchResource(statement: CompiledStatement, query: ResourceQuery, variables: PolicyVariables): ResourceMatch {
  const spec = statement.resource;
  if (!spec) return { applies: 'no', note: 'the statement names no Resource' };
  const read = spec.patterns.map((raw) => ({ raw, substituted: raw.includes('${') ? readVariables(raw, variables) : null }));
  const patterns: string[] = [];
  let unresolved = false;
  for (const { raw, substituted } of read) {
    if (substituted === null) patterns.push(raw);
    else if (substituted.absent !== null) unresolved ||= spec.negated;
    else if (substituted.unknown) unresolved ||= spec.negated || query.kind !== 'chosen' || globsIntersect(globOf(substituted, '*'), query.template);
    else patterns.push(globOf(substituted, null));
  }
  const listed = spec.patterns.join(', ');
  const allow = statement.effect === 'Allow';

  if (query.kind === 'all') {
    const everything = patterns.some(coversAllResources);
    if (!spec.negated && everything) return { applies: 'yes', note: null };
    if (spec.negated && patterns.length === 0 && !unresolved) return { applies: 'yes', note: null };
    const note = spec.negated ? `on every resource except ${listed}` : `only on ${listed}`;
    return { applies: 'maybe', note };
  }

  if (query.kind === 'exact') {
    let hit = false;
    let could = false;
    for (const { raw, substituted } of read) {
      // "No value" is documented for Resource; for NotResource AWS leaves it open, so it stays unknown there.
      const m = substituted === null ? (globMatches(raw, query.arn) ? 'true' : 'false') : spec.negated && substituted.absent !== null ? 'unknown' : matchSubstituted(substituted, query.arn, { wildcards: true });
      if (m === 'true') hit = true;
      else if (m === 'unknown') could = true;
    }
    if (spec.negated) {
      if (hit) return { applies: 'no', note: null };
      return could ? { applies: 'maybe', note: `NotResource ${listed} holds a policy variable not known here` } : { applies: 'yes', note: null };
    }
    if (hit) return { applies: 'yes', note: null };
    return could ? { applies: 'maybe', note: `Resource ${listed} holds a policy variable not known here` } : { applies: 'no', note: null };
  }

  const template = query.template;
  if (!spec.negated) {
    if (allow) {
      if (patterns.some((p) => globsIntersect(p, template))) return { applies: 'yes', note: patterns.some((p) => globContains(p, template)) ? null : `only on ${listed}` };
    } else if (patterns.some((p) => globContains(p, template))) {
      return { applies: 'yes', note: null };
    }
    return unresolved ? { applies: 'maybe', note: `Resource ${listed} holds a policy variable not known here` } : { applies: 'no', note: null };
  }
  // NotResource: the statement covers everything outside its patterns.
  if (allow) {
    if (!patterns.some((p) => globContains(p, template))) return { applies: 'yes', note: `on every resource except ${listed}` };
    return { applies: 'no', note: null };
  }
  if (!patterns.some((p) => globsIntersect(p, template))) return { applies: 'yes', note: null };
  return { applies: 'no', note: null };
}

// ---------------------------------------------------------------------------------------------
// Resource types: what an action's own resources allow, whatever the policy says

/**
 * Role changes IAM refuses on roles under the path /aws-reserved/ (the roles IAM Identity Center
 * makes for permission sets): "Cannot perform the operation on the protected role ... this role
 * is only modifiable by AWS" (AWS re:Post knowledge center, identity-center-aws-reserved-sso; the
 * AWSServiceRoleForSSO service-linked role alone manages them). No policy can grant them.
 */
const PROTECTED_ROLE_WRITES = new Set(
  [
    'iam:CreateRole',
    'iam:DeleteRole',
    'iam:UpdateRole',
    'iam:UpdateRoleDescription',
    'iam:UpdateAssumeRolePolicy',
    'iam:AttachRolePolicy',
    'iam:DetachRolePolicy',
    'iam:PutRolePolicy',
    'iam:DeleteRolePolicy',
    'iam:PutRolePermissionsBoundary',
    'iam:DeleteRolePermissionsBoundary',
    'iam:TagRole',
    'iam:UntagRole',
  ].map((a) => a.toLowerCase()),
);

/** A role ARN (or a pattern whose literal start places it) under the path /aws-reserved/. */
const RESERVED_ROLE = /^arn:[^:]*:iam::[^:]*:role\/aws-reserved\//;

/** Whether the ARN is a role under /aws-reserved/, which only AWS can create or change. */
export function isAwsReservedRoleArn(arn: string): boolean {
  return RESERVED_ROLE.test(arn);
}

/** "arn:aws:s3:::*", "arn:aws:glue:*:*:*": every resource of the service (its resource part all stars). */
function coversServiceResources(pattern: string, service: string): boolean {
  const parts = pattern.split(':');
  return parts.length >= 6 && parts[0] === 'arn' && globMatches(parts[2] ?? '', service, true) && isAllStar(parts.slice(5).join(':'));
}

/**
 * matchResource for one action, with two rules of resource types the policy text cannot change:
 * - An action that takes no resource type in the Service Authorization Reference ("you must
 *   specify all resources ("*")") is requested on the resource "*": a Resource matches it only
 *   when the pattern matches the string "*" ("*" itself). Narrower ARNs never do (glue:* on
 *   glue ARNs grants no glue:CreateDevEndpoint). A pattern covering every ARN, or every ARN of
 *   the action's service, but not "*" ("arn:aws:*", "arn:aws:s3:::*" for s3:ListAllMyBuckets, as
 *   older S3 examples write it) is left 'maybe': AWS documents only "*", and how IAM matches
 *   such a pattern for these actions is not documented.
 * - Creating or changing a role under /aws-reserved/ is refused by IAM: an Allow never covers
 *   such a role, and a name the caller chooses is never one.
 */
export function matchResourceFor(statement: CompiledStatement, action: string, query: ResourceQuery, variables: PolicyVariables): ResourceMatch {
  if (takesNoResourceType(action)) {
    const match = matchResource(statement, { kind: 'exact', arn: '*' }, variables);
    const spec = statement.resource;
    const service = action.slice(0, action.indexOf(':'));
    if (match.applies === 'no' && spec && !spec.negated && spec.patterns.some((p) => !p.includes('${') && (coversAllResources(p) || coversServiceResources(p, service)))) {
      return { applies: 'maybe', note: `on ${spec.patterns.join(', ')}, while ${action} takes no resource type (AWS documents only "*" for it)` };
    }
    return match;
  }
  if (statement.effect === 'Allow' && PROTECTED_ROLE_WRITES.has(action.toLowerCase())) {
    if (query.kind === 'exact' && isAwsReservedRoleArn(query.arn)) return { applies: 'no', note: 'IAM refuses changes to roles under /aws-reserved/' };
    if (query.kind === 'chosen') {
      if (isAwsReservedRoleArn(query.template)) return { applies: 'no', note: 'IAM refuses to create roles under /aws-reserved/' };
      const spec = statement.resource;
      if (spec && !spec.negated && spec.patterns.some(isAwsReservedRoleArn)) return matchResource(statement.withoutReservedRoles(), query, variables);
    }
  }
  return matchResource(statement, query, variables);
}

/**
 * A substituted pattern as a glob for the wildcard helpers. A literal * or ? (from ${*}, ${?})
 * becomes a private-use character no resource name holds (LITERAL_STAR, LITERAL_QUESTION): no
 * resource matches it, and no name a caller chooses holds it; a value not known here becomes
 * `unknownAs`.
 */
export function globOf(substituted: SubstitutedText, unknownAs: string | null): string {
  return substituted.pieces.map((p) => (p.kind === 'policy' ? p.text : p.kind === 'literal' ? p.text.replace(/\*/g, LITERAL_STAR).replace(/\?/g, LITERAL_QUESTION) : (unknownAs ?? ''))).join('');
}

/** "user alice: managed policy Admins (statement 2, Sid AllowAll)" */
export function statementLabel(policyLabel: string, statement: CompiledStatement): string {
  return `${policyLabel} (statement ${statement.index}${statement.sid ? `, Sid ${statement.sid}` : ''})`;
}

export function describeConditions(statement: CompiledStatement): string[] {
  return statement.conditions.map(describeClause);
}
