import { describe, expect, it } from 'vitest';
import { registerTable } from '../../src/report/register-table.js';
import type { RegisterRow } from '../../src/report/risk-register.js';

const row = (patch: Partial<RegisterRow>): RegisterRow => ({
  riskId: 'IAM-001',
  description: 'Console users have MFA',
  hipaaStandard: '§164.312(d)',
  severity: 'high',
  affectedResources: '',
  mitigation: '',
  status: 'Open',
  firstDetected: '2026-09-01',
  lastSeen: '2026-11-01',
  closedOn: '',
  owner: '',
  notes: '',
  extra: {},
  ...patch,
});

describe('registerTable', () => {
  it('aligns the columns, counts affected resources and cuts long cells with an ellipsis', () => {
    const names = Array.from({ length: 30 }, (_, i) => `user-${i}`).join('; ');
    const lines = registerTable([row({ affectedResources: names, owner: 'Dr. Shah' }), row({ riskId: 'IAM-007', severity: 'critical', status: 'Not detected', firstDetected: '', lastSeen: '' })]).split('\n');
    expect(lines[2]).toMatch(/^IAM-001 +high +Open +30: user-0; user-1; .*… +2026-09-01 +2026-11-01 +Dr\. Shah$/);
    expect(lines[2]!.indexOf('2026-09-01')).toBe(lines[0]!.indexOf('First Detected'));
    expect(lines[3]).toBe('IAM-007  critical  Not detected');
  });

  it('shows what a person typed as text: a control character cannot move the cursor, a line break stays on the line', () => {
    const table = registerTable([row({ notes: 'call\r\nIT \u001b[2J now' })]);
    expect(table.includes('\u001b') || table.includes('\r')).toBe(false);
    expect(table.split('\n')[2]).toContain('call\\r\\nIT \\x1b[2J now');
  });

  it('an empty register says so', () => {
    expect(registerTable([]).split('\n')[2]).toBe('(no risks recorded yet)');
  });
});
