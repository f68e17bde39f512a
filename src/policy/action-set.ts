import { actionCountOf, actionKeysOf, isKnownAction, isKnownService, servicePrefixes, servicesMatching, splitAction } from './action-catalog.js';
import { globMatches, globToRegExp, hasWildcard, isAllStar } from './wildcard.js';

/** The actions of one service in a set: all of them, or some (lower-case names, no prefix). */
type Part = 'all' | ReadonlySet<string>;

/**
 * A set of IAM actions, per service, as the action catalogue knows them: either the listed
 * parts, or everything except them (what NotAction and `*` give). Only the services a pattern
 * names are ever loaded.
 */
export class ActionSet {
  private constructor(
    /** true: every action except those in `parts`. */
    readonly complement: boolean,
    readonly parts: ReadonlyMap<string, Part>,
  ) {}

  static readonly EMPTY = new ActionSet(false, new Map());
  static readonly EVERYTHING = new ActionSet(true, new Map());

  /** The actions an Action (or, negated, a NotAction) list covers. */
  static fromPatterns(patterns: readonly string[], negated = false): ActionSet {
    if (patterns.some((p) => isAllStar(p) || /^\*+:\*+$/.test(p))) return negated ? ActionSet.EMPTY : ActionSet.EVERYTHING;
    const parts = new Map<string, Part>();
    const add = (service: string, part: Part) => {
      const had = parts.get(service);
      parts.set(service, unionPart(service, had, part) ?? part);
    };
    for (const pattern of patterns) {
      const split = splitAction(pattern);
      if (!split) {
        // "s3*" and the like: the glob runs over whole "service:action" strings.
        for (const service of servicePrefixes()) {
          const matched = new Set([...actionKeysOf(service)].filter((a) => globMatches(pattern, `${service}:${a}`, true)));
          if (matched.size > 0) add(service, matched);
        }
        continue;
      }
      for (const service of servicesMatching(split.service)) {
        if (isAllStar(split.action)) add(service, 'all');
        else if (!isKnownService(service)) add(service, new Set([split.action.toLowerCase()]));
        else if (!hasWildcard(split.action)) {
          // A literal name: one lookup in the catalogue's lower-case index, not a scan of the service.
          const key = split.action.toLowerCase();
          if (isKnownAction(`${service}:${key}`)) add(service, new Set([key]));
        } else {
          const pattern = globToRegExp(split.action, true);
          const matched = new Set([...actionKeysOf(service)].filter((a) => pattern.test(a)));
          if (matched.size > 0) add(service, matched);
        }
      }
    }
    return new ActionSet(negated, normalise(parts));
  }

  isEmpty(): boolean {
    return !this.complement && this.parts.size === 0;
  }

  /** Every action of every service. */
  coversAll(): boolean {
    // Leaving out actions of a service the catalogue does not know leaves every known action in.
    if (this.complement) return [...this.parts.keys()].every((s) => !isKnownService(s));
    const prefixes = servicePrefixes();
    return prefixes.length > 0 && prefixes.every((s) => this.parts.get(s) === 'all');
  }

  /** Every action of this service. */
  coversService(service: string): boolean {
    const part = this.parts.get(service.toLowerCase());
    return this.complement ? part === undefined : part === 'all';
  }

  /** At least one action of this service. */
  touchesService(service: string): boolean {
    const part = this.parts.get(service.toLowerCase());
    return this.complement ? part !== 'all' : part !== undefined;
  }

  /** At least one action of one of these services (lower-case prefixes). */
  touchesAnyOf(services: ReadonlySet<string>): boolean {
    if (this.complement) {
      for (const service of services) if (this.parts.get(service) !== 'all') return true;
      return false;
    }
    for (const service of this.parts.keys()) if (services.has(service)) return true;
    return false;
  }

  has(action: string): boolean {
    const split = splitAction(action);
    if (!split) return false;
    const part = this.parts.get(split.service.toLowerCase());
    const inParts = part === 'all' || (part !== undefined && part.has(split.action.toLowerCase()));
    return this.complement ? !inParts : inParts;
  }

  /** Services of the catalogue (and unknown ones named literally) with every action in the set. */
  servicesCovered(): string[] {
    if (this.complement) return servicePrefixes().filter((s) => !this.parts.has(s));
    return [...this.parts].filter(([, part]) => part === 'all').map(([s]) => s);
  }

  /** Services with at least one action in the set. */
  servicesTouched(): string[] {
    if (this.complement) return servicePrefixes().filter((s) => this.parts.get(s) !== 'all');
    return [...this.parts.keys()];
  }

  union(other: ActionSet): ActionSet {
    if (this.isEmpty()) return other;
    if (other.isEmpty()) return this;
    if (!this.complement && !other.complement) return new ActionSet(false, mergeParts(this.parts, other.parts, unionPart));
    if (this.complement && other.complement) return new ActionSet(true, mergeParts(this.parts, other.parts, intersectPart, true));
    const [excluded, included] = this.complement ? [this, other] : [other, this];
    return new ActionSet(true, subtractParts(excluded.parts, included.parts));
  }

  intersect(other: ActionSet): ActionSet {
    if (!this.complement && !other.complement) return new ActionSet(false, mergeParts(this.parts, other.parts, intersectPart, true));
    if (this.complement && other.complement) return new ActionSet(true, mergeParts(this.parts, other.parts, unionPart));
    const [excluded, included] = this.complement ? [this, other] : [other, this];
    return new ActionSet(false, subtractParts(included.parts, excluded.parts));
  }

  minus(other: ActionSet): ActionSet {
    if (other.isEmpty()) return this;
    return this.intersect(other.negate());
  }

  negate(): ActionSet {
    return new ActionSet(!this.complement, this.parts);
  }

  /** How a person reads it: "all actions", "all actions except iam:*, …", "s3:*, kms:Decrypt …". */
  describe(limit = 12): string {
    // A service's actions are named up to `limit` too: a boundary allowing 300 ec2 Get actions put
    // all 300 into every finding that quotes it.
    const listed = [...this.parts].map(([s, part]) => {
      if (part === 'all') return `${s}:*`;
      const actions = [...part].map((a) => `${s}:${a}`);
      return actions.length > limit ? `${actions.slice(0, limit).join(', ')}, … (${actions.length - limit} more ${s} actions)` : actions.join(', ');
    });
    const shown = listed.slice(0, limit).join(', ') + (listed.length > limit ? `, … (${listed.length - limit} more services)` : '');
    if (this.complement) return this.parts.size === 0 ? 'all actions' : `all actions except ${shown}`;
    return this.parts.size === 0 ? 'no action' : shown;
  }
}

function fullCount(service: string): number {
  return isKnownService(service) ? actionCountOf(service) : Number.POSITIVE_INFINITY;
}

function normalise(parts: Map<string, Part>): Map<string, Part> {
  for (const [service, part] of parts) {
    if (part === 'all') continue;
    if (part.size === 0) parts.delete(service);
    else if (part.size >= fullCount(service)) parts.set(service, 'all');
  }
  return parts;
}

// Every action of a service, from the static catalogue alone: built once per service per process, never changed.
const allActions = new Map<string, ReadonlySet<string>>();

function allOf(service: string): ReadonlySet<string> {
  let all = allActions.get(service);
  if (!all) {
    all = new Set(actionKeysOf(service));
    allActions.set(service, all);
  }
  return all;
}

function unionPart(service: string, a: Part | undefined, b: Part | undefined): Part | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (a === 'all' || b === 'all') return 'all';
  // Parts are never changed once built, so the same part (policies repeating an Action list share it) needs no copy.
  if (a === b) return a;
  return new Set([...a, ...b]);
}

function intersectPart(service: string, a: Part | undefined, b: Part | undefined): Part | undefined {
  if (a === undefined || b === undefined) return undefined;
  if (a === 'all') return b;
  if (b === 'all') return a;
  if (a === b) return a;
  return new Set([...a].filter((x) => b.has(x)));
}

/** Combines the parts service by service; `both` keeps only services present on both sides. */
function mergeParts(
  a: ReadonlyMap<string, Part>,
  b: ReadonlyMap<string, Part>,
  combine: (service: string, x: Part | undefined, y: Part | undefined) => Part | undefined,
  both = false,
): Map<string, Part> {
  const out = new Map<string, Part>();
  const services = both ? [...a.keys()].filter((s) => b.has(s)) : [...new Set([...a.keys(), ...b.keys()])];
  for (const service of services) {
    const part = combine(service, a.get(service), b.get(service));
    if (part !== undefined) out.set(service, part);
  }
  return normalise(out);
}

/** a − b, service by service. */
function subtractParts(a: ReadonlyMap<string, Part>, b: ReadonlyMap<string, Part>): Map<string, Part> {
  const out = new Map<string, Part>();
  for (const [service, part] of a) {
    const remove = b.get(service);
    if (remove === undefined) out.set(service, part);
    else if (remove === 'all') continue;
    else if (part === 'all' && !isKnownService(service)) out.set(service, 'all');
    else {
      const from = part === 'all' ? allOf(service) : part;
      out.set(service, new Set([...from].filter((x) => !remove.has(x))));
    }
  }
  return normalise(out);
}
