import { describe, expect, it } from 'vitest';
import organizationCoverage, { organizationCoverageFindings, type CoverageInput } from '../../../src/checks/organization/organization-coverage.js';
import { ALL_CHECKS } from '../../../src/checks/registry.js';
import { findingsIn, MANAGEMENT, orgAccount, organizationContext, organizationFacts, unreadable } from '../../support/organization.js';
import { ACCOUNT, emptySnapshot } from '../../support/snapshot.js';

const PHI = orgAccount('111111111111', { name: 'phi-prod' });
const LOGS = orgAccount('222222222222', { name: 'log-archive', ouPath: [{ id: 'r-test', name: 'Root' }, { id: 'ou-test-sec', name: 'Security' }] });
const SUSPENDED = orgAccount('333333333333', { name: 'old', status: 'SUSPENDED' });
const facts = organizationFacts((f) => {
  f.accounts = { status: 'ok', data: [orgAccount(MANAGEMENT, { ouPath: [{ id: 'r-test', name: 'Root' }] }), PHI, LOGS, SUSPENDED] };
});

const input = (fields: Partial<CoverageInput> = {}): CoverageInput => ({
  facts,
  covered: [PHI, LOGS],
  skipped: [{ account: SUSPENDED, why: 'status SUSPENDED (only ACTIVE accounts are audited)' }],
  outcomes: [
    { account: LOGS, kind: 'unreachable', step: 'assume-role', reason: 'AccessDenied: not authorized to perform sts:AssumeRole on hipaa-iam-auditor' },
    { account: PHI, kind: 'collected' },
  ],
  ...fields,
});

describe('organization-coverage (IAM-039)', () => {
  it('has the metadata of CONTROLS.md, in the organization group, and is registered', () => {
    expect(organizationCoverage.meta).toMatchObject({ controlId: 'organization-coverage', riskId: 'IAM-039', group: 'organization', severity: 'high', hipaa: ['164.308(a)(1)(ii)(D)', '164.308(a)(8)'] });
    expect(ALL_CHECKS).toContain(organizationCoverage);
  });

  it('as a check: NOT_APPLICABLE in a single-account run and in each account of an organization run', () => {
    expect(findingsIn(organizationCoverage, emptySnapshot(), null)).toMatchObject([{ status: 'NOT_APPLICABLE', resourceName: ACCOUNT, message: expect.stringMatching(/only in an organization-wide run/) }]);
    expect(findingsIn(organizationCoverage, emptySnapshot(), organizationContext())).toMatchObject([{ status: 'NOT_APPLICABLE', message: expect.stringMatching(/judged over the organization in its roll-up/) }]);
  });

  it('over an organization run: PASS per collected account, FAIL naming the unreachable one, its OU path, step and reason; skipped listed, not failed', () => {
    const findings = organizationCoverageFindings(input());
    expect(findings.map((f) => [f.resourceName, f.status])).toEqual([
      [PHI.id, 'PASS'],
      [LOGS.id, 'FAIL'],
      [SUSPENDED.id, 'NOT_APPLICABLE'],
    ]);
    for (const finding of findings) expect(finding).toMatchObject({ controlId: 'organization-coverage', riskId: 'IAM-039', title: organizationCoverage.meta.title, severity: 'high', hipaa: organizationCoverage.meta.hipaa, resourceType: 'AWS::::Account' });
    const [pass, fail, skipped] = findings;
    expect(pass!.message).toBe('account 111111111111 (phi-prod, Root/PHI/Prod): audited: role assumed, sources collected');
    expect(pass!.evidence).toMatchObject({ ouPath: 'Root/PHI/Prod', ouIds: ['r-test', 'ou-test-phi', 'ou-test-prod'], readFrom: MANAGEMENT });
    expect(fail!.message).toBe('account 222222222222 (log-archive, Root/Security): not audited: the auditor role could not be assumed (AccessDenied: not authorized to perform sts:AssumeRole on hipaa-iam-auditor)');
    expect(fail!.resourceArn).toBe('arn:aws:::222222222222');
    expect(fail!.evidence).toMatchObject({ step: 'assume-role', reason: 'AccessDenied: not authorized to perform sts:AssumeRole on hipaa-iam-auditor', ouPath: 'Root/Security' });
    expect(skipped!.evidence).toMatchObject({ skipped: 'status SUSPENDED (only ACTIVE accounts are audited)', accountStatus: 'SUSPENDED' });
  });

  it('a collection failure says so; a covered account with no outcome is a FAIL (fail closed)', () => {
    const findings = organizationCoverageFindings(input({ outcomes: [{ account: LOGS, kind: 'unreachable', step: 'collect', reason: 'Throttling: rate exceeded' }] }));
    expect(findings.map((f) => [f.resourceName, f.status, f.message])).toEqual([
      [PHI.id, 'FAIL', 'account 111111111111 (phi-prod, Root/PHI/Prod): not audited: the run ended without an outcome for it'],
      [LOGS.id, 'FAIL', 'account 222222222222 (log-archive, Root/Security): not audited: its sources could not be collected (Throttling: rate exceeded)'],
      [SUSPENDED.id, 'NOT_APPLICABLE', expect.stringMatching(/left out of the run: status SUSPENDED/)],
    ]);
  });

  it('accepts the source\'s own outcomes (a collected outcome with its snapshot)', () => {
    const findings = organizationCoverageFindings(input({ covered: [PHI], skipped: [], outcomes: [{ account: PHI, kind: 'collected', snapshot: emptySnapshot() }] }));
    expect(findings.map((f) => f.status)).toEqual(['PASS']);
  });

  it('accounts unreadable: one ERROR with the reason, the known failures kept, no PASS', () => {
    const unread = organizationFacts((f) => {
      f.accounts = unreadable('AccessDeniedException', 'organizations:ListAccounts');
    });
    const findings = organizationCoverageFindings(input({ facts: unread }));
    expect(findings.map((f) => [f.resourceName, f.status])).toEqual([
      ['o-test12345', 'ERROR'],
      [LOGS.id, 'FAIL'],
    ]);
    expect(findings[0]!.message).toMatch(/accounts could not be listed .*AccessDeniedException: organizations:ListAccounts.*unknown/);
  });

  it('no covered account at all is an ERROR, never a silent pass', () => {
    const findings = organizationCoverageFindings(input({ covered: [], outcomes: [] }));
    expect(findings.map((f) => f.status)).toEqual(['ERROR', 'NOT_APPLICABLE']);
    expect(findings[0]!.message).toMatch(/covered no ACTIVE account/);
  });
});
