/**
 * The twin's Lambda service: resolves function names and ARNs (`minsheng-<stack>-<FunctionId>`,
 * qualified or not) to the entries of `functions/registry.ts`, and runs them in one worker thread
 * per stack whose environment is that stack's function environment. Answers like the Invoke API
 * (RequestResponse): handler errors come back as `functionError: 'Unhandled'` with
 * `{errorType, errorMessage, trace}`, unknown functions throw `ResourceNotFoundException`.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FunctionSpec, StackKind } from '../../functions/registry';
import type { Clock } from '../clock';
import { LOCAL_AWS, names } from '../config';
import { parseFunctionName } from '../sfn/invoker';
import type { LambdaInvoker } from '../sfn/types';
import { Bundler } from './build';
import type { InvokeRequest, InvokeResponse, LambdaErrorPayload } from './protocol';

/** Lambda's synchronous invocation payload limit (request and response). */
const PAYLOAD_LIMIT = 6 * 1024 * 1024;
/**
 * Locally, DynamoDB Local and cold bundles are far slower than the real services, so a function's
 * timeout is never shorter than this; the registry's value still applies when it is longer.
 */
const MIN_LOCAL_TIMEOUT_S = 30;

export type InvokeResult = Awaited<ReturnType<LambdaInvoker>>;

/** An error shaped like the Lambda API's (`name` is the AWS error code). */
export class LambdaApiError extends Error {
  constructor(code: string, message: string) {
    super(message);
    this.name = code;
  }
}

export interface ResolvedFunction {
  stack: string;
  kind: StackKind;
  spec: FunctionSpec;
  /** `minsheng-<stack>-<FunctionId>` */
  name: string;
  arn: string;
}

export interface LocalLambdaOptions {
  root: string;
  /** Where bundles go (`<dataDir>/build`). */
  buildDir: string;
  functions: readonly FunctionSpec[];
  /** Stack key (county code or `city`) -> kind. */
  stacks: ReadonlyMap<string, StackKind>;
  /** The function environment of a stack (computed when its worker starts). */
  env: (stack: string) => Record<string, string>;
  clock: Clock;
  log?: (line: string) => void;
  /** Modules bundles take in place of repository modules (see Bundler). */
  replace?: Record<string, string>;
}

interface Pending {
  resolve: (r: InvokeResponse) => void;
  timer: NodeJS.Timeout;
}

interface Sandbox {
  worker: Worker;
  pending: Map<number, Pending>;
}

/** Counters for health and benchmarks. */
export interface LambdaStats {
  invocations: number;
  errors: number;
  /** Workers started (one per stack, again after a crash). */
  workerStarts: number;
  /** Time of each function's first invoke in a worker: bundle (or cache check) + import + run. */
  coldStartsMs: Record<string, number>;
}

/** The local Lambda service. `invoke` is a {@link LambdaInvoker}, so the Step Functions engine uses it directly. */
export class LocalLambda {
  readonly #opts: LocalLambdaOptions;
  readonly #bundler: Bundler;
  readonly #specs: Map<string, FunctionSpec>;
  readonly #sandboxes = new Map<string, Promise<Sandbox>>();
  readonly #live = new Map<string, Sandbox>();
  readonly #warm = new Set<string>();
  #nextId = 1;
  #closed = false;
  readonly stats: LambdaStats = { invocations: 0, errors: 0, workerStarts: 0, coldStartsMs: {} };

  constructor(opts: LocalLambdaOptions) {
    this.#opts = opts;
    this.#bundler = new Bundler({ root: opts.root, buildDir: opts.buildDir, replace: opts.replace });
    this.#specs = new Map(opts.functions.map((f) => [f.id, f]));
  }

  /** Builds the worker bundle; resolves when the service can run functions. */
  async ready(): Promise<void> {
    await this.#bundler.internal('worker', 'local/lambda/worker.ts');
  }

  /**
   * Bundles every function ahead of its first invoke (one after another, to stay in the
   * background); later starts find the bundles cached. Build errors surface at invoke time.
   */
  async prebuild(): Promise<void> {
    for (const spec of this.#specs.values()) {
      if (this.#closed) return;
      await this.#bundler.function(spec.id, spec.entry).catch(() => undefined);
    }
  }

  /** Maps a function name, partial ARN or ARN (maybe qualified) to its stack and registry entry. */
  resolve(ref: string): ResolvedFunction {
    const { name } = parseFunctionName(ref);
    const m = /^minsheng-(.+)-([A-Z][A-Za-z0-9]*)$/.exec(name);
    const stack = m?.[1];
    const kind = stack ? this.#opts.stacks.get(stack) : undefined;
    const spec = m ? this.#specs.get(m[2]) : undefined;
    if (!stack || !kind || !spec?.stacks.includes(kind)) {
      throw new LambdaApiError(
        'ResourceNotFoundException',
        `Function not found: arn:${LOCAL_AWS.partition}:lambda:${LOCAL_AWS.region}:${LOCAL_AWS.accountId}:function:${name}`,
      );
    }
    return { stack, kind, spec, name, arn: names.functionArn(stack, spec.id) };
  }

  /** Invokes synchronously (RequestResponse), as the Lambda Invoke API does. */
  invoke: LambdaInvoker = async (functionName, payload) => {
    if (this.#closed) throw new LambdaApiError('ServiceException', 'the local Lambda service is shut down');
    const fn = this.resolve(functionName);
    const event = payload === undefined ? '{}' : JSON.stringify(payload);
    if (event.length > PAYLOAD_LIMIT) {
      throw new LambdaApiError(
        'RequestTooLargeException',
        `Request must be smaller than ${PAYLOAD_LIMIT} bytes for the InvokeFunction operation`,
      );
    }
    this.stats.invocations++;
    const started = performance.now();
    const res = await this.#run(fn, event);
    const key = `${fn.stack}/${fn.spec.id}`;
    if (!this.#warm.has(key)) {
      this.#warm.add(key);
      this.stats.coldStartsMs[key] = Math.round(performance.now() - started);
    }
    if (!res.ok) {
      this.stats.errors++;
      return { statusCode: 200, functionError: 'Unhandled', payload: res.error, executedVersion: '$LATEST' };
    }
    if (res.payload.length > PAYLOAD_LIMIT) {
      this.stats.errors++;
      return {
        statusCode: 200,
        functionError: 'Unhandled',
        payload: {
          errorType: 'Function.ResponseSizeTooLarge',
          errorMessage: `Response payload size exceeded maximum allowed payload size (${PAYLOAD_LIMIT} bytes).`,
          trace: [],
        },
        executedVersion: '$LATEST',
      };
    }
    return { statusCode: 200, payload: JSON.parse(res.payload), executedVersion: '$LATEST' };
  };

  async #run(fn: ResolvedFunction, event: string): Promise<InvokeResponse> {
    const id = this.#nextId++;
    let file: string;
    try {
      file = (await this.#bundler.function(fn.spec.id, fn.spec.entry)).file;
    } catch (e) {
      return { id, ok: false, error: toPayload(e, 'Runtime.ImportModuleError') };
    }
    const sandbox = await this.#sandbox(fn.stack);
    const timeoutS = Math.max(fn.spec.timeoutSeconds ?? 3, MIN_LOCAL_TIMEOUT_S);
    const requestId = randomUUID();
    const req: InvokeRequest = {
      id,
      file,
      entry: path.basename(fn.spec.entry).replace(/\.[cm]?[jt]s$/, ''),
      handler: fn.spec.handler,
      event,
      timeoutMs: timeoutS * 1000,
      clockOffsetMs: this.#opts.clock.now() - Date.now(),
      context: {
        functionName: fn.name,
        invokedFunctionArn: fn.arn,
        memoryLimitInMB: fn.spec.memoryMb ?? 128,
        awsRequestId: requestId,
      },
    };
    return new Promise<InvokeResponse>((resolve) => {
      const timer = setTimeout(() => {
        sandbox.pending.delete(id);
        resolve({
          id,
          ok: false,
          error: {
            errorType: 'Sandbox.Timedout',
            errorMessage: `RequestId: ${requestId} Error: Task timed out after ${timeoutS.toFixed(2)} seconds`,
            trace: [],
          },
        });
      }, req.timeoutMs);
      sandbox.pending.set(id, { resolve, timer });
      sandbox.worker.postMessage(req);
    });
  }

  #sandbox(stack: string): Promise<Sandbox> {
    let p = this.#sandboxes.get(stack);
    if (!p) {
      p = this.#startSandbox(stack);
      this.#sandboxes.set(stack, p);
      p.catch(() => this.#sandboxes.delete(stack));
    }
    return p;
  }

  async #startSandbox(stack: string): Promise<Sandbox> {
    const { file } = await this.#bundler.internal('worker', 'local/lambda/worker.ts');
    const log = this.#opts.log ?? (() => {});
    const worker = new Worker(file, {
      env: this.#opts.env(stack),
      // No TypeScript loader in the sandbox: it runs bundles only.
      execArgv: [],
      stdout: true,
      stderr: true,
      name: `lambda-${stack}`,
    });
    this.stats.workerStarts++;
    const sandbox: Sandbox = { worker, pending: new Map() };
    pipeLines(worker.stdout, (l) => log(`[${stack}] ${l}`));
    pipeLines(worker.stderr, (l) => log(`[${stack}] ${l}`));
    worker.on('message', (res: InvokeResponse) => {
      const p = sandbox.pending.get(res.id);
      if (!p) return; // timed out already
      sandbox.pending.delete(res.id);
      clearTimeout(p.timer);
      p.resolve(res);
    });
    const fail = (err: unknown) => {
      // A crashed sandbox is replaced on the next invoke (a cold start), as Lambda does.
      if (this.#live.get(stack) === sandbox) {
        this.#live.delete(stack);
        this.#sandboxes.delete(stack);
      }
      for (const [id, p] of sandbox.pending) {
        clearTimeout(p.timer);
        p.resolve({ id, ok: false, error: toPayload(err, 'Runtime.ExitError') });
      }
      sandbox.pending.clear();
      for (const key of [...this.#warm]) if (key.startsWith(`${stack}/`)) this.#warm.delete(key);
    };
    worker.on('error', (e) => {
      log(`[${stack}] sandbox crashed: ${e.stack ?? e.message}`);
      fail(e);
    });
    worker.on('exit', (code) => fail(new Error(`Runtime exited with error: exit status ${code}`)));
    this.#live.set(stack, sandbox);
    return sandbox;
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    this.#closed = true;
    const boxes = await Promise.allSettled([...this.#sandboxes.values()]);
    this.#sandboxes.clear();
    await Promise.all(
      boxes.map((b) => (b.status === 'fulfilled' ? b.value.worker.terminate().catch(() => 0) : undefined)),
    );
  }
}

function toPayload(e: unknown, type: string): LambdaErrorPayload {
  const err = e instanceof Error ? e : new Error(String(e));
  return {
    errorType: err.name && err.name !== 'Error' ? err.name : type,
    errorMessage: err.message,
    trace: [],
  };
}

function pipeLines(stream: NodeJS.ReadableStream, sink: (line: string) => void): void {
  let buf = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buf += chunk;
    let i = buf.indexOf('\n');
    while (i >= 0) {
      sink(buf.slice(0, i));
      buf = buf.slice(i + 1);
      i = buf.indexOf('\n');
    }
  });
  stream.on('end', () => {
    if (buf) sink(buf);
  });
}
