import type { BecomeMethod, EscalationPath, OwnMethod, OwnMethodSpec, Way } from './types.js';

/** Paths per method a principal's evidence keeps: more targets are more of the same evidence. */
export const MAX_TARGETS = 2;

/**
 * A self or confer method from how it picks targets and how it builds the paths to each. With
 * `perId`, it keeps at most that many paths per evidence id and looks at no more targets once
 * every id of `pathIds` has them.
 */
export function ownMethod<T>(spec: OwnMethodSpec<T>): OwnMethod {
  const { targets, pathsTo, perId, ...meta } = spec;
  return {
    ...meta,
    paths(from, perms, analysis, depth) {
      const out: EscalationPath[] = [];
      let count: Map<string, number> | null = null;
      const full = (id: string) => perId !== undefined && (count?.get(id) ?? 0) >= perId;
      for (const target of targets(from, perms, analysis, depth)) {
        for (const path of pathsTo(from, perms, target, analysis, depth)) {
          if (full(path.method)) continue;
          out.push(path);
          count ??= new Map();
          count.set(path.method, (count.get(path.method) ?? 0) + 1);
        }
        if (perId !== undefined && meta.pathIds.every(full)) break;
      }
      return out;
    },
  };
}

/** The ways of a run of step groups: one action of each group. */
export function eachOf(groups: readonly (readonly string[])[], principal?: Way['principal']): Way[] {
  return groups.reduce<string[][]>((ways, group) => ways.flatMap((way) => group.map((a) => [...way, a])), [[]]).map((actions) => (principal ? { actions, principal } : { actions }));
}

/** A become method, typed as one. */
export function becomeMethod(method: BecomeMethod): BecomeMethod {
  return method;
}
