import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { MAX_EXPORT_BYTES, cliOutputFormatOf, credentialReportMistake, parseExportJson, readExportFile } from '../../src/snapshot/export-file.js';

const FORMATS = new URL('../fixtures/cli-output-formats/', import.meta.url).pathname;
const CASE = new URL('../fixtures/cases/import-hints/', import.meta.url).pathname;
const PAGES = new URL('../fixtures/cli-pages/', import.meta.url).pathname;
const read = (path: string) => readFileSync(path, 'utf8');

describe('the AWS CLI output format of an export, from its first bytes (files made by aws-cli 2.9 against moto)', () => {
  it.each([
    ['yaml', 'account-authorization-details.json'],
    ['yaml', 'account-summary.json'],
    ['yaml', 'virtual-mfa-devices.json'],
    ['text', 'account-authorization-details.json'],
    ['text', 'account-summary.json'],
    ['table', 'account-authorization-details.json'],
    ['table', 'account-summary.json'],
    ['table', 'virtual-mfa-devices.json'],
  ] as const)('%s/%s', (format, file) => {
    const path = join(FORMATS, format, file);
    expect(cliOutputFormatOf(read(path))).toBe(format);
    expect(() => parseExportJson(path, read(path))).toThrow(new InputError(`${path} is ${format} output of the AWS CLI, not JSON: re-export with --output json`));
  });

  it('JSON exports and CSV reports are none of them', () => {
    for (const file of ['account-authorization-details.json', 'account-summary.json', 'virtual-mfa-devices.json', 'credential-report.csv']) {
      expect(cliOutputFormatOf(read(join(PAGES, file))), file).toBeNull();
    }
    expect(parseExportJson('x.json', read(join(PAGES, 'account-summary.json')))).toHaveProperty('SummaryMap');
  });

  it('the text output of an empty list is an empty file: said so, with the same advice', () => {
    const path = join(FORMATS, 'text', 'virtual-mfa-devices.json');
    expect(read(path)).toBe('');
    expect(() => parseExportJson(path, read(path))).toThrow(`${path} is empty: the export failed, or the AWS CLI's text output printed nothing; re-export with --output json`);
  });

  it('JSON that is not JSON and matches no format keeps the parser reason', () => {
    expect(() => parseExportJson('x.json', '{"a": ')).toThrow(/^x\.json is not valid JSON: /);
    expect(() => parseExportJson('x.json', '[1]')).toThrow('x.json does not hold a JSON object');
  });
});

describe('credential-report.csv that holds something else', () => {
  const command = 'aws iam get-credential-report --query Content --output text | base64 -d > credential-report.csv';
  it('still base64 (the import-hints case b64-report)', () => {
    const path = join(CASE, 'b64-report', 'credential-report.csv');
    expect(credentialReportMistake(path, read(path))).toBe(`${path} looks base64-encoded: decode it with base64 -d (${command})`);
  });

  it('the JSON answer of get-credential-report (the import-hints case forgot-query)', () => {
    const path = join(CASE, 'forgot-query', 'credential-report.csv');
    expect(credentialReportMistake(path, read(path))).toBe(`${path} is the JSON output of aws iam get-credential-report, not the report: export it with --query Content --output text | base64 -d (${command})`);
  });

  it.each(['yaml', 'text', 'table'])('the %s answer of get-credential-report', (format) => {
    const path = join(FORMATS, format, 'get-credential-report.out');
    expect(credentialReportMistake(path, read(path))).toBe(`${path} is the ${format} output of aws iam get-credential-report, not the report: export it with --query Content --output text | base64 -d (${command})`);
  });

  it('a decoded report is no mistake', () => {
    for (const format of ['yaml', 'text', 'table']) expect(credentialReportMistake('r.csv', read(join(FORMATS, format, 'credential-report.csv')))).toBeNull();
    expect(credentialReportMistake('r.csv', read(join(PAGES, 'credential-report.csv')))).toBeNull();
  });
});

describe('the size bound: a file larger than any export is refused before it is read (sparse files, nothing written to disk)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hipaa-iam-export-size-'));
  it('is 500 MiB: below the longest string V8 holds (0x1fffffe8 characters)', () => {
    expect(MAX_EXPORT_BYTES).toBe(500 * 1024 * 1024);
    expect(MAX_EXPORT_BYTES).toBeLessThan(0x1fffffe8);
  });

  it('a 7.4 GB table export is named as table output', () => {
    const path = join(dir, 'table.json');
    writeFileSync(path, read(join(FORMATS, 'table', 'account-authorization-details.json')));
    truncateSync(path, 7_400_000_000);
    expect(() => readExportFile(path)).toThrow(new InputError(`${path} is table output of the AWS CLI, not JSON (7400000000 bytes): re-export with --output json`));
  });

  it('an oversized file of JSON is refused with the way to export in pages', () => {
    const path = join(dir, 'big.json');
    writeFileSync(path, '{"UserDetailList": [');
    truncateSync(path, MAX_EXPORT_BYTES + 1);
    expect(() => readExportFile(path)).toThrow(
      new InputError(`${path} is ${MAX_EXPORT_BYTES + 1} bytes, more than any export of one account can be (${MAX_EXPORT_BYTES} bytes): check it is the JSON output of the command, or export in pages (--max-items N, then --starting-token, saved as <export>-N.json)`),
    );
  });

  it('a file within the bound is read', () => {
    const path = join(dir, 'small.json');
    writeFileSync(path, '{}');
    expect(readExportFile(path)).toBe('{}');
  });
});
