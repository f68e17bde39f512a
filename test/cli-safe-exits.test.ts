import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hipaaIam, tempDir } from './support/cli.js';

/** Safe paths and honest exits (issue 10, part 6): 2 means nothing was written, 3 that the run could not complete. */
const CASES = fileURLToPath(new URL('./fixtures/cases/', import.meta.url));
const BIN = fileURLToPath(new URL('../bin/hipaa-iam.js', import.meta.url));
/** An endpoint nothing listens on; one attempt, so the run fails fast. */
const DEAD_ENDPOINT = { AWS_ENDPOINT_URL: 'http://127.0.0.1:1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '1' };

function everythingUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String);
}

describe('account-id-path-traversal: an account id is 12 digits, or the input is refused', () => {
  it('a snapshot whose accountId climbs out of --out: exit 2, one line, nothing written anywhere', () => {
    const scratch = tempDir('traversal');
    const out = join(scratch, 'a', 'b', 'out');
    const result = hipaaIam(['audit', '--snapshot', join(CASES, 'account-id-path-traversal/traversal-snapshot.json'), '--out', out]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^hipaa-iam: snapshot .*traversal-snapshot\.json: accountId must be 12 digits \(an AWS account id\), not "\.\.\/\.\.\/escaped-evidence"\n$/);
    expect(result.stdout).toBe('');
    // <out>/../../escaped-evidence is <scratch>/a/escaped-evidence: neither it nor --out exists.
    expect(everythingUnder(scratch)).toEqual([]);
  });

  it('a snapshot whose accountId is not the account its sources name: exit 3, one line, nothing written', () => {
    const scratch = tempDir('misfiled');
    const saved = join(scratch, 'demo.json');
    expect(hipaaIam(['collect', '--demo', '--save', saved]).status).toBe(0);
    const snapshot = JSON.parse(readFileSync(saved, 'utf8')) as { accountId: string };
    snapshot.accountId = '444455556666';
    writeFileSync(saved, JSON.stringify(snapshot));
    const out = join(scratch, 'out');
    const result = hipaaIam(['audit', '--snapshot', saved, '--out', out, '--quiet']);
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/^hipaa-iam: snapshot .*demo\.json says it is account 444455556666, but its sources name 111122223333, so nothing was written: file it under the account it read\n$/);
    expect(existsSync(out) ? everythingUnder(out) : []).toEqual([]);
  });

  it('risk-register --account takes only an account id', () => {
    const out = tempDir('traversal-register');
    const result = hipaaIam(['risk-register', '--out', out, '--account', '../../escaped-evidence']);
    expect(result.status).toBe(2);
    expect(everythingUnder(out)).toEqual([]);
    expect(result.stderr).toMatch(/^hipaa-iam: error: option '--account <id>' argument '\.\.\/\.\.\/escaped-evidence' is invalid\. an AWS account id is 12 digits\n$/);
  });
});

describe('failed-collection-writes-evidence: a run that read nothing files nothing', () => {
  it('an import folder without a single export: exit 2, one line naming what was expected, even with --quiet', () => {
    const out = tempDir('empty-import');
    const dir = join(CASES, 'failed-collection-writes-evidence/empty-import');
    const result = hipaaIam(['audit', '--import', dir, '--out', out, '--quiet']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `hipaa-iam: no AWS CLI exports found in ${dir}: expected some of credential-report.csv, account-authorization-details.json, password-policy.json, account-summary.json, virtual-mfa-devices.json, identity-providers/, cloudtrail/, organizations/, access-analyzer/, identity-center/ (examples/export-account.sh, or hipaa-iam export-script, writes them all); nothing was written\n`,
    );
    expect(everythingUnder(out)).toEqual([]);
  });

  it.each<[string, string[]]>([
    ['audit --quiet', ['audit', '--quiet']],
    ['password-policy', ['password-policy']],
  ])('%s with the endpoint unreachable: exit 3, one line on stderr, no evidence folder', (_label, args) => {
    const out = tempDir('endpoint-down');
    const result = hipaaIam([...args, '--out', out, '--regions', 'us-east-1'], DEAD_ENDPOINT);
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/^hipaa-iam: nothing could be read from live AWS \(default credential chain, endpoint http:\/\/127\.0\.0\.1:1\), so nothing was written: caller identity \(sts:GetCallerIdentity\): .*ECONNREFUSED 127\.0\.0\.1:1\n$/);
    expect(result.stdout).toBe('');
    expect(everythingUnder(out)).toEqual([]);
  });

  it('collect --save with the endpoint unreachable writes no snapshot', () => {
    const dir = tempDir('endpoint-down-collect');
    const result = hipaaIam(['collect', '--save', join(dir, 'snapshot.json'), '--regions', 'us-east-1'], DEAD_ENDPOINT);
    expect(result.status).toBe(3);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(everythingUnder(dir)).toEqual([]);
  });
});

describe('an --out evidence could never be written to is refused before anything is collected', () => {
  it.each<[string, string[], Record<string, string>]>([
    ['the demo', ['audit', '--demo'], {}],
    // Refused before collecting: the message is about --out, not the unreachable endpoint.
    ['a live run', ['audit', '--regions', 'us-east-1'], DEAD_ENDPOINT],
  ])('%s into a path where a file stands: exit 2, one line', (_label, args, env) => {
    const scratch = tempDir('out-blocked');
    writeFileSync(join(scratch, 'evidence'), 'a file, not a folder');
    const result = hipaaIam([...args, '--out', join(scratch, 'evidence', 'runs')], env);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^hipaa-iam: --out .*evidence\/runs: .*evidence is a file, not a folder; nothing was collected or written\n$/);
    expect(readdirSync(scratch)).toEqual(['evidence']);
  });
});

/**
 * exit-code-after-run-written: a full disk, for real. The case's harness filled a tmpfs to 20
 * levels of free space (diskfull-results.json); here a tmpfs runs out of inodes at levels from
 * "nothing fits" to "everything fits", so the kernel's own ENOSPC strikes before the run folder
 * is filed, after it is filed but before the living register is replaced, and not at all. It
 * needs to mount a tmpfs, so it runs in a user namespace (unshare); where that is not allowed,
 * it is skipped.
 */
const canMount = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', 'mount -t tmpfs tmpfs /mnt && umount /mnt']).status === 0;
if (!canMount) console.warn('\n⚠ unshare cannot mount a tmpfs here (user namespaces off?): the full-disk runs are skipped\n');

describe.skipIf(!canMount)('exit-code-after-run-written: a disk that fills during the run', () => {
  interface Level {
    extra: number;
    status: number;
    stderr: string;
    stdout: string;
    newRuns: number;
    verified: number[];
    register: string;
    earlierRunsIntact: boolean;
    litter: string[];
    nextStatus: number;
    nextStderr: string;
    nextLitter: string[];
    nextRegisterHasNotes: boolean;
  }
  const levels = (): Level[] => {
    const scratch = tempDir('disk-full');
    const script = fileURLToPath(new URL('./support/inode-starved-runs.mjs', import.meta.url));
    const demo = fileURLToPath(new URL('../examples/demo-account.json', import.meta.url));
    const run = spawnSync('unshare', ['--user', '--map-root-user', '--mount', process.execPath, script, BIN, scratch, demo], { encoding: 'utf8', timeout: 300_000 });
    if (run.status !== 0) throw new Error(`inode-starved-runs failed: ${run.stderr}`);
    return run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Level);
  };
  let results: Level[] = [];

  it('never exits 2 once anything may be on disk; names what failed in one line; loses nothing', () => {
    results = levels();
    // The demo's normal exit is 1 (failing findings); the last level is the run that fit.
    expect(results.at(-1)).toMatchObject({ status: 1, stderr: '', newRuns: 1, verified: [0] });
    for (const level of results) {
      const at = `with ${level.extra} inodes left: ${level.stderr}`;
      expect([1, 3], at).toContain(level.status);
      expect(level.stderr.split('\n').filter(Boolean).length, at).toBeLessThanOrEqual(1);
      expect(level.stdout, at).toBe('');
      expect(level.earlierRunsIntact, at).toBe(true);
      expect(level.litter, at).toEqual([]);
      expect(level.register, at).not.toBe('notes lost');
      expect(level.verified.every((status) => status === 0), at).toBe(true);
      // The next run, with room again, completes and leaves nothing behind.
      expect({ status: level.nextStatus, stderr: level.nextStderr, litter: level.nextLitter, notes: level.nextRegisterHasNotes }, at).toEqual({ status: 1, stderr: '', litter: [], notes: true });
    }
  }, 320_000);

  it('the outcomes the case recorded as exit 2 are now exit 3, each saying what was and was not written', () => {
    const recorded = JSON.parse(readFileSync(join(CASES, 'exit-code-after-run-written/diskfull-results.json'), 'utf8')) as { rc: number; newRuns: string[]; register: string }[];
    // Before: the run folder could not be written (nothing new on disk) ...
    expect(recorded.some((r) => r.rc === 2 && r.newRuns.length === 0)).toBe(true);
    const nothingWritten = results.filter((l) => l.status === 3 && l.newRuns === 0);
    expect(nothingWritten.length).toBeGreaterThan(0);
    for (const level of nothingWritten) {
      expect(level.stderr).toMatch(/^hipaa-iam: cannot write evidence into .*\/111122223333: ENOSPC: no space left on device.*; nothing was written\n$/);
      expect(level.register).toBe('unchanged');
    }
    // ... and after it was filed, the living register could not be replaced.
    expect(recorded.some((r) => r.rc === 2 && r.newRuns.length > 0 && r.register === 'unchanged')).toBe(true);
    const filedButRegisterNot = results.filter((l) => l.status === 3 && l.newRuns === 1);
    expect(filedButRegisterNot.length).toBeGreaterThan(0);
    for (const level of filedButRegisterNot) {
      expect(level.stderr).toMatch(/^hipaa-iam: the run's evidence is complete in .*\/111122223333\/\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z, but the living register was not updated: cannot write .*\/111122223333\/risk-register\.csv: ENOSPC: no space left on device/);
      expect(level.verified).toEqual([0]);
      expect(level.register).toBe('unchanged');
    }
    expect(existsSync(BIN)).toBe(true);
  });
});
