import { InputError } from '../errors.js';
import type { PolicyDocument } from '../snapshot/schema.js';
import { indexEligibleServices, type EligibleServicesList } from './eligible-services.js';

/** AWS's limit on one service control policy, counted on the document without whitespace. */
export const SCP_MAX_CHARS = 5120;
/** AWS's limit on SCPs attached to one root, OU or account. */
export const SCP_MAX_PER_TARGET = 5;

/**
 * How the HIPAA SCP is split when it must be, and why.
 *
 * The preferred form is one statement `Deny` + `NotAction: [eligible and control-plane prefixes as
 * "prefix:*"]`: it restricts wherever it is attached, alongside FullAWSAccess, like the reference
 * SCP. It cannot be split. SCPs combine by intersection: an action is denied if any attached
 * SCP denies it, so two SCPs each denying everything outside their own half of the list together
 * deny everything outside the *intersection* of the halves, which is (nearly) empty: the account
 * would lose every eligible service. Compacting the list with wildcards (`cognito-*:*`) to fit
 * is no better: it lets through whatever else matches the wildcard now or later.
 *
 * So when the Deny form does not fit one document (a long user-supplied list), the generator
 * switches to the allow-list form: N documents of `Allow` + `Action: [...]`, attached together
 * to the same OU or account in place of FullAWSAccess. At one level of the OU path the Allows
 * of the attached SCPs add up (union), so the parts together allow exactly the whole list, and
 * each part is independent of the others' size. The cost, which the instructions spell out:
 * FullAWSAccess must be detached from that target, and at most five SCPs fit one target.
 */
export type ScpForm = 'deny-not-action' | 'allow-list';

export interface ScpOptions {
  /** 'auto' (default): Deny form if it fits one document, else the allow-list form. */
  form?: 'auto' | ScpForm;
  /** Size limit per document; defaults to AWS's 5,120 characters (tests lower it). */
  maxChars?: number;
}

export interface HipaaScp {
  form: ScpForm;
  documents: PolicyDocument[];
  /** Size of each document as AWS counts it (no whitespace). */
  sizes: number[];
  /** Every prefix allowed, sorted: the list's eligible, partial and control-plane prefixes. */
  prefixes: string[];
  /** Prefixes eligible only in part, with why, to print beside the policy. */
  partial: { prefix: string; caveats: string[] }[];
  asOf: string;
  /** How to attach the documents, as plain sentences. */
  instructions: string[];
}

/** A policy's size as AWS counts it: minified JSON (whitespace outside strings does not count). */
export function scpSize(document: PolicyDocument): number {
  return JSON.stringify(document).length;
}

function denyDocument(actions: string[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: [{ Sid: 'DenyAllButHipaaEligibleServices', Effect: 'Deny', NotAction: actions, Resource: '*' }] };
}

function allowDocument(actions: string[], part: number): PolicyDocument {
  return { Version: '2012-10-17', Statement: [{ Sid: `AllowHipaaEligibleServicesPart${part}`, Effect: 'Allow', Action: actions, Resource: '*' }] };
}

/** Builds the HIPAA SCP from the list (pure). Throws InputError when the list cannot fit. */
export function buildHipaaScp(list: EligibleServicesList, options: ScpOptions = {}): HipaaScp {
  const maxChars = options.maxChars ?? SCP_MAX_CHARS;
  const form = options.form ?? 'auto';
  const index = indexEligibleServices(list);
  const prefixes = [...new Set([...index.servicePrefixes, ...index.controlPlanePrefixes])].sort();
  const actions = prefixes.map((p) => `${p}:*`);
  const partial = index.servicePrefixes.flatMap((prefix) => {
    const verdict = index.classify(prefix);
    return verdict.status === 'partial' ? [{ prefix, caveats: verdict.caveats }] : [];
  });
  const common = { prefixes, partial, asOf: list.asOf };

  const deny = denyDocument(actions);
  if (form === 'deny-not-action' || (form === 'auto' && scpSize(deny) <= maxChars)) {
    if (scpSize(deny) > maxChars) {
      throw new InputError(
        `the Deny-with-NotAction SCP for ${prefixes.length} service prefixes is ${scpSize(deny)} characters, over the ${maxChars} limit, and cannot be split (several SCPs would deny everything outside each part); use the allow-list form`,
      );
    }
    return {
      ...common,
      form: 'deny-not-action',
      documents: [deny],
      sizes: [scpSize(deny)],
      instructions: [
        'Create one SCP from this document and attach it to the OUs or accounts that hold PHI; keep FullAWSAccess attached.',
        'It denies every action outside the listed services, whatever else is attached.',
        'SCPs never restrict the management account: keep PHI out of it.',
      ],
    };
  }

  // Allow-list: pack prefixes greedily, in order, into documents under the limit.
  const parts: string[][] = [];
  let current: string[] = [];
  for (const action of actions) {
    const candidate = [...current, action];
    if (current.length > 0 && scpSize(allowDocument(candidate, parts.length + 1)) > maxChars) {
      parts.push(current);
      current = [action];
    } else {
      current = candidate;
    }
    if (scpSize(allowDocument(current, parts.length + 1)) > maxChars) {
      throw new InputError(`the SCP limit of ${maxChars} characters is too small to hold even ${action} in an Allow statement`);
    }
  }
  if (current.length > 0) parts.push(current);
  const documents = parts.map((part, i) => allowDocument(part, i + 1));
  if (documents.length > SCP_MAX_PER_TARGET) {
    throw new InputError(`the allow-list for ${prefixes.length} service prefixes needs ${documents.length} SCPs of at most ${maxChars} characters; AWS attaches at most ${SCP_MAX_PER_TARGET} to one target`);
  }
  return {
    ...common,
    form: 'allow-list',
    documents,
    sizes: documents.map(scpSize),
    instructions: [
      `Create ${documents.length} SCP(s), one per document, and attach all of them to the same OU or account that holds PHI.`,
      'Detach FullAWSAccess from that OU or account: the Allows attached at one level add up, so beside FullAWSAccess these restrict nothing.',
      'Keep the parts together: each allows only its share of the list, and the list is their union.',
      'SCPs never restrict the management account: keep PHI out of it.',
    ],
  };
}
