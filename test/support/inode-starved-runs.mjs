// Runs `hipaa-iam audit` into a tmpfs whose inodes run out part-way through the run, and prints
// one JSON line per level of starvation: what the run said and what it left on disk. The ENOSPC
// is the kernel's own (tmpfs nr_inodes), not a mocked one. It must mount, so it runs inside
//   unshare --user --map-root-user --mount node inode-starved-runs.mjs BIN SCRATCH SNAPSHOT
// Levels: 1 inode left (the run folder cannot be made), then from one short of a run's worth
// upward (about there the run folder is filed but the living register's temporary file is one
// too many) until the run completes.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [bin, scratch, snapshot] = process.argv.slice(2);
const ACCOUNT = JSON.parse(readFileSync(snapshot, 'utf8')).accountId;
const NOTE = 'Notes a person wrote before the disk filled';
const base = join(scratch, 'base');
const mountPoint = join(scratch, 'mnt');
mkdirSync(mountPoint, { recursive: true });

const sh = (command, ...args) => {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const audit = (out) => spawnSync(process.execPath, [bin, 'audit', '--snapshot', snapshot, '--out', out, '--quiet'], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: '/tmp' } });
const usedInodes = () => Number(sh('df', '--output=iused', mountPoint).trim().split('\n').at(-1));
const runsIn = (out) => (existsSync(join(out, ACCOUNT)) ? readdirSync(join(out, ACCOUNT)).filter((n) => /^\d{4}-/.test(n)).sort() : []);
/** Anything a failed run left besides run folders and the register: temporary files and folders. */
const litter = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const here = name.startsWith('.') || name.includes('partial') ? [path] : [];
    return statSync(path).isDirectory() && !/^\d{4}-/.test(name) ? [...here, ...litter(path)] : here;
  });

// An earlier run, whose living register a person then filled in.
const first = audit(join(base, 'out'));
if (![0, 1, 3].includes(first.status)) throw new Error(`the first run failed: ${first.stderr}`);
const baseRegister = join(base, 'out', ACCOUNT, 'risk-register.csv');
const lines = readFileSync(baseRegister, 'utf8').split('\n');
lines[1] = lines[1].replace(/,[^,]*,[^,]*$/, `,auditor,${NOTE}`);
writeFileSync(baseRegister, lines.join('\n'));

/** A fresh tmpfs holding the earlier run; `inodes` left free (or plenty). */
function withTmpfs(inodes, body) {
  sh('mount', '-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', mountPoint);
  try {
    cpSync(join(base, 'out'), join(mountPoint, 'out'), { recursive: true });
    if (inodes !== null) sh('mount', '-o', `remount,nr_inodes=${usedInodes() + inodes}`, mountPoint);
    return body(join(mountPoint, 'out'));
  } finally {
    sh('umount', mountPoint);
  }
}

const perRun = withTmpfs(null, (out) => {
  const before = usedInodes();
  audit(out);
  return usedInodes() - before;
});
for (const extra of [1, perRun - 1, perRun, perRun + 1, perRun + 2, perRun + 3]) {
  const result = withTmpfs(extra, (out) => {
    const register = join(out, ACCOUNT, 'risk-register.csv');
    const registerBefore = readFileSync(register, 'utf8');
    const runsBefore = runsIn(out);
    const starved = audit(out);
    const newRuns = runsIn(out).filter((r) => !runsBefore.includes(r));
    const registerAfter = readFileSync(register, 'utf8');
    const facts = {
      extra,
      perRun,
      status: starved.status,
      stderr: starved.stderr,
      stdout: starved.stdout,
      newRuns: newRuns.length,
      verified: newRuns.map((r) => spawnSync(process.execPath, [bin, 'verify', join(out, ACCOUNT, r)], { encoding: 'utf8' }).status),
      register: registerAfter === registerBefore ? 'unchanged' : registerAfter.includes(NOTE) ? 'advanced, notes kept' : 'notes lost',
      earlierRunsIntact: runsBefore.every((r) => runsIn(out).includes(r)),
      litter: litter(out),
    };
    sh('mount', '-o', 'remount,nr_inodes=100000', mountPoint);
    const next = audit(out);
    return { ...facts, nextStatus: next.status, nextStderr: next.stderr, nextLitter: litter(out), nextRegisterHasNotes: readFileSync(register, 'utf8').includes(NOTE) };
  });
  console.log(JSON.stringify(result));
  if (result.status === first.status && result.stderr === '') break;
}
