import { ListOpenIDConnectProvidersCommand, ListSAMLProvidersCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { IdentityProviders } from '../snapshot/schema.js';
import { identityProvidersFromAnswers } from './identity-provider-answers.js';

/** Two calls, neither paged: an account holds at most 100 providers of each kind. */
export async function collectIdentityProviders(iam: IAMClient): Promise<IdentityProviders> {
  const [saml, oidc] = await Promise.all([
    iam.send(new ListSAMLProvidersCommand({})),
    iam.send(new ListOpenIDConnectProvidersCommand({})),
  ]);
  return identityProvidersFromAnswers(saml, oidc);
}

