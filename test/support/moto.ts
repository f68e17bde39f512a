import { IAMClient } from '@aws-sdk/client-iam';
import { createAwsClients } from '../../src/collect/aws-clients.js';
import { collectLive } from '../../src/collect/live.js';
import type { Snapshot } from '../../src/snapshot/schema.js';
import { motoProbe, startMotoServer } from './moto-server.js';

/**
 * Live-path tests run the real SDK against moto. A machine without moto skips them, unless
 * HIPAA_IAM_REQUIRE_MOTO=1 (CI) makes its absence a failure.
 */
const probe = motoProbe();
export const motoInstalled = probe.installed;
export const motoRequired = process.env.HIPAA_IAM_REQUIRE_MOTO === '1';

if (!motoInstalled) {
  const why = `moto is not installed${probe.detail ? ` (${probe.detail})` : ''}`;
  if (motoRequired) throw new Error(`HIPAA_IAM_REQUIRE_MOTO=1 but ${why}; install it with: python3 -m pip install "moto[server]"`);
  console.warn(`\n⚠ ${why}: the live-path tests against moto are skipped (python3 -m pip install "moto[server]" to run them)\n`);
}

export interface Moto {
  endpoint: string;
  /** Environment for a child process or SDK client pointed at this moto. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startMoto(extraEnv: Record<string, string> = {}): Promise<Moto> {
  const { endpoint, stop } = await startMotoServer(extraEnv);
  return {
    endpoint,
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'us-east-1',
      // moto answers 500 to every Access Analyzer call: two attempts keep that from slowing each run.
      AWS_MAX_ATTEMPTS: '2',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    stop,
  };
}

/** moto's S3 needs no signature, only the service named in an Authorization header; the SDK for S3 is not a dependency. */
export async function createBucket(endpoint: string, bucket: string, region: string): Promise<void> {
  const response = await fetch(`${endpoint}/${bucket}`, {
    method: 'PUT',
    headers: { Authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${region}/s3/aws4_request, SignedHeaders=host, Signature=0` },
    body: region === 'us-east-1' ? undefined : `<CreateBucketConfiguration><LocationConstraint>${region}</LocationConstraint></CreateBucketConfiguration>`,
  });
  if (!response.ok) throw new Error(`moto refused bucket ${bucket}: ${response.status} ${await response.text()}`);
}

/**
 * A moto seeded by `seed`, then collected live by the real SDK with moto's endpoint and keys in
 * process.env (as a live run reads them). restore() puts the environment back and stops moto.
 */
export async function collectSeededMoto(
  seed: (iam: IAMClient) => Promise<void>,
  extraEnv: Record<string, string> = {},
): Promise<{ moto: Moto; snapshot: Snapshot; restore: () => Promise<void> }> {
  const moto = await startMoto(extraEnv);
  const saved: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(moto.env)) {
    saved[key] = process.env[key];
    process.env[key] = value;
  }
  const restore = async () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await moto.stop();
  };
  try {
    const iam = new IAMClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    await seed(iam);
    iam.destroy();
    const snapshot = await collectLive({ clients: await createAwsClients({ region: 'us-east-1' }, process.env), description: 'moto', regions: ['us-east-1'] });
    return { moto, snapshot, restore };
  } catch (error) {
    await restore();
    throw error;
  }
}
