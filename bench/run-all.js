// Runs every bench, even after one misses its target, so one slow figure never hides the others;
// prints which passed and exits 1 if any missed.
import { spawnSync } from 'node:child_process';

const benches = ['collection.bench.js', 'checks.bench.js', 'report.bench.js', 'scaling.bench.js', 'organization.bench.js'];
const results = [];
for (const bench of benches) {
  const { status, signal } = spawnSync(process.execPath, [new URL(bench, import.meta.url).pathname], { stdio: 'inherit' });
  results.push({ bench, ok: status === 0, how: signal ? `killed by ${signal}` : `exit ${status}` });
  console.log('');
}
console.log('bench summary:');
for (const { bench, ok, how } of results) console.log(`  ${ok ? 'PASS' : 'FAIL'} ${bench}${ok ? '' : ` (${how})`}`);
const missed = results.filter((r) => !r.ok);
if (missed.length > 0) {
  console.error(`bench: missed a target: ${missed.map((r) => `${r.bench} (${r.how})`).join(', ')}`);
  process.exit(1);
}
