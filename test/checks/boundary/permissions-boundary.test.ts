import { describe, expect, it } from 'vitest';
import permissionsBoundary from '../../../src/checks/boundary/permissions-boundary.js';
import { DEFAULT_SETTINGS } from '../../../src/settings.js';
import { runChecks } from '../../../src/checks/engine.js';
import { ACCOUNT, NOW, iamRole, iamUser, statusByResource, withPrincipals } from '../../support/snapshot.js';

const BOUNDARY = { arn: `arn:aws:iam::${ACCOUNT}:policy/hipaa-boundary`, type: 'PermissionsBoundaryPolicy' };
const OTHER = { arn: `arn:aws:iam::${ACCOUNT}:policy/legacy-boundary`, type: 'PermissionsBoundaryPolicy' };

describe('permissions-boundary (IAM-002)', () => {
  const snapshot = withPrincipals({
    users: [iamUser('bounded', { permissionsBoundary: BOUNDARY }), iamUser('free')],
    roles: [iamRole('app', { permissionsBoundary: OTHER }), iamRole('etl'), iamRole('AWSServiceRoleForSupport', { path: '/aws-service-role/support.amazonaws.com/' })],
  });

  it('fails users and roles without a boundary, leaving service-linked roles out', () => {
    expect(statusByResource(permissionsBoundary, snapshot)).toEqual({ bounded: 'PASS', free: 'FAIL', app: 'PASS', etl: 'FAIL' });
  });

  it('with a required boundary, fails another boundary too', () => {
    const findings = runChecks([permissionsBoundary], snapshot, { ...DEFAULT_SETTINGS, requiredPermissionsBoundaryArn: BOUNDARY.arn }, NOW);
    expect(Object.fromEntries(findings.map((f) => [f.resourceName, f.status]))).toEqual({ bounded: 'PASS', free: 'FAIL', app: 'FAIL', etl: 'FAIL' });
  });
});
