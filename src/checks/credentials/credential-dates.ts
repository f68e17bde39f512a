import { reportDate, reportFlag } from '../../snapshot/credential-report.js';
import type { CredentialReportRow } from '../../snapshot/schema.js';

const DAY_MS = 86_400_000;

export function daysSince(iso: string, now: Date): number {
  return Math.floor((now.getTime() - Date.parse(iso)) / DAY_MS);
}

/** A user's active access key as the credential report describes it. */
export interface ActiveKey {
  slot: 1 | 2;
  /** When the key was created or last rotated. */
  lastRotated: string | null;
  /** null: never used (or used before AWS began recording, in 2015). */
  lastUsed: string | null;
}

export function activeKeys(row: CredentialReportRow): ActiveKey[] {
  return ([1, 2] as const)
    .filter((slot) => reportFlag(row, `access_key_${slot}_active`) === true)
    .map((slot) => ({
      slot,
      lastRotated: reportDate(row, `access_key_${slot}_last_rotated`),
      lastUsed: reportDate(row, `access_key_${slot}_last_used_date`),
    }));
}
