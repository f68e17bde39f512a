// Times the check phase (every control of the registry) over a generated snapshot of
// BENCH_PRINCIPALS principals (default 20,000) and BENCH_POLICIES managed policies (default
// 5,000), and prints the time and the process's peak memory. Target: under 5 s and 1 GiB on 2 cores.
import { performance } from 'node:perf_hooks';
import { runChecks } from '../dist/checks/engine.js';
import { ALL_CHECKS } from '../dist/checks/registry.js';
import { DEFAULT_SETTINGS } from '../dist/settings.js';
import { generateSnapshot, NOW } from './synthetic-account.js';

const PRINCIPALS = Number(process.env.BENCH_PRINCIPALS ?? 20_000);
const POLICIES = Number(process.env.BENCH_POLICIES ?? 5_000);
const TARGET_SECONDS = 5;
const TARGET_BYTES = 1024 ** 3;

const snapshot = generateSnapshot(PRINCIPALS, POLICIES);
const settings = DEFAULT_SETTINGS;
const history = { reviews: [] };
const started = performance.now();
// One check at a time, in registry order, so the slowest show (shared caches are paid by the first that needs them).
const findings = [];
const perCheck = [];
for (const check of ALL_CHECKS) {
  const t = performance.now();
  findings.push(...runChecks([check], snapshot, settings, new Date(NOW), history));
  perCheck.push([check.meta.controlId, (performance.now() - t) / 1000]);
}
const seconds = (performance.now() - started) / 1000;
const peakBytes = process.resourceUsage().maxRSS * 1024;

const details = snapshot.sources.authorizationDetails.data;
console.log(`check phase: ${ALL_CHECKS.length} controls over ${details.users.length + details.roles.length} principals (${details.users.length} users, ${details.roles.length} roles, ${details.groups.length} groups) and ${details.policies.length} policies`);
const errors = findings.filter((f) => f.status === 'ERROR');
console.log(`findings: ${findings.length} (${errors.length} ERROR)`);
console.log(`time: ${seconds.toFixed(2)} s (target < ${TARGET_SECONDS} s); peak memory (max RSS, whole process): ${(peakBytes / 1024 ** 2).toFixed(0)} MiB (target < ${TARGET_BYTES / 1024 ** 2} MiB)`);
console.log(`slowest: ${perCheck.sort((a, b) => b[1] - a[1]).slice(0, 5).map(([id, s]) => `${id} ${s.toFixed(2)} s`).join(', ')}`);
for (const e of errors.slice(0, 3)) console.log(`  ERROR ${e.controlId}: ${e.message}`);
if (errors.length > 0 || seconds > TARGET_SECONDS || peakBytes > TARGET_BYTES) {
  console.log('FAIL: the check phase missed its target or reported ERROR');
  process.exit(1);
}
console.log('PASS');
