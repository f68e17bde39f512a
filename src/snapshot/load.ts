import { readFileSync } from 'node:fs';
import { InputError, errorMessage } from '../errors.js';
import { ACCOUNT_ID } from './build.js';
import { describeZodError } from './zod-issue.js';
import { SNAPSHOT_SCHEMA_VERSION, snapshotSchema, type Snapshot } from './schema.js';

/** Reads and validates a saved snapshot; anything wrong is one InputError line naming the file. */
export function loadSnapshot(path: string): Snapshot {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EISDIR') {
      throw new InputError(`snapshot ${path} is a folder: a saved organization (collect --organization --save DIR) is audited with --organization; one account's snapshot is a file`);
    }
    throw new InputError(`cannot read snapshot ${path}: ${errorMessage(error)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`snapshot ${path} is not valid JSON: ${errorMessage(error)}`);
  }
  const version = (value as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version > SNAPSHOT_SCHEMA_VERSION) {
    throw new InputError(`snapshot ${path} has schemaVersion ${version}; this hipaa-iam reads up to ${SNAPSHOT_SCHEMA_VERSION} (upgrade hipaa-iam)`);
  }
  const parsed = snapshotSchema.safeParse(value);
  if (!parsed.success) {
    throw new InputError(`snapshot ${path} is not a valid hipaa-iam snapshot${describeZodError(parsed.error)}`);
  }
  // The account id names the evidence folder: anything but 12 digits could write outside --out.
  if (!ACCOUNT_ID.test(parsed.data.accountId)) {
    throw new InputError(`snapshot ${path}: accountId must be 12 digits (an AWS account id), not ${JSON.stringify(parsed.data.accountId)}`);
  }
  return parsed.data;
}

export const DEMO_SNAPSHOT_PATH = new URL('../../examples/demo-account.json', import.meta.url).pathname;
