import type { Check, ControlGroup } from './check.js';
import mfaEnforcement from './mfa-audit/mfa-enforcement.js';
import rootHardwareMfa from './mfa-audit/root-hardware-mfa.js';
import rootMfa from './mfa-audit/root-mfa.js';
import userConsoleMfa from './mfa-audit/user-console-mfa.js';
import passwordPolicy from './password-policy/password-policy.js';

/** Every control, in the order reports list them. */
export const ALL_CHECKS: readonly Check[] = [passwordPolicy, rootMfa, rootHardwareMfa, userConsoleMfa, mfaEnforcement];

export function checksForGroup(group: ControlGroup): Check[] {
  return ALL_CHECKS.filter((check) => check.meta.group === group);
}
