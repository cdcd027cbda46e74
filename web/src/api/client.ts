/**
 * The one HTTP client of the app: bearer token, JSON, the API's error shape, and a 401 that waits for
 * the user to sign in again and then repeats the request (so nothing typed is lost).
 */
import { setOrgs } from '../lib/orgs';
import type { ApiErrorBody, AppConfig, Page } from './types';

/** An API error with its stable code and, for ValidationFailed, the field errors. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: ApiErrorBody['errors'] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The network failed (no HTTP answer); safe to retry with the same Idempotency-Key. */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super('network error', { cause });
    this.name = 'NetworkError';
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

type TokenSource = () => string | null;
type Reauth = () => Promise<void>;

let tokenSource: TokenSource = () => null;
let reauth: Reauth | null = null;
let config: AppConfig | null = null;

/** Wires the client to the session: where the token comes from and how to sign in again on 401. */
export function configureClient(opts: { token: TokenSource; onUnauthorized: Reauth }): void {
  tokenSource = opts.token;
  reauth = opts.onUnauthorized;
}

export function setConfig(c: AppConfig): void {
  config = c;
  setOrgs(c.orgs);
}

export function getConfig(): AppConfig {
  if (!config) throw new Error('config.json not loaded');
  return config;
}

/**
 * The API base of the stack holding a task or project: a county's own API (`/county/<code>/api` on
 * the twin), or the city API for `city` (a city workflow's tasks).
 */
export function countyApi(code: string): string {
  if (code === 'city') return getConfig().cityApi;
  const c = getConfig().counties.find((x) => x.code === code);
  if (!c) throw new ApiError(404, 'NotFound', `unknown county ${code}`);
  return c.api;
}

/** A county's name: the one given if it is a name (not just the code again), else from config.json. */
export function countyName(code: string | undefined, given?: string): string {
  if (given && given !== code) return given;
  if (!code) return '';
  if (code === 'city') return '市级';
  return config?.counties.find((x) => x.code === code)?.name ?? code;
}

function join(base: string, path: string): string {
  return `${base.replace(/\/$/, '')}${path.startsWith('/') ? '' : '/'}${path}`;
}

/** One request; on 401 (with a session) waits for re-login once and repeats it. */
export async function request<T>(
  base: string,
  path: string,
  opts: RequestOptions = {},
  retried = false,
): Promise<T> {
  const token = tokenSource();
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(join(base, path), {
      method: opts.method ?? 'GET',
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e;
    throw new NetworkError(e);
  }
  if (res.status === 401 && !retried && reauth && !path.endsWith('/auth/login')) {
    await reauth();
    return request<T>(base, path, opts, true);
  }
  const text = await res.text();
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = { code: 'BadResponse', message: text.slice(0, 200) };
    }
  }
  if (!res.ok) {
    const b = (body ?? {}) as Partial<ApiErrorBody>;
    throw new ApiError(
      res.status,
      b.code ?? `HTTP${res.status}`,
      b.message ?? res.statusText,
      b.errors ?? [],
    );
  }
  return body as T;
}

/** Reads every page of a list (`{items, nextToken}`), up to `max` items. */
export async function listAll<T>(base: string, path: string, max = 5000): Promise<T[]> {
  const out: T[] = [];
  let next: string | null | undefined;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await request<Page<T>>(
      base,
      next ? `${path}${sep}nextToken=${encodeURIComponent(next)}` : path,
    );
    out.push(...(page.items ?? []));
    next = page.nextToken;
  } while (next && out.length < max);
  return out;
}

/** Loads `/config.json` from the web origin. */
export async function loadConfig(): Promise<AppConfig> {
  const res = await fetch('/config.json', { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
  const c = (await res.json()) as AppConfig;
  // Relative API bases (`/api`) resolve against the web origin.
  const abs = (u: string) => new URL(u, window.location.origin).toString().replace(/\/$/, '');
  c.cityApi = abs(c.cityApi);
  c.counties = (c.counties ?? []).map((x) => ({ ...x, api: abs(x.api) }));
  c.auth = c.auth ?? { kind: 'local' };
  setConfig(c);
  return c;
}
