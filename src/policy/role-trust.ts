/**
 * Kept only so imports of the escalation modules written before the one trust reader still
 * resolve while issue 12's branches merge: import from './trust.js' instead (readTrust and the
 * questions asked of it live there).
 */
export { namedPrincipals, trustedServices, trustFor, type ServiceTrust, type TrustKind, type TrustMatch } from './trust.js';
