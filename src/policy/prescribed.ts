import type { PolicyDocument } from '../snapshot/schema.js';
import { MFA_SELF_SERVICE } from './mfa-deny.js';

/**
 * Names the hardening guide gives what it creates; an account already holding one is reused,
 * not duplicated, so a second --apply changes nothing.
 */
export const DENY_WITHOUT_MFA_POLICY_NAME = 'deny-without-mfa';
export const HUMAN_USERS_GROUP_NAME = 'human-users';
export const PERMISSIONS_BOUNDARY_POLICY_NAME = 'permissions-boundary-base';
export const ACCOUNT_ANALYZER_NAME = 'account-access-analyzer';

/**
 * What a user without MFA may still do: see itself, enrol or resync a device, change its
 * password. The judge also accepts iam:ListUsers (AWS's console example exempts it); the shipped
 * policy keeps even the user list behind MFA.
 */
const EXEMPT_WITHOUT_MFA = MFA_SELF_SERVICE.filter((action) => action !== 'iam:ListUsers');

/**
 * policies/deny-without-mfa.json. The guide's Deny alone would leave a user who holds no
 * MFA permissions unable ever to enrol, so the Allows let each user manage only their own
 * device (AWS's published self-managed-MFA pattern). Deactivating a device needs MFA present.
 */
export const DENY_WITHOUT_MFA_DOCUMENT: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AllowViewAndManageOwnMfaDevice',
      Effect: 'Allow',
      Action: ['iam:CreateVirtualMFADevice', 'iam:DeleteVirtualMFADevice'],
      Resource: 'arn:aws:iam::*:mfa/${aws:username}',
    },
    {
      Sid: 'AllowOwnUserMfaSelfService',
      Effect: 'Allow',
      Action: ['iam:DeactivateMFADevice', 'iam:EnableMFADevice', 'iam:GetMFADevice', 'iam:GetUser', 'iam:ListMFADevices', 'iam:ResyncMFADevice'],
      Resource: 'arn:aws:iam::*:user/${aws:username}',
    },
    { Sid: 'AllowListVirtualMfaDevices', Effect: 'Allow', Action: 'iam:ListVirtualMFADevices', Resource: '*' },
    {
      Sid: 'DenyAllExceptMfaSelfServiceIfNoMfa',
      Effect: 'Deny',
      NotAction: EXEMPT_WITHOUT_MFA,
      Resource: '*',
      Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
    },
  ],
};
