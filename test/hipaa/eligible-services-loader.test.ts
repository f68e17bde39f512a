import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { BUILT_IN_ELIGIBLE_SERVICES, classifyServicePrefix, loadEligibleServicesFile } from '../../src/hipaa/eligible-services.js';

const dir = mkdtempSync(join(tmpdir(), 'hipaa-iam-eligible-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fileWith(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const minimal = {
  asOf: '2027-01-15',
  sources: [{ id: 'mine', title: 'Our compliance team, reading the AWS reference page', url: 'https://aws.amazon.com/compliance/hipaa-eligible-services-reference/' }],
  services: [
    { name: 'Amazon S3', prefixes: ['s3'], eligibility: 'eligible', source: 'mine' },
    { name: 'Amazon ElastiCache', prefixes: ['elasticache'], eligibility: 'partial', caveat: 'Valkey and Redis OSS only' },
    { name: 'AWS Managed Services', prefixes: [], eligibility: 'eligible', noPrefixReason: 'no IAM prefix' },
  ],
  controlPlane: [{ prefix: 'iam', reason: 'identities' }],
};

const variant = (patch: (list: Record<string, unknown>) => void) => {
  const copy = structuredClone(minimal) as unknown as Record<string, unknown>;
  patch(copy);
  return JSON.stringify(copy);
};
const services = (list: Record<string, unknown>) => list.services as Record<string, unknown>[];

describe('loadEligibleServicesFile', () => {
  it('loads a user-supplied list, which then judges prefixes', () => {
    const list = loadEligibleServicesFile(fileWith('good.json', JSON.stringify(minimal, null, 2)));
    expect(list.asOf).toBe('2027-01-15');
    expect(classifyServicePrefix(list, 's3').status).toBe('eligible');
    expect(classifyServicePrefix(list, 'elasticache')).toMatchObject({ status: 'partial', caveats: ['Amazon ElastiCache: Valkey and Redis OSS only'] });
    expect(classifyServicePrefix(list, 'iam').status).toBe('control-plane');
    expect(classifyServicePrefix(list, 'dynamodb').status).toBe('not-eligible');
  });

  it('loads a list without a controlPlane of its own, which keeps hipaa-iam\'s control plane and its own date', () => {
    const list = loadEligibleServicesFile(fileWith('no-control-plane.json', variant((l) => delete l.controlPlane)));
    expect(list.asOf).toBe('2027-01-15');
    expect(list.controlPlane).toEqual([]);
    for (const prefix of ['iam', 'support', 'support-console', 'billing']) expect(classifyServicePrefix(list, prefix).status, prefix).toBe('control-plane');
    expect(classifyServicePrefix(list, 'supportapp').status).toBe('not-eligible');
  });

  it('reads back the built-in list written as a file (the built-in list is a valid template)', () => {
    const list = loadEligibleServicesFile(fileWith('built-in.json', JSON.stringify(BUILT_IN_ELIGIBLE_SERVICES)));
    expect(list).toEqual(BUILT_IN_ELIGIBLE_SERVICES);
  });

  it.each<[string, string | null, RegExp]>([
    ['a missing file', null, /cannot read eligible-services file .*missing\.json: ENOENT/],
    ['text that is not JSON', '{ "asOf": ', /is not valid JSON/],
    ['a JSON array', '[]', /is not a valid eligible-services list: /],
    ['no asOf', variant((l) => delete l.asOf), /at asOf: /],
    ['an asOf that is not a date', variant((l) => (l.asOf = 'last spring')), /at asOf: /],
    ['no sources', variant((l) => (l.sources = [])), /sources/],
    ['a partial service without a caveat', variant((l) => delete services(l)[1]!.caveat), /at services\.1\.caveat: .*needs a caveat/],
    ['a service without prefixes or a reason', variant((l) => delete services(l)[2]!.noPrefixReason), /at services\.2\.prefixes: .*noPrefixReason/],
    ['an upper-case prefix', variant((l) => (services(l)[0]!.prefixes = ['S3'])), /at services\.0\.prefixes\.0: .*lower-case/],
    ['a prefix written as an action', variant((l) => (services(l)[0]!.prefixes = ['s3:*'])), /at services\.0\.prefixes\.0: /],
    ['an unknown eligibility', variant((l) => (services(l)[0]!.eligibility = 'yes')), /at services\.0\.eligibility: /],
    ['the same service twice', variant((l) => services(l).push({ ...services(l)[0]! })), /service Amazon S3 is listed twice/],
    ['a prefix both eligible and control plane', variant((l) => (l.controlPlane = [{ prefix: 's3', reason: 'x' }])), /s3 is both a service prefix and a control-plane prefix/],
    ['a source that is not listed', variant((l) => (services(l)[0]!.source = 'elsewhere')), /cites source elsewhere, which is not in sources/],
    ['a misspelt key', variant((l) => (services(l)[0]!.eligibilty = 'eligible')), /at services\.0: .*eligibilty/],
  ])('rejects %s with one InputError line naming the file', (_label, content, message) => {
    const path = content === null ? join(dir, 'missing.json') : fileWith(`bad-${Math.random().toString(36).slice(2)}.json`, content);
    let caught: unknown;
    try {
      loadEligibleServicesFile(path);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InputError);
    const text = (caught as InputError).message;
    expect(text).toContain(path);
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
  });
});
