import { readFileSync } from 'node:fs';
import { SNAPSHOT_SCHEMA_VERSION, SOURCE_NAMES, type Snapshot, type SourceError, type Sources } from './schema.js';

export type SourceResults = Partial<Sources>;

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
export const TOOL = { name: packageJson.name, version: packageJson.version };

export interface SnapshotParts {
  accountId: string;
  collectedAt: Date;
  origin: Snapshot['origin'];
  collection: Snapshot['collection'];
  sources: SourceResults;
}

/**
 * The error code of a source that was not read on purpose (a live run of a subcommand reads only
 * what its controls need): not a failure to read it, so it makes no run "unreadable".
 */
export const NOT_COLLECTED = 'NotCollected';

/**
 * Whether a source's error (by source name and error code) is a failure to read it, which the
 * run's "could not be read" lists name: not NotCollected (not read on purpose), nor the caller
 * identity of an import (NotInImport: an import never records who collected the exports, and no
 * check reads it).
 */
export function isReadFailure(source: string, code: string): boolean {
  return code !== NOT_COLLECTED && !(source === 'callerIdentity' && code === 'NotInImport');
}

/** The error a source not read on purpose carries: "not needed by password-policy's controls". */
export function notCollected(by: string): SourceError {
  return { code: NOT_COLLECTED, message: `not needed by ${by}` };
}

/** Assembles a snapshot; a source nobody gathered is recorded as such, never left out. */
export function buildSnapshot(parts: SnapshotParts): Snapshot {
  const sources = {} as Record<string, unknown>;
  for (const name of SOURCE_NAMES) {
    sources[name] = parts.sources[name] ?? { status: 'error', error: { code: NOT_COLLECTED, message: 'this source was not collected' } };
  }
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    tool: TOOL,
    accountId: parts.accountId,
    collectedAt: parts.collectedAt.toISOString(),
    origin: parts.origin,
    collection: parts.collection,
    sources: sources as Sources,
  };
}

/** An AWS account id is 12 digits; nothing else may name a folder under --out. */
export const ACCOUNT_ID = /^\d{12}$/;

/** What a snapshot's accountId is when the sources did not tell (resolveAccountId says why); never filed as evidence. */
export const UNKNOWN_ACCOUNT = 'unknown-account';

export type AccountResolution = { accountId: string } | { problem: string };

/**
 * The account the sources were read from. STS GetCallerIdentity's Account and the account in
 * every IAM ARN of the account's own (users, roles, groups, customer managed policies, credential
 * report rows, virtual MFA devices: `arn:<partition>:iam::<account>:...`) must be one 12-digit id;
 * none, or one that is not 12 digits, or two different ids, is a problem stated in words.
 */
export function resolveAccountId(sources: SourceResults): AccountResolution {
  const named = new Map<string, Set<string>>();
  const note = (account: string, where: string) => named.set(account, (named.get(account) ?? new Set()).add(where));
  if (sources.callerIdentity?.status === 'ok') note(sources.callerIdentity.data.account, 'STS GetCallerIdentity');
  const fromArns = (where: string, arns: readonly (string | null | undefined)[]) => {
    for (const arn of arns) {
      const account = /^arn:aws[a-z-]*:iam::([^:]*):/.exec(arn ?? '')?.[1];
      if (account !== undefined) note(account, where);
    }
  };
  if (sources.authorizationDetails?.status === 'ok') {
    const d = sources.authorizationDetails.data;
    fromArns('the authorization details', [...d.users, ...d.roles, ...d.groups, ...d.policies.filter((p) => !p.awsManaged)].map((e) => e.arn));
  }
  if (sources.credentialReport?.status === 'ok') fromArns('the credential report', sources.credentialReport.data.rows.map((r) => r.arn));
  if (sources.virtualMfaDevices?.status === 'ok') fromArns('the virtual MFA devices', sources.virtualMfaDevices.data.devices.flatMap((d) => [d.serialNumber, d.userArn]));

  const said = (account: string) => `${JSON.stringify(account)} (${[...(named.get(account) ?? [])].join(', ')})`;
  const accounts = [...named.keys()];
  if (accounts.length === 0) {
    const caller = sources.callerIdentity?.status === 'error' ? `STS GetCallerIdentity failed (${sources.callerIdentity.error.code}: ${sources.callerIdentity.error.message})` : 'STS GetCallerIdentity was not read';
    return { problem: `${caller} and no IAM ARN of the account was read` };
  }
  const malformed = accounts.filter((a) => !ACCOUNT_ID.test(a));
  if (malformed.length > 0) return { problem: `an account id is 12 digits, but the sources name ${malformed.map(said).join(' and ')}` };
  if (accounts.length > 1) return { problem: `the sources name ${accounts.length} accounts: ${accounts.map(said).join(', ')}` };
  return { accountId: accounts[0]! };
}

/** The account id the sources agree on, or UNKNOWN_ACCOUNT (obtainSnapshot then refuses the run). */
export function accountIdFromSources(sources: SourceResults): string {
  const resolved = resolveAccountId(sources);
  return 'accountId' in resolved ? resolved.accountId : UNKNOWN_ACCOUNT;
}
