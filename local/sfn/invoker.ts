import type { LambdaInvoker } from './types';

/** An in-process function: receives the invoke payload, returns (or resolves to) the response payload. */
export type InProcessFunction = (payload: unknown, context: { functionName: string }) => unknown;

/**
 * Splits a Lambda function reference as the Invoke API accepts it: a name, `name:qualifier`, a
 * partial ARN `account:function:name[:qualifier]` or a full ARN `arn:<p>:lambda:<r>:<a>:function:name[:q]`.
 */
export function parseFunctionName(ref: string): { name: string; qualifier?: string } {
  const parts = ref.split(':');
  let rest: string[];
  if (parts[0] === 'arn') {
    if (parts.length < 7 || parts[2] !== 'lambda' || parts[5] !== 'function') return { name: ref };
    rest = parts.slice(6);
  } else if (parts.length >= 3 && parts[1] === 'function') {
    rest = parts.slice(2);
  } else {
    rest = parts;
  }
  return rest.length > 1 ? { name: rest[0], qualifier: rest[1] } : { name: rest[0] };
}

/**
 * A {@link LambdaInvoker} over a map of in-process functions (by function name). It mimics Lambda:
 * unknown names throw `ResourceNotFoundException`; a thrown error becomes `functionError:'Unhandled'`
 * with `{errorType, errorMessage, trace}` as payload; payloads round-trip through JSON.
 */
export function createInProcessInvoker(functions: Record<string, InProcessFunction>): LambdaInvoker {
  return async (functionName, payload) => {
    const { name, qualifier } = parseFunctionName(functionName);
    const fn = Object.hasOwn(functions, name) ? functions[name] : undefined;
    if (!fn) {
      const err = new Error(`Function not found: ${functionName}`);
      err.name = 'ResourceNotFoundException';
      throw err;
    }
    const event = payload === undefined ? {} : JSON.parse(JSON.stringify(payload));
    try {
      const out = await fn(event, { functionName: name });
      return {
        statusCode: 200,
        payload: out === undefined ? null : JSON.parse(JSON.stringify(out)),
        executedVersion: qualifier && /^\d+$/.test(qualifier) ? qualifier : '$LATEST',
      };
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      return {
        statusCode: 200,
        functionError: 'Unhandled',
        payload: {
          errorType: err.name || 'Error',
          errorMessage: err.message,
          trace: (err.stack ?? '').split('\n'),
        },
        executedVersion: '$LATEST',
      };
    }
  };
}
