import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identifyRequest, startFaultProxy, type FaultRule } from './fault-proxy.js';

const SCOPE = (service: string) => `AWS4-HMAC-SHA256 Credential=AKIA/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`;
const SUMMARY = '<GetAccountSummaryResponse><GetAccountSummaryResult><SummaryMap><entry><key>Users</key><value>3</value></entry></SummaryMap></GetAccountSummaryResult></GetAccountSummaryResponse>';

/** The proxy is what the fault suite stands on: it must name actions right and fault the same requests for the same seed. */
describe('the fault proxy of the live tests', () => {
  let upstream: Server;
  let upstreamUrl: string;
  beforeAll(async () => {
    upstream = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'text/xml' });
        res.end(SUMMARY);
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

  it.each([
    ['a query API', 'POST', '/', { authorization: SCOPE('iam'), 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, 'Action=GetAccountSummary&Version=2010-05-08', { service: 'iam', protocol: 'query', action: 'GetAccountSummary' }],
    ['a JSON API', 'POST', '/', { authorization: SCOPE('cloudtrail'), 'x-amz-target': 'CloudTrail_20131101.GetEventSelectors' }, '{}', { service: 'cloudtrail', protocol: 'json', action: 'GetEventSelectors' }],
    ['a REST API', 'POST', '/findingv2', { authorization: SCOPE('access-analyzer') }, '{}', { service: 'access-analyzer', protocol: 'rest', action: 'ListFindingsV2' }],
  ])('names the action of %s', (_label, method, path, headers, body, expected) => {
    expect(identifyRequest(method, path, headers, Buffer.from(body))).toEqual(expected);
  });

  const ask = async (endpoint: string) => {
    const response = await fetch(endpoint, { method: 'POST', headers: { authorization: SCOPE('iam'), 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=GetAccountSummary' });
    return { status: response.status, body: await response.text() };
  };
  const run = async (rules: FaultRule[], seed: number, times = 16) => {
    const proxy = await startFaultProxy({ upstream: upstreamUrl, rules, seed });
    try {
      const answers = [];
      for (let i = 0; i < times; i++) answers.push(await ask(proxy.endpoint));
      return { answers, outcomes: proxy.requests.map((r) => r.outcome) };
    } finally {
      await proxy.stop();
    }
  };

  it('faults the same requests for the same seed and rate, and others for another seed', async () => {
    const rules: FaultRule[] = [{ action: 'GetAccountSummary', fault: 'throttle', rate: 0.5 }];
    const first = await run(rules, 3);
    const again = await run(rules, 3);
    const other = await run(rules, 4);

    expect(again.outcomes).toEqual(first.outcomes);
    expect(other.outcomes).not.toEqual(first.outcomes);
    expect(first.outcomes).toContain('throttle');
    expect(first.outcomes).toContain('pass');
    expect(first.answers.filter((a) => a.status === 400).map((a) => a.body)).toEqual(first.outcomes.filter((o) => o === 'throttle').map(() => expect.stringContaining('<Code>Throttling</Code>')));
  });

  it.each<[FaultRule['fault'], number, RegExp]>([
    ['empty', 200, /^<GetAccountSummaryResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/"><GetAccountSummaryResult><\/GetAccountSummaryResult>/],
    ['empty0', 200, /^$/],
    ['misshapen', 200, /^<html>.*<\/html>$/],
    ['truncated', 200, new RegExp(`^${SUMMARY.slice(0, Math.floor(SUMMARY.length / 2)).replace(/[/]/g, '\\/')}$`)],
    ['denied', 403, /<Code>AccessDenied<\/Code>.*not authorized to perform: iam:GetAccountSummary/],
    ['e503', 503, /<Code>ServiceUnavailable<\/Code>/],
  ])('answers %s as AWS or a broken network would', async (fault, status, body) => {
    const { answers } = await run([{ action: '*', fault }], 1, 1);

    expect(answers[0]?.status).toBe(status);
    expect(answers[0]?.body).toMatch(body);
  });

  it('gives each faulted request one of a rule\'s several faults, the same ones for the same seed', async () => {
    const rules: FaultRule[] = [{ action: '*', fault: ['throttle', 'e500', 'denied'], rate: 1 }];
    const first = await run(rules, 5, 24);
    const again = await run(rules, 5, 24);

    expect(again.outcomes).toEqual(first.outcomes);
    expect(new Set(first.outcomes)).toEqual(new Set(['throttle', 'e500', 'denied']));
  });

  it('passes what no rule names through unchanged', async () => {
    const { answers, outcomes } = await run([{ action: 'ListVirtualMFADevices', fault: 'empty' }], 1, 2);

    expect(answers).toEqual([{ status: 200, body: SUMMARY }, { status: 200, body: SUMMARY }]);
    expect(outcomes).toEqual(['pass', 'pass']);
  });
});
