import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/checks/engine.js';
import nonEligibleServices from '../../../src/checks/least-privilege/non-eligible-services.js';
import supportRole from '../../../src/checks/least-privilege/support-role.js';
import { expandActionPattern } from '../../../src/policy/action-catalog.js';
import { asList, statementsOf } from '../../../src/policy/document.js';
import { canDo, rolePermissions } from '../../../src/policy/effective-permissions.js';
import { DEFAULT_SETTINGS } from '../../../src/settings.js';
import { importAwsCliExports } from '../../../src/snapshot/import.js';
import type { AuthorizationDetails, PolicyDocument } from '../../../src/snapshot/schema.js';
import { allowedOnPath, FULL_AWS_ACCESS } from '../../hipaa/support/scp-evaluator.js';
import { customerPolicy } from '../../support/snapshot.js';

/**
 * Issue 9, kind 7 (support-role-contradiction): IAM-030 asks for a role with AWSSupportAccess,
 * which grants support:* and support-console:*. Read as it is through the importer (the case came
 * from `hipaa-iam least-privilege --import import`), that role must pass IAM-030 and IAM-021 alike,
 * and the SCP and boundary hipaa-iam ships must not take those actions away.
 */
const IMPORT = fileURLToPath(new URL('../../fixtures/cases/support-role-contradiction/import', import.meta.url));
const snapshot = importAwsCliExports(IMPORT, new Date('2026-11-29T15:56:48Z'));
const details = (): AuthorizationDetails => {
  const source = snapshot.sources.authorizationDetails;
  if (source.status !== 'ok') throw new Error('the case import has no authorization details');
  return source.data;
};
const supportAccess = details().policies.find((p) => p.arn === 'arn:aws:iam::aws:policy/AWSSupportAccess')!;
/** Every action AWSSupportAccess grants, as the case's export carries it, expanded by the action catalogue. */
const supportActions = statementsOf(supportAccess.document!).flatMap((s) => asList(s.Action)).flatMap(expandActionPattern);
const shipped = (name: string) => JSON.parse(readFileSync(new URL(`../../../policies/${name}`, import.meta.url), 'utf8')) as PolicyDocument;

describe('case support-role-contradiction (issue 9, kind 7)', () => {
  const findings = runChecks([supportRole, nonEligibleServices], snapshot, DEFAULT_SETTINGS, new Date(snapshot.collectedAt));
  const verdict = (controlId: string, resourceName: string) => findings.find((f) => f.controlId === controlId && f.resourceName === resourceName);

  it('gives the AWSSupportAccess role IAM-030 PASS and IAM-021 PASS: the tool agrees with itself', () => {
    expect(verdict('support-role', 'incident-support')?.status).toBe('PASS');
    const eligibility = verdict('non-eligible-services', 'incident-support');
    expect(eligibility?.status).toBe('PASS');
    expect(eligibility?.evidence).toMatchObject({ reachableServices: ['support', 'support-console'], notEligible: [], eligibleServicesAsOf: '2026-05-22' });
    expect(eligibility?.message).toBe('role incident-support reaches only eligible and control-plane services (support, support-console) (eligible-services list as of 2026-05-22)');
  });

  it('still fails the administrators of the same account, and no IAM-021 FAIL is left for incident-support', () => {
    const failed = findings.filter((f) => f.controlId === 'non-eligible-services' && f.status === 'FAIL').map((f) => f.resourceName).sort();
    expect(failed).toEqual(['svc-c', 'svc-z']);
  });

  it('reads AWSSupportAccess from the export as support:* and support-console:*', () => {
    expect(supportActions.length).toBeGreaterThan(40);
    expect(new Set(supportActions.map((a) => a.split(':')[0]))).toEqual(new Set(['support', 'support-console']));
    expect(supportActions).toContain('support-console:CreateCaseDraft');
  });

  it('keeps every action AWSSupportAccess grants allowed by the shipped SCP beside FullAWSAccess', () => {
    const path = [[FULL_AWS_ACCESS], [FULL_AWS_ACCESS, shipped('hipaa-scp-allowlist.json')]];
    expect(supportActions.filter((action) => !allowedOnPath(path, action))).toEqual([]);
  });

  it('keeps every action AWSSupportAccess grants allowed for the role under the shipped boundary', () => {
    const boundary = customerPolicy('permissions-boundary-base', shipped('permissions-boundary.json'));
    const role = details().roles.find((r) => r.name === 'incident-support')!;
    const bounded = { ...role, permissionsBoundary: { arn: boundary.arn, type: 'Policy' as const } };
    const perms = rolePermissions(bounded, { ...details(), roles: [bounded], policies: [...details().policies, boundary] }, new Date(snapshot.collectedAt));
    expect(supportActions.filter((action) => canDo(perms, { action }).verdict !== 'allowed')).toEqual([]);
  });
});
