import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { CollectionError, EvidenceWriteError, InputError, errorMessage } from '../errors.js';
import { makeFolders, writeFileAtomically } from '../report/evidence-writer.js';
import { ACCOUNT_ID } from '../snapshot/build.js';
import { crossCheckSources } from '../snapshot/cross-check.js';
import { loadSnapshot } from '../snapshot/load.js';
import { refuseMisfiled } from '../snapshot/obtain.js';
import { describeZodError } from '../snapshot/zod-issue.js';
import type { AccountOutcome, OrganizationSource } from './collection.js';
import { organizationAccountSchema, organizationFactsSchema, ORGANIZATION_FACTS_SCHEMA_VERSION, type OrganizationAccount } from './facts.js';

// `collect --organization --save DIR`, read back by `--snapshot DIR`: DIR/<account-id>.json per
// collected account, in the snapshot format of `collect --save FILE`, each written as it
// arrives, and DIR/organization.json written last, so a folder without it is an unfinished save.

/** The file that makes a folder a saved organization, and is written only once every account is. */
export const ORGANIZATION_FILE = 'organization.json';

export const ORGANIZATION_FOLDER_SCHEMA_VERSION = 1;

const savedOutcomeSchema = z.discriminatedUnion('kind', [
  /** The account's snapshot is `<accountId>.json` beside organization.json. */
  z.object({ accountId: z.string().regex(ACCOUNT_ID), kind: z.literal('collected') }),
  z.object({ accountId: z.string().regex(ACCOUNT_ID), kind: z.literal('unreachable'), step: z.enum(['assume-role', 'collect']), reason: z.string() }),
]);

/** organization.json: the facts, the selection, what was covered and skipped, and each covered account's outcome. */
export const savedOrganizationSchema = z.object({
  schemaVersion: z.literal(ORGANIZATION_FOLDER_SCHEMA_VERSION),
  description: z.string(),
  facts: organizationFactsSchema,
  selection: z.object({
    accounts: z.array(z.string()).nullable(),
    ous: z.array(z.string()).nullable(),
    exclude: z.array(z.string()),
    roleName: z.string(),
    externalId: z.boolean(),
  }),
  covered: z.array(organizationAccountSchema),
  skipped: z.array(z.object({ account: organizationAccountSchema, why: z.string() })),
  /** In the order the accounts finished; one per covered account. */
  outcomes: z.array(savedOutcomeSchema),
});

export type SavedOrganization = z.infer<typeof savedOrganizationSchema>;

/** Whether `path` is a folder (a saved organization, or meant as one), so `--snapshot PATH` reads it with readOrganizationFolder rather than as one snapshot file. */
export function isOrganizationFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Refuses, before anything is collected, a DIR that `collect --organization --save DIR` must not
 * write into: one that exists and is not an empty folder (a save never overwrites or mixes with
 * another). @throws InputError (exit 2)
 */
export function checkOrganizationSaveFolder(dir: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new InputError(`--save ${dir} is a file; an organization is saved to a folder (new or empty); nothing was collected or written`);
  if (readdirSync(dir).length > 0) throw new InputError(`--save ${dir} is a folder that is not empty; name a new or empty folder, so no earlier save is overwritten or mixed in; nothing was collected or written`);
}

/**
 * Saves an organization source to `dir` (created if missing; refused if not empty):
 * `<account-id>.json` per collected account as each arrives (the snapshot format of `collect
 * --save`; memory holds one snapshot at a time), then `organization.json` (facts, selection,
 * covered, skipped, every outcome with its reason) last, by an atomic rename, so a folder
 * without it is never read as complete.
 * @returns the accounts saved and those unreachable.
 * @throws InputError (exit 2) for a folder that is a file or not empty; EvidenceWriteError (exit 3) when a file cannot be written.
 */
export async function saveOrganizationFolder(source: OrganizationSource, dir: string, progress: (message: string) => void = () => {}): Promise<{ collected: number; unreachable: number }> {
  checkOrganizationSaveFolder(dir);
  try {
    makeFolders(dir);
  } catch (error) {
    throw new EvidenceWriteError(`cannot create the folder ${dir}: ${errorMessage(error)}`);
  }
  const outcomes: SavedOrganization['outcomes'] = [];
  for await (const outcome of source.outcomes) {
    if (outcome.kind === 'collected') {
      writeFileAtomically(join(dir, `${outcome.account.id}.json`), `${JSON.stringify(outcome.snapshot, null, 2)}\n`);
      outcomes.push({ accountId: outcome.account.id, kind: 'collected' });
      progress(`account ${outcome.account.id}: saved`);
    } else {
      outcomes.push({ accountId: outcome.account.id, kind: 'unreachable', step: outcome.step, reason: outcome.reason });
      progress(`account ${outcome.account.id}: unreachable (${outcome.step}): ${outcome.reason}`);
    }
  }
  const saved: SavedOrganization = {
    schemaVersion: ORGANIZATION_FOLDER_SCHEMA_VERSION,
    description: source.description,
    facts: source.facts,
    selection: source.selection,
    covered: source.covered,
    skipped: source.skipped,
    outcomes,
  };
  writeFileAtomically(join(dir, ORGANIZATION_FILE), `${JSON.stringify(saved, null, 2)}\n`);
  return { collected: outcomes.filter((o) => o.kind === 'collected').length, unreachable: outcomes.filter((o) => o.kind === 'unreachable').length };
}

/**
 * A saved organization (saveOrganizationFolder) as an OrganizationSource. organization.json is
 * validated whole here (zod, and: one outcome per covered account, each collected account's
 * file present); each snapshot is loaded only when `outcomes` reaches it, one at a time, with
 * loadSnapshot, refused if filed under another account than its sources name, and cross-checked
 * (crossCheckSources), as `--snapshot FILE` is.
 * @throws InputError (exit 2, one line naming the file) for a folder without organization.json,
 *   an organization.json that is not valid, or a collected account whose file is missing; while
 *   iterating, InputError for an account file that is not a valid snapshot of that account.
 */
export function readOrganizationFolder(dir: string): OrganizationSource {
  const path = join(dir, ORGANIZATION_FILE);
  if (!existsSync(path)) {
    throw new InputError(`${dir} holds no ${ORGANIZATION_FILE}: it is not a folder saved by \`hipaa-iam collect --organization --save\`, or that save did not finish (collect again)`);
  }
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InputError(`${path} is not valid JSON (${errorMessage(error)}): the saved organization is damaged; collect again`);
  }
  const version = (value as { schemaVersion?: unknown; facts?: { schemaVersion?: unknown } } | null) ?? {};
  if (typeof version.schemaVersion === 'number' && version.schemaVersion > ORGANIZATION_FOLDER_SCHEMA_VERSION) {
    throw new InputError(`${path} has schemaVersion ${version.schemaVersion}; this hipaa-iam reads up to ${ORGANIZATION_FOLDER_SCHEMA_VERSION} (upgrade hipaa-iam)`);
  }
  if (typeof version.facts?.schemaVersion === 'number' && version.facts.schemaVersion > ORGANIZATION_FACTS_SCHEMA_VERSION) {
    throw new InputError(`${path} has facts of schemaVersion ${version.facts.schemaVersion}; this hipaa-iam reads up to ${ORGANIZATION_FACTS_SCHEMA_VERSION} (upgrade hipaa-iam)`);
  }
  const parsed = savedOrganizationSchema.safeParse(value);
  if (!parsed.success) throw new InputError(`${path} is not a valid saved organization${describeZodError(parsed.error)}`);
  const saved = parsed.data;

  const coveredById = new Map(saved.covered.map((account) => [account.id, account]));
  const seen = new Set<string>();
  for (const outcome of saved.outcomes) {
    if (!coveredById.has(outcome.accountId)) throw new InputError(`${path}: outcome for account ${outcome.accountId}, which the run does not cover`);
    if (seen.has(outcome.accountId)) throw new InputError(`${path}: two outcomes for account ${outcome.accountId}`);
    seen.add(outcome.accountId);
    if (outcome.kind === 'collected' && !existsSync(join(dir, `${outcome.accountId}.json`))) {
      throw new InputError(`${path} lists account ${outcome.accountId} as collected, but ${join(dir, `${outcome.accountId}.json`)} is missing: the saved organization is incomplete; collect again`);
    }
  }
  const missing = saved.covered.filter((account) => !seen.has(account.id)).map((account) => account.id);
  if (missing.length > 0) throw new InputError(`${path} covers ${missing.join(', ')} without an outcome for ${missing.length === 1 ? 'it' : 'them'}: the saved organization is incomplete; collect again`);

  const outcomeOf = (outcome: SavedOrganization['outcomes'][number]): AccountOutcome => {
    const account: OrganizationAccount = coveredById.get(outcome.accountId)!;
    if (outcome.kind === 'unreachable') return { account, kind: 'unreachable', step: outcome.step, reason: outcome.reason };
    const file = join(dir, `${outcome.accountId}.json`);
    const snapshot = loadSnapshot(file);
    if (snapshot.accountId !== account.id) throw new InputError(`snapshot ${file} is of account ${snapshot.accountId}, not ${account.id}: the saved organization is damaged; collect again`);
    try {
      return { account, kind: 'collected', snapshot: crossCheckSources(refuseMisfiled(snapshot, `snapshot ${file}`)) };
    } catch (error) {
      // A file whose sources name another account was edited or misplaced: the user's to fix, as a bad file is.
      if (error instanceof CollectionError) throw new InputError(error.message);
      throw error;
    }
  };
  return {
    facts: saved.facts,
    selection: saved.selection,
    covered: saved.covered,
    skipped: saved.skipped,
    description: `saved organization ${dir} (${saved.description})`,
    outcomes: {
      async *[Symbol.asyncIterator]() {
        for (const outcome of saved.outcomes) yield outcomeOf(outcome);
      },
    },
  };
}
