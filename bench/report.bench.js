// report.html of a large account: two full audits (the second has a trend of two runs) of a
// generated account of BENCH_PRINCIPALS principals (default 10,000: users + roles) and
// BENCH_POLICIES managed policies (default 2,500), written by the real audit path (register,
// matrix, trend and all). Prints the file's size and how long headless Chromium takes to load,
// lay out and paint it. Targets: under 10 MB and under 3 s; exits 1 when one is missed.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Chalk } from 'chalk';
import { audit } from '../dist/audit.js';
import { ALL_CHECKS } from '../dist/checks/registry.js';
import { CHROMIUM, renderTime } from './chromium-render.js';
import { generateSnapshot } from './synthetic-account.js';

const PRINCIPALS = Number(process.env.BENCH_PRINCIPALS ?? 10_000);
const POLICIES = Number(process.env.BENCH_POLICIES ?? 2_500);
const TARGET_BYTES = 10_000_000;
const TARGET_MS = 3_000;

if (!existsSync(CHROMIUM)) {
  console.log(`FAIL: report.html cannot be timed: Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium)`);
  process.exit(1);
}

const snapshot = generateSnapshot(PRINCIPALS, POLICIES);
const outDir = mkdtempSync(join(tmpdir(), 'hipaa-iam-report-bench-'));
try {
  const request = { command: 'audit', checks: ALL_CHECKS, snapshot, outDir, failOn: 'low', formats: ['html'], colour: new Chalk({ level: 0 }) };
  audit({ ...request, startedAt: new Date('2026-10-20T12:00:00.000Z') });
  const { runDir, findings } = audit({ ...request, startedAt: new Date('2026-11-20T12:00:00.000Z') });
  const report = join(runDir, 'report.html');
  const bytes = statSync(report).size;
  const tally = {};
  for (const f of findings) tally[f.status] = (tally[f.status] ?? 0) + 1;
  const details = snapshot.sources.authorizationDetails.data;
  console.log(`report.html of ${details.users.length + details.roles.length} principals (${details.users.length} users, ${details.roles.length} roles): ${findings.length} findings (${Object.entries(tally).map(([s, n]) => `${n} ${s}`).join(', ')})`);
  console.log(`size: ${(bytes / 1_000_000).toFixed(2)} MB (target < ${TARGET_BYTES / 1_000_000} MB)`);
  // The first run of a fresh Chromium pays for its own start-up caches; time the second.
  await renderTime(pathToFileURL(report).href);
  const { renderMs, loadMs, layoutMs } = await renderTime(pathToFileURL(report).href);
  console.log(`render: ${renderMs.toFixed(0)} ms from navigation to the first screen's screenshot (target < ${TARGET_MS} ms); in the page: load event ${loadMs.toFixed(0)} ms, full layout ${layoutMs.toFixed(0)} ms`);
  if (bytes >= TARGET_BYTES || renderMs >= TARGET_MS) {
    console.log('FAIL: report.html missed its size or render target');
    process.exitCode = 1;
  } else {
    console.log('PASS');
  }
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
