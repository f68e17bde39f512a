import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { ChangeOutcome } from '../../src/remediate/apply.js';
import { emptyPlan, type RemediationPlan } from '../../src/remediate/plan.js';
import { remediationPlanCsv, remediationSummary, remediationText } from '../../src/report/remediation-log.js';

const plain = new Chalk({ level: 0 });
const plan = (fill: (p: RemediationPlan) => void): RemediationPlan => {
  const p = emptyPlan('mfa-audit --enforce --apply');
  fill(p);
  return p;
};
const addAlice = plan((p) => {
  p.changes.push({ change: { kind: 'add-user-to-group', user: 'alice', group: 'human-users' }, target: 'user alice', before: 'groups: none', after: 'groups: human-users', dependsOn: [] });
  p.warnings.push('alice has no MFA device');
  p.unchanged.push('user bob is already subject to a deny-without-MFA policy');
});

describe('remediation at the terminal and in run.json', () => {
  it('a dry run numbers each change with before and after, then warnings, then what is left alone', () => {
    expect(remediationText(addAlice, null, plain)).toBe(
      [
        'Planned changes (dry run; --enforce --apply makes them):',
        '  1. iam:AddUserToGroup user alice',
        '       before: groups: none',
        '       after:  groups: human-users',
        '  ⚠ alice has no MFA device',
        '  · user bob is already subject to a deny-without-MFA policy',
        '',
      ].join('\n'),
    );
  });

  it('an apply says what became of each change, with the reason for a failure', () => {
    const outcomes: ChangeOutcome[] = [{ planned: addAlice.changes[0]!, time: '2026-11-23T07:00:00.000Z', result: 'failed', reason: 'AccessDenied: no' }];
    expect(remediationText(addAlice, outcomes, plain)).toContain('  ✘ iam:AddUserToGroup user alice: failed (AccessDenied: no)');
    expect(remediationSummary(addAlice, outcomes)).toMatchObject({ mode: 'apply', planned: 1, applied: 0, failed: 1, warnings: ['alice has no MFA device'] });
  });

  it.each([
    ['nothing to do', plan(() => {}), 'Nothing to change.'],
    ['nothing known', plan((p) => p.blocked.push('eu-west-1: analyzers could not be listed')), 'No change could be planned where it is needed:\n  ✘ cannot plan: eu-west-1: analyzers could not be listed'],
  ])('an empty plan with %s says so', (_name, empty, text) => {
    expect(remediationText(empty, null, plain)).toContain(text);
    expect(remediationText(empty, [], plain)).toContain(text);
  });

  it('remediation-plan.csv marks every row as not applied', () => {
    expect(remediationPlanCsv(addAlice, new Date('2026-11-23T07:00:00Z'))).toBe('time,action,target,before,after,result\n2026-11-23T07:00:00.000Z,iam:AddUserToGroup,user alice,groups: none,groups: human-users,planned (not applied)\n');
  });
});
