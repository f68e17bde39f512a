import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hipaaIam, readFindings, runFolders, tempDir, verdicts } from '../support/cli.js';
import { motoInstalled, startMoto, type Moto } from '../support/moto.js';

/*
 * Issue 9, kind 4, live: the case's own seed script (test/fixtures/cases/mfa-deny-extra-condition-key/
 * seed_moto.py, run as it is against this test's moto) puts alice in a group whose Deny holds
 * under BoolIfExists {aws:MultiFactorAuthPresent: false, aws:ViaAWSService: false}. The audit
 * must pass her on IAM-009, and mfa-audit --enforce must plan nothing.
 */
const ACCOUNT = '123456789012';
const SEED = new URL('../fixtures/cases/mfa-deny-extra-condition-key/seed_moto.py', import.meta.url).pathname;

describe.skipIf(!motoInstalled)('live path: deny-without-MFA with aws:ViaAWSService false, seeded by the case script', () => {
  let moto: Moto;
  const out = tempDir('mfa-deny-forms');

  beforeAll(async () => {
    moto = await startMoto();
    const seeded = spawnSync('python3', [SEED, moto.endpoint], { encoding: 'utf8', timeout: 60_000 });
    if (seeded.status !== 0) throw new Error(`seed_moto.py failed: ${seeded.stderr || seeded.error?.message}`);
    expect(seeded.stdout.trim()).toBe('seeded');
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it('IAM-009 passes alice', () => {
    const result = hipaaIam(['mfa-audit', '--out', out], moto.env);
    expect(result.stderr).not.toMatch(/^hipaa-iam: /m);
    const findings = readFindings(runFolders(out, ACCOUNT).at(-1) ?? '').findings;
    expect(verdicts(findings)['mfa-enforcement alice']).toBe('PASS');
    expect(findings.find((f) => f.controlId === 'mfa-enforcement' && f.resourceName === 'alice')?.message).toContain('managed policy mandatory-mfa (BlockMostAccessUnlessSignedInWithMFA) [BoolIfExists]');
  });

  it('mfa-audit --enforce plans no change', () => {
    const before = new Set(runFolders(out, ACCOUNT));
    const result = hipaaIam(['mfa-audit', '--enforce', '--out', out], moto.env);
    expect(result.stdout).toContain('Nothing to change.');
    expect(result.stdout).not.toContain('iam:');
    const runDir = runFolders(out, ACCOUNT).find((dir) => !before.has(dir)) ?? '';
    expect(parse(readFileSync(join(runDir, 'remediation-plan.csv'), 'utf8'), { columns: true })).toEqual([]);
  });
});
