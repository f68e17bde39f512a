import { describe, expect, it } from 'vitest';
import { runChecks } from '../../src/checks/engine.js';
import { ALL_CHECKS } from '../../src/checks/registry.js';
import { asffFindings, ocsfDetectionFindings } from '../../src/report/machine-formats.js';
import type { RunInfo } from '../../src/report/run-info.js';
import { DEFAULT_SETTINGS } from '../../src/settings.js';
import { DEMO_SNAPSHOT_PATH, loadSnapshot } from '../../src/snapshot/load.js';

const snapshot = loadSnapshot(DEMO_SNAPSHOT_PATH);
const findings = runChecks(ALL_CHECKS, snapshot, DEFAULT_SETTINGS, new Date(snapshot.collectedAt), { reviews: [] });
const run: RunInfo = {
  tool: { name: 'hipaa-iam', version: 'test' },
  command: 'audit',
  scope: 'full',
  accountId: snapshot.accountId,
  caller: { arn: `arn:aws:sts::${snapshot.accountId}:assumed-role/auditor/x`, userId: 'AROA' },
  source: snapshot.origin,
  snapshotCollectedAt: snapshot.collectedAt,
  startedAt: '2026-11-23T06:00:00.000Z',
  finishedAt: '2026-11-23T06:00:02.000Z',
  controls: ALL_CHECKS.map((c) => c.meta.controlId),
  statusCounts: {},
  collection: snapshot.collection,
  sourceErrors: [],
};

type AsffItem = Record<string, unknown> & { Id: string; Title: string; Description: string; ProductArn: string; Compliance: unknown };
type OcsfEvent = Record<string, unknown> & { class_uid: number; type_uid: number; unmapped: { risk_id: string }; resources: { uid: string }[] };

describe('ASFF for Security Hub', () => {
  const items = JSON.parse(asffFindings(run, findings, 'us-east-1')) as AsffItem[];
  it('has one finding per finding, each with a unique stable Id and the required fields', () => {
    expect(items).toHaveLength(findings.length);
    expect(new Set(items.map((i) => i.Id)).size).toBe(items.length);
    for (const item of items) {
      expect(Object.keys(item)).toEqual(expect.arrayContaining(['SchemaVersion', 'Id', 'ProductArn', 'GeneratorId', 'AwsAccountId', 'Types', 'CreatedAt', 'UpdatedAt', 'Severity', 'Title', 'Description', 'Resources']));
      expect(item.Title.length).toBeLessThanOrEqual(256);
      expect(item.Description.length).toBeLessThanOrEqual(1024);
      expect(item.ProductArn).toBe(`arn:aws:securityhub:us-east-1:${snapshot.accountId}:product/${snapshot.accountId}/default`);
    }
    expect(JSON.parse(asffFindings(run, findings, 'us-east-1'))[0].Id).toBe(items[0]!.Id);
  });
  it.each([
    ['PASS', 'PASSED'],
    ['FAIL', 'FAILED'],
    ['MANUAL', 'WARNING'],
  ])('maps %s to compliance status %s with HIPAA requirements', (status, compliance) => {
    const index = findings.findIndex((f) => f.status === status);
    expect(items[index]!.Compliance).toMatchObject({ Status: compliance, RelatedRequirements: findings[index]!.hipaa.map((c) => `HIPAA ${c}`) });
  });
});

describe('OCSF Detection Finding', () => {
  const events = JSON.parse(ocsfDetectionFindings(run, findings)) as OcsfEvent[];
  it('holds a Detection Finding (class 2004) per finding that needs attention, none for a PASS', () => {
    const attention = findings.filter((f) => ['FAIL', 'ERROR', 'MANUAL', 'SUPPRESSED'].includes(f.status));
    expect(events).toHaveLength(attention.length);
    expect(new Set(events.map((e) => e.class_uid))).toEqual(new Set([2004]));
    expect(new Set(events.map((e) => e.type_uid))).toEqual(new Set([200401]));
  });
  it('carries severity, resource, account and the control as the analytic', () => {
    const critical = events.find((e) => e.unmapped.risk_id === 'IAM-014');
    expect(critical).toMatchObject({ severity_id: 5, severity: 'Critical', cloud: { provider: 'AWS', account: { uid: snapshot.accountId } }, finding_info: { analytic: { uid: 'admin-access' } } });
    expect(critical?.resources[0]?.uid).toMatch(/^arn:aws:iam::/);
  });
});
