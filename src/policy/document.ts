import { describeZodError } from '../snapshot/zod-issue.js';
import { policyDocumentSchema, type PolicyDocument, type PolicyStatement } from '../snapshot/schema.js';

export class PolicyDocumentError extends Error {
  override readonly name = 'PolicyDocumentError';
}

/**
 * Reads a policy document the way AWS hands it out: an object, a JSON string, or a
 * URL-encoded JSON string (IAM's query API encodes documents; the AWS CLI decodes them).
 */
export function decodePolicyDocument(raw: unknown): PolicyDocument {
  let value = raw;
  if (typeof value === 'string') value = parseDocumentText(value);
  const parsed = policyDocumentSchema.safeParse(value);
  if (!parsed.success) {
    throw new PolicyDocumentError(`not a valid policy document${describeZodError(parsed.error)}`);
  }
  return parsed.data;
}

function parseDocumentText(text: string): unknown {
  const trimmed = text.trim();
  const candidates = trimmed.startsWith('{') ? [trimmed] : [safeDecodeURIComponent(trimmed), trimmed];
  for (const candidate of candidates) {
    if (candidate === null) continue;
    try {
      return JSON.parse(candidate);
    } catch {
      // try the next reading
    }
  }
  throw new PolicyDocumentError(`policy document is not JSON (starts with ${JSON.stringify(trimmed.slice(0, 20))})`);
}

function safeDecodeURIComponent(text: string): string | null {
  try {
    // IAM encodes spaces as '+' in some responses.
    return decodeURIComponent(text.replace(/\+/g, '%20'));
  } catch {
    return null;
  }
}

export function statementsOf(document: PolicyDocument): PolicyStatement[] {
  return Array.isArray(document.Statement) ? document.Statement : [document.Statement];
}

export function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
