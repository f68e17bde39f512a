import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { InputError, errorMessage } from '../errors.js';
import { chainReport, verifyChain } from '../report/chain.js';
import { keyFingerprint, parsePublicKey, type TrustedKey } from '../report/signature.js';
import { isPackage, verifyPackage } from '../report/organization-package.js';
import { verifyRunFolder } from '../report/verify.js';

interface VerifyFlags {
  chain?: boolean;
  publicKey?: string;
  keyFingerprint?: string;
  kmsKeyId?: string;
  profile?: string;
  requireSignature?: boolean;
}

/** `verify RUN_DIR` and `verify --chain ACCOUNT_DIR`: exit 0 whole, 1 naming each problem, 2 bad input. */
export function verifyCommand(): Command {
  return new Command('verify')
    .description('check a run folder (or an organization package) against its manifest.json (exit 0 if whole, 1 naming what changed, was added or removed); with --chain, an account folder’s (or organization folder’s) whole chain')
    .argument('<dir>', 'a run folder, <out>/<account-id>/<timestamp>, or an organization package, <out>/org-<organization-id>/<timestamp>; with --chain, <out>/<account-id> or <out>/org-<organization-id>')
    .addOption(new Option('--chain', 'verify every run of the account folder and the chain linking them: names runs removed, replaced, re-hashed or inserted'))
    .addOption(new Option('--key-fingerprint <SHA256:...>', 'the fingerprint of the signing key you trust (SHA256:base64 of its DER public key); needs --public-key'))
    .addOption(new Option('--public-key <file>', 'the signing key’s public key (PEM or DER), checked against --key-fingerprint'))
    .addOption(new Option('--kms-key-id <key-id>', 'trust this KMS key: its public key is fetched with KMS GetPublicKey (needs credentials)'))
    .addOption(new Option('--profile <name>', 'AWS profile for --kms-key-id'))
    .addOption(new Option('--require-signature', 'an unsigned run, or a signature not checked against a trusted key, is a failure (exit 1)'))
    .action(async (dir: string, flags: VerifyFlags) => {
      const trustedKey = await trustedKeyFrom(flags);
      const options = { ...(trustedKey ? { trustedKey } : {}), requireSignature: flags.requireSignature === true };
      if (flags.chain) {
        const check = verifyChain(dir, options);
        process.stdout.write(`${chainReport(dir, check)}\n`);
        process.exitCode = check.ok ? 0 : 1;
        return;
      }
      // An organization package (<out>/org-<id>/<timestamp>) is checked whole, each account folder too.
      const result = isPackage(dir) ? verifyPackage(dir, options) : verifyRunFolder(dir, options);
      process.stdout.write(`${result.report}\n`);
      process.exitCode = result.ok ? 0 : 1;
    });
}

/** The key the verifier trusts: a pinned fingerprint and the key file it pins, or a KMS key named here; never the folder's own. */
async function trustedKeyFrom(flags: VerifyFlags): Promise<TrustedKey | undefined> {
  if (flags.kmsKeyId && (flags.publicKey || flags.keyFingerprint)) throw new InputError('give either --kms-key-id or --key-fingerprint with --public-key, not both');
  // The KMS client (and the SDK) is loaded only when a KMS key is named.
  if (flags.kmsKeyId) return (await import('../report/kms.js')).kmsTrustedKey(flags.kmsKeyId, flags.profile);
  if (!flags.publicKey && !flags.keyFingerprint) return undefined;
  if (!flags.publicKey || !flags.keyFingerprint) throw new InputError('--key-fingerprint and --public-key go together: the file gives the key, the fingerprint says it is the one you trust');
  if (!/^SHA256:[A-Za-z0-9+/]{43}=?$/.test(flags.keyFingerprint)) throw new InputError(`--key-fingerprint ${flags.keyFingerprint} is not a fingerprint; expected SHA256: and 43 base64 characters`);
  let publicKey;
  try {
    publicKey = parsePublicKey(readFileSync(flags.publicKey));
  } catch (error) {
    throw new InputError(`--public-key ${flags.publicKey} holds no public key (${errorMessage(error)}); give a PEM or DER public key file`);
  }
  const fingerprint = keyFingerprint(publicKey);
  if (fingerprint !== flags.keyFingerprint.replace(/=$/, '')) throw new InputError(`--public-key ${flags.publicKey} has fingerprint ${fingerprint}, not the ${flags.keyFingerprint} you trust; get the right key file`);
  return { publicKey, fingerprint, source: `pinned, ${flags.publicKey}` };
}
