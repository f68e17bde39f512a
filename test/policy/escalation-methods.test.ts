import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AccountModel } from '../../src/policy/effective-permissions.js';
import { analyseEscalation, ESCALATION_METHODS, type EscalationMethod, type EscalationPath } from '../../src/policy/escalation/index.js';
import { actionsOf } from '../../src/policy/escalation/sieve.js';
import type { Way } from '../../src/policy/escalation/types.js';
import type { AuthorizationDetails, IamRole, PolicyDocument, PolicyStatement } from '../../src/snapshot/schema.js';
import { importAwsCliExports } from '../../src/snapshot/import.js';
import { loadSnapshot } from '../../src/snapshot/load.js';
import { ACCOUNT, NOW, customerPolicy, iamGroup, iamRole, iamUser } from '../support/snapshot.js';
import { attachment, awsManagedPolicy } from './managed-policies.js';

/**
 * Each escalation method against what it declares: in the smallest account where the probe holds
 * exactly the actions of one of its ways, the method finds a path; without any one of them, it
 * finds none; and every step of every path it builds names a declared action and holds one of its
 * ways in full (the sieve skips a method none of whose ways a policy set holds, so a path outside
 * its ways would be lost).
 */

const ADMIN = awsManagedPolicy('AdministratorAccess');
const doc = (...Statement: PolicyStatement[]): PolicyDocument => ({ Version: '2012-10-17', Statement });
const allow = (Action: string | string[]): PolicyStatement => ({ Effect: 'Allow', Action, Resource: '*' });
const deny = (Action: string | string[]): PolicyStatement => ({ Effect: 'Deny', Action, Resource: '*' });
const SERVICES = ['lambda', 'glue', 'cloudformation', 'datapipeline', 'ec2', 'codebuild', 'sagemaker', 'ecs-tasks'].map((s) => `${s}.amazonaws.com`);
const PROBE = 'probe';

/** Where the probe's grant is written, and what else the account holds around it. */
interface Scene {
  /** The probe's identity policy. */
  identity: PolicyDocument;
  /** The probe's permissions boundary, if any. */
  boundary?: PolicyDocument;
  /** A Deny that stands between the probe and administrator access, and where it is. */
  deny?: { document: PolicyDocument; on: 'managed' | 'inline'; of: 'probe' | 'group' };
}

const REMOVAL = ['iam:RemoveUserFromGroup', 'iam:DetachGroupPolicy', 'iam:DeleteGroupPolicy', 'iam:DetachUserPolicy', 'iam:DeleteUserPolicy', 'iam:DetachRolePolicy', 'iam:DeleteRolePolicy'];

/** How each method's ways are set up; a method without an entry here makes the table test fail. */
const SCENES: Record<string, (actions: readonly string[], way: Way) => Scene> = {
  // Everything in identity, capped by a boundary that allows only the grant: dropping it leaves an administrator.
  'own-permissions-boundary': (actions) => ({ identity: doc(allow('*')), boundary: doc(allow(['s3:GetObject', ...actions])) }),
  // Everything, less a Deny of iam:CreateUser (administrator access taken back in part), less the removals not granted.
  'remove-deny': (actions, way) => {
    const others = REMOVAL.filter((a) => !actions.includes(a));
    const document = doc(deny(['iam:CreateUser', ...others]));
    const action = way.actions[0]!;
    const of = /Group/.test(action) ? 'group' : 'probe';
    const on = /Detach/.test(action) ? 'managed' : /Delete/.test(action) ? 'inline' : 'managed';
    return { identity: doc(allow('*')), deny: { document, on, of } };
  },
};

const exactly = (actions: readonly string[]): Scene => ({ identity: actions.length > 0 ? doc(allow([...actions])) : doc(allow('s3:GetObject')) });

/**
 * The probe (a user in group "team", or a role trusting the account) with its own customer-managed
 * policy; an administrator user, role (trusting the account and every compute service, in an
 * instance profile) and group; another user (in group "others", holding a customer-managed
 * policy) and another role, as targets.
 */
function account(type: 'user' | 'role', scene: Scene): AuthorizationDetails {
  const own = customerPolicy('probe-policy', doc(allow('s3:GetObject')));
  const shared = customerPolicy('shared-policy', doc(allow('s3:GetObject')));
  const denyPolicy = scene.deny?.on === 'managed' ? customerPolicy('deny-policy', scene.deny.document) : null;
  const boundary = scene.boundary ? customerPolicy('probe-boundary', scene.boundary) : null;
  const probeDeny = scene.deny?.of === 'probe' ? scene.deny : null;
  const groupDeny = scene.deny?.of === 'group' ? scene.deny : null;
  const attached = [attachment(own), ...(probeDeny && denyPolicy ? [attachment(denyPolicy)] : [])];
  const inline = [{ name: 'grant', document: scene.identity }, ...(probeDeny?.on === 'inline' ? [{ name: 'deny', document: probeDeny.document }] : [])];
  const permissionsBoundary = boundary ? { arn: boundary.arn, type: 'Policy' } : null;
  const trustAccount = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' });
  const adminRole: IamRole = iamRole('admin-role', {
    assumeRolePolicy: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }, { Effect: 'Allow', Principal: { Service: SERVICES }, Action: 'sts:AssumeRole' }),
    attachedPolicies: [attachment(ADMIN)],
    instanceProfiles: [{ name: 'admin-profile', id: 'AIPAADMIN', arn: `arn:aws:iam::${ACCOUNT}:instance-profile/admin-profile`, path: '/', roles: [`arn:aws:iam::${ACCOUNT}:role/admin-role`] }],
  });
  const team = iamGroup('team', {
    attachedPolicies: groupDeny?.on === 'managed' && denyPolicy ? [attachment(denyPolicy)] : [],
    inlinePolicies: groupDeny?.on === 'inline' ? [{ name: 'deny', document: groupDeny.document }] : [],
  });
  const users = [
    iamUser('admin-user', { attachedPolicies: [attachment(ADMIN)] }),
    iamUser('other', { groups: ['others'], attachedPolicies: [attachment(shared)] }),
    ...(type === 'user' ? [iamUser(PROBE, { groups: ['team'], attachedPolicies: attached, inlinePolicies: inline, permissionsBoundary })] : []),
  ];
  const roles = [adminRole, iamRole('other-role', { assumeRolePolicy: trustAccount }), ...(type === 'role' ? [iamRole(PROBE, { assumeRolePolicy: trustAccount, attachedPolicies: attached, inlinePolicies: inline, permissionsBoundary })] : [])];
  const policies = [ADMIN, own, shared, ...(denyPolicy ? [denyPolicy] : []), ...(boundary ? [boundary] : [])];
  return { users, roles, groups: [team, iamGroup('others'), iamGroup('admins', { attachedPolicies: [attachment(ADMIN)] })], policies };
}

/**
 * The probe's paths, with this method alone in the catalogue: no other method's evidence crowds
 * it out, and the sieve refuses any question about an action the method does not declare.
 */
function pathsOf(method: EscalationMethod, details: AuthorizationDetails): EscalationPath[] {
  const probe = [...analyseEscalation(new AccountModel(details, NOW), [method]).values()].find((p) => p.name === PROBE);
  return (probe?.paths ?? []).filter((p) => p.kind === method.kind && method.pathIds.includes(p.method));
}

const baseAction = (action: string) => action.replace(/ \(.*\)$/, '').toLowerCase();

/** Every step names a declared action, and the steps hold one of the method's ways in full. */
function expectWithinDeclared(method: EscalationMethod, path: EscalationPath, type: 'user' | 'role') {
  const declared = new Set(actionsOf(method).map((a) => a.toLowerCase()));
  // remove-deny goes on, when the Deny taken away leaves no administrator, by a become method: its own step is the first.
  const steps = method.id === 'remove-deny' ? path.steps.slice(0, 1) : path.steps;
  const named = steps.map((s) => baseAction(s.action));
  expect(named.filter((a) => !declared.has(a)), `${method.id}: ${path.method}`).toEqual([]);
  const held = method.ways.some((w) => (w.principal ?? type) === type && w.actions.every((a) => named.includes(a.toLowerCase())));
  expect(held, `${method.id}: steps ${named.join(', ')} hold none of its ways`).toBe(true);
}

const cases = ESCALATION_METHODS.flatMap((method) => method.ways.map((way, i) => ({ method, way, label: `${method.id} #${i + 1} (${way.actions.join(' + ')})` })));

describe('the escalation catalogue', () => {
  it('has unique ids, and a path is attributable to one method by its kind and evidence id', () => {
    const ids = ESCALATION_METHODS.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    const keys = ESCALATION_METHODS.flatMap((m) => m.pathIds.map((id) => `${m.kind} ${id}`));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('declares at least one way for every method, each of declared actions only', () => {
    for (const method of ESCALATION_METHODS) {
      expect(method.ways.length, method.id).toBeGreaterThan(0);
      for (const way of method.ways) expect(way.actions.length, method.id).toBeGreaterThan(0);
    }
  });

  it.each(cases)('$label: holding exactly it opens a path; without any one of its actions, none', ({ method, way }) => {
    const type = way.principal ?? 'user';
    const scene = SCENES[method.id] ?? exactly;
    const paths = pathsOf(method, account(type, scene(way.actions, way)));
    expect(paths.length, 'a path with all its actions').toBeGreaterThan(0);
    for (const path of paths) expectWithinDeclared(method, path, type);
    for (const dropped of way.actions) {
      const rest = way.actions.filter((a) => a !== dropped);
      expect(pathsOf(method, account(type, scene(rest, way))).map((p) => p.method), `without ${dropped}`).toEqual([]);
    }
  });

  it('builds, on the iam-vulnerable corpus and the demo, only paths whose steps are declared and hold a way', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hipaa-iam-methods-'));
    cpSync(new URL('../fixtures/iam-vulnerable-authorization-details.json', import.meta.url).pathname, join(dir, 'account-authorization-details.json'));
    const snapshots = [importAwsCliExports(dir), loadSnapshot(new URL('../../examples/demo-account.json', import.meta.url).pathname)];
    const byKey = new Map(ESCALATION_METHODS.flatMap((m) => m.pathIds.map((id) => [`${m.kind} ${id}`, m] as const)));
    let seen = 0;
    for (const snapshot of snapshots) {
      const source = snapshot.sources.authorizationDetails;
      if (source.status !== 'ok') throw new Error('authorization details missing');
      for (const principal of analyseEscalation(new AccountModel(source.data, new Date(snapshot.collectedAt))).values()) {
        for (const path of principal.paths) {
          const method = byKey.get(`${path.kind} ${path.method}`);
          expect(method, `${path.kind} ${path.method}`).toBeDefined();
          expectWithinDeclared(method!, path, principal.type);
          seen++;
        }
      }
    }
    expect(seen).toBeGreaterThan(100);
  });
});
