import { AccessAnalyzerClient } from '@aws-sdk/client-accessanalyzer';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';
import { fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';

export interface LiveSourceOptions {
  profile?: string;
  region?: string;
  roleArn?: string;
  externalId?: string;
  /** Regions to look for Access Analyzer in; default: every region enabled for the account. */
  regions?: string[];
}

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
  /** The collection region. */
  region: string;
}

/**
 * Adaptive retry backs off when IAM throttles, which large accounts meet; AWS_RETRY_MODE and
 * AWS_MAX_ATTEMPTS still win when a user sets them.
 */
function retryConfig(env: NodeJS.ProcessEnv) {
  return {
    ...(env.AWS_RETRY_MODE ? {} : { retryMode: 'adaptive' }),
    ...(env.AWS_MAX_ATTEMPTS ? {} : { maxAttempts: 8 }),
  };
}

/**
 * Clients on the SDK's default credential chain (or a named profile), optionally through an
 * assumed role. AWS_ENDPOINT_URL (and AWS_ENDPOINT_URL_IAM / _STS / ...) are honoured by the SDK.
 * Every client shares one credentials provider, so a role is assumed once.
 */
export function createAwsClients(options: LiveSourceOptions, env: NodeJS.ProcessEnv = process.env): AwsClients {
  // IAM and Organizations are global; the region picks the partition, the STS endpoint, and
  // where enabled regions and CloudTrail trails are read.
  const region = options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  let credentials: CredentialProvider = fromNodeProviderChain(options.profile ? { profile: options.profile } : {});
  if (options.roleArn) {
    credentials = fromTemporaryCredentials({
      masterCredentials: credentials,
      params: {
        RoleArn: options.roleArn,
        RoleSessionName: 'hipaa-iam-audit',
        ...(options.externalId ? { ExternalId: options.externalId } : {}),
      },
      clientConfig: { region },
    });
  }
  const shared = shareCredentials(credentials);
  const config = (clientRegion: string) => ({ region: clientRegion, credentials: shared, ...retryConfig(env) });
  return {
    iam: new IAMClient(config(region)),
    sts: new STSClient(config(region)),
    organizations: new OrganizationsClient(config(region)),
    ec2: new EC2Client(config(region)),
    cloudTrailIn: (clientRegion) => new CloudTrailClient(config(clientRegion)),
    accessAnalyzerIn: (clientRegion) => new AccessAnalyzerClient(config(clientRegion)),
    region,
  };
}

export type CredentialProvider = ReturnType<typeof fromNodeProviderChain> | ReturnType<typeof fromTemporaryCredentials>;
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
