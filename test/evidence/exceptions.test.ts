import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/checks/check.js';
import { InputError } from '../../src/errors.js';
import { applyExceptions, loadExceptions } from '../../src/exceptions.js';

const CONTROLS = new Set(['user-console-mfa', 'access-key-rotation']);
const file = (text: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'hipaa-iam-exc-')), 'exceptions.csv');
  writeFileSync(path, text);
  return path;
};
const HEADER = 'control_id,resource,justification,approver,expires\n';
const fail = (controlId: string, resourceName: string): Finding => ({ controlId, riskId: 'IAM-0', title: 't', severity: 'high', hipaa: [], status: 'FAIL', resourceType: 'AWS::IAM::User', resourceArn: `arn:aws:iam::123456789012:user/${resourceName}`, resourceName, message: `${resourceName} fails`, evidence: {} });

describe('exceptions', () => {
  const exceptions = loadExceptions(
    file(`${HEADER}user-console-mfa,svc-*,"Break-glass users, MFA in the safe",Dr. Shah (CISO),2026-12-31\naccess-key-rotation,arn:aws:iam::123456789012:user/legacy,Vendor migrates in Q4,CISO,2026-10-31\n`),
    CONTROLS,
  );

  it('suppresses a matching failure until its expiry, with the justification', () => {
    const [finding] = applyExceptions([fail('user-console-mfa', 'svc-breakglass')], exceptions, '2026-11-23');
    expect(finding).toMatchObject({ status: 'SUPPRESSED', evidence: { exception: { approver: 'Dr. Shah (CISO)', expires: '2026-12-31' } } });
    expect(finding?.message).toContain('Break-glass users, MFA in the safe');
  });

  it('stops applying once expired, and says so', () => {
    const [finding] = applyExceptions([fail('access-key-rotation', 'legacy')], exceptions, '2026-11-23');
    expect(finding?.status).toBe('FAIL');
    expect(finding?.message).toContain('expired on 2026-10-31');
  });

  it('leaves other controls and resources alone', () => {
    const findings = applyExceptions([fail('user-console-mfa', 'alice'), fail('access-key-rotation', 'svc-x')], exceptions, '2026-11-23');
    expect(findings.map((f) => f.status)).toEqual(['FAIL', 'FAIL']);
  });

  it.each<[string, string, RegExp]>([
    ['a wrong header', 'control,resource\n', /line 1: the header must be/],
    ['an unknown control', `${HEADER}no-such-control,*,x,y,2026-12-31\n`, /line 2: unknown control id "no-such-control"/],
    ['a missing justification', `${HEADER}user-console-mfa,*,,CISO,2026-12-31\n`, /line 2: justification is empty/],
    ['a bad date', `${HEADER}user-console-mfa,*,reason,CISO,2026-12-31\nuser-console-mfa,*,reason,CISO,next year\n`, /line 3: expiry "next year" is not a date/],
    ['too few columns', `${HEADER}user-console-mfa,*,reason\n`, /line 2: expected 5 columns, found 3/],
  ])('rejects %s with the line and reason', (_label, text, reason) => {
    const path = file(text);
    expect(() => loadExceptions(path, CONTROLS)).toThrow(InputError);
    expect(() => loadExceptions(path, CONTROLS)).toThrow(reason);
  });
});
