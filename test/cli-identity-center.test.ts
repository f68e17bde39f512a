import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checksForGroup } from '../src/checks/registry.js';
import { DEMO_SNAPSHOT_PATH, loadSnapshot } from '../src/snapshot/load.js';
import type { IdentityCenterInstance } from '../src/snapshot/schema.js';
import { ADMINISTRATOR_ACCESS, allowOnly, group, instance, permissionSet, user } from './checks/identity-center/helpers.js';
import { hipaaIam, readFindings, runFolders, tempDir } from './support/cli.js';

/** `hipaa-iam identity-center`: IAM-033 to IAM-037 from the command line, on a small snapshot written here. */
const DEMO = '111122223333';
const OTHER = '444455556666';

const admin = permissionSet('BreakGlass', { awsManagedPolicies: [{ name: 'AdministratorAccess', arn: ADMINISTRATOR_ACCESS }], sessionDuration: 'PT12H', accounts: [DEMO, OTHER], assignments: [user(DEMO, 'u-alice'), user(OTHER, 'u-bob')] });
const clinician = permissionSet('Clinician', { inlinePolicy: allowOnly('s3:GetObject', 'dynamodb:GetItem'), sessionDuration: 'PT4H', accounts: [DEMO], assignments: [group(DEMO, 'g-clinicians')] });
const games = permissionSet('Games', { inlinePolicy: allowOnly('gamelift:*'), accounts: [OTHER], assignments: [group(OTHER, 'g-clinicians')] });

/** The demo account with an Identity Center instance of three permission sets, saved as a snapshot file. */
function snapshotFile(instances: IdentityCenterInstance[] = [instance([admin, clinician, games], { ownerAccountId: DEMO })]): string {
  const snapshot = loadSnapshot(DEMO_SNAPSHOT_PATH);
  snapshot.sources.identityCenter = { status: 'ok', data: { region: 'us-east-1', instances } };
  const file = join(tempDir('ic-snapshot'), 'snapshot.json');
  writeFileSync(file, JSON.stringify(snapshot));
  return file;
}

function run(args: string[]) {
  const out = tempDir('ic');
  const result = hipaaIam([...args, '--out', out]);
  const runDir = runFolders(out, DEMO)[0];
  return { result, out, findings: runDir ? readFindings(runDir).findings : [] };
}

const statusOf = (findings: { controlId: string; resourceArn: string; status: string }[], controlId: string, resource: string) => findings.find((f) => f.controlId === controlId && f.resourceArn === resource)?.status;

describe('hipaa-iam identity-center (IAM-033 to IAM-037)', () => {
  it('judges the five controls on a snapshot, and only them', () => {
    const { result, findings } = run(['identity-center', '--snapshot', snapshotFile()]);
    // At most the warning that the built-in eligible-services list has aged.
    expect(result.stderr.split('\n').filter((line) => line !== '' && !/^hipaa-iam: warning: the HIPAA-eligible services list is dated/.test(line))).toEqual([]);
    expect(result.status).toBe(1);
    expect([...new Set(findings.map((f) => f.controlId))].sort()).toEqual(checksForGroup('identity-center').map((c) => c.meta.controlId).sort());
    expect(statusOf(findings, 'identity-center-admin', `${admin.arn}@${DEMO}`)).toBe('FAIL');
    expect(statusOf(findings, 'identity-center-admin', `${clinician.arn}@${DEMO}`)).toBe('PASS');
    expect(statusOf(findings, 'identity-center-session-duration', admin.arn)).toBe('FAIL');
    expect(statusOf(findings, 'identity-center-session-duration', clinician.arn)).toBe('PASS');
    expect(statusOf(findings, 'identity-center-eligible-services', `${games.arn}@${OTHER}`)).toBe('FAIL');
    expect(statusOf(findings, 'identity-center-eligible-services', `${clinician.arn}@${DEMO}`)).toBe('PASS');
    expect(statusOf(findings, 'identity-center-group-assignments', `${admin.arn}@${DEMO}/user/u-alice`)).toBe('FAIL');
    expect(statusOf(findings, 'identity-center-group-assignments', `${clinician.arn}@${DEMO}/group/g-clinicians`)).toBe('PASS');
    expect(findings.filter((f) => f.controlId === 'identity-center-mfa').map((f) => f.status)).toEqual(['MANUAL']);
    expect(result.stdout).toContain('hipaa-iam identity-center: account 111122223333');
  });

  it('lays --break-glass-permission-sets and --max-permission-set-session-hours into the settings', () => {
    const { findings } = run(['identity-center', '--snapshot', snapshotFile(), '--break-glass-permission-sets', 'BreakGlass, Other', '--max-permission-set-session-hours', '12']);
    // alice and bob: two people over all the set's accounts.
    expect(statusOf(findings, 'identity-center-admin', `${admin.arn}@${DEMO}`)).toBe('PASS');
    expect(statusOf(findings, 'identity-center-session-duration', admin.arn)).toBe('PASS');
  });

  it('audit judges them too, with the same flags', () => {
    const { result, findings } = run(['audit', '--snapshot', snapshotFile(), '--break-glass-permission-sets', 'BreakGlass', '--controls', 'IAM-033']);
    expect(result.stderr).toBe('');
    expect(statusOf(findings, 'identity-center-admin', `${admin.arn}@${DEMO}`)).toBe('PASS');
  });

  it('`controls` lists IAM-033 to IAM-037 under identity-center', () => {
    const result = hipaaIam(['controls']);
    expect(result.status).toBe(0);
    for (const id of ['IAM-033  identity-center-admin', 'IAM-034  identity-center-session-duration', 'IAM-035  identity-center-eligible-services', 'IAM-036  identity-center-group-assignments', 'IAM-037  identity-center-mfa']) {
      expect(result.stdout).toContain(id);
    }
  });

  it.each([
    [['--max-permission-set-session-hours', '13'], /--max-permission-set-session-hours <n>.* expected a whole number from 1 to 12/],
    [['--max-permission-set-session-hours', '0'], /expected a whole number from 1 to 12/],
    [['--max-permission-set-session-hours', '2.5'], /expected a whole number from 1 to 12/],
    [['--break-glass-permission-sets', ' , '], /--break-glass-permission-sets <names>.* name at least one permission set/],
    [['--break-glass-permission-sets', 'Admin,not a name'], /not a permission set name: not a name/],
  ])('%j is a usage error: one line, exit 2, nothing written', (flags, message) => {
    for (const command of ['identity-center', 'audit']) {
      const { result, out } = run([command, '--snapshot', snapshotFile(), ...flags]);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stdout).toBe('');
      expect(existsSync(join(out, DEMO))).toBe(false);
    }
  });

  it('the flags belong to audit and identity-center only', () => {
    const result = hipaaIam(['credentials', '--demo', '--max-permission-set-session-hours', '4']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/unknown option '--max-permission-set-session-hours'/);
  });

  // The embedded demo gains an Identity Center instance with issue 14's demo (examples/demo-account.json).
  const demoHasIdentityCenter = JSON.parse(readFileSync(DEMO_SNAPSHOT_PATH, 'utf8')).sources.identityCenter?.status === 'ok';
  it.skipIf(!demoHasIdentityCenter)('works on the demo: every control judged, none ERROR, IAM-037 MANUAL', () => {
    const { result, findings } = run(['identity-center', '--demo']);
    expect(result.status).toBe(1);
    for (const check of checksForGroup('identity-center')) expect(findings.some((f) => f.controlId === check.meta.controlId), check.meta.controlId).toBe(true);
    expect(findings.filter((f) => f.status === 'ERROR')).toEqual([]);
    expect(findings.filter((f) => f.controlId === 'identity-center-mfa').every((f) => f.status === 'MANUAL')).toBe(true);
  });
});
