import { describe, expect, it } from 'vitest';
import { peopleAccess, type PeopleAccess } from '../../src/identity-center/people-access.js';
import type { HtmlReportInput } from '../../src/report/evidence-types.js';
import { htmlReport } from '../../src/report/html-report.js';
import type { RunInfo } from '../../src/report/run-info.js';
import { DEFAULT_SETTINGS } from '../../src/settings.js';
import { ADMINISTRATOR_ACCESS, instance, identityStore, permissionSet, readIdentityCenter, toGroup, toUser } from '../support/identity-center-snapshot.js';
import { unreadable } from '../support/organization.js';
import { ACCOUNT, NOW, snapshotWith } from '../support/snapshot.js';

const HOSTILE = '<script>alert(1)</script>';
const OTHER = '444455556666';

const RUN: RunInfo = {
  tool: { name: 'hipaa-iam', version: 'test' },
  command: 'audit',
  scope: 'full',
  accountId: ACCOUNT,
  caller: null,
  source: { kind: 'demo', description: 'unit test' },
  snapshotCollectedAt: NOW.toISOString(),
  startedAt: NOW.toISOString(),
  finishedAt: NOW.toISOString(),
  controls: [],
  statusCounts: {},
  collection: { startedAt: NOW.toISOString(), finishedAt: NOW.toISOString(), calls: {} },
  sourceErrors: [],
};
const report = (people?: PeopleAccess) => htmlReport({ run: RUN, controls: [], findings: [], matrix: [], register: [], trend: [], ...(people ? { people } : {}) } satisfies HtmlReportInput);

/** The people section's HTML, from its heading to its end. */
function section(html: string): string {
  const start = html.indexOf('<section id="people"');
  return start === -1 ? '' : html.slice(start, html.indexOf('</section>', start) + '</section>'.length);
}

const STORE = identityStore({ u1: ['jdoe', 'Jane Doe'], u2: [HOSTILE, null], u3: ['idle', null] }, { g1: 'Night & Day' }, { g1: ['u1', 'u2'] });
const ADMIN = permissionSet('AdministratorAccess', { awsManagedPolicies: [{ name: 'AdministratorAccess', arn: ADMINISTRATOR_ACCESS }], accounts: [ACCOUNT], assignments: [toUser('u1')] });
const READ = permissionSet('ReadOnly', { inlinePolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }, accounts: [ACCOUNT, OTHER], assignments: [toGroup('g1'), toUser('u2', OTHER)] });

function people(patch: Parameters<typeof snapshotWith>[0] = (s) => readIdentityCenter(s, instance([ADMIN, READ], STORE))): PeopleAccess {
  return peopleAccess(snapshotWith(patch), null, DEFAULT_SETTINGS, NOW);
}

describe('report.html: People × accounts', () => {
  it('has a row per person and a column per account, the permission sets in the cells, administrator sets marked', () => {
    const html = section(report(people()));
    expect(html).toContain('<h2>People × accounts</h2>');
    expect(html).toContain(`<th scope="col">Account ${ACCOUNT}</th><th scope="col">Account ${OTHER}</th>`);
    const rows = [...html.matchAll(/<tr><th scope="row">(.*?)<\/th>(.*?)<\/tr>/g)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual([
      // Sorted by person; a name is escaped like every input.
      ['&lt;script&gt;alert(1)&lt;/script&gt;', '<td>ReadOnly <span class="muted">via Night &amp; Day</span></td><td>ReadOnly <span class="muted">direct</span></td>'],
      ['jdoe (Jane Doe)', '<td><strong class="admin-set">AdministratorAccess</strong> <span class="admin-mark">(admin)</span> <span class="muted">direct</span><br>ReadOnly <span class="muted">via Night &amp; Day</span></td><td></td>'],
    ]);
    // Someone assigned nothing is nobody's row.
    expect(html).not.toContain('idle');
    expect(html).not.toContain('<script>alert');
  });

  it('is linked from the contents, and absent when the run has no people to show', () => {
    expect(report(people())).toContain('<li><a href="#people">People × accounts</a></li>');
    expect(report()).not.toContain('id="people"');
    expect(report()).not.toContain('href="#people"');
  });

  it('says why nobody is listed when IAM Identity Center, a store or permission sets could not be read', () => {
    expect(section(report(people((s) => { s.sources.identityCenter = unreadable('AccessDenied', 'sso:ListInstances'); })))).toContain('<div class="source-errors">IAM Identity Center not read (AccessDenied: sso:ListInstances): nobody who signs in through it can be listed.</div>');
    const partial = section(report(people((s) => readIdentityCenter(s, instance([ADMIN], STORE, { identityStore: unreadable('AccessDenied', 'identitystore:ListUsers') })))));
    expect(partial).toMatch(/<strong>Not read<\/strong>, so not everyone is listed:<ul><li>the identity store d-1111222233 of .*AccessDenied: identitystore:ListUsers\)<\/li><\/ul>/);
    expect(section(report(people((s) => readIdentityCenter(s))))).toContain('<p>No one signs in through IAM Identity Center to the accounts of this run.</p>');
  });

  it('lists each person\'s accounts in one cell when there are too many accounts for columns', () => {
    const accounts = Array.from({ length: 9 }, (_, i) => `10000000000${i}`);
    const wide = permissionSet('ReadOnly', { accounts, assignments: accounts.map((a) => toUser('u1', a)) });
    const html = section(report(people((s) => readIdentityCenter(s, instance([wide], STORE)))));
    expect(html).toContain('<th scope="col">Accounts and permission sets</th>');
    expect(html).toContain(`<code>100000000000</code>: ReadOnly <span class="muted">direct</span><br><code>100000000001</code>`);
  });
});
