/**
 * The twin's API Gateway (node:http), on PORT:
 *
 * - `/api/...` the city HTTP API, `/county/<code>/api/...` each county's; routes from
 *   `functions/routes.ts`; the prefix is stripped, the request becomes an `APIGatewayProxyEventV2`
 *   (payload format 2.0) for the route's function in that stack, and the function's answer is
 *   mapped back as API Gateway does. JWT routes are checked first, as the HTTP API JWT authorizer
 *   does (401 `{"message":"Unauthorized"}` without invoking).
 * - `GET /api/health`: the twin's own health (200 only when every part is ready).
 * - `GET /config.json`: where the web app finds the APIs and the identity issuer, and the org names.
 * - `/auth/...`: the local identity issuer (see identity.ts).
 * - `POST /_aws/events`: the EventBridge endpoint (see events.ts).
 * - `GET|POST /_local/clock`: LOCAL ONLY, read or advance the twin's clock.
 * - everything else: the web app from `web/dist` (SPA fallback to index.html), with the security
 *   headers CloudFront adds in AWS (infra/web-security.ts).
 *
 * The two twin-only surfaces (`/_aws/events`, `/_local/clock`) admit only callers on this machine
 * that are not pages of another origin, with the JSON content types AWS requires (see admitLocal in
 * http.ts). CORS on the APIs allows only the app's own origin, as the deployed APIs allow only the
 * CloudFront one.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type WebConfigDocument, webConfigDocument } from '../functions/core/web-config';
import type { StackKind } from '../functions/registry';
import type { HttpMethod } from '../functions/routes';
import { securityHeaders } from '../infra/web-security';
import type { AuthorizerResult } from './authorizer';
import { type Clock, ClockMoveError, MAX_ADVANCE_MS, MAX_CLOCK_MS, MovableClock } from './clock';
import { LOCAL_AWS, names, type OrgRef } from './config';
import type { LocalEventBus } from './events';
import {
  admitLocal,
  BodyTooLargeError,
  type LocalAdmission,
  loopbackOrigins,
  readBody,
  sendJson,
  sendTooLarge,
} from './http';
import type { LocalIdentity } from './identity';
import type { LambdaInvoker } from './sfn/types';

/**
 * The largest request body the twin's APIs take: Lambda's synchronous invocation limit (6 MB). The
 * HTTP API itself accepts 10 MB, but a Lambda integration cannot be invoked with more than 6 MB, so a
 * larger body never reaches a function in AWS either; the twin refuses it at the door with 413,
 * before reading it.
 */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;

/** The security headers of every web response (the CloudFront policy's; the APIs share the origin). */
const WEB_HEADERS = securityHeaders();
/** API Gateway's integration timeout (HTTP API: 30 s). */
const INTEGRATION_TIMEOUT_MS = 30_000;

/** A route as the gateway serves it: `functions/routes.ts` RouteSpec, or a test fixture's. */
export interface GatewayRoute {
  api: StackKind;
  method: HttpMethod | 'ANY';
  path: string;
  fn: string;
  auth: 'jwt' | 'none';
}

export interface HealthReport {
  ok: boolean;
  parts: Record<'dynamodb' | 'sfn' | 'lambda' | 'identity' | 'bus' | 'scheduler', boolean>;
}

/** What the gateway serves; filled in as the twin's parts come up (requests get 503 before). */
export interface GatewayParts {
  routes: readonly GatewayRoute[];
  city: OrgRef;
  counties: readonly OrgRef[];
  invoke: LambdaInvoker;
  identity: LocalIdentity;
  authorize: (authorization: string | undefined) => Promise<AuthorizerResult>;
  bus: LocalEventBus;
  health: () => Promise<HealthReport>;
}

export interface GatewayOptions {
  clock: Clock;
  /** Folder of the built web app (served at `/` when it exists). */
  webDist: string;
  log?: (line: string) => void;
}

interface CompiledRoute {
  route: GatewayRoute;
  routeKey: string;
  segments: string[];
  /** Per segment: 2 literal, 1 parameter, 0 greedy; compared left to right, higher wins. */
  rank: number[];
}

function compileRoute(route: GatewayRoute): CompiledRoute {
  const segments = route.path.split('/').filter(Boolean);
  return {
    route,
    routeKey: `${route.method} ${route.path}`,
    segments,
    rank: segments.map((s) => (/^\{.+\+\}$/.test(s) ? 0 : /^\{.+\}$/.test(s) ? 1 : 2)),
  };
}

function matchRoute(r: CompiledRoute, parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < r.segments.length; i++) {
    const seg = r.segments[i];
    if (r.rank[i] === 0) {
      if (i >= parts.length) return undefined;
      params[seg.slice(1, -2)] = parts.slice(i).map(safeDecode).join('/');
      return params;
    }
    if (i >= parts.length) return undefined;
    if (r.rank[i] === 1) params[seg.slice(1, -1)] = safeDecode(parts[i]);
    else if (seg !== parts[i]) return undefined;
  }
  return parts.length === r.segments.length ? params : undefined;
}

function compareRank(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (b[i] ?? -1) - (a[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const TEXT_TYPES =
  /^(text\/|application\/(json|[\w.+-]+\+json|xml|[\w.+-]+\+xml|javascript|x-www-form-urlencoded|graphql))/i;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** `12/Mar/2020:19:03:58 +0000`, the requestContext.time format. */
function clfTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
};

const NO_WEB_PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>民生工程管理平台（本地）</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto; line-height: 1.6">
<h1>民生工程管理平台 · 本地运行环境</h1>
<p>后端服务已启动，但前端尚未构建，所以这里还没有页面。</p>
<p>请在项目目录执行 <code>npm run build:web</code>，然后刷新本页。</p>
<p>接口地址：<code>/api</code>（市级），<code>/county/&lt;区县代码&gt;/api</code>（区县）；健康检查：<a href="/api/health">/api/health</a>；前端配置：<a href="/config.json">/config.json</a>。</p>
</body></html>`;

/** The twin's HTTP front door. */
export class Gateway {
  readonly #o: GatewayOptions;
  readonly #server: Server;
  #parts?: GatewayParts;
  #compiled = new Map<StackKind, CompiledRoute[]>();
  #port = 0;
  #closing?: Promise<void>;

  constructor(opts: GatewayOptions) {
    this.#o = opts;
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((e: unknown) => {
        this.#o.log?.(`gateway: ${(e as Error).stack ?? String(e)}`);
        if (!res.headersSent) sendJson(res, 500, { message: 'Internal Server Error' });
        else res.destroy();
      });
    });
    this.#server.keepAliveTimeout = 30_000;
  }

  /** Listens (port 0 = a free port); returns the port. */
  async listen(port: number, host = '127.0.0.1'): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    this.#port = (this.#server.address() as AddressInfo).port;
    return this.#port;
  }

  get port(): number {
    return this.#port;
  }

  /** Connects the parts; until then API requests answer 503. */
  attach(parts: GatewayParts): void {
    const byApi = new Map<StackKind, CompiledRoute[]>();
    for (const r of parts.routes) {
      const list = byApi.get(r.api) ?? [];
      list.push(compileRoute(r));
      byApi.set(r.api, list);
    }
    for (const list of byApi.values()) list.sort((a, b) => compareRank(a.rank, b.rank));
    this.#compiled = byApi;
    this.#parts = parts;
  }

  /** Stops listening and drops open connections. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
    return this.#closing;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    const p = url.pathname;
    const parts = this.#parts;

    if (p === '/api/health' && (req.method === 'GET' || req.method === 'HEAD')) {
      const report = parts
        ? await parts.health()
        : {
            ok: false,
            parts: {
              dynamodb: false,
              sfn: false,
              lambda: false,
              identity: false,
              bus: false,
              scheduler: false,
            },
          };
      sendJson(res, report.ok ? 200 : 503, report, { 'cache-control': 'no-store' });
      return;
    }
    if (p === '/_local/clock') {
      const refused = admitLocal(req, this.#admission('application/json'));
      if (refused) {
        const code = refused.status === 415 ? 'UnsupportedMediaType' : 'Forbidden';
        return sendJson(res, refused.status, { code, message: refused.message });
      }
      return this.#clockEndpoint(req, res);
    }
    if (p === '/config.json' && req.method === 'GET') {
      if (!parts) return unavailable(res);
      sendJson(res, 200, this.#configJson(req, parts), { ...WEB_HEADERS, 'cache-control': 'no-store' });
      return;
    }
    if (p === '/auth' || p.startsWith('/auth/')) {
      if (!parts) return unavailable(res);
      try {
        if (await parts.identity.handle(req, res, p.slice('/auth'.length))) return;
      } catch (e) {
        if (e instanceof BodyTooLargeError) return sendTooLarge(req, res);
        throw e;
      }
      return sendJson(res, 404, { message: 'Not Found' });
    }
    if (p === '/_aws/events' || p === '/_aws/events/') {
      const refused = admitLocal(req, this.#admission('application/x-amz-json-1.1'));
      if (refused) {
        const type = refused.status === 415 ? 'UnsupportedMediaTypeException' : 'AccessDeniedException';
        return sendJson(
          res,
          refused.status,
          { __type: type, message: refused.message },
          { 'content-type': 'application/x-amz-json-1.1' },
        );
      }
      if (!parts) return unavailable(res);
      return parts.bus.handle(req, res);
    }
    const api = this.#apiOf(p);
    if (api) {
      if (!parts) return unavailable(res);
      return this.#api(req, res, url, api, parts);
    }
    return this.#static(req, res, p);
  }

  /** The app's own origins: the gateway's port under the loopback names. */
  get origins(): readonly string[] {
    return loopbackOrigins(this.#port);
  }

  #admission(contentType: string): LocalAdmission {
    return { origins: () => this.origins, contentTypes: [contentType] };
  }

  /** `{stack, kind, rest}` for `/api/...` and `/county/<code>/api/...`; undefined for other paths. */
  #apiOf(p: string): { stack: string; kind: StackKind; rest: string; known: boolean } | undefined {
    if (p === '/api' || p.startsWith('/api/'))
      return { stack: 'city', kind: 'city', rest: p.slice(4) || '/', known: true };
    const m = /^\/county\/([^/]+)\/api(\/.*)?$/.exec(p);
    if (!m) return undefined;
    const known = !!this.#parts?.counties.some((c) => c.code === m[1]);
    return { stack: m[1], kind: 'county', rest: m[2] || '/', known };
  }

  #configJson(req: IncomingMessage, parts: GatewayParts): WebConfigDocument {
    const base = req.headers.host ? `http://${req.headers.host}` : `http://localhost:${this.#port}`;
    return webConfigDocument({
      cityApi: `${base}/api`,
      counties: parts.counties.map((c) => ({
        code: c.code,
        name: c.name,
        api: `${base}/county/${c.code}/api`,
      })),
      auth: {
        kind: 'local',
        issuer: parts.identity.issuer,
        loginUrl: `${base}/api/auth/login`,
        // On the page's own origin (whatever host name it was opened with): renewal and sign-out.
        tokenEndpoint: `${base}/auth/token`,
        revocationEndpoint: `${base}/auth/revoke`,
        clientId: parts.identity.clientId,
      },
    });
  }

  async #clockEndpoint(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const clock = this.#o.clock;
    const movable = clock instanceof MovableClock;
    if (req.method === 'GET') {
      sendJson(res, 200, {
        now: new Date(clock.now()).toISOString(),
        movable,
        offsetMs: movable ? clock.offset : 0,
      });
      return;
    }
    if (req.method !== 'POST') return sendJson(res, 404, { message: 'Not Found' });
    if (!movable) {
      sendJson(res, 409, {
        message: 'this twin runs on a fixed clock; start it with the movable clock to move time',
      });
      return;
    }
    const bad = (message: string) => sendJson(res, 400, { code: 'ValidationFailed', message });
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req, 4096)).toString('utf8'));
    } catch (e) {
      if (e instanceof BodyTooLargeError) return sendTooLarge(req, res);
      return bad('请求体须为 JSON：{"advanceSeconds": <秒数>}');
    }
    const keys = body && typeof body === 'object' && !Array.isArray(body) ? Object.keys(body) : undefined;
    const seconds = (body as { advanceSeconds?: unknown } | undefined)?.advanceSeconds;
    const maxSeconds = MAX_ADVANCE_MS / 1000;
    if (keys?.length !== 1 || keys[0] !== 'advanceSeconds' || typeof seconds !== 'number')
      return bad('请求体须为 {"advanceSeconds": <秒数>}');
    if (!Number.isFinite(seconds) || seconds < 0 || seconds > maxSeconds)
      return bad(`advanceSeconds 须在 0 到 ${maxSeconds}（十年）之间：时钟只能向前拨`);
    if (clock.now() + seconds * 1000 > MAX_CLOCK_MS)
      return bad(`时钟不能拨到 ${new Date(MAX_CLOCK_MS).toISOString()} 之后`);
    try {
      clock.advance(seconds * 1000);
    } catch (e) {
      if (e instanceof ClockMoveError) return bad(e.message);
      throw e;
    }
    sendJson(res, 200, { now: new Date(clock.now()).toISOString(), movable: true, offsetMs: clock.offset });
  }

  async #api(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    api: { stack: string; kind: StackKind; rest: string; known: boolean },
    parts: GatewayParts,
  ): Promise<void> {
    const requestId = randomUUID();
    const baseHeaders: Record<string, string> = { 'apigw-requestid': requestId };
    const origin = req.headers.origin;
    // Only the app's own origin is allowed, as the deployed APIs allow only the CloudFront origin; any
    // other origin gets no CORS headers, so the browser keeps the answer from the page.
    const allowed = origin !== undefined && this.origins.includes(origin);
    if (origin) baseHeaders.vary = 'Origin';
    if (allowed) baseHeaders['access-control-allow-origin'] = origin;
    if (!api.known) return sendJson(res, 404, { message: 'Not Found' }, baseHeaders);
    const method = (req.method ?? 'GET').toUpperCase();
    // CORS preflight, answered by API Gateway itself when the API has a CORS configuration.
    if (method === 'OPTIONS' && origin && req.headers['access-control-request-method']) {
      res.writeHead(
        204,
        allowed
          ? {
              ...baseHeaders,
              'access-control-allow-methods': 'GET,POST,PUT,PATCH,DELETE,OPTIONS',
              'access-control-allow-headers': 'authorization,content-type,idempotency-key,if-match',
              'access-control-expose-headers': 'etag,location',
              'access-control-max-age': '3600',
            }
          : baseHeaders,
      );
      res.end();
      return;
    }
    const rawPath = api.rest;
    const pathParts = rawPath.split('/').filter(Boolean);
    let found: { r: CompiledRoute; params: Record<string, string> } | undefined;
    for (const r of this.#compiled.get(api.kind) ?? []) {
      if (r.route.method !== method && r.route.method !== 'ANY') continue;
      const params = matchRoute(r, pathParts);
      if (params) {
        found = { r, params };
        break;
      }
    }
    if (!found) return sendJson(res, 404, { message: 'Not Found' }, baseHeaders);

    let body: Buffer;
    try {
      body = await readBody(req, MAX_BODY_BYTES);
    } catch (e) {
      if (e instanceof BodyTooLargeError) return sendTooLarge(req, res, baseHeaders);
      throw e;
    }

    let jwt: { claims: Record<string, string>; scopes: string[] | null } | undefined;
    if (found.r.route.auth === 'jwt') {
      const result = await parts.authorize(req.headers.authorization);
      if (!result.ok) {
        this.#o.log?.(`401 ${method} ${url.pathname}: ${result.reason}`);
        return sendJson(
          res,
          401,
          { message: 'Unauthorized' },
          {
            ...baseHeaders,
            'www-authenticate': `Bearer error="invalid_token" error_description="${result.reason}"`,
          },
        );
      }
      jwt = { claims: result.claims, scopes: result.scopes };
    }

    const event = this.#event(req, url, api, found.r, found.params, body, requestId, jwt);
    const fnName = names.function(api.stack, found.r.route.fn);
    let out: Awaited<ReturnType<LambdaInvoker>>;
    try {
      out = await withTimeout(parts.invoke(fnName, event), INTEGRATION_TIMEOUT_MS);
    } catch (e) {
      if ((e as Error).name === 'IntegrationTimeout') {
        return sendJson(res, 503, { message: 'Service Unavailable' }, baseHeaders);
      }
      // The event (body, headers and all) passed Lambda's 6 MB invocation limit.
      if ((e as Error).name === 'RequestTooLargeException') return sendTooLarge(req, res, baseHeaders);
      this.#o.log?.(`${fnName}: ${(e as Error).name}: ${(e as Error).message}`);
      return sendJson(res, 500, { message: 'Internal Server Error' }, baseHeaders);
    }
    if (out.functionError) {
      const p = out.payload as { errorType?: string; errorMessage?: string; trace?: string[] };
      this.#o.log?.(`${fnName} failed: ${p?.errorType}: ${p?.errorMessage}\n${(p?.trace ?? []).join('\n')}`);
      return sendJson(res, 500, { message: 'Internal Server Error' }, baseHeaders);
    }
    this.#respond(res, out.payload, baseHeaders, method === 'HEAD');
  }

  #event(
    req: IncomingMessage,
    url: URL,
    api: { stack: string; kind: StackKind; rest: string },
    r: CompiledRoute,
    params: Record<string, string>,
    body: Buffer,
    requestId: string,
    jwt: { claims: Record<string, string>; scopes: string[] | null } | undefined,
  ): APIGatewayProxyEventV2 & { requestContext: { authorizer?: unknown } } {
    const headers: Record<string, string> = {};
    let cookies: string[] | undefined;
    for (const [k, v] of Object.entries(req.headersDistinct)) {
      if (!v) continue;
      if (k === 'cookie') {
        cookies = v
          .join(';')
          .split(';')
          .map((c) => c.trim())
          .filter(Boolean);
        continue;
      }
      headers[k] = v.join(',');
    }
    const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    headers['x-forwarded-for'] = headers['x-forwarded-for']
      ? `${headers['x-forwarded-for']}, ${sourceIp}`
      : sourceIp;
    headers['x-forwarded-proto'] = 'http';
    headers['x-forwarded-port'] = String(this.#port);
    headers['x-amzn-trace-id'] =
      `Root=1-${Math.floor(this.#o.clock.now() / 1000).toString(16)}-${requestId.replaceAll('-', '').slice(0, 24)}`;

    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
    const rawQueryString = url.search.startsWith('?') ? url.search.slice(1) : '';
    const now = this.#o.clock.now();
    const host = headers.host ?? `localhost:${this.#port}`;
    const contentType = headers['content-type'] ?? '';
    const isText = body.length === 0 || TEXT_TYPES.test(contentType);
    const method = (req.method ?? 'GET').toUpperCase();

    const event: APIGatewayProxyEventV2 & { requestContext: { authorizer?: unknown } } = {
      version: '2.0',
      routeKey: r.routeKey,
      rawPath: api.rest,
      rawQueryString,
      headers,
      requestContext: {
        accountId: LOCAL_AWS.accountId,
        apiId: `local-${api.stack}`,
        domainName: host,
        domainPrefix: host.split('.')[0].split(':')[0],
        http: {
          method,
          path: api.rest,
          protocol: `HTTP/${req.httpVersion}`,
          sourceIp,
          userAgent: headers['user-agent'] ?? '',
        },
        requestId,
        routeKey: r.routeKey,
        stage: '$default',
        time: clfTime(now),
        timeEpoch: now,
      },
      isBase64Encoded: false,
    };
    if (cookies?.length) event.cookies = cookies;
    if (Object.keys(query).length) event.queryStringParameters = query;
    if (Object.keys(params).length) event.pathParameters = params;
    if (jwt) event.requestContext.authorizer = { jwt: { claims: jwt.claims, scopes: jwt.scopes } };
    if (body.length > 0) {
      event.body = isText ? body.toString('utf8') : body.toString('base64');
      event.isBase64Encoded = !isText;
    }
    return event;
  }

  /** Maps a function result to HTTP as API Gateway does for payload format 2.0. */
  #respond(res: ServerResponse, payload: unknown, base: Record<string, string>, head: boolean): void {
    const isResponseObject =
      payload !== null && typeof payload === 'object' && !Array.isArray(payload) && 'statusCode' in payload;
    if (!isResponseObject) {
      // A bare value is a 200 JSON body.
      const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
      res.writeHead(200, {
        ...base,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
      });
      res.end(head ? undefined : text);
      return;
    }
    const r = payload as {
      statusCode: unknown;
      headers?: Record<string, unknown>;
      multiValueHeaders?: Record<string, unknown[]>;
      cookies?: unknown[];
      body?: unknown;
      isBase64Encoded?: boolean;
    };
    const status = Number(r.statusCode);
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      this.#o.log?.(`function returned an invalid statusCode: ${String(r.statusCode)}`);
      sendJson(res, 500, { message: 'Internal Server Error' }, base);
      return;
    }
    const out: Record<string, string | string[]> = { ...base };
    for (const [k, v] of Object.entries(r.multiValueHeaders ?? {})) {
      if (Array.isArray(v)) out[k.toLowerCase()] = v.map(String).join(',');
    }
    for (const [k, v] of Object.entries(r.headers ?? {})) {
      if (v !== undefined && v !== null) out[k.toLowerCase()] = String(v);
    }
    if (Array.isArray(r.cookies) && r.cookies.length) out['set-cookie'] = r.cookies.map(String);
    const bodyText =
      r.body === undefined || r.body === null
        ? ''
        : typeof r.body === 'string'
          ? r.body
          : JSON.stringify(r.body);
    const buf = r.isBase64Encoded ? Buffer.from(bodyText, 'base64') : Buffer.from(bodyText, 'utf8');
    out['content-type'] ??= 'application/json';
    out['content-length'] = String(buf.length);
    res.writeHead(status, out);
    res.end(head ? undefined : buf);
  }

  #static(req: IncomingMessage, res: ServerResponse, p: string): undefined {
    if (req.method !== 'GET' && req.method !== 'HEAD') return notFound(res);
    const root = path.resolve(this.#o.webDist);
    const index = path.join(root, 'index.html');
    if (!existsSync(index)) {
      res.writeHead(200, {
        ...WEB_HEADERS,
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : NO_WEB_PAGE);
      return;
    }
    let file = path.resolve(root, `.${safeDecode(p)}`);
    if (file !== root && !file.startsWith(root + path.sep)) return notFound(res);
    let st = existsSync(file) ? statSync(file) : undefined;
    if (st?.isDirectory()) {
      file = path.join(file, 'index.html');
      st = existsSync(file) ? statSync(file) : undefined;
    }
    if (!st?.isFile()) {
      // A missing asset is a 404; any other path is a client-side route of the single-page app.
      if (path.extname(p) && !p.endsWith('.html')) return notFound(res);
      file = index;
      st = statSync(index);
    }
    const ext = path.extname(file);
    const hashed = file.includes(`${path.sep}assets${path.sep}`);
    res.writeHead(200, {
      ...WEB_HEADERS,
      'content-type': STATIC_TYPES[ext] ?? 'application/octet-stream',
      'content-length': st.size,
      'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file).pipe(res);
  }
}

function notFound(res: ServerResponse): undefined {
  sendJson(res, 404, { message: 'Not Found' }, WEB_HEADERS);
}

function unavailable(res: ServerResponse): void {
  sendJson(res, 503, { message: 'Service Unavailable' }, { 'retry-after': '1' });
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(
      () => reject(Object.assign(new Error('integration timed out'), { name: 'IntegrationTimeout' })),
      ms,
    );
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
