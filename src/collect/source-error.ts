import { errorMessage } from '../errors.js';
import type { SourceError } from '../snapshot/schema.js';

/** Data or the error that stopped it, for a source or for one part of one (a region, a trail). */
export type Result<T> = { status: 'ok'; data: T } | { status: 'error'; error: SourceError };

export async function resultOf<T>(read: () => Promise<T>): Promise<Result<T>> {
  try {
    return { status: 'ok', data: await read() };
  } catch (error) {
    return { status: 'error', error: sourceError(error) };
  }
}

export function sourceError(error: unknown): SourceError {
  const e = error as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  const code = e?.Code ?? (e?.name && e.name !== 'Error' ? e.name : 'Error');
  const status = e?.$metadata?.httpStatusCode;
  const message = errorMessage(error).split('\n')[0] || 'no message';
  return { code, message: status && !message.includes(String(status)) ? `${message} (HTTP ${status})` : message };
}

/** The error's AWS code (the SDK's name, or Code on errors it could not parse). */
export function errorCode(error: unknown): string {
  const e = error as { name?: string; Code?: string } | null;
  return e?.Code ?? e?.name ?? '';
}

export function isAccessDenied(error: unknown): boolean {
  return ['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation'].includes(errorCode(error));
}

/** An error that keeps an AWS code of its own choosing, for sourceError to report. */
export function codedError(code: string, message: string): Error {
  return Object.assign(new Error(message), { name: code });
}

/**
 * A timestamp of an AWS answer as an ISO string: the SDK gives a Date; the AWS CLI prints an ISO
 * string (v2, and v1 for XML services) or epoch seconds (v1's default for JSON services). A
 * string that is no date is kept as AWS wrote it.
 */
export function isoDate(value: Date | string | number | undefined | null): string | null {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  // Epoch seconds rounded to the millisecond as the SDK rounds them, so an import and a live read agree.
  const date = typeof value === 'number' ? new Date(Math.round(value * 1000)) : new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString();
}

/** "<code>: <message>", how a fact about an error is written inside a source's data. */
export function codeAndMessage(error: { code: string; message: string }): string {
  return `${error.code}: ${error.message}`;
}

/**
 * The error for an answer that lacks a field AWS always returns (an empty list comes back as
 * an empty list, never as nothing): such an answer is incomplete, whatever its HTTP status,
 * and must not be read as "there are none".
 */
export function malformedAnswer(operation: string, field: string): Error {
  return codedError(
    'MalformedAnswer',
    `${operation} answered without ${field}, which AWS always returns: the answer is incomplete; run again (if it persists, something between hipaa-iam and AWS alters answers)`,
  );
}

/** `value`, or the malformedAnswer error when the answer left it out. */
export function required<T>(value: T | undefined | null, operation: string, field: string): T {
  if (value === undefined || value === null) throw malformedAnswer(operation, field);
  return value;
}
