// Compares hipaa-iam's live collection with the per-user approach (ListUsers, then
// ListMFADevices + GetLoginProfile for every user, as the hardening guide's PowerShell script
// does) against a local moto server seeded with BENCH_USERS users (default 5000).
// Run with `npm run bench`; it exits 1 if ours makes more than MAX_OUR_CALLS calls.

// Read when an SDK client is constructed, so setting it here (after the hoisted imports) is early enough.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AttachGroupPolicyCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  GetLoginProfileCommand,
  IAMClient,
  ListMFADevicesCommand,
  paginateListUsers,
} from '@aws-sdk/client-iam';
import { createAwsClients } from '../dist/collect/aws-clients.js';
import { motoProbe, startMotoServer } from '../test/support/moto-server.js';
import { CallLedger } from '../dist/collect/call-ledger.js';
import { collectLive } from '../dist/collect/live.js';
import { forEachLimited, range } from './limited.js';

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
/** Requests in flight at once, for seeding and for the per-user approach alike. */
const CONCURRENCY = 16;
const GROUPS = ['bench-admins', 'bench-clinicians', 'bench-billing', 'bench-readonly'];
/** Ours should make a handful of calls whatever the account's size. */
const MAX_OUR_CALLS = 50;

class BenchFailure extends Error {}

async function main() {
  const userCount = parseUserCount(process.env.BENCH_USERS);
  const probe = motoProbe();
  if (!probe.installed) {
    console.error(`moto is not importable by python3${probe.detail ? ` (${probe.detail})` : ''}; install it with: pip install 'moto[server]'`);
    process.exit(1);
  }
  const moto = await startMotoServer();
  // Ctrl-C or a kill still stops moto (the launcher reaps it on exit).
  const exitOnSignal = (signal) => process.exit(signal === 'SIGINT' ? 130 : 143);
  process.once('SIGINT', exitOnSignal);
  process.once('SIGTERM', exitOnSignal);
  try {
    console.log(`moto listening on ${moto.endpoint}`);
    const seeded = await seed(moto.endpoint, userCount);
    pointSdkAt(moto.endpoint);

    const ours = await runOurs(userCount);
    const perUser = await runPerUser();
    compareFindings(ours, perUser, seeded);

    printTable([
      ['hipaa-iam collectLive', ours.calls, ours.seconds, ours.users],
      ['per-user (PowerShell guide)', perUser.calls, perUser.seconds, perUser.users],
    ]);
    console.log(`ours by operation: ${formatOperations(ours.operations)}`);
    if (ours.calls > MAX_OUR_CALLS) {
      throw new BenchFailure(`hipaa-iam made ${ours.calls} API calls for ${userCount} users, more than ${MAX_OUR_CALLS}`);
    }
    console.log(`PASS: hipaa-iam made ${ours.calls} API calls for ${userCount} users (at most ${MAX_OUR_CALLS}); the per-user approach made ${perUser.calls}.`);
  } finally {
    await moto.stop();
  }
}

function parseUserCount(raw) {
  if (raw === undefined || raw === '') return 5000;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new BenchFailure(`BENCH_USERS must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}

// --- moto ------------------------------------------------------------------------------


/** A port the OS just handed out; tiny race with other processes, acceptable for a bench. */



// --- seeding ---------------------------------------------------------------------------

/** Every 2nd user gets a console password and every 6th (a third of those) an enabled virtual MFA device. */
async function seed(endpoint, userCount) {
  const iam = new IAMClient({ endpoint, region: REGION, credentials: CREDENTIALS });
  const started = performance.now();

  const { Policy: policy } = await iam.send(new CreatePolicyCommand({
    PolicyName: 'bench-phi-read',
    PolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::bench-phi/*' }],
    }),
  }));
  for (const group of GROUPS) {
    await iam.send(new CreateGroupCommand({ GroupName: group }));
    await iam.send(new AttachGroupPolicyCommand({ GroupName: group, PolicyArn: policy.Arn }));
  }

  const expected = { passwords: new Set(), mfa: new Set() };
  await forEachLimited(range(userCount), CONCURRENCY, async (i) => {
    const userName = `bench-user-${String(i).padStart(5, '0')}`;
    await iam.send(new CreateUserCommand({ UserName: userName }));
    if (i % 2 !== 0) return;
    await iam.send(new CreateLoginProfileCommand({ UserName: userName, Password: `Bench-${i}-password!` }));
    expected.passwords.add(userName);
    if (i % 6 !== 0) return;
    const { VirtualMFADevice: device } = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: userName }));
    await iam.send(new EnableMFADeviceCommand({
      UserName: userName,
      SerialNumber: device.SerialNumber,
      AuthenticationCode1: '123456',
      AuthenticationCode2: '654321',
    }));
    expected.mfa.add(userName);
  });
  iam.destroy();

  const seconds = (performance.now() - started) / 1000;
  console.log(`seeded ${userCount} users (${expected.passwords.size} with a console password, ${expected.mfa.size} with MFA) and ${GROUPS.length} groups in ${seconds.toFixed(1)} s`);
  return expected;
}

/** createAwsClients reads its endpoint and credentials from the environment, like a real run. */
function pointSdkAt(endpoint) {
  process.env.AWS_ENDPOINT_URL = endpoint;
  process.env.AWS_ACCESS_KEY_ID = CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = CREDENTIALS.secretAccessKey;
  // Service-specific endpoints would win over AWS_ENDPOINT_URL, a stray session token would be
  // sent with the keys, and a profile makes the SDK's chain skip the environment's keys.
  delete process.env.AWS_ENDPOINT_URL_IAM;
  delete process.env.AWS_ENDPOINT_URL_STS;
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
}

// --- the two approaches ----------------------------------------------------------------

async function runOurs(userCount) {
  const clients = await createAwsClients({ region: REGION });
  const started = performance.now();
  const snapshot = await collectLive({
    clients,
    description: 'bench against moto',
    // One region: Access Analyzer's retried 500s from moto would otherwise weigh on the timing.
    regions: [REGION],
    // moto has the report at once; keep polling short in case it does not.
    credentialReportTiming: { sleep: (ms) => sleep(ms), deadlineMs: 30_000, firstDelayMs: 200, maxDelayMs: 1_000 },
  });
  const seconds = (performance.now() - started) / 1000;
  clients.iam.destroy();
  clients.sts.destroy();

  for (const [name, source] of Object.entries(snapshot.sources)) {
    // moto has no IAM Access Analyzer: there that source is an error by design.
    if (name === 'accessAnalyzer') continue;
    if (source.status !== 'ok') throw new BenchFailure(`hipaa-iam source ${name} failed: ${source.error.code}: ${source.error.message}`);
  }
  // Real AWS adds a <root_account> row; moto does not. Either way it is not a user.
  const rows = snapshot.sources.credentialReport.data.rows.filter((row) => row.user !== '<root_account>');
  const detailUsers = snapshot.sources.authorizationDetails.data.users.length;
  if (rows.length !== userCount) throw new BenchFailure(`credential report has ${rows.length} user rows, expected ${userCount}`);
  if (detailUsers !== userCount) throw new BenchFailure(`authorization details list ${detailUsers} users, expected ${userCount}`);

  const calls = Object.values(snapshot.collection.calls);
  const operations = {};
  for (const count of calls) {
    for (const [operation, n] of Object.entries(count.operations)) operations[operation] = (operations[operation] ?? 0) + n;
  }
  return {
    calls: calls.reduce((sum, count) => sum + count.calls, 0),
    operations,
    seconds,
    users: rows.length,
    passwords: new Set(rows.filter((row) => row.password_enabled === 'true').map((row) => row.user)),
    mfa: new Set(rows.filter((row) => row.mfa_active === 'true').map((row) => row.user)),
  };
}

async function runPerUser() {
  // Same clients and retry settings as ours, counted by the same ledger, so only the approach differs.
  const { iam, sts } = await createAwsClients({ region: REGION });
  sts.destroy();
  const ledger = new CallLedger();
  ledger.attach(iam);
  const started = performance.now();

  const userNames = [];
  for await (const page of paginateListUsers({ client: iam }, {})) {
    for (const user of page.Users ?? []) userNames.push(user.UserName);
  }
  const passwords = new Set();
  const mfa = new Set();
  await forEachLimited(userNames, CONCURRENCY, async (userName) => {
    const { MFADevices: devices = [] } = await iam.send(new ListMFADevicesCommand({ UserName: userName }));
    if (devices.length > 0) mfa.add(userName);
    try {
      await iam.send(new GetLoginProfileCommand({ UserName: userName }));
      passwords.add(userName);
    } catch (error) {
      // NoSuchEntity is the answer "no console password", not a failure.
      if (error.name !== 'NoSuchEntityException') throw error;
    }
  });
  const seconds = (performance.now() - started) / 1000;
  iam.destroy();

  return {
    calls: Object.values(ledger.snapshot()).reduce((sum, count) => sum + count.calls, 0),
    seconds,
    users: userNames.length,
    passwords,
    mfa,
  };
}

/** Both approaches must agree with each other and with what was seeded, user by user. */
function compareFindings(ours, perUser, seeded) {
  for (const [label, key] of [['console passwords', 'passwords'], ['MFA', 'mfa']]) {
    const differences = [
      ['per-user approach', perUser[key]],
      ['seeded accounts', seeded[key]],
    ].filter(([, other]) => !sameSet(ours[key], other));
    if (differences.length > 0) {
      const detail = differences.map(([name, other]) => `${name} found ${other.size}`).join(', ');
      throw new BenchFailure(`users with ${label} disagree: credential report has ${ours[key].size}, ${detail}`);
    }
  }
  if (perUser.users !== ours.users) throw new BenchFailure(`per-user approach listed ${perUser.users} users, ours ${ours.users}`);
  console.log(`both approaches agree: ${ours.passwords.size} users with a console password, ${ours.mfa.size} with MFA active (same users, matching the seed)`);
}

// --- helpers ---------------------------------------------------------------------------


function sameSet(a, b) {
  return a.size === b.size && [...a].every((item) => b.has(item));
}

function formatOperations(operations) {
  return Object.entries(operations).map(([operation, n]) => `${operation} ${n}`).join(', ');
}

function printTable(rows) {
  const header = ['approach', 'API calls', 'seconds', 'users'];
  const cells = rows.map(([approach, calls, seconds, users]) => [approach, String(calls), seconds.toFixed(2), String(users)]);
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((row) => row[column].length)));
  // Text column left-aligned, numbers right-aligned.
  const line = (row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  console.log('');
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of cells) console.log(line(row));
  console.log('');
}

main().catch((error) => {
  console.error(`bench failed: ${error instanceof BenchFailure ? error.message : (error?.stack ?? error)}`);
  process.exitCode = 1;
});
