import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/checks/check.js';
import { hipaaIam, readFindings, runFolders, tempDir, type CliResult } from '../support/cli.js';
import { enforceIamAuthorization } from '../support/moto-auth.js';
import { motoInstalled, startMoto, type Moto } from '../support/moto.js';
import { MANAGEMENT, REGION, seedOrganization, type Seeded } from '../support/moto-organization.js';

/*
 * Issue 13's Done-when, end to end through the built CLI on moto: `audit --organization` over an
 * organization of three members (one without the auditor role, one with a weak password policy)
 * writes one package whose per-account verdicts equal those of auditing each account alone with
 * `audit --role-arn`, apart from what the organization facts change, each such difference stated
 * in its finding's evidence; and the unreachable account is a FAIL of organization-coverage.
 * (Seeding and what moto cannot show: test/support/moto-organization.ts.)
 */

/** Controls judged only over an organization: IAM-038 reads the facts, IAM-039 is judged in the roll-up. */
const ORGANIZATION_ONLY = new Set(['root-credentials-central', 'organization-coverage']);

const key = (f: Finding) => `${f.controlId} ${f.resourceArn}`;

describe.skipIf(!motoInstalled)('audit --organization on moto: one package, each account as if audited alone', () => {
  let moto: Moto;
  let seeded: Seeded;
  let env: Record<string, string>;
  let org: CliResult;
  let packageDir: string;
  const out = tempDir('org-audit');

  beforeAll(async () => {
    moto = await startMoto();
    seeded = await seedOrganization(moto);
    await enforceIamAuthorization(moto.endpoint);
    env = { ...moto.env, AWS_ACCESS_KEY_ID: seeded.reader.accessKeyId, AWS_SECRET_ACCESS_KEY: seeded.reader.secretAccessKey, AWS_REGION: REGION };
    org = hipaaIam(['audit', '--organization', '--regions', REGION, '--out', out], env);
    const orgDir = readdirSync(out).find((name) => name.startsWith('org-'));
    const stamp = orgDir ? readdirSync(join(out, orgDir)).find((name) => /^\d{4}-/.test(name)) : undefined;
    packageDir = orgDir && stamp ? join(out, orgDir, stamp) : '';
  }, 300_000);

  afterAll(async () => {
    await moto?.stop();
  });

  it('writes one package, exits 3 (an account unreachable, Access Analyzer ERROR on moto), and names every account', () => {
    expect(org.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(org.status).toBe(3);
    expect(packageDir).not.toBe('');
    const folders = readdirSync(packageDir).filter((name) => /^\d{12}$/.test(name)).sort();
    expect(folders).toEqual([MANAGEMENT, seeded.prod, seeded.dev].sort());
    for (const account of [MANAGEMENT, seeded.prod, seeded.dev, seeded.noRole]) expect(org.stdout).toContain(account);
    const verify = hipaaIam(['verify', packageDir]);
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/^OK: /);
  });

  it('the account without the auditor role is a FAIL of organization-coverage naming it, the step and the reason', () => {
    const coverage = readFindings(packageDir).findings.filter((f) => f.controlId === 'organization-coverage');
    const failed = coverage.filter((f) => f.status === 'FAIL');
    expect(failed.map((f) => f.resourceName)).toEqual([seeded.noRole]);
    expect(failed[0]!.message).toContain(seeded.noRole);
    expect(failed[0]!.evidence).toMatchObject({ step: 'assume-role', reason: expect.stringMatching(/^AccessDenied: .*sts:AssumeRole/) });
    expect(coverage.filter((f) => f.status === 'PASS').map((f) => f.resourceName).sort()).toEqual([MANAGEMENT, seeded.prod, seeded.dev].sort());
  });

  it('the weak password policy fails in its own account only', () => {
    const password = (account: string) => readFindings(join(packageDir, account)).findings.find((f) => f.controlId === 'password-policy')!.status;
    expect(password(seeded.dev)).toBe('FAIL');
    expect(password(seeded.prod)).toBe('PASS');
  });

  it('each member’s verdicts equal a single-account audit of it, every difference stated in its evidence', () => {
    for (const account of [seeded.prod, seeded.dev]) {
      const aloneOut = tempDir('org-alone');
      const alone = hipaaIam(['audit', '--role-arn', `arn:aws:iam::${account}:role/hipaa-iam-auditor`, '--regions', REGION, '--out', aloneOut], env);
      expect(alone.status, alone.stderr).toBe(3); // Access Analyzer is ERROR on moto in both runs
      const single = new Map(readFindings(runFolders(aloneOut, account)[0]!).findings.map((f) => [key(f), f]));
      const inOrg = new Map(readFindings(join(packageDir, account)).findings.map((f) => [key(f), f]));
      const stated: string[] = [];
      for (const [k, f] of inOrg) {
        if (ORGANIZATION_ONLY.has(f.controlId)) continue;
        const before = single.get(k);
        if (before?.status === f.status) continue;
        // A verdict the organization facts changed (or a finding they added, e.g. the organization trail's) says so.
        expect(f.evidence, `${account} ${k}: ${before?.status ?? 'absent'} alone, ${f.status} in the organization run`).toHaveProperty('organization');
        stated.push(`${k}: ${before?.status ?? 'absent'} → ${f.status}`);
      }
      for (const [k, f] of single) {
        if (ORGANIZATION_ONLY.has(f.controlId) || inOrg.has(k)) continue;
        // A finding of the single run that the organization run has not: its control's findings in the org run must say why.
        const sameControl = [...inOrg.values()].filter((g) => g.controlId === f.controlId);
        expect(sameControl.some((g) => 'organization' in g.evidence), `${account} ${k} missing from the organization run`).toBe(true);
      }
      expect(single.size).toBeGreaterThan(30);
      // The organization trail covers both members on moto (their own DescribeTrails does not list it): at least that differs.
      expect(stated.some((line) => line.startsWith('cloudtrail-'))).toBe(true);
    }
  });
});
