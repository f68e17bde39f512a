// The cost of auditing a whole organization (issue 13 part 4): a local moto server seeded with an
// organization of BENCH_ACCOUNTS member accounts (default 200; or `--accounts N`), 50 principals
// each, then `hipaa-iam audit --organization` run against it as a child process, the way an
// operator runs it from the management account:
//   seed      CreateOrganization, two OUs, CreateAccount per member (moto creates each member's
//             OrganizationAccountAccessRole, trusted by the management account), then per member
//             AssumeRole into that role and, with one IAM client per account, a password policy,
//             3 customer managed policies, 5 groups, 30 users and 15 roles (timed on its own:
//             it is moto's cost, not ours);
//   audit     `audit --organization --role-name OrganizationAccountAccessRole --concurrency 8`,
//             once over a sample of the members (--accounts, BENCH_SAMPLE of them, default 20) and
//             once over all of them: wall time, API calls (the sum of collection.calls over the
//             accounts' run.json), peak RSS of the child (/usr/bin/time -v, else /proc VmHWM).
// The two runs give a line (fixed cost + cost per account) for time, calls and memory, which is
// extrapolated to 1,000 accounts. Target: the whole organization audited within 2 GiB peak RSS;
// exits 1 when missed or when the run did not cover every account. `--seed-only` stops after
// seeding; `--readme` also rewrites README.md's figures between its organization-bench markers.

// Read when an SDK client is constructed, so setting it here (after the hoisted imports) is early enough.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  IAMClient,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  UpdateAccountPasswordPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { motoProbe, startMotoServer } from '../test/support/moto-server.js';
import { forEachLimited, range } from './limited.js';

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
/** The role moto creates in every member it creates (as AWS Organizations does), trusted by the management account. */
const MEMBER_ROLE = 'OrganizationAccountAccessRole';
/** Requests in flight while seeding: one account's requests go one after another, this many accounts at once. */
const SEED_CONCURRENCY = 16;
/** The audit's --concurrency (its default). */
const AUDIT_CONCURRENCY = 8;
const USERS = 30;
const ROLES = 15;
const GROUPS = ['admins', 'clinicians', 'billing', 'readonly', 'human-users'];
const PRINCIPALS = USERS + ROLES + GROUPS.length;
const EXTRAPOLATE_TO = 1000;
const GiB = 1024 ** 3;
const TARGET_RSS = 2 * GiB;
const BIN = new URL('../bin/hipaa-iam.js', import.meta.url).pathname;
const TIME = '/usr/bin/time';

class BenchFailure extends Error {}

// --- seeding ---------------------------------------------------------------------------

const policyDocument = (statement) => JSON.stringify({ Version: '2012-10-17', Statement: [statement].flat() });
const DENY_WITHOUT_MFA = policyDocument({
  Effect: 'Deny',
  NotAction: ['iam:CreateVirtualMFADevice', 'iam:EnableMFADevice', 'iam:ListMFADevices', 'iam:ResyncMFADevice', 'iam:GetUser', 'sts:GetSessionToken', 'iam:ChangePassword'],
  Resource: '*',
  Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
});
const MANAGED_POLICIES = {
  'bench-admin': policyDocument({ Effect: 'Allow', Action: '*', Resource: '*' }),
  'bench-phi-read': policyDocument({ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: ['arn:aws:s3:::bench-phi', 'arn:aws:s3:::bench-phi/*'] }),
  'bench-ops': policyDocument({ Effect: 'Allow', Action: ['ec2:Describe*', 'logs:GetLogEvents', 'cloudwatch:GetMetricData'], Resource: '*' }),
};
const GROUP_POLICY = { admins: 'bench-admin', clinicians: 'bench-phi-read', readonly: 'bench-ops' };
const TRUST_EC2 = policyDocument({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' });
const trustAccount = (accountId) => policyDocument({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'sts:AssumeRole' });

/**
 * The organization: CreateOrganization, OUs PHI (with Clinical under it) and Workloads, and
 * `count` members created and moved round-robin into them. Returns the members' ids.
 */
async function seedOrganization(endpoint, count, counter) {
  const organizations = new OrganizationsClient({ endpoint, region: REGION, credentials: CREDENTIALS });
  counter.attach(organizations);
  try {
    await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const { Roots: [root] = [] } = await organizations.send(new ListRootsCommand({}));
    const ou = async (ParentId, Name) => (await organizations.send(new CreateOrganizationalUnitCommand({ ParentId, Name }))).OrganizationalUnit.Id;
    const phi = await ou(root.Id, 'PHI');
    const ous = [await ou(phi, 'Clinical'), phi, await ou(root.Id, 'Workloads')];
    const ids = new Array(count);
    await forEachLimited(range(count), SEED_CONCURRENCY, async (i) => {
      const name = `bench-member-${String(i).padStart(4, '0')}`;
      const { CreateAccountStatus: status } = await organizations.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@bench.hipaa-iam.invalid` }));
      // moto creates the account at once; AWS would be IN_PROGRESS and need DescribeCreateAccountStatus.
      if (status?.State !== 'SUCCEEDED' || !status.AccountId) throw new BenchFailure(`CreateAccount ${name}: ${JSON.stringify(status)}`);
      await organizations.send(new MoveAccountCommand({ AccountId: status.AccountId, SourceParentId: root.Id, DestinationParentId: ous[i % ous.length] }));
      ids[i] = status.AccountId;
    });
    return ids;
  } finally {
    organizations.destroy();
  }
}

/** One member's 50 principals, through its OrganizationAccountAccessRole as an operator would reach it. */
async function seedMember(endpoint, accountId, index, counter) {
  const sts = new STSClient({ endpoint, region: REGION, credentials: CREDENTIALS });
  counter.attach(sts);
  let credentials;
  try {
    const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/${MEMBER_ROLE}`, RoleSessionName: 'bench-seed' }));
    credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
  } finally {
    sts.destroy();
  }
  const iam = new IAMClient({ endpoint, region: REGION, credentials });
  counter.attach(iam);
  const send = (command) => iam.send(command);
  try {
    // Every fifth member has a weak password policy, so the roll-up has failing accounts to keep.
    const weak = index % 5 === 0;
    await send(new UpdateAccountPasswordPolicyCommand({
      MinimumPasswordLength: weak ? 8 : 14, RequireSymbols: !weak, RequireNumbers: true, RequireUppercaseCharacters: true, RequireLowercaseCharacters: true,
      AllowUsersToChangePassword: true, MaxPasswordAge: weak ? 0 : 90, PasswordReusePrevention: weak ? 1 : 24,
    }));
    const arns = {};
    for (const [PolicyName, PolicyDocument] of Object.entries(MANAGED_POLICIES)) arns[PolicyName] = (await send(new CreatePolicyCommand({ PolicyName, PolicyDocument }))).Policy.Arn;
    for (const GroupName of GROUPS) {
      await send(new CreateGroupCommand({ GroupName }));
      if (GROUP_POLICY[GroupName]) await send(new AttachGroupPolicyCommand({ GroupName, PolicyArn: arns[GROUP_POLICY[GroupName]] }));
      else if (GroupName === 'human-users') await send(new PutGroupPolicyCommand({ GroupName, PolicyName: 'deny-without-mfa', PolicyDocument: DENY_WITHOUT_MFA }));
      else await send(new PutGroupPolicyCommand({ GroupName, PolicyName: 'billing', PolicyDocument: policyDocument({ Effect: 'Allow', Action: ['aws-portal:View*', 'ce:Get*'], Resource: '*' }) }));
    }
    for (const i of range(USERS)) {
      const UserName = `user-${String(i).padStart(2, '0')}`;
      await send(new CreateUserCommand({ UserName }));
      await send(new AddUserToGroupCommand({ GroupName: GROUPS[i % GROUPS.length], UserName }));
      if (i % 2 === 0) await send(new CreateLoginProfileCommand({ UserName, Password: `Bench-${i}-password!` }));
      if (i % 6 === 0) {
        const { VirtualMFADevice: device } = await send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: UserName }));
        await send(new EnableMFADeviceCommand({ UserName, SerialNumber: device.SerialNumber, AuthenticationCode1: '123456', AuthenticationCode2: '654321' }));
      }
      if (i % 10 === 9) await send(new CreateAccessKeyCommand({ UserName }));
      if (i % 7 === 3) await send(new PutUserPolicyCommand({ UserName, PolicyName: 'self', PolicyDocument: policyDocument({ Effect: 'Allow', Action: 'iam:GetUser', Resource: `arn:aws:iam::${accountId}:user/${UserName}` }) }));
    }
    for (const i of range(ROLES)) {
      const RoleName = `role-${String(i).padStart(2, '0')}`;
      await send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: i % 3 === 0 ? trustAccount(accountId) : TRUST_EC2 }));
      await send(new AttachRolePolicyCommand({ RoleName, PolicyArn: arns[i % 2 === 0 ? 'bench-ops' : 'bench-phi-read'] }));
      if (i % 3 === 1) await send(new PutRolePolicyCommand({ RoleName, PolicyName: 'logs', PolicyDocument: policyDocument({ Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: '*' }) }));
    }
  } finally {
    iam.destroy();
  }
}

/** Seeds the organization and every member; returns the member ids and the seeding's time and requests. */
async function seed(endpoint, count) {
  const counter = new RequestCounter();
  let started = performance.now();
  const ids = await seedOrganization(endpoint, count, counter);
  const organizationMs = performance.now() - started;
  const organizationRequests = counter.requests;
  started = performance.now();
  let done = 0;
  await forEachLimited(ids.map((id, index) => ({ id, index })), SEED_CONCURRENCY, async ({ id, index }) => {
    await seedMember(endpoint, id, index, counter);
    done += 1;
    if (done % 50 === 0 && done < ids.length) console.log(`  seeded ${done}/${ids.length} members (${seconds(performance.now() - started)} s)`);
  });
  const membersMs = performance.now() - started;
  return { ids, organizationMs, membersMs, organizationRequests, memberRequests: counter.requests - organizationRequests };
}

/** Counts the requests sent by the clients it is attached to (each attempt, retries included). */
class RequestCounter {
  requests = 0;
  attach(client) {
    client.middlewareStack.add((next) => async (args) => {
      this.requests += 1;
      return next(args);
    }, { step: 'finalizeRequest', name: 'benchRequestCounter', priority: 'low' });
  }
}

// --- helpers ---------------------------------------------------------------------------


const seconds = (ms) => (ms / 1000).toFixed(1);
const mib = (bytes) => `${(bytes / 1024 ** 2).toFixed(0)} MiB`;

function parseCount(raw, name, fallback) {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new BenchFailure(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}

function parseArgs(argv) {
  const options = { accounts: process.env.BENCH_ACCOUNTS, sample: process.env.BENCH_SAMPLE, readme: false, seedOnly: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--readme') options.readme = true;
    else if (argv[i] === '--seed-only') options.seedOnly = true;
    else if (argv[i] === '--accounts') options.accounts = argv[++i];
    else if (argv[i] === '--sample') options.sample = argv[++i];
    else throw new BenchFailure(`unknown argument ${argv[i]} (use --accounts N, --sample N, --seed-only, --readme)`);
  }
  const accounts = parseCount(options.accounts, 'the number of accounts', 200);
  return { ...options, accounts, sample: Math.min(accounts, parseCount(options.sample, 'the sample', Math.max(1, Math.round(accounts / 10)))) };
}

// --- the audit -------------------------------------------------------------------------

/** The environment of a run pointed at moto with the management account's keys, as an operator's shell would be. */
function auditEnvironment(endpoint) {
  const env = { ...process.env, AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey, AWS_REGION: REGION };
  // moto answers 500 to every Access Analyzer call: two attempts keep that from weighing on the time.
  env.AWS_MAX_ATTEMPTS = '2';
  // Service-specific endpoints would win over AWS_ENDPOINT_URL, a stray session token would be
  // sent with the keys, and a profile makes the SDK's chain skip the environment's keys.
  for (const name of ['AWS_ENDPOINT_URL_IAM', 'AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL_ORGANIZATIONS', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) delete env[name];
  return env;
}

/**
 * Runs `node bin/hipaa-iam.js ...args` and measures it: wall time, exit status, the tail of its
 * stderr and the child's peak RSS in bytes, from GNU time's "Maximum resident set size" when
 * /usr/bin/time exists, else the largest VmHWM read from /proc/<pid>/status while it ran.
 */
function runMeasured(args, env, dir) {
  const timeFile = join(dir, 'time.txt');
  const withTime = existsSync(TIME);
  const command = withTime ? TIME : process.execPath;
  const commandArgs = withTime ? ['-v', '-o', timeFile, process.execPath, BIN, ...args] : [BIN, ...args];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, commandArgs, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-8000);
    });
    let hwm = 0;
    const poll = withTime ? null : setInterval(() => {
      try {
        const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
        if (kb) hwm = Math.max(hwm, Number(kb) * 1024);
      } catch {
        // The child has just exited; its last reading stands.
      }
    }, 100);
    child.once('error', reject);
    child.once('close', (status, signal) => {
      const ms = performance.now() - started;
      if (poll) clearInterval(poll);
      let peakRss = hwm;
      if (withTime) {
        const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(timeFile, 'utf8'))?.[1];
        peakRss = kb ? Number(kb) * 1024 : 0;
      }
      resolve({ ms, status, signal, stderr, peakRss, rssFrom: withTime ? '/usr/bin/time -v' : '/proc VmHWM' });
    });
  });
}

/** The sum of a collection ledger's calls (collection.calls: each source's `calls`, retries not counted). */
const callsOf = (collection) => Object.values(collection?.calls ?? {}).reduce((sum, count) => sum + (count?.calls ?? 0), 0);

/** Bytes of every file under `dir`. */
function bytesUnder(dir) {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    bytes += entry.isDirectory() ? bytesUnder(path) : statSync(path).size;
  }
  return bytes;
}

/**
 * The evidence package a run wrote under `out` (`org-<id>/<timestamp>/`): its run.json (covered,
 * audited, unreachable, accounts), the calls recorded for the organization's facts
 * (organization.json's collection) and in each account folder's run.json, and bytes written.
 * AssumeRole calls are in no ledger: one per member account (the caller's own account needs none).
 */
function readPackage(out) {
  if (!existsSync(out)) return null;
  const packages = readdirSync(out).filter((name) => name.startsWith('org-')).flatMap((org) => readdirSync(join(out, org)).filter((name) => existsSync(join(out, org, name, 'run.json'))).map((name) => join(out, org, name)));
  if (packages.length !== 1) return null;
  const [dir] = packages;
  const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
  const factsCalls = callsOf(JSON.parse(readFileSync(join(dir, 'organization.json'), 'utf8')).collection);
  let accountCalls = 0;
  for (const account of run.accounts ?? []) {
    const file = join(dir, account.folder ?? account.id, 'run.json');
    if (existsSync(file)) accountCalls += callsOf(JSON.parse(readFileSync(file, 'utf8')).collection);
  }
  return { run, factsCalls, accountCalls, written: bytesUnder(out) };
}

/** One `audit --organization` over `accounts` (null: all of them), in a fresh --out folder: its measurements and what its package says. */
async function auditOrganization(endpoint, accounts) {
  const dir = mkdtempSync(join(tmpdir(), 'hipaa-iam-org-bench-'));
  try {
    const out = join(dir, 'out');
    const args = ['audit', '--organization', '--role-name', MEMBER_ROLE, '--concurrency', String(AUDIT_CONCURRENCY), '--regions', REGION, '--out', out, '--quiet'];
    if (accounts) args.push('--accounts', accounts.join(','));
    const measured = await runMeasured(args, auditEnvironment(endpoint), dir);
    const written = readPackage(out);
    return {
      ...measured,
      package: written,
      covered: written?.run.covered ?? 0,
      audited: written?.run.audited ?? 0,
      unreachable: written?.run.unreachable ?? [],
      factsCalls: written?.factsCalls ?? 0,
      calls: (written?.factsCalls ?? 0) + (written?.accountCalls ?? 0),
      written: written?.written ?? 0,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// --- figures ---------------------------------------------------------------------------

/** The line through two runs (fixed cost + cost per account) of `field`, at `accounts`; the cost per account is never below 0. */
function extrapolate(small, large, field, accounts) {
  const perAccount = Math.max(0, (large[field] - small[field]) / (large.accounts - small.accounts));
  return { perAccount, fixed: large[field] - perAccount * large.accounts, at: large[field] + perAccount * (accounts - large.accounts) };
}

function table(rows) {
  const head = ['accounts', 'member principals', 'wall s', 's per account', 'API calls', 'calls per account', 'peak RSS', 'written'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---:').join('|')}|`];
  for (const r of rows) {
    lines.push(`| ${[
      `${r.accounts.toLocaleString('en-US')}${r.note ? ` ${r.note}` : ''}`,
      (r.members * PRINCIPALS).toLocaleString('en-US'),
      seconds(r.ms),
      (r.ms / 1000 / r.accounts).toFixed(2),
      Math.round(r.calls).toLocaleString('en-US'),
      (r.calls / r.accounts).toFixed(1),
      mib(r.peakRss),
      r.written === undefined ? '–' : `${(r.written / 1e6).toFixed(1)} MB`,
    ].join(' | ')} |`);
  }
  return lines.join('\n');
}

/** README.md's organization-bench section, between its markers, replaced by `text`. */
function updateReadme(text) {
  const readme = new URL('../README.md', import.meta.url);
  const [begin, end] = ['<!-- organization-bench:begin -->', '<!-- organization-bench:end -->'];
  const current = readFileSync(readme, 'utf8');
  const from = current.indexOf(begin);
  const to = current.indexOf(end);
  if (from < 0 || to < from) throw new BenchFailure(`README.md has no ${begin} ... ${end} markers`);
  writeFileSync(readme, `${current.slice(0, from + begin.length)}\n${text}\n${current.slice(to)}`);
}

// --- main ------------------------------------------------------------------------------

/** A run completed when it exited 0, 1 (failing findings) or 3 (moto has no Access Analyzer: those controls are ERROR), wrote one package, and audited each of the `expected` accounts. */
function completed(result, expected) {
  const line = result.stderr.trim().split('\n').filter(Boolean).at(-1) ?? '';
  const how = `${result.signal ? `killed by ${result.signal}` : `exit ${result.status}`}${line ? `: ${line.slice(0, 300)}` : ''}`;
  if (result.signal || ![0, 1, 3].includes(result.status)) return how;
  if (!result.package) return `no single evidence package under --out (${how})`;
  if (result.covered !== expected || result.audited !== expected) {
    const unreachable = result.unreachable.slice(0, 3).map((u) => JSON.stringify(u)).join('; ');
    return `covered ${result.covered} and audited ${result.audited} of ${expected} accounts${unreachable ? `; unreachable: ${unreachable}` : ''} (${how})`;
  }
  return null;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const probe = motoProbe();
  if (!probe.installed) throw new BenchFailure(`moto is not importable by python3${probe.detail ? ` (${probe.detail})` : ''}; install it with: pip install 'moto[server]'`);
  if (!existsSync(new URL('../dist/cli/main.js', import.meta.url))) throw new BenchFailure('dist/ is missing: run npm run build first');
  const moto = await startMotoServer();
  const exitOnSignal = (signal) => process.exit(signal === 'SIGINT' ? 130 : 143);
  process.once('SIGINT', exitOnSignal);
  process.once('SIGTERM', exitOnSignal);
  try {
    console.log(`organization: ${options.accounts} member accounts of ${PRINCIPALS} principals in moto at ${moto.endpoint} (Node ${process.version}, ${cpus().length} cores, ${mib(totalmem())} memory)`);
    const seeded = await seed(moto.endpoint, options.accounts);
    const requests = seeded.organizationRequests + seeded.memberRequests;
    const seeding = `seeded the organization (${seeded.organizationRequests} requests, ${seconds(seeded.organizationMs)} s) and ${options.accounts} members (${seeded.memberRequests} requests, ${(seeded.memberRequests / options.accounts).toFixed(0)} a member, ${seconds(seeded.membersMs)} s): ${(requests / ((seeded.organizationMs + seeded.membersMs) / 1000)).toFixed(0)} requests/s`;
    console.log(seeding);
    if (options.seedOnly) return;

    // The organization's management account is an ACTIVE account too, so a run over all covers the members and it.
    const all = options.accounts + 1;
    const sample = await auditOrganization(moto.endpoint, seeded.ids.slice(0, options.sample));
    console.log(`  audit --organization --accounts (${options.sample} members): ${seconds(sample.ms)} s, ${sample.calls} calls (${sample.factsCalls} for the organization's facts), ${mib(sample.peakRss)} peak RSS, exit ${sample.status}`);
    const whole = await auditOrganization(moto.endpoint, null);
    console.log(`  audit --organization (${all} accounts): ${seconds(whole.ms)} s, ${whole.calls} calls (${whole.factsCalls} for the organization's facts), ${mib(whole.peakRss)} peak RSS, exit ${whole.status}`);

    const failures = [['the sample run', completed(sample, options.sample)], ['the whole run', completed(whole, all)]].filter(([, why]) => why);
    const rows = [
      { ...sample, accounts: options.sample, members: options.sample, note: '(--accounts)' },
      { ...whole, accounts: all, members: options.accounts },
    ];
    const results = [];
    const section = [];
    const print = (line = '') => {
      section.push(line);
      console.log(line);
    };
    console.log('');
    print(`Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${mib(totalmem())} memory, Node ${process.version}, against moto on the same machine; load average ${loadavg()[0].toFixed(1)} at the end. Each member has ${PRINCIPALS} principals (${USERS} users, ${ROLES} roles, ${GROUPS.length} groups); \`--concurrency ${AUDIT_CONCURRENCY}\`, peak RSS by ${whole.rssFrom}:`);
    print();
    if (failures.length === 0) {
      const [small, large] = rows;
      const time = extrapolate(small, large, 'ms', EXTRAPOLATE_TO);
      const calls = extrapolate(small, large, 'calls', EXTRAPOLATE_TO);
      const rss = extrapolate(small, large, 'peakRss', EXTRAPOLATE_TO);
      const written = extrapolate(small, large, 'written', EXTRAPOLATE_TO);
      print(table([...rows, { accounts: EXTRAPOLATE_TO, members: EXTRAPOLATE_TO, note: '(extrapolated)', ms: time.at, calls: calls.at, peakRss: rss.at, written: written.at }]));
      print();
      print('API calls: those recorded for the organization\'s facts (the package\'s organization.json) and in each account\'s run.json (`collection.calls`); the one `sts:AssumeRole` per member account is in neither. Written: every byte under `--out`.');
      print();
      print(`Per account (the slope between the two runs): ${(time.perAccount / 1000).toFixed(2)} s, ${calls.perAccount.toFixed(1)} calls, ${(rss.perAccount / 1024 ** 2).toFixed(2)} MiB of peak RSS, ${(written.perAccount / 1e6).toFixed(2)} MB written; fixed: ${(time.fixed / 1000).toFixed(1)} s, ${mib(rss.fixed)}. Seeding moto (not part of the audit): ${seeding.replace(/^seeded /, '')}.`);
      print();
      results.push({ name: `${all} accounts audited within ${mib(TARGET_RSS)} peak RSS`, ok: whole.peakRss < TARGET_RSS, detail: `${mib(whole.peakRss)}` });
      results.push({ name: `${EXTRAPOLATE_TO.toLocaleString('en-US')} accounts extrapolated within ${mib(TARGET_RSS)} peak RSS`, ok: rss.at < TARGET_RSS, detail: `${mib(rss.at)}, ${(time.at / 60000).toFixed(1)} min` });
    } else {
      for (const [name, why] of failures) results.push({ name: `${name} completes`, ok: false, detail: why });
    }
    for (const r of results) print(`- ${r.ok ? 'PASS' : 'FAIL'}: ${r.name} (${r.detail})`);
    if (options.readme) updateReadme(section.join('\n'));
    if (results.some((r) => !r.ok)) process.exitCode = 1;
  } finally {
    await moto.stop();
  }
}

main().catch((error) => {
  console.error(`bench failed: ${error instanceof BenchFailure ? error.message : (error?.stack ?? error)}`);
  process.exitCode = 1;
});
