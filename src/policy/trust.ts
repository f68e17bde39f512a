import type { IamRole } from '../snapshot/schema.js';
import { asList, statementsOf } from './document.js';

const ASSUME_ACTIONS = /^sts:(assumerole|assumerolewithsaml|assumerolewithwebidentity|\*)$|^\*$/;

/** Who a role's trust policy lets in: people (federated or account principals), services, or both. */
export interface TrustedPrincipals {
  federated: string[];
  aws: string[];
  services: string[];
}

export function trustedPrincipals(role: IamRole): TrustedPrincipals {
  const trusted: TrustedPrincipals = { federated: [], aws: [], services: [] };
  if (!role.assumeRolePolicy) return trusted;
  for (const statement of statementsOf(role.assumeRolePolicy)) {
    if (statement.Effect !== 'Allow') continue;
    if (!asList(statement.Action).some((a) => ASSUME_ACTIONS.test(a.toLowerCase()))) continue;
    const principal = statement.Principal;
    if (principal === '*') {
      trusted.aws.push('*');
      continue;
    }
    if (!principal || typeof principal !== 'object') continue;
    const p = principal as Record<string, string | string[]>;
    trusted.federated.push(...asList(p.Federated));
    trusted.aws.push(...asList(p.AWS));
    trusted.services.push(...asList(p.Service));
  }
  return trusted;
}

/** People sign in to a role trusted by a SAML/OIDC provider or by account principals (users, roles, accounts). */
export function isAssumedByPeople(role: IamRole): boolean {
  const trusted = trustedPrincipals(role);
  return trusted.federated.length > 0 || trusted.aws.length > 0;
}
