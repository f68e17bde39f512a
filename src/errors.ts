/**
 * The only ways to a non-zero exit code besides findings: bad input is the user's to fix (2),
 * a run that could not complete is the environment's (3).
 */
export class InputError extends Error {
  readonly exitCode = 2;
  override readonly name = 'InputError';
}

export class CollectionError extends Error {
  readonly exitCode = 3;
  override readonly name = 'CollectionError';
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
