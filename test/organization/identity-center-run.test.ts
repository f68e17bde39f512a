import { Chalk } from 'chalk';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { accountFinding, type Check, type FindingDraft } from '../../src/checks/check.js';
import { ALL_CHECKS } from '../../src/checks/registry.js';
import { accountsInScope, identityCenterScope, identityCenterSource, indexStore, peopleWithAccess, permissionSetInAccount, personLabel } from '../../src/identity-center/view.js';
import { demoIdentityCenter, demoOrganization } from '../../src/organization/demo.js';
import { readOrganizationFolder, saveOrganizationFolder } from '../../src/organization/folder.js';
import { runOrganization, type OrganizationRunRequest } from '../../src/organization/run.js';
import { verifyPackage } from '../../src/report/organization-package.js';
import type { IdentityCenterData, Snapshot } from '../../src/snapshot/schema.js';
import { readFindings, tempDir } from '../support/cli.js';
import { MANAGEMENT, STRONG, threeAccounts, UNREACHABLE, WEAK } from '../support/organization-source.js';

// An organization run over in-memory accounts whose facts hold the organization's IAM Identity
// Center (the demo's instance, provisioned to the three test accounts): it is judged in each
// member from the facts, each member's findings name only who reaches that member, the members'
// own identityCenter source is recorded as not read on purpose, and the package lays out people ×
// accounts. The identity-center controls themselves (IAM-033..037) are another part's; a stand-in
// check declaring the identityCenter source shows what the engine hands them.

const NO_COLOUR = new Chalk({ level: 0 });
const STARTED = new Date('2026-11-10T14:00:00.000Z');

/** Stand-in for an identity-center control: one finding per person × permission set in the scope's accounts, naming the person. */
const whoReaches: Check = {
  meta: {
    controlId: 'identity-center-who-reaches',
    riskId: 'IAM-T14',
    title: 'Who reaches the account through IAM Identity Center (test stand-in)',
    group: 'identity-center',
    severity: 'low',
    hipaa: ['164.308(a)(4)(ii)(B)'],
    description: 'Lists who reaches the account.',
    remediation: 'None.',
    documentation: 'https://docs.aws.amazon.com/singlesignon/latest/userguide/what-is.html',
    sources: ['identityCenter'],
  },
  run: ({ snapshot, organization }) => {
    const source = identityCenterSource(snapshot, organization);
    if (source.status !== 'ok') throw new Error('the engine turns an unreadable source into ERROR before run');
    const scope = identityCenterScope(snapshot, organization);
    const drafts: FindingDraft[] = [];
    for (const instance of source.data.instances) {
      if (instance.permissionSets.status !== 'ok' || instance.identityStore.status !== 'ok') continue;
      const index = indexStore(instance.identityStore.data);
      for (const ps of instance.permissionSets.data) {
        for (const accountId of accountsInScope(ps, scope)) {
          const people = peopleWithAccess(ps, accountId, index).map(personLabel);
          drafts.push({ status: 'PASS', resourceType: 'AWS::SSO::PermissionSet', resourceArn: permissionSetInAccount(ps, accountId), resourceName: `${ps.name} in ${accountId}`, message: `${ps.name} reaches ${accountId}: ${people.join(', ')}`, evidence: { accountId, people } });
        }
      }
    }
    return drafts.length ? drafts : [accountFinding(snapshot.accountId, 'NOT_APPLICABLE', 'no permission set reaches this account')];
  },
};

function identityCenter(patch: (data: IdentityCenterData) => void = () => {}): IdentityCenterData {
  const data = demoIdentityCenter({ management: MANAGEMENT, prod: STRONG, dev: WEAK, legacy: UNREACHABLE });
  patch(data);
  return data;
}

function source(ic: OrganizationRunRequest['source']['facts']['identityCenter'], made?: (s: Snapshot) => void) {
  const s = threeAccounts(made ? { made } : {});
  s.facts.identityCenter = ic;
  return s;
}

function request(out: string, overrides: Partial<OrganizationRunRequest> = {}): OrganizationRunRequest {
  return { command: 'audit', checks: [whoReaches], source: source({ status: 'ok', data: identityCenter() }), outDir: out, failOn: 'low', colour: NO_COLOUR, startedAt: STARTED, ...overrides };
}

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

describe('IAM Identity Center in an organization run (in-memory accounts)', () => {
  it('judges each member from the facts, its findings naming only the people and permission sets that reach that member', async () => {
    const out = tempDir('org-ic-scope');
    const { packageDir } = await runOrganization(request(out));
    const messages = (account: string) => readFindings(join(packageDir, account)).findings.filter((f) => f.controlId === whoReaches.meta.controlId).map((f) => f.message).sort();
    expect(messages(STRONG)).toEqual([
      `AdministratorAccess reaches ${STRONG}: hpatel (Henry Patel)`,
      `ClinicalReadOnly reaches ${STRONG}: anguyen (Dr. Alice Nguyen), bmartinez (Bob Martinez), cokafor (Carol Okafor), ichen (Ivy Chen)`,
      `ITOnCall reaches ${STRONG}: gkim (Grace Kim), hpatel (Henry Patel)`,
    ]);
    expect(messages(WEAK)).toEqual([`AdministratorAccess reaches ${WEAK}: gkim (Grace Kim), hpatel (Henry Patel)`, `GameDayFleet reaches ${WEAK}: gkim (Grace Kim), hpatel (Henry Patel)`]);
    // The management account's assignment (jreyes) is in no member's findings.
    for (const account of [STRONG, WEAK]) expect(messages(account).join('\n')).not.toContain('jreyes');
  });

  it('records each member’s own identityCenter as not read on purpose (run.json sourcesNotRead), never as a source that could not be read', async () => {
    const out = tempDir('org-ic-notread');
    // The members' snapshots hold a read failure of their own (as one saved by a single-account collect could): not what the run judges.
    const denied = { status: 'error' as const, error: { code: 'AccessDeniedException', message: 'not authorized to perform: sso:ListInstances' } };
    const { packageDir } = await runOrganization(request(out, { source: source({ status: 'ok', data: identityCenter() }, (s) => (s.sources.identityCenter = denied)) }));
    for (const account of [STRONG, WEAK]) {
      const run = json(join(packageDir, account, 'run.json')) as { sourceErrors: { source: string }[]; sourcesNotRead?: { source: string; reason: string }[] };
      expect(run.sourceErrors.map((e) => e.source)).not.toContain('identityCenter');
      expect(run.sourcesNotRead).toContainEqual({ source: 'identityCenter', reason: 'read once for the organization (organization.json), not in each account' });
      const html = readFileSync(join(packageDir, account, 'report.html'), 'utf8');
      expect(html).not.toMatch(/could not be read[^<]*IAM Identity Center/);
    }
    const run = json(join(packageDir, 'run.json')) as { factErrors: { part: string }[] };
    expect(run.factErrors.map((e) => e.part)).not.toContain('identityCenter');
  });

  it('an unreadable identityCenter part (AccessDenied) makes every member’s identity-center controls ERROR with the reason, and the package says so', async () => {
    const out = tempDir('org-ic-denied');
    const denied = { status: 'error' as const, error: { code: 'AccessDeniedException', message: 'User is not authorized to perform: sso:ListInstances' } };
    const result = await runOrganization(request(out, { source: source(denied) }));
    for (const account of [STRONG, WEAK]) {
      const findings = readFindings(join(result.packageDir, account)).findings.filter((f) => f.controlId === whoReaches.meta.controlId);
      expect(findings.map((f) => f.status)).toEqual(['ERROR']);
      expect(findings[0]!.message).toContain('AccessDeniedException: User is not authorized to perform: sso:ListInstances');
    }
    expect(result.exitCode).toBe(3);
    const run = json(join(result.packageDir, 'run.json')) as { factErrors: { part: string; code: string }[] };
    expect(run.factErrors).toContainEqual({ part: 'identityCenter', code: 'AccessDeniedException', message: 'User is not authorized to perform: sso:ListInstances' });
    // No access list that would pass for "nobody": the CSV is not written, the report says why.
    expect(existsSync(join(result.packageDir, 'identity-center-access.csv'))).toBe(false);
    const html = readFileSync(join(result.packageDir, 'report.html'), 'utf8');
    expect(html).toContain('<strong>Could not be read:</strong> IAM Identity Center: AccessDeniedException: User is not authorized to perform: sso:ListInstances');
    expect(verifyPackage(result.packageDir).ok).toBe(true);
  });

  it('an instance whose identity store could not be read gives no partial access list: a warning, and the report names it', async () => {
    const out = tempDir('org-ic-store');
    const ic = identityCenter((d) => {
      d.instances[0]!.identityStore = { status: 'error', error: { code: 'AccessDeniedException', message: 'not authorized to perform: identitystore:ListUsers' } };
    });
    const result = await runOrganization(request(out, { source: source({ status: 'ok', data: ic }) }));
    expect(existsSync(join(result.packageDir, 'identity-center-access.csv'))).toBe(false);
    expect(result.warnings.join('\n')).toMatch(/IAM Identity Center was read in part \(identity store d-9067c4b1a9: AccessDeniedException/);
    expect(readFileSync(join(result.packageDir, 'report.html'), 'utf8')).toContain('identity store d-9067c4b1a9: AccessDeniedException: not authorized to perform: identitystore:ListUsers');
  });

  it('lays out people × accounts in report.html and identity-center-access.csv, names escaped and cells neutralised, no script', async () => {
    const out = tempDir('org-ic-report');
    const ic = identityCenter((d) => {
      const store = d.instances[0]!.identityStore;
      if (store.status !== 'ok') throw new Error('unreachable');
      // Names people choose: markup and a would-be formula.
      store.data.users.find((u) => u.userName === 'gkim')!.displayName = '<img src=x onerror=alert(1)>';
      store.data.users.find((u) => u.userName === 'hpatel')!.userName = '=HYPERLINK("http://evil.example","x")';
    });
    const result = await runOrganization(request(out, { source: source({ status: 'ok', data: ic }) }));
    const csv = parse(readFileSync(join(result.packageDir, 'identity-center-access.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    const row = (user: string, account: string, set: string) => csv.filter((r) => r['User Name'] === user && r['Account ID'] === account && r['Permission Set'] === set);
    expect(Object.keys(csv[0]!)).toEqual(['User Name', 'Display Name', 'User ID', 'Account ID', 'Account Name', 'Permission Set', 'Assigned', 'Groups', 'Administrator', 'Permission Set ARN', 'Instance ARN']);
    // One row per person × account × permission set over the whole organization, the management account and the unreachable legacy account included.
    expect(csv).toHaveLength(14);
    expect(row('\'=HYPERLINK("http://evil.example","x")', STRONG, 'AdministratorAccess')).toMatchObject([{ Assigned: 'directly', Groups: '', Administrator: 'yes', 'Account Name': 'clinic-prod' }]);
    expect(row('gkim', WEAK, 'AdministratorAccess')).toMatchObject([{ Assigned: 'through groups', Groups: 'IT-Operations', Administrator: 'yes' }]);
    expect(row('gkim', WEAK, 'GameDayFleet')).toMatchObject([{ Administrator: 'no' }]);
    expect(row('jreyes', MANAGEMENT, 'AdministratorAccess')).toMatchObject([{ Assigned: 'directly', Administrator: 'yes' }]);
    // The legacy account was not read: its customer managed policy is unknown, never "not administrator".
    expect(row('ichen', UNREACHABLE, 'ClinicalReadOnly')).toMatchObject([{ Groups: 'Compliance', Administrator: 'unknown (a policy could not be read)' }]);
    expect(csv.every((r) => Object.values(r).every((v) => !/^[=+\-@]/.test(v)))).toBe(true);

    const html = readFileSync(join(result.packageDir, 'report.html'), 'utf8');
    const section = html.slice(html.indexOf('<section id="identity-center"'), html.indexOf('</section>', html.indexOf('<section id="identity-center"')));
    expect(section).toContain('<h2>IAM Identity Center: people × accounts</h2>');
    expect(section).toContain('7 person(s) reach 4 account(s)');
    for (const account of [MANAGEMENT, STRONG, WEAK, UNREACHABLE]) expect(section).toContain(`<th>${account}<br>`);
    expect(section).toContain('<th scope="row">gkim (&lt;img src=x onerror=alert(1)&gt;)</th>');
    expect(section).toContain('AdministratorAccess <strong class="admin">admin</strong>');
    expect(section).not.toContain('<img');
    expect(html).not.toMatch(/<script/i);
    // The row of a person holds their sets in each account's column, the accounts by id (the management account 444455556666 last).
    const jreyes = section.slice(section.indexOf('<th scope="row">jreyes (Jorge Reyes)</th>'));
    expect(jreyes.slice(0, jreyes.indexOf('</tr>'))).toBe(
      '<th scope="row">jreyes (Jorge Reyes)</th><td>' + ['', '', '', `<span class="ps" title="direct">AdministratorAccess <strong class="admin">admin</strong></span>`].join('</td><td>') + '</td>',
    );
    expect(readdirSync(result.packageDir)).toContain('identity-center-access.csv');
    expect(verifyPackage(result.packageDir).ok).toBe(true);
  });

  it('judges a permission set’s administrator access with the account’s own customer managed policies when the run read it', async () => {
    const out = tempDir('org-ic-admin');
    const ic = identityCenter((d) => {
      const sets = d.instances[0]!.permissionSets;
      if (sets.status !== 'ok') throw new Error('unreachable');
      // The demo accounts hold ehr-read-only (read only): judged there, it is no administrator access.
      sets.data.find((ps) => ps.name === 'ClinicalReadOnly')!.customerManagedPolicies = [{ name: 'ehr-read-only', path: '/' }];
      sets.data.find((ps) => ps.name === 'ClinicalReadOnly')!.permissionsBoundary = null;
      // Everything but S3 leaves IAM administration in reach: administrator access, as IAM-014 judges it.
      sets.data.find((ps) => ps.name === 'GameDayFleet')!.inlinePolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotAction: 's3:*', Resource: '*' }] };
    });
    const result = await runOrganization(request(out, { source: source({ status: 'ok', data: ic }) }));
    const csv = parse(readFileSync(join(result.packageDir, 'identity-center-access.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    const admin = (account: string) => [...new Set(csv.filter((r) => r['Permission Set'] === 'ClinicalReadOnly' && r['Account ID'] === account).map((r) => r.Administrator))];
    expect(admin(STRONG)).toEqual(['no']);
    expect(admin(UNREACHABLE)).toEqual(['unknown (a policy could not be read)']);
    expect([...new Set(csv.filter((r) => r['Permission Set'] === 'GameDayFleet').map((r) => r.Administrator))]).toEqual(['yes']);
  });
});

describe('the saved organization folder keeps IAM Identity Center', () => {
  it('round trip: organization.json holds the facts’ identityCenter and reads it back; each account file records it as read once for the organization', async () => {
    const dir = join(tempDir('org-ic-save'), 'saved');
    const ic = { status: 'ok' as const, data: identityCenter() };
    await saveOrganizationFolder(source(ic), dir);
    const saved = json(join(dir, 'organization.json')) as { facts: { identityCenter: unknown } };
    expect(saved.facts.identityCenter).toEqual(ic);
    const read = readOrganizationFolder(dir);
    expect(read.facts.identityCenter).toEqual(ic);
    // Judged from the folder as from the source.
    const { packageDir } = await runOrganization(request(tempDir('org-ic-save-run'), { source: read }));
    expect(readFindings(join(packageDir, WEAK)).findings.map((f) => f.message)).toContain(`GameDayFleet reaches ${WEAK}: gkim (Grace Kim), hpatel (Henry Patel)`);
  });

  it('a folder saved before Identity Center was read loads with the NotInSnapshot error, which makes its controls ERROR, never PASS', async () => {
    const dir = join(tempDir('org-ic-old'), 'saved');
    await saveOrganizationFolder(source({ status: 'ok', data: identityCenter() }), dir);
    const path = join(dir, 'organization.json');
    const saved = json(path) as { facts: Record<string, unknown> };
    delete saved.facts.identityCenter;
    writeFileSync(path, JSON.stringify(saved));
    const read = readOrganizationFolder(dir);
    expect(read.facts.identityCenter).toEqual({ status: 'error', error: { code: 'NotInSnapshot', message: 'this organization folder was saved before hipaa-iam read IAM Identity Center; collect again to judge it' } });
    const { packageDir } = await runOrganization(request(tempDir('org-ic-old-run'), { source: read }));
    expect(readFindings(join(packageDir, STRONG)).findings.filter((f) => f.controlId === whoReaches.meta.controlId).map((f) => [f.status, f.message.includes('NotInSnapshot')])).toEqual([['ERROR', true]]);
  });
});

describe('the demo organization (audit --demo --organization) has IAM Identity Center', () => {
  it('its facts hold the demo instance, reaching each member through other people and sets; report.html shows people × accounts', async () => {
    const demo = demoOrganization();
    expect(demo.facts.identityCenter.status).toBe('ok');
    const out = tempDir('org-ic-demo');
    const result = await runOrganization({ command: 'audit', checks: [...ALL_CHECKS, whoReaches], source: demo, outDir: out, failOn: 'low', colour: NO_COLOUR, startedAt: STARTED });
    const prod = '210987654321';
    const dev = '310987654321';
    const reach = (account: string) => readFindings(join(result.packageDir, account)).findings.filter((f) => f.controlId === whoReaches.meta.controlId).map((f) => f.message).sort();
    expect(reach(prod)).toEqual([
      `AdministratorAccess reaches ${prod}: hpatel (Henry Patel)`,
      `ClinicalReadOnly reaches ${prod}: anguyen (Dr. Alice Nguyen), bmartinez (Bob Martinez), cokafor (Carol Okafor), ichen (Ivy Chen)`,
      `ITOnCall reaches ${prod}: gkim (Grace Kim), hpatel (Henry Patel)`,
    ]);
    expect(reach(dev)).toEqual([`AdministratorAccess reaches ${dev}: gkim (Grace Kim), hpatel (Henry Patel)`, `GameDayFleet reaches ${dev}: gkim (Grace Kim), hpatel (Henry Patel)`]);
    const html = readFileSync(join(result.packageDir, 'report.html'), 'utf8');
    expect(html).toContain('<h2>IAM Identity Center: people × accounts</h2>');
    expect(html).toContain('<th>210987654321<br><span class="muted">clinic-prod</span></th>');
    expect(html).toContain('<th scope="row">hpatel (Henry Patel)</th>');
    const csv = parse(readFileSync(join(result.packageDir, 'identity-center-access.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(csv.filter((r) => r.Administrator === 'yes').map((r) => `${r['User Name']}@${r['Account ID']}`).sort()).toEqual([`gkim@${dev}`, `hpatel@${prod}`, `hpatel@${dev}`, 'jreyes@444455556666']);
    for (const account of [prod, dev]) {
      const run = json(join(result.packageDir, account, 'run.json')) as { sourcesNotRead?: { source: string }[] };
      expect(run.sourcesNotRead?.map((s) => s.source)).toContain('identityCenter');
    }
  });
});
