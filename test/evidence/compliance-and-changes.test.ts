import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { Finding, Status } from '../../src/checks/check.js';
import { ALL_CHECKS } from '../../src/checks/registry.js';
import { HIPAA_SPECIFICATIONS } from '../../src/hipaa/specifications.js';
import { changesCsv } from '../../src/report/changes.js';
import { complianceMatrix } from '../../src/report/compliance-matrix.js';

const f = (controlId: string, status: Status, resourceName = 'r'): Finding => {
  const check = ALL_CHECKS.find((c) => c.meta.controlId === controlId)!;
  return { controlId, riskId: check.meta.riskId, title: check.meta.title, severity: check.meta.severity, hipaa: check.meta.hipaa, status, resourceType: 't', resourceArn: `arn:${resourceName}`, resourceName, message: `${resourceName} ${status}`, evidence: {} };
};

describe('compliance matrix', () => {
  const matrix = complianceMatrix(ALL_CHECKS, [f('user-console-mfa', 'FAIL', 'alice'), f('user-console-mfa', 'PASS', 'bob'), f('root-mfa', 'PASS'), f('password-policy', 'ERROR')]);
  const bySpec = new Map(matrix.map((r) => [r.specification, r]));

  it('lists every specification of 164.308 and 164.312 and every one a control cites', () => {
    for (const spec of HIPAA_SPECIFICATIONS) expect(bySpec.has(spec.citation), spec.citation).toBe(true);
    for (const citation of ALL_CHECKS.flatMap((c) => c.meta.hipaa)) expect(bySpec.has(citation), citation).toBe(true);
  });

  it('derives the controls of a specification from their citations, and shows the worst status with counts', () => {
    expect(bySpec.get('164.312(d)')).toMatchObject({ status: 'ERROR', counts: { FAIL: 1, PASS: 2, ERROR: 1 } });
    expect(bySpec.get('164.312(d)')?.controls).toEqual(expect.arrayContaining(['user-console-mfa', 'root-mfa', 'password-policy', 'mfa-enforcement']));
  });

  it.each(['164.308(a)(1)(ii)(A)', '164.308(a)(1)(ii)(C)', '164.308(a)(2)', '164.308(a)(5)(ii)(A)', '164.308(a)(6)(i)', '164.308(a)(7)(i)', '164.312(a)(2)(ii)', '164.312(e)(1)'])(
    '%s, which no control judges, is MANUAL with what to attest',
    (citation) => {
      expect(bySpec.get(citation)).toMatchObject({ status: 'MANUAL', controls: [] });
      expect(bySpec.get(citation)?.attestation.length).toBeGreaterThan(20);
    },
  );

  it('164.308(a)(8), cited by organization-coverage (IAM-039) alone, is MANUAL with what to attest when that control judged nothing (a single-account run)', () => {
    const row = bySpec.get('164.308(a)(8)');
    expect(row).toMatchObject({ status: 'MANUAL', controls: ['organization-coverage'] });
    expect(row?.attestation.length).toBeGreaterThan(20);
    const notApplicable = new Map(complianceMatrix(ALL_CHECKS, [f('organization-coverage', 'NOT_APPLICABLE')]).map((r) => [r.specification, r]));
    expect(notApplicable.get('164.308(a)(8)')).toMatchObject({ status: 'MANUAL', counts: { NOT_APPLICABLE: 1 } });
    const failed = new Map(complianceMatrix(ALL_CHECKS, [f('organization-coverage', 'FAIL')]).map((r) => [r.specification, r]));
    expect(failed.get('164.308(a)(8)')).toMatchObject({ status: 'FAIL' });
  });

  it('keeps the business associate agreement a MANUAL attestation even where controls cite 164.308(b)(1)', () => {
    expect(bySpec.get('164.308(b)(1)')?.attestation).toMatch(/Business Associate Addendum/);
  });
});

describe('changes since the last run', () => {
  const rows = (text: string) => (parse(text, { columns: true }) as Record<string, string>[]).map((r) => `${r.Change} ${r['Resource Name']}`).sort();
  it('reports new, resolved and still-open failures', () => {
    const before = [f('user-console-mfa', 'FAIL', 'alice'), f('user-console-mfa', 'FAIL', 'bob'), f('user-console-mfa', 'PASS', 'carol')];
    const now = [f('user-console-mfa', 'FAIL', 'alice'), f('user-console-mfa', 'PASS', 'bob'), f('user-console-mfa', 'FAIL', 'carol'), f('user-console-mfa', 'ERROR', 'dave')];
    expect(rows(changesCsv(before, now))).toEqual(['new carol', 'new dave', 'resolved bob', 'still open alice']);
  });
  it('calls every failure new on a first run', () => {
    expect(rows(changesCsv(null, [f('root-mfa', 'FAIL', 'root'), f('root-mfa', 'PASS', 'x')]))).toEqual(['new root']);
  });
});
