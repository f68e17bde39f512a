import { existsSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import type { AccountOutcome } from '../../src/organization/collection.js';
import { isOrganizationFolder, ORGANIZATION_FILE, readOrganizationFolder, saveOrganizationFolder } from '../../src/organization/folder.js';
import { crossCheckSources } from '../../src/snapshot/cross-check.js';
import { tempDir } from '../support/cli.js';
import { account, MANAGEMENT, PHI, PROD, ROOT, snapshotOf, sourceOf } from './collect-fixtures.js';

const PROD_ID = '222222222222';
const DEV_ID = '333333333333';
const SANDBOX_ID = '444444444444';
const CLOSED_ID = '555555555555';

const accounts = [
  account(MANAGEMENT, 'management'),
  account(PROD_ID, 'clinic-prod', [ROOT, PHI, PROD]),
  account(DEV_ID, 'clinic-dev', [ROOT, PHI]),
  account(SANDBOX_ID, 'sandbox'),
  account(CLOSED_ID, 'closed', [ROOT], 'SUSPENDED'),
];
const byId = (id: string) => accounts.find((a) => a.id === id)!;
const outcomes: AccountOutcome[] = [
  { account: byId(PROD_ID), kind: 'collected', snapshot: crossCheckSources(snapshotOf(PROD_ID, 14)) },
  { account: byId(SANDBOX_ID), kind: 'unreachable', step: 'assume-role', reason: 'AccessDenied: User: arn:aws:iam::111111111111:user/org-auditor is not authorized to perform: sts:AssumeRole' },
  { account: byId(MANAGEMENT), kind: 'collected', snapshot: crossCheckSources(snapshotOf(MANAGEMENT, 12)) },
  { account: byId(DEV_ID), kind: 'collected', snapshot: crossCheckSources(snapshotOf(DEV_ID, 6)) },
];

const folders: string[] = [];
const newFolder = () => {
  const parent = tempDir('org-folder');
  folders.push(parent);
  return join(parent, 'saved');
};
afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const readAll = async (dir: string) => {
  const read = readOrganizationFolder(dir);
  const all: AccountOutcome[] = [];
  for await (const outcome of read.outcomes) all.push(outcome);
  return { read, all };
};

describe('the saved organization folder (collect --organization --save DIR, --snapshot DIR)', () => {
  it('round trip: the same facts, selection, covered, skipped and outcomes, each snapshot as it was', async () => {
    const dir = newFolder();
    const source = sourceOf(accounts, outcomes);
    expect(await saveOrganizationFolder(source, dir)).toEqual({ collected: 3, unreachable: 1 });
    expect(isOrganizationFolder(dir)).toBe(true);
    expect(existsSync(join(dir, `${SANDBOX_ID}.json`))).toBe(false);
    expect(existsSync(join(dir, `${CLOSED_ID}.json`))).toBe(false);

    const { read, all } = await readAll(dir);
    expect(read.facts).toEqual(source.facts);
    expect(read.selection).toEqual(source.selection);
    expect(read.covered).toEqual(source.covered);
    expect(read.skipped).toEqual([{ account: byId(CLOSED_ID), why: 'status SUSPENDED: only ACTIVE accounts are audited' }]);
    expect(read.description).toContain(dir);
    expect(all).toEqual(outcomes);
  });

  it('each account file is the plain snapshot format, readable alone', async () => {
    const dir = newFolder();
    await saveOrganizationFolder(sourceOf(accounts, outcomes), dir);
    const saved = JSON.parse(readFileSync(join(dir, `${DEV_ID}.json`), 'utf8')) as { accountId: string };
    expect(saved.accountId).toBe(DEV_ID);
    expect(isOrganizationFolder(join(dir, `${DEV_ID}.json`))).toBe(false);
  });

  it('organization.json is written last: a save that stops midway leaves a folder that is refused', async () => {
    const dir = newFolder();
    const source = sourceOf(accounts, outcomes);
    const failing = {
      ...source,
      outcomes: {
        async *[Symbol.asyncIterator]() {
          yield outcomes[0]!;
          throw new Error('interrupted');
        },
      },
    };
    await expect(saveOrganizationFolder(failing, dir)).rejects.toThrow('interrupted');
    expect(existsSync(join(dir, `${PROD_ID}.json`))).toBe(true);
    expect(existsSync(join(dir, ORGANIZATION_FILE))).toBe(false);
    expect(() => readOrganizationFolder(dir)).toThrow(InputError);
    expect(() => readOrganizationFolder(dir)).toThrow(/holds no organization\.json.*did not finish/);
  });

  it('a truncated organization.json is one InputError naming the file', async () => {
    const dir = newFolder();
    await saveOrganizationFolder(sourceOf(accounts, outcomes), dir);
    const path = join(dir, ORGANIZATION_FILE);
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.slice(0, Math.floor(text.length / 2)));
    expect(() => readOrganizationFolder(dir)).toThrow(InputError);
    expect(() => readOrganizationFolder(dir)).toThrow(`${path} is not valid JSON`);
  });

  it('an organization.json that parses but is not one (a part missing) is an InputError saying where', async () => {
    const dir = newFolder();
    await saveOrganizationFolder(sourceOf(accounts, outcomes), dir);
    const path = join(dir, ORGANIZATION_FILE);
    const value = JSON.parse(readFileSync(path, 'utf8')) as { facts: Record<string, unknown> };
    delete value.facts.scps;
    writeFileSync(path, JSON.stringify(value));
    expect(() => readOrganizationFolder(dir)).toThrow(/is not a valid saved organization at facts\.scps/);
  });

  it('a collected account whose file is missing is an InputError before any account is read', async () => {
    const dir = newFolder();
    await saveOrganizationFolder(sourceOf(accounts, outcomes), dir);
    unlinkSync(join(dir, `${DEV_ID}.json`));
    expect(() => readOrganizationFolder(dir)).toThrow(InputError);
    expect(() => readOrganizationFolder(dir)).toThrow(`lists account ${DEV_ID} as collected, but ${join(dir, `${DEV_ID}.json`)} is missing`);
  });

  it('an account file that is not a valid snapshot, or is another account’s, is an InputError when reached', async () => {
    const dir = newFolder();
    await saveOrganizationFolder(sourceOf(accounts, outcomes), dir);
    writeFileSync(join(dir, `${DEV_ID}.json`), '{"schemaVersion": 2, "accountId": "333333333333"');
    await expect(readAll(dir)).rejects.toThrow(InputError);
    writeFileSync(join(dir, `${DEV_ID}.json`), JSON.stringify(snapshotOf(PROD_ID, 6)));
    await expect(readAll(dir)).rejects.toThrow(`is of account ${PROD_ID}, not ${DEV_ID}`);
  });

  it('a covered account without an outcome is an InputError: the save is incomplete', async () => {
    const dir = newFolder();
    await saveOrganizationFolder(sourceOf(accounts, outcomes), dir);
    const path = join(dir, ORGANIZATION_FILE);
    const value = JSON.parse(readFileSync(path, 'utf8')) as { outcomes: { accountId: string }[] };
    value.outcomes = value.outcomes.filter((o) => o.accountId !== SANDBOX_ID);
    writeFileSync(path, JSON.stringify(value));
    expect(() => readOrganizationFolder(dir)).toThrow(`covers ${SANDBOX_ID} without an outcome`);
  });

  it('never writes into a folder that is not empty, nor over a file', async () => {
    const dir = newFolder();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'notes.txt'), 'keep me');
    await expect(saveOrganizationFolder(sourceOf(accounts, outcomes), dir)).rejects.toThrow(/not empty/);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('keep me');
    expect(existsSync(join(dir, ORGANIZATION_FILE))).toBe(false);
    await expect(saveOrganizationFolder(sourceOf(accounts, outcomes), join(dir, 'notes.txt'))).rejects.toThrow(/is a file/);
  });

  it('isOrganizationFolder tells a folder from a file or nothing', () => {
    expect(isOrganizationFolder(join(newFolder(), 'absent'))).toBe(false);
  });
});
