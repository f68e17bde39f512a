import { AccessAnalyzerClient } from '@aws-sdk/client-accessanalyzer';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { STSClient } from '@aws-sdk/client-sts';
import { fromEnv, fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { resolveAwsProfile, type AwsProfile, type ServiceId } from './aws-profile.js';
import { resolveTimeouts, type LiveSourceOptions, type Timeouts } from './live-settings.js';

export interface AwsClients {
  iam: IAMClient;
  sts: STSClient;
  /** Global service: the region only picks the partition's endpoint. */
  organizations: OrganizationsClient;
  /** In the collection region, for DescribeRegions. */
  ec2: EC2Client;
  /** Regional services get a client per region, on the same credentials and retries; the caller destroys it. */
  cloudTrailIn: (region: string) => CloudTrailClient;
  accessAnalyzerIn: (region: string) => AccessAnalyzerClient;
  /** IAM Identity Center lives in one region (its instance's): sso-admin and identitystore are asked there. */
  ssoAdminIn: (region: string) => SSOAdminClient;
  identityStoreIn: (region: string) => IdentitystoreClient;
  /** The collection region. */
  region: string;
  /** The profile, region and endpoints the clients were made with (absent for clients made otherwise, as tests do). */
  profile?: AwsProfile;
}

/**
 * Adaptive retry backs off when IAM throttles, which large accounts meet; AWS_RETRY_MODE and
 * AWS_MAX_ATTEMPTS, or retry_mode and max_attempts in the profile, still win when a user sets them.
 */
function retryConfig(env: NodeJS.ProcessEnv, profile: AwsProfile) {
  return {
    ...(env.AWS_RETRY_MODE || profile.retrySettings.retryMode ? {} : { retryMode: 'adaptive' }),
    ...(env.AWS_MAX_ATTEMPTS || profile.retrySettings.maxAttempts ? {} : { maxAttempts: 8 }),
  };
}

/** One HTTP attempt's limits; throwOnRequestTimeout: without it the SDK only logs a warning when requestTimeout passes. */
export function requestHandlerFor(timeouts: Timeouts) {
  return { connectionTimeout: timeouts.connectMs, requestTimeout: timeouts.requestMs, throwOnRequestTimeout: true };
}

/**
 * What every client of a profile shares: the profile's name (so the SDK reads the rest of its
 * settings, use_fips_endpoint included), the region, the endpoint configured for the service.
 * The SDK's own lookup of configured endpoints is switched off: it reads AWS_PROFILE's profile,
 * not the client's, so with --profile it could pick another profile's endpoint_url; the lookup
 * done in resolveAwsProfile, for the right profile, takes its place.
 */
export function clientConfigFor(profile: AwsProfile, service: ServiceId, region: string = profile.region) {
  const endpoint = profile.endpoints[service];
  return { ...(profile.name !== undefined ? { profile: profile.name } : {}), region, ...(endpoint ? { endpoint } : {}), ignoreConfiguredEndpointUrls: true };
}

/**
 * The SDK's credential chain for the profile (fromNodeProviderChain: environment keys unless a
 * profile is named, then the profile's static keys, role_arn with source_profile or
 * credential_source, sso_session, credential_process, web identity, container and instance
 * roles). A role the profile assumes is assumed through STS in the profile's region and at the
 * STS endpoint the profile configures, so a GovCloud or local (moto) profile stays there.
 */
export function credentialsFor(profile: AwsProfile, requestHandler: ReturnType<typeof requestHandlerFor>, env: NodeJS.ProcessEnv = process.env): CredentialProvider {
  // The AWS CLI's order: keys in the environment win over AWS_PROFILE's credentials, and only
  // --profile wins over them. The SDK's chain prefers AWS_PROFILE, which would audit as another
  // identity (perhaps another account) than `aws` does with the same environment.
  if (profile.namedBy === 'AWS_PROFILE' && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) return fromEnv();
  return fromNodeProviderChain({
    ...(profile.name !== undefined ? { profile: profile.name } : {}),
    ...profile.files,
    clientConfig: { ...clientConfigFor(profile, 'STS'), requestHandler },
    // The chain's console warning when a profile and environment keys are both set: the choice is
    // made above, as the CLI makes it, and a cron job's --quiet stderr stays empty.
    logger: SILENT_LOGGER,
  });
}

/** A logger that drops what the SDK's credential chain would print with console.warn. */
const SILENT_LOGGER = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, trace: () => {} };

/**
 * Clients on the SDK's default credential chain (or a named profile: --profile, else
 * AWS_PROFILE), optionally through an assumed role (--role-arn). The profile's region and
 * endpoints come from resolveAwsProfile (an explicit --region wins, then AWS_REGION, then
 * AWS_DEFAULT_REGION, then the profile's region); AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>
 * win over the profile's endpoint_url as in the SDK. Every client shares one credentials
 * provider, so a role is assumed once. Throws InputError for a profile that cannot be read.
 */
export async function createAwsClients(options: LiveSourceOptions, env: NodeJS.ProcessEnv = process.env): Promise<AwsClients> {
  return clientsFor(await createAwsSession(options, env));
}

/**
 * What every client of a run is made from: the resolved profile, the caller's credentials (a
 * --role-arn already assumed through them), one HTTP attempt's limits and the environment (for
 * the retry settings). An organization run makes each member account's clients from it with
 * that account's own credentials (clientsFor), so the profile is read once.
 */
export interface AwsSession {
  profile: AwsProfile;
  credentials: CredentialProvider;
  requestHandler: ReturnType<typeof requestHandlerFor>;
  env: NodeJS.ProcessEnv;
}

/** The session createAwsClients makes its clients from; throws InputError for a profile that cannot be read. */
export async function createAwsSession(options: LiveSourceOptions, env: NodeJS.ProcessEnv = process.env): Promise<AwsSession> {
  const profile = await resolveAwsProfile(options, env);
  const timeouts = resolveTimeouts(options.timeouts, env);
  const requestHandler = requestHandlerFor(timeouts);
  let credentials: CredentialProvider = credentialsFor(profile, requestHandler, env);
  if (options.roleArn) {
    credentials = fromTemporaryCredentials({
      masterCredentials: credentials,
      params: {
        RoleArn: options.roleArn,
        RoleSessionName: 'hipaa-iam-audit',
        ...(options.externalId ? { ExternalId: options.externalId } : {}),
      },
      clientConfig: { ...clientConfigFor(profile, 'STS'), requestHandler },
    });
  }
  return { profile, credentials: shareCredentials(credentials), requestHandler, env };
}

/** A client's configuration in the session: the service's endpoint, the credentials given (default the session's), its retries. */
export function sessionClientConfig(session: AwsSession, service: ServiceId, credentials: CredentialProvider = session.credentials, clientRegion?: string) {
  return { ...clientConfigFor(session.profile, service, clientRegion), credentials, requestHandler: session.requestHandler, ...retryConfig(session.env, session.profile) };
}

/**
 * Every client of a collection, on `credentials` (default: the session's own). Each call makes
 * new clients, with their own retry and throttling state: an organization run gives each member
 * account its own, so one account's throttling slows only that account. The caller destroys them
 * (destroyClients).
 */
export function clientsFor(session: AwsSession, credentials: CredentialProvider = session.credentials): AwsClients {
  // IAM and Organizations are global; the region picks the partition, the STS endpoint, and
  // where enabled regions and CloudTrail trails are read.
  const config = (service: ServiceId, clientRegion?: string) => sessionClientConfig(session, service, credentials, clientRegion);
  return {
    iam: new IAMClient(config('IAM')),
    sts: new STSClient(config('STS')),
    organizations: new OrganizationsClient(config('Organizations')),
    ec2: new EC2Client(config('EC2')),
    cloudTrailIn: (clientRegion) => new CloudTrailClient(config('CloudTrail', clientRegion)),
    accessAnalyzerIn: (clientRegion) => new AccessAnalyzerClient(config('AccessAnalyzer', clientRegion)),
    ssoAdminIn: (clientRegion) => new SSOAdminClient(config('SSO Admin', clientRegion)),
    identityStoreIn: (clientRegion) => new IdentitystoreClient(config('identitystore', clientRegion)),
    region: session.profile.region,
    profile: session.profile,
  };
}

/** Closes the global clients' sockets (regional clients are destroyed by whoever made them, as collectLive does). */
export function destroyClients(clients: Pick<AwsClients, 'iam' | 'sts' | 'organizations' | 'ec2'>): void {
  for (const client of [clients.iam, clients.sts, clients.organizations, clients.ec2]) client.destroy();
}

export type CredentialProvider = ReturnType<typeof fromNodeProviderChain> | ReturnType<typeof fromTemporaryCredentials> | ReturnType<typeof fromEnv>;
type Credentials = Awaited<ReturnType<CredentialProvider>>;

/**
 * Each SDK client caches credentials only for itself, and fromTemporaryCredentials calls
 * AssumeRole on every ask: one cache for all clients keeps a run with a client per region to
 * one AssumeRole, refreshed five minutes before expiry.
 */
export function shareCredentials(provider: CredentialProvider): CredentialProvider {
  let pending: Promise<Credentials> | undefined;
  const fresh = (c: Credentials) => !c.expiration || c.expiration.getTime() - Date.now() > 5 * 60_000;
  return async (...args: Parameters<CredentialProvider>) => {
    if (pending) {
      // A failure is not kept: the next client asks again.
      const credentials = await pending.catch(() => undefined);
      if (credentials && fresh(credentials)) return credentials;
    }
    pending = provider(...args);
    return pending;
  };
}
