import { ActionSet } from './action-set.js';
import { evaluateClauses, type ConditionClause, type ConditionContext } from './conditions.js';
import { coversAllResources, type CompiledPolicy, type CompiledStatement } from './statement.js';

/**
 * The policy-level questions the checks that judge one policy on its own ask (service-wildcard,
 * kms-decrypt-wildcard, boundary-strength): what the policy allows on every resource, without
 * condition or under conditions, and what it denies everywhere, answered once from its compiled
 * statements instead of each check walking them and evaluating their conditions itself.
 *
 * "Every resource" is a range: every resource at all (EVERY_RESOURCE), or every resource of one
 * kind (every KMS key). A statement's Resource takes in the range when one of its patterns does
 * (a list is a union); a NotResource leaves the range in unless one of its patterns takes in the
 * whole range (IAM User Guide, "IAM JSON policy elements: NotResource": the statement applies to
 * every resource not listed). The policy is judged for no principal in particular, so a pattern
 * holding a policy variable is read as written, which takes in no range.
 */

/** A set of resources the question is asked over. */
export interface ResourceRange {
  /** For messages and evidence: "every resource", "every KMS key". */
  name: string;
  /** Whether one Resource pattern takes in every resource of the range. */
  coveredBy(pattern: string): boolean;
}

/** Every resource: `*`, `arn:*`, `arn:aws:*:*:*:*` and the like (coversAllResources). */
export const EVERY_RESOURCE: ResourceRange = { name: 'every resource', coveredBy: coversAllResources };

/**
 * How far a statement reaches over a range:
 * - everywhere: its Resource takes in the whole range;
 * - allButNamed: a NotResource none of whose patterns takes in the whole range: every resource of
 *   the range but the named ones (perhaps all of it). A Deny of this reach confines its actions to
 *   the named resources, so they are no longer allowed on every resource;
 * - named: a Resource none of whose patterns takes in the whole range;
 * - nowhere: a NotResource one of whose patterns takes in the whole range, or no Resource at all.
 */
export type Reach = 'everywhere' | 'allButNamed' | 'named' | 'nowhere';

export interface StatementReach {
  statement: CompiledStatement;
  /** Computed when first read: matching every pattern against the range costs more than most checks need. */
  readonly reach: Reach;
  /** The conditions the context cannot settle; empty when the statement applies without condition. */
  conditions: readonly ConditionClause[];
}

/** A policy's Allow and Deny statements over a range, with the answers drawn from them. */
export interface PolicyReach {
  range: ResourceRange;
  /** Allow statements with an Action (or NotAction) and a Resource (or NotResource) whose conditions can hold, in document order. */
  allows: readonly StatementReach[];
  /** Deny statements of the same kind. */
  denies: readonly StatementReach[];
  /**
   * The actions allowed on every resource of the range (Allow statements whose Resource takes it
   * in): without condition, or, with `underConditions`, also those allowed only when a condition
   * holds. Deny statements are not subtracted (see deniedEverywhere).
   */
  allowedEverywhere(options?: { underConditions?: boolean }): ActionSet;
  /** The actions a Deny takes from every resource of the range without condition (its Resource takes the range in). */
  deniedEverywhere(): ActionSet;
  /**
   * Whether a Deny that applies without condition takes this action (e.g. "kms:Decrypt") away
   * from every resource of the range: it denies it everywhere, or confines it to named resources
   * (NotResource), so that it is not allowed on every resource any more.
   */
  takesFromEveryResource(action: string): boolean;
}

function reachOf(statement: CompiledStatement, range: ResourceRange): Reach {
  const spec = statement.resource;
  if (!spec) return 'nowhere';
  const takesRange = spec.patterns.some((p) => range.coveredBy(p));
  if (spec.negated) return takesRange ? 'nowhere' : 'allButNamed';
  return takesRange ? 'everywhere' : 'named';
}

function unionOf(reaches: readonly StatementReach[]): ActionSet {
  return reaches.reduce((set, r) => set.union(r.statement.actionSet()), ActionSet.EMPTY);
}

function statementReach(statement: CompiledStatement, range: ResourceRange, conditions: readonly ConditionClause[]): StatementReach {
  let reach: Reach | null = null;
  return {
    statement,
    conditions,
    get reach() {
      return (reach ??= reachOf(statement, range));
    },
  };
}

/**
 * Reads a policy's statements over a range, conditions evaluated in `context` (for a policy judged
 * on its own, policyContext(now)): a statement whose conditions cannot hold (a date already past)
 * is left out, one whose conditions cannot be settled keeps them. With `actions`, only the
 * statements whose Action/NotAction covers one of them are read (a question about kms:Decrypt
 * needs no other).
 */
export function policyReach(policy: CompiledPolicy, context: ConditionContext, range: ResourceRange = EVERY_RESOURCE, actions?: readonly string[]): PolicyReach {
  const allows: StatementReach[] = [];
  const denies: StatementReach[] = [];
  for (const statement of policy.statements) {
    if (!statement.action || !statement.resource) continue;
    if (actions && !actions.some((a) => statement.coversAction(a))) continue;
    const c = evaluateClauses(statement.conditions, context);
    if (c.truth === 'false') continue;
    (statement.effect === 'Allow' ? allows : denies).push(statementReach(statement, range, c.unknown));
  }
  // Action sets come from the catalogue: built only when a question needs them, once.
  let everywhere: StatementReach[] | null = null;
  const allowedEverywhereStatements = () => (everywhere ??= allows.filter((a) => a.reach === 'everywhere'));
  let certain: ActionSet | null = null;
  let possible: ActionSet | null = null;
  let denied: ActionSet | null = null;
  const unconditionalDenies = denies.filter((d) => d.conditions.length === 0);
  return {
    range,
    allows,
    denies,
    allowedEverywhere(options) {
      if (options?.underConditions) return (possible ??= unionOf(allowedEverywhereStatements()));
      return (certain ??= unionOf(allowedEverywhereStatements().filter((a) => a.conditions.length === 0)));
    },
    deniedEverywhere() {
      return (denied ??= unionOf(unconditionalDenies.filter((d) => d.reach === 'everywhere')));
    },
    takesFromEveryResource(action) {
      return unconditionalDenies.some((d) => (d.reach === 'everywhere' || d.reach === 'allButNamed') && d.statement.coversAction(action));
    },
  };
}
