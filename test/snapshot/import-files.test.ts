import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXPORT_SCRIPT_PATH, IMPORT_FILES, importFilesTable, type ExportFileSpec } from '../../src/snapshot/import-files.js';
import { hipaaIam, tempDir } from '../support/cli.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const SCRIPT = readFileSync(EXPORT_SCRIPT_PATH, 'utf8');
const SPECS: [string, ExportFileSpec][] = Object.entries(IMPORT_FILES);
/** A table path as the script writes it: `<home-region>` is `${home_region}`. */
const inScript = (file: string) => file.replace(/<([a-z-]+)>/g, (_, name: string) => `\${${name.replace(/-/g, '_')}}`);
/** The script's `run FILE aws-args…` lines, by FILE. */
const RUNS = new Map([...SCRIPT.matchAll(/^\s*run "?([^"\s]+)"? (.*)$/gm)].map((m) => [m[1]!, m[2]!]));

describe('IMPORT_FILES: the one table of the export folder', () => {
  it('is the README\'s table of the export folder, row for row', () => {
    expect(README).toContain(importFilesTable());
  });

  it.each(SPECS)('%s: examples/export-account.sh writes it, with the command the table gives', (_name, spec) => {
    const path = inScript(spec.file);
    expect(SCRIPT).toContain(path);
    const [, service, operation] = spec.command.split(' ');
    if (spec.command.startsWith('aws ') && !spec.command.includes('--query')) {
      const run = RUNS.get(path);
      expect(run, `no \`run ${path} …\` line`).toBeDefined();
      expect(run).toMatch(new RegExp(`^${service} ${operation}( |$)`));
      // Every option of the table's command (but --output, which run adds) is in the script's call.
      for (const option of spec.command.split(' > ')[0]!.match(/--[a-z-]+/g) ?? []) if (option !== '--output') expect(run, option).toContain(option);
    }
  });

  it('names every file the script writes', () => {
    const files = new Set(SPECS.map(([, spec]) => inScript(spec.file)));
    for (const file of RUNS.keys()) expect(files.has(file), file).toBe(true);
    expect(RUNS.size).toBeGreaterThan(10);
  });

  it('asks every call of the script for JSON and every page (no --max-items, no --no-paginate)', () => {
    expect(SCRIPT).toMatch(/--output json >"\$path\.partial"/);
    const code = SCRIPT.split('\n').filter((line) => !line.trimStart().startsWith('#')).join('\n');
    expect(code).not.toMatch(/--max-items|--no-paginate|--page-size/);
  });

  it('is printed whole by `hipaa-iam export-script`, from the file the package ships', () => {
    const result = hipaaIam(['export-script']);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(SCRIPT);
    const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { files: string[] };
    expect(packageJson.files).toContain('examples');
  });
});

/**
 * A stand-in `aws` on PATH: every call answers `{}` but the ones `errors` names (by "service
 * operation"), which fail as the AWS CLI does (`An error occurred (Code) …` on stderr, exit 254).
 */
function fakeAws(errors: Record<string, string> = {}): Record<string, string> {
  const bin = tempDir('fake-aws');
  const cases = Object.entries(errors)
    .map(([call, code]) => `  "${call}") echo "An error occurred (${code}) when calling the X operation: ${code}" >&2; exit 254 ;;`)
    .join('\n');
  const report = Buffer.from('user,arn,user_creation_time\n<root_account>,arn:aws:iam::123456789012:root,2026-01-01T00:00:00+00:00\n').toString('base64');
  writeFileSync(
    join(bin, 'aws'),
    `#!/usr/bin/env bash
case "$1 $2" in
${cases}
  "configure get") exit 1 ;;
  "iam generate-credential-report") echo COMPLETE ;;
  "iam get-credential-report") printf '2026-11-29T10:00:00Z\\t${report}\\n' ;;
  *) echo '{}' ;;
esac
`,
  );
  chmodSync(join(bin, 'aws'), 0o755);
  return { PATH: `${bin}:${process.env.PATH ?? ''}`, AWS_REGION: 'us-east-1' };
}
const exportScript = (args: string[], env: Record<string, string>) => spawnSync('bash', [EXPORT_SCRIPT_PATH, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });

describe('examples/export-account.sh, run with a stand-in aws', () => {
  it('refuses a folder that holds an earlier export (exit 2, one line), and leaves it as it was', () => {
    const dir = tempDir('export-again');
    writeFileSync(join(dir, 'account-summary.json'), '{"SummaryMap":{}}');
    const result = exportScript([dir, '--regions', 'us-east-1'], fakeAws({ 'iam get-account-summary': 'AccessDenied' }));
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/not an empty folder: choose a new or empty folder/);
    expect(readdirSync(dir)).toEqual(['account-summary.json']);
  });

  it('exports into an empty folder that already exists', () => {
    const dir = tempDir('export-empty');
    const result = exportScript([dir, '--regions', 'us-east-1'], fakeAws());
    expect(result.status, result.stderr).toBe(0);
    expect(readdirSync(dir)).toContain('account-summary.json');
  });

  it.each(['us-east-1,$(touch x)', 'us-east-1,../up-1', 'US-EAST-1', 'us-east-1,*'])('refuses --regions %s (exit 2) before writing anything', (regions) => {
    const dir = join(tempDir('export-regions'), 'clinic');
    const result = exportScript([dir, '--regions', regions], fakeAws());
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/is not a region name \(expected e\.g\. us-east-1\)/);
    expect(existsSync(dir)).toBe(false);
  });

  it('counts a standalone account and an unset password policy as facts, not failures (exit 0), and says so', () => {
    const dir = join(tempDir('export-standalone'), 'clinic');
    const result = exportScript([dir, '--regions', 'us-east-1,us-west-2'], fakeAws({ 'organizations describe-organization': 'AWSOrganizationsNotInUseException', 'iam get-account-password-policy': 'NoSuchEntity' }));
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/done \(no password policy is set; account is in no organization\); audit with/);
    expect(result.stderr).not.toMatch(/failed/);
    // The answers stay on record for the import, which reads them as those facts.
    expect(readFileSync(join(dir, 'organizations', 'describe-organization.json.error'), 'utf8')).toContain('AWSOrganizationsNotInUseException');
    expect(existsSync(join(dir, 'password-policy.json.error'))).toBe(true);
  });

  it('still counts a real failure beside those facts (exit 1), naming only it as failed', () => {
    const dir = join(tempDir('export-denied'), 'clinic');
    const result = exportScript([dir, '--regions', 'us-east-1'], fakeAws({ 'organizations describe-organization': 'AWSOrganizationsNotInUseException', 'iam get-account-summary': 'AccessDenied' }));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/done \(account is in no organization\), 1 call\(s\) failed/);
  });
});
