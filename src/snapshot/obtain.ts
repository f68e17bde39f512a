import { createAwsClients, type LiveSourceOptions } from '../collect/aws-clients.js';
import { collectLive } from '../collect/live.js';
import { crossCheckSources } from './cross-check.js';
import { importAwsCliExports } from './import.js';
import { DEMO_SNAPSHOT_PATH, loadSnapshot } from './load.js';
import type { Snapshot } from './schema.js';

export type SourceSelection =
  | { kind: 'live'; live: LiveSourceOptions }
  | { kind: 'snapshot'; path: string }
  | { kind: 'import'; dir: string }
  | { kind: 'demo' };

/**
 * The one place a run gets its snapshot, whichever source the user chose; sources that
 * disagree with each other are ERROR there (crossCheckSources), saved snapshots included.
 */
export async function obtainSnapshot(selection: SourceSelection, progress: (message: string) => void): Promise<Snapshot> {
  return crossCheckSources(await readSnapshot(selection, progress));
}

async function readSnapshot(selection: SourceSelection, progress: (message: string) => void): Promise<Snapshot> {
  switch (selection.kind) {
    case 'snapshot':
      return loadSnapshot(selection.path);
    case 'import':
      return importAwsCliExports(selection.dir);
    case 'demo':
      return loadSnapshot(DEMO_SNAPSHOT_PATH);
    case 'live': {
      const clients = createAwsClients(selection.live);
      const where = [
        selection.live.profile ? `profile ${selection.live.profile}` : 'default credential chain',
        selection.live.roleArn ? `role ${selection.live.roleArn}` : null,
        process.env.AWS_ENDPOINT_URL ? `endpoint ${process.env.AWS_ENDPOINT_URL}` : null,
      ].filter(Boolean);
      return collectLive({ clients, description: `live AWS (${where.join(', ')})`, progress, regions: selection.live.regions });
    }
  }
}
