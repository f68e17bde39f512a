import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { createPublicKey } from 'node:crypto';
import { CollectionError, InputError, errorMessage } from '../errors.js';
import { clientConfigFor, credentialsFor, requestHandlerFor } from '../collect/aws-clients.js';
import { resolveTimeouts } from '../collect/live-settings.js';
import { resolveAwsProfile } from '../collect/aws-profile.js';
import { keyFingerprint, signedMessage, SIGNING_ALGORITHMS, type ManifestSignature, type SigningAlgorithm, type TrustedKey } from './signature.js';
import { sha256 } from './manifest.js';

/**
 * A KMS client for the key that signs or verifies manifests, on the same profile resolution as
 * collection (resolveAwsProfile: --profile, else AWS_PROFILE; the profile's credentials,
 * role_arn/source_profile, sso_session and credential_process through the SDK's chain, its KMS
 * endpoint or endpoint_url). The region is the key ARN's; for a key id or alias, AWS_REGION,
 * AWS_DEFAULT_REGION, then the profile's region, then us-east-1. It is the evidence keeper's key,
 * so an audit's --role-arn is not assumed for it.
 */
async function kmsClient(keyId: string, profileName?: string, env: NodeJS.ProcessEnv = process.env): Promise<KMSClient> {
  const keyRegion = /^arn:aws[\w-]*:kms:([a-z0-9-]+):/.exec(keyId)?.[1];
  const profile = await resolveAwsProfile({ ...(profileName ? { profile: profileName } : {}), ...(keyRegion ? { region: keyRegion } : {}) }, env);
  const requestHandler = requestHandlerFor(resolveTimeouts({}, env));
  return new KMSClient({ ...clientConfigFor(profile, 'KMS'), credentials: credentialsFor(profile, requestHandler), requestHandler });
}

/** Signs manifest bytes; made by kmsSigner once the key is known to be usable. */
export type ManifestSigner = (manifestBytes: Buffer) => Promise<ManifestSignature>;

/**
 * Checks that KEY_ID is an asymmetric SIGN_VERIFY key with a SHA-256 signing algorithm (KMS
 * GetPublicKey: KeyUsage, SigningAlgorithms), before the audit collects anything, and returns
 * a signer that calls KMS Sign (MessageType RAW over the manifest's SHA-256 digest: see
 * ManifestSignature). Throws InputError (exit 2) when the key cannot be read or cannot sign so.
 */
export async function kmsSigner(keyId: string, profile?: string): Promise<ManifestSigner> {
  const client = await kmsClient(keyId, profile);
  let key: TrustedKey & { algorithm: SigningAlgorithm; arn: string };
  try {
    const answer = await client.send(new GetPublicKeyCommand({ KeyId: keyId }));
    if (answer.KeyUsage !== 'SIGN_VERIFY') throw new Error(`its KeyUsage is ${String(answer.KeyUsage)}, not SIGN_VERIFY`);
    const algorithm = SIGNING_ALGORITHMS.find((a) => answer.SigningAlgorithms?.includes(a));
    if (!algorithm) throw new Error(`it offers ${answer.SigningAlgorithms?.join(', ') ?? 'no signing algorithm'}, none of ${SIGNING_ALGORITHMS.join(', ')}`);
    if (!answer.PublicKey) throw new Error('GetPublicKey returned no public key');
    const publicKey = createPublicKey({ key: Buffer.from(answer.PublicKey), format: 'der', type: 'spki' });
    key = { publicKey, fingerprint: keyFingerprint(publicKey), source: 'KMS', algorithm, arn: answer.KeyId ?? keyId };
  } catch (error) {
    throw new InputError(`--sign-with-kms ${keyId}: the key cannot sign manifests (${errorMessage(error)}); give an asymmetric KMS key with KeyUsage SIGN_VERIFY (ECC_NIST_P256 or RSA) that your credentials may use`);
  }
  return async (manifestBytes) => {
    try {
      const answer = await client.send(new SignCommand({ KeyId: keyId, Message: signedMessage(manifestBytes), MessageType: 'RAW', SigningAlgorithm: key.algorithm }));
      if (!answer.Signature) throw new Error('KMS Sign returned no signature');
      return {
        schemaVersion: 1,
        keyId: answer.KeyId ?? key.arn,
        signingAlgorithm: key.algorithm,
        messageType: 'RAW',
        manifestSha256: sha256(manifestBytes),
        signature: Buffer.from(answer.Signature).toString('base64'),
        publicKeyFingerprint: key.fingerprint,
      };
    } catch (error) {
      throw new CollectionError(`KMS Sign with ${keyId} failed: ${errorMessage(error)}`);
    }
  };
}

/**
 * The public key of a KMS key the verifier names (KMS GetPublicKey, with the verifier's own
 * credentials): trusted as far as KMS is, never read from the folder being verified.
 * Throws InputError (exit 2) when it cannot be fetched.
 */
export async function kmsTrustedKey(keyId: string, profile?: string): Promise<TrustedKey> {
  try {
    const answer = await (await kmsClient(keyId, profile)).send(new GetPublicKeyCommand({ KeyId: keyId }));
    if (!answer.PublicKey) throw new Error('GetPublicKey returned no public key');
    const publicKey = createPublicKey({ key: Buffer.from(answer.PublicKey), format: 'der', type: 'spki' });
    return { publicKey, fingerprint: keyFingerprint(publicKey), source: `KMS GetPublicKey ${answer.KeyId ?? keyId}` };
  } catch (error) {
    throw new InputError(`--kms-key-id ${keyId}: its public key cannot be fetched (${errorMessage(error)}); check the key id and your credentials, or pin the key with --key-fingerprint and --public-key`);
  }
}
