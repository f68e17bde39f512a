import { CreateKeyCommand, GetPublicKeyCommand, KMSClient, VerifyCommand } from '@aws-sdk/client-kms';
import { createHash, createPublicKey } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyFingerprint } from '../../src/report/signature.js';
import { hipaaIam, runFolders, tempDir } from '../support/cli.js';
import { motoInstalled, startMoto, type Moto } from '../support/moto.js';

const DEMO = '111122223333';

describe.skipIf(!motoInstalled)('--sign-with-kms on moto\'s KMS, verified against a key the verifier names', () => {
  let moto: Moto;
  let kms: KMSClient;
  const key = async (KeySpec: 'ECC_NIST_P256' | 'RSA_2048' | 'SYMMETRIC_DEFAULT') =>
    (await kms.send(new CreateKeyCommand({ KeySpec, KeyUsage: KeySpec === 'SYMMETRIC_DEFAULT' ? 'ENCRYPT_DECRYPT' : 'SIGN_VERIFY' }))).KeyMetadata!.Arn!;

  beforeAll(async () => {
    moto = await startMoto();
    kms = new KMSClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  }, 60_000);
  afterAll(async () => {
    await moto?.stop();
  });

  it('an ECC_NIST_P256 key signs each run (ECDSA_SHA_256); verify with --kms-key-id or the pinned fingerprint says valid, and KMS Verify agrees', async () => {
    const keyId = await key('ECC_NIST_P256');
    const out = tempDir('kms-ecc');
    for (let i = 0; i < 2; i += 1) expect(hipaaIam(['audit', '--demo', '--out', out, '--quiet', '--sign-with-kms', keyId], moto.env).status).toBe(1);
    const runs = runFolders(out, DEMO);
    const signature = JSON.parse(readFileSync(join(runs[1]!, 'manifest.sig.json'), 'utf8')) as { keyId: string; signingAlgorithm: string; signature: string; manifestSha256: string };
    expect(signature).toMatchObject({ keyId, signingAlgorithm: 'ECDSA_SHA_256' });

    const byKms = hipaaIam(['verify', runs[1]!, '--kms-key-id', keyId, '--require-signature'], moto.env);
    expect([byKms.status, byKms.stdout]).toEqual([0, expect.stringContaining('signature valid')]);
    expect(hipaaIam(['verify', '--chain', join(out, DEMO), '--kms-key-id', keyId, '--require-signature'], moto.env).status).toBe(0);

    const publicKey = createPublicKey({ key: Buffer.from((await kms.send(new GetPublicKeyCommand({ KeyId: keyId }))).PublicKey!), format: 'der', type: 'spki' });
    const pem = join(tempDir('kms-pem'), 'key.pem');
    writeFileSync(pem, publicKey.export({ type: 'spki', format: 'pem' }));
    expect(hipaaIam(['verify', runs[0]!, '--key-fingerprint', keyFingerprint(publicKey), '--public-key', pem, '--require-signature']).status).toBe(0);

    // KMS's own Verify of the same message (the manifest's SHA-256 digest, RAW) agrees with node:crypto.
    const digest = createHash('sha256').update(readFileSync(join(runs[1]!, 'manifest.json'))).digest();
    const verdict = await kms.send(new VerifyCommand({ KeyId: keyId, Message: digest, MessageType: 'RAW', Signature: Buffer.from(signature.signature, 'base64'), SigningAlgorithm: 'ECDSA_SHA_256' }));
    expect(verdict.SignatureValid).toBe(true);
  }, 120_000);

  it('an RSA_2048 key signs with RSASSA_PKCS1_V1_5_SHA_256, and a run verified against another KMS key fails', async () => {
    const keyId = await key('RSA_2048');
    const otherKey = await key('ECC_NIST_P256');
    const out = tempDir('kms-rsa');
    expect(hipaaIam(['audit', '--demo', '--out', out, '--quiet', '--sign-with-kms', keyId], moto.env).status).toBe(1);
    const [run] = runFolders(out, DEMO);
    expect(JSON.parse(readFileSync(join(run!, 'manifest.sig.json'), 'utf8'))).toMatchObject({ signingAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256' });
    expect(hipaaIam(['verify', run!, '--kms-key-id', keyId], moto.env).status).toBe(0);
    const wrong = hipaaIam(['verify', run!, '--kms-key-id', otherKey], moto.env);
    expect([wrong.status, wrong.stdout]).toEqual([1, expect.stringContaining('does not verify with the trusted key')]);
  }, 120_000);

  it('a key that cannot sign (symmetric) or does not exist: exit 2 with one line before anything is collected, no run written', async () => {
    const symmetric = await key('SYMMETRIC_DEFAULT');
    for (const keyId of [symmetric, 'arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000']) {
      const out = tempDir('kms-bad');
      const result = hipaaIam(['audit', '--demo', '--out', out, '--sign-with-kms', keyId], moto.env);
      expect(result.status).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain(`--sign-with-kms ${keyId}: the key cannot sign manifests`);
      expect(existsSync(join(out, DEMO))).toBe(false);
    }
    const missing = hipaaIam(['verify', '--chain', tempDir('kms-none'), '--kms-key-id', 'arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000'], moto.env);
    expect([missing.status, missing.stderr.trim().split('\n').length]).toEqual([2, 1]);
  }, 120_000);
});
