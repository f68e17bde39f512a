// Times the check phase (every control of the registry) over a generated snapshot of
// BENCH_PRINCIPALS principals (default 20,000) and BENCH_POLICIES managed policies (default
// 5,000), and prints the time and the process's peak memory. Target: the whole check phase under
// 2 s (issue 12) and 1 GiB on this 2-core machine, quiet. The checks share one context, as in a
// run; its account model (every principal's policies, compiled once) is built first and timed as
// "model", inside the check phase's total; results per distinct policy set are paid by the first
// check that asks for them.
import { performance } from 'node:perf_hooks';
import { checkContext, runChecksIn } from '../dist/checks/engine.js';
import { ALL_CHECKS } from '../dist/checks/registry.js';
import { DEFAULT_SETTINGS } from '../dist/settings.js';
import { generateSnapshot, NOW } from './synthetic-account.js';

const PRINCIPALS = Number(process.env.BENCH_PRINCIPALS ?? 20_000);
const POLICIES = Number(process.env.BENCH_POLICIES ?? 5_000);
const TARGET_SECONDS = 2;
const TARGET_BYTES = 1024 ** 3;

const snapshot = generateSnapshot(PRINCIPALS, POLICIES);
const settings = DEFAULT_SETTINGS;
const history = { reviews: [] };
const started = performance.now();
// One check at a time, in registry order, within one context (one account model), so the slowest show.
const context = checkContext(snapshot, settings, new Date(NOW), history);
const details = snapshot.sources.authorizationDetails.data;
const model = context.model;
for (const user of details.users) model.userPermissions(user);
for (const role of details.roles) model.rolePermissions(role);
for (const group of details.groups) model.groupPermissions(group);
const modelSeconds = (performance.now() - started) / 1000;
const findings = [];
const perCheck = [];
for (const check of ALL_CHECKS) {
  const t = performance.now();
  findings.push(...runChecksIn(context, [check]));
  perCheck.push([check.meta.controlId, (performance.now() - t) / 1000]);
}
const seconds = (performance.now() - started) / 1000;
const peakBytes = process.resourceUsage().maxRSS * 1024;

console.log(`check phase: ${ALL_CHECKS.length} controls over ${details.users.length + details.roles.length} principals (${details.users.length} users, ${details.roles.length} roles, ${details.groups.length} groups) and ${details.policies.length} policies`);
const errors = findings.filter((f) => f.status === 'ERROR');
console.log(`findings: ${findings.length} (${errors.length} ERROR)`);
console.log(`time: ${seconds.toFixed(2)} s (target < ${TARGET_SECONDS} s); peak memory (max RSS, whole process): ${(peakBytes / 1024 ** 2).toFixed(0)} MiB (target < ${TARGET_BYTES / 1024 ** 2} MiB)`);
console.log(`model: ${modelSeconds.toFixed(2)} s; slowest: ${perCheck.sort((a, b) => b[1] - a[1]).slice(0, 6).map(([id, s]) => `${id} ${s.toFixed(2)} s`).join(', ')}`);
for (const e of errors.slice(0, 3)) console.log(`  ERROR ${e.controlId}: ${e.message}`);
if (errors.length > 0 || seconds > TARGET_SECONDS || peakBytes > TARGET_BYTES) {
  console.log('FAIL: the check phase missed its target or reported ERROR');
  process.exit(1);
}
console.log('PASS');
