import { describe, expect, it } from 'vitest';
import { runChecks } from '../../src/checks/engine.js';
import nonEligibleServices from '../../src/checks/least-privilege/non-eligible-services.js';
import adminAccess from '../../src/checks/least-privilege/admin-access.js';
import { AccountModel, reachableServices } from '../../src/policy/effective-permissions.js';
import { DEFAULT_SETTINGS } from '../../src/settings.js';
import type { PolicyStatement } from '../../src/snapshot/schema.js';
import { allow, attach, doc } from '../checks/least-privilege/helpers.js';
import { NOW, customerPolicy, iamGroup, iamRole, iamUser, withPrincipals } from '../support/snapshot.js';

const shared = customerPolicy('shared', doc(allow(['s3:GetObject', 'gamelift:CreateFleet'])));
const own = (name: string, ...statements: PolicyStatement[]) => iamUser(name, { inlinePolicies: [{ name: 'p', document: doc(...statements) }] });

describe('AccountModel: one per run, holding what module-level caches used to', () => {
  it('compiles a document once per run and shares results between principals with the same policies', () => {
    const snapshot = withPrincipals({
      users: [iamUser('a', { groups: ['g'] }), iamUser('b', { groups: ['g'] })],
      groups: [iamGroup('g', { attachedPolicies: [attach(shared)] })],
      roles: [iamRole('r', { attachedPolicies: [attach(shared)] })],
      policies: [shared],
    });
    const details = snapshot.sources.authorizationDetails;
    if (details.status !== 'ok') throw new Error('unreachable');
    const model = new AccountModel(details.data, NOW);
    const [a, b] = details.data.users.map((u) => model.userPermissions(u));
    const r = model.rolePermissions(details.data.roles[0]!);
    expect(a!.identity[0]!.policy).toBe(r.identity[0]!.policy);
    expect(a!.shared).toBe(b!.shared);
    // The same policy reached through a group and attached to a role: one set, one reach, built once.
    expect(reachableServices(a!)).toBe(reachableServices(r));
    // Another run (another model) numbers and compiles anew: nothing is shared across runs.
    const again = new AccountModel(details.data, NOW).userPermissions(details.data.users[0]!);
    expect(again.identity[0]!.policy).not.toBe(a!.identity[0]!.policy);
    expect(again.shared).not.toBe(a!.shared);
  });

  it('keeps principals whose policy refers to the principal apart', () => {
    const snapshot = withPrincipals({
      users: ['a', 'b'].map((name) => own(name, allow('s3:GetObject', 'arn:aws:s3:::home/${aws:username}/*'))),
    });
    const details = snapshot.sources.authorizationDetails;
    if (details.status !== 'ok') throw new Error('unreachable');
    const model = new AccountModel(details.data, NOW);
    const [a, b] = details.data.users.map((u) => model.userPermissions(u));
    expect(a!.shared).not.toBe(b!.shared);
  });

  it('judges a document changed between two runs by what it says now (no cache outlives a run)', () => {
    const snapshot = withPrincipals({ users: [own('u', allow('gamelift:*'))] });
    expect(runChecks([nonEligibleServices], snapshot, DEFAULT_SETTINGS, NOW).map((f) => f.status)).toEqual(['FAIL']);
    const details = snapshot.sources.authorizationDetails;
    if (details.status !== 'ok') throw new Error('unreachable');
    // The same document object, edited in place: a cache keyed by the object would answer from the first run.
    const document = details.data.users[0]!.inlinePolicies[0]!.document;
    (document.Statement as PolicyStatement[])[0] = allow('*');
    expect(runChecks([nonEligibleServices, adminAccess], snapshot, DEFAULT_SETTINGS, NOW).map((f) => `${f.controlId} ${f.status}`)).toEqual(['non-eligible-services FAIL', 'admin-access FAIL']);
    (document.Statement as PolicyStatement[])[0] = allow('s3:GetObject');
    expect(runChecks([nonEligibleServices, adminAccess], snapshot, DEFAULT_SETTINGS, NOW).map((f) => `${f.controlId} ${f.status}`)).toEqual(['non-eligible-services PASS', 'admin-access PASS']);
  });
});
