import type { NeededSources } from '../collect/live.js';
import type { LiveSourceOptions } from '../collect/live-settings.js';
import type { OrganizationSource } from './collection.js';

// Where the CLI gets an organization from: live (src/organization/collect-live.ts,
// loaded only by a live run, with the AWS SDK) or a saved folder (`--snapshot DIR`). The one
// place the CLI imports them from.
export { checkOrganizationSaveFolder, isOrganizationFolder, readOrganizationFolder, saveOrganizationFolder } from './folder.js';

/** What the CLI passes to the live collection (collect-live.ts OrganizationLiveOptions). */
export interface OrganizationLiveRequest {
  /** With --identity-center-region, the region of the organization's IAM Identity Center instance (default: the caller's region). */
  live: LiveSourceOptions & { identityCenterRegion?: string };
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
 * loaded here on demand so an offline run never loads the SDK.
 */
export async function collectOrganizationLive(options: OrganizationLiveRequest): Promise<OrganizationSource> {
  const { collectOrganizationLive: collect } = await import('./collect-live.js');
  return collect({ ...options, exclude: options.exclude ?? [] });
}
