// Runs every bench, even after one misses its target, so one slow figure never hides the others;
// exits 1 if any missed.
import { spawnSync } from 'node:child_process';

const benches = ['collection.bench.js', 'checks.bench.js', 'report.bench.js'];
const missed = [];
for (const bench of benches) {
  const { status } = spawnSync(process.execPath, [new URL(bench, import.meta.url).pathname], { stdio: 'inherit' });
  if (status !== 0) missed.push(`${bench} (exit ${status})`);
}
if (missed.length > 0) {
  console.error(`bench: missed a target: ${missed.join(', ')}`);
  process.exit(1);
}
