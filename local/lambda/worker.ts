/**
 * One stack's Lambda "sandbox": a worker thread whose `process.env` is that stack's function
 * environment. Runs bundled handlers (see build.ts), loading each module on its first invoke and
 * keeping it warm afterwards, as a Lambda execution environment does. Bundled by the twin itself,
 * so it needs no TypeScript loader.
 */

import { pathToFileURL } from 'node:url';
import { parentPort } from 'node:worker_threads';
import type { InvokeRequest, InvokeResponse, LambdaErrorPayload } from './protocol';

process.setSourceMapsEnabled(true);

/**
 * Handlers read the time through `Date`; the twin's clock may run ahead of the real one (tests move
 * it to reach deadlines), so `Date` here follows the twin's clock. The offset arrives with each invoke.
 */
let clockOffsetMs = 0;
const RealDate = Date;
const twinNow = () => RealDate.now() + clockOffsetMs;
globalThis.Date = new Proxy(RealDate, {
  construct(target, args, newTarget) {
    return Reflect.construct(target, args.length === 0 ? [twinNow()] : args, newTarget);
  },
  apply() {
    return new RealDate(twinNow()).toString();
  },
  get(target, prop, receiver) {
    if (prop === 'now') return twinNow;
    return Reflect.get(target, prop, receiver);
  },
});

type Handler = (
  event: unknown,
  context: unknown,
  callback?: (err: unknown, res?: unknown) => void,
) => unknown;

const modules = new Map<string, Promise<Record<string, unknown>>>();

function errorPayload(e: unknown, type?: string): LambdaErrorPayload {
  if (e instanceof Error) {
    return {
      errorType: type ?? e.name ?? 'Error',
      errorMessage: e.message,
      trace: (e.stack ?? '').split('\n'),
    };
  }
  return {
    errorType: type ?? 'Error',
    errorMessage: typeof e === 'string' ? e : JSON.stringify(e),
    trace: [],
  };
}

async function loadHandler(req: InvokeRequest): Promise<Handler> {
  let mod = modules.get(req.file);
  if (!mod) {
    mod = import(pathToFileURL(req.file).href) as Promise<Record<string, unknown>>;
    modules.set(req.file, mod);
  }
  let exports: Record<string, unknown>;
  try {
    exports = await mod;
  } catch (e) {
    // The next invoke tries again, like a fresh Lambda sandbox after an init failure.
    modules.delete(req.file);
    // As the Node.js runtime reports init failures: a module that cannot be found or parsed gets a
    // Runtime.* type; an error thrown by the module's own top-level code keeps its name.
    const code = (e as NodeJS.ErrnoException)?.code;
    const type =
      code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND'
        ? 'Runtime.ImportModuleError'
        : e instanceof SyntaxError
          ? 'Runtime.UserCodeSyntaxError'
          : undefined;
    throw Object.assign(errorPayload(e, type), { init: true });
  }
  const fn = exports[req.handler];
  if (typeof fn !== 'function') {
    throw Object.assign(
      {
        errorType: 'Runtime.HandlerNotFound',
        errorMessage: `${req.entry}.${req.handler} is undefined or not exported`,
        trace: [],
      },
      { init: true },
    );
  }
  return fn as Handler;
}

function callHandler(fn: Handler, event: unknown, context: unknown): Promise<unknown> {
  // Callback-style handlers (three parameters) finish through the callback, as in the Node runtime.
  if (fn.length >= 3) {
    return new Promise((resolve, reject) => {
      const maybe = fn(event, context, (err, res) => (err ? reject(err) : resolve(res)));
      if (maybe && typeof (maybe as Promise<unknown>).then === 'function')
        (maybe as Promise<unknown>).then(resolve, reject);
    });
  }
  return Promise.resolve().then(() => fn(event, context));
}

async function invoke(req: InvokeRequest): Promise<InvokeResponse> {
  clockOffsetMs = req.clockOffsetMs;
  let fn: Handler;
  try {
    fn = await loadHandler(req);
  } catch (e) {
    const { errorType, errorMessage, trace } = e as LambdaErrorPayload;
    return { id: req.id, ok: false, error: { errorType, errorMessage, trace } };
  }
  const deadline = RealDate.now() + req.timeoutMs;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: req.context.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: req.context.invokedFunctionArn,
    memoryLimitInMB: String(req.context.memoryLimitInMB),
    awsRequestId: req.context.awsRequestId,
    logGroupName: `/aws/lambda/${req.context.functionName}`,
    logStreamName: `local/[$LATEST]${req.context.awsRequestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - RealDate.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
  try {
    const event = JSON.parse(req.event);
    const result = await callHandler(fn, event, context);
    return { id: req.id, ok: true, payload: result === undefined ? 'null' : JSON.stringify(result) };
  } catch (e) {
    return { id: req.id, ok: false, error: errorPayload(e) };
  }
}

parentPort?.on('message', (req: InvokeRequest) => {
  void invoke(req).then((res) => parentPort?.postMessage(res));
});
