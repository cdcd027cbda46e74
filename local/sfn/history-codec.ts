/**
 * The journal's compact encoding of history events. History is most of what the engine writes (a
 * 20-state execution records ~60 events), so its size is most of the cost of durability. A chunk is
 * `{"b": baseMs, "e": [[id, id - prev, type, ms - baseMs, details?], ...]}` where:
 * - `type` is an index into EVENT_TYPES (or the name itself for a type not listed);
 * - JSON-text details (`input`, `output`, `parameters`) are inlined as JSON under `<name>~` instead
 *   of as escaped strings, and a Lambda envelope as `output^: [version, status, requestId, payload]`;
 * - `inputDetails`/`outputDetails` of `{truncated: false}` are left out.
 * Reading restores exactly what GetExecutionHistory returns. Chunks written as plain event arrays (by
 * earlier versions) are read as they are.
 */
import type { HistoryEvent } from './store';

/** JSON text carried in an event's details, inlined when the chunk is written. */
export class RawJson {
  constructor(readonly text: string) {}
  toJSON(): string {
    return this.text;
  }
}

/** The lambda:invoke result envelope (`output` of TaskSucceeded/TaskSubmitted), stored by its parts. */
export class LambdaEnvelope {
  constructor(
    readonly executedVersion: string,
    readonly statusCode: number,
    readonly requestId: string,
    readonly payloadText: string,
  ) {}
  /** The envelope as the state's result. */
  value(): unknown {
    return envelopeValue(this.executedVersion, this.statusCode, this.requestId, JSON.parse(this.payloadText));
  }
  toJSON(): string {
    return JSON.stringify(this.value());
  }
}

/** The lambda:invoke result envelope as AWS builds it. */
export function envelopeValue(version: string, status: number, requestId: string, payload: unknown) {
  return {
    ExecutedVersion: version,
    Payload: payload,
    SdkHttpMetadata: {
      AllHttpHeaders: { 'X-Amz-Executed-Version': [version], 'Content-Type': ['application/json'] },
      HttpHeaders: { 'X-Amz-Executed-Version': version, 'Content-Type': 'application/json' },
      HttpStatusCode: status,
    },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: status,
  };
}

/** Event types by code (append only: stored chunks refer to these indexes). */
const EVENT_TYPES = [
  'ExecutionStarted',
  'ExecutionSucceeded',
  'ExecutionFailed',
  'ExecutionAborted',
  'ExecutionTimedOut',
  'PassStateEntered',
  'PassStateExited',
  'TaskStateEntered',
  'TaskStateExited',
  'ChoiceStateEntered',
  'ChoiceStateExited',
  'WaitStateEntered',
  'WaitStateExited',
  'SucceedStateEntered',
  'SucceedStateExited',
  'FailStateEntered',
  'ParallelStateEntered',
  'ParallelStateExited',
  'ParallelStateStarted',
  'ParallelStateSucceeded',
  'ParallelStateFailed',
  'MapStateEntered',
  'MapStateExited',
  'MapStateStarted',
  'MapStateSucceeded',
  'MapStateFailed',
  'MapIterationStarted',
  'MapIterationSucceeded',
  'MapIterationFailed',
  'MapIterationAborted',
  'TaskScheduled',
  'TaskStarted',
  'TaskSubmitted',
  'TaskSucceeded',
  'TaskFailed',
  'TaskTimedOut',
  'LambdaFunctionScheduled',
  'LambdaFunctionStarted',
  'LambdaFunctionSucceeded',
  'LambdaFunctionFailed',
  'LambdaFunctionTimedOut',
  'TaskStateAborted',
  'WaitStateAborted',
  'ParallelStateAborted',
  'MapStateAborted',
];
const TYPE_CODE = new Map(EVENT_TYPES.map((t, i) => [t, i]));

/** `inputDetails`/`outputDetails` of a payload that was not truncated: the executor passes this very
 * object, which the encoding leaves out (and reading puts back). */
export const UNTRUNCATED: { readonly truncated: false } = Object.freeze({ truncated: false });

/** The stored JSON of a chunk of events. */
export function encodeEvents(events: HistoryEvent[]): string {
  const base = Math.round(events[0].ts * 1000);
  let out = `{"b":${base},"e":[`;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const code = TYPE_CODE.get(e.type);
    out += `${i ? ',' : ''}[${e.id},${e.prev === null ? 'null' : e.id - e.prev},${code ?? JSON.stringify(e.type)},${Math.round(e.ts * 1000) - base}`;
    const d = e.details;
    if (d) {
      out += ',{';
      let first = true;
      for (const k in d) {
        const v = d[k];
        if (v === undefined) continue;
        if (v === UNTRUNCATED) continue;
        out += first ? '' : ',';
        first = false;
        // Detail names are plain identifiers: no escaping needed.
        if (v instanceof RawJson) out += `"${k}~":${v.text}`;
        else if (v instanceof LambdaEnvelope)
          out += `"${k}^":[${JSON.stringify(v.executedVersion)},${v.statusCode},"${v.requestId}",${v.payloadText}]`;
        else out += `"${k}":${typeof v === 'number' ? v : JSON.stringify(v)}`;
      }
      out += '}';
    }
    out += ']';
  }
  return `${out}]}`;
}

/** Appends the events of a stored chunk to `out`, in the shape GetExecutionHistory returns. */
export function decodeEvents(text: string, out: HistoryEvent[]): void {
  const chunk = JSON.parse(text) as { b: number; e: unknown[][] } | HistoryEvent[];
  if (Array.isArray(chunk)) {
    // An earlier version's chunk: plain events.
    for (const e of chunk) out.push(e);
    return;
  }
  for (const [id, dPrev, code, dTs, stored] of chunk.e as [
    number,
    number | null,
    number | string,
    number,
    Record<string, unknown>?,
  ][]) {
    const ev: HistoryEvent = {
      id,
      prev: dPrev === null ? null : id - dPrev,
      type: typeof code === 'number' ? EVENT_TYPES[code] : code,
      ts: (chunk.b + dTs) / 1000,
    };
    if (stored) {
      const d: Record<string, unknown> = {};
      for (const k of Object.keys(stored)) {
        const v = stored[k];
        let name = k;
        if (k.endsWith('^')) {
          name = k.slice(0, -1);
          const [version, status, requestId, payload] = v as [string, number, string, unknown];
          d[name] = JSON.stringify(envelopeValue(version, status, requestId, payload));
        } else if (k.endsWith('~')) {
          name = k.slice(0, -1);
          d[name] = JSON.stringify(v);
        } else d[k] = v;
        if ((name === 'input' || name === 'output') && !(`${name}Details` in stored))
          d[`${name}Details`] = { truncated: false };
      }
      ev.details = d;
    }
    out.push(ev);
  }
}
