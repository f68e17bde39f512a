import type { NeededSources } from '../collect/live.js';
import { InputError } from '../errors.js';
import type { LiveSourceOptions } from '../collect/live-settings.js';
import type { OrganizationSource } from './collection.js';

// Where the CLI gets an organization from: live (helper A's src/organization/collect-live.ts,
// loaded only by a live run, with the AWS SDK) or a saved folder (`--snapshot DIR`). The one
// place the CLI imports them from.
// AT MERGE: import from './folder.js' (helper A's) instead of './folder-adapter.js', and delete
// folder-adapter.ts; the names and the folder format are the same.
export { isOrganizationFolder, readOrganizationFolder, saveOrganizationFolder } from './folder-adapter.js';

/** What the CLI passes to the live collection (helper A's OrganizationLiveOptions). */
export interface OrganizationLiveRequest {
  live: LiveSourceOptions;
  roleName: string;
  externalId?: string;
  accounts?: string[];
  ous?: string[];
  exclude?: string[];
  concurrency: number;
  needed?: NeededSources;
  progress?: (message: string) => void;
}

/**
 * Reads the organization live through collectOrganizationLive (src/organization/collect-live.ts),
 * loaded here on demand so an offline run never loads the SDK. A build without it is told so
 * (InputError, exit 2) rather than failing with a stack trace.
 */
export async function collectOrganizationLive(options: OrganizationLiveRequest): Promise<OrganizationSource> {
  // A variable specifier: the module is another part of issue 13, typed here by the signature it exports.
  const specifier = './collect-live.js';
  let module: { collectOrganizationLive: (options: OrganizationLiveRequest & { exclude: string[] }) => Promise<OrganizationSource> };
  try {
    module = (await import(specifier)) as typeof module;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') throw new InputError('this build of hipaa-iam cannot read an organization live; audit a saved organization with --snapshot DIR');
    throw error;
  }
  return module.collectOrganizationLive({ ...options, exclude: options.exclude ?? [] });
}
