import { resourceArnFormatsOf, servicePrefixes } from './action-catalog.js';
import { ActionSet } from './action-set.js';
import { readVariables, type PolicyVariables } from './conditions.js';
import { coversAllResources, globOf, type CompiledStatement } from './statement.js';
import { globsIntersect, hasWildcard } from './wildcard.js';

/**
 * How far a statement's Resource or NotResource reaches, for the questions asked of every
 * resource at once (administrator access, the services a principal can reach):
 * - everywhere: every resource (`"Resource": "*"`, or a NotResource naming nothing);
 * - allButNamed: every resource but the named ones (a NotResource of ARN patterns). A Deny of
 *   this scope confines its actions to the named resources: a user with Allow `*` and
 *   Deny `*` NotResource [one bucket] can work only in that bucket;
 * - named: only the named resources (a Resource list), or a scope that cannot be settled here
 *   (a policy variable not known for the principal).
 */
export type ResourceScope =
  | { kind: 'everywhere' }
  | { kind: 'allButNamed'; patterns: readonly string[] }
  /** patterns: the Resource list, with a policy variable not known here read as `*` (any value). */
  | { kind: 'named'; patterns: readonly string[]; unresolved: boolean }
  | { kind: 'nowhere' };

/**
 * The scope of a statement's resources for a principal whose policy variables are `variables`
 * (as ConditionContext.variables: null marks a variable known to have no value). IAM User Guide, "IAM JSON policy elements:
 * NotResource": a statement with NotResource applies to every resource not listed.
 */
export function resourceScope(statement: CompiledStatement, variables: PolicyVariables): ResourceScope {
  const spec = statement.resource;
  if (!spec) return { kind: 'nowhere' };
  const patterns: string[] = [];
  let unresolved = false;
  for (const raw of spec.patterns) {
    if (!raw.includes('${')) {
      patterns.push(raw);
      continue;
    }
    const read = readVariables(raw, variables);
    // A variable with no value: the pattern names nothing (for NotResource AWS leaves it open).
    if (read.absent !== null && !spec.negated) continue;
    if (read.absent !== null || read.unknown) unresolved = true;
    patterns.push(globOf(read, '*'));
  }
  // A NotResource that cannot be resolved might leave out anything: read it as named resources, which bound nothing.
  if (unresolved && spec.negated) return { kind: 'named', patterns, unresolved };
  if (!spec.negated) {
    if (patterns.length === 0) return { kind: 'nowhere' };
    return !unresolved && patterns.some(coversAllResources) ? { kind: 'everywhere' } : { kind: 'named', patterns, unresolved };
  }
  if (patterns.some(coversAllResources)) return { kind: 'nowhere' };
  return patterns.length === 0 ? { kind: 'everywhere' } : { kind: 'allButNamed', patterns };
}

// Built from the static action catalogue alone (no account data), so one copy serves every run.
let formatIndex: Map<string, { service: string; template: string }[]> | null = null;

/** Resource ARN templates by the service segment of the ARN (placeholders read as `*`). */
function templatesBySegment(): Map<string, { service: string; template: string }[]> {
  if (!formatIndex) {
    formatIndex = new Map();
    for (const service of servicePrefixes()) {
      for (const format of resourceArnFormatsOf(service)) {
        const template = format.replace(/\$\{[^}]*\}/g, '*');
        const segment = template.split(':')[2] ?? '*';
        const list = formatIndex.get(segment) ?? [];
        list.push({ service, template });
        formatIndex.set(segment, list);
      }
    }
  }
  return formatIndex;
}

/**
 * Every action of each service whose resource types (Service Authorization Reference ARN
 * formats, placeholders read as `*`) some pattern could name: the services a statement scoped to
 * these patterns can act in. A Deny confined to the patterns leaves these within reach (sts stays
 * with an IAM role's ARN, ssm with an EC2 instance's); an Allow on them reaches only these. A
 * pattern that is not an ARN with a literal service may name anything, so it yields every service
 * whose resources it could match. Not cached here: the account model keeps the answers of a run
 * (AccountModel.servicesNamedBy).
 */
export function servicesNamedBy(patterns: readonly string[]): ActionSet {
  const index = templatesBySegment();
  const services = new Set<string>();
  for (const pattern of patterns) {
    // A wildcard before or in the service segment may span colons, so only a literal head pins the service.
    const head = pattern.split(':').slice(0, 3);
    const segment = head[2];
    const literal = head.length === 3 && head[0] === 'arn' && segment !== undefined && !head.some(hasWildcard);
    // The ARN's own service always counts, whether or not the catalogue lists the resource type.
    if (literal) services.add(segment.toLowerCase());
    const candidates = literal ? [...(index.get(segment) ?? []), ...(index.get('*') ?? [])] : [...index.values()].flat();
    for (const { service, template } of candidates) if (!services.has(service) && globsIntersect(pattern, template)) services.add(service);
  }
  return ActionSet.fromPatterns([...services].map((s) => `${s}:*`));
}
