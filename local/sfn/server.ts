import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../clock';
import { SfnEngine } from './engine';
import { type ExecutionStatusChangeListener, type LambdaInvoker, SfnApiError } from './types';

export { SfnEngine, type SfnEngineOptions } from './engine';
export type { ExecutionStatusChangeEvent, ExecutionStatusChangeListener } from './types';

/** Options of {@link startSfnServer}. */
export interface SfnServerOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** Folder of the engine's SQLite database. */
  dataDir: string;
  invokeLambda: LambdaInvoker;
  clock?: Clock;
  region?: string;
  accountId?: string;
  /** How often due timers are checked (default 100 ms). */
  pollIntervalMs?: number;
  /** AWS's "Step Functions Execution Status Change" events, at least once (see {@link SfnEngineOptions}). */
  onExecutionStatusChange?: ExecutionStatusChangeListener;
  /**
   * Checked first for every request; a refusal is answered as an AWS JSON error
   * (`AccessDeniedException` for 403, `UnsupportedMediaTypeException` for 415) without reading the body.
   * The twin passes its local-surface admission (same machine, no foreign Origin, AWS JSON content type).
   */
  admit?: (req: IncomingMessage) => { status: number; message: string } | undefined;
}

/** A running engine and its HTTP endpoint. */
export interface SfnServer {
  port: number;
  /** Endpoint for `new SFNClient({ endpoint })`. */
  url: string;
  engine: SfnEngine;
  close(): Promise<void>;
}

const TARGET_PREFIX = 'AWSStepFunctions.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';

/**
 * Starts the local Step Functions engine behind the AWS JSON 1.0 protocol
 * (`POST /`, `X-Amz-Target: AWSStepFunctions.<Op>`), so `@aws-sdk/client-sfn` works unchanged.
 * `GET /health` answers 200 once the engine is up.
 */
export async function startSfnServer(opts: SfnServerOptions): Promise<SfnServer> {
  const engine = new SfnEngine({
    dataDir: opts.dataDir,
    invokeLambda: opts.invokeLambda,
    clock: opts.clock,
    region: opts.region,
    accountId: opts.accountId,
    pollIntervalMs: opts.pollIntervalMs,
    onExecutionStatusChange: opts.onExecutionStatusChange,
  });
  const server = createServer((req, res) => {
    const refused = opts.admit?.(req);
    if (refused) {
      const type = refused.status === 415 ? 'UnsupportedMediaTypeException' : 'AccessDeniedException';
      send(res, refused.status, { __type: type, message: refused.message });
      return;
    }
    handle(engine, req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, { __type: 'InternalFailure', message: String(e) });
    });
  });
  server.keepAliveTimeout = 30_000;
  const host = opts.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    await engine.close();
    throw e;
  }
  const port = (server.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return {
    port,
    url: `http://${urlHost}:${port}`,
    engine,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await engine.close();
    },
  };
}

async function handle(engine: SfnEngine, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method === 'GET' && (req.url === '/health' || req.url === '/')) {
    send(res, 200, { ok: true, service: 'local-sfn' }, 'application/json');
    return;
  }
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  if (req.method !== 'POST') {
    send(res, 405, { __type: 'UnknownOperationException', message: `Method ${req.method} is not supported` });
    return;
  }
  const target = String(req.headers['x-amz-target'] ?? '');
  if (!target.startsWith(TARGET_PREFIX)) {
    send(res, 400, { __type: 'UnknownOperationException', message: `Unknown target '${target}'` });
    return;
  }
  const op = target.slice(TARGET_PREFIX.length);
  let input: unknown = {};
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim()) {
    try {
      input = JSON.parse(text);
    } catch {
      send(res, 400, { __type: 'SerializationException', message: 'The request body is not valid JSON' });
      return;
    }
  }
  try {
    const out = await engine.call(op, input);
    send(res, 200, out ?? {});
  } catch (e) {
    if (e instanceof SfnApiError) send(res, e.status, { __type: e.code, message: e.message });
    else send(res, 500, { __type: 'InternalFailure', message: e instanceof Error ? e.message : String(e) });
  }
}

function send(res: ServerResponse, status: number, body: unknown, type = CONTENT_TYPE): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  res.end(text);
}
