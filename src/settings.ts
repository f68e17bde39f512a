import { BUILT_IN_ELIGIBLE_SERVICES, type EligibleServicesList } from './hipaa/eligible-services.js';

/** Thresholds of CONTROLS.md; every one is a default a user may change. */
export interface Settings {
  /** IAM-008: root sign-in or key use within this many days fails. */
  rootRecentUseDays: number;
  /** IAM-010: an active access key older than this fails. */
  accessKeyMaxAgeDays: number;
  /** IAM-011: a password or active key unused for longer than this fails. */
  unusedCredentialDays: number;
  /** IAM-002: when set, a boundary other than this one fails too. */
  requiredPermissionsBoundaryArn: string | null;
  /** IAM-031: roles people assume may keep a session at most this long. */
  maxRoleSessionHours: number;
  /** IAM-034: a permission set's session may last at most this long. */
  maxPermissionSetSessionHours: number;
  /** IAM-033: permission sets (by name) kept for break-glass administration; each passes while assigned to at most two people. */
  breakGlassPermissionSets: readonly string[];
  /** IAM-003: the longest allowed gap between reviews, and how far back to look. */
  reviewCadenceDays: number;
  reviewWindowDays: number;
  /** IAM-021, IAM-022: the dated HIPAA-eligible services list (built in, or --eligible-services FILE). */
  eligibleServices: EligibleServicesList;
  passwordPolicy: {
    minimumPasswordLength: number;
    maxPasswordAge: number;
    passwordReusePrevention: number;
  };
}

export const DEFAULT_SETTINGS: Settings = {
  rootRecentUseDays: 90,
  accessKeyMaxAgeDays: 90,
  unusedCredentialDays: 90,
  requiredPermissionsBoundaryArn: null,
  maxRoleSessionHours: 4,
  maxPermissionSetSessionHours: 4,
  breakGlassPermissionSets: [],
  reviewCadenceDays: 31,
  reviewWindowDays: 92,
  eligibleServices: BUILT_IN_ELIGIBLE_SERVICES,
  passwordPolicy: { minimumPasswordLength: 14, maxPasswordAge: 90, passwordReusePrevention: 24 },
};
