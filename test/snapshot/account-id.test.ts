import { describe, expect, it } from 'vitest';
import { accountIdFromSources, resolveAccountId, UNKNOWN_ACCOUNT } from '../../src/snapshot/build.js';
import type { Snapshot } from '../../src/snapshot/schema.js';
import { ACCOUNT, customerPolicy, iamGroup, iamUser, reportRow, snapshotWith } from '../support/snapshot.js';

/** The account a collection was read from: every source that names it must name one 12-digit id. */
describe('resolveAccountId', () => {
  const sourcesOf = (patch: (s: Snapshot) => void) => snapshotWith(patch).sources;
  const callerFailed = (s: Snapshot) => {
    s.sources.callerIdentity = { status: 'error', error: { code: 'NotInImport', message: 'an import does not record who collected it' } };
  };

  it('takes STS GetCallerIdentity when the ARNs agree', () => {
    const sources = sourcesOf((s) => {
      if (s.sources.authorizationDetails.status === 'ok') s.sources.authorizationDetails.data.users.push(iamUser('alice'));
    });
    expect(resolveAccountId(sources)).toEqual({ accountId: ACCOUNT });
  });

  it.each<[string, (s: Snapshot) => void]>([
    ['a user in the authorization details', (s) => s.sources.authorizationDetails.status === 'ok' && s.sources.authorizationDetails.data.users.push(iamUser('alice'))],
    ['a group in the authorization details', (s) => s.sources.authorizationDetails.status === 'ok' && s.sources.authorizationDetails.data.groups.push(iamGroup('staff'))],
    ['a credential report row', (s) => s.sources.credentialReport.status === 'ok' && s.sources.credentialReport.data.rows.push(reportRow('alice'))],
    ['a virtual MFA device', (s) => s.sources.virtualMfaDevices.status === 'ok' && s.sources.virtualMfaDevices.data.devices.push({ serialNumber: `arn:aws:iam::${ACCOUNT}:mfa/alice`, userArn: null, userName: null, enableDate: null })],
  ])('without the caller, reads the account from %s', (_label, add) => {
    expect(resolveAccountId(sourcesOf((s) => (callerFailed(s), add(s))))).toEqual({ accountId: ACCOUNT });
  });

  it.each<[string, (s: Snapshot) => void, RegExp]>([
    ['nothing names the account', callerFailed, /^STS GetCallerIdentity failed \(NotInImport: .*\) and no IAM ARN of the account was read$/],
    [
      'STS answers an account id that is a path',
      (s) => s.sources.callerIdentity.status === 'ok' && (s.sources.callerIdentity.data.account = '../../escaped'),
      /^an account id is 12 digits, but the sources name "\.\.\/\.\.\/escaped" \(STS GetCallerIdentity\)$/,
    ],
    ['STS answers no account id', (s) => s.sources.callerIdentity.status === 'ok' && (s.sources.callerIdentity.data.account = ''), /the sources name "" \(STS GetCallerIdentity\)/],
    [
      'an ARN carries an account that is not 12 digits',
      (s) => (callerFailed(s), s.sources.credentialReport.status === 'ok' && s.sources.credentialReport.data.rows.push(reportRow('alice', { arn: 'arn:aws:iam::..:user/alice' }))),
      /the sources name "\.\." \(the credential report\)/,
    ],
    [
      'the caller and the ARNs name two accounts',
      (s) => s.sources.authorizationDetails.status === 'ok' && s.sources.authorizationDetails.data.users.push(iamUser('alice', { arn: 'arn:aws:iam::999988887777:user/alice' })),
      /^the sources name 2 accounts: "123456789012" \(STS GetCallerIdentity\), "999988887777" \(the authorization details\)$/,
    ],
  ])('states the problem when %s', (_label, patch, problem) => {
    const sources = sourcesOf(patch);
    const resolved = resolveAccountId(sources);
    expect('problem' in resolved && resolved.problem).toMatch(problem);
    expect(accountIdFromSources(sources)).toBe(UNKNOWN_ACCOUNT);
  });

  it('ignores AWS managed policies, whose ARNs name the account "aws"', () => {
    const sources = sourcesOf((s) => {
      if (s.sources.authorizationDetails.status !== 'ok') return;
      s.sources.authorizationDetails.data.policies.push(customerPolicy('ReadOnlyAccess', null, { arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess', awsManaged: true }));
    });
    expect(resolveAccountId(sources)).toEqual({ accountId: ACCOUNT });
  });
});
