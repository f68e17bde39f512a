import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const RUN_FOLDER = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z(-\d+)?$/;

/**
 * Start times of the completed runs of an account kept under `<out>/<account>/`: a run counts
 * when its folder holds a readable run.json (written last, inside the atomic rename).
 */
export function archivedRunTimes(outDir: string, accountId: string): string[] {
  const accountDir = join(outDir, accountId);
  if (!existsSync(accountDir)) return [];
  const times: string[] = [];
  for (const name of readdirSync(accountDir)) {
    if (!RUN_FOLDER.test(name)) continue;
    try {
      const run = JSON.parse(readFileSync(join(accountDir, name, 'run.json'), 'utf8')) as { startedAt?: unknown };
      if (typeof run.startedAt === 'string' && !Number.isNaN(Date.parse(run.startedAt))) times.push(run.startedAt);
    } catch {
      // An unreadable run is no evidence of a review.
    }
  }
  return times.sort();
}
