import type { IamRole } from '../snapshot/schema.js';
import { asList } from './document.js';
import { compilePolicy } from './statement.js';

/** The actions that start a role session; a trust statement counts when its Action (or NotAction) covers one, wildcards read as everywhere else. */
const ASSUME_ACTIONS = ['sts:AssumeRole', 'sts:AssumeRoleWithSAML', 'sts:AssumeRoleWithWebIdentity'];

/** Who a role's trust policy lets in: people (federated or account principals), services, or both. */
export interface TrustedPrincipals {
  federated: string[];
  aws: string[];
  services: string[];
}

export function trustedPrincipals(role: IamRole): TrustedPrincipals {
  const trusted: TrustedPrincipals = { federated: [], aws: [], services: [] };
  if (!role.assumeRolePolicy) return trusted;
  for (const compiled of compilePolicy(role.assumeRolePolicy).statements) {
    if (compiled.effect !== 'Allow' || !ASSUME_ACTIONS.some((a) => compiled.coversAction(a))) continue;
    const principal = compiled.raw.Principal;
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
