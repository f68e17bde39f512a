import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/cli.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { motoInstalled, startMoto, type Moto } from '../support/moto.js';

const BIN = new URL('../../bin/hipaa-iam.js', import.meta.url).pathname;

/**
 * Ctrl-C during a slow live collection: moto behind the fault proxy, which holds the answer to
 * GetAccountAuthorizationDetails for 60 s. The signal is sent once the CLI has asked for it.
 */
describe.skipIf(!motoInstalled)('an interrupted run prints one line, exits 128 + the signal, and writes nothing', () => {
  let moto: Moto;
  let proxy: FaultProxy;
  beforeAll(async () => {
    moto = await startMoto();
    proxy = await startFaultProxy({ upstream: moto.endpoint, rules: [{ action: 'GetAccountAuthorizationDetails', fault: 'delay', delayMs: 60_000 }] });
  });
  afterAll(async () => {
    await proxy?.stop();
    await moto?.stop();
  });

  const interrupted = async (args: string[], signal: 'SIGINT' | 'SIGTERM') => {
    const seen = proxy.requests.length;
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...moto.env, AWS_ENDPOINT_URL: proxy.endpoint },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, sig) => resolve({ code, signal: sig })));
    const deadline = Date.now() + 30_000;
    while (!proxy.requests.slice(seen).some((r) => r.action === 'GetAccountAuthorizationDetails')) {
      if (Date.now() > deadline) throw new Error(`the CLI never asked for the authorization details: ${stderr}`);
      await sleep(50);
    }
    child.kill(signal);
    const result = await exited;
    return { ...result, stdout, stderr };
  };

  it('audit, Ctrl-C (SIGINT): exit 130, one line, no run folder, no lock left', async () => {
    const out = tempDir('interrupt-audit');
    const result = await interrupted(['audit', '--out', out, '--regions', 'us-east-1'], 'SIGINT');
    expect(result).toMatchObject({ code: 130, signal: null, stdout: '', stderr: 'hipaa-iam: interrupted; nothing was written for this run\n' });
    expect(readdirSync(out)).toEqual([]);
  }, 60_000);

  it('audit, SIGTERM: exit 143, the same line', async () => {
    const out = tempDir('interrupt-term');
    const result = await interrupted(['audit', '--out', out, '--regions', 'us-east-1'], 'SIGTERM');
    expect(result).toMatchObject({ code: 143, stderr: 'hipaa-iam: interrupted; nothing was written for this run\n' });
    expect(readdirSync(out)).toEqual([]);
  }, 60_000);

  it('collect --save, Ctrl-C: exit 130, no snapshot, no leftover', async () => {
    const dir = tempDir('interrupt-collect');
    const save = join(dir, 'nested', 'snapshot.json');
    const result = await interrupted(['collect', '--save', save, '--regions', 'us-east-1'], 'SIGINT');
    expect(result).toMatchObject({ code: 130, stderr: 'hipaa-iam: interrupted; nothing was written for this run\n' });
    expect(existsSync(save)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  }, 60_000);
});
