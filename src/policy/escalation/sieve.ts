import { decide, type PrincipalPermissions } from '../effective-permissions.js';
import type { CompiledPolicy } from '../statement.js';
import { globMatches, globToRegExp, isAllStar } from '../wildcard.js';
import type { EscalationMethod, Way } from './types.js';

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
  /** Each declared action's bit in the sets below: a policy set's held actions are a few words of bits. */
  private readonly bit = new Map<string, number>();
  private readonly words: number;
  /** Service prefix → its declared actions. */
  private readonly byService = new Map<string, string[]>();
  private readonly byPolicy = new Map<CompiledPolicy, Uint32Array>();
  private readonly bySet = new Map<object, Uint32Array>();
  private readonly wayBits = new Map<Way, Uint32Array>();
  private readonly patternsBySet = new Map<object, Map<string, Patterns>>();
  private readonly matchersBySet = new Map<object, Map<string, (arn: string) => boolean>>();
  private readonly gates = new Map<readonly EscalationMethod[], Map<object, { user?: readonly EscalationMethod[]; role?: readonly EscalationMethod[] }>>();
  private readonly verdicts = new Map<object, Map<string, Map<string, boolean>>>();
  private readonly targetsBySet = new Map<object, Map<object, Map<string, readonly unknown[]>>>();

  constructor(methods: readonly EscalationMethod[]) {
    this.actions = new Set(methods.flatMap(actionsOf).map((a) => a.toLowerCase()));
    for (const a of this.actions) {
      this.bit.set(a, this.bit.size);
      const service = a.slice(0, a.indexOf(':'));
      this.byService.set(service, [...(this.byService.get(service) ?? []), a]);
    }
    this.words = Math.ceil(this.bit.size / 32) || 1;
  }

  private has(bits: Uint32Array, lower: string): boolean {
    const i = this.bit.get(lower);
    return i !== undefined && (bits[i >> 5]! & (1 << (i & 31))) !== 0;
  }

  /** The declared actions some identity Allow of the policy set covers (on any resource, under any condition). */
  private held(perms: PrincipalPermissions): Uint32Array {
    let bits = this.bySet.get(perms.shared);
    if (!bits) {
      bits = new Uint32Array(this.words);
      for (const entry of perms.identity) {
        const own = this.heldBy(entry.policy);
        for (let w = 0; w < bits.length; w++) bits[w]! |= own[w]!;
      }
      this.bySet.set(perms.shared, bits);
    }
    return bits;
  }

  /** The declared actions one policy's Allow statements cover. */
  private heldBy(policy: CompiledPolicy): Uint32Array {
    let own = this.byPolicy.get(policy);
    if (!own) {
      own = new Uint32Array(this.words);
      for (const st of policy.statements) {
        if (st.effect !== 'Allow' || !st.action) continue;
        // A list of action names covers exactly those (IAM compares them without case); a
        // pattern whose service is named can only cover that service's actions; the rest (a
        // wildcard service, NotAction) is asked action by action.
        const patterns = st.action.patterns.map((p) => p.toLowerCase());
        const named = !st.action.negated && patterns.every((p) => p.indexOf(':') > 0 && !/[*?]/.test(p.slice(0, p.indexOf(':'))));
        const candidates = named ? patterns.flatMap((p) => (/[*?]/.test(p) ? (this.byService.get(p.slice(0, p.indexOf(':'))) ?? []) : this.actions.has(p) ? [p] : [])) : this.actions;
        for (const a of candidates) {
          if (!st.coversAction(a)) continue;
          const i = this.bit.get(a)!;
          own[i >> 5]! |= 1 << (i & 31);
        }
      }
      this.byPolicy.set(policy, own);
    }
    return own;
  }

  private bitsOf(way: Way): Uint32Array {
    let bits = this.wayBits.get(way);
    if (!bits) {
      bits = new Uint32Array(this.words);
      for (const a of way.actions) {
        const i = this.bit.get(a.toLowerCase())!;
        bits[i >> 5]! |= 1 << (i & 31);
      }
      this.wayBits.set(way, bits);
    }
    return bits;
  }

  /**
   * The methods that may open a path for principals of this type with this policy set: those one
   * of whose ways is held in full. A path's steps hold one of its method's ways (a test checks
   * it), so a method none of whose ways is held has none; unless a policy could not be read,
   * when the policy engine leaves every action possible.
   */
  methodsFor<M extends EscalationMethod>(perms: PrincipalPermissions, type: 'user' | 'role', methods: readonly M[]): readonly M[] {
    if (perms.unreadable.length > 0) return methods;
    let byList = this.gates.get(methods);
    if (!byList) {
      byList = new Map();
      this.gates.set(methods, byList);
    }
    let both = byList.get(perms.shared);
    if (!both) {
      both = {};
      byList.set(perms.shared, both);
    }
    let open = both[type] as readonly M[] | undefined;
    if (!open) {
      const held = this.held(perms);
      const holds = (way: Way) => {
        const need = this.bitsOf(way);
        for (let w = 0; w < need.length; w++) if ((held[w]! & need[w]!) !== need[w]) return false;
        return true;
      };
      open = methods.filter((m) => m.ways.some((w) => (w.principal === undefined || w.principal === type) && holds(w)));
      both[type] = open;
    }
    return open;
  }

  /**
   * Whether any statement could allow the action on some resource of this shape. Only declared
   * actions may be asked: a method that asks about another has not declared what it needs.
   */
  mayDo(perms: PrincipalPermissions, action: string, template = '*'): boolean {
    // The same question for every principal of the policy set: asked once.
    let byTemplate = this.verdicts.get(perms.shared);
    if (!byTemplate) {
      byTemplate = new Map();
      this.verdicts.set(perms.shared, byTemplate);
    }
    let known = byTemplate.get(template);
    if (!known) {
      known = new Map();
      byTemplate.set(template, known);
    }
    let ok = known.get(action);
    if (ok === undefined) {
      const lower = action.toLowerCase();
      if (!this.actions.has(lower)) throw new Error(`escalation: ${action} is asked but no method declares it`);
      if (!this.has(this.held(perms), lower)) ok = false;
      else {
        const verdict = decide(perms, { action, resource: { kind: 'chosen', template } }).verdict;
        ok = verdict === 'allowed' || verdict === 'conditional';
      }
      known.set(action, ok);
    }
    return ok;
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
    let byAction = this.matchersBySet.get(perms.shared);
    if (!byAction) {
      byAction = new Map();
      this.matchersBySet.set(perms.shared, byAction);
    }
    let matches = byAction.get(action);
    if (!matches) {
      const found = this.allowPatterns(perms, action);
      if (found === 'any') matches = () => true;
      else {
        // A glob's literal start must start the ARN: most patterns fail there, before any regular expression.
        const globs = found.map((p) => {
          const cut = p.search(/[*?]/);
          return cut < 0 ? { prefix: p, exact: true, regex: null } : { prefix: p.slice(0, cut), exact: false, regex: globToRegExp(p, false) };
        });
        matches = (target) => globs.some((g) => (g.exact ? g.prefix === target : target.startsWith(g.prefix) && g.regex!.test(target)));
      }
      byAction.set(action, matches);
    }
    return matches(arn);
  }

  /** The items some Allow for one of the actions could name (the same list for every principal of the policy set). */
  targets<T>(perms: PrincipalPermissions, actions: readonly string[], index: ArnIndex<T>): readonly T[] {
    let byIndex = this.targetsBySet.get(perms.shared);
    if (!byIndex) {
      byIndex = new Map();
      this.targetsBySet.set(perms.shared, byIndex);
    }
    let byActions = byIndex.get(index);
    if (!byActions) {
      byActions = new Map();
      byIndex.set(index, byActions);
    }
    const key = actions.length === 1 ? actions[0]! : actions.join(' ');
    let found = byActions.get(key) as readonly T[] | undefined;
    if (!found) {
      found = this.targetsOf(perms, actions, index);
      byActions.set(key, found);
    }
    return found;
  }

  private targetsOf<T>(perms: PrincipalPermissions, actions: readonly string[], index: ArnIndex<T>): readonly T[] {
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
