import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../src/checks/engine.js';
import adminAccess from '../../src/checks/least-privilege/admin-access.js';
import { InputError } from '../../src/errors.js';
import { DEFAULT_SETTINGS } from '../../src/settings.js';
import { importAwsCliExports } from '../../src/snapshot/import.js';
import type { Snapshot } from '../../src/snapshot/schema.js';

const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;
const CASES = join(FIXTURES, 'cases');
/** Three pages of authorization details and two of list-roles, made with the AWS CLI against moto (its README). */
const PAGES = join(FIXTURES, 'cli-pages');
const DETAILS = 'account-authorization-details';

function adminVerdicts(snapshot: Snapshot): Record<string, string> {
  return Object.fromEntries(runChecks([adminAccess], snapshot, DEFAULT_SETTINGS, new Date(snapshot.collectedAt)).map((f) => [f.resourceName, f.status]));
}

/** The cli-pages export in a temporary folder, changed by `edit` (file name → JSON, or null to remove). */
function pagesWith(edit: (json: (file: string) => Record<string, unknown>) => Record<string, Record<string, unknown> | null>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hipaa-iam-pages-'));
  cpSync(PAGES, dir, { recursive: true });
  const json = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
  for (const [file, value] of Object.entries(edit(json))) {
    if (value === null) rmSync(join(dir, file));
    else writeFileSync(join(dir, file), JSON.stringify(value, null, 4));
  }
  return dir;
}

function withoutNextToken(page: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(page).filter(([key]) => key !== 'NextToken'));
}

function refusal(dir: string): string {
  try {
    importAwsCliExports(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    const message = (error as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    return message;
  }
  throw new Error(`${dir} was imported, not refused`);
}

describe('a partial AWS CLI export is refused, never audited as if whole (the cases, read as they are)', () => {
  it.each([
    ['truncated-authorization-export/import', 'IsTruncated and Marker'],
    ['truncated-authorization-export/import-nexttoken', 'NextToken'],
    ['truncated-cli-export/truncated', 'NextToken'],
  ])('%s: one truncated page carrying %s', (folder, fields) => {
    expect(refusal(join(CASES, folder))).toBe(
      `${DETAILS}.json is a truncated page (it carries ${fields}): re-export without --max-items/--no-paginate (aws iam get-account-authorization-details --output json > ${DETAILS}.json), or add every page as ${DETAILS}-N.json`,
    );
  });

  it('truncated-cli-export/full, exported whole, gives admin-access FAIL for svc-c and svc-z', () => {
    const snapshot = importAwsCliExports(join(CASES, 'truncated-cli-export/full'));
    expect(adminVerdicts(snapshot)).toEqual({ apps: 'PASS', 'svc-a': 'PASS', 'svc-b': 'PASS', 'svc-c': 'FAIL', 'svc-z': 'FAIL' });
    expect(snapshot.origin.description).not.toContain('pages merged');
  });
});

describe('an export in several page files (account-authorization-details-N.json)', () => {
  it('merges the pages the CLI made with --max-items and --starting-token into one whole source', () => {
    const snapshot = importAwsCliExports(PAGES);
    const details = snapshot.sources.authorizationDetails;
    if (details.status !== 'ok') throw new Error('not read');
    expect(details.data.users.map((u) => u.name)).toEqual(['svc-a', 'svc-b', 'svc-c', 'svc-d', 'svc-z']);
    expect([details.data.groups.length, details.data.roles.length, details.data.policies.length]).toEqual([1, 2, 1]);
    // app-runner's session limit is on list-roles.json, ci-deployer's on list-roles-2.json.
    expect(Object.fromEntries(details.data.roles.map((r) => [r.name, r.maxSessionDuration]))).toEqual({ 'app-runner': 7200, 'ci-deployer': 3600 });
    // Users from pages 1 to 3 are judged together with the group and policy of page 1.
    expect(adminVerdicts(snapshot)).toEqual({ apps: 'PASS', 'svc-a': 'PASS', 'svc-b': 'PASS', 'svc-c': 'FAIL', 'svc-d': 'FAIL', 'svc-z': 'FAIL', 'app-runner': 'PASS', 'ci-deployer': 'FAIL' });
    expect(snapshot.origin.description).toBe(`AWS CLI exports in ${PAGES} (${DETAILS}: 3 pages merged; list-roles: 2 pages merged)`);
  });

  it('accepts page 1 named -1.json', () => {
    const dir = pagesWith((json) => ({ [`${DETAILS}-1.json`]: json(`${DETAILS}.json`), [`${DETAILS}.json`]: null }));
    const details = importAwsCliExports(dir).sources.authorizationDetails;
    expect(details.status === 'ok' && details.data.users.length).toBe(5);
  });

  it('keeps an entity found identically on two pages once: two overlapping exports of one moment lose nothing', () => {
    const dir = pagesWith((json) => {
      const page3 = json(`${DETAILS}-3.json`);
      const page1 = json(`${DETAILS}.json`);
      return { [`${DETAILS}-3.json`]: { ...page3, UserDetailList: [...(page3.UserDetailList as unknown[]), (page1.UserDetailList as unknown[])[0]] } };
    });
    const snapshot = importAwsCliExports(dir);
    expect(snapshot.sources.authorizationDetails.status === 'ok' && snapshot.sources.authorizationDetails.data.users.map((u) => u.name)).toEqual(['svc-a', 'svc-b', 'svc-c', 'svc-d', 'svc-z']);
    expect(snapshot.origin.description).toContain(`${DETAILS}: 3 pages merged, 1 identical duplicates kept once`);
  });

  it.each<[string, Parameters<typeof pagesWith>[0], RegExp]>([
    ['a middle page missing (numbering gap)', () => ({ [`${DETAILS}-2.json`]: null }), /^page 2 of account-authorization-details \(account-authorization-details-2\.json\) is missing beside account-authorization-details-3\.json: add it, or re-export whole/],
    ['page 1 missing', () => ({ [`${DETAILS}.json`]: null }), /^page 1 of account-authorization-details \(account-authorization-details\.json\) is missing/],
    ['the last page missing', () => ({ [`${DETAILS}-3.json`]: null }), /^account-authorization-details-2\.json, the last page, carries NextToken: the pages after it are missing/],
    [
      'a middle page missing and the rest renumbered (only the account summary can tell)',
      (json) => ({ [`${DETAILS}-2.json`]: json(`${DETAILS}-3.json`), [`${DETAILS}-3.json`]: null }),
      /^the 2 pages of account-authorization-details hold 3 users but account-summary\.json counts 5 \(Users\): a page is missing or the account changed between exports/,
    ],
    ['several pages without account-summary.json', () => ({ 'account-summary.json': null }), /^account-authorization-details in 3 pages can be checked for a missing page only against account-summary\.json: add it/],
    [
      'a middle page without a continuation (pages of two exports)',
      (json) => ({ [`${DETAILS}-2.json`]: withoutNextToken(json(`${DETAILS}-2.json`)) }),
      /^account-authorization-details-2\.json carries no NextToken \(nor IsTruncated\/Marker\), so it is a last page, yet account-authorization-details-3\.json follows it/,
    ],
    [
      'a user on two pages with different details',
      (json) => {
        const page1 = json(`${DETAILS}.json`);
        const page3 = json(`${DETAILS}-3.json`);
        const svcA = { ...(page1.UserDetailList as Record<string, unknown>[])[0], GroupList: [] };
        return { [`${DETAILS}-3.json`]: { ...page3, UserDetailList: [...(page3.UserDetailList as unknown[]), svcA] } };
      },
      /^user arn:aws:iam::123456789012:user\/svc-a differs between account-authorization-details\.json and account-authorization-details-3\.json: the pages are from different exports/,
    ],
    ['page 1 twice (.json and -1.json)', (json) => ({ [`${DETAILS}-1.json`]: json(`${DETAILS}.json`) }), /^account-authorization-details-1\.json and account-authorization-details\.json are both page 1/],
    ['a page file named outside the rule', (json) => ({ [`${DETAILS}-page4.json`]: json(`${DETAILS}-3.json`) }), /account-authorization-details-page4\.json fits no page name of account-authorization-details: name page 1 account-authorization-details\.json and page N account-authorization-details-N\.json/],
    ['list-roles with its last page missing', () => ({ 'list-roles-2.json': null }), /^list-roles\.json is a truncated page \(it carries NextToken\): re-export without --max-items\/--no-paginate \(aws iam list-roles --output json > list-roles\.json\), or add every page as list-roles-N\.json$/],
    [
      'list-roles pages that hold fewer roles than the account has (page 1 saved again as the last)',
      (json) => ({ 'list-roles-2.json': withoutNextToken(json('list-roles.json')) }),
      /^the 2 pages of list-roles hold 1 roles but account-summary\.json counts 2 \(Roles\)/,
    ],
    [
      'a truncated virtual-mfa-devices.json (--no-paginate)',
      () => ({ 'virtual-mfa-devices.json': { VirtualMFADevices: [], IsTruncated: true, Marker: 'AAEAAbcdef' } }),
      /^virtual-mfa-devices\.json is a truncated page \(it carries IsTruncated and Marker\): re-export without --max-items\/--no-paginate \(aws iam list-virtual-mfa-devices --output json > virtual-mfa-devices\.json\)$/,
    ],
    [
      'virtual-mfa-devices in pages (nothing counts virtual devices to check them against)',
      () => ({ 'virtual-mfa-devices.json': { VirtualMFADevices: [], NextToken: 'eyJ9' }, 'virtual-mfa-devices-2.json': { VirtualMFADevices: [] } }),
      /^virtual-mfa-devices in 2 pages cannot be checked for a missing page .*: re-export whole \(aws iam list-virtual-mfa-devices --output json > virtual-mfa-devices\.json\)$/,
    ],
  ])('refuses %s', (_label, edit, message) => {
    expect(refusal(pagesWith(edit))).toMatch(message);
  });

  it('refuses a page that is another export', () => {
    const dir = pagesWith(() => ({ [`${DETAILS}-3.json`]: { Roles: [] } }));
    expect(refusal(dir)).toMatch(/^account-authorization-details-3\.json: not the output of get-account-authorization-details/);
  });

  it('refuses a truncated list-roles.json even without the authorization details it serves', () => {
    const dir = pagesWith(() => ({ [`${DETAILS}.json`]: null, [`${DETAILS}-2.json`]: null, [`${DETAILS}-3.json`]: null, 'list-roles-2.json': null }));
    expect(refusal(dir)).toMatch(/^list-roles\.json is a truncated page/);
  });

  it('a whole export renamed page 1 of 1 is whole', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hipaa-iam-pages-'));
    cpSync(join(CASES, 'truncated-cli-export/full'), dir, { recursive: true });
    renameSync(join(dir, `${DETAILS}.json`), join(dir, `${DETAILS}-1.json`));
    expect(adminVerdicts(importAwsCliExports(dir))).toMatchObject({ 'svc-c': 'FAIL', 'svc-z': 'FAIL' });
  });
});
