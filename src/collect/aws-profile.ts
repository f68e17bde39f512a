import { booleanSelector, CONFIG_PREFIX_SEPARATOR, loadConfig, loadSharedConfigFiles, NODE_REGION_CONFIG_FILE_OPTIONS, NODE_REGION_CONFIG_OPTIONS, SelectorType, type ParsedIniData, type Profile } from '@smithy/core/config';
import { join } from 'node:path';
import { InputError } from '../errors.js';

/**
 * The services hipaa-iam calls, by the SDK's serviceId: it names the environment variable
 * (AWS_ENDPOINT_URL_<ID>, spaces as underscores, upper case) and the key of a `[services NAME]`
 * section (`<id> =` then `endpoint_url = ...`, lower case), as the SDKs' "service-specific
 * endpoints" feature defines them.
 */
export const SERVICE_IDS = ['IAM', 'STS', 'Organizations', 'EC2', 'CloudTrail', 'AccessAnalyzer', 'KMS', 'SSO Admin', 'identitystore'] as const;
export type ServiceId = (typeof SERVICE_IDS)[number];

/** Where the region came from, in the order they win (the AWS CLI's: an explicit flag, the environment, the profile). */
export type RegionSource = '--region' | 'AWS_REGION' | 'AWS_DEFAULT_REGION' | 'profile' | 'default';

/** What the shared config files and the environment say for a live run, before any client exists. */
export interface AwsProfile {
  /** The profile named by --profile, else AWS_PROFILE; undefined: the SDK's `default` profile and credential chain. */
  name: string | undefined;
  /** How the profile was named, for the run's description. */
  namedBy: '--profile' | 'AWS_PROFILE' | null;
  /** The region every global client uses; it also fixes the partition (us-gov-west-1 → aws-us-gov, iam.us-gov.amazonaws.com). */
  region: string;
  regionSource: RegionSource;
  /**
   * The endpoint configured for each service, as the SDK would pick it: AWS_ENDPOINT_URL_<ID>,
   * then AWS_ENDPOINT_URL, then the profile's `[services]` entry for the service, then the
   * profile's `endpoint_url`; none when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS or the profile's
   * ignore_configured_endpoint_urls is true. Absent: the SDK's own endpoint for the region.
   */
  endpoints: Partial<Record<ServiceId, string>>;
  /** max_attempts / retry_mode set in the profile (they then win over hipaa-iam's defaults, as the environment's do). */
  retrySettings: { maxAttempts: boolean; retryMode: boolean };
  /** The shared files the SDK reads, when the environment names them (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, else $HOME/.aws/...). */
  files: { configFilepath?: string; filepath?: string };
}

/**
 * Resolves a live run's profile as the AWS CLI reads it, through the SDK's own config loader
 * (@smithy/core/config loadConfig over the parsed shared files): the region is --region, else
 * AWS_REGION, else AWS_DEFAULT_REGION, else the profile's `region` (config or credentials
 * file), else us-east-1; the endpoints are described at AwsProfile.endpoints. Credentials are
 * not read here: the SDK's provider chain reads role_arn/source_profile, sso_session and
 * credential_process from the same profile (credentialsFor in aws-clients.ts).
 *
 * Throws InputError (exit 2) when a profile is named that neither file holds, when its
 * `services` section is missing, or when a setting it holds is malformed.
 */
export async function resolveAwsProfile(options: { profile?: string; region?: string }, env: NodeJS.ProcessEnv = process.env): Promise<AwsProfile> {
  const name = options.profile ?? nonEmpty(env.AWS_PROFILE);
  const namedBy = options.profile !== undefined ? '--profile' : name !== undefined ? 'AWS_PROFILE' : null;
  const files = sharedFiles(env);
  const loaderInit = { ...files, profile: name ?? 'default', ignoreCache: true };
  const { configFile, credentialsFile } = await loadSharedConfigFiles(loaderInit);
  const section = name ?? 'default';
  if (name !== undefined && !configFile[section] && !credentialsFile[section]) {
    throw new InputError(`the AWS profile ${JSON.stringify(name)} (${namedBy}) is in neither ${files.configFilepath ?? '~/.aws/config'} nor ${files.filepath ?? '~/.aws/credentials'}; name a profile those files hold (aws configure list-profiles)`);
  }
  const profile: Profile = { ...credentialsFile[section], ...configFile[section] };
  refuseBrokenCredentialSettings(section, configFile, credentialsFile, files.configFilepath ?? '~/.aws/config');
  const fromFiles = <T>(configFileSelector: (profile: Profile, file?: ParsedIniData) => T | undefined, preferCredentials = false) =>
    loadConfig<T | undefined>(
      { environmentVariableSelector: () => undefined, configFileSelector, default: () => undefined },
      { ...loaderInit, ...(preferCredentials ? NODE_REGION_CONFIG_FILE_OPTIONS : {}) },
    )().catch((error: unknown) => {
      throw new InputError(`the AWS profile ${JSON.stringify(section)}: ${(error as Error).message}`);
    });

  const profileRegion = await fromFiles(NODE_REGION_CONFIG_OPTIONS.configFileSelector, true);
  const [region, regionSource]: [string, RegionSource] = options.region
    ? [options.region, '--region']
    : nonEmpty(env.AWS_REGION)
      ? [env.AWS_REGION!, 'AWS_REGION']
      : nonEmpty(env.AWS_DEFAULT_REGION)
        ? [env.AWS_DEFAULT_REGION!, 'AWS_DEFAULT_REGION']
        : profileRegion
          ? [profileRegion, 'profile']
          : ['us-east-1', 'default'];

  const endpoints: Partial<Record<ServiceId, string>> = {};
  const ignore = envFlag(env, 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS') ?? (await fromFiles((p) => booleanSelector(p, 'ignore_configured_endpoint_urls', SelectorType.CONFIG)));
  if (!ignore) {
    if (profile.services !== undefined && !configFile[['services', profile.services].join(CONFIG_PREFIX_SEPARATOR)]) {
      throw new InputError(`the AWS profile ${JSON.stringify(section)} names services = ${profile.services}, but ${files.configFilepath ?? '~/.aws/config'} has no [services ${profile.services}] section`);
    }
    for (const id of SERVICE_IDS) {
      const endpoint = endpointFromEnv(env, id) ?? (await fromFiles((p, file) => endpointFromProfile(p, file, id)));
      if (endpoint) endpoints[id] = endpoint;
    }
  }
  return {
    name,
    namedBy,
    region,
    regionSource,
    endpoints,
    retrySettings: { maxAttempts: profile.max_attempts !== undefined, retryMode: profile.retry_mode !== undefined },
    files,
  };
}

/** The shared files the environment names; undefined leaves the SDK's own default. */
function sharedFiles(env: NodeJS.ProcessEnv): AwsProfile['files'] {
  const home = nonEmpty(env.HOME);
  const configFilepath = nonEmpty(env.AWS_CONFIG_FILE) ?? (home ? join(home, '.aws', 'config') : undefined);
  const filepath = nonEmpty(env.AWS_SHARED_CREDENTIALS_FILE) ?? (home ? join(home, '.aws', 'credentials') : undefined);
  return { ...(configFilepath ? { configFilepath } : {}), ...(filepath ? { filepath } : {}) };
}

/** AWS_ENDPOINT_URL_<SERVICE ID> wins over AWS_ENDPOINT_URL (the SDK's own order). */
function endpointFromEnv(env: NodeJS.ProcessEnv, id: ServiceId): string | undefined {
  return nonEmpty(env[['AWS_ENDPOINT_URL', ...id.split(' ').map((w) => w.toUpperCase())].join('_')]) ?? nonEmpty(env.AWS_ENDPOINT_URL);
}

/** The profile's `[services NAME]` entry for the service wins over its own endpoint_url. */
function endpointFromProfile(profile: Profile, file: ParsedIniData | undefined, id: ServiceId): string | undefined {
  if (profile.services !== undefined) {
    const services = file?.[['services', profile.services].join(CONFIG_PREFIX_SEPARATOR)];
    const key = [id.split(' ').map((w) => w.toLowerCase()).join('_'), 'endpoint_url'].join(CONFIG_PREFIX_SEPARATOR);
    const endpoint = nonEmpty(services?.[key]);
    if (endpoint) return endpoint;
  }
  return nonEmpty(profile.endpoint_url);
}

function envFlag(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const value = nonEmpty(env[name]);
  if (value === undefined) return undefined;
  try {
    return booleanSelector({ [name]: value.toLowerCase() }, name, SelectorType.ENV);
  } catch (error) {
    throw new InputError(`${name}=${value}: ${(error as Error).message}`);
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * What the AWS CLI names before it calls anything, and the SDK's chain turns into a TypeError or
 * "Could not load credentials from any providers" (exit 3): an sso_session with no
 * [sso-session NAME] section, a source_profile no file holds, a loop of source_profiles.
 * @throws InputError (exit 2) naming the profile and the setting
 */
function refuseBrokenCredentialSettings(start: string, configFile: ParsedIniData, credentialsFile: ParsedIniData, configPath: string): void {
  const visited: string[] = [];
  for (let name: string | undefined = start; name !== undefined; ) {
    if (visited.includes(name)) throw new InputError(`the AWS profile ${JSON.stringify(start)}: its source_profile settings loop (${[...visited, name].join(' → ')}); point one of them at a profile with its own credentials`);
    visited.push(name);
    const profile: Profile = { ...credentialsFile[name], ...configFile[name] };
    if (profile.sso_session !== undefined && !configFile[['sso-session', profile.sso_session].join(CONFIG_PREFIX_SEPARATOR)]) {
      throw new InputError(`the AWS profile ${JSON.stringify(name)} names sso_session = ${profile.sso_session}, but ${configPath} has no [sso-session ${profile.sso_session}] section`);
    }
    const source = profile.role_arn !== undefined ? profile.source_profile : undefined;
    if (source !== undefined && source !== name && !configFile[source] && !credentialsFile[source]) {
      throw new InputError(`the AWS profile ${JSON.stringify(name)} names source_profile = ${source}, which neither shared file holds; name a profile those files hold (aws configure list-profiles)`);
    }
    // A profile that is its own source_profile uses its own static keys, as the CLI does.
    name = source !== undefined && source !== name ? source : undefined;
  }
}
