import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { OrganizationContext } from '../../src/organization/facts.js';
import { peopleAccess } from '../../src/identity-center/people-access.js';
import { roleHolders } from '../../src/identity-center/role-holders.js';
import { accessReviewCsv } from '../../src/report/access-review-csv.js';
import { DEFAULT_SETTINGS } from '../../src/settings.js';
import type { Snapshot } from '../../src/snapshot/schema.js';
import { ADMINISTRATOR_ACCESS, instance, INSTANCE_ARN, identityStore, permissionSet, readIdentityCenter, ssoRole, toGroup, toUser } from '../support/identity-center-snapshot.js';
import { organizationContext, organizationFacts, orgAccount, MANAGEMENT, unreadable } from '../support/organization.js';
import { ACCOUNT, customerPolicy, NOW, snapshotWith } from '../support/snapshot.js';

const OTHER = '444455556666';
// jdoe: admin directly and read-only through Clinicians; asmith: read-only through Clinicians and Compliance,
// and GameLift in another account; =cmd: a user name a spreadsheet would run; nobody: no assignment.
const STORE = identityStore(
  { u1: ['jdoe', 'Jane Doe'], u2: ['asmith', null], u3: ['=cmd|calc', 'Eve'], u4: ['nobody', 'No Access'] },
  { g1: 'Clinicians', g2: 'Compliance' },
  { g1: ['u1', 'u2', 'u3'], g2: ['u2'] },
);
const ADMIN = permissionSet('AdministratorAccess', { awsManagedPolicies: [{ name: 'AdministratorAccess', arn: ADMINISTRATOR_ACCESS }], accounts: [ACCOUNT], assignments: [toUser('u1')] });
const READ = permissionSet('ClinicalReadOnly', {
  inlinePolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 'dynamodb:GetItem', 'cloudwatch:GetMetricData'], Resource: '*' }] },
  accounts: [ACCOUNT],
  assignments: [toGroup('g1'), toGroup('g2')],
});
const GAME = permissionSet('GameDay', { inlinePolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'gamelift:*', Resource: '*' }] }, accounts: [OTHER], assignments: [toUser('u2', OTHER)] });
// A customer managed reference resolves in each account: in ours it is read, in OTHER it cannot be.
const CUSTOM = permissionSet('Custom', { customerManagedPolicies: [{ name: 'custom-read', path: '/' }], accounts: [ACCOUNT, OTHER], assignments: [toUser('u2'), toUser('u2', OTHER)] });

function snapshot(patch: (s: Snapshot) => void = (s) => readIdentityCenter(s, instance([ADMIN, READ, GAME, CUSTOM], STORE))): Snapshot {
  return snapshotWith((s) => {
    s.sources.authorizationDetails = { status: 'ok', data: { users: [], groups: [], roles: [], policies: [customerPolicy('custom-read', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'athena:GetQueryResults', Resource: '*' }] })] } };
    patch(s);
  });
}

function sheet(s: Snapshot, organization: OrganizationContext | null = null): Record<string, string>[] {
  const csv = accessReviewCsv(s, [], { people: peopleAccess(s, organization, DEFAULT_SETTINGS, NOW), roleHolders: roleHolders(s, organization) });
  return parse(csv, { columns: true }) as Record<string, string>[];
}
const people = (rows: Record<string, string>[]) => rows.filter((r) => r['Access Kind'] === 'Identity Center person');
const key = (r: Record<string, string>) => `${r['Principal Type']} ${r.Name} ${r.Account} ${r['Permission Set']} [${r.Groups}]`;

describe('access-review.csv: a row per person × account × permission set of IAM Identity Center', () => {
  it('lists every person with account access, by account, permission set and person, with the groups the access comes through', () => {
    expect(people(sheet(snapshot())).map(key)).toEqual([
      `person jdoe ${ACCOUNT} AdministratorAccess [direct]`,
      // Neutralised as every cell of the sheet: a spreadsheet shows it as text, never runs it.
      `person '=cmd|calc ${ACCOUNT} ClinicalReadOnly [Clinicians]`,
      `person asmith ${ACCOUNT} ClinicalReadOnly [Clinicians; Compliance]`,
      `person jdoe ${ACCOUNT} ClinicalReadOnly [Clinicians]`,
      `person asmith ${ACCOUNT} Custom [direct]`,
      `person asmith ${OTHER} Custom [direct]`,
      `person asmith ${OTHER} GameDay [direct]`,
    ]);
  });

  it('says what each permission set grants there: administrator, services, ePHI and non-eligible services', () => {
    const rows = people(sheet(snapshot()));
    const of = (name: string, set: string, account = ACCOUNT) => rows.find((r) => r.Name === name && r['Permission Set'] === set && r.Account === account);
    expect(of('jdoe', 'AdministratorAccess')).toMatchObject({
      'Display Name': 'Jane Doe', ARN: ADMIN.arn, Policies: 'AdministratorAccess', Administrator: 'yes', 'Services Reachable': '*', 'ePHI Services Reachable': '*', 'Non-Eligible Services Reachable': '*', 'Permissions Boundary': 'none', 'Manager Approval': '',
    });
    expect(of('asmith', 'ClinicalReadOnly')).toMatchObject({ 'Display Name': '', Policies: 'AwsSSOInlinePolicy (inline)', Administrator: 'no', 'Services Reachable': 'cloudwatch dynamodb s3', 'ePHI Services Reachable': 'dynamodb s3', 'Non-Eligible Services Reachable': '' });
    expect(of('asmith', 'GameDay', OTHER)).toMatchObject({ Administrator: 'no', 'Services Reachable': 'gamelift', 'Non-Eligible Services Reachable': 'gamelift' });
    // In this account the customer managed policy is read; in one the run did not read, it is unknown, never "no".
    expect(of('asmith', 'Custom')).toMatchObject({ Policies: 'custom-read (customer managed)', Administrator: 'no', 'Services Reachable': 'athena', 'ePHI Services Reachable': 'athena' });
    expect(of('asmith', 'Custom', OTHER)).toMatchObject({ Administrator: expect.stringMatching(/^unknown: .*custom-read.* could not be read$/), 'Services Reachable': 'unknown', 'Non-Eligible Services Reachable': 'unknown' });
  });

  it('in an organization run lists only who reaches the member at hand', () => {
    const facts = organizationFacts((f) => {
      f.accounts = { status: 'ok', data: [orgAccount(MANAGEMENT), orgAccount(ACCOUNT), orgAccount(OTHER)] };
      f.identityCenter = { status: 'ok', data: { region: 'us-east-1', instances: [instance([ADMIN, READ, GAME, CUSTOM], STORE)] } };
    });
    const member = snapshot((s) => {
      s.sources.identityCenter = unreadable('NotCollected', 'read once for the organization');
    });
    expect(people(sheet(member, organizationContext(facts))).map((r) => r.Account)).toEqual(Array(5).fill(ACCOUNT));
  });

  it('keeps the IAM principals, each saying its kind, and names the permission set of an AWSReservedSSO_* role', () => {
    const s = snapshot((x) => {
      readIdentityCenter(x, instance([ADMIN], STORE));
      if (x.sources.authorizationDetails.status === 'ok') x.sources.authorizationDetails.data.roles = [ssoRole('AdministratorAccess')];
    });
    expect(sheet(s).map((r) => [r['Access Kind'], r['Principal Type'], r['Permission Set'], r.Account])).toEqual([
      ['IAM principal', 'role', 'AdministratorAccess', ACCOUNT],
      ['Identity Center person', 'person', 'AdministratorAccess', ACCOUNT],
    ]);
  });

  it.each<[string, (s: Snapshot) => void, RegExp]>([
    ['Identity Center was not read', (s) => { s.sources.identityCenter = unreadable('AccessDenied', 'sso:ListInstances'); }, /^IAM Identity Center not read \(AccessDenied: sso:ListInstances\): the people who sign in through it are not listed$/],
    ['an identity store was not read', (s) => readIdentityCenter(s, instance([ADMIN], STORE, { identityStore: unreadable('AccessDenied', 'identitystore:ListUsers') })), /^IAM Identity Center: the identity store d-1111222233 of .* could not be read/],
    ['the permission sets were not read', (s) => readIdentityCenter(s, instance([], STORE, { permissionSets: unreadable('ThrottlingException', 'rate exceeded') })), new RegExp(`^IAM Identity Center: the permission sets of ${INSTANCE_ARN} \\(ThrottlingException: rate exceeded\\) could not be read`)],
    ['no instance read holds the set of an AWSReservedSSO_* role here', (s) => {
      readIdentityCenter(s);
      if (s.sources.authorizationDetails.status === 'ok') s.sources.authorizationDetails.data.roles = [ssoRole('Ops')];
    }, /^role AWSReservedSSO_Ops_0123456789abcdef \(IAM Identity Center permission set Ops; holders unknown: no IAM Identity Center instance was read in us-east-1\): the people who hold it are not listed$/],
  ])('says so in a row of its own when %s', (_label, patch, message) => {
    const errors = sheet(snapshot(patch)).filter((r) => r['Principal Type'] === 'ERROR');
    expect(errors.map((r) => [r['Access Kind'], r.Name])).toEqual([['Identity Center person', expect.stringMatching(message)]]);
  });

  it('lists nobody, and says nothing is missing, when no instance is visible and no role shows one', () => {
    expect(sheet(snapshot((s) => readIdentityCenter(s)))).toEqual([]);
  });
});
