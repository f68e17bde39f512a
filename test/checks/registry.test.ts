import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../src/checks/registry.js';

/** The catalog row of each control: | risk id | control id | what passes | threshold | severity | citations | */
function catalog(): Map<string, { riskId: string; severity: string; hipaa: string[] }> {
  const text = readFileSync(new URL('../../docs/CONTROLS.md', import.meta.url), 'utf8');
  const rows = new Map<string, { riskId: string; severity: string; hipaa: string[] }>();
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (!/^IAM-\d{3}$/.test(cells[1] ?? '')) continue;
    rows.set(cells[2] ?? '', { riskId: cells[1] ?? '', severity: cells[5] ?? '', hipaa: (cells[6] ?? '').split(',').map((c) => c.trim()) });
  }
  return rows;
}

const testFiles = (readdirSync(new URL('.', import.meta.url), { recursive: true }) as string[]).filter((f) => f.endsWith('.test.ts'));

describe('check registry', () => {
  const rows = catalog();

  it('reads the catalog (sanity: 39 controls)', () => {
    expect(rows.size).toBe(39);
  });

  it('has unique control and risk ids', () => {
    const ids = ALL_CHECKS.map((c) => c.meta.controlId);
    const risks = ALL_CHECKS.map((c) => c.meta.riskId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(risks).size).toBe(risks.length);
  });

  it.each(ALL_CHECKS.map((c) => [c.meta.controlId, c] as const))('%s matches CONTROLS.md and has a test', (id, check) => {
    const row = rows.get(id);
    expect(row, `${id} is not in CONTROLS.md`).toBeDefined();
    expect(check.meta.riskId).toBe(row?.riskId);
    expect(check.meta.severity).toBe(row?.severity);
    expect(check.meta.hipaa).toEqual(row?.hipaa);
    expect(check.meta.hipaa.length).toBeGreaterThan(0);
    expect(check.meta.remediation.length).toBeGreaterThan(10);
    // report.html links it beside the remediation: an AWS page, over https, never a search or a redirect service.
    expect(check.meta.documentation).toMatch(/^https:\/\/(docs\.aws\.amazon\.com\/[A-Za-z0-9]+\/latest\/[A-Za-z0-9]+\/[A-Za-z0-9_.-]+\.html|aws\.amazon\.com\/compliance\/[a-z-]+\/)$/);
    const tested = testFiles.some((file) => readFileSync(new URL(file, import.meta.url), 'utf8').includes(`(${check.meta.riskId})`));
    expect(tested, `no test file describes ${check.meta.riskId}`).toBe(true);
  });
});
