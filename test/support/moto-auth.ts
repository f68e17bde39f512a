import { AttachUserPolicyCommand, CreateAccessKeyCommand, CreatePolicyCommand, CreateUserCommand, type IAMClient } from '@aws-sdk/client-iam';
import { readFileSync } from 'node:fs';

/** An IAM policy document as the tests write it: statements of string or string[] fields. */
export interface PolicyDocument {
  Version: string;
  Statement: { Sid?: string; Effect: 'Allow' | 'Deny'; Action: string | string[]; Resource: string | string[] }[];
}

export interface AccessKey {
  accessKeyId: string;
  secretAccessKey: string;
}

/** A policy shipped in policies/, exactly as a user would attach it. */
export function shippedPolicy(file: string): PolicyDocument {
  return JSON.parse(readFileSync(new URL(`../../policies/${file}`, import.meta.url), 'utf8')) as PolicyDocument;
}

/** The shipped least-privilege policy of the audit. */
export function auditorPolicy(): PolicyDocument {
  return shippedPolicy('hipaa-iam-auditor.json');
}

/** The same document with some actions taken out of every statement (which must all have been there). */
export function policyWithout(document: PolicyDocument, removed: readonly string[]): PolicyDocument {
  const actionsOf = (action: string | string[]) => (Array.isArray(action) ? action : [action]);
  const present = new Set(document.Statement.flatMap((s) => actionsOf(s.Action)));
  const unknown = removed.filter((action) => !present.has(action));
  if (unknown.length > 0) throw new Error(`the policy has no ${unknown.join(', ')} to remove`);
  return {
    ...document,
    Statement: document.Statement.map((s) => ({ ...s, Action: actionsOf(s.Action).filter((a) => !removed.includes(a)) })),
  };
}

/**
 * A user holding one customer managed policy (or none) and an access key. Made while moto does
 * not yet enforce authorization, with the default credentials.
 */
export async function createUserWithKey(iam: IAMClient, userName: string, policy: PolicyDocument | null): Promise<AccessKey> {
  await iam.send(new CreateUserCommand({ UserName: userName }));
  if (policy) {
    const created = await iam.send(new CreatePolicyCommand({ PolicyName: `${userName}-policy`, PolicyDocument: JSON.stringify(policy) }));
    await iam.send(new AttachUserPolicyCommand({ UserName: userName, PolicyArn: created.Policy?.Arn }));
  }
  const { AccessKey: key } = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
  if (!key?.AccessKeyId || !key.SecretAccessKey) throw new Error(`moto made no access key for ${userName}`);
  return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
}

/**
 * From this call on, moto authenticates every request against the access keys of its IAM users
 * and authorizes it by their identity policies. This is what INITIAL_NO_AUTH_ACTION_COUNT=0
 * would do at start-up, and what moto's own set_initial_no_auth_action_count does in server
 * mode; switching it on after seeding spares counting the unauthenticated calls.
 */
export async function enforceIamAuthorization(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/reset-auth`, { method: 'POST', body: '0' });
  if (!response.ok) throw new Error(`moto refused to enforce authorization: ${response.status} ${await response.text()}`);
}

/** The error codes AWS uses for "you may not": IAM and most services, JSON services, EC2. */
export const DENIAL_CODES: readonly string[] = ['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation'];

/**
 * A source error that says the caller lacked a permission: by its code, AWS's wording, or the
 * HTTP 403 left when moto answers a JSON-protocol service (CloudTrail, Organizations) with an
 * XML denial the SDK cannot parse (recorded as SyntaxError "... (HTTP 403)").
 */
export function isDenial(error: { code: string; message: string }): boolean {
  return DENIAL_CODES.includes(error.code) || /not authorized/i.test(error.message) || error.message.includes('(HTTP 403)');
}
