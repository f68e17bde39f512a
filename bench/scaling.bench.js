// The audit's cost as the account grows (issue 12): a whole `audit --snapshot FILE` through the
// core run() (src/run.ts), at BENCH_SIZES principals (default 1000,5000,10000,20000,50000; users
// and roles, one managed policy per four principals), on snapshots written by
// bench/synthetic-account.js as `collect --save` writes them. Each size runs in child processes
// of its own, so peak memory (max RSS) is that size's alone:
//   generate  writes the snapshot file (not timed);
//   model     reads and parses the file (JSON.parse alone: the floor of any audit of it), then
//             builds the run's AccountModel and compiles every principal's policies;
//   audit     the whole run: Node's start and module loading, then run() with its phases
//             (load = read, parse, validate and cross-check the snapshot; checks; one report:<file>
//             per evidence file; write = manifest hashing and writing; register), bytes written.
// It then runs `audit --demo` recording every module imported (no AWS SDK module may load).
// Prints a Markdown table (the README's performance section is this output) and each target
// PASS or FAIL; exits 1 when one is missed. `npm run bench` runs it after the other benches;
// `node bench/scaling.bench.js --readme` also writes the tables into README.md's performance
// section (between its scaling-bench markers).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const SIZES = (process.env.BENCH_SIZES ?? '1000,5000,10000,20000,50000').split(',').map(Number);
const GiB = 1024 ** 3;
const TARGETS = {
  wholeAt10k: { principals: 10_000, seconds: 10, rss: GiB, written: 50_000_000 },
  checksAt20k: { principals: 20_000, seconds: 2 },
  largest: { principals: 50_000, rss: 4 * GiB },
};
const SELF = new URL(import.meta.url).pathname;


/** Child: the synthetic account of `principals`, saved as `collect --save` saves a snapshot. */
async function generate(principals, file) {
  const { generateSnapshot } = await import('./synthetic-account.js');
  writeFileSync(file, `${JSON.stringify(generateSnapshot(principals, Math.max(1, Math.round(principals / 4))), null, 2)}\n`);
}

/** Child: read + JSON.parse alone, then the model of the run (as the checks' context builds it) with every principal's policies compiled. */
async function model(file) {
  let started = performance.now();
  JSON.parse(readFileSync(file, 'utf8'));
  const readParseMs = performance.now() - started;
  const [{ loadSnapshot }, { checkContext }, { DEFAULT_SETTINGS }] = await Promise.all([import('../dist/snapshot/load.js'), import('../dist/checks/engine.js'), import('../dist/settings.js')]);
  const snapshot = loadSnapshot(file);
  started = performance.now();
  const context = checkContext(snapshot, DEFAULT_SETTINGS, new Date(snapshot.collectedAt));
  const accountModel = context.model;
  const compile = [
    ['users', 'userPermissions'],
    ['roles', 'rolePermissions'],
    ['groups', 'groupPermissions'],
  ];
  let compiled = 0;
  for (const [collection, method] of compile) {
    // The model's shape may change (issue 12 part 2): a member it no longer has is reported, not guessed.
    if (typeof accountModel[method] !== 'function' || !accountModel[collection]) throw new Error(`the AccountModel has no ${collection}/${method}(): update bench/scaling.bench.js`);
    for (const principal of accountModel[collection].values()) {
      accountModel[method](principal);
      compiled += 1;
    }
  }
  const modelMs = performance.now() - started;
  console.log(JSON.stringify({ readParseMs, modelMs, compiled }));
}

/** Child: the whole audit of the file through run(), as `hipaa-iam audit --snapshot FILE --out DIR` runs it. */
async function auditChild(file, outDir) {
  const [{ run }, { ALL_CHECKS }, { Chalk }] = await Promise.all([import('../dist/run.js'), import('../dist/checks/registry.js'), import('chalk')]);
  const phases = {};
  const result = await run({
    command: 'audit',
    checks: ALL_CHECKS,
    source: { kind: 'snapshot', path: file },
    outDir,
    failOn: 'low',
    colour: new Chalk({ level: 0 }),
    onPhase: (phase, ms) => {
      phases[phase] = (phases[phase] ?? 0) + ms;
    },
  });
  // performance.now() counts from the process's start: Node, module loading and the run.
  const wholeMs = performance.now();
  const accountDir = join(outDir, result.snapshot.accountId);
  let written = 0;
  for (const name of readdirSync(result.runDir)) written += statSync(join(result.runDir, name)).size;
  for (const name of readdirSync(accountDir)) if (name.endsWith('.csv')) written += statSync(join(accountDir, name)).size;
  console.log(JSON.stringify({ wholeMs, phases, peakRss: process.resourceUsage().maxRSS * 1024, written, findings: result.findings.length }));
}

function child(args) {
  const result = spawnSync(process.execPath, [SELF, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    const why = result.signal ? `killed by ${result.signal}` : `exit ${result.status}`;
    // Node ends a crash with its version; the reason is the error's own line (RangeError, heap out of memory).
    const lines = (result.stderr ?? '').trim().split('\n').filter(Boolean);
    const reason = lines.find((line) => /\b\w*Error\b|FATAL|out of memory/.test(line)) ?? lines.at(-1) ?? '';
    return { error: `${why}${reason ? `: ${reason.trim().slice(0, 200)}` : ''}` };
  }
  return JSON.parse(result.stdout.trim().split('\n').at(-1));
}

function measure(principals) {
  const dir = mkdtempSync(join(tmpdir(), `hipaa-iam-scaling-${principals}-`));
  try {
    const file = join(dir, 'snapshot.json');
    const generated = spawnSync(process.execPath, [SELF, '--generate', String(principals), file], { encoding: 'utf8' });
    if (generated.status !== 0) return { principals, error: `generating the snapshot failed: ${(generated.stderr ?? '').trim().split('\n').at(-1)}` };
    const snapshotBytes = statSync(file).size;
    const modelRun = child(['--model', file]);
    const auditRun = child(['--audit', file, join(dir, 'out')]);
    return { principals, snapshotBytes, model: modelRun, audit: auditRun };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `audit --demo` with every import recorded (test/support/module-recorder): the AWS SDK packages it loaded. */
function offlineSdkModules() {
  const dir = mkdtempSync(join(tmpdir(), 'hipaa-iam-scaling-sdk-'));
  try {
    const record = join(dir, 'modules.txt');
    const register = new URL('../test/support/module-recorder/register.mjs', import.meta.url).pathname;
    const bin = new URL('../bin/hipaa-iam.js', import.meta.url).pathname;
    const started = performance.now();
    const result = spawnSync(process.execPath, ['--import', register, bin, 'audit', '--demo', '--out', join(dir, 'out'), '--quiet'], { encoding: 'utf8', env: { ...process.env, RECORD_MODULES_FILE: record } });
    const ms = performance.now() - started;
    const modules = readFileSync(record, 'utf8').split('\n').filter(Boolean);
    const sdk = [...new Set(modules.flatMap((url) => /node_modules\/(@aws-sdk\/[^/]+|@smithy\/[^/]+)/.exec(url)?.[1] ?? []))].sort();
    return { status: result.status, modules: modules.length, sdk, ms };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const seconds = (ms) => (ms === undefined ? '–' : (ms / 1000).toFixed(2));
const mib = (bytes) => `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

function table(rows) {
  const head = ['principals', 'snapshot', 'read+parse s', 'load s', 'model s¹', 'checks s', 'reports s²', 'write s', 'register s', 'other s³', 'whole s', 'whole ÷ read+parse', 'peak RSS', 'written'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---:').join('|')}|`];
  for (const r of rows) {
    if (r.error || r.audit?.error) {
      const cells = [r.principals.toLocaleString('en-US'), r.snapshotBytes ? mb(r.snapshotBytes) : '–', seconds(r.model?.readParseMs), '–', seconds(r.model?.modelMs), `did not complete: ${(r.error ?? r.audit.error).replace(/\|/g, '/')}`];
      lines.push(`| ${[...cells, ...head.slice(cells.length).map(() => '')].join(' | ')} |`);
      continue;
    }
    const { phases, wholeMs, peakRss, written } = r.audit;
    const phaseSum = Object.values(phases).reduce((a, b) => a + b, 0);
    const reports = Object.entries(phases).filter(([p]) => p.startsWith('report:')).reduce((a, [, ms]) => a + ms, 0);
    const cells = [
      r.principals.toLocaleString('en-US'),
      mb(r.snapshotBytes),
      seconds(r.model.readParseMs),
      seconds(phases.load),
      r.model.error ? 'failed' : seconds(r.model.modelMs),
      seconds(phases.checks),
      seconds(reports),
      seconds(phases.write),
      seconds(phases.register),
      seconds(wholeMs - phaseSum),
      seconds(wholeMs),
      r.model.readParseMs ? `${(wholeMs / r.model.readParseMs).toFixed(0)}×` : '–',
      mib(peakRss),
      mb(written),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** Seconds per evidence file (rows) and size (columns). */
function reportTable(rows) {
  const done = rows.filter((r) => r.audit && !r.audit.error);
  const files = [...new Set(done.flatMap((r) => Object.keys(r.audit.phases).filter((p) => p.startsWith('report:'))))];
  const head = ['evidence file (s)', ...done.map((r) => r.principals.toLocaleString('en-US'))];
  const lines = [`| ${head.join(' | ')} |`, `|---|${done.map(() => '---:').join('|')}|`];
  for (const file of files) lines.push(`| ${file.slice('report:'.length)} | ${done.map((r) => seconds(r.audit.phases[file])).join(' | ')} |`);
  return lines.join('\n');
}

function verdicts(rows, sdk) {
  const at = (n) => rows.find((r) => r.principals === n);
  const results = [];
  const check = (name, row, judge) => {
    if (!row) return results.push({ name, ok: false, detail: 'not measured (BENCH_SIZES left it out)' });
    if (row.error || row.audit?.error) return results.push({ name, ok: false, detail: `did not complete: ${row.error ?? row.audit.error}` });
    const [ok, detail] = judge(row.audit);
    results.push({ name, ok, detail });
  };
  const w = TARGETS.wholeAt10k;
  check(`whole audit at ${w.principals.toLocaleString('en-US')} principals under ${w.seconds} s, ${mib(w.rss)} and ${mb(w.written)} written`, at(w.principals), (a) => [
    a.wholeMs < w.seconds * 1000 && a.peakRss < w.rss && a.written < w.written,
    `${seconds(a.wholeMs)} s, ${mib(a.peakRss)}, ${mb(a.written)}`,
  ]);
  const c = TARGETS.checksAt20k;
  check(`check phase at ${c.principals.toLocaleString('en-US')} principals under ${c.seconds} s`, at(c.principals), (a) => [a.phases.checks < c.seconds * 1000, `${seconds(a.phases.checks)} s`]);
  const l = TARGETS.largest;
  check(`${l.principals.toLocaleString('en-US')} principals complete under ${mib(l.rss)}`, at(l.principals), (a) => [a.peakRss < l.rss, `${seconds(a.wholeMs)} s, ${mib(a.peakRss)}`]);
  results.push({
    name: 'an offline run (audit --demo) loads no AWS SDK module',
    ok: sdk.status === 1 && sdk.modules > 0 && sdk.sdk.length === 0,
    detail: sdk.sdk.length === 0 ? `${sdk.modules} modules, none of @aws-sdk or @smithy; ${seconds(sdk.ms)} s (exit ${sdk.status})` : `loaded ${sdk.sdk.join(', ')}`,
  });
  return results;
}

/** README.md's performance section, between its markers, replaced by `text`. */
function updateReadme(text) {
  const readme = new URL('../README.md', import.meta.url);
  const [begin, end] = ['<!-- scaling-bench:begin -->', '<!-- scaling-bench:end -->'];
  const current = readFileSync(readme, 'utf8');
  const from = current.indexOf(begin);
  const to = current.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md has no ${begin} ... ${end} markers`);
  writeFileSync(readme, `${current.slice(0, from + begin.length)}\n${text}\n${current.slice(to)}`);
}

function main(options) {
  console.log(`scaling: a whole audit --snapshot at ${SIZES.map((n) => n.toLocaleString('en-US')).join(', ')} principals (Node ${process.version}, ${cpus().length} cores, ${mib(totalmem())} memory)`);
  const rows = [];
  for (const principals of SIZES) {
    const row = measure(principals);
    rows.push(row);
    const a = row.audit;
    console.log(`  ${principals.toLocaleString('en-US')} principals: ${row.error ?? a?.error ?? `${seconds(a.wholeMs)} s, ${mib(a.peakRss)}, ${mb(a.written)} written, ${a.findings} findings`}`);
  }
  const sdk = offlineSdkModules();
  const section = [];
  const print = (line = '') => {
    section.push(line);
    console.log(line);
  };
  console.log('');
  // Other work on the machine slows every figure: the load says how quiet the run was.
  print(`Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${mib(totalmem())} memory, Node ${process.version}; load average ${loadavg()[0].toFixed(1)} at the end:`);
  print();
  print(table(rows));
  print();
  print('¹ model: building the run\'s AccountModel and compiling every principal\'s policies, timed in a process of its own; a run builds it on the checks\' first use, so the checks column includes it.  ');
  print('² reports: every evidence file rendered, the sum of the table below.  ');
  print('³ other: the rest of the whole (Node\'s start, loading modules, reading the archive of runs, the matrix and register, the terminal summary).');
  print();
  print(reportTable(rows));
  print();
  const results = verdicts(rows, sdk);
  for (const r of results) print(`- ${r.ok ? 'PASS' : 'FAIL'}: ${r.name} (${r.detail})`);
  console.log('(the collection target, a fixed handful of calls at 5,000 users, is bench/collection.bench.js)');
  if (options.readme) updateReadme(section.join('\n'));
  if (results.some((r) => !r.ok)) process.exitCode = 1;
}

const [mode, ...args] = process.argv.slice(2);
if (mode === '--generate') await generate(Number(args[0]), args[1]);
else if (mode === '--model') await model(args[0]);
else if (mode === '--audit') await auditChild(args[0], args[1]);
else main({ readme: mode === '--readme' });
