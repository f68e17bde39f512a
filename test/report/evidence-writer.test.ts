import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EvidenceWriteError } from '../../src/errors.js';
import { replaceFileAtomically, runFolderName, writeFileAtomically, writeRunFolder } from '../../src/report/evidence-writer.js';

describe('writeRunFolder', () => {
  it('names the folder by UTC time in the DESIGN.md layout', () => {
    expect(runFolderName(new Date('2026-11-23T05:01:02.345Z'))).toBe('2026-11-23T05-01-02Z');
  });

  it('never overwrites an earlier run, and leaves no temporary folder', () => {
    const out = mkdtempSync(join(tmpdir(), 'hipaa-iam-out-'));
    const at = new Date('2026-11-23T05:01:02Z');
    const first = writeRunFolder(out, '123456789012', at, { 'a.csv': 'first\n' });
    const second = writeRunFolder(out, '123456789012', at, { 'a.csv': 'second\n' });
    expect(first).not.toBe(second);
    expect(readFileSync(join(first, 'a.csv'), 'utf8')).toBe('first\n');
    expect(readFileSync(join(second, 'a.csv'), 'utf8')).toBe('second\n');
    expect(readdirSync(join(out, '123456789012')).sort()).toEqual(['2026-11-23T05-01-02Z', '2026-11-23T05-01-02Z-2']);
  });

  it('clears the temporary folder a killed run left behind, but not one a live run is writing', () => {
    const out = mkdtempSync(join(tmpdir(), 'hipaa-iam-out-'));
    const account = join(out, '123456789012');
    mkdirSync(join(account, '.2026-11-23T05-01-02Z.999999999.partial'), { recursive: true });
    mkdirSync(join(account, `.2026-11-23T05-01-03Z.${process.pid}.partial`));
    writeRunFolder(out, '123456789012', new Date('2026-11-23T05:01:04Z'), { 'a.csv': '' });
    expect(readdirSync(account).sort()).toEqual([`.2026-11-23T05-01-03Z.${process.pid}.partial`, '2026-11-23T05-01-04Z']);
  });

  it('reports an output folder it cannot create as a run that could not complete (exit 3), nothing written', () => {
    const blocker = join(mkdtempSync(join(tmpdir(), 'hipaa-iam-out-')), 'a-file');
    writeFileSync(blocker, 'not a folder');
    const write = () => writeRunFolder(blocker, '123456789012', new Date(), { 'a.csv': '' });
    expect(write).toThrow(/cannot create evidence folder .*a-file\/123456789012: .*; nothing was written$/);
    expect(write).toThrow(EvidenceWriteError);
  });

  it.each(['../../escaped-evidence', '', '12345678901', '1234567890123', '12345678901a', '..', '123456789012/..'])('refuses to file evidence under the account id %j', (accountId) => {
    const out = mkdtempSync(join(tmpdir(), 'hipaa-iam-out-'));
    expect(() => writeRunFolder(join(out, 'inside'), accountId, new Date(), { 'a.csv': '' })).toThrow(/12 digits/);
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('replacing one file', () => {
  it('writes by way of a hidden temporary name and leaves nothing else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hipaa-iam-file-'));
    writeFileSync(join(dir, 'risk-register.csv'), 'old\n');
    writeFileAtomically(join(dir, 'risk-register.csv'), 'new\n');
    expect(readdirSync(dir)).toEqual(['risk-register.csv']);
    expect(readFileSync(join(dir, 'risk-register.csv'), 'utf8')).toBe('new\n');
  });

  it('asks at the last moment whether to write something else, until the answer is "go ahead"', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hipaa-iam-file-'));
    const path = join(dir, 'risk-register.csv');
    writeFileSync(path, 'v0\n');
    const answers = ['merged with v1\n', 'merged with v2\n', null];
    const seen: string[] = [];
    replaceFileAtomically(path, 'first\n', () => {
      // The new content is on disk (hidden) and the old file is still in place while it is asked.
      seen.push(readFileSync(path, 'utf8'), readdirSync(dir).filter((name) => name.endsWith('.partial')).join());
      return answers.shift()!;
    });
    expect(seen).toEqual(['v0\n', `.risk-register.csv.${process.pid}.partial`, 'v0\n', `.risk-register.csv.${process.pid}.partial`, 'v0\n', `.risk-register.csv.${process.pid}.partial`]);
    expect(readFileSync(path, 'utf8')).toBe('merged with v2\n');
    expect(readdirSync(dir)).toEqual(['risk-register.csv']);
  });
});
