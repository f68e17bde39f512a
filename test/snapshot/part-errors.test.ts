import { describe, expect, it } from 'vitest';
import { sourcePartErrors } from '../../src/snapshot/part-errors.js';
import { instance, unreadablePart, withIdentityCenter } from '../checks/identity-center/helpers.js';
import { snapshotWith } from '../support/snapshot.js';

describe('sourcePartErrors', () => {
  it('is empty when every part was read', () => {
    expect(sourcePartErrors(withIdentityCenter([instance([])]))).toEqual([]);
  });

  it("names an Identity Center instance's unreadable permission sets, identity store and AWS managed policy", () => {
    const denied = unreadablePart('AccessDeniedException', 'sso:ListPermissionSets on arn:…: denied');
    const snapshot = withIdentityCenter([
      instance([], { permissionSets: denied, identityStore: unreadablePart('AccessDeniedException', 'identitystore:ListUsers denied'), awsManagedPolicyDocuments: { 'arn:aws:iam::aws:policy/ReadOnlyAccess': unreadablePart('AccessDenied', 'iam:GetPolicy denied') } }),
    ]);
    expect(sourcePartErrors(snapshot).map((e) => [e.source, e.part, e.code])).toEqual([
      ['identityCenter', 'instance ssoins-1111111111111111: permission sets', 'AccessDeniedException'],
      ['identityCenter', 'instance ssoins-1111111111111111: identity store d-1111111111', 'AccessDeniedException'],
      ['identityCenter', 'instance ssoins-1111111111111111: AWS managed policy arn:aws:iam::aws:policy/ReadOnlyAccess', 'AccessDenied'],
    ]);
  });

  it("names an Access Analyzer region that could not be read, and a trail's status", () => {
    const snapshot = snapshotWith((s) => {
      s.sources.accessAnalyzer = { status: 'ok', data: { regionSource: '--regions', regions: { 'eu-west-1': { status: 'error', error: { code: 'AccessDeniedException', message: 'denied' } } } } };
    });
    expect(sourcePartErrors(snapshot)).toEqual([{ source: 'accessAnalyzer', part: 'region eu-west-1', code: 'AccessDeniedException', message: 'denied' }]);
  });
});
