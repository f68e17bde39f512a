import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXPORT_SCRIPT_PATH, IMPORT_FILES, importFilesTable, type ExportFileSpec } from '../../src/snapshot/import-files.js';
import { hipaaIam } from '../support/cli.js';

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
