import { ListOpenIDConnectProvidersCommand, ListSAMLProvidersCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { IdentityProviders } from '../snapshot/schema.js';
import { isoDate, required } from './source-error.js';

/** Two calls, neither paged: an account holds at most 100 providers of each kind. */
export async function collectIdentityProviders(iam: IAMClient): Promise<IdentityProviders> {
  const [saml, oidc] = await Promise.all([
    iam.send(new ListSAMLProvidersCommand({})),
    iam.send(new ListOpenIDConnectProvidersCommand({})),
  ]);
  return {
    saml: required(saml.SAMLProviderList, 'ListSAMLProviders', 'SAMLProviderList').map((provider) => ({
      arn: provider.Arn ?? '',
      validUntil: isoDate(provider.ValidUntil),
      createDate: isoDate(provider.CreateDate),
    })),
    oidc: required(oidc.OpenIDConnectProviderList, 'ListOpenIDConnectProviders', 'OpenIDConnectProviderList').map((provider) => ({ arn: provider.Arn ?? '' })),
  };
}
