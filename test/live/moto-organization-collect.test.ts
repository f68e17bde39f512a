import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsSession } from '../../src/collect/aws-clients.js';
import { CollectionError } from '../../src/errors.js';
import { collectOrganization, collectOrganizationLive, liveOrganizationAccess } from '../../src/organization/collect-live.js';
import type { AccountOutcome, OrganizationSource } from '../../src/organization/collection.js';
import { ouPathText } from '../../src/organization/facts.js';
import { readOrganizationFolder, saveOrganizationFolder } from '../../src/organization/folder.js';
import { isReadFailure } from '../../src/snapshot/build.js';
import { tempDir } from '../support/cli.js';
import { enforceIamAuthorization, isDenial, type AccessKey } from '../support/moto-auth.js';
import { motoInstalled, startMoto, type Moto } from '../support/moto.js';
import { MANAGEMENT, ORGANIZATION_POLICY_ACTIONS, REGION, seedOrganization, type Seeded } from '../support/moto-organization.js';

/*
 * An organization on moto 5.2.1, seeded through the SDK as an administrator would: the
 * management account (moto's default 123456789012) with an organization trail and an SCP on the
 * PHI OU, and three member accounts made with CreateAccount (moto gives each an
 * OrganizationAccountAccessRole trusting the management account). The auditor role
 * hipaa-iam-auditor, with the shipped auditor policy, is made in two of them through that role;
 * the third has none. The organization is then read by a user of the management account holding
 * only the shipped auditor and organization-auditor policies, with moto enforcing IAM.
 *
 * What moto cannot show: it lets AssumeRole into another account succeed whether or not the
 * role exists or trusts the caller (moto/sts/models.py: "the role does not need to exist"),
 * where AWS refuses with AccessDenied. That refusal is stood in for by an explicit Deny of
 * sts:AssumeRole on the missing role in the reading user's policy, so the account without the
 * role meets AWS's answer. moto serves neither iam:ListOrganizationsFeatures nor Access Analyzer.
 */

describe.skipIf(!motoInstalled)('collecting an organization live (moto): facts once, each member through its auditor role', () => {
  let moto: Moto;
  let seeded: Seeded;
  let source: OrganizationSource;
  const outcomes = new Map<string, AccountOutcome>();
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    moto = await startMoto();
    seeded = await seedOrganization(moto);
    await enforceIamAuthorization(moto.endpoint);
    // The SDK's credential chain reads keys from process.env, as a live run has them.
    for (const [key, value] of Object.entries({ ...moto.env, AWS_ACCESS_KEY_ID: seeded.reader.accessKeyId, AWS_SECRET_ACCESS_KEY: seeded.reader.secretAccessKey })) {
      saved[key] = process.env[key];
      process.env[key] = value;
    }
    source = await collectOrganizationLive({ live: { region: REGION, regions: [REGION] }, concurrency: 2 });
    for await (const outcome of source.outcomes) outcomes.set(outcome.account.id, outcome);
  }, 240_000);

  afterAll(async () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await moto?.stop();
  });

  it('reads the organization from the management account, every account placed on its OU path', () => {
    const { facts } = source;
    expect(facts.readFrom).toEqual({ accountId: MANAGEMENT, arn: `arn:aws:iam::${MANAGEMENT}:user/org-auditor` });
    expect(facts.organization.masterAccountId).toBe(MANAGEMENT);
    expect(facts.accounts.status).toBe('ok');
    const accounts = facts.accounts.status === 'ok' ? facts.accounts.data : [];
    const byId = new Map(accounts.map((a) => [a.id, a]));
    expect([...byId.keys()].sort()).toEqual([MANAGEMENT, seeded.prod, seeded.dev, seeded.noRole].sort());
    expect(ouPathText(byId.get(seeded.prod)!)).toBe('Root/PHI/Prod');
    expect(byId.get(seeded.prod)!.ouPath.map((ou) => ou.id)).toEqual([seeded.rootId, seeded.phi, seeded.prodOu]);
    expect(ouPathText(byId.get(seeded.dev)!)).toBe('Root/PHI');
    expect(ouPathText(byId.get(seeded.noRole)!)).toBe('Root');
    expect(byId.get(MANAGEMENT)!.management).toBe(true);
    expect(accounts.filter((a) => a.management).map((a) => a.id)).toEqual([MANAGEMENT]);
  });

  it('reads each SCP with its targets, and only the organization trail', () => {
    const { facts } = source;
    expect(facts.scps.status).toBe('ok');
    const scp = facts.scps.status === 'ok' ? facts.scps.data.find((p) => p.id === seeded.scpId) : undefined;
    expect(scp?.name).toBe('phi-regions');
    expect(scp?.targets).toEqual([{ targetId: seeded.phi, type: 'ORGANIZATIONAL_UNIT', name: 'PHI' }]);
    expect(facts.organizationTrails.status).toBe('ok');
    const trails = facts.organizationTrails.status === 'ok' ? facts.organizationTrails.data : [];
    expect(trails.map((t) => [t.name, t.isOrganizationTrail, t.isMultiRegionTrail])).toEqual([['org-trail', true, true]]);
    expect(trails[0]!.status).toMatchObject({ status: 'ok', data: { isLogging: true } });
  });

  it('what moto lacks is an error, never "none": ListOrganizationsFeatures and the organization analyzers', () => {
    // Allowed, and answered with moto's HTML 500 page: not served, not refused.
    expect(source.facts.organizationsFeatures).toMatchObject({ status: 'error', error: { message: expect.stringContaining('(HTTP 500)') } });
    expect(source.facts.organizationAnalyzers).toMatchObject({ status: 'error', error: { message: expect.stringContaining('(HTTP 500)') } });
  });

  it('covers every ACTIVE account, and counts the facts’ calls by part', () => {
    expect(source.covered.map((a) => a.id).sort()).toEqual([MANAGEMENT, seeded.prod, seeded.dev, seeded.noRole].sort());
    expect(source.skipped).toEqual([]);
    expect(source.selection).toEqual({ accounts: null, ous: null, exclude: [], roleName: 'hipaa-iam-auditor', externalId: false });
    const calls = source.facts.collection.calls;
    // IAM Identity Center is read once, with the facts, and counted there.
    expect(Object.keys(calls).sort()).toEqual(['accounts', 'identityCenter', 'organization', 'organizationAnalyzers', 'organizationTrails', 'organizationsFeatures', 'scps']);
    // The walk: ListRoots once, and per parent (root, PHI, Prod) one ListAccountsForParent and one ListOrganizationalUnitsForParent.
    expect(calls.accounts!.operations).toEqual({ ListAccounts: 1, ListRoots: 1, ListAccountsForParent: 3, ListOrganizationalUnitsForParent: 3 });
  });

  it('the account without the auditor role is unreachable at assume-role, with AWS’s reason', () => {
    const outcome = outcomes.get(seeded.noRole);
    expect(outcome).toMatchObject({ kind: 'unreachable', step: 'assume-role' });
    expect(outcome?.kind === 'unreachable' ? outcome.reason : '').toMatch(/^AccessDenied: .*sts:AssumeRole/);
    expect(outcome?.kind === 'unreachable' ? outcome.reason : '').not.toMatch(/testing|SecretAccessKey|X-Amz/i);
  });

  it('each collected snapshot is its own account: its caller, its own password policy', () => {
    expect(outcomes.size).toBe(4);
    const collected = (id: string) => {
      const outcome = outcomes.get(id);
      if (outcome?.kind !== 'collected') throw new Error(`account ${id} was not collected: ${JSON.stringify(outcome)}`);
      return outcome.snapshot;
    };
    for (const id of [MANAGEMENT, seeded.prod, seeded.dev]) {
      const snapshot = collected(id);
      expect(snapshot.accountId).toBe(id);
      expect(snapshot.sources.callerIdentity).toMatchObject({ status: 'ok', data: { account: id } });
    }
    expect(collected(seeded.prod).sources.callerIdentity).toMatchObject({ data: { arn: `arn:aws:sts::${seeded.prod}:assumed-role/hipaa-iam-auditor/hipaa-iam-org-audit` } });
    // The management account is read with the caller's own credentials, no role assumed.
    expect(collected(MANAGEMENT).sources.callerIdentity).toMatchObject({ data: { arn: `arn:aws:iam::${MANAGEMENT}:user/org-auditor` } });
    expect(collected(MANAGEMENT).origin.description).toContain('the caller’s own credentials');
    expect(collected(MANAGEMENT).collection.calls.assumeRole).toBeUndefined();
    expect(collected(seeded.prod).collection.calls.assumeRole?.operations).toEqual({ AssumeRole: 1 });
    const minimumLength = (id: string) => {
      const policy = collected(id).sources.passwordPolicy;
      return policy.status === 'ok' ? policy.data.policy?.minimumPasswordLength : `error ${JSON.stringify(policy)}`;
    };
    expect([minimumLength(MANAGEMENT), minimumLength(seeded.prod), minimumLength(seeded.dev)]).toEqual([12, 14, 6]);
    // The auditor policy is all a member's collection needs: no denial in any source moto serves.
    // IAM Identity Center is read once for the organization, never in a member: not read on purpose, no failure.
    for (const id of [MANAGEMENT, seeded.prod, seeded.dev]) {
      const errors = Object.entries(collected(id).sources).filter(([name, s]) => s.status === 'error' && isReadFailure(name, s.error.code)).map(([name]) => name);
      expect(errors, id).toEqual(['accessAnalyzer']);
      expect(collected(id).sources.identityCenter, id).toEqual({ status: 'error', error: { code: 'NotCollected', message: 'read once for the organization (organization.json), not in each account' } });
    }
  });

  /** The organization read as a user of the management account holding `key`, covering only the prod account. */
  const readAs = async (key: AccessKey) => {
    const session = await createAwsSession({ region: REGION }, process.env);
    const access = liveOrganizationAccess({ ...session, credentials: async () => key }, { roleName: 'hipaa-iam-auditor', description: 'moto' });
    const read = await collectOrganization({ accounts: [seeded.prod], needed: { sources: ['passwordPolicy'], by: 'the test' }, live: { regions: [REGION] } }, access);
    const outcomes: AccountOutcome[] = [];
    for await (const outcome of read.outcomes) outcomes.push(outcome);
    return { facts: read.facts, outcomes };
  };

  /** A part as the proof needs it: read, refused, or failed otherwise (moto's 500 for what it lacks). */
  const verdictOf = (result: { status: 'ok' } | { status: 'error'; error: { code: string; message: string } }) => (result.status === 'ok' ? 'ok' : isDenial(result.error) ? 'denied' : 'failed');

  it('the organization policy has no action to spare: without each one, the part that needs it is denied (and only that part)', async () => {
    // What each action feeds: the parts of the facts (or the run) that fail without it.
    const needs: Record<string, string> = {
      'organizations:ListAccounts': 'accounts',
      'organizations:ListRoots': 'accounts',
      'organizations:ListOrganizationalUnitsForParent': 'accounts',
      'organizations:ListAccountsForParent': 'accounts',
      'organizations:ListTargetsForPolicy': 'scps',
      'organizations:ListDelegatedAdministrators': 'organizationAnalyzers',
      'iam:ListOrganizationsFeatures': 'organizationsFeatures',
      'sts:AssumeRole': 'member accounts',
    };
    expect(Object.keys(needs).sort()).toEqual([...ORGANIZATION_POLICY_ACTIONS].sort());
    const full = await readAs(seeded.reader);
    expect(full.outcomes.map((o) => o.kind)).toEqual(['collected']);
    for (const action of ORGANIZATION_POLICY_ACTIONS) {
      const key = seeded.partial.get(action)!;
      if (needs[action] === 'accounts') {
        // Without the accounts no run can say what it covers: refused whole, naming the denial.
        await expect(readAs(key), action).rejects.toThrow(CollectionError);
        await expect(readAs(key), action).rejects.toThrow(/cannot list the accounts of organization .*\(HTTP 403\)/);
        continue;
      }
      const run = await readAs(key);
      const parts = ['scps', 'organizationsFeatures', 'organizationTrails', 'organizationAnalyzers'] as const;
      for (const part of parts) {
        const result = run.facts[part];
        if (part === needs[action]) expect(verdictOf(result), `${action}: ${JSON.stringify(result)}`).toBe('denied');
        else expect(verdictOf(result), `${action} ${part}`).toBe(verdictOf(full.facts[part]));
      }
      if (action === 'sts:AssumeRole') expect(run.outcomes).toMatchObject([{ kind: 'unreachable', step: 'assume-role', reason: expect.stringMatching(/^AccessDenied: /) }]);
      else expect(run.outcomes.map((o) => o.kind), action).toEqual(['collected']);
    }
  });

  it('saved (collect --organization --save DIR) and read back (--snapshot DIR): the same facts and the same snapshots', async () => {
    const session = await createAwsSession({ region: REGION }, process.env);
    const access = liveOrganizationAccess({ ...session, credentials: async () => seeded.reader }, { roleName: 'hipaa-iam-auditor', description: 'moto' });
    const live = await collectOrganization({ needed: { sources: ['passwordPolicy'], by: 'the test' }, live: { regions: [REGION] } }, access);
    const parent = tempDir('moto-org-save');
    try {
      const dir = join(parent, 'org');
      const kept: AccountOutcome[] = [];
      const teeing = { ...live, outcomes: { async *[Symbol.asyncIterator]() { for await (const outcome of live.outcomes) yield (kept.push(outcome), outcome); } } };
      expect(await saveOrganizationFolder(teeing, dir)).toEqual({ collected: 3, unreachable: 1 });
      const read = readOrganizationFolder(dir);
      expect(read.facts).toEqual(live.facts);
      expect(read.covered).toEqual(live.covered);
      const back: AccountOutcome[] = [];
      for await (const outcome of read.outcomes) back.push(outcome);
      expect(back).toEqual(kept);
      expect(back.find((o) => o.account.id === seeded.noRole)).toMatchObject({ kind: 'unreachable', step: 'assume-role' });
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});
