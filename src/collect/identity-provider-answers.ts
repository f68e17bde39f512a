import type { ListOpenIDConnectProvidersCommandOutput, ListSAMLProvidersCommandOutput } from '@aws-sdk/client-iam';
import type { IdentityProviders } from '../snapshot/schema.js';
import type { Answer } from './answer.js';
import { isoDate, required } from './source-error.js';

// Pure readers of the AWS answers, shared by the live collector and the importer of AWS CLI
// exports; apart from the calls so that an import (offline) loads no SDK client. Types only from the SDK.

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
