/**
 * The shared middy chain of every HTTP handler: header normalisation, request logging, the error
 * edge (named errors -> `{code, message}`; only 4xx messages leave the function), the principal from
 * verified JWT claims, the county-API gate, and JSON body parsing: `application/json` only (415),
 * a size limit (413), numbers DynamoDB can store (400) and a declared JSON Schema (./schemas,
 * compiled to standalone code; unknown fields are refused).
 * Handlers stay thin: parse, call core, answer.
 */
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { assertCountyApiAccess, type Principal, principalFromClaims } from '../core/auth';
import type { Config } from '../core/config';
import { type ConfigNeeds, config } from '../core/config';
import { type Clients, type Ctx, createContext } from '../core/context';
import {
  DomainError,
  isClientError,
  PayloadTooLarge,
  Unauthorized,
  UnsupportedMediaType,
  ValidationFailed,
} from '../core/errors';
import type { BodyCheck } from './body';

/** The process-wide core context, built at cold start (config errors fail the first invocation). */
let sharedCtx: Ctx | undefined;
export function coreContext(needs?: ConfigNeeds, clients?: (cfg: Config) => Clients): Ctx {
  const cfg = config(needs);
  sharedCtx ??= createContext(cfg, clients ? clients(cfg) : {});
  return sharedCtx;
}

/** What a handler sees. */
export interface HttpRequest<B = unknown> {
  principal: Principal;
  body: B;
  path: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  ctx: Ctx;
  routeKey: string;
}

/** What a handler returns: a status (default 200) and a JSON body. */
export interface HttpAnswer {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface HandlerOptions<B> {
  /** 'none' for public routes; default 'jwt'. */
  auth?: 'jwt' | 'none';
  /** The body's schema check, `requestBody('<schema name>')`; without it a body is refused. */
  body?: BodyCheck<B>;
  /** Accepted query parameters; any other is refused. */
  query?: readonly string[];
  /** On a county stack, county-bound callers must belong to this county (the city stack: no gate). */
  countyGate?: boolean;
  /** What the function needs from its environment (fail fast at cold start); default table + bus. */
  needs?: ConfigNeeds;
  /** The SDK clients the function uses (import factories from core/clients); default none. */
  clients?: (cfg: Config) => Clients;
  /** Compile-time marker of the body type. */
  _body?: B;
}

type Event = APIGatewayProxyEventV2 & {
  requestContext: { authorizer?: { jwt?: { claims?: Record<string, unknown> } } };
};

interface State {
  start: number;
  principal?: Principal;
  body?: unknown;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

function log(entry: Record<string, unknown>): void {
  console.log(JSON.stringify(entry));
}

/** Builds a handler: the middy chain around `fn`. */
export function httpHandler<B = unknown>(
  opts: HandlerOptions<B>,
  fn: (req: HttpRequest<B>) => Promise<HttpAnswer>,
): middy.MiddyfiedHandler<APIGatewayProxyEventV2, APIGatewayProxyResultV2, Error, Context> {
  const ctx = coreContext(opts.needs, opts.clients);
  const states = new WeakMap<object, State>();

  const edge: middy.MiddlewareObj<Event, APIGatewayProxyResultV2> = {
    before: (request) => {
      states.set(request.event, { start: Date.now() });
    },
    after: (request) => {
      const st = states.get(request.event);
      const status = (request.response as { statusCode?: number } | undefined)?.statusCode ?? 200;
      log({
        level: 'info',
        route: request.event.routeKey,
        status,
        ms: st ? Date.now() - st.start : undefined,
        sub: st?.principal?.sub,
        requestId: request.context.awsRequestId,
      });
    },
    onError: (request) => {
      const e = request.error;
      const st = states.get(request.event);
      let statusCode = 500;
      let body: Record<string, unknown> = { code: 'InternalError', message: '服务器内部错误' };
      if (e instanceof DomainError && isClientError(e)) {
        statusCode = e.status;
        body = e.toBody();
      }
      log({
        level: statusCode >= 500 ? 'error' : 'info',
        route: request.event.routeKey,
        status: statusCode,
        code: body.code,
        ms: st ? Date.now() - st.start : undefined,
        sub: st?.principal?.sub,
        requestId: request.context.awsRequestId,
        ...(statusCode >= 500
          ? {
              error: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
              stack: e instanceof Error ? e.stack : undefined,
            }
          : {}),
      });
      request.response = { statusCode, headers: JSON_HEADERS, body: JSON.stringify(body) };
    },
  };

  const principal: middy.MiddlewareObj<Event, APIGatewayProxyResultV2> = {
    before: (request) => {
      if (opts.auth === 'none') return;
      const claims = request.event.requestContext?.authorizer?.jwt?.claims;
      if (!claims) throw new Unauthorized();
      const p = principalFromClaims(claims);
      // On a county stack, county-bound callers must belong to it; the city stack checks per resource.
      if (opts.countyGate && ctx.cfg.countyCode) assertCountyApiAccess(p, ctx.cfg.countyCode);
      const st = states.get(request.event);
      if (st) st.principal = p;
    },
  };

  const body: middy.MiddlewareObj<Event, APIGatewayProxyResultV2> = {
    before: (request) => {
      const raw = request.event.body;
      const st = states.get(request.event);
      if (raw === undefined || raw === null || raw === '') {
        if (opts.body) throw new ValidationFailed([{ path: '', message: '缺少请求体' }]);
        return;
      }
      if (!isJsonContentType(request.event.headers?.['content-type'])) throw new UnsupportedMediaType();
      const bytes = request.event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
      if (bytes.length > ctx.cfg.maxBodyBytes)
        throw new PayloadTooLarge(`请求内容不能超过 ${Math.floor(ctx.cfg.maxBodyBytes / 1024)} KB`);
      if (!opts.body) throw new ValidationFailed([{ path: '', message: '该接口不接受请求体' }]);
      let parsed: unknown;
      try {
        parsed = JSON.parse(bytes.toString('utf8'));
      } catch {
        throw new ValidationFailed([{ path: '', message: '请求体不是有效的 JSON' }]);
      }
      const errors = opts.body.check(parsed);
      if (errors.length) throw new ValidationFailed(errors);
      if (st) st.body = parsed;
    },
  };

  const query: middy.MiddlewareObj<Event, APIGatewayProxyResultV2> = {
    before: (request) => {
      const q = request.event.queryStringParameters ?? {};
      const allowed = new Set(opts.query ?? []);
      const unknown = Object.keys(q).filter((k) => !allowed.has(k));
      if (unknown.length)
        throw new ValidationFailed(
          unknown.map((k) => ({
            path: `/${k.slice(0, 64)}`,
            message: `不支持的查询参数「${k.slice(0, 64)}」`,
          })),
        );
      for (const [k, v] of Object.entries(q)) {
        if (v !== undefined && v.length > 2048)
          throw new ValidationFailed([{ path: `/${k}`, message: '查询参数过长' }]);
      }
    },
  };

  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2, Error, Context>()
    .use(httpHeaderNormalizer() as middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2>)
    .use(edge as middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2>)
    .use(principal as middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2>)
    .use(query as middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2>)
    .use(body as middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2>)
    .handler(async (event) => {
      const st = states.get(event) as State;
      const answer = await fn({
        principal: st.principal as Principal,
        body: st.body as B,
        path: (event.pathParameters ?? {}) as Record<string, string>,
        query: (event.queryStringParameters ?? {}) as Record<string, string>,
        headers: (event.headers ?? {}) as Record<string, string>,
        ctx,
        routeKey: event.routeKey,
      });
      return {
        statusCode: answer.status ?? 200,
        headers: { ...JSON_HEADERS, ...(answer.headers ?? {}) },
        body: JSON.stringify(answer.body),
      };
    });
}

/** `application/json`, with or without parameters (`; charset=utf-8`); any other type is refused. */
export function isJsonContentType(value: string | undefined): boolean {
  return (value ?? '').split(';')[0].trim().toLowerCase() === 'application/json';
}

/** Reads a path parameter, refusing absurd values before they reach a key. */
export function pathParam(req: HttpRequest<unknown>, name: string, max = 128): string {
  const v = req.path[name];
  if (!v || v.length > max)
    throw new ValidationFailed([{ path: `/${name}`, message: `路径参数 ${name} 无效` }]);
  return v;
}
