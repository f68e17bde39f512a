import { readFileSync } from 'node:fs';
import { SNAPSHOT_SCHEMA_VERSION, SOURCE_NAMES, type Snapshot, type Sources } from './schema.js';

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

/** Assembles a snapshot; a source nobody gathered is recorded as such, never left out. */
export function buildSnapshot(parts: SnapshotParts): Snapshot {
  const sources = {} as Record<string, unknown>;
  for (const name of SOURCE_NAMES) {
    sources[name] = parts.sources[name] ?? { status: 'error', error: { code: 'NotCollected', message: 'this source was not collected' } };
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

/** The account id: from the caller, else from any ARN the sources hold. */
export function accountIdFromSources(sources: SourceResults): string {
  if (sources.callerIdentity?.status === 'ok' && sources.callerIdentity.data.account) return sources.callerIdentity.data.account;
  const arns: string[] = [];
  if (sources.authorizationDetails?.status === 'ok') {
    const d = sources.authorizationDetails.data;
    arns.push(...d.users.map((u) => u.arn), ...d.roles.map((r) => r.arn), ...d.groups.map((g) => g.arn));
    arns.push(...d.policies.filter((p) => !p.awsManaged).map((p) => p.arn));
  }
  if (sources.credentialReport?.status === 'ok') arns.push(...sources.credentialReport.data.rows.map((r) => r.arn ?? ''));
  for (const arn of arns) {
    const account = /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(arn)?.[1];
    if (account) return account;
  }
  return 'unknown-account';
}
