import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A loopback HTTP proxy between the AWS SDK (AWS_ENDPOINT_URL) and moto that rewrites chosen
 * answers, by API action, at a rate drawn from a seeded generator: the same seed and rules
 * give the same faults on the same requests, so a failure replays.
 *
 * Faults, each as AWS or a broken network would show it:
 * - empty: HTTP 200 with a well-formed answer that holds nothing (`<XResult/>`, `{}`);
 * - empty0: HTTP 200 with a zero-length body;
 * - truncated: moto's answer cut to half its length (Content-Length says so too);
 * - misshapen: HTTP 200 with a well-formed body of the wrong shape, as a captive portal or a
 *   misrouted endpoint gives: an HTML page for XML APIs, a JSON array for JSON and REST ones;
 * - denied: AccessDenied (query APIs, 403) or AccessDeniedException (JSON APIs, 400);
 * - throttle: Throttling / ThrottlingException, HTTP 400; e500 and e503: server errors;
 * - reset: the connection is dropped without an answer;
 * - delay: the answer is held back `delayMs`, then moto's is sent (a client timeout fires first
 *   when delayMs exceeds it).
 * moto has no IAM Access Analyzer: with `analyzer` set the proxy answers ListAnalyzers (one
 * ACTIVE account analyzer per region) and ListFindingsV2 (the findings given) itself.
 * moto has no sso-admin GetPermissionsBoundaryForPermissionSet: with `permissionsBoundaries`
 * set the proxy answers it as AWS does (test/support/identity-center-moto.ts seeds the rest).
 * moto knows AWS managed policies only when started with MOTO_IAM_LOAD_MANAGED_POLICIES, which
 * also puts all of them in every authorization details answer: with `awsManagedPolicies` set
 * the proxy answers iam GetPolicy and GetPolicyVersion for those ARNs itself (version v1).
 */
export type Fault = 'empty' | 'empty0' | 'truncated' | 'misshapen' | 'denied' | 'throttle' | 'e500' | 'e503' | 'reset' | 'delay';

export interface FaultRule {
  /** The API action (GetAccountSummary, ListFindingsV2, ...), or '*' for every action. */
  action: string;
  /** The fault, or several: each faulted request then gets one of them, drawn from the same seeded generator. */
  fault: Fault | readonly Fault[];
  /** Share of matching requests faulted, 0–1; default 1 (all). */
  rate?: number;
  /** For delay: milliseconds to hold the answer back; default 5000. */
  delayMs?: number;
}

export interface EmulatedFinding {
  id: string;
  resource: string;
  resourceType: string;
}

/** A permission set's boundary as GetPermissionsBoundaryForPermissionSet answers it (one of the two). */
export type EmulatedPermissionsBoundary = { ManagedPolicyArn: string } | { CustomerManagedPolicyReference: { Name: string; Path?: string } };

export interface FaultProxyOptions {
  /** moto's endpoint, e.g. http://127.0.0.1:5000. */
  upstream: string;
  rules?: FaultRule[];
  /** Seeds the generator that picks which requests of a rule with rate < 1 are faulted; default 1. */
  seed?: number;
  /** Answer Access Analyzer in place of moto, with these ACTIVE findings. */
  analyzer?: { accountId: string; findings: EmulatedFinding[] };
  /**
   * Answer sso-admin GetPermissionsBoundaryForPermissionSet in place of moto: the boundary given
   * for the permission set's ARN, or, for a set not named here, ResourceNotFoundException (HTTP
   * 400), which is what AWS answers for a set that has no permissions boundary.
   */
  permissionsBoundaries?: Readonly<Record<string, EmulatedPermissionsBoundary>>;
  /** Answer iam GetPolicy and GetPolicyVersion for these AWS managed policy ARNs (default version v1, this document) in place of moto. */
  awsManagedPolicies?: Readonly<Record<string, object>>;
  /** Rewrites moto's answer to an action before any fault, to show what moto cannot (root's MFA, say). */
  rewrite?: (action: string, body: string) => string;
}

/** One request the proxy saw, and what it did with it ('pass' or the fault). */
export interface ProxiedRequest {
  service: string;
  action: string;
  outcome: 'pass' | Fault;
}

export interface FaultProxy {
  endpoint: string;
  requests: ProxiedRequest[];
  /** Replaces the rules (and restarts the generator from the seed) for the requests that follow. */
  setRules(rules: FaultRule[], seed?: number): void;
  stop(): Promise<void>;
}

/** mulberry32: a small seeded generator, enough to pick faults reproducibly. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Protocol = 'query' | 'json' | 'rest';

/** REST operations by method and path, for the services that use them (Access Analyzer). */
const REST_ACTIONS: [RegExp, string][] = [
  [/^GET \/analyzer$/, 'ListAnalyzers'],
  [/^POST \/findingv2$/, 'ListFindingsV2'],
  [/^GET \/analyzer\/[^/]+$/, 'GetAnalyzer'],
];

const QUERY_NAMESPACES: Record<string, string> = {
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  ec2: 'http://ec2.amazonaws.com/doc/2016-11-15/',
};

/** Service (from the signature's credential scope), protocol and action of a signed request. */
export function identifyRequest(method: string, path: string, headers: IncomingMessage['headers'], body: Buffer): { service: string; protocol: Protocol; action: string } {
  const scope = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(String(headers.authorization ?? ''));
  const service = scope?.[1] ?? 'unknown';
  const target = headers['x-amz-target'];
  if (typeof target === 'string') return { service, protocol: 'json', action: target.split('.').pop() ?? target };
  if (String(headers['content-type'] ?? '').includes('x-www-form-urlencoded')) {
    return { service, protocol: 'query', action: new URLSearchParams(body.toString('utf8')).get('Action') ?? 'unknown' };
  }
  const route = `${method} ${path.split('?')[0]}`;
  return { service, protocol: 'rest', action: REST_ACTIONS.find(([pattern]) => pattern.test(route))?.[1] ?? route };
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const upstream = new URL(options.upstream);
  let rules = options.rules ?? [];
  let random = seeded(options.seed ?? 1);
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const pick = (action: string): { fault: Fault; delayMs?: number } | undefined => {
    const rule = rules.find((r) => r.action === action || r.action === '*');
    if (!rule || random() >= (rule.rate ?? 1)) return undefined;
    const kinds: readonly Fault[] = typeof rule.fault === 'string' ? [rule.fault] : rule.fault;
    const fault = kinds.length === 1 ? kinds[0] : kinds[Math.floor(random() * kinds.length)];
    return fault === undefined ? undefined : { fault, delayMs: rule.delayMs };
  };

  const send = (res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer | string) => {
    if (res.destroyed) return;
    const data = typeof body === 'string' ? Buffer.from(body) : body;
    res.writeHead(status, { ...headers, 'Content-Length': String(data.length) });
    res.end(data);
  };

  const errorAnswer = (res: ServerResponse, service: string, protocol: Protocol, status: number, code: string, message: string) => {
    if (protocol === 'query' && service === 'ec2') {
      return send(res, status, { 'Content-Type': 'text/xml' }, `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>fault-proxy</RequestID></Response>`);
    }
    if (protocol === 'query') {
      const ns = QUERY_NAMESPACES[service] ?? QUERY_NAMESPACES.iam;
      return send(res, status, { 'Content-Type': 'text/xml' }, `<ErrorResponse xmlns="${ns}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>`);
    }
    return send(res, status, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-ErrorType': code }, JSON.stringify({ __type: code, message }));
  };

  const emptyAnswer = (res: ServerResponse, service: string, protocol: Protocol, action: string) => {
    if (protocol === 'query' && service === 'ec2') {
      return send(res, 200, { 'Content-Type': 'text/xml' }, `<?xml version="1.0" encoding="UTF-8"?><${action}Response xmlns="${QUERY_NAMESPACES.ec2}"><requestId>fault-proxy</requestId></${action}Response>`);
    }
    if (protocol === 'query') {
      const ns = QUERY_NAMESPACES[service] ?? QUERY_NAMESPACES.iam;
      return send(res, 200, { 'Content-Type': 'text/xml' }, `<${action}Response xmlns="${ns}"><${action}Result></${action}Result><ResponseMetadata><RequestId>fault-proxy</RequestId></ResponseMetadata></${action}Response>`);
    }
    return send(res, 200, { 'Content-Type': 'application/json' }, '{}');
  };

  const emulatedAnalyzer = (region: string, action: string): { status: number; body: string } => {
    const analyzer = options.analyzer!;
    const arn = `arn:aws:access-analyzer:${region}:${analyzer.accountId}:analyzer/account-analyzer`;
    const at = '2026-01-01T00:00:00Z';
    if (action === 'ListAnalyzers') {
      return { status: 200, body: JSON.stringify({ analyzers: [{ arn, name: 'account-analyzer', type: 'ACCOUNT', status: 'ACTIVE', createdAt: at }] }) };
    }
    if (action === 'ListFindingsV2') {
      const findings = analyzer.findings.map((f) => ({ ...f, resourceOwnerAccount: analyzer.accountId, status: 'ACTIVE', findingType: 'ExternalAccess', createdAt: at, updatedAt: at, analyzedAt: at }));
      return { status: 200, body: JSON.stringify({ findings }) };
    }
    return { status: 404, body: JSON.stringify({ message: `the fault proxy does not emulate ${action}` }) };
  };

  const emulatedBoundary = (body: Buffer): { status: number; headers: Record<string, string>; body: string } => {
    const { PermissionSetArn: arn } = JSON.parse(body.toString('utf8') || '{}') as { PermissionSetArn?: string };
    const boundary = arn ? options.permissionsBoundaries?.[arn] : undefined;
    if (boundary) return { status: 200, headers: { 'Content-Type': 'application/x-amz-json-1.1' }, body: JSON.stringify({ PermissionsBoundary: boundary }) };
    const message = 'Could not find PermissionsBoundary for the given PermissionSet.';
    return { status: 400, headers: { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-ErrorType': 'ResourceNotFoundException' }, body: JSON.stringify({ __type: 'ResourceNotFoundException', Message: message }) };
  };

  /** GetPolicy / GetPolicyVersion of an emulated AWS managed policy, as IAM's query API writes them; null for any other request. */
  const emulatedManagedPolicy = (action: string, body: Buffer): { status: number; headers: Record<string, string>; body: string } | null => {
    if (!options.awsManagedPolicies || (action !== 'GetPolicy' && action !== 'GetPolicyVersion')) return null;
    const arn = new URLSearchParams(body.toString('utf8')).get('PolicyArn') ?? '';
    const document = options.awsManagedPolicies[arn];
    if (!document) return null;
    const name = arn.slice(arn.lastIndexOf('/') + 1);
    const result =
      action === 'GetPolicy'
        ? `<Policy><PolicyName>${name}</PolicyName><Arn>${arn}</Arn><Path>/</Path><DefaultVersionId>v1</DefaultVersionId><AttachmentCount>0</AttachmentCount><IsAttachable>true</IsAttachable></Policy>`
        : `<PolicyVersion><Document>${encodeURIComponent(JSON.stringify(document))}</Document><VersionId>v1</VersionId><IsDefaultVersion>true</IsDefaultVersion></PolicyVersion>`;
    return { status: 200, headers: { 'Content-Type': 'text/xml' }, body: `<${action}Response xmlns="${QUERY_NAMESPACES.iam}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>fault-proxy</RequestId></ResponseMetadata></${action}Response>` };
  };

  const forward = (req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const headers = { ...req.headers };
      delete headers.connection;
      const out = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const kept: Record<string, string> = {};
          for (const [key, value] of Object.entries(answer.headers)) {
            if (value === undefined || ['content-length', 'connection', 'transfer-encoding', 'keep-alive'].includes(key)) continue;
            kept[key] = Array.isArray(value) ? value.join(', ') : value;
          }
          resolve({ status: answer.statusCode ?? 502, headers: kept, body: Buffer.concat(chunks) });
        });
        answer.on('error', reject);
      });
      out.on('error', reject);
      out.end(body);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const { service, protocol, action } = identifyRequest(req.method ?? 'GET', req.url ?? '/', req.headers, body);
    const rule = pick(action);
    requests.push({ service, action, outcome: rule?.fault ?? 'pass' });
    const region = /Credential=[^/]+\/[^/]+\/([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? 'us-east-1';
    switch (rule?.fault) {
      case 'empty':
        return emptyAnswer(res, service, protocol, action);
      case 'misshapen':
        return protocol === 'query'
          ? send(res, 200, { 'Content-Type': 'text/html' }, '<html><head><title>Sign in to the network</title></head><body><p>Redirecting</p></body></html>')
          : send(res, 200, { 'Content-Type': 'application/json' }, JSON.stringify([{ unexpected: true }]));
      case 'empty0':
        return send(res, 200, { 'Content-Type': protocol === 'query' ? 'text/xml' : 'application/json' }, '');
      case 'denied': {
        const message = `User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: ${service}:${action} on resource: *`;
        return protocol === 'query' ? errorAnswer(res, service, protocol, 403, 'AccessDenied', message) : errorAnswer(res, service, protocol, 400, 'AccessDeniedException', message);
      }
      case 'throttle':
        return errorAnswer(res, service, protocol, 400, protocol === 'query' ? 'Throttling' : 'ThrottlingException', 'Rate exceeded');
      case 'e500':
        return errorAnswer(res, service, protocol, 500, 'InternalFailure', 'We encountered an internal error. Please try again.');
      case 'e503':
        return errorAnswer(res, service, protocol, 503, 'ServiceUnavailable', 'Service is unavailable. Please try again.');
      case 'reset':
        req.socket.resetAndDestroy();
        return;
      case 'delay':
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            timers.delete(timer);
            resolve();
          }, rule.delayMs ?? 5_000);
          timers.add(timer);
        });
        if (res.destroyed || req.socket.destroyed) return;
        break;
      default:
        break;
    }
    const answer =
      options.analyzer && service === 'access-analyzer'
        ? { ...emulatedAnalyzer(region, action), headers: { 'Content-Type': 'application/json' } }
        : options.permissionsBoundaries && action === 'GetPermissionsBoundaryForPermissionSet'
          ? emulatedBoundary(body)
          : (emulatedManagedPolicy(action, body) ?? (await forward(req, body)));
    let data = Buffer.isBuffer(answer.body) ? answer.body : Buffer.from(answer.body);
    if (options.rewrite) data = Buffer.from(options.rewrite(action, data.toString('utf8')));
    send(res, answer.status, answer.headers, rule?.fault === 'truncated' ? data.subarray(0, Math.floor(data.length / 2)) : data);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks)).catch((error: unknown) => {
        if (!res.headersSent && !res.destroyed) send(res, 502, { 'Content-Type': 'text/plain' }, `fault proxy: ${String(error)}`);
      });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    setRules(next, seed) {
      rules = next;
      random = seeded(seed ?? options.seed ?? 1);
    },
    stop: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
