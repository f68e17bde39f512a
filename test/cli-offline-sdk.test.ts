import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hipaaIamRecordingModules, sdkPackages } from './support/module-recorder/index.js';
import { tempDir } from './support/cli.js';
import { motoInstalled, startMoto, type Moto } from './support/moto.js';

// Issue 12: an offline run loaded all six SDK clients (0.78 s and 132 MiB of a 1.2 s demo run).
// The CLI is run in a child process whose every import is recorded (test/support/module-recorder).

const DIST = new URL('../dist/', import.meta.url).href;

describe('an offline run loads no AWS SDK module', () => {
  it.each([
    ['--demo', ['audit', '--demo']],
    ['--snapshot FILE', ['audit', '--snapshot', 'examples/demo-account.json']],
    ['--import DIR', ['audit', '--import', 'test/fixtures/cli-pages']],
    ['a subcommand that plans a remediation', ['mfa-audit', '--demo', '--enforce']],
    ['verify RUN_DIR (no KMS key named)', ['verify', 'examples']],
    ['--help', ['--help']],
  ])('%s', (_name, args) => {
    const run = hipaaIamRecordingModules([...args, ...(args[0] === 'audit' || args[0] === 'mfa-audit' ? ['--out', tempDir('offline-sdk')] : [])]);
    // The record is real: the run imported the core and the checks (else the hook did not run).
    expect(run.modules).toContain(`${DIST}cli/main.js`);
    if (args[0] === 'audit') {
      expect(run.status, run.stderr).toBe(args[1] === '--import' ? 3 : 1);
      expect(run.modules).toContain(`${DIST}run.js`);
      expect(run.modules).toContain(`${DIST}checks/registry.js`);
    }
    expect(sdkPackages(run.modules)).toEqual([]);
  });
});

describe.skipIf(!motoInstalled)('a live run on moto still loads the SDK and works', () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto();
  }, 60_000);
  afterAll(async () => {
    await moto?.stop();
  });

  it('reads the account with the SDK clients and writes its evidence', () => {
    const run = hipaaIamRecordingModules(['password-policy', '--regions', 'us-east-1', '--out', tempDir('live-sdk')], moto.env);
    expect(run.status, run.stderr).toBe(1);
    expect(sdkPackages(run.modules)).toEqual(expect.arrayContaining(['@aws-sdk/client-iam', '@aws-sdk/client-sts', '@aws-sdk/credential-providers', '@smithy/core']));
  }, 60_000);
});
