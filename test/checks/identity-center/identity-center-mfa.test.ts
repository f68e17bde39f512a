import { describe, expect, it } from 'vitest';
import check from '../../../src/checks/identity-center/identity-center-mfa.js';
import { organizationContext, organizationFacts } from '../../support/organization.js';
import { ACCOUNT, iamRole, snapshotWith } from '../../support/snapshot.js';
import { instance, INSTANCE_ARN, judge, OTHER, permissionSet, STORE_ID, unreadablePart, withIdentityCenter } from './helpers.js';

describe('identity-center-mfa (IAM-037)', () => {
  it('is MANUAL per instance, naming the instance, its identity store and region, and exactly what to attest', () => {
    const found = judge(check, withIdentityCenter([instance([permissionSet('Clinician', { accounts: [ACCOUNT, OTHER] })])]));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ status: 'MANUAL', resourceArn: INSTANCE_ARN, resourceType: 'AWS::SSO::Instance' });
    const message = found[0]?.message ?? '';
    for (const text of [INSTANCE_ARN, `identity store ${STORE_ID}`, 'region us-east-1', `accounts ${ACCOUNT}, ${OTHER}`, 'no AWS API reports them', 'Settings → Authentication → Multi-factor authentication', '"Every time they sign in (always-on)"', '"Security keys and built-in authenticators"', '"Authenticator apps"', '"Require them to register an MFA device at sign in"', '"Block their sign-in"', "identity provider's MFA policy"]) {
      expect(message, text).toContain(text);
    }
    expect(found[0]?.evidence).toMatchObject({ instanceArn: INSTANCE_ARN, identityStoreId: STORE_ID, region: 'us-east-1', apiReportsSetting: false });
  });

  it('stays MANUAL when the permission sets could not be read (the attestation does not depend on them)', () => {
    const [found] = judge(check, withIdentityCenter([instance([], { permissionSets: unreadablePart() })]));
    expect(found?.status).toBe('MANUAL');
    expect(found?.message).toContain('the accounts it reaches could not be read');
  });

  it('is NOT_APPLICABLE with no instance, ERROR when AWSReservedSSO_* roles show an instance the run could not read', () => {
    expect(judge(check, withIdentityCenter([])).map((f) => f.status)).toEqual(['NOT_APPLICABLE']);
    const snapshot = withIdentityCenter([], (s) => {
      s.sources.authorizationDetails = { status: 'ok', data: { users: [], groups: [], roles: [iamRole('AWSReservedSSO_Clinician_0123456789abcdef', { path: '/aws-reserved/sso.amazonaws.com/' })], policies: [] } };
    });
    expect(judge(check, snapshot).map((f) => f.status)).toEqual(['ERROR']);
  });

  it('in an organization run reads the instance from the facts (the member\'s own source is not read)', () => {
    const facts = organizationFacts((f) => void (f.identityCenter = { status: 'ok', data: { region: 'eu-west-1', instances: [instance([])] } }));
    const member = snapshotWith((s) => void (s.sources.identityCenter = unreadablePart('NotCollected', 'read once for the organization')));
    const [found] = judge(check, member, {}, organizationContext(facts));
    expect(found?.status).toBe('MANUAL');
    expect(found?.message).toContain('region eu-west-1');
  });
});
