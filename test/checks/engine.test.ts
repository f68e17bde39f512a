import { describe, expect, it } from 'vitest';
import { defineCheck } from '../../src/checks/check.js';
import { runChecks } from '../../src/checks/engine.js';
import { DEFAULT_SETTINGS } from '../../src/settings.js';
import { NOW, snapshotWith } from '../support/snapshot.js';

const meta = {
  controlId: 'test-control',
  riskId: 'IAM-999',
  title: 'test',
  group: 'mfa-audit' as const,
  severity: 'high' as const,
  hipaa: ['164.312(d)'],
  description: 'test',
  remediation: 'nothing to do here',
  documentation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable.html',
  sources: ['accountSummary' as const],
};
const passing = defineCheck({
  meta,
  run: () => [{ status: 'PASS', resourceType: 'AWS::IAM::RootUser', resourceArn: 'arn', resourceName: 'root', message: 'ok', evidence: {} }],
});

describe('runChecks', () => {
  it('adds the control identity to what a check reports', () => {
    const [finding] = runChecks([passing], snapshotWith(() => {}), DEFAULT_SETTINGS, NOW);
    expect(finding).toMatchObject({ controlId: 'test-control', riskId: 'IAM-999', severity: 'high', hipaa: ['164.312(d)'], status: 'PASS' });
  });

  it('turns a source error into ERROR without running the check', () => {
    const snapshot = snapshotWith((s) => {
      s.sources.accountSummary = { status: 'error', error: { code: 'Throttling', message: 'rate exceeded' } };
    });
    const findings = runChecks([passing], snapshot, DEFAULT_SETTINGS, NOW);
    expect(findings.map((f) => f.status)).toEqual(['ERROR']);
    expect(findings[0]?.message).toContain('Throttling: rate exceeded');
  });

  it('turns a throwing check into ERROR, never PASS', () => {
    const throwing = defineCheck({ meta, run: () => { throw new Error('boom'); } });
    const findings = runChecks([throwing], snapshotWith(() => {}), DEFAULT_SETTINGS, NOW);
    expect(findings.map((f) => [f.status, f.message])).toEqual([['ERROR', 'the check failed: boom']]);
  });

  it('turns a check that reports nothing into ERROR', () => {
    const silent = defineCheck({ meta, run: () => [] });
    expect(runChecks([silent], snapshotWith(() => {}), DEFAULT_SETTINGS, NOW).map((f) => f.status)).toEqual(['ERROR']);
  });
});
