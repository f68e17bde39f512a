// One launcher of moto (the open-source AWS mock server) for the live-path tests and the
// benchmark: a free loopback port, readiness by HTTP, and a stop that always reaps the child.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';

const START_TIMEOUT_MS = 30_000;

/** moto.server needs the [server] extras (flask), so probe that module rather than bare moto. */
export function motoProbe() {
  const probe = spawnSync('python3', ['-c', 'import moto.server'], { encoding: 'utf8' });
  if (probe.status === 0) return { installed: true, detail: '' };
  const detail = probe.error ? probe.error.message : (probe.stderr ?? '').trim().split('\n').pop();
  return { installed: false, detail: detail ?? '' };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function answersHttp(endpoint) {
  return new Promise((resolve) => {
    const request = http.get(`${endpoint}/moto-api/`, (response) => {
      response.resume();
      resolve(true);
    });
    request.on('error', () => resolve(false));
    request.setTimeout(1_000, () => request.destroy());
  });
}

/**
 * Starts moto on a free loopback port and resolves once it answers. `stop()` ends it (SIGTERM,
 * then SIGKILL after 5 s); a process that dies without calling stop still kills it on exit.
 */
export async function startMotoServer(extraEnv = {}) {
  const port = await freePort();
  // moto logs every request (and a traceback for each service it lacks) to stderr. A pipe would
  // fill while a test blocks in spawnSync and stall moto, so it writes to a file instead.
  const logDir = mkdtempSync(join(tmpdir(), 'hipaa-iam-moto-'));
  const logPath = join(logDir, 'stderr.log');
  const log = openSync(logPath, 'w');
  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, ...extraEnv },
    stdio: ['ignore', 'ignore', log],
  });
  closeSync(log);
  const stderrTail = () => {
    try {
      return readFileSync(logPath, 'utf8').slice(-4000);
    } catch {
      return '';
    }
  };
  let exited = false;
  const exitedPromise = new Promise((resolve) => child.once('exit', () => { exited = true; resolve(); }));
  child.once('error', () => { exited = true; });
  const killOnExit = () => { if (!exited) child.kill('SIGKILL'); };
  process.once('exit', killOnExit);

  const stop = async () => {
    process.off('exit', killOnExit);
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exitedPromise;
      clearTimeout(timer);
    }
    rmSync(logDir, { recursive: true, force: true });
  };

  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await answersHttp(endpoint))) {
    if (exited || Date.now() > deadline) {
      const tail = stderrTail().trim();
      await stop();
      throw new Error(`moto did not start on ${endpoint}${exited ? ' (it exited)' : ''}: ${tail}`);
    }
    await sleep(100);
  }
  return { endpoint, stop };
}
