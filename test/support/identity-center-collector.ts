import type { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { collectIdentityCenter } from '../../src/collect/identity-center.js';

/**
 * Whether src/collect/identity-center.ts reads IAM Identity Center yet (issue 14, part 1): the
 * placeholder it replaces throws NotImplemented whatever it is given; the collector asks clients
 * that refuse every call (and fails, or records the refusals). Live tests of what an organization run does with the reading skip until then.
 */
export async function identityCenterCollectorBuilt(): Promise<boolean> {
  const refuse = { send: async () => Promise.reject(new Error('probe: no call leaves this client')), destroy: () => {} };
  try {
    await collectIdentityCenter({
      region: 'us-east-1',
      ssoAdminIn: () => refuse as unknown as SSOAdminClient,
      identityStoreIn: () => refuse as unknown as IdentitystoreClient,
      iam: refuse as unknown as IAMClient,
    });
  } catch (error) {
    return (error as { name?: string }).name !== 'NotImplemented';
  }
  return true;
}
