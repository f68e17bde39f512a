import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runFolders, tempDir } from './support/cli.js';

const BIN = new URL('../bin/hipaa-iam.js', import.meta.url).pathname;

/** Runs the CLI with a reader that closes stdout at once, as `| head -1` does once it has its line. */
function withClosedStdout(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' } });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

describe('a reader that stops early (| head)', () => {
  it('controls exits 0 without a stack trace', async () => {
    const { status, stderr } = await withClosedStdout(['controls']);
    expect(stderr).not.toMatch(/EPIPE|at .*\.js:\d+/);
    expect(status).toBe(0);
  });

  it('audit --json keeps its exit code and writes its evidence', async () => {
    const out = tempDir('closed-pipe');
    const { status, stderr } = await withClosedStdout(['audit', '--demo', '--json', '--out', out]);
    expect(stderr).not.toMatch(/EPIPE|at .*\.js:\d+/);
    expect(status).toBe(1);
    expect(runFolders(out, '111122223333')).toHaveLength(1);
  });
});
