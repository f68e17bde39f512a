import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = new URL('../../../bin/hipaa-iam.js', import.meta.url).pathname;
const REGISTER = new URL('./register.mjs', import.meta.url).pathname;

export interface RecordedRun {
  status: number | null;
  stderr: string;
  /** Every module URL the process imported (node: built-ins, the package's files, its dependencies). */
  modules: string[];
}

/** Runs the built CLI as a user would, recording every module it imports (ESM resolve hook). */
export function hipaaIamRecordingModules(args: string[], env: Record<string, string> = {}): RecordedRun {
  const dir = mkdtempSync(join(tmpdir(), 'hipaa-iam-modules-'));
  const record = join(dir, 'modules.txt');
  try {
    const result = spawnSync(process.execPath, ['--import', REGISTER, BIN, ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env, RECORD_MODULES_FILE: record },
      timeout: 120_000,
      killSignal: 'SIGKILL',
    });
    let modules: string[] = [];
    try {
      modules = [...new Set(readFileSync(record, 'utf8').split('\n').filter(Boolean))];
    } catch {
      // No record: the hook never ran; callers see an empty list and fail.
    }
    return { status: result.status, stderr: result.stderr, modules };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The AWS SDK's packages among recorded modules (@aws-sdk/*, @smithy/*), by package name. */
export function sdkPackages(modules: readonly string[]): string[] {
  return [...new Set(modules.flatMap((url) => /node_modules\/(@aws-sdk\/[^/]+|@smithy\/[^/]+)/.exec(url)?.[1] ?? []))].sort();
}
