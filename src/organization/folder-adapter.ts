import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EvidenceWriteError, InputError, errorMessage } from '../errors.js';
import { makeFolders, writeFileAtomically } from '../report/evidence-writer.js';
import { loadSnapshot } from '../snapshot/load.js';
import type { AccountOutcome, AccountSelection, OrganizationSource, SkippedAccount } from './collection.js';
import { organizationFactsSchema, type OrganizationAccount, type OrganizationFacts } from './facts.js';

// LOCAL ADAPTER, TO BE REPLACED AT MERGE by helper A's src/organization/folder.ts (the saved
// organization folder, with its full validation). It reads and writes the same format, so the
// organization run's CLI and tests work before the merge: DIR/<account-id>.json per collected
// account (the snapshot format of `collect --save FILE`) and DIR/organization.json, written
// last: { schemaVersion: 1, description, facts, selection, covered, skipped, outcomes:
// [{ accountId, kind: 'collected' } | { accountId, kind: 'unreachable', step, reason }] }.
// src/organization/sources.ts is the one place that imports it.

const ORGANIZATION_FILE = 'organization.json';

interface SavedOrganization {
  schemaVersion: 1;
  description: string;
  facts: OrganizationFacts;
  selection: AccountSelection;
  covered: OrganizationAccount[];
  skipped: SkippedAccount[];
  outcomes: ({ accountId: string; kind: 'collected' } | { accountId: string; kind: 'unreachable'; step: 'assume-role' | 'collect'; reason: string })[];
}

export function isOrganizationFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Saves a source as the folder above; refuses a folder that exists and is not empty (InputError). */
export async function saveOrganizationFolder(source: OrganizationSource, dir: string, progress: (message: string) => void = () => {}): Promise<{ collected: number; unreachable: number }> {
  if (existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length > 0)) throw new InputError(`--save ${dir} is not a new or empty folder; nothing was collected or written`);
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
  const saved: SavedOrganization = { schemaVersion: 1, description: source.description, facts: source.facts, selection: source.selection, covered: source.covered, skipped: source.skipped, outcomes };
  writeFileAtomically(join(dir, ORGANIZATION_FILE), `${JSON.stringify(saved, null, 2)}\n`);
  return { collected: outcomes.filter((o) => o.kind === 'collected').length, unreachable: outcomes.filter((o) => o.kind === 'unreachable').length };
}

/** A saved organization as an OrganizationSource, each snapshot loaded only when reached. InputError (exit 2) for a folder that is not one. */
export function readOrganizationFolder(dir: string): OrganizationSource {
  const path = join(dir, ORGANIZATION_FILE);
  if (!existsSync(path)) throw new InputError(`${dir} holds no ${ORGANIZATION_FILE}: it is not a folder saved by \`hipaa-iam collect --organization --save\`, or that save did not finish (collect again)`);
  let saved: SavedOrganization;
  try {
    saved = JSON.parse(readFileSync(path, 'utf8')) as SavedOrganization;
    saved.facts = organizationFactsSchema.parse(saved.facts);
    if (!Array.isArray(saved.covered) || !Array.isArray(saved.outcomes) || !Array.isArray(saved.skipped)) throw new Error('covered, skipped or outcomes is missing');
  } catch (error) {
    throw new InputError(`${path} is not a valid saved organization (${errorMessage(error)}); collect again`);
  }
  const byId = new Map(saved.covered.map((account) => [account.id, account]));
  const outcomeOf = (outcome: SavedOrganization['outcomes'][number]): AccountOutcome => {
    const account = byId.get(outcome.accountId);
    if (!account) throw new InputError(`${path}: outcome for account ${outcome.accountId}, which the run does not cover`);
    if (outcome.kind === 'unreachable') return { account, kind: 'unreachable', step: outcome.step, reason: outcome.reason };
    return { account, kind: 'collected', snapshot: loadSnapshot(join(dir, `${outcome.accountId}.json`)) };
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
