/** Wait state timing. */
import { StatesError } from './errors';
import { readPath } from './paths';
import { parseTimestamp } from './timestamp';
import type { ContextObject, Json, WaitState } from './types';

/** AWS considers a Wait timestamp up to the second and truncates milliseconds (Wait state docs). */
const toSecond = (ms: number) => Math.floor(ms / 1000) * 1000;

/** Due time (epoch ms) of a Wait state entered at `nowMs`; throws StatesError('States.Runtime') on bad values.
 * `input` is the state's effective input (after InputPath); `$$.` paths read `ctx`. A timestamp in the
 * past is returned as is. */
export function waitDueAt(state: WaitState, input: Json, nowMs: number, ctx?: ContextObject): number {
  if (state.Seconds !== undefined) return nowMs + state.Seconds * 1000;
  if (state.Timestamp !== undefined) {
    const ms = parseTimestamp(state.Timestamp);
    if (ms === undefined)
      throw new StatesError('States.Runtime', `Invalid timestamp '${state.Timestamp}' in Timestamp`);
    return toSecond(ms);
  }
  if (state.SecondsPath !== undefined) {
    const v = readPath(state.SecondsPath, input, ctx);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
      throw new StatesError(
        'States.Runtime',
        `The SecondsPath parameter does not reference a valid non-negative integer value: ${JSON.stringify(v)}`,
      );
    return nowMs + v * 1000;
  }
  if (state.TimestampPath !== undefined) {
    const v = readPath(state.TimestampPath, input, ctx);
    const ms = typeof v === 'string' ? parseTimestamp(v) : undefined;
    if (ms === undefined)
      throw new StatesError(
        'States.Runtime',
        `The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: ${JSON.stringify(v)}`,
      );
    return toSecond(ms);
  }
  throw new StatesError(
    'States.Runtime',
    'A Wait state needs one of Seconds, SecondsPath, Timestamp or TimestampPath',
  );
}
