/**
 * Evidence stored once and referred to. Thousands of principals given the same policies carry
 * the same evidence values (the services those policies reach, the statements that grant
 * administrator access); findings.json keeps each such value once, in its top-level
 * `sharedEvidence` table, and the evidence of each finding refers to it by id:
 *
 *   "sharedEvidence": { "e1": ["a4b", "account", ...] },
 *   "findings": [ { ..., "evidence": { "reachableServices": { "$ref": "#/sharedEvidence/e1" } } } ]
 *
 * A reference is a JSON Reference (a JSON Pointer into the same document). Only values that pay
 * are shared: a value of an evidence field, or an object in a list held by an evidence field,
 * whose JSON is at least SHARED_MIN_CHARS long and that occurs at least twice. Everything else
 * is written in place, so small runs read as they always did.
 */

/** Shorter values are written in place: a reference costs about 40 characters. */
export const SHARED_MIN_CHARS = 200;

const POINTER_PREFIX = '#/sharedEvidence/';

interface Entry {
  /** The compact JSON of the value while counting; dropped once counted. */
  json: string | undefined;
  value: unknown;
  count: number;
  id: string | undefined;
}

/** The values stored once: id → value, in the order first met; and how to find a value's entry. */
export interface SharedEvidence {
  values: Map<string, unknown>;
  entryOf: (value: unknown) => { id: string | undefined } | undefined;
}

function candidate(value: unknown): boolean {
  return typeof value === 'object' ? value !== null : typeof value === 'string' && value.length >= SHARED_MIN_CHARS;
}

/**
 * Counts the large values of every finding's evidence and gives an id (`e1`, `e2`, ...) to each
 * met more than once. Values are compared by their JSON; the same object met again is not
 * serialised again. Memory: one JSON text per distinct large value, dropped once counted.
 */
export function sharedEvidenceTable(evidences: Iterable<Record<string, unknown>>): SharedEvidence {
  const byJson = new Map<string, Entry>();
  const byObject = new Map<object, Entry>();
  const byString = new Map<string, Entry>();
  const count = (value: unknown): Entry | undefined => {
    if (!candidate(value)) return undefined;
    const known = typeof value === 'string' ? byString.get(value) : byObject.get(value as object);
    if (known) {
      known.count += 1;
      return known;
    }
    const json = JSON.stringify(value);
    if (json === undefined || json.length < SHARED_MIN_CHARS) return undefined;
    let entry = byJson.get(json);
    if (entry) entry.count += 1;
    else byJson.set(json, (entry = { json, value, count: 1, id: undefined }));
    if (typeof value === 'string') byString.set(value, entry);
    else byObject.set(value as object, entry);
    return entry;
  };
  for (const evidence of evidences) {
    for (const value of Object.values(evidence ?? {})) {
      const entry = count(value);
      // A list shared whole needs no look at its items.
      if (Array.isArray(value) && (entry === undefined || entry.count === 1)) for (const item of value) if (typeof item === 'object') count(item);
    }
  }
  const values = new Map<string, unknown>();
  for (const entry of byJson.values()) {
    entry.json = undefined;
    if (entry.count < 2) continue;
    entry.id = `e${values.size + 1}`;
    values.set(entry.id, entry.value);
  }
  byJson.clear();
  return {
    values,
    entryOf: (value) => {
      if (!candidate(value)) return undefined;
      return typeof value === 'string' ? byString.get(value) : byObject.get(value as object);
    },
  };
}

const reference = (id: string) => ({ $ref: `${POINTER_PREFIX}${id}` });

/** Evidence as findings.json writes it: each shared value (a field's, or an item of a field's list) as a reference to the table. */
export function withSharedReferences(evidence: Record<string, unknown>, shared: SharedEvidence): Record<string, unknown> {
  if (shared.values.size === 0 || evidence === null || typeof evidence !== 'object') return evidence;
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(evidence)) {
    const id = shared.entryOf(value)?.id;
    if (id) {
      out[key] = reference(id);
      changed = true;
    } else if (Array.isArray(value) && value.some((item) => shared.entryOf(item)?.id)) {
      out[key] = value.map((item: unknown) => {
        const itemId = shared.entryOf(item)?.id;
        return itemId ? reference(itemId) : item;
      });
      changed = true;
    } else {
      out[key] = value;
    }
  }
  return changed ? out : evidence;
}

/** A `{ "$ref": "#/sharedEvidence/<id>" }` object's id, or undefined for any other value. */
function referenceId(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  const ref = (value as { $ref?: unknown }).$ref;
  return keys.length === 1 && typeof ref === 'string' && ref.startsWith(POINTER_PREFIX) ? ref.slice(POINTER_PREFIX.length) : undefined;
}

/**
 * Evidence as it was before it was written: every reference into `table` (findings.json's
 * `sharedEvidence`) replaced by its value, in a field or an item of a field's list. A reference
 * to an id the table lacks is left as it is. Evidence with no reference is returned as given.
 */
export function resolveSharedEvidence(evidence: unknown, table: unknown): unknown {
  if (typeof table !== 'object' || table === null || typeof evidence !== 'object' || evidence === null || Array.isArray(evidence)) return evidence;
  const values = table as Record<string, unknown>;
  const resolve = (value: unknown): unknown => {
    const id = referenceId(value);
    return id !== undefined && Object.hasOwn(values, id) ? values[id] : value;
  };
  return Object.fromEntries(Object.entries(evidence).map(([key, value]) => [key, Array.isArray(value) ? value.map(resolve) : resolve(value)]));
}
