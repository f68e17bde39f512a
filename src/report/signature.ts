import { constants, createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { sha256 } from './manifest.js';

/**
 * KMS signing algorithms a manifest may be signed with: those over SHA-256, the hash the
 * manifest chain already relies on. An ECC_NIST_P256 or ECC_SECG_P256K1 key signs with ECDSA;
 * an RSA key with PKCS #1 v1.5 (preferred: deterministic) or PSS.
 * (AWS KMS API reference, Sign: SigningAlgorithm.)
 */
export const SIGNING_ALGORITHMS = ['ECDSA_SHA_256', 'RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PSS_SHA_256'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/**
 * manifest.sig.json: a KMS signature of a run's manifest.json. The signed message is the
 * 32-byte SHA-256 digest of the manifest's bytes, sent to KMS Sign with MessageType RAW, so
 * KMS (and a verifier) hash it once more: the signature is over SHA-256(SHA-256(manifest)).
 * RAW rather than DIGEST because moto, our test double, ignores MessageType (moto 5.2.1
 * kms/responses.py sign()), and RAW means the same on both; the digest keeps the message under
 * KMS's 4096-byte limit whatever the manifest's size.
 */
export interface ManifestSignature {
  schemaVersion: 1;
  /** The key's ARN as KMS Sign answered it. Informational: the verifier names the key it trusts. */
  keyId: string;
  signingAlgorithm: SigningAlgorithm;
  messageType: 'RAW';
  /** SHA-256 (hex) of the manifest.json bytes that were signed. */
  manifestSha256: string;
  /** The signature, base64 (DER for ECDSA, as KMS returns it). */
  signature: string;
  /** The signing key's fingerprint (see keyFingerprint). Informational: never trusted by itself. */
  publicKeyFingerprint: string;
}

/** A public key the person verifying trusts, and where that trust came from (shown in the report). */
export interface TrustedKey {
  publicKey: KeyObject;
  fingerprint: string;
  source: string;
}

/**
 * `SHA256:` + unpadded base64 of the SHA-256 of the key's DER SubjectPublicKeyInfo (what KMS
 * GetPublicKey returns, and `openssl pkey -pubin -outform DER` writes), in OpenSSH's style.
 */
export function keyFingerprint(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return `SHA256:${createHash('sha256').update(der).digest('base64').replace(/=+$/, '')}`;
}

/** A public key from PEM or DER (SubjectPublicKeyInfo) bytes; throws when they hold none. */
export function parsePublicKey(bytes: Buffer): KeyObject {
  const text = bytes.toString('utf8');
  return text.includes('-----BEGIN') ? createPublicKey(text) : createPublicKey({ key: bytes, format: 'der', type: 'spki' });
}

/** The message a manifest's signature is over: the SHA-256 digest of its bytes (see ManifestSignature). */
export function signedMessage(manifestBytes: Buffer): Buffer {
  return createHash('sha256').update(manifestBytes).digest();
}

/** Parses manifest.sig.json; throws an Error saying what is wrong. */
export function parseSignature(text: string): ManifestSignature {
  const parsed = JSON.parse(text) as Partial<ManifestSignature>;
  if (typeof parsed.signature !== 'string' || parsed.signature === '') throw new Error('no signature');
  if (!SIGNING_ALGORITHMS.includes(parsed.signingAlgorithm as SigningAlgorithm)) throw new Error(`unsupported signing algorithm ${String(parsed.signingAlgorithm)}`);
  if (parsed.messageType !== 'RAW') throw new Error(`unsupported message type ${String(parsed.messageType)}`);
  if (typeof parsed.manifestSha256 !== 'string') throw new Error('no manifestSha256');
  return parsed as ManifestSignature;
}

/** Whether `signature` is a valid signature of these manifest bytes by `publicKey` (local, node:crypto). */
export function signatureValid(manifestBytes: Buffer, signature: ManifestSignature, publicKey: KeyObject): boolean {
  if (signature.manifestSha256 !== sha256(manifestBytes)) return false;
  const bytes = Buffer.from(signature.signature, 'base64');
  const message = signedMessage(manifestBytes);
  try {
    if (signature.signingAlgorithm === 'RSASSA_PSS_SHA_256') {
      return verify('sha256', message, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, bytes);
    }
    return verify('sha256', message, publicKey, bytes);
  } catch {
    return false;
  }
}
