import { withoutUrlCredentials } from './url-credentials.js';

/**
 * The only ways to a non-zero exit code besides findings: bad input is the user's to fix (2,
 * and nothing was written), a run that could not complete is the environment's (3).
 */
export class InputError extends Error {
  readonly exitCode = 2;
  override readonly name = 'InputError';
}

export class CollectionError extends Error {
  readonly exitCode = 3;
  override readonly name = 'CollectionError';
}

/**
 * Evidence that could not be written, wholly or in part (a full disk, a read-only or vanished
 * mount): the run could not complete (3), never 2, since something may already be on disk. The
 * message names the file that failed and says what was and was not written.
 */
export class EvidenceWriteError extends Error {
  readonly exitCode = 3;
  override readonly name = 'EvidenceWriteError';
}

/** An error as one line of text, with any credentials a URL in it carried taken out. */
export function errorMessage(error: unknown): string {
  return withoutUrlCredentials(error instanceof Error ? error.message : String(error));
}
