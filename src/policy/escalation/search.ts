import type { IamGroup, IamRole, IamUser, InstanceProfile, ManagedPolicy, PolicyDocument } from '../../snapshot/schema.js';
import { isServiceLinkedRole } from '../../snapshot/principals.js';
import { adminAccess, hypothetical, isAdministrator, policyPermissions, type AccessRequest, type AccountModel, type PrincipalPermissions } from '../effective-permissions.js';
import type { ReachingPolicy } from '../principal-policies.js';
import { namedPrincipals, trustedServices, type ServiceTrust } from '../trust.js';
import { MAX_TARGETS } from './method.js';
import { ArnIndex, Sieve } from './sieve.js';
import { CERTAINTY_RANK, runSteps, worst } from './steps.js';
import type { Analysis, Attachments, BecomeMethod, Certainty, EscalationMethod, EscalationPath, OwnMethod, Principal, PrincipalEscalation, Reach, StepRun, StepSpec, Templates } from './types.js';

/**
 * The search: which principals reach administrator, and how. First each principal's own
 * methods (self and confer); then, round by round, who can act as someone already known to
 * reach it (become), so role chains of any length are found. A principal's evidence is capped:
 * a few targets per method and a few paths in all are enough to show it escalates.
 */

const MAX_PATHS = 6;
/** Targets a principal already known to escalate still looks at, for more evidence. */
const MORE_TARGETS = 3;

export class EscalationSearch implements Analysis {
  readonly model: AccountModel;
  readonly templates: Templates;
  readonly administratorAccess: string;
  private adminPolicies: readonly string[] | null = null;
  private readonly sieve: Sieve;
  private readonly selfMethods: OwnMethod[];
  private readonly cappedMethods: OwnMethod[];
  private readonly conferMethods: OwnMethod[];
  private readonly becomeMethods: BecomeMethod[];
  private readonly nodes: Principal[] = [];
  private readonly byArn = new Map<string, Principal>();
  private readonly policiesByArn = new Map<string, ManagedPolicy>();
  private readonly policyAdmin = new Map<ManagedPolicy, boolean>();
  private readonly groupAdmin = new Map<string, boolean>();
  /** policy ARN → the principals (and groups) it is attached to. */
  private readonly attached = new Map<string, Attachments>();
  private readonly results = new Map<string, { paths: EscalationPath[]; reached: boolean }>();
  private readonly userIndex: ArnIndex<IamUser>;
  private readonly roleIndex: ArnIndex<IamRole>;
  private readonly groupIndex: ArnIndex<IamGroup>;
  private readonly policyIndex: ArnIndex<ManagedPolicy>;
  private readonly trusts = new Map<IamRole, ServiceTrust[]>();
  private readonly memo = new Map<object, unknown>();
  private adminArns: Set<string> | null = null;
  private adminNodes: Principal[] | null = null;

  constructor(model: AccountModel, methods: readonly EscalationMethod[]) {
    this.model = model;
    this.sieve = new Sieve(methods);
    const own = methods.filter((m): m is OwnMethod => m.kind !== 'become');
    this.selfMethods = own.filter((m) => m.kind === 'self' && !m.whenCapped);
    this.cappedMethods = own.filter((m) => m.kind === 'self' && m.whenCapped);
    this.conferMethods = own.filter((m) => m.kind === 'confer');
    this.becomeMethods = methods.filter((m): m is BecomeMethod => m.kind === 'become');
    const account = model.accountId;
    const partition = model.partition;
    this.templates = {
      fn: `arn:${partition}:lambda:*:${account}:function:*`,
      instance: `arn:${partition}:ec2:*:${account}:instance/*`,
      launchTemplate: `arn:${partition}:ec2:*:${account}:launch-template/*`,
      autoScalingGroup: `arn:${partition}:autoscaling:*:${account}:autoScalingGroup:*:autoScalingGroupName/*`,
      any: '*',
      arn: (service, resource) => `arn:${partition}:${service}:*:${account}:${resource}`,
      iam: (kind) => `arn:${partition}:iam::${account}:${kind}/*`,
    };
    for (const policy of model.details.policies) if (!this.policiesByArn.has(policy.arn)) this.policiesByArn.set(policy.arn, policy);
    for (const user of model.details.users) {
      const perms = model.userPermissions(user);
      this.addNode({ type: 'user', name: user.name, arn: user.arn, user, perms, admin: adminAccess(perms) });
    }
    for (const role of model.details.roles) {
      const perms = model.rolePermissions(role);
      this.addNode({ type: 'role', name: role.name, arn: role.arn, role, perms, admin: adminAccess(perms) });
    }
    this.administratorAccess = `arn:${partition}:iam::aws:policy/AdministratorAccess`;
    const attach = (arn: string) => {
      let entry = this.attached.get(arn);
      if (!entry) {
        entry = { users: [], roles: [], groups: [] };
        this.attached.set(arn, entry);
      }
      return entry;
    };
    for (const user of model.details.users) for (const p of user.attachedPolicies) attach(p.arn).users.push(user);
    for (const role of model.details.roles) for (const p of role.attachedPolicies) attach(p.arn).roles.push(role);
    for (const group of model.details.groups) for (const p of group.attachedPolicies) attach(p.arn).groups.push(group);
    this.userIndex = new ArnIndex(model.details.users, (u) => u.arn);
    this.roleIndex = new ArnIndex(model.details.roles, (r) => r.arn);
    this.groupIndex = new ArnIndex(model.details.groups, (g) => g.arn);
    this.policyIndex = new ArnIndex(
      model.details.policies.filter((p) => !p.awsManaged && this.attached.has(p.arn)),
      (p) => p.arn,
    );
  }

  private addNode(node: Principal) {
    this.nodes.push(node);
    this.byArn.set(node.arn.toLowerCase(), node);
  }

  // ---------------------------------------------------------------------------------------------
  // The sieve, as methods ask it

  mayDo(perms: PrincipalPermissions, action: string, template?: string): boolean {
    return this.sieve.mayDo(perms, action, template);
  }

  holds(from: Principal, action: string): boolean {
    return !isAdministrator(from.admin) && this.sieve.mayDo(from.perms, action);
  }

  mightTarget(perms: PrincipalPermissions, action: string, arn: string): boolean {
    return this.sieve.mightTarget(perms, action, arn);
  }

  mightApply(perms: PrincipalPermissions, action: string, arn: string): boolean {
    return perms.unreadable.length > 0 || this.sieve.mightTarget(perms, action, arn);
  }

  users(perms: PrincipalPermissions, actions: readonly string[]): readonly IamUser[] {
    return this.sieve.targets(perms, actions, this.userIndex);
  }

  roles(perms: PrincipalPermissions, actions: readonly string[]): readonly IamRole[] {
    return this.sieve.targets(perms, actions, this.roleIndex);
  }

  groups(perms: PrincipalPermissions, actions: readonly string[]): readonly IamGroup[] {
    return this.sieve.targets(perms, actions, this.groupIndex);
  }

  attachedPolicies(perms: PrincipalPermissions, actions: readonly string[]): readonly ManagedPolicy[] {
    return this.sieve.targets(perms, actions, this.policyIndex);
  }

  *reachedNamed(from: Principal, actions: readonly string[], pool: readonly Principal[], among: 'users' | 'roles', reach: Reach, member: (p: Principal) => boolean): Iterable<Principal> {
    const patterns = actions.map((a) => this.sieve.allowPatterns(from.perms, a));
    if (patterns.some((p) => p === 'any')) {
      yield* pool;
      return;
    }
    const index: ArnIndex<{ arn: string }> = among === 'users' ? this.userIndex : this.roleIndex;
    const arns = new Set<string>();
    for (const list of patterns) for (const p of list as string[]) for (const item of index.matching(p)) arns.add(item.arn.toLowerCase());
    for (const arn of arns) {
      const node = this.byArn.get(arn);
      if (node && reach.reached.has(node) && member(node)) yield node;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Facts of the account

  /** AdministratorAccess first, then the customer-managed policies that grant everything (found when first asked). */
  get adminPolicyArns(): readonly string[] {
    this.adminPolicies ??= [this.administratorAccess, ...this.model.details.policies.filter((p) => !p.awsManaged && this.grantsAdmin(p)).map((p) => p.arn)];
    return this.adminPolicies;
  }

  /** Whether a managed policy grants administrator access on its own (judged once per run). */
  private grantsAdmin(policy: ManagedPolicy): boolean {
    if (!policy.document) return false;
    let known = this.policyAdmin.get(policy);
    if (known === undefined) {
      // Only an Allow of a wildcard or NotAction can grant every action: a policy without one is no administrator's.
      const broad = this.model.compile(policy.document).statements.some((s) => s.effect === 'Allow' && s.action && (s.action.negated || s.action.patterns.some((p) => p.includes('*'))));
      known = broad && isAdministrator(adminAccess(policyPermissions(policy, this.model.now, this.model)));
      this.policyAdmin.set(policy, known);
    }
    return known;
  }

  admitsAdmin(boundaryArn: string | null): boolean {
    if (boundaryArn === null) return true;
    const policy = this.policiesByArn.get(boundaryArn);
    return policy ? this.grantsAdmin(policy) : false;
  }

  groupGrantsAdmin(group: IamGroup): boolean {
    let known = this.groupAdmin.get(group.name);
    if (known === undefined) {
      known = isAdministrator(adminAccess(this.model.groupPermissions(group)));
      this.groupAdmin.set(group.name, known);
    }
    return known;
  }

  /** The users and roles that are administrators already, found once. */
  private administrators(): Principal[] {
    this.adminNodes ??= this.nodes.filter((n) => isAdministrator(n.admin));
    return this.adminNodes;
  }

  isAdminArn(arn: string): boolean {
    this.adminArns ??= new Set(this.administrators().map((n) => n.arn));
    return this.adminArns.has(arn);
  }

  attachments(policyArn: string): Attachments | undefined {
    return this.attached.get(policyArn);
  }

  policy(arn: string): ManagedPolicy | undefined {
    return this.policiesByArn.get(arn);
  }

  /**
   * What iam:SetDefaultPolicyVersion on a customer-managed policy can switch to: definite when
   * one of its non-default versions (kept since snapshot schema 2) grants administrator access on
   * its own; otherwise it depends on a version that grants more (or one made later).
   */
  otherVersions(arn: string, makesAdmin?: (document: PolicyDocument) => boolean): { certainty: Certainty; notes: string[] } {
    const policy = this.policiesByArn.get(arn);
    const versions = policy?.otherVersions;
    if (!policy || !versions) return { certainty: 'depends', notes: ['works only if a non-default version grants more (the snapshot does not hold the other versions)'] };
    // By default a version is judged alone (for others who hold the policy); `makesAdmin` judges it in the principal's place.
    const judge = makesAdmin ?? ((document: PolicyDocument) => isAdministrator(adminAccess(policyPermissions({ name: policy.name, arn: policy.arn, document }, this.model.now, this.model))));
    const admin = versions.find((v) => judge(v.document));
    if (admin) return { certainty: 'definite', notes: [`its version ${admin.versionId} grants administrator access`] };
    if (versions.length === 0) return { certainty: 'depends', notes: ['it has no other version now: works only once one that grants more exists'] };
    return { certainty: 'depends', notes: [`works only if one of its other versions (${versions.map((v) => v.versionId).join(', ')}) grants more: none grants administrator access by itself`] };
  }

  /** From the role's own list (schema 2), or undefined when the snapshot does not say (schema 1, or an export without InstanceProfileList). */
  instanceProfilesOf(role: IamRole): InstanceProfile[] | undefined {
    return role.instanceProfiles;
  }

  /**
   * AdministratorAccess, and, only when the principal's policies test iam:PolicyARN at all, the
   * customer-managed policies that grant everything too.
   */
  policyArnContexts(perms: PrincipalPermissions, action: string): AccessRequest['context'][] {
    const tests = perms.identity.some((e) => e.policy.statementsFor(action).some((s) => s.conditions.some((c) => c.keyLower === 'iam:policyarn')));
    return (tests ? this.adminPolicyArns : [this.administratorAccess]).map((arn) => ({ 'iam:PolicyARN': arn }));
  }

  /**
   * Each try carries one iam:PermissionsBoundary through all the steps: absent (null), or, when
   * the principal's policies test the key on one of `actions`, each policy that grants everything
   * (a boundary that caps nothing). null: none runs.
   */
  bestWithBoundary(perms: PrincipalPermissions, actions: readonly string[], groups: (boundary: { 'iam:PermissionsBoundary': string | null }) => StepSpec[][]): StepRun | null {
    const tests = perms.identity.some((e) => actions.some((a) => e.policy.statementsFor(a).some((s) => s.conditions.some((c) => c.keyLower === 'iam:permissionsboundary'))));
    const boundaries: (string | null)[] = tests ? [null, ...this.adminPolicyArns] : [null];
    let best: StepRun | null = null;
    for (const boundary of boundaries) {
      const run = runSteps(perms, groups({ 'iam:PermissionsBoundary': boundary }));
      if (run.ok && (!best || CERTAINTY_RANK[run.certainty] < CERTAINTY_RANK[best.certainty])) best = run;
      if (best?.certainty === 'definite') break;
    }
    return best;
  }

  serviceTrust(role: IamRole): readonly ServiceTrust[] {
    let found = this.trusts.get(role);
    if (!found) {
      found = trustedServices(this.model.roleTrust(role));
      this.trusts.set(role, found);
    }
    return found;
  }

  hypothetical(perms: PrincipalPermissions, change: { add?: readonly ReachingPolicy[]; remove?: (entry: ReachingPolicy) => boolean; dropBoundary?: boolean }): PrincipalPermissions {
    return hypothetical(perms, change, this.model.now);
  }

  once<T>(key: object, make: () => T): T {
    if (!this.memo.has(key)) this.memo.set(key, make());
    return this.memo.get(key) as T;
  }

  // ---------------------------------------------------------------------------------------------
  // The search

  /** Ways a principal changes its own permissions into an administrator's. */
  selfPaths(from: Principal, perms: PrincipalPermissions, depth: number): EscalationPath[] {
    // A boundary that caps administrator access caps whatever the principal grants itself, unless it takes the boundary away.
    const capped = !this.admitsAdmin(perms.principal.boundaryArn) && Boolean(perms.principal.boundaryArn);
    const paths: EscalationPath[] = [];
    for (const method of this.sieve.methodsFor(perms, from.type, capped ? this.cappedMethods : this.selfMethods)) paths.push(...method.paths(from, perms, this, depth));
    return paths;
  }

  private conferPaths(from: Principal): EscalationPath[] {
    const paths: EscalationPath[] = [];
    for (const method of this.sieve.methodsFor(from.perms, from.type, this.conferMethods)) paths.push(...method.paths(from, from.perms, this, 0));
    return paths;
  }

  /** Ways `from` can act as `to` (a user or role that is an administrator or can escalate). */
  private becomePaths(from: Principal, to: Principal): EscalationPath[] {
    const paths: EscalationPath[] = [];
    for (const method of this.becomeMethods) paths.push(...method.paths(from, to, this));
    return paths;
  }

  becomeAdminAs(from: Principal): EscalationPath | null {
    for (const to of this.administrators()) {
      if (to.arn === from.arn) continue;
      const path = this.becomePaths(from, to)[0];
      if (path) return path;
    }
    return null;
  }

  /** Principals already reached that `from` might act as, method by method. */
  private *candidateTargets(from: Principal, reach: Reach): Generator<Principal> {
    for (const method of this.becomeMethods) yield* method.candidates(from, reach, this);
  }

  analyse(): Map<string, PrincipalEscalation> {
    const reached = new Set<Principal>();
    const chains = new Map<Principal, string[]>();
    const isServiceLinked = (n: Principal) => (n.role ? isServiceLinkedRole(n.role) : false);
    const record = (node: Principal, paths: EscalationPath[]) => {
      // No path, no entry: a principal without one reads as one never recorded.
      if (paths.length === 0) return;
      let entry = this.results.get(node.arn);
      if (!entry) {
        entry = { paths: [], reached: false };
        this.results.set(node.arn, entry);
      }
      for (const p of paths) {
        if (entry.paths.length >= MAX_PATHS) break;
        // A few targets per method are evidence enough; keep room for other methods.
        if (entry.paths.filter((q) => q.method === p.method).length >= MAX_TARGETS) continue;
        entry.paths.push(p);
      }
      if (paths.length > 0) entry.reached = true;
    };
    const best = (node: Principal) => this.results.get(node.arn)?.paths.reduce<EscalationPath | undefined>((a, b) => (!a || CERTAINTY_RANK[b.certainty] < CERTAINTY_RANK[a.certainty] ? b : a), undefined);
    // Once a principal is known to escalate, a few more targets give evidence enough.
    const budget = new Map<Principal, number>();
    const saturated = (node: Principal) => (this.results.get(node.arn)?.paths.length ?? 0) >= MAX_PATHS || (budget.get(node) ?? 1) <= 0;
    const spend = (node: Principal) => {
      if (this.results.get(node.arn)?.reached) budget.set(node, (budget.get(node) ?? MORE_TARGETS) - 1);
    };

    // Who can be reached, by the way one reaches them (kept as they are reached).
    const reachedUsers: Principal[] = [];
    const reachedRoles: Principal[] = [];
    const reachedAccountTrusting: Principal[] = [];
    const reachedByService = new Map<string, Principal[]>();
    const trustsAccount = new Set<Principal>();
    const trustNaming = new Map<string, Principal[]>();
    const trustingSessionsOf = new Map<string, Principal[]>();
    const trustingAnyone: Principal[] = [];
    const servicesOf = new Map<Principal, string[]>();
    // Who trusts whom: read from the trust policies once the first principal is reached (an account where none is needs none of it).
    let trustRead = false;
    const readTrust = () => {
      if (trustRead) return;
      trustRead = true;
      for (const node of this.nodes) {
        if (!node.role || isServiceLinked(node)) continue;
        const named = namedPrincipals(this.model.roleTrust(node.role));
        if (named.accounts.includes(node.arn.split(':')[4] ?? '')) trustsAccount.add(node);
        if (named.anyone) trustingAnyone.push(node);
        for (const arn of named.arns) trustNaming.set(arn, [...(trustNaming.get(arn) ?? []), node]);
        for (const role of named.sessionsOf) trustingSessionsOf.set(role, [...(trustingSessionsOf.get(role) ?? []), node]);
        servicesOf.set(node, [...new Set(this.serviceTrust(node.role).map((t) => t.service))]);
      }
    };
    const reach: Reach = { reached, reachedUsers, reachedRoles, reachedAccountTrusting, reachedByService, trustNaming, trustingSessionsOf, trustingAnyone, trustsAccount, servicesOf };
    const markReached = (node: Principal, chain: string[]) => {
      readTrust();
      reached.add(node);
      chains.set(node, chain);
      if (node.type === 'user') reachedUsers.push(node);
      else if (!isServiceLinked(node)) {
        reachedRoles.push(node);
        if (trustsAccount.has(node)) reachedAccountTrusting.push(node);
        for (const service of servicesOf.get(node) ?? []) {
          const list = reachedByService.get(service);
          if (list) list.push(node);
          else reachedByService.set(service, [node]);
        }
      }
    };

    // Administrators first, so that paths lead to them before they lead to other escalators.
    for (const node of this.nodes) if (isAdministrator(node.admin)) markReached(node, ['administrator']);
    for (const node of this.nodes) {
      if (isServiceLinked(node) || isAdministrator(node.admin)) continue;
      const paths = [...this.selfPaths(node, node.perms, 0), ...this.conferPaths(node)];
      record(node, paths);
      if (paths.length > 0) {
        const first = [...paths].sort((a, b) => CERTAINTY_RANK[a.certainty] - CERTAINTY_RANK[b.certainty])[0];
        markReached(node, [`escalates itself (${first?.method ?? 'see its paths'})`]);
      }
    }

    // Then, round by round, those who can act as someone already reached (role chains need several rounds).
    const examined = new Map<Principal, Set<Principal>>();
    const sources = this.nodes.filter((n) => !isAdministrator(n.admin));
    // Every way to act as another principal leads to one already reached: with none, there is nothing to look for.
    let changed = reached.size > 0;
    while (changed) {
      changed = false;
      for (const from of sources) {
        if (saturated(from)) continue;
        let seen = examined.get(from);
        if (!seen) {
          seen = new Set();
          examined.set(from, seen);
        }
        for (const to of this.candidateTargets(from, reach)) {
          if (to === from || seen.has(to)) continue;
          seen.add(to);
          spend(from);
          const paths = this.becomePaths(from, to);
          if (paths.length === 0) {
            if (saturated(from)) break;
            continue;
          }
          const chain = [`${to.type} ${to.name}`, ...(chains.get(to) ?? [])];
          // A path is no surer than the way on from its target.
          const onward = isAdministrator(to.admin) ? 'definite' : (best(to)?.certainty ?? 'definite');
          record(from, paths.map((p) => ({ ...p, chain, certainty: worst(p.certainty, onward), notes: onward === 'definite' || p.notes.length > 0 ? p.notes : [...p.notes, `${to.type} ${to.name} escalates only ${onward === 'depends' ? 'through resources the snapshot cannot show' : 'under a condition'}`] })));
          if (!reached.has(from) && !isServiceLinked(from)) {
            markReached(from, chain);
            changed = true;
          }
          if (saturated(from)) break;
        }
      }
    }

    const out = new Map<string, PrincipalEscalation>();
    for (const node of this.nodes) {
      const admin = isAdministrator(node.admin);
      const paths = admin ? [] : [...(this.results.get(node.arn)?.paths ?? [])];
      paths.sort((a, b) => CERTAINTY_RANK[a.certainty] - CERTAINTY_RANK[b.certainty]);
      out.set(node.arn, {
        type: node.type,
        name: node.name,
        arn: node.arn,
        serviceLinked: isServiceLinked(node),
        admin: node.admin,
        status: admin ? 'administrator' : paths.length > 0 ? 'escalates' : 'none',
        paths,
        unreadable: node.perms.unreadable,
      });
    }
    return out;
  }
}
