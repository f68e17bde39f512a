import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { DEMO_SNAPSHOT_PATH, loadSnapshot } from '../../src/snapshot/load.js';
import { emptySnapshot } from '../support/snapshot.js';

const dir = mkdtempSync(join(tmpdir(), 'hipaa-iam-load-'));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

describe('loadSnapshot', () => {
  it('reads the embedded demo account', () => {
    const snapshot = loadSnapshot(DEMO_SNAPSHOT_PATH);
    expect(snapshot.accountId).toBe('111122223333');
    expect(snapshot.origin.kind).toBe('demo');
  });

  it('round-trips a snapshot it wrote', () => {
    const original = emptySnapshot();
    expect(loadSnapshot(file('ok.json', JSON.stringify(original)))).toEqual(original);
  });

  it.each<[string, string, RegExp]>([
    ['truncated JSON', '{"schemaVersion": 1, "accountId": ', /is not valid JSON/],
    ['a JSON array', '[]', /not a valid hipaa-iam snapshot/],
    ['a newer schema', JSON.stringify({ ...emptySnapshot(), schemaVersion: 99 }), /schemaVersion 99.*upgrade hipaa-iam/],
    ['a source with an unknown status', JSON.stringify({ ...emptySnapshot(), sources: { ...emptySnapshot().sources, passwordPolicy: { status: 'maybe' } } }), /at sources\.passwordPolicy/],
    ['a malformed policy document', JSON.stringify(withBadPolicy()), /at sources\.authorizationDetails\.data\.users\.0\.inlinePolicies\.0\.document\.Statement/],
  ])('rejects %s with one line naming the file', (name, content, reason) => {
    const path = file(`${name.replace(/\W/g, '-')}.json`, content);
    expect(() => loadSnapshot(path)).toThrow(InputError);
    expect(() => loadSnapshot(path)).toThrow(reason);
    try {
      loadSnapshot(path);
    } catch (error) {
      expect((error as Error).message).toContain(path);
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('rejects a missing file', () => {
    expect(() => loadSnapshot(join(dir, 'absent.json'))).toThrow(/cannot read snapshot/);
  });
});

function withBadPolicy() {
  const snapshot = emptySnapshot();
  snapshot.sources.authorizationDetails = {
    status: 'ok',
    data: {
      users: [{ name: 'a', id: 'i', arn: 'arn', path: '/', createDate: '', groups: [], inlinePolicies: [{ name: 'p', document: { Statement: 'nonsense' } as never }], attachedPolicies: [], permissionsBoundary: null, tags: [] }],
      groups: [],
      roles: [],
      policies: [],
    },
  };
  return snapshot;
}
