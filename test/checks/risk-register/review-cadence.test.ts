import { describe, expect, it } from 'vitest';
import type { Status } from '../../../src/checks/check.js';
import { runChecks } from '../../../src/checks/engine.js';
import reviewCadence from '../../../src/checks/risk-register/review-cadence.js';
import { DEFAULT_SETTINGS } from '../../../src/settings.js';
import { NOW, snapshotWith } from '../../support/snapshot.js';

const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();

describe('review-cadence (IAM-003)', () => {
  it.each<[string, string[] | null, Status]>([
    ['monthly runs over three months', [daysAgo(85), daysAgo(60), daysAgo(30)], 'PASS'],
    ['a 40-day gap', [daysAgo(85), daysAgo(70), daysAgo(30)], 'FAIL'],
    ['only this run', [], 'FAIL'],
    ['the archive began last month', [daysAgo(20)], 'FAIL'],
    ['runs older than the window do not count', [daysAgo(200), daysAgo(150)], 'FAIL'],
    ['no archive to read', null, 'ERROR'],
  ])('%s → %s', (_label, runArchive, status) => {
    const findings = runChecks([reviewCadence], snapshotWith(() => {}), DEFAULT_SETTINGS, NOW, { reviews: runArchive });
    expect(findings.map((f) => f.status)).toEqual([status]);
  });
});
