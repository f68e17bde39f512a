import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';

export interface LiveSourceOptions {
  profile?: string;
  region?: string;
  roleArn?: string;
  externalId?: string;
}

export interface AwsClients {
  iam: IAMClient;
  sts: STSClient;
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
 * assumed role. AWS_ENDPOINT_URL (and AWS_ENDPOINT_URL_IAM / _STS) are honoured by the SDK.
 */
export function createAwsClients(options: LiveSourceOptions, env: NodeJS.ProcessEnv = process.env): AwsClients {
  // IAM is global; the region only picks the partition and the STS endpoint.
  const region = options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  let credentials: ReturnType<typeof fromNodeProviderChain> | ReturnType<typeof fromTemporaryCredentials> = fromNodeProviderChain(options.profile ? { profile: options.profile } : {});
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
  return {
    iam: new IAMClient({ region, credentials, ...retryConfig(env) }),
    sts: new STSClient({ region, credentials, ...retryConfig(env) }),
    region,
  };
}
