import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCE_NAMES } from '../../src/snapshot/schema.js';
import { hipaaIam, runFolders, tempDir, type CliResult } from '../support/cli.js';
import { motoInstalled, startMoto, type Moto } from '../support/moto.js';

/**
 * Each command reads only what its controls need (issue 11, part 2), shown by the run.json the
 * real CLI writes against moto: the operations it counts per source, and the sources it did not read.
 */
const ACCOUNT = '123456789012';

interface RunJson {
  collection: { calls: Record<string, { calls: number; operations: Record<string, number> }> };
  sourceErrors: { source: string }[];
  sourcesNotRead?: { source: string; reason: string }[];
}

describe.skipIf(!motoInstalled)('a subcommand calls only the APIs of its controls (moto)', () => {
  let moto: Moto;
  const runs: Record<string, { result: CliResult; run: RunJson }> = {};

  beforeAll(async () => {
    moto = await startMoto();
    for (const command of ['audit-trail', 'password-policy', 'audit']) {
      const out = tempDir(`narrowed-${command}`);
      const result = hipaaIam([command, '--out', out, '--regions', 'us-east-1', '--quiet'], moto.env);
      const [folder] = runFolders(out, ACCOUNT);
      if (!folder) throw new Error(`${command}: no run folder (exit ${result.status}): ${result.stderr}`);
      runs[command] = { result, run: JSON.parse(readFileSync(join(folder, 'run.json'), 'utf8')) as RunJson };
    }
  }, 240_000);

  afterAll(async () => {
    await moto?.stop();
  });

  const operations = (command: string) => Object.values(runs[command]!.run.collection.calls).flatMap((c) => Object.keys(c.operations)).sort();

  it('audit-trail: CloudTrail and the caller, no IAM call at all', () => {
    expect(Object.keys(runs['audit-trail']!.run.collection.calls).sort()).toEqual(['callerIdentity', 'cloudTrail']);
    expect(operations('audit-trail')).toEqual(['DescribeTrails', 'GetCallerIdentity']);
    expect(runs['audit-trail']!.run.sourceErrors).toEqual([]);
  });

  it('password-policy: GetAccountPasswordPolicy and GetCallerIdentity only', () => {
    expect(operations('password-policy')).toEqual(['GetAccountPasswordPolicy', 'GetCallerIdentity']);
    expect(runs['password-policy']!.result.status, runs['password-policy']!.result.stderr).toBe(1);
  });

  it('run.json names each source not read, and why', () => {
    expect(runs['password-policy']!.run.sourcesNotRead).toEqual(
      SOURCE_NAMES.filter((s) => s !== 'callerIdentity' && s !== 'passwordPolicy').map((source) => ({ source, reason: "not needed by password-policy's controls" })),
    );
    expect(runs['audit-trail']!.run.sourcesNotRead?.map((s) => s.source)).toEqual(SOURCE_NAMES.filter((s) => s !== 'callerIdentity' && s !== 'cloudTrail'));
  });

  it('a full audit still reads every source', () => {
    expect(Object.keys(runs.audit!.run.collection.calls).sort()).toEqual([...SOURCE_NAMES].sort());
    expect(runs.audit!.run.sourcesNotRead).toBeUndefined();
  });

  it('a subcommand that can read nothing is refused, naming the read that failed, not a source it skipped', () => {
    const dead = hipaaIam(['audit-trail', '--out', tempDir('narrowed-dead'), '--quiet'], { ...moto.env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1' });
    expect(dead.status).toBe(3);
    expect(dead.stderr).toMatch(/^hipaa-iam: nothing could be read from live AWS \(default credential chain, endpoint http:\/\/127\.0\.0\.1:9\), so nothing was written: caller identity \(sts:GetCallerIdentity\): /);
  });
});
