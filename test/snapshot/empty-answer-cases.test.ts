import { describe, expect, it } from 'vitest';
import { runChecks } from '../../src/checks/engine.js';
import { ALL_CHECKS } from '../../src/checks/registry.js';
import { DEFAULT_SETTINGS } from '../../src/settings.js';
import { obtainSnapshot } from '../../src/snapshot/obtain.js';
import type { Snapshot } from '../../src/snapshot/schema.js';
import { hipaaIam, readFindings, runFolders, tempDir } from '../support/cli.js';

/**
 * The empty-answer cases, read as a run reads a `--snapshot` file. Each pair was written by
 * `hipaa-iam collect --save` through a fault proxy, clean and with one answer emptied, by a
 * collector that did not yet refuse such answers: the faulted snapshot holds whatever the empty
 * answer was read as. (empty-answer-list-findings cannot be told apart offline: its faulted
 * snapshot holds an ACTIVE analyzer with no findings, which AWS can truly answer; the fault is
 * refused at collection, test/live/moto-fault-answers.test.ts.)
 */
const CASES = new URL('../fixtures/cases/', import.meta.url).pathname;
const ACCOUNT = '123456789012';

const read = (name: string, which: 'clean' | 'faulted') => obtainSnapshot({ kind: 'snapshot', path: `${CASES}${name}/${which}-snapshot.json` }, () => {});
const verdicts = (snapshot: Snapshot, controlId: string) =>
  runChecks(ALL_CHECKS, snapshot, DEFAULT_SETTINGS, new Date(snapshot.collectedAt))
    .filter((f) => f.controlId === controlId)
    .map((f) => `${f.status} ${f.resourceName}`)
    .sort();

describe('empty-answer-event-selectors: a trail answered with no selector at all', () => {
  it('clean: the only multi-region trail logs data events only, so cloudtrail-multi-region FAILs', async () => {
    expect(verdicts(await read('empty-answer-event-selectors', 'clean'), 'cloudtrail-multi-region')).toEqual([`FAIL ${ACCOUNT}`]);
  });

  it('faulted: neither basic nor advanced selectors is not "all management events": ERROR, not PASS', async () => {
    const snapshot = await read('empty-answer-event-selectors', 'faulted');

    const trail = snapshot.sources.cloudTrail.status === 'ok' ? snapshot.sources.cloudTrail.data.trails.find((t) => t.name === 'clinic-trail') : undefined;
    expect(trail?.eventSelectors).toEqual({ status: 'ok', data: { eventSelectors: [], advancedEventSelectors: [] } });
    expect(verdicts(snapshot, 'cloudtrail-multi-region')).toEqual([`ERROR ${ACCOUNT}`]);
  });
});

describe('empty-answer-virtual-mfa-devices: no virtual device listed where the account summary counts an unassigned one', () => {
  it('clean: the sources agree and root-hardware-mfa is judged (root\'s device in moto is unassigned, so it protects nobody)', async () => {
    const snapshot = await read('empty-answer-virtual-mfa-devices', 'clean');

    expect([snapshot.sources.accountSummary.status, snapshot.sources.virtualMfaDevices.status]).toEqual(['ok', 'ok']);
    expect(verdicts(snapshot, 'root-hardware-mfa')).toEqual(['PASS root']);
  });

  it('faulted: the summary and the device list are both ERROR with both figures, and root-hardware-mfa is ERROR, not PASS', async () => {
    const snapshot = await read('empty-answer-virtual-mfa-devices', 'faulted');

    for (const source of ['accountSummary', 'virtualMfaDevices'] as const) {
      expect(snapshot.sources[source]).toEqual({
        status: 'error',
        error: {
          code: 'SourcesDisagree',
          message: expect.stringContaining('GetAccountSummary counts 17 MFA devices (MFADevices) of which 16 in use (MFADevicesInUse), so 1 unassigned, which only virtual devices can be, but ListVirtualMFADevices lists 0 unassigned (of 0)'),
        },
      });
    }
    expect(verdicts(snapshot, 'root-hardware-mfa')).toEqual([`ERROR ${ACCOUNT}`]);
  });
});

describe('empty-answer-list-findings: clean verdict', () => {
  it('clean: two ACTIVE external-access findings FAIL access-analyzer-findings', async () => {
    expect(verdicts(await read('empty-answer-list-findings', 'clean'), 'access-analyzer-findings')).toEqual(['FAIL clinic-phi', 'FAIL open-trust-role']);
  });
});

describe('the faulted snapshots audited from the command line', () => {
  it.each([
    ['empty-answer-event-selectors', 'cloudtrail-multi-region'],
    ['empty-answer-virtual-mfa-devices', 'root-hardware-mfa'],
  ])('%s: exit 3 (ERROR findings), and %s is ERROR in findings.json', (name, controlId) => {
    const out = tempDir(`case-${name}`);

    const result = hipaaIam(['audit', '--snapshot', `${CASES}${name}/faulted-snapshot.json`, '--out', out, '--quiet']);

    expect(result.status).toBe(3);
    const findings = readFindings(runFolders(out, ACCOUNT)[0]!).findings.filter((f) => f.controlId === controlId);
    expect(findings.map((f) => f.status)).toEqual(['ERROR']);
  });
});
