/** Small HTTP helpers shared by the twin's endpoints (gateway, identity, event bus, engine). */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The request body exceeded the limit; the caller answers 413. */
export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
}

/**
 * Reads the whole body, failing fast once it passes `limit` bytes: at once when Content-Length says
 * so, else as soon as the stream passes it. What arrives after that is discarded, never buffered;
 * answer with {@link sendTooLarge}, which also closes the connection.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(new BodyTooLargeError(`body of ${declared} bytes exceeds ${limit}`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        reject(new BodyTooLargeError(`body exceeds ${limit} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (e) => {
      if (!failed) reject(e);
    });
  });
}

/** Answers with a JSON body. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/**
 * 413 `{"message": "Request Entity Too Large"}` (API Gateway's answer), then the connection is
 * closed, so a client cannot go on streaming an oversized body into the twin.
 */
export function sendTooLarge(
  req: IncomingMessage,
  res: ServerResponse,
  headers: Record<string, string> = {},
): void {
  sendJson(res, 413, { message: 'Request Entity Too Large' }, { ...headers, connection: 'close' });
  // A moment for the answer to leave before the socket goes (the client reads it while still sending).
  res.once('finish', () => setTimeout(() => req.socket.destroy(), 50).unref());
}

/** True for a loopback peer: 127.0.0.0/8, ::1, or an IPv4-mapped loopback address. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.replace(/^::ffff:/i, '');
  return a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

/** The type part of a Content-Type header, lower case (`application/json; charset=utf-8` -> `application/json`). */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/** What a twin-only surface (clock, EventBridge endpoint, Step Functions engine) admits. */
export interface LocalAdmission {
  /** Origins that may call it (the web app's own). A request with any other Origin is refused. */
  origins: () => readonly string[];
  /** Media types a request with a body must declare (no simple-request type such as text/plain). */
  contentTypes: readonly string[];
}

/** Why a request was not admitted: the status and a message. */
export interface Refusal {
  status: 403 | 415;
  message: string;
}

/**
 * Admission of the twin's local-only surfaces, which AWS does not have and which change state
 * without a token: the caller must be on this machine (loopback peer, and a Host naming loopback, so
 * a DNS-rebinding page cannot reach them either), must not be a page of another origin (Origin
 * header, Sec-Fetch-Site), and a body must carry one of `contentTypes`: a browser cannot send those
 * cross-site without a CORS preflight, which the twin never grants.
 */
export function admitLocal(req: IncomingMessage, rule: LocalAdmission): Refusal | undefined {
  if (!isLoopback(req.socket.remoteAddress))
    return { status: 403, message: 'this local-only endpoint answers callers on this machine only' };
  const host = (req.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
  if (host && host !== 'localhost' && host !== '[::1]' && !/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host))
    return { status: 403, message: `this local-only endpoint does not answer for host ${host}` };
  const origin = req.headers.origin;
  if (origin !== undefined && !rule.origins().includes(origin))
    return { status: 403, message: `cross-origin requests are refused (Origin ${origin})` };
  if (req.headers['sec-fetch-site'] === 'cross-site')
    return { status: 403, message: 'cross-site requests are refused' };
  const hasBody =
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (hasBody && !rule.contentTypes.includes(mediaType(req.headers['content-type'])))
    return { status: 415, message: `Content-Type must be ${rule.contentTypes.join(' or ')}` };
  return undefined;
}

/** The origins of a server on `port` reached by a loopback name: what the twin's web app runs on. */
export function loopbackOrigins(port: number): string[] {
  return [`http://localhost:${port}`, `http://127.0.0.1:${port}`, `http://[::1]:${port}`];
}

/** Parses a JSON or form-encoded body into a flat object; undefined when it is neither. */
export function parseFormOrJson(
  body: Buffer,
  contentType: string | undefined,
): Record<string, unknown> | undefined {
  const text = body.toString('utf8');
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(text));
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
