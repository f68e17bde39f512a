import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hipaaIam, readFindings, runFolders, tempDir, verdicts } from './support/cli.js';

const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;

describe('--import of a partial AWS CLI export: one line, exit 2, nothing written', () => {
  it.each([
    ['cases/truncated-authorization-export/import', 'IsTruncated and Marker'],
    ['cases/truncated-authorization-export/import-nexttoken', 'NextToken'],
    ['cases/truncated-cli-export/truncated', 'NextToken'],
  ])('%s (a page carrying %s)', (folder, fields) => {
    const out = tempDir('cli-pages-out');
    const result = hipaaIam(['audit', '--import', `${FIXTURES}${folder}`, '--out', out]);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      `hipaa-iam: account-authorization-details.json is a truncated page (it carries ${fields}): re-export without --max-items/--no-paginate (aws iam get-account-authorization-details --output json > account-authorization-details.json), or add every page as account-authorization-details-N.json`,
    ]);
    expect(result.stdout).toBe('');
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('--import of whole exports', () => {
  it('truncated-cli-export/full: admin-access FAILs svc-c and svc-z', () => {
    const out = tempDir('cli-pages-full');
    const result = hipaaIam(['least-privilege', '--import', `${FIXTURES}cases/truncated-cli-export/full`, '--out', out]);
    expect(result.status).toBe(3); // the sources no CLI export carries are ERROR
    const findings = readFindings(runFolders(out, '123456789012')[0]!).findings.filter((f) => f.controlId === 'admin-access');
    expect(verdicts(findings)).toEqual({ 'admin-access apps': 'PASS', 'admin-access svc-a': 'PASS', 'admin-access svc-b': 'PASS', 'admin-access svc-c': 'FAIL', 'admin-access svc-z': 'FAIL' });
  });

  it('cli-pages: three page files are judged as one export, and run.json says they were merged', () => {
    const out = tempDir('cli-pages-merged');
    const result = hipaaIam(['least-privilege', '--import', `${FIXTURES}cli-pages`, '--out', out]);
    expect(result.status).toBe(3);
    const { run, findings } = readFindings(runFolders(out, '123456789012')[0]!);
    const admins = findings.filter((f) => f.controlId === 'admin-access' && f.status === 'FAIL').map((f) => f.resourceName);
    expect(admins.sort()).toEqual(['ci-deployer', 'svc-c', 'svc-d', 'svc-z']);
    expect(JSON.stringify(run)).toContain('account-authorization-details: 3 pages merged; list-roles: 2 pages merged');
  });
});

describe('an import never records its caller: that is no source that "could not be read"', () => {
  it('run.json, report.html and collect --save name the sources that failed, not callerIdentity', () => {
    const out = tempDir('cli-import-caller');
    const result = hipaaIam(['audit', '--import', `${FIXTURES}cli-pages`, '--out', out]);
    expect(result.status, result.stderr).toBe(3);
    const [runDir] = runFolders(out, '123456789012');
    const { run } = readFindings(runDir!);
    const errors = (run.sourceErrors as { source: string; code: string }[]).map((e) => `${e.source}: ${e.code}`);
    expect(errors).toContain('cloudTrail: NotInImport'); // a missing export still is one
    expect(errors.filter((e) => e.startsWith('callerIdentity'))).toEqual([]);
    const box = /<div class="source-errors">.*?<\/div>/s.exec(readFileSync(join(runDir!, 'report.html'), 'utf8'))?.[0] ?? '';
    expect(box).toContain('cloudTrail: NotInImport');
    expect(box).not.toContain('callerIdentity');

    const saved = hipaaIam(['collect', '--import', `${FIXTURES}cli-pages`, '--save', join(tempDir('cli-import-caller-save'), 'snapshot.json')]);
    expect(saved.status, saved.stderr).toBe(0);
    expect(saved.stdout).toMatch(/\(sources with errors: .*cloudTrail/);
    expect(saved.stdout).not.toMatch(/callerIdentity/);
  });
});
