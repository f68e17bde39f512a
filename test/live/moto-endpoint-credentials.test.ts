import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hipaaIam, runFolders, tempDir, type CliResult } from '../support/cli.js';
import { motoInstalled, startMoto, type Moto } from '../support/moto.js';

/**
 * endpoint-credentials-in-evidence: AWS_ENDPOINT_URL carrying a user:password and SigV4 query
 * credentials (as a proxy in front of the API may need) reaches no file a run writes, nor its
 * stdout or stderr; run.json records the endpoint without them.
 */
const PASSWORD = 'EnDpOiNtPaSsWoRd';
const TOKEN = 'ToKeNsEcReT';
const SIGNATURE = 'SiGnAtUrEsEcReT';
const SECRETS = [PASSWORD, TOKEN, SIGNATURE];

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name)) : [join(dir, name)]));
}

describe.skipIf(!motoInstalled)('credentials in AWS_ENDPOINT_URL are never written (endpoint-credentials-in-evidence)', () => {
  let moto: Moto;
  let out: string;
  let snapshotFile: string;
  const results: CliResult[] = [];
  let endpointWithSecrets: string;

  beforeAll(async () => {
    moto = await startMoto();
    const { host } = new URL(moto.endpoint);
    endpointWithSecrets = `http://auditor:${PASSWORD}@${host}/?X-Amz-Security-Token=${TOKEN}&X-Amz-Signature=${SIGNATURE}`;
    const env = { ...moto.env, AWS_ENDPOINT_URL: endpointWithSecrets };
    out = tempDir('endpoint-secrets');
    snapshotFile = join(tempDir('endpoint-secrets-snap'), 'snapshot.json');
    results.push(hipaaIam(['audit', '--out', out, '--regions', 'us-east-1', '--format', 'csv,json,html,ocsf,asff'], env));
    results.push(hipaaIam(['collect', '--save', snapshotFile, '--regions', 'us-east-1'], env));
  }, 240_000);

  afterAll(async () => {
    await moto?.stop();
  });

  it('the SDK reached moto through that endpoint, so the run is a real one', () => {
    expect(results[0]!.status, results[0]!.stderr).toBe(3);
    expect(runFolders(out, '123456789012')).toHaveLength(1);
    expect(results[1]!.status, results[1]!.stderr).toBe(0);
  });

  it('run.json, findings and the report name the endpoint without its credentials', () => {
    const run = JSON.parse(readFileSync(join(runFolders(out, '123456789012')[0]!, 'run.json'), 'utf8')) as { source: { description: string } };
    const { host } = new URL(moto.endpoint);
    expect(run.source.description).toBe(`live AWS (default credential chain, endpoint http://${host}/?X-Amz-Security-Token=REDACTED&X-Amz-Signature=REDACTED)`);
  });

  it('no file written, nor stdout, nor stderr holds the password, the token or the signature', () => {
    const written = [...filesUnder(out), snapshotFile];
    expect(written.length).toBeGreaterThan(10);
    for (const file of written) {
      const text = readFileSync(file, 'latin1');
      for (const secret of SECRETS) expect(text.includes(secret), `${secret} in ${file}`).toBe(false);
    }
    for (const result of results) {
      for (const secret of SECRETS) expect(`${result.stdout}${result.stderr}`).not.toContain(secret);
    }
  });

  it('nor the one line a run that reached nothing prints', () => {
    const dead = hipaaIam(['audit', '--out', tempDir('endpoint-secrets-dead'), '--quiet'], { ...moto.env, AWS_ENDPOINT_URL: `http://auditor:${PASSWORD}@127.0.0.1:9/?X-Amz-Security-Token=${TOKEN}`, AWS_MAX_ATTEMPTS: '1' });
    expect(dead.status).toBe(3);
    expect(dead.stderr).toMatch(/^hipaa-iam: nothing could be read from live AWS \(default credential chain, endpoint http:\/\/127\.0\.0\.1:9\/\?X-Amz-Security-Token=REDACTED\)/);
    for (const secret of SECRETS) expect(dead.stderr + dead.stdout).not.toContain(secret);
  });
});
