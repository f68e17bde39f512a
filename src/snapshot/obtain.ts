import type { AwsProfile } from '../collect/aws-profile.js';
import type { NeededSources } from '../collect/live.js';
import { COLLECTION_SERVICES, describeEndpoints, type LiveSourceOptions } from '../collect/live-settings.js';
import { CollectionError, InputError } from '../errors.js';
import { withoutUrlCredentials } from '../url-credentials.js';
import { NOT_COLLECTED, resolveAccountId } from './build.js';
import { crossCheckSources } from './cross-check.js';
import { exportedFileNames } from './import-files.js';
import { importAwsCliExports, type ImportAsOf } from './import.js';
import { DEMO_SNAPSHOT_PATH, loadSnapshot } from './load.js';
import { SOURCE_LABELS, SOURCE_NAMES, type Snapshot } from './schema.js';

export type SourceSelection =
  | { kind: 'live'; live: LiveSourceOptions }
  | { kind: 'snapshot'; path: string }
  | { kind: 'import'; dir: string; /** --as-of: when the exports were taken. */ asOf?: ImportAsOf }
  | { kind: 'demo' };

/**
 * The one place a run gets its snapshot, whichever source the user chose. Sources that
 * disagree with each other are ERROR here (crossCheckSources), saved snapshots included. A
 * collection that read nothing, or cannot tell which account it read, is refused here, before
 * anything is written: an import without any AWS CLI export is an InputError (2); a live
 * collection or an import of exports that name no single 12-digit account is a CollectionError (3).
 * `needed` narrows a live collection to the sources a command's checks need (sourcesNeeded in
 * src/checks/sources-needed.ts); the others are recorded as NotCollected, never read. Saved
 * snapshots, imports and the demo hold what they hold: nothing is taken out of them.
 */
export async function obtainSnapshot(selection: SourceSelection, progress: (message: string) => void, needed?: NeededSources): Promise<Snapshot> {
  return crossCheckSources(await readSnapshot(selection, progress, needed));
}

async function readSnapshot(selection: SourceSelection, progress: (message: string) => void, needed: NeededSources | undefined): Promise<Snapshot> {
  switch (selection.kind) {
    case 'snapshot':
      return refuseMisfiled(loadSnapshot(selection.path), `snapshot ${selection.path}`);
    case 'import': {
      const snapshot = importAwsCliExports(selection.dir, new Date(), { asOf: selection.asOf });
      // A folder without a single export is a mistyped path, not an account with nothing in it.
      if (SOURCE_NAMES.every((name) => snapshot.sources[name].status === 'error' && snapshot.sources[name].error.code === 'NotInImport')) {
        throw new InputError(`no AWS CLI exports found in ${selection.dir}: expected some of ${exportedFileNames().join(', ')} (examples/export-account.sh, or hipaa-iam export-script, writes them all); nothing was written`);
      }
      return refuseUnfiled(snapshot, `the AWS CLI exports in ${selection.dir}`);
    }
    case 'demo':
      return loadSnapshot(DEMO_SNAPSHOT_PATH);
    case 'live': {
      // The SDK (six clients, most of a second and over 100 MiB) is loaded only by a live run.
      const [{ createAwsClients }, { collectLive }] = await Promise.all([import('../collect/aws-clients.js'), import('../collect/live.js')]);
      const clients = await createAwsClients(selection.live);
      const description = liveDescription(clients.profile!, selection.live.roleArn);
      return refuseUnfiled(await collectLive({ clients, description, progress, regions: selection.live.regions, identityCenterRegion: selection.live.identityCenterRegion, ...(needed ? { needed } : {}) }), description);
    }
  }
}

/**
 * A saved snapshot is filed under its accountId: refused (exit 3, nothing written) when its own
 * sources name another account or several, which an edited accountId would otherwise hide.
 */
export function refuseMisfiled(snapshot: Snapshot, from: string): Snapshot {
  const resolved = resolveAccountId(snapshot.sources);
  if ('problem' in resolved) {
    // Sources that name no account (all failed) leave the snapshot's own id, already checked to be 12 digits.
    if (/name \d+ accounts|12 digits/.test(resolved.problem)) throw new CollectionError(`cannot tell which account ${from} is about, so nothing was written: ${resolved.problem}`);
    return snapshot;
  }
  if (resolved.accountId !== snapshot.accountId) {
    throw new CollectionError(`${from} says it is account ${snapshot.accountId}, but its sources name ${resolved.accountId}, so nothing was written: file it under the account it read`);
  }
  return snapshot;
}

/**
 * How run.json and the terminal name a live source: the profile and who named it, the role,
 * and the endpoint(s) the environment or the profile gave, without a password or token the
 * URL may carry (it is recorded in run.json and the report).
 */
export function liveDescription(profile: AwsProfile, roleArn?: string): string {
  const endpoints = describeEndpoints(profile, COLLECTION_SERVICES);
  const where = [
    profile.namedBy === '--profile' ? `profile ${profile.name}` : profile.namedBy === 'AWS_PROFILE' ? `profile ${profile.name} (AWS_PROFILE)` : 'default credential chain',
    roleArn ? `role ${roleArn}` : null,
    endpoints ? withoutUrlCredentials(endpoints) : null,
  ].filter(Boolean);
  return `live AWS (${where.join(', ')})`;
}

/** Evidence is filed under its account: a snapshot that cannot be filed so is no run at all. */
export function refuseUnfiled(snapshot: Snapshot, from: string): Snapshot {
  // A source the run did not need was not read: it is neither a failure nor a success.
  const read = SOURCE_NAMES.map((name) => [name, snapshot.sources[name]] as const).filter(([, s]) => s.status === 'ok' || s.error.code !== NOT_COLLECTED);
  const failed = read.filter(([, s]) => s.status === 'error');
  if (failed.length === read.length && failed.length > 0) {
    // An import never records the caller (NotInImport) and a source not needed is NotCollected:
    // neither says why nothing could be read, so the first other failure is named.
    const [name, first] = failed.find(([, s]) => s.status === 'error' && s.error.code !== 'NotInImport' && s.error.code !== NOT_COLLECTED) ?? failed[0]!;
    const why = first.status === 'error' ? `${first.error.code}: ${first.error.message}` : '';
    throw new CollectionError(`nothing could be read from ${from}, so nothing was written: ${SOURCE_LABELS[name]}: ${why}`);
  }
  const resolved = resolveAccountId(snapshot.sources);
  if ('problem' in resolved) throw new CollectionError(`cannot tell which account was read from ${from}, so nothing was written: ${resolved.problem}`);
  return snapshot;
}
