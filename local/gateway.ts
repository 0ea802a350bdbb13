import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { corsHeaders } from '../shared/http/cors.ts';
import { problem } from '../shared/http/problem.ts';
import { ROUTES, type RouteDefinition, type RouteGroup } from '../shared/http/routes.ts';
import type { JwtClaims } from '../shared/ports/identity-verifier.ts';
import type { LocalPortal } from './portal.ts';

export type LambdaHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** A `/_local/*` route: answers `{ status, body }` or null when it is not one of its paths. */
export type LocalRoutes = (
  method: string,
  url: URL,
  body: Buffer,
  headers: IncomingMessage['headers'],
) => Promise<{ status: number; body: unknown; headers?: Record<string, string> } | null>;

export interface GatewayOptions {
  handlers: Record<RouteGroup, LambdaHandler>;
  /** The JWT authorizer's check for `auth: 'jwt'` routes; null means 401, as API Gateway answers. */
  verifyJwt: (token: string) => Promise<JwtClaims | null>;
  localRoutes: LocalRoutes;
  /** The web portal at `/` (the API is then also under `/api`, as CloudFront serves them in AWS). */
  portal?: LocalPortal | undefined;
  /** The runtime's clock: every answer's `Date` says its time (a manual clock's, locally). */
  now?: () => Date;
}

/** Where the portal reaches the API on its own origin, as the CloudFront distribution routes it in AWS. */
export const API_PREFIX = '/api';

/** API Gateway's payload limit for HTTP APIs. */
const MAX_PAYLOAD = 10 * 1024 * 1024;

interface CompiledRoute {
  route: RouteDefinition;
  pattern: RegExp;
  params: string[];
}

const compiled: CompiledRoute[] = ROUTES.map((route) => {
  const params: string[] = [];
  const source = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    params.push(name);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}$`), params };
});

/**
 * API Gateway's JWT authorizer hands claims on as strings; arrays become `[a b]`. The handlers must
 * cope with exactly that, so the local gateway does the same.
 */
export function flattenClaims(claims: JwtClaims): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(claims)) {
    out[k] = Array.isArray(v) ? `[${v.join(' ')}]` : typeof v === 'string' ? v : JSON.stringify(v);
  }
  return out;
}

/** Every origin may call the local API, as `casewatch:allowedOrigins` allows by default in AWS. */
const LOCAL_ORIGINS = ['*'];

/** Text and bytes (a file the local blob store serves) go as they are; anything else as JSON. */
function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(payload);
}

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_PAYLOAD) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** A Lambda context for a local invocation of `casewatch-<group>` with Lambda's remaining-time clock. */
export function lambdaContext(group: string, requestId: string, timeoutMs = 10_000): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `casewatch-${group}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:casewatch-${group}`,
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: `/casewatch/${group}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const TEXTUAL = /^(application\/([\w.+-]*\+)?json|text\/|application\/x-www-form-urlencoded)/i;

/**
 * The local API Gateway: turns HTTP requests into API Gateway v2 events for the very handlers Lambda
 * runs, emulating the JWT authorizer on `jwt` routes and API Gateway's own 401/404/413/500 answers.
 */
export function createGateway({
  handlers,
  verifyJwt,
  localRoutes,
  portal,
  now: clockNow,
}: GatewayOptions): Server {
  return createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('local gateway error', error);
      if (!res.headersSent) send(res, 500, { message: 'Internal Server Error' });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    if (clockNow) res.setHeader('date', clockNow().toUTCString());
    // `/api/…` is the API for the portal on the same origin; the API also stays at `/` for API clients.
    const viaPrefix = url.pathname === API_PREFIX || url.pathname.startsWith(`${API_PREFIX}/`);
    if (viaPrefix) url.pathname = url.pathname.slice(API_PREFIX.length) || '/';
    // As API Gateway does with CORS configured: preflights answered here, every answer decorated.
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    for (const [name, value] of Object.entries(corsHeaders(LOCAL_ORIGINS, origin, method === 'OPTIONS')))
      res.setHeader(name, value);
    if (method === 'OPTIONS') {
      res.writeHead(204);
      res.end();
      return;
    }
    const body = await readBody(req);
    if (body === null) return send(res, 413, { message: 'Request Entity Too Large' });

    if (url.pathname.startsWith('/_local/')) {
      const answer = await localRoutes(method, url, body, req.headers);
      if (answer) return send(res, answer.status, answer.body, answer.headers);
      return send(res, 404, problem(404, 'Not found', `no local route ${method} ${url.pathname}`), {
        'content-type': 'application/problem+json',
      });
    }

    const match = compiled
      .filter((c) => c.route.method === method)
      .map((c) => ({ c, m: c.pattern.exec(url.pathname) }))
      .find((x) => x.m !== null);
    if (!match?.m) {
      if (portal && !viaPrefix && (method === 'GET' || method === 'HEAD')) {
        const page = await portal.serve(url.pathname, String(req.headers.accept ?? ''));
        if (page) {
          res.writeHead(page.status, page.headers);
          res.end(method === 'HEAD' ? undefined : page.body);
          return;
        }
      }
      return send(res, 404, { message: 'Not Found' });
    }
    const { route, params } = match.c;

    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
    }
    let authorizer: { jwt: { claims: Record<string, string>; scopes: null } } | undefined;
    if (route.auth === 'jwt') {
      const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '');
      const claims = bearer ? await verifyJwt(bearer[1] as string) : null;
      if (!claims) return send(res, 401, { message: 'Unauthorized' }, { 'www-authenticate': 'Bearer' });
      authorizer = { jwt: { claims: flattenClaims(claims), scopes: null } };
    }

    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
    const pathParameters: Record<string, string> = {};
    params.forEach((name, i) => {
      const rawValue = match.m?.[i + 1] ?? '';
      // A malformed escape (`%E0%A`) is the client's mistake: API Gateway passes it through undecoded.
      try {
        pathParameters[name] = decodeURIComponent(rawValue);
      } catch {
        pathParameters[name] = rawValue;
      }
    });
    // Bytes that are not UTF-8 go on base64-encoded, so the handler sees them as sent (and refuses them)
    // rather than text with replacement characters in it.
    const textual =
      body.length === 0 || (TEXTUAL.test(headers['content-type'] ?? 'application/json') && isUtf8(body));
    const requestId = randomUUID();
    const now = new Date();
    const event = {
      version: '2.0',
      routeKey: route.routeKey,
      rawPath: url.pathname,
      rawQueryString: url.search.replace(/^\?/, ''),
      headers,
      ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
      ...(params.length > 0 ? { pathParameters } : {}),
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        domainName: headers.host ?? 'localhost',
        domainPrefix: 'localhost',
        http: {
          method,
          path: url.pathname,
          protocol: `HTTP/${req.httpVersion}`,
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId,
        routeKey: route.routeKey,
        stage: '$default',
        time: now.toISOString(),
        timeEpoch: now.getTime(),
        ...(authorizer ? { authorizer } : {}),
      },
      ...(body.length > 0 ? { body: textual ? body.toString('utf8') : body.toString('base64') } : {}),
      isBase64Encoded: !textual,
    } as APIGatewayProxyEventV2;

    const handler = handlers[route.group];
    let result: APIGatewayProxyStructuredResultV2;
    try {
      result = await handler(event, lambdaContext(route.group, requestId));
    } catch (error) {
      console.error(`handler ${route.group} threw`, error);
      return send(res, 500, { message: 'Internal Server Error' });
    }
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(result.headers ?? {})) out[k.toLowerCase()] = String(v);
    res.writeHead(result.statusCode ?? 200, out);
    res.end(result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? ''));
  }
}
