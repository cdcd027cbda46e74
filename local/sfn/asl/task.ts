/** Task timeouts and Fail state information. */
import { StatesError } from './errors';
import { readPath, readPathOrIntrinsic } from './paths';
import type { ContextObject, FailState, Json, TaskState } from './types';

function positiveInt(field: string, path: string, input: Json, ctx?: ContextObject): number {
  const v = readPath(path, input, ctx);
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
    throw new StatesError(
      'States.Runtime',
      `The ${field} path '${path}' must reference a positive integer, got ${JSON.stringify(v)}`,
    );
  return v;
}

/** TimeoutSeconds / HeartbeatSeconds, resolving their Path forms against `input` (the state's
 * input after InputPath). Absent values are left undefined (AWS's default task timeout is 99999999 s). */
export function taskTimeouts(
  state: TaskState,
  input: Json,
  ctx?: ContextObject,
): { timeoutSeconds?: number; heartbeatSeconds?: number } {
  const out: { timeoutSeconds?: number; heartbeatSeconds?: number } = {};
  if (state.TimeoutSeconds !== undefined) out.timeoutSeconds = state.TimeoutSeconds;
  else if (state.TimeoutSecondsPath !== undefined)
    out.timeoutSeconds = positiveInt('TimeoutSecondsPath', state.TimeoutSecondsPath, input, ctx);
  if (state.HeartbeatSeconds !== undefined) out.heartbeatSeconds = state.HeartbeatSeconds;
  else if (state.HeartbeatSecondsPath !== undefined)
    out.heartbeatSeconds = positiveInt('HeartbeatSecondsPath', state.HeartbeatSecondsPath, input, ctx);
  return out;
}

/** Fail state's error and cause, resolving ErrorPath/CausePath (paths or intrinsic calls that must yield strings). */
export function failInfo(
  state: FailState,
  input: Json,
  ctx?: ContextObject,
): { error?: string; cause?: string } {
  const out: { error?: string; cause?: string } = {};
  const resolve = (field: string, expr: string): string => {
    const v = readPathOrIntrinsic(field, expr, input, ctx);
    if (typeof v !== 'string')
      throw new StatesError(
        'States.Runtime',
        `The ${field} '${expr}' must resolve to a string, got ${JSON.stringify(v)}`,
      );
    return v;
  };
  if (state.Error !== undefined) out.error = state.Error;
  else if (state.ErrorPath !== undefined) out.error = resolve('ErrorPath', state.ErrorPath);
  if (state.Cause !== undefined) out.cause = state.Cause;
  else if (state.CausePath !== undefined) out.cause = resolve('CausePath', state.CausePath);
  return out;
}
