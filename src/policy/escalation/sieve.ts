import { decide, type PrincipalPermissions } from '../effective-permissions.js';
import type { CompiledPolicy } from '../statement.js';
import { globMatches, isAllStar } from '../wildcard.js';
import type { EscalationMethod } from './types.js';

/**
 * The pruning sieve: cheap first tests that keep the policy engine for the few questions that
 * can matter. The actions it looks for are those the methods declare (`actionsOf`), never a
 * list of its own. Its memory is per analysis run: per compiled policy and per distinct policy
 * set (principals with the same policies share `perms.shared`).
 */

/** Every action a method's steps may name: its ways and what it uses in some accounts only. */
export function actionsOf(method: EscalationMethod): string[] {
  return [...new Set([...method.ways.flatMap((w) => w.actions), ...(method.alsoUses ?? [])])];
}

/** Things sorted by ARN, to find those a resource pattern can match through its literal prefix. */
export class ArnIndex<T> {
  private readonly sorted: { arn: string; item: T }[];
  private readonly cache = new Map<string, T[]>();
  private everything: T[] | null = null;

  constructor(items: readonly T[], arnOf: (item: T) => string) {
    this.sorted = items.map((item) => ({ arn: arnOf(item), item })).sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
  }

  all(): T[] {
    this.everything ??= this.sorted.map((e) => e.item);
    return this.everything;
  }

  /** The items whose ARN the pattern matches (case-sensitive, as IAM compares ARNs). */
  matching(pattern: string): T[] {
    let hit = this.cache.get(pattern);
    if (hit) return hit;
    const cut = pattern.search(/[*?]/);
    const prefix = cut < 0 ? pattern : pattern.slice(0, cut);
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid]!.arn < prefix) lo = mid + 1;
      else hi = mid;
    }
    hit = [];
    for (let i = lo; i < this.sorted.length && this.sorted[i]!.arn.startsWith(prefix); i++) {
      if (globMatches(pattern, this.sorted[i]!.arn)) hit.push(this.sorted[i]!.item);
    }
    this.cache.set(pattern, hit);
    return hit;
  }
}

type Patterns = string[] | 'any';

export class Sieve {
  /** Lower-case actions the methods declare. */
  readonly actions: ReadonlySet<string>;
  private readonly byPolicy = new Map<CompiledPolicy, Set<string>>();
  private readonly bySet = new Map<object, Set<string>>();
  private readonly patternsBySet = new Map<object, Map<string, Patterns>>();

  constructor(methods: readonly EscalationMethod[]) {
    this.actions = new Set(methods.flatMap(actionsOf).map((a) => a.toLowerCase()));
  }

  /** The declared actions some identity Allow of the policy set covers (on any resource, under any condition). */
  held(perms: PrincipalPermissions): ReadonlySet<string> {
    let set = this.bySet.get(perms.shared);
    if (!set) {
      set = new Set();
      for (const entry of perms.identity) {
        let own = this.byPolicy.get(entry.policy);
        if (!own) {
          own = new Set([...this.actions].filter((a) => entry.policy.statementsFor(a).some((st) => st.effect === 'Allow')));
          this.byPolicy.set(entry.policy, own);
        }
        for (const a of own) set.add(a);
      }
      this.bySet.set(perms.shared, set);
    }
    return set;
  }

  /**
   * Whether any statement could allow the action on some resource of this shape. Only declared
   * actions may be asked: a method that asks about another has not declared what it needs.
   */
  mayDo(perms: PrincipalPermissions, action: string, template = '*'): boolean {
    const lower = action.toLowerCase();
    if (!this.actions.has(lower)) throw new Error(`escalation: ${action} is asked but no method declares it`);
    if (!this.held(perms).has(lower)) return false;
    const verdict = decide(perms, { action, resource: { kind: 'chosen', template } }).verdict;
    return verdict === 'allowed' || verdict === 'conditional';
  }

  /**
   * The resource patterns of the identity Allow statements that cover an action, or 'any' when
   * one of them reaches every resource (or names it through NotResource or a policy variable).
   */
  allowPatterns(perms: PrincipalPermissions, action: string): Patterns {
    let byAction = this.patternsBySet.get(perms.shared);
    if (!byAction) {
      byAction = new Map();
      this.patternsBySet.set(perms.shared, byAction);
    }
    let found = byAction.get(action);
    if (found === undefined) {
      const list: string[] = [];
      found = list;
      for (const entry of perms.identity) {
        for (const s of entry.policy.statements) {
          if (s.effect !== 'Allow' || !s.resource || !s.coversAction(action)) continue;
          if (s.resource.negated || s.resource.patterns.some((p) => isAllStar(p) || p.includes('${'))) {
            found = 'any';
            break;
          }
          list.push(...s.resource.patterns);
        }
        if (found === 'any') break;
      }
      byAction.set(action, found);
    }
    return found;
  }

  mightTarget(perms: PrincipalPermissions, action: string, arn: string): boolean {
    const found = this.allowPatterns(perms, action);
    return found === 'any' || found.some((p) => globMatches(p, arn));
  }

  /** The items some Allow for one of the actions could name. */
  targets<T>(perms: PrincipalPermissions, actions: readonly string[], index: ArnIndex<T>): readonly T[] {
    const patterns = new Set<string>();
    for (const action of actions) {
      const found = this.allowPatterns(perms, action);
      if (found === 'any') return index.all();
      for (const p of found) patterns.add(p);
    }
    const lists = [...patterns].map((p) => index.matching(p)).filter((l) => l.length > 0);
    if (lists.length <= 1) return lists[0] ?? [];
    return [...new Set(lists.flat())];
  }
}
