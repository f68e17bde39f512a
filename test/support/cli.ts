import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../../src/checks/check.js';
import { documentFindings } from '../../src/report/findings.js';

const BIN = new URL('../../bin/hipaa-iam.js', import.meta.url).pathname;

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built binary as a user would, without a terminal. */
export function hipaaIam(args: string[], env: Record<string, string> = {}): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    timeout: 120_000,
    // A run that hangs in the kernel (Node's mkdir loop on procfs) ignores SIGTERM; the test must still end.
    killSignal: 'SIGKILL',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * hipaaIam without blocking this process: for runs whose AWS answers come from this process (the
 * fault proxy of test/support/fault-proxy.ts), which spawnSync would freeze until its timeout.
 */
export function hipaaIamAsync(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `hipaa-iam-${prefix}-`));
}

/** The run folders an --out holds for an account, oldest first (not the living register beside them). */
export function runFolders(out: string, account: string): string[] {
  try {
    return readdirSync(join(out, account)).filter((name) => /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z(-\d+)?$/.test(name)).sort().map((name) => join(out, account, name));
  } catch {
    return [];
  }
}

/** findings.json of a run, its shared evidence resolved (src/report/shared-evidence.ts), as runFindings reads it. */
export function readFindings(runDir: string): { schemaVersion: number; run: Record<string, unknown>; findings: Finding[] } {
  const document = JSON.parse(readFileSync(join(runDir, 'findings.json'), 'utf8')) as { schemaVersion: number; run: Record<string, unknown>; findings: Finding[] };
  return { ...document, findings: (documentFindings(document) ?? document.findings) as unknown as Finding[] };
}

/** `controlId resourceName` → status, the shape live-path assertions compare. */
export function verdicts(findings: readonly Finding[]): Record<string, string> {
  return Object.fromEntries(findings.map((f) => [`${f.controlId} ${f.resourceName}`, f.status]));
}

/**
 * The one line a run prints on stderr while the built-in eligible-services list (2026-05-22) is
 * more than 180 days older than the run, i.e. from 2026-11-19: anchored, so nothing else may be there.
 */
export const STALE_LIST_WARNING =
  /^hipaa-iam: warning: the HIPAA-eligible services list is dated 2026-05-22, (\d+) days before this run \(more than 180\): AWS may have made more services eligible since; check https:\/\/aws\.amazon\.com\/compliance\/hipaa-eligible-services-reference\/ and pass your own list with --eligible-services FILE\n$/;
