import type { AuthorizationDetails, IamGroup, IamRole, IamUser, ManagedPolicy, PolicyDocument } from '../snapshot/schema.js';
import { accessLevelsOf, servicePrefixes, serviceTitle } from './action-catalog.js';
import { resourceScope, servicesNamedBy } from './resource-scope.js';
import { ActionSet } from './action-set.js';
import { describeClause, evaluateClauses, type ConditionContext } from './conditions.js';
import { indexDetails, missingGroups, policiesOfGroup, policiesReachingRole, policiesReachingUser, type DetailsIndex, type ReachingPolicy } from './principal-policies.js';
import { compilePolicy, matchResource, matchResourceFor, statementLabel, type ActionSpec, type CompiledPolicy, type CompiledStatement, type ResourceQuery } from './statement.js';
import { isServiceLinkedRole } from '../snapshot/principals.js';
import { readTrust, type RoleTrust } from './trust.js';

/**
 * What a principal may do, from its identity policies, its groups' policies and its permissions
 * boundary, evaluated as AWS does within one account: an explicit Deny anywhere wins; otherwise
 * an identity policy must Allow and, when there is a boundary, the boundary must Allow too.
 * Anything that cannot be settled from the snapshot (a condition on the request, a policy that
 * could not be read) makes the answer 'conditional', with the reason; never allowed or denied
 * (the verdicts are AWS's: allowed, explicit deny, implicit deny; see Verdict).
 */

export type PrincipalType = 'user' | 'role' | 'group';

export interface PrincipalInfo {
  type: PrincipalType;
  name: string;
  arn: string;
  id: string;
  /** Tags of the user or role (keys lower case). */
  tags: ReadonlyMap<string, string>;
  boundaryArn: string | null;
  /** A service-linked role: only its service can use it, and nobody can change its policies. */
  serviceLinked: boolean;
}

export interface PolicyEntry {
  reaching: ReachingPolicy;
  policy: CompiledPolicy;
}

/**
 * A decision, named as AWS's policy evaluation logic names its outcomes (IAM User Guide, "Policy
 * evaluation logic"; the policy simulator's EvalDecision: allowed, explicitDeny, implicitDeny):
 * allowed; explicitDeny, a Deny statement applies; implicitDeny, nothing allows it (or the
 * permissions boundary does not). conditional is ours: the snapshot cannot settle it (a condition
 * on the request, a policy not read), where the simulator would ask for context values.
 */
export type Verdict = 'allowed' | 'explicitDeny' | 'implicitDeny' | 'conditional';

/** A statement that bears on a decision; `entry` indexes the identity policies, -1 is the boundary. */
export interface Hit {
  entry: number;
  statement: number;
  applies: 'yes' | 'maybe';
  unknownConditions: string[];
  resourceNote: string | null;
}

export interface Decision {
  verdict: Verdict;
  allows: Hit[];
  boundaryAllows: Hit[];
  denies: Hit[];
}

export interface AccessRequest {
  action: string;
  /** Default: every resource (`{ kind: 'all' }`). */
  resource?: ResourceQuery;
  /** Request-specific condition keys (iam:PassedToService …); null marks a key as absent. */
  context?: Readonly<Record<string, string | readonly string[] | null>>;
}

export type AdminStatus = 'admin' | 'conditional' | 'partial' | 'cancelled' | 'none';

export interface AdminAccess {
  /**
   * admin: every action on every resource. conditional: the same, but only when a condition
   * holds (or unless a conditional Deny applies). partial: every action except some, removed by
   * a Deny or a NotAction-style boundary. cancelled: granted, then denied in full. none.
   */
  status: AdminStatus;
  /** Allow statements that grant every action on every resource. */
  grants: Hit[];
  /** Denies and boundary limits that narrow the grant, and conditions it depends on. */
  limits: string[];
  /** For partial: what stays out of reach. */
  except: string | null;
  /** For cancelled: the few actions that remain on every resource, if any ("s3:*"). */
  remains?: string | null;
  /** Not administrator access although everything but these is granted: they hold all the administration. */
  leftOut?: string | null;
  /** For partial: the IAM administration still in reach ("iam:attachuserpolicy, …"). */
  administration?: string;
  /** What narrowed the grant: a Deny, the permissions boundary, or nothing (a NotAction grant). */
  takenBackBy?: 'deny' | 'boundary' | null;
}

export type ServiceAccessLevel = 'allowed' | 'conditional';

/**
 * What principals with the same policies share: their decisions, administrator access and service
 * reach, computed once for the set (one object per distinct set of policies within a run).
 */
export interface Shared {
  decisions: Map<string, Decision>;
  admin?: AdminAccess;
  /** The principal whose policies' labels `admin.limits` quotes, when it quotes any (see adminAccess). */
  adminLabelledFor?: PrincipalPermissions;
  services?: readonly ServiceReach[];
}

/**
 * Where permissionsFrom gets its compiled policies and the results it shares: the run's
 * AccountModel. Without one (a policy judged alone) each call compiles anew and shares nothing.
 */
export interface PolicyRegistry {
  /** The time every result of the registry is judged as of (the run's). */
  readonly now: Date;
  /** The document compiled once, numbered for cache keys. */
  compile(document: PolicyDocument): CompiledPolicy;
  /** The results shared by every principal whose permissions have this key. */
  shared(key: string): Shared;
  /** servicesNamedBy (src/policy/resource-scope.ts), answered once per run for each list of patterns. */
  servicesNamedBy(patterns: readonly string[]): ActionSet;
  /** What a policy that refers to no principal (not principalSensitive) reaches, the same for every principal of the run. */
  readonly policyServices: Map<CompiledPolicy, ServiceSets>;
  /** The reaching Allow statements of a policy that refers to no principal (grantsReaching), the same for every principal of the run. */
  readonly policyAllows: Map<CompiledPolicy, readonly ReachingAllow[]>;
  /** broadGrants of a policy that refers to no principal (entry 0), the same for every principal of the run. */
  readonly policyGrants: Map<CompiledPolicy, readonly Grant[]>;
  /** The statements of a policy that refers to no principal that bear on a request (by requestKey; entry 0), the same for every principal of the run. */
  readonly policyHits: Map<CompiledPolicy, Map<string, readonly PolicyHit[]>>;
  /** a.union(b), computed once per run for each pair of sets (ActionSets never change). */
  union(a: ActionSet, b: ActionSet): ActionSet;
  /** a.intersect(b), computed once per run for each pair of sets. */
  intersect(a: ActionSet, b: ActionSet): ActionSet;
  /** a.minus(b), computed once per run for each pair of sets. */
  minus(a: ActionSet, b: ActionSet): ActionSet;
  /**
   * The run's one ActionSet equal to `set` (same form, same parts in the same order), so that
   * sets equal in content are one object and union/intersect/minus find them in their memos.
   */
  intern(set: ActionSet): ActionSet;
  /** Service reach by its signature: the few distinct reaches of thousands of policy sets, each built and sorted once. */
  readonly reaches: Map<string, readonly ServiceReach[]>;
}

export interface PrincipalPermissions {
  principal: PrincipalInfo;
  /** Every policy that reaches the principal, the boundary and unreadable ones included. */
  reaching: readonly ReachingPolicy[];
  /** Groups the principal names that the snapshot does not hold. */
  missing: readonly string[];
  identity: PolicyEntry[];
  /** null when there is no boundary, or when it could not be read (then it is in `unreadable`). */
  boundary: PolicyEntry | null;
  /** Policies, boundaries and groups that apply but are not in the snapshot. */
  unreadable: string[];
  context: ConditionContext;
  shared: Shared;
  /** The registry that built these permissions (null: judged alone), which hypothetical() reuses. */
  registry: PolicyRegistry | null;
}


// Most principals have no tags: one empty map serves them all (PrincipalInfo.tags is read only).
const NO_TAGS: ReadonlyMap<string, string> = new Map();

export function principalOfUser(user: IamUser): PrincipalInfo {
  return {
    type: 'user',
    name: user.name,
    arn: user.arn,
    id: user.id,
    tags: user.tags.length > 0 ? new Map(user.tags.map((t) => [t.key.toLowerCase(), t.value])) : NO_TAGS,
    boundaryArn: user.permissionsBoundary?.arn ?? null,
    serviceLinked: false,
  };
}

export function principalOfRole(role: IamRole): PrincipalInfo {
  return {
    type: 'role',
    name: role.name,
    arn: role.arn,
    id: role.id,
    tags: role.tags.length > 0 ? new Map(role.tags.map((t) => [t.key.toLowerCase(), t.value])) : NO_TAGS,
    boundaryArn: role.permissionsBoundary?.arn ?? null,
    serviceLinked: isServiceLinkedRole(role),
  };
}

export function principalOfGroup(group: IamGroup): PrincipalInfo {
  return { type: 'group', name: group.name, arn: group.arn, id: group.id, tags: new Map(), boundaryArn: null, serviceLinked: false };
}

function accountOf(arn: string): string {
  return arn.split(':')[4] ?? '';
}

/** The condition keys and policy variables a principal's own requests carry. */
export function principalContext(principal: PrincipalInfo, now: Date): ConditionContext {
  const values = new Map<string, readonly string[] | null>();
  const iso = now.toISOString();
  values.set('aws:currenttime', [iso]);
  values.set('aws:epochtime', [String(Math.floor(now.getTime() / 1000))]);
  // A principal can always get fresh temporary credentials (sts:GetSessionToken, or a new session).
  values.set('aws:tokenissuetime', [iso]);
  values.set('aws:principalisawsservice', ['false']);
  values.set('aws:principalservicename', null);
  values.set('aws:viaawsservice', ['false']);
  values.set('aws:securetransport', ['true']);
  const variables = new Map<string, string | null>();
  if (principal.type !== 'group') {
    // A group, or a policy judged alone, stands for principals not known here: their keys stay unknown.
    values.set('aws:principalarn', [principal.arn]);
    values.set('aws:principalaccount', [accountOf(principal.arn)]);
    variables.set('aws:principalaccount', accountOf(principal.arn));
  }
  const complete: string[] = [];
  if (principal.type === 'user') {
    values.set('aws:principaltype', ['User']);
    values.set('aws:username', [principal.name]);
    values.set('aws:userid', [principal.id]);
    variables.set('aws:username', principal.name);
    variables.set('aws:userid', principal.id);
    variables.set('aws:principaltype', 'User');
    complete.push('aws:principaltag/');
  } else if (principal.type === 'role') {
    values.set('aws:principaltype', ['AssumedRole']);
    values.set('aws:username', null);
    // IAM User Guide, "Principal key values": a role session has no aws:username, so ${aws:username} matches nothing.
    variables.set('aws:username', null);
    variables.set('aws:principaltype', 'AssumedRole');
    // Session tags may add to a role's tags, so a tag the role lacks is not known to be absent.
  }
  for (const [key, value] of principal.tags) {
    values.set(`aws:principaltag/${key}`, [value]);
    variables.set(`aws:principaltag/${key}`, value);
  }
  // A tag a user does not carry is known to be absent, so ${aws:PrincipalTag/…, 'default'} takes its default.
  const known = (name: string) => (variables.has(name) ? variables.get(name) : complete.some((prefix) => name.startsWith(prefix)) ? null : undefined);
  return { values, variables: { get: known }, complete };
}

/** The context of a policy judged on its own, for no principal in particular: only the time is known. */
export function policyContext(now: Date): ConditionContext {
  return principalContext({ type: 'group', name: '', arn: '', id: '', tags: new Map(), boundaryArn: null, serviceLinked: false }, now);
}

/**
 * Builds the permissions of a principal from the policies that reach it. Within a registry (the
 * run's AccountModel), principals with the same policies and boundary share their decisions
 * (unless a policy refers to the principal itself: then the principal's ARN is part of the key).
 */
export function permissionsFrom(principal: PrincipalInfo, reaching: readonly ReachingPolicy[], now: Date, unreadableExtra: readonly string[] = [], runRegistry: PolicyRegistry | null = null): PrincipalPermissions {
  // A registry's results hold as of its time only; judged as of another, nothing is shared.
  const registry = runRegistry && runRegistry.now.getTime() === now.getTime() ? runRegistry : null;
  const identity: PolicyEntry[] = [];
  const unreadable = [...unreadableExtra];
  let boundary: PolicyEntry | null = null;
  for (const r of reaching) {
    if (r.document === null) {
      unreadable.push(`${r.label} (${r.policyArn ?? 'no ARN'} is not in the snapshot)`);
      continue;
    }
    const entry = { reaching: r, policy: registry ? registry.compile(r.document) : compilePolicy(r.document) };
    if (r.kind === 'boundary') boundary = entry;
    else identity.push(entry);
  }
  let shared: Shared;
  if (registry) {
    const sensitive = identity.some((e) => e.policy.principalSensitive) || (boundary?.policy.principalSensitive ?? false);
    const key = [
      identity.map((e) => e.policy.id).join(','),
      principal.boundaryArn === null ? '-' : boundary ? `b${boundary.policy.id}` : 'b?',
      unreadable.length > 0 ? `u${unreadable.length}` : '',
      sensitive ? principal.arn : '',
      now.getTime(),
    ].join('|');
    shared = registry.shared(key);
  } else {
    // A policy judged alone: nothing is shared, and nothing outlives the call.
    shared = { decisions: new Map() };
  }
  let context: ConditionContext | null = null;
  return {
    principal,
    reaching,
    missing: unreadableExtra,
    identity,
    boundary,
    unreadable,
    // Built on first use: principals that share their results with an earlier one never need theirs.
    get context() {
      context ??= principalContext(principal, now);
      return context;
    },
    shared,
    registry,
  };
}

/**
 * A user's permissions: its own policies, its groups' policies, its boundary. For one principal
 * judged on its own (tests, one-off questions): a check uses the run's model (context.model).
 */
export function userPermissions(user: IamUser, details: AuthorizationDetails, now: Date): PrincipalPermissions {
  return new AccountModel(details, now).userPermissions(user);
}

/** A role's permissions: its policies and boundary (one role judged on its own; a check uses context.model). */
export function rolePermissions(role: IamRole, details: AuthorizationDetails, now: Date): PrincipalPermissions {
  return new AccountModel(details, now).rolePermissions(role);
}

/** A group's own policies, judged as if a member had nothing else (one group on its own; a check uses context.model). */
export function groupPermissions(group: IamGroup, details: AuthorizationDetails, now: Date): PrincipalPermissions {
  return new AccountModel(details, now).groupPermissions(group);
}

/**
 * The permissions of a managed policy on its own (a boundary judged by itself, say). With the
 * run's registry (context.model), the document is compiled once and its per-policy results
 * (action sets, broad grants, reach) are the run's; the results per policy set stay its own, as
 * they hold labels ("managed policy X", in AdminAccess.limits) that are not a principal's.
 */
export function policyPermissions(policy: { name: string; arn: string; document: ReachingPolicy['document'] }, now: Date, registry: PolicyRegistry | null = null): PrincipalPermissions {
  const principal: PrincipalInfo = { type: 'group', name: policy.name, arn: policy.arn, id: policy.arn, tags: new Map(), boundaryArn: null, serviceLinked: false };
  const perms = permissionsFrom(principal, [{ label: `managed policy ${policy.name}`, via: 'user', kind: 'managed', policyName: policy.name, policyArn: policy.arn, document: policy.document }], now, [], registry);
  if (registry) perms.shared = { decisions: new Map() };
  return perms;
}

/**
 * The same principal with policies added or taken away (what an escalation would make of it),
 * sharing results through the registry that built `base` (the run's model), if any.
 */
export function hypothetical(
  base: PrincipalPermissions,
  change: { add?: readonly ReachingPolicy[]; remove?: (entry: ReachingPolicy) => boolean; dropBoundary?: boolean },
  now: Date,
): PrincipalPermissions {
  const reaching = base.reaching.filter((r) => !(r.kind === 'boundary' ? (change.dropBoundary ?? false) : (change.remove?.(r) ?? false)));
  reaching.push(...(change.add ?? []));
  const principal = change.dropBoundary ? { ...base.principal, boundaryArn: null } : base.principal;
  return permissionsFrom(principal, reaching, now, base.missing, base.registry);
}

// ---------------------------------------------------------------------------------------------
// Decisions

interface Applied {
  applies: 'yes' | 'maybe' | 'no';
  hit: Hit | null;
}

function applyStatement(statement: CompiledStatement, entry: number, action: string, resource: ResourceQuery, context: ConditionContext): Applied {
  if (!statement.coversAction(action)) return { applies: 'no', hit: null };
  const r = matchResourceFor(statement, action, resource, context.variables);
  if (r.applies === 'no') return { applies: 'no', hit: null };
  const c = evaluateClauses(statement.conditions, context);
  if (c.truth === 'false') return { applies: 'no', hit: null };
  const applies = r.applies === 'yes' && c.truth === 'true' ? 'yes' : 'maybe';
  return { applies, hit: { entry, statement: statement.index, applies, unknownConditions: c.unknown.map(describeClause), resourceNote: r.note } };
}

function contextFor(base: ConditionContext, extra: AccessRequest['context']): ConditionContext {
  if (!extra) return base;
  const keys = Object.keys(extra);
  if (keys.length === 0) return base;
  const own = new Map<string, readonly string[] | null>();
  for (const key of keys) {
    const value = extra[key];
    if (value !== undefined) own.set(key.toLowerCase(), value === null ? null : typeof value === 'string' ? [value] : value);
  }
  // The request's own keys first, then the principal's: no copy of the principal's keys per request.
  const values = { get: (key: string) => (own.has(key) ? own.get(key) : base.values.get(key)) };
  return { values, variables: base.variables, complete: base.complete ?? [] };
}

function requestKey(request: AccessRequest): string {
  const r = request.resource;
  const where = !r || r.kind === 'all' ? '*' : r.kind === 'exact' ? `=${r.arn}` : `~${r.template}`;
  let ctx = '';
  if (request.context) {
    const keys = Object.keys(request.context);
    if (keys.length > 1) keys.sort();
    for (const key of keys) {
      const v = request.context[key];
      ctx += `|${key}=${v === null ? '(absent)' : typeof v === 'string' ? v : (v ?? []).join(',')}`;
    }
  }
  return `${request.action.toLowerCase()}|${where}${ctx}`;
}

/** Can the principal make this request? */
export function decide(perms: PrincipalPermissions, request: AccessRequest): Decision {
  const key = requestKey(request);
  const known = perms.shared.decisions.get(key);
  if (known) return known;
  const decision = computeDecision(perms, request, key);
  perms.shared.decisions.set(key, decision);
  return decision;
}

/** A statement of a policy that bears on a request, as a Hit of entry 0. */
export interface PolicyHit {
  deny: boolean;
  hit: Hit;
}

/** The statements of a policy that bear on a request (`key` its requestKey), in statement order. */
function policyHits(perms: PrincipalPermissions, policy: CompiledPolicy, request: AccessRequest, key: string, resource: ResourceQuery, context: () => ConditionContext): readonly PolicyHit[] {
  // A policy that refers to no principal answers alike for every principal of the run: asked once per policy, not once per policy set.
  const memo = policy.principalSensitive ? undefined : perms.registry?.policyHits;
  let byKey = memo?.get(policy);
  const known = byKey?.get(key);
  if (known) return known;
  const hits: PolicyHit[] = [];
  for (const statement of policy.statementsFor(request.action)) {
    const applied = applyStatement(statement, 0, request.action, resource, context());
    if (applied.hit) hits.push({ deny: statement.effect === 'Deny', hit: applied.hit });
  }
  if (memo) {
    if (!byKey) {
      byKey = new Map();
      memo.set(policy, byKey);
    }
    byKey.set(key, hits);
  }
  return hits;
}

function computeDecision(perms: PrincipalPermissions, request: AccessRequest, key: string): Decision {
  const resource = request.resource ?? { kind: 'all' };
  let requestContext: ConditionContext | null = null;
  const context = () => (requestContext ??= contextFor(perms.context, request.context));
  const allows: Hit[] = [];
  const denies: Hit[] = [];
  const boundaryAllows: Hit[] = [];
  const visit = (policy: CompiledPolicy, entry: number, allowInto: Hit[]) => {
    for (const { deny, hit } of policyHits(perms, policy, request, key, resource, context)) {
      (deny ? denies : allowInto).push(entry === 0 ? hit : { ...hit, entry });
    }
  };
  perms.identity.forEach((e, i) => visit(e.policy, i, allows));
  if (perms.boundary) visit(perms.boundary.policy, -1, boundaryAllows);

  const yes = (hits: Hit[]) => hits.some((h) => h.applies === 'yes');
  const byStrength = (hits: Hit[]) => hits.sort((a, b) => (a.applies === b.applies ? 0 : a.applies === 'yes' ? -1 : 1));
  byStrength(allows);
  byStrength(boundaryAllows);
  byStrength(denies);
  const decision = (verdict: Verdict): Decision => ({ verdict, allows, boundaryAllows, denies });

  if (yes(denies)) return decision('explicitDeny');
  const boundaryKnown = perms.principal.boundaryArn === null || perms.boundary !== null;
  if (allows.length === 0 && perms.unreadable.length === 0) return decision('implicitDeny');
  if (perms.boundary && boundaryAllows.length === 0) return decision('implicitDeny');
  if (allows.length === 0) return decision('conditional');
  const allowed = yes(allows) && (perms.principal.boundaryArn === null || (boundaryKnown && yes(boundaryAllows))) && denies.length === 0 && perms.unreadable.length === 0;
  return decision(allowed ? 'allowed' : 'conditional');
}

export function hitLabel(perms: PrincipalPermissions, hit: Hit): string {
  const entry = hit.entry === -1 ? perms.boundary : perms.identity[hit.entry];
  if (!entry) return 'unknown policy';
  const statement = entry.policy.statements[hit.statement];
  return statement ? statementLabel(entry.reaching.label, statement) : entry.reaching.label;
}

/** " when <condition> and only on <resources>", or "" for a hit that applies as it stands. */
export function hitQualifier(hit: Hit): string {
  const parts = [...hit.unknownConditions.map((c) => `when ${c}`), ...(hit.resourceNote ? [hit.resourceNote] : [])];
  return parts.length > 0 ? ` ${parts.join(' and ')}` : '';
}

export interface Explanation {
  verdict: Verdict;
  /** Statements that allow it (the ones that settle it first). */
  allowedBy: string[];
  deniedBy: string[];
  /** Why the answer is not plain allowed: conditions, resource limits, a boundary, unreadable policies. */
  reasons: string[];
}

/** The decision in words, with the statements that make it. */
export function explain(perms: PrincipalPermissions, decision: Decision, action: string): Explanation {
  const allowedBy = decision.allows.filter((h) => h.applies === 'yes' || !decision.allows.some((y) => y.applies === 'yes')).map((h) => hitLabel(perms, h) + (h.applies === 'maybe' ? hitQualifier(h) : ''));
  const deniedBy = decision.denies.map((h) => hitLabel(perms, h) + (h.applies === 'maybe' ? hitQualifier(h) : ''));
  const reasons: string[] = [];
  const boundaryName = perms.boundary?.reaching.policyName ?? perms.principal.boundaryArn ?? '';
  switch (decision.verdict) {
    case 'explicitDeny':
      reasons.push(`explicit deny in ${decision.denies.filter((h) => h.applies === 'yes').map((h) => hitLabel(perms, h)).join('; ')}`);
      break;
    case 'implicitDeny':
      if (decision.allows.length === 0) reasons.push(`implicit deny: no identity policy allows ${action}`);
      else reasons.push(`implicit deny: the permissions boundary ${boundaryName} does not allow ${action}`);
      break;
    case 'conditional': {
      if (!decision.allows.some((h) => h.applies === 'yes')) {
        for (const h of decision.allows) reasons.push(`${hitLabel(perms, h)} allows it only${hitQualifier(h)}`);
      }
      if (perms.principal.boundaryArn !== null && perms.boundary && !decision.boundaryAllows.some((h) => h.applies === 'yes')) {
        for (const h of decision.boundaryAllows) reasons.push(`the permissions boundary ${boundaryName} allows it only${hitQualifier(h)}`);
      }
      for (const h of decision.denies) reasons.push(`${hitLabel(perms, h)} denies it${hitQualifier(h)}`);
      for (const u of perms.unreadable) reasons.push(`${u} could not be read`);
      break;
    }
    case 'allowed':
      break;
  }
  return { verdict: decision.verdict, allowedBy, deniedBy, reasons };
}

/** decide + explain, for callers that want both. */
export function canDo(perms: PrincipalPermissions, request: AccessRequest): Explanation {
  return explain(perms, decide(perms, request), request.action);
}

// ---------------------------------------------------------------------------------------------
// Administrator access

/** An Allow statement that reaches every resource (or all but named ones), with the actions it covers. */
export interface Grant {
  hit: Hit;
  set: ActionSet;
  conditional: boolean;
}

/**
 * Allow statements of a policy that reach every resource, or every resource but named ones
 * (Allow NotResource R means the same as Allow on `*` with a Deny on R, which leaves the actions
 * on every other resource), with the actions they cover.
 */
function broadGrants(policy: CompiledPolicy, entry: number, context: ConditionContext): Grant[] {
  const grants: Grant[] = [];
  for (const statement of policy.statements) {
    if (statement.effect !== 'Allow' || !statement.action) continue;
    // Only a wildcard or a NotAction can reach every action; a list of names never does in practice.
    const broad = statement.action.negated || statement.action.patterns.some((p) => p.includes('*'));
    if (!broad) continue;
    const scope = resourceScope(statement, context.variables);
    if (scope.kind !== 'everywhere' && scope.kind !== 'allButNamed') continue;
    const c = evaluateClauses(statement.conditions, context);
    if (c.truth === 'false') continue;
    const resourceNote = scope.kind === 'allButNamed' ? `on every resource except ${scope.patterns.join(', ')}` : null;
    grants.push({ hit: { entry, statement: statement.index, applies: c.truth === 'true' ? 'yes' : 'maybe', unknownConditions: c.unknown.map(describeClause), resourceNote }, set: statement.actionSet(), conditional: c.truth !== 'true' });
  }
  return grants;
}

/** broadGrants, computed once per run for a policy that refers to no principal. */
function grantsOf(perms: PrincipalPermissions, policy: CompiledPolicy, entry: number): readonly Grant[] {
  const memo = policy.principalSensitive ? undefined : perms.registry?.policyGrants;
  let grants = memo?.get(policy);
  if (!grants) {
    grants = broadGrants(policy, 0, perms.context);
    memo?.set(policy, grants);
  }
  return entry === 0 ? grants : grants.map((g) => ({ ...g, hit: { ...g.hit, entry } }));
}

function unionOf(sets: ActionSet[]): ActionSet {
  return sets.reduce((acc, s) => acc.union(s), ActionSet.EMPTY);
}

// Derived from the static action catalogue alone (no account data), so one copy serves every run.
let administration: ActionSet | null = null;

/**
 * IAM administration: the IAM actions that change what a principal may do (attach, put, detach
 * and delete policies, policy versions, permissions boundaries, trust policies), those the
 * Service Authorization Reference classes as "Permissions management". A principal that keeps
 * one of them on every resource can give itself the rest. PowerUserAccess, which leaves out
 * iam:*, organizations:* and account:*, keeps none.
 */
export function administrationActions(): ActionSet {
  if (!administration) {
    const names = [...accessLevelsOf('iam')].filter(([, level]) => /permissions management/i.test(level)).map(([action]) => `iam:${action}`);
    administration = ActionSet.fromPatterns(names);
  }
  return administration;
}

/**
 * Whether the principal has administrator access (IAM-014's question), and what narrows it.
 *
 * The rule: after the permissions boundary and every Deny that applies without condition, the
 * principal is allowed on every resource either every action (admin), or every action but a set
 * that leaves IAM administration in reach (partial): some action of administrationActions() is
 * still allowed, so the principal can give itself the rest. Everything but iam:* (or, as
 * PowerUserAccess, but iam:*, organizations:* and account:*) leaves none of it: not administrator
 * access (whether the IAM writes left lead there is IAM-020's question). The form does not matter: Allow NotAction X equals
 * Allow `*` with Deny X; a policy split in two equals the whole.
 *
 * Resources: an Allow on `*`, or on every resource but named ones (NotResource), is a grant on
 * every resource. A Deny on `*` takes its actions away; a Deny with NotResource confines its
 * actions to the named resources, which also takes them away from "every resource"; a Deny on
 * named resources only leaves the actions everywhere else and is listed as a limit. Conditions
 * the snapshot cannot settle make a grant or Deny conditional (status conditional), never ignored.
 */
export function adminAccess(perms: PrincipalPermissions): AdminAccess {
  const shared = perms.shared;
  // The verdict is the same for every principal of the set, but `limits` quotes policies by their
  // labels, which name the principal a directly attached policy is on ("user alice: managed policy
  // p"): another principal of the set gets its own labels, never alice's.
  if (shared.admin && (!shared.adminLabelledFor || sameLabels(shared.adminLabelledFor, perms))) return shared.admin;
  const result = computeAdmin(perms);
  if (!shared.admin) {
    shared.admin = result;
    // Only limits that quote a policy's label tie the judgement to this principal (a boundary's
    // "allows only …" does not).
    if (quotesLabels(result, perms)) shared.adminLabelledFor = perms;
  }
  return result;
}

function quotesLabels(access: AdminAccess, perms: PrincipalPermissions): boolean {
  if (perms.unreadable.length > 0) return access.limits.length > 0;
  const labels = [...perms.identity.map((e) => e.reaching.label), ...(perms.boundary ? [perms.boundary.reaching.label] : [])];
  return access.limits.some((limit) => labels.some((label) => limit.startsWith(label)));
}

/** Whether two principals of one policy set label their policies (and unreadable ones) alike. */
function sameLabels(a: PrincipalPermissions | undefined, b: PrincipalPermissions): boolean {
  if (!a) return false;
  if (a === b) return true;
  if (a.identity.length !== b.identity.length || a.unreadable.length !== b.unreadable.length) return false;
  if ((a.boundary?.reaching.label ?? null) !== (b.boundary?.reaching.label ?? null)) return false;
  return a.identity.every((e, i) => e.reaching.label === b.identity[i]!.reaching.label) && a.unreadable.every((u, i) => u === b.unreadable[i]);
}

function computeAdmin(perms: PrincipalPermissions): AdminAccess {
  const grants = perms.identity.flatMap((e, i) => grantsOf(perms, e.policy, i));
  const anyGrant = unionOf(grants.map((g) => g.set));
  // Only a grant of everything, or of everything but a list, can amount to administrator access.
  if (!anyGrant.complement) return { status: 'none', grants: [], limits: [], except: null };
  const certainGrant = unionOf(grants.filter((g) => !g.conditional).map((g) => g.set));
  const contributing = grants.filter((g) => g.set.complement).map((g) => g.hit);
  const limits: string[] = [];
  for (const g of grants) if (g.conditional) limits.push(`${hitLabel(perms, g.hit)} grants it only when ${g.hit.unknownConditions.join(' and ')}`);
  for (const g of grants) if (g.hit.resourceNote) limits.push(`${hitLabel(perms, g.hit)} grants it ${g.hit.resourceNote}`);

  let boundaryAny = ActionSet.EVERYTHING;
  let boundaryCertain = ActionSet.EVERYTHING;
  let boundaryNarrows = false;
  if (perms.principal.boundaryArn !== null && perms.boundary) {
    const bGrants = grantsOf(perms, perms.boundary.policy, -1);
    boundaryAny = unionOf(bGrants.map((g) => g.set));
    boundaryCertain = unionOf(bGrants.filter((g) => !g.conditional).map((g) => g.set));
    if (!boundaryAny.complement) {
      return { status: 'none', grants: contributing, limits: [`the permissions boundary ${perms.boundary.reaching.policyName} allows only ${boundaryAny.describe()}`], except: null };
    }
    if (!boundaryAny.coversAll()) {
      boundaryNarrows = true;
      limits.push(`the permissions boundary ${perms.boundary.reaching.policyName} allows ${boundaryAny.describe()}`);
    }
    for (const g of bGrants) if (g.conditional) limits.push(`the permissions boundary allows it only when ${g.hit.unknownConditions.join(' and ')}`);
  }

  let denied = ActionSet.EMPTY;
  let conditionalDeny = false;
  const policies: [CompiledPolicy, number][] = perms.identity.map((e, i) => [e.policy, i]);
  if (perms.boundary) policies.push([perms.boundary.policy, -1]);
  for (const [policy, entry] of policies) {
    for (const statement of policy.statements) {
      if (statement.effect !== 'Deny' || !statement.action) continue;
      // The principal's context is built only here, for a Deny: most policy sets never need it (grants come from the run's memo).
      const context = perms.context;
      const c = evaluateClauses(statement.conditions, context);
      if (c.truth === 'false') continue;
      const scope = resourceScope(statement, context.variables);
      if (scope.kind === 'nowhere') continue;
      const actions = statement.actionSet().describe(6);
      const hit: Hit = { entry, statement: statement.index, applies: 'maybe', unknownConditions: c.unknown.map(describeClause), resourceNote: null };
      const label = hitLabel(perms, hit);
      if (scope.kind === 'named') {
        const r = matchResource(statement, { kind: 'all' }, context.variables);
        limits.push(`${label} denies ${actions} ${r.note ?? ''}${hitQualifier({ ...hit, resourceNote: null })}`.replace(/ +$/, ''));
      } else if (c.truth === 'true') {
        denied = denied.union(statement.actionSet());
        limits.push(scope.kind === 'everywhere' ? `${label} denies ${actions}` : `${label} confines ${actions} to ${scope.patterns.join(', ')}`);
      } else {
        conditionalDeny = true;
        limits.push(`${label} ${scope.kind === 'everywhere' ? 'denies' : 'confines'} ${actions}${scope.kind === 'allButNamed' ? ` to ${scope.patterns.join(', ')}` : ''}${hitQualifier(hit)}`);
      }
    }
  }
  const effective = anyGrant.intersect(boundaryAny).minus(denied);
  const takenBackBy = !denied.isEmpty() ? 'deny' : boundaryNarrows ? 'boundary' : null;
  for (const u of perms.unreadable) limits.push(`${u} could not be read`);
  if (!effective.complement) {
    // The grant is there, but Deny statements or the boundary take back all of it or all but a named few actions.
    return { status: 'cancelled', grants: contributing, limits, except: null, remains: effective.isEmpty() ? null : effective.describe(), takenBackBy };
  }
  if (!effective.coversAll()) {
    const except = effective.negate().describe();
    const kept = effective.intersect(administrationActions());
    if (!kept.isEmpty()) return { status: 'partial', grants: contributing, limits, except, takenBackBy, administration: kept.describe(4) };
    return { status: takenBackBy ? 'cancelled' : 'none', grants: contributing, limits, except: null, leftOut: except, takenBackBy };
  }
  const certain = certainGrant.intersect(boundaryCertain).coversAll() && !conditionalDeny && perms.unreadable.length === 0;
  return { status: certain ? 'admin' : 'conditional', grants: contributing, limits, except: null };
}

/** admin or conditional: every action on every resource, at least when conditions hold. */
export function isAdministrator(access: AdminAccess): boolean {
  return access.status === 'admin' || access.status === 'conditional';
}

// ---------------------------------------------------------------------------------------------
// Service reach

export interface ServiceReach {
  service: string;
  /** The service's name in the catalogue, or null for a prefix it does not know. */
  title: string | null;
  /** allowed: some action is allowed without condition; conditional: only under a condition. */
  access: ServiceAccessLevel;
}

/**
 * The service prefixes a principal can reach: for each, whether some action of it is allowed
 * unconditionally or only conditionally. Services with nothing allowed are left out.
 */
export function reachableServices(perms: PrincipalPermissions): readonly ServiceReach[] {
  // Built and sorted once per distinct set of policies, then shared by the principals that hold it.
  if (!perms.shared.services) {
    const { certain, possible } = reachSets(perms);
    // Which services are touched, and which of them certainly, is all a reach depends on.
    const signature = `${touchedSignature(possible)}|${touchedSignature(certain)}`;
    let reach = perms.registry?.reaches.get(signature);
    if (!reach) {
      reach = inServiceOrder(possible.servicesTouched()).map((service) => ({ service, title: serviceTitle(service), access: certain.touchesService(service) ? 'allowed' : 'conditional' }));
      perms.registry?.reaches.set(signature, reach);
    }
    perms.shared.services = reach;
  }
  return perms.shared.services;
}

/** What decides an ActionSet's servicesTouched() and touchesService(): its form and the services it holds whole or in part. */
function touchedSignature(set: ActionSet): string {
  // Everything but: a service is touched unless all of it is left out. Listed: a service is touched when it holds a part.
  const services = set.complement ? [...set.parts].filter(([, part]) => part === 'all').map(([service]) => service) : [...set.parts.keys()];
  return `${set.complement ? '!' : ''}${services.sort().join(',')}`;
}

// The catalogue's prefixes in localeCompare order: static data, ranked once per process.
let serviceRank: Map<string, number> | null = null;

/** The prefixes sorted by localeCompare; those of the catalogue by a rank computed once, not compared anew. */
function inServiceOrder(services: string[]): string[] {
  serviceRank ??= new Map(servicePrefixes().sort((a, b) => a.localeCompare(b)).map((service, i) => [service, i]));
  const rank = serviceRank;
  if (!services.every((service) => rank.has(service))) return services.sort((a, b) => a.localeCompare(b));
  const slots: (string | undefined)[] = new Array<string | undefined>(rank.size);
  for (const service of services) slots[rank.get(service) ?? 0] = service;
  return slots.filter((service): service is string => service !== undefined);
}

/** An Allow statement of an identity policy that reaches some of the services asked about. */
export interface ServiceGrant {
  hit: Hit;
  /** The statement's actions as written: "Action gamelift:*, s3:GetObject" or "NotAction iam:*, organizations:*". */
  actions: string;
}

/**
 * The identity-policy Allow statements through which the principal reaches any of `services`
 * (lower-case prefixes): those reachableServices counts (a condition not known to be false, some
 * resource in scope, and actions, narrowed to the services of named resources, in one of the
 * services). A Deny or boundary that takes a service away entirely is already reflected in which
 * services reachableServices returns; this names the grants behind the ones that remain.
 */
export function grantsReaching(perms: PrincipalPermissions, services: ReadonlySet<string>): ServiceGrant[] {
  const grants: ServiceGrant[] = [];
  perms.identity.forEach((e, entry) => {
    for (const allow of allowsOf(perms, e.policy)) {
      if (allow.reach.touchesAnyOf(services)) grants.push({ hit: { ...allow.grant.hit, entry }, actions: allow.grant.actions });
    }
  });
  return grants;
}

/** An Allow statement of a policy with the actions it can reach on some resource (ServiceGrant with entry 0). */
export interface ReachingAllow {
  grant: ServiceGrant;
  reach: ActionSet;
}

/** The Allow statements of a policy that reach something, computed once per run for a policy that refers to no principal. */
function allowsOf(perms: PrincipalPermissions, policy: CompiledPolicy): readonly ReachingAllow[] {
  const memo = policy.principalSensitive ? undefined : perms.registry?.policyAllows;
  const known = memo?.get(policy);
  if (known) return known;
  const context = perms.context;
  const namedBy = (patterns: readonly string[]) => (perms.registry ? perms.registry.servicesNamedBy(patterns) : servicesNamedBy(patterns));
  const allows: ReachingAllow[] = [];
  for (const statement of policy.statements) {
    if (statement.effect !== 'Allow' || !statement.action || !statement.resource) continue;
    const c = evaluateClauses(statement.conditions, context);
    if (c.truth === 'false') continue;
    const scope = resourceScope(statement, context.variables);
    if (scope.kind === 'nowhere') continue;
    const reach = scope.kind === 'named' ? statement.actionSet().intersect(namedBy(scope.patterns)) : statement.actionSet();
    const resourceNote = scope.kind === 'named' ? `only on ${scope.patterns.join(', ')}` : scope.kind === 'allButNamed' ? `on every resource except ${scope.patterns.join(', ')}` : null;
    allows.push({
      grant: {
        hit: { entry: 0, statement: statement.index, applies: c.truth === 'true' && resourceNote === null ? 'yes' : 'maybe', unknownConditions: c.unknown.map(describeClause), resourceNote },
        actions: `${statement.action.negated ? 'NotAction' : 'Action'} ${statement.action.patterns.join(', ')}`,
      },
      reach,
    });
  }
  memo?.set(policy, allows);
  return allows;
}

/** What one policy allows (certainly, possibly) and denies without condition, by actions, for reachableServices. */
export interface ServiceSets {
  certain: ActionSet;
  possible: ActionSet;
  denied: ActionSet;
}

/** The actions the principal is allowed, certainly and possibly (under a condition), on some resource. */
function reachSets(perms: PrincipalPermissions): { certain: ActionSet; possible: ActionSet } {
  const context = perms.context;
  const namedBy = (patterns: readonly string[]) => (perms.registry ? perms.registry.servicesNamedBy(patterns) : servicesNamedBy(patterns));
  const compute = (policy: CompiledPolicy): ServiceSets => {
    let certain = ActionSet.EMPTY;
    let possible = ActionSet.EMPTY;
    let denied = ActionSet.EMPTY;
    for (const statement of policy.statements) {
      if (!statement.action || !statement.resource) continue;
      const c = evaluateClauses(statement.conditions, context);
      if (c.truth === 'false') continue;
      const scope = resourceScope(statement, context.variables);
      if (scope.kind === 'nowhere') continue;
      if (statement.effect === 'Allow') {
        // An Allow on named resources reaches only the services those resources belong to.
        const actions = scope.kind === 'named' ? statement.actionSet().intersect(namedBy(scope.patterns)) : statement.actionSet();
        possible = possible.union(actions);
        if (c.truth === 'true') certain = certain.union(actions);
      } else if (c.truth === 'true' && scope.kind === 'everywhere') {
        denied = denied.union(statement.actionSet());
      } else if (c.truth === 'true' && scope.kind === 'allButNamed') {
        // Confined to the named resources: the denied actions remain only in the services those resources belong to.
        denied = denied.union(statement.actionSet().minus(namedBy(scope.patterns)));
      }
    }
    return { certain, possible, denied };
  };
  const sets = (policy: CompiledPolicy): ServiceSets => {
    // A policy that refers to no principal reaches the same for all of them: computed once per run.
    const memo = policy.principalSensitive ? undefined : perms.registry?.policyServices;
    let known = memo?.get(policy);
    if (!known) {
      known = compute(policy);
      // Thousands of policies of a few shapes reach equal sets: one object each, so the unions below are memo hits.
      if (perms.registry) {
        const { intern } = perms.registry;
        known = { certain: intern(known.certain), possible: intern(known.possible), denied: intern(known.denied) };
      }
      memo?.set(policy, known);
    }
    return known;
  };
  // Principals whose policies reach alike share the unions, intersections and differences: each pair of sets is combined once per run.
  const registry = perms.registry;
  const unite = (a: ActionSet, b: ActionSet) => (registry ? registry.union(a, b) : a.union(b));
  const intersect = (a: ActionSet, b: ActionSet) => (registry ? registry.intersect(a, b) : a.intersect(b));
  const minus = (a: ActionSet, b: ActionSet) => (registry ? registry.minus(a, b) : a.minus(b));
  let certain = ActionSet.EMPTY;
  let possible = ActionSet.EMPTY;
  let denied = ActionSet.EMPTY;
  for (const e of perms.identity) {
    const s = sets(e.policy);
    certain = unite(certain, s.certain);
    possible = unite(possible, s.possible);
    denied = unite(denied, s.denied);
  }
  if (perms.principal.boundaryArn !== null) {
    if (perms.boundary) {
      const b = sets(perms.boundary.policy);
      certain = intersect(certain, b.certain);
      possible = intersect(possible, b.possible);
      denied = unite(denied, b.denied);
    } else {
      certain = ActionSet.EMPTY;
    }
  }
  if (perms.unreadable.length > 0) certain = ActionSet.EMPTY;
  return { certain: minus(certain, denied), possible: minus(possible, denied) };
}

/** The memo of one pairwise ActionSet operation: `make` runs once per pair of sets. */
function combined(memo: Map<ActionSet, Map<ActionSet, ActionSet>>, a: ActionSet, b: ActionSet, make: () => ActionSet): ActionSet {
  let withA = memo.get(a);
  if (!withA) {
    withA = new Map();
    memo.set(a, withA);
  }
  let result = withA.get(b);
  if (!result) {
    result = make();
    withA.set(b, result);
  }
  return result;
}

/**
 * The account as one run's checks see it, built once per run by the engine (src/checks/engine.ts)
 * and passed to every check in its context: the principals by name, their policies compiled once
 * (numbered within the run), group membership, role trust, and the results that principals with
 * the same policies share (one entry per distinct set of policies and boundary). Nothing here
 * outlives the run: a later run, or another snapshot, builds its own.
 */
export class AccountModel implements DetailsIndex, PolicyRegistry {
  readonly users: ReadonlyMap<string, IamUser>;
  readonly roles: ReadonlyMap<string, IamRole>;
  readonly groups: ReadonlyMap<string, IamGroup>;
  /** Managed policies by ARN. */
  readonly policies: ReadonlyMap<string, ManagedPolicy>;
  /** Group name → its members. */
  readonly members: ReadonlyMap<string, IamUser[]>;
  readonly accountId: string;
  readonly partition: string;
  private readonly compiled = new Map<PolicyDocument, CompiledPolicy>();
  private readonly sharedBySet = new Map<string, Shared>();
  private readonly namedServices = new Map<string, ActionSet>();
  private readonly actionSets = new Map<string, ActionSet>();
  readonly policyServices = new Map<CompiledPolicy, ServiceSets>();
  readonly policyGrants = new Map<CompiledPolicy, readonly Grant[]>();
  readonly policyAllows = new Map<CompiledPolicy, readonly ReachingAllow[]>();
  readonly policyHits = new Map<CompiledPolicy, Map<string, readonly PolicyHit[]>>();
  readonly reaches = new Map<string, readonly ServiceReach[]>();
  private readonly trust = new Map<IamRole, RoleTrust>();
  private readonly groupPolicies = new Map<IamGroup, ReachingPolicy[]>();
  private readonly userPerms = new Map<string, PrincipalPermissions>();
  private readonly rolePerms = new Map<string, PrincipalPermissions>();
  private readonly groupPerms = new Map<string, PrincipalPermissions>();

  constructor(
    readonly details: AuthorizationDetails,
    readonly now: Date,
  ) {
    this.users = new Map(details.users.map((u) => [u.name, u]));
    this.roles = new Map(details.roles.map((r) => [r.name, r]));
    const index = indexDetails(details);
    this.groups = index.groups;
    this.policies = index.policies;
    this.members = index.members;
    const sample = details.users[0]?.arn ?? details.roles[0]?.arn ?? details.groups[0]?.arn ?? details.policies.find((p) => !p.awsManaged)?.arn ?? 'arn:aws:iam::000000000000:root';
    this.accountId = accountOf(sample);
    this.partition = sample.split(':')[1] ?? 'aws';
  }

  /** The document compiled once per run (a managed policy shared by thousands of principals is read once). */
  compile(document: PolicyDocument): CompiledPolicy {
    let policy = this.compiled.get(document);
    if (!policy) {
      policy = compilePolicy(document, this.compiled.size + 1, this.actionSetOf);
      this.compiled.set(document, policy);
    }
    return policy;
  }

  /** One ActionSet per distinct Action/NotAction list of the run (thousands of policies repeat a few lists). */
  private readonly actionSetOf = (spec: ActionSpec): ActionSet => {
    const key = `${spec.negated ? '!' : ''}${spec.patterns.join('\n')}`;
    let set = this.actionSets.get(key);
    if (!set) {
      set = ActionSet.fromPatterns(spec.patterns, spec.negated);
      this.actionSets.set(key, set);
    }
    return set;
  };

  private readonly unions = new Map<ActionSet, Map<ActionSet, ActionSet>>();
  private readonly intersections = new Map<ActionSet, Map<ActionSet, ActionSet>>();
  private readonly differences = new Map<ActionSet, Map<ActionSet, ActionSet>>();
  private readonly interned = new Map<string, ActionSet>();

  union(a: ActionSet, b: ActionSet): ActionSet {
    return combined(this.unions, a, b, () => a.union(b));
  }

  intersect(a: ActionSet, b: ActionSet): ActionSet {
    return combined(this.intersections, a, b, () => a.intersect(b));
  }

  minus(a: ActionSet, b: ActionSet): ActionSet {
    return combined(this.differences, a, b, () => a.minus(b));
  }

  readonly intern = (set: ActionSet): ActionSet => {
    if (set.parts.size === 0) return set.complement ? ActionSet.EVERYTHING : ActionSet.EMPTY;
    // The parts in their own order: equal keys are sets that behave alike in every respect, describe() included.
    let key = set.complement ? '!' : '';
    for (const [service, part] of set.parts) key += `|${service}:${part === 'all' ? '*' : [...part].join(',')}`;
    const known = this.interned.get(key);
    if (known) return known;
    this.interned.set(key, set);
    return set;
  };

  shared(key: string): Shared {
    let shared = this.sharedBySet.get(key);
    if (!shared) {
      shared = { decisions: new Map() };
      this.sharedBySet.set(key, shared);
    }
    return shared;
  }

  servicesNamedBy(patterns: readonly string[]): ActionSet {
    const key = patterns.join('\n');
    let set = this.namedServices.get(key);
    if (!set) {
      set = servicesNamedBy(patterns);
      this.namedServices.set(key, set);
    }
    return set;
  }

  /** The role's trust policy as policy/trust.ts reads it, compiled and read once per run. */
  roleTrust(role: IamRole): RoleTrust {
    let trust = this.trust.get(role);
    if (trust === undefined) {
      trust = readTrust(role);
      this.trust.set(role, trust);
    }
    return trust;
  }

  userPermissions(user: IamUser): PrincipalPermissions {
    let perms = this.userPerms.get(user.name);
    if (!perms) {
      const missing = missingGroups(user, this).map((g) => `group ${g} (not in the snapshot)`);
      perms = permissionsFrom(principalOfUser(user), policiesReachingUser(user, this, (group) => this.policiesOfGroup(group)), this.now, missing, this);
      this.userPerms.set(user.name, perms);
    }
    return perms;
  }

  rolePermissions(role: IamRole): PrincipalPermissions {
    let perms = this.rolePerms.get(role.name);
    if (!perms) {
      perms = permissionsFrom(principalOfRole(role), policiesReachingRole(role, this), this.now, [], this);
      this.rolePerms.set(role.name, perms);
    }
    return perms;
  }

  /** A group's own policies, judged as if a member had nothing else. */
  groupPermissions(group: IamGroup): PrincipalPermissions {
    let perms = this.groupPerms.get(group.name);
    if (!perms) {
      perms = permissionsFrom(principalOfGroup(group), this.policiesOfGroup(group), this.now, [], this);
      this.groupPerms.set(group.name, perms);
    }
    return perms;
  }

  /** The policies a group gives each member, built once per group and shared by its members' permissions (read only). */
  policiesOfGroup(group: IamGroup): readonly ReachingPolicy[] {
    let policies = this.groupPolicies.get(group);
    if (!policies) {
      policies = policiesOfGroup(group, this);
      this.groupPolicies.set(group, policies);
    }
    return policies;
  }

  groupMembers(group: string): IamUser[] {
    return this.members.get(group) ?? [];
  }
}
