import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { chmodSync, cpSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.js';
import type { Check } from '../../src/checks/check.js';
import { ALL_CHECKS, checksForGroup } from '../../src/checks/registry.js';
import { FORMATS } from '../../src/report/formats.js';
import { sha256 } from '../../src/report/manifest.js';
import { keyFingerprint, signedMessage } from '../../src/report/signature.js';
import { colourFor } from '../../src/report/terminal.js';
import { checkRunFolder, requiredFiles } from '../../src/report/verify.js';
import { loadSnapshot } from '../../src/snapshot/load.js';
import { hipaaIam, runFolders, tempDir } from '../support/cli.js';

const BASE = new URL('../fixtures/cases/fault-harness/base-snapshot.json', import.meta.url).pathname;
const CASE = new URL('../fixtures/cases/verify-gaps/', import.meta.url).pathname;
const BIN = new URL('../../bin/hipaa-iam.js', import.meta.url).pathname;
const ACCOUNT = '123456789012';

/** A genuine run of the base snapshot started at `at` (audit() takes the start time). */
function runAt(out: string, at: string, checks: readonly Check[] = ALL_CHECKS, command = 'audit'): string {
  return audit({ command, checks, snapshot: loadSnapshot(BASE), startedAt: new Date(at), outDir: out, failOn: 'low', colour: colourFor({ isTTY: false }) }).runDir;
}

/** The case's third attack: critical FAILs turned PASS in findings.json, and every hash in manifest.json recomputed. */
function rewriteAndRehash(runDir: string): void {
  const document = JSON.parse(readFileSync(join(runDir, 'findings.json'), 'utf8')) as { findings: { status: string; severity: string; message: string }[] };
  for (const f of document.findings) if (f.status === 'FAIL') Object.assign(f, { status: 'PASS', message: 'ok' });
  writeFileSync(join(runDir, 'findings.json'), `${JSON.stringify(document, null, 2)}\n`);
  const manifest = JSON.parse(readFileSync(join(runDir, 'manifest.json'), 'utf8')) as { files: Record<string, string> };
  for (const name of Object.keys(manifest.files)) manifest.files[name] = sha256(readFileSync(join(runDir, name)));
  writeFileSync(join(runDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** An archive of four runs (three full audits and an audit-trail run), copied afresh for each attack. */
const archive = tempDir('chain');
const STARTS = ['2026-08-01T06:00:00Z', '2026-09-01T06:00:00Z', '2026-10-01T06:00:00Z', '2026-11-01T06:00:00Z'];
let names: string[];
beforeAll(() => {
  STARTS.forEach((at, i) => runAt(archive, at, i === 2 ? checksForGroup('audit-trail') : ALL_CHECKS, i === 2 ? 'audit-trail' : 'audit'));
  names = runFolders(archive, ACCOUNT).map((dir) => basename(dir));
});
function copyArchive(): string {
  const out = tempDir('chain-copy');
  cpSync(join(archive, ACCOUNT), join(out, ACCOUNT), { recursive: true });
  return join(out, ACCOUNT);
}
const chain = (accountDir: string) => hipaaIam(['verify', '--chain', accountDir]);

describe('each manifest records the previous run of the account', () => {
  it('the first run records none; every later one its predecessor and the sha256 of its manifest.json bytes', () => {
    const dirs = runFolders(archive, ACCOUNT);
    const manifests = dirs.map((dir) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { previous: unknown });
    expect(manifests[0]!.previous).toBeNull();
    for (let i = 1; i < dirs.length; i += 1) {
      expect(manifests[i]!.previous).toEqual({ run: names[i - 1], manifestSha256: sha256(readFileSync(join(dirs[i - 1]!, 'manifest.json'))) });
    }
  });

  it('runs chain in the order they were written, not by start time (audits started together finish in any order)', () => {
    const out = tempDir('chain-order');
    for (const at of ['2026-11-01T06:00:03Z', '2026-11-01T06:00:01Z', '2026-11-01T06:00:02Z']) runAt(out, at);
    const result = chain(join(out, ACCOUNT));
    expect(result.stdout).toContain('OK: 3 runs');
    expect(result.status).toBe(0);
  });
});

describe('verify --chain (Done when: catches a deleted run, a replaced run with a recomputed manifest, and a forged run folder, naming each)', () => {
  it('a whole archive: exit 0, and it says the newest run is protected only by a signature', () => {
    const result = chain(join(archive, ACCOUNT));
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('OK: 4 runs');
    expect(result.stdout).toContain(`the newest run, ${names[3]}, is recorded by no later run: only its signature`);
  });

  it('ignores the lock files, hidden .partial leftovers and the living register beside the runs', () => {
    const dir = copyArchive();
    writeFileSync(join(dir, '.hipaa-iam.lock'), '{"pid":1}');
    writeFileSync(join(dir, '.hipaa-iam.lock.break'), '');
    mkdirSync(join(dir, `.${names[3]}.99999.partial`));
    expect(chain(dir).status).toBe(0);
  });

  it('a deleted run: exit 1 naming it as removed', () => {
    const dir = copyArchive();
    rmSync(join(dir, names[1]!), { recursive: true });
    const result = chain(dir);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`${names[1]}: removed; the run after it, ${names[2]}`);
  });

  it('a replaced run whose manifest was recomputed: exit 1 naming it as replaced or re-hashed (and verify RUN_DIR catches it too)', () => {
    const dir = copyArchive();
    rewriteAndRehash(join(dir, names[1]!));
    const result = chain(dir);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`${names[1]}: replaced or re-hashed; its manifest.json has sha256`);
    expect(result.stdout).toContain(`but the next run ${names[2]} recorded`);
    const alone = hipaaIam(['verify', join(dir, names[1]!)]);
    expect(alone.status).toBe(1);
    expect(alone.stdout).toContain(`replaced or re-hashed`);
  });

  it('a forged run folder inserted between two runs: exit 1 naming it as inserted', () => {
    const dir = copyArchive();
    // A copy of a genuine run, renamed to a date of its own: every file and its manifest verify.
    const forged = '2026-10-15T06-00-00Z';
    cpSync(join(dir, names[2]!), join(dir, forged), { recursive: true });
    expect(hipaaIam(['verify', join(dir, forged)]).status).toBe(0);
    const result = chain(dir);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`${forged}: inserted (forged); no later run records its manifest`);
    expect(result.stdout).toContain(`${names[1]}: recorded as the previous run by ${names[2]} and ${forged}`);
  });

  it('a forged run with a manifest that records no previous run: exit 1 naming it', () => {
    const dir = copyArchive();
    const forged = '2026-08-15T06-00-00Z';
    cpSync(join(dir, names[0]!), join(dir, forged), { recursive: true });
    const result = chain(dir);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`${forged}: inserted (forged)`);
    expect(result.stdout).not.toContain(`${names[0]}: inserted`);
  });

  it('a run folder renamed: exit 1 naming it', () => {
    const dir = copyArchive();
    renameSync(join(dir, names[1]!), join(dir, '2026-09-02T06-00-00Z'));
    const result = chain(dir);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`2026-09-02T06-00-00Z: renamed; the next run ${names[2]} recorded it as ${names[1]}`);
  });

  it('manifests from before runs were chained still verify on their own, and the chain from them on is whole', () => {
    const out = tempDir('chain-old');
    const first = runAt(out, STARTS[0]!);
    const manifest = JSON.parse(readFileSync(join(first, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    delete manifest.previous;
    writeFileSync(join(first, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    expect(hipaaIam(['verify', first]).status).toBe(0);
    runAt(out, STARTS[1]!);
    expect(chain(join(out, ACCOUNT)).status).toBe(0);
  });

  it('bad input: exit 2 with one line, nothing on stdout', () => {
    const empty = tempDir('chain-empty');
    for (const args of [['--chain', join(empty, 'nope')], ['--chain', empty], ['--chain', join(archive, ACCOUNT, 'risk-register.csv')]]) {
      const result = hipaaIam(['verify', ...args]);
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/^hipaa-iam: .*give <out>\/<account-id>/);
    }
  });
});

describe('verify-gaps: what verify RUN_DIR missed (test/fixtures/cases/verify-gaps)', () => {
  const run = () => join(copyArchive(), names[1]!);

  it('repro.sh as it is: the sub-folder and the emptied run now fail; a lone copy rewritten with its manifest cannot be told apart and says so', () => {
    // repro.sh runs `npx hipaa-iam verify`; an npx on PATH runs this build instead of any installed one.
    const bin = tempDir('npx');
    writeFileSync(join(bin, 'npx'), `#!/bin/sh\nshift\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(join(bin, 'npx'), 0o755);
    const result = spawnSync('sh', [join(CASE, 'repro.sh'), run()], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` } });
    expect(result.stdout).toContain('subdir rc=1');
    expect(result.stdout).toMatch(/unexpected sub-folder sub\//);
    expect(result.stdout).toContain('emptied rc=1');
    expect(result.stdout).toMatch(/core file\(s\) missing: run\.json/);
    // Copied out of its archive, nothing records it: only the chain or a signature can catch this.
    expect(result.stdout).toContain('edited+regenerated rc=0');
    expect(result.stdout).toContain('no later run records this manifest');
  });

  it('1. a sub-folder with content: exit 1 naming it', () => {
    const dir = run();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'evil.html'), '<script>x</script>');
    const result = hipaaIam(['verify', dir]);
    expect([result.status, result.stdout]).toEqual([1, expect.stringContaining('unexpected sub-folder sub/')]);
  });

  it('2. every file deleted and the manifest\'s files set to {}: exit 1, core files missing', () => {
    const dir = run();
    for (const name of Object.keys((JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files: object }).files)) rmSync(join(dir, name));
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files: object };
    manifest.files = {};
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const result = hipaaIam(['verify', dir]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('core file(s) missing: run.json');
  });

  it('2b. a file its --format calls for removed from disk and from the manifest: exit 1 naming it', () => {
    const dir = run();
    rmSync(join(dir, 'findings.json'));
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files: Record<string, string> };
    delete manifest.files['findings.json'];
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const result = hipaaIam(['verify', dir]);
    expect([result.status, result.stdout]).toEqual([1, expect.stringContaining('core file(s) missing: findings.json')]);
  });

  it('a run written with any single --format, full or partial, verifies with its fewer files (the core files follow what audit writes)', () => {
    for (const format of FORMATS) {
      for (const [command, checks] of [['audit', ALL_CHECKS], ['audit-trail', checksForGroup('audit-trail')]] as const) {
        const out = tempDir(`format-${format}`);
        const dir = audit({ command, checks, snapshot: loadSnapshot(BASE), startedAt: new Date(STARTS[0]!), outDir: out, failOn: 'low', formats: [format], colour: colourFor({ isTTY: false }) }).runDir;
        expect([format, command, checkRunFolder(dir).problems]).toEqual([format, command, []]);
      }
    }
    const out = tempDir('json-only');
    const dir = audit({ command: 'audit', checks: ALL_CHECKS, snapshot: loadSnapshot(BASE), startedAt: new Date(STARTS[0]!), outDir: out, failOn: 'low', formats: ['json'], colour: colourFor({ isTTY: false }) }).runDir;
    expect(hipaaIam(['verify', dir]).status).toBe(0);
    // run.json says json: findings.json is then a core file.
    expect(requiredFiles(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as object).all).toEqual(['run.json', 'findings.json']);
  });

  it('3. findings.json rewritten and the manifest recomputed: exit 1 in its archive, the next run recorded another hash', () => {
    const dir = run();
    rewriteAndRehash(dir);
    const result = hipaaIam(['verify', dir]);
    expect([result.status, result.stdout]).toEqual([1, expect.stringContaining(`the next run ${names[2]} recorded`)]);
  });

  it('4. the manifest\'s accountId and runStartedAt changed: exit 1 naming each', () => {
    const dir = run();
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    Object.assign(manifest, { accountId: '999999999999', runStartedAt: '2020-01-01T00:00:00.000Z' });
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const result = hipaaIam(['verify', dir]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('manifest accountId 999999999999 differs');
    expect(result.stdout).toContain('manifest runStartedAt 2020-01-01T00:00:00.000Z differs');
  });

  it('5. a file replaced by a link to an identical copy: exit 1 (a run never holds links)', () => {
    const dir = run();
    const copy = join(tempDir('elsewhere'), 'report.html');
    cpSync(join(dir, 'report.html'), copy);
    rmSync(join(dir, 'report.html'));
    symlinkSync(copy, join(dir, 'report.html'));
    const result = hipaaIam(['verify', dir]);
    expect([result.status, result.stdout]).toEqual([1, expect.stringContaining('report.html is not a regular file')]);
  });
});

/** What KMS Sign writes (src/report/kms.ts), made here with a local key: the pinned path needs no AWS. */
function signLocally(runDir: string, privateKey: KeyObject, publicKey: KeyObject): void {
  const manifest = readFileSync(join(runDir, 'manifest.json'));
  writeFileSync(join(runDir, 'manifest.sig.json'), JSON.stringify({
    schemaVersion: 1,
    keyId: 'arn:aws:kms:us-east-1:123456789012:key/local',
    signingAlgorithm: 'ECDSA_SHA_256',
    messageType: 'RAW',
    manifestSha256: sha256(manifest),
    signature: sign('sha256', signedMessage(manifest), privateKey).toString('base64'),
    publicKeyFingerprint: keyFingerprint(publicKey),
  }));
}

describe('signatures checked against a pinned key (--key-fingerprint with --public-key)', () => {
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyDir = tempDir('keys');
  const pem = join(keyDir, 'trusted.pem');
  const otherPem = join(keyDir, 'other.pem');
  writeFileSync(pem, keys.publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(otherPem, other.publicKey.export({ type: 'spki', format: 'pem' }));
  const pinned = ['--key-fingerprint', keyFingerprint(keys.publicKey), '--public-key', pem];
  const signedRun = () => {
    const dir = join(copyArchive(), names[3]!);
    signLocally(dir, keys.privateKey, keys.publicKey);
    return dir;
  };

  it('a signed run verifies with the trusted key, and the signature file is no unexpected file', () => {
    const dir = signedRun();
    const result = hipaaIam(['verify', dir, ...pinned, '--require-signature']);
    expect(result.stdout).toContain(`signature valid (${keyFingerprint(keys.publicKey)})`);
    expect(result.status).toBe(0);
    // The older runs are unsigned: allowed unless --require-signature.
    expect(hipaaIam(['verify', '--chain', join(dir, '..'), ...pinned]).status).toBe(0);
  });

  it('the newest run rewritten with a recomputed manifest (the chain cannot see it): the signature fails, exit 1', () => {
    const dir = signedRun();
    rewriteAndRehash(dir);
    expect(hipaaIam(['verify', '--chain', join(dir, '..')]).status).toBe(0);
    const result = hipaaIam(['verify', dir, ...pinned]);
    expect([result.status, result.stdout]).toEqual([1, expect.stringContaining('manifest.sig.json does not verify with the trusted key')]);
  });

  it('the newest run\'s signature removed, then rewritten and re-hashed: with a trusted key given, exit 1, alone and in the chain', () => {
    const dir = signedRun();
    rmSync(join(dir, 'manifest.sig.json'));
    rewriteAndRehash(dir);
    const alone = hipaaIam(['verify', dir, ...pinned]);
    expect([alone.status, alone.stdout]).toEqual([1, expect.stringContaining('not signed (no manifest.sig.json), although a trusted key was given')]);
    // In the chain too, whether or not an earlier run is signed: once a key is given, an unsigned newest run is no proof.
    expect(hipaaIam(['verify', '--chain', join(dir, '..'), ...pinned]).status).toBe(1);
  });

  it('re-signed with a key of the forger\'s own, and that key put in the folder: still exit 1 against the pinned key', () => {
    const dir = signedRun();
    rewriteAndRehash(dir);
    signLocally(dir, other.privateKey, other.publicKey);
    const result = hipaaIam(['verify', dir, ...pinned]);
    expect([result.status, result.stdout]).toEqual([1, expect.stringContaining('manifest.sig.json does not verify with the trusted key')]);
    // Verified against its own key, the forgery is "valid": which is why the key must come from the verifier.
    const forgerPem = join(keyDir, 'forger.pem');
    writeFileSync(forgerPem, other.publicKey.export({ type: 'spki', format: 'pem' }));
    expect(hipaaIam(['verify', dir, '--key-fingerprint', keyFingerprint(other.publicKey), '--public-key', forgerPem]).status).toBe(0);
  });

  it('without a trusted key the signature is said not to be checked; --require-signature makes that exit 1, and an unsigned run too', () => {
    const dir = signedRun();
    const unchecked = hipaaIam(['verify', dir]);
    expect([unchecked.status, unchecked.stdout]).toEqual([0, expect.stringContaining('manifest.sig.json (key arn:aws:kms:us-east-1:123456789012:key/local) NOT checked')]);
    expect(hipaaIam(['verify', dir, '--require-signature']).status).toBe(1);
    const unsigned = hipaaIam(['verify', join(archive, ACCOUNT, names[0]!), '--require-signature']);
    expect([unsigned.status, unsigned.stdout]).toEqual([1, expect.stringContaining('not signed')]);
  });

  it('bad input: a key file whose fingerprint is not the pinned one, a malformed fingerprint, half of the pair: exit 2 with one line', () => {
    const dir = signedRun();
    const cases = [
      ['--key-fingerprint', keyFingerprint(keys.publicKey), '--public-key', otherPem],
      ['--key-fingerprint', 'SHA256:short', '--public-key', pem],
      ['--key-fingerprint', keyFingerprint(keys.publicKey)],
      ['--key-fingerprint', keyFingerprint(keys.publicKey), '--public-key', join(dir, 'run.json')],
    ];
    for (const args of cases) {
      const result = hipaaIam(['verify', dir, ...args]);
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
