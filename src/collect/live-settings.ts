import { InputError } from '../errors.js';
import type { AwsProfile, ServiceId } from './aws-profile.js';

// What a live run is told before any SDK client exists: its options, its timeouts, the services
// it calls and how their endpoints are named. Nothing here loads the AWS SDK, so the command line
// (which reads these for its options and help) and an offline run never load it.

export interface LiveSourceOptions {
  profile?: string;
  region?: string;
  roleArn?: string;
  externalId?: string;
  /** Regions to look for Access Analyzer in; default: every region enabled for the account. */
  regions?: string[];
  /** The region IAM Identity Center is read in (--identity-center-region); default: the collection region. */
  identityCenterRegion?: string;
  /** Per-attempt limits (milliseconds); default: HIPAA_IAM_*_TIMEOUT from the environment, else DEFAULT_TIMEOUTS. */
  timeouts?: Partial<Timeouts>;
}

/**
 * How long one HTTP attempt may take, in milliseconds: to open the connection, and from
 * sending the request to the last byte of the answer. A timed-out attempt is a TimeoutError,
 * which the SDK retries as a transient fault; past the retries the source is ERROR, so an
 * endpoint that never answers cannot hang a run.
 */
export interface Timeouts {
  connectMs: number;
  requestMs: number;
}

/**
 * 5 s to connect (AWS endpoints answer in well under one); 60 s per answer (a page of 1000
 * authorization details from a large account takes seconds). With the 8 attempts below, a
 * dead endpoint costs a source at most about 8 minutes, not forever.
 */
export const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 5_000, requestMs: 60_000 };

/** The environment's timeouts, in seconds as a user writes them (HIPAA_IAM_CONNECT_TIMEOUT, HIPAA_IAM_REQUEST_TIMEOUT). */
export const TIMEOUT_ENV = { connectMs: 'HIPAA_IAM_CONNECT_TIMEOUT', requestMs: 'HIPAA_IAM_REQUEST_TIMEOUT' } as const;

/**
 * The timeouts in force: an option given wins, then the environment, then DEFAULT_TIMEOUTS.
 * Throws InputError naming the variable when the environment holds something not a positive number of seconds.
 */
export function resolveTimeouts(given: Partial<Timeouts> = {}, env: NodeJS.ProcessEnv = process.env): Timeouts {
  const fromEnv = (key: keyof Timeouts): number | undefined => {
    const name = TIMEOUT_ENV[key];
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return undefined;
    const seconds = parseTimeoutSeconds(raw);
    if (seconds === null) throw new InputError(`${name}=${raw} is not a number of seconds from ${MIN_TIMEOUT_SECONDS} to ${MAX_TIMEOUT_SECONDS}`);
    return seconds * 1000;
  };
  return {
    connectMs: given.connectMs ?? fromEnv('connectMs') ?? DEFAULT_TIMEOUTS.connectMs,
    requestMs: given.requestMs ?? fromEnv('requestMs') ?? DEFAULT_TIMEOUTS.requestMs,
  };
}

export const MIN_TIMEOUT_SECONDS = 0.1;
export const MAX_TIMEOUT_SECONDS = 3600;

/** "30" or "2.5" (seconds) → that number; null for anything else or outside 0.1–3600 (0 would mean "no timeout"). */
export function parseTimeoutSeconds(value: string): number | null {
  if (!/^\s*\d+(\.\d+)?\s*$/.test(value)) return null;
  const seconds = Number(value);
  return seconds >= MIN_TIMEOUT_SECONDS && seconds <= MAX_TIMEOUT_SECONDS ? seconds : null;
}

/** The services collection calls (KMS is the evidence keeper's, see src/report/kms.ts). */
export const COLLECTION_SERVICES: readonly ServiceId[] = ['IAM', 'STS', 'Organizations', 'EC2', 'CloudTrail', 'AccessAnalyzer'];

/**
 * The endpoint(s) a profile gave, as a run's description names them: one URL when every
 * service of `services` shares it, else each URL with its services; null when none was given.
 * Callers strip credentials from the text (withoutUrlCredentials) before it is written.
 */
export function describeEndpoints(profile: AwsProfile, services: readonly ServiceId[]): string | null {
  const byUrl = new Map<string, ServiceId[]>();
  for (const id of services) {
    const url = profile.endpoints[id];
    if (url) byUrl.set(url, [...(byUrl.get(url) ?? []), id]);
  }
  if (byUrl.size === 0) return null;
  const [only] = byUrl.keys();
  if (byUrl.size === 1 && byUrl.get(only!)!.length === services.length) return `endpoint ${only}`;
  return [...byUrl].map(([url, ids]) => `endpoint ${url} for ${ids.map((id) => id.toLowerCase()).join(', ')}`).join(', ');
}

