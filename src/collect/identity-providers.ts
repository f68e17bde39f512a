import {
  ListOpenIDConnectProvidersCommand,
  ListSAMLProvidersCommand,
  type IAMClient,
  type ListOpenIDConnectProvidersCommandOutput,
  type ListSAMLProvidersCommandOutput,
} from '@aws-sdk/client-iam';
import type { IdentityProviders } from '../snapshot/schema.js';
import type { Answer } from './answer.js';
import { isoDate, required } from './source-error.js';

/** Two calls, neither paged: an account holds at most 100 providers of each kind. */
export async function collectIdentityProviders(iam: IAMClient): Promise<IdentityProviders> {
  const [saml, oidc] = await Promise.all([
    iam.send(new ListSAMLProvidersCommand({})),
    iam.send(new ListOpenIDConnectProvidersCommand({})),
  ]);
  return identityProvidersFromAnswers(saml, oidc);
}

/**
 * ListSAMLProviders' and ListOpenIDConnectProviders' answers (SDK or `aws iam
 * list-saml-providers` / `list-open-id-connect-providers --output json`) as the snapshot keeps
 * them; an answer without its list is malformed (MalformedAnswer), never "no provider".
 */
export function identityProvidersFromAnswers(saml: Answer<ListSAMLProvidersCommandOutput>, oidc: Answer<ListOpenIDConnectProvidersCommandOutput>): IdentityProviders {
  return {
    saml: required(saml.SAMLProviderList, 'ListSAMLProviders', 'SAMLProviderList').map((provider) => ({
      arn: provider.Arn ?? '',
      validUntil: isoDate(provider.ValidUntil),
      createDate: isoDate(provider.CreateDate),
    })),
    oidc: required(oidc.OpenIDConnectProviderList, 'ListOpenIDConnectProviders', 'OpenIDConnectProviderList').map((provider) => ({ arn: provider.Arn ?? '' })),
  };
}
