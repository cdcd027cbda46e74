/**
 * The twin's EventBridge: one bus (the city's, `minsheng-city-bus`), reachable by the real
 * `@aws-sdk/client-eventbridge` (AWS JSON 1.1, `X-Amz-Target: AWSEvents.PutEvents`) at the gateway
 * under `/_aws/events` (what `AWS_ENDPOINT_URL_EVENTBRIDGE` points to), delivering events in AWS's
 * shape to the targets of `functions/events.ts` EVENT_RULES.
 *
 * Delivery is asynchronous and at least once: PutEvents writes one row per (event, target) to a
 * SQLite outbox before it answers, a loop invokes the targets and deletes delivered rows, so a
 * killed twin delivers the rest after its restart. Retries follow Lambda's asynchronous invocation
 * (a function error is retried twice, after 1 and 2 minutes on the twin's clock) and EventBridge's
 * policy for targets it cannot reach (backoff up to 24 hours). Rows that give up stay with status
 * `failed` (a dead-letter list, see {@link LocalEventBus.failed}).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Database from 'better-sqlite3';
import { CITY_SOURCE, countyOfSource, STATES_SOURCE, sourceOf } from '../contracts/sources';
import type { EventOrigin, EventRuleSpec } from '../functions/events';
import { type Clock, isSubscribable } from './clock';
import { LOCAL_AWS, names } from './config';
import { BodyTooLargeError, readBody, sendJson } from './http';
import type { LambdaInvoker } from './sfn/types';

/** A PutEvents request entry as the SDK sends it. */
export interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Resources?: string[];
  /** Epoch seconds (the SDK's JSON encoding of a timestamp). */
  Time?: number | string;
  TraceHeader?: string;
}

export type PutEventsResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

/** An event as EventBridge delivers it to a target. */
export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

/** An AWS API error of the events endpoint (`name` is the AWS error code). */
export class EventsApiError extends Error {
  constructor(code: string, message: string) {
    super(message);
    this.name = code;
  }
}

export interface LocalEventBusOptions {
  db: Database.Database;
  rules: readonly (Omit<EventRuleSpec, 'fn'> & { fn: string })[];
  /** County codes (targets of rules whose stack is `county`). */
  counties: readonly string[];
  /** The stack a state machine ARN belongs to (Step Functions' events go to that stack's rules). */
  stackOfStateMachine?: (arn: string) => string | undefined;
  invoke: LambdaInvoker;
  clock: Clock;
  log?: (line: string) => void;
  /** How often due retries are looked for (default 250 ms). */
  pollIntervalMs?: number;
}

/** A delivery that gave up. */
export interface FailedDelivery {
  eventId: string;
  ruleId: string;
  target: string;
  attempts: number;
  lastError: string | null;
  /** What was to be delivered: an event in AWS's shape, or a schedule's input. */
  payload: unknown;
}

const MAX_ENTRY_BYTES = 256 * 1024;
const FUNCTION_ERROR_ATTEMPTS = 3;
const FUNCTION_RETRY_DELAYS_S = [60, 120];
const MAX_EVENT_AGE_MS = 24 * 3600 * 1000;
const CONCURRENCY = 8;

interface DeliveryRow {
  id: number;
  event_id: string;
  target: string;
  event: string;
  attempts: number;
  function_errors: number;
  created_at: number;
}

/** ISO time without milliseconds, as EventBridge writes `time`. */
function awsTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** The local event bus and its delivery loop. */
export class LocalEventBus {
  readonly #o: LocalEventBusOptions;
  readonly #inflight = new Set<number>();
  readonly #idleWaiters: Array<() => void> = [];
  #timer?: NodeJS.Timeout;
  #unsubscribe?: () => void;
  #closed = false;

  constructor(opts: LocalEventBusOptions) {
    this.#o = opts;
    opts.db.exec(`
      CREATE TABLE IF NOT EXISTS event_deliveries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id TEXT NOT NULL,
        rule_id TEXT NOT NULL,
        target TEXT NOT NULL,
        event TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        function_errors INTEGER NOT NULL DEFAULT 0,
        due_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        last_error TEXT
      );
      CREATE INDEX IF NOT EXISTS event_deliveries_due ON event_deliveries (status, due_at);
    `);
  }

  /** Starts the delivery loop (deliveries left by an earlier run go first). */
  start(): void {
    this.#timer = setInterval(() => this.#kick(), this.#o.pollIntervalMs ?? 250);
    this.#timer.unref();
    if (isSubscribable(this.#o.clock)) this.#unsubscribe = this.#o.clock.subscribe(() => this.#kick());
    this.#kick();
  }

  /** True while the delivery loop runs. */
  get running(): boolean {
    return !!this.#timer && !this.#closed;
  }

  /**
   * The targets (function names) of the rules an event matches, as EventBridge would route it: on
   * the city bus by the publishing stack's source (`city`, `anyCounty`, the target stack's `own`),
   * on the default bus Step Functions' events of the target stack's own state machines.
   */
  targetsOf(
    event: Pick<BusEvent, 'source' | 'detail-type' | 'detail'>,
    bus: 'city' | 'default' = 'city',
  ): Array<{ ruleId: string; target: string }> {
    const out: Array<{ ruleId: string; target: string }> = [];
    for (const r of this.#o.rules) {
      if (!r.detailType.includes(event['detail-type'])) continue;
      const stacks = r.stack === 'city' ? ['city'] : this.#o.counties;
      for (const s of stacks) {
        if (r.from.some((o) => this.#fromMatches(o, event, s, bus))) {
          out.push({ ruleId: r.id, target: names.function(s, r.fn) });
        }
      }
    }
    return out;
  }

  #fromMatches(
    origin: EventOrigin,
    event: Pick<BusEvent, 'source' | 'detail'>,
    stack: string,
    bus: 'city' | 'default',
  ): boolean {
    if (origin === 'stepFunctions') {
      const arn = (event.detail as { stateMachineArn?: unknown } | null)?.stateMachineArn;
      return (
        bus === 'default' &&
        event.source === STATES_SOURCE &&
        typeof arn === 'string' &&
        this.#o.stackOfStateMachine?.(arn) === stack
      );
    }
    if (bus !== 'city') return false;
    if (origin === 'city') return event.source === CITY_SOURCE;
    if (origin === 'anyCounty') return countyOfSource(event.source) !== undefined;
    return event.source === sourceOf(stack);
  }

  /**
   * Puts an AWS service's event on the account's default bus (Step Functions' status changes): the
   * twin's engine calls this; PutEvents refuses `aws.*` sources as EventBridge does.
   */
  putServiceEvent(event: Omit<BusEvent, 'version' | 'id' | 'account' | 'region'> & { id?: string }): void {
    const now = this.#o.clock.now();
    const full: BusEvent = {
      version: '0',
      id: event.id ?? randomUUID(),
      'detail-type': event['detail-type'],
      source: event.source,
      account: LOCAL_AWS.accountId,
      time: event.time ?? awsTime(now),
      region: LOCAL_AWS.region,
      resources: event.resources ?? [],
      detail: event.detail,
    };
    const insert = this.#o.db.prepare(
      'INSERT INTO event_deliveries (event_id, rule_id, target, event, due_at, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const text = JSON.stringify(full);
    const targets = this.targetsOf(full, 'default');
    this.#o.db.transaction(() => {
      for (const t of targets) insert.run(full.id, t.ruleId, t.target, text, now, now);
    })();
    if (targets.length) this.#kick();
  }

  /** PutEvents: validates each entry, stores its deliveries, answers per entry. */
  putEvents(entries: readonly PutEventsEntry[]): {
    FailedEntryCount: number;
    Entries: PutEventsResultEntry[];
  } {
    if (!Array.isArray(entries) || entries.length < 1 || entries.length > 10) {
      throw new EventsApiError(
        'ValidationException',
        "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and 10",
      );
    }
    const now = this.#o.clock.now();
    const insert = this.#o.db.prepare(
      'INSERT INTO event_deliveries (event_id, rule_id, target, event, due_at, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const results: PutEventsResultEntry[] = [];
    let delivered = false;
    this.#o.db.transaction(() => {
      for (const e of entries) {
        const r = this.#entry(e, now);
        if ('ErrorCode' in r) {
          results.push(r);
          continue;
        }
        results.push({ EventId: r.event.id });
        if (!r.onOurBus) continue;
        const text = JSON.stringify(r.event);
        for (const t of this.targetsOf(r.event)) {
          insert.run(r.event.id, t.ruleId, t.target, text, now, now);
          delivered = true;
        }
      }
    })();
    if (delivered) this.#kick();
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  }

  /**
   * Queues one delivery of `payload` to a function through the outbox (durable, retried). The
   * scheduler fires through this; callable inside a caller's SQLite transaction.
   */
  enqueue(ruleId: string, target: string, payload: unknown, eventId: string): void {
    const now = this.#o.clock.now();
    this.#o.db
      .prepare(
        'INSERT INTO event_deliveries (event_id, rule_id, target, event, due_at, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(eventId, ruleId, target, JSON.stringify(payload), now, now);
    queueMicrotask(() => this.#kick());
  }

  #entry(
    e: PutEventsEntry,
    now: number,
  ): { event: BusEvent; onOurBus: boolean } | { ErrorCode: string; ErrorMessage: string } {
    const bus = e.EventBusName ?? 'default';
    const onOurBus = bus === names.eventBus || bus === names.eventBusArn();
    if (!onOurBus && bus !== 'default') {
      return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${bus} does not exist.` };
    }
    if (!e.Source || !e.DetailType || e.Detail === undefined) {
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameters Source, DetailType and Detail are required.',
      };
    }
    if (e.Source.startsWith('aws.')) {
      return {
        ErrorCode: 'NotAuthorizedForSourceException',
        ErrorMessage: `Not authorized for the source ${e.Source}.`,
      };
    }
    let detail: unknown;
    try {
      detail = JSON.parse(e.Detail);
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    if (!detail || typeof detail !== 'object' || Array.isArray(detail)) {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    if (
      Buffer.byteLength(e.Source) + Buffer.byteLength(e.DetailType) + Buffer.byteLength(e.Detail) >
      MAX_ENTRY_BYTES
    ) {
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Event entry exceeds the maximum size of 256 KB.',
      };
    }
    const t = e.Time === undefined ? now : typeof e.Time === 'number' ? e.Time * 1000 : Date.parse(e.Time);
    return {
      onOurBus,
      event: {
        version: '0',
        id: randomUUID(),
        'detail-type': e.DetailType,
        source: e.Source,
        account: LOCAL_AWS.accountId,
        time: awsTime(Number.isFinite(t) ? t : now),
        region: LOCAL_AWS.region,
        resources: e.Resources ?? [],
        detail,
      },
    };
  }

  /**
   * Serves the AWS JSON 1.1 endpoint (`POST /_aws/events`). The gateway admits only same-machine,
   * same-origin callers with `application/x-amz-json-1.1` before it gets here (see admitLocal).
   */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() };
    const target = String(req.headers['x-amz-target'] ?? '');
    try {
      if (req.method !== 'POST') throw new EventsApiError('UnknownOperationException', 'POST expected');
      const body = await readBody(req, 1024 * 1024);
      if (target !== 'AWSEvents.PutEvents') {
        throw new EventsApiError(
          'UnknownOperationException',
          `${target || 'operation'} is not supported locally`,
        );
      }
      let input: { Entries?: PutEventsEntry[] };
      try {
        input = JSON.parse(body.toString('utf8') || '{}');
      } catch {
        throw new EventsApiError('SerializationException', 'request body is not JSON');
      }
      sendJson(res, 200, this.putEvents(input.Entries ?? []), headers);
    } catch (e) {
      if (e instanceof BodyTooLargeError) {
        sendJson(
          res,
          413,
          { __type: 'RequestEntityTooLargeException', message: 'Request size exceeded 1 MB' },
          { ...headers, connection: 'close' },
        );
        return;
      }
      const err =
        e instanceof EventsApiError ? e : new EventsApiError('InternalException', (e as Error).message);
      sendJson(
        res,
        err.name === 'InternalException' ? 500 : 400,
        { __type: err.name, message: err.message },
        headers,
      );
    }
  }

  /** Dispatches due deliveries up to the concurrency limit; each finished delivery kicks again. */
  #kick(): void {
    if (this.#closed) return;
    const capacity = CONCURRENCY - this.#inflight.size;
    if (capacity > 0) {
      const rows = this.#o.db
        .prepare(
          "SELECT id, event_id, target, event, attempts, function_errors, created_at FROM event_deliveries WHERE status = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT ?",
        )
        .all(this.#o.clock.now(), capacity + this.#inflight.size) as DeliveryRow[];
      for (const row of rows) {
        if (this.#inflight.size >= CONCURRENCY) break;
        if (this.#inflight.has(row.id)) continue;
        this.#inflight.add(row.id);
        void this.#deliver(row).finally(() => {
          this.#inflight.delete(row.id);
          this.#kick();
        });
      }
    }
    if (this.#inflight.size === 0) this.#notifyIdle();
  }

  async #deliver(row: DeliveryRow): Promise<void> {
    const db = this.#o.db;
    const log = this.#o.log ?? (() => {});
    let error: string | undefined;
    let functionError = false;
    try {
      const out = await this.#o.invoke(row.target, JSON.parse(row.event));
      if (out.functionError) {
        functionError = true;
        const p = out.payload as { errorType?: string; errorMessage?: string } | null;
        error = `${p?.errorType ?? 'Error'}: ${p?.errorMessage ?? ''}`;
      }
    } catch (e) {
      error = `${(e as Error).name}: ${(e as Error).message}`;
    }
    if (this.#closed) return; // the row stays pending; the next start delivers it again
    if (error === undefined) {
      db.prepare('DELETE FROM event_deliveries WHERE id = ?').run(row.id);
      return;
    }
    const now = this.#o.clock.now();
    const attempts = row.attempts + 1;
    const functionErrors = row.function_errors + (functionError ? 1 : 0);
    let dueAt: number | undefined;
    if (functionError) {
      if (functionErrors < FUNCTION_ERROR_ATTEMPTS)
        dueAt = now + FUNCTION_RETRY_DELAYS_S[functionErrors - 1] * 1000;
    } else {
      const delay = Math.min(2 ** attempts, 300) * 1000;
      if (now + delay - row.created_at <= MAX_EVENT_AGE_MS) dueAt = now + delay;
    }
    if (dueAt === undefined) {
      log(`event ${row.event_id} -> ${row.target} gave up after ${attempts} attempts: ${error}`);
      db.prepare(
        "UPDATE event_deliveries SET status = 'failed', attempts = ?, function_errors = ?, last_error = ? WHERE id = ?",
      ).run(attempts, functionErrors, error, row.id);
    } else {
      db.prepare(
        'UPDATE event_deliveries SET attempts = ?, function_errors = ?, last_error = ?, due_at = ? WHERE id = ?',
      ).run(attempts, functionErrors, error, dueAt, row.id);
    }
  }

  #notifyIdle(): void {
    if (this.#pendingDueCount() > 0) return;
    for (const w of this.#idleWaiters.splice(0)) w();
  }

  #pendingDueCount(): number {
    return (
      this.#o.db
        .prepare("SELECT COUNT(*) AS n FROM event_deliveries WHERE status = 'pending' AND due_at <= ?")
        .get(this.#o.clock.now()) as { n: number }
    ).n;
  }

  /** Deliveries waiting (due now or later). */
  pendingCount(): number {
    return (
      this.#o.db.prepare("SELECT COUNT(*) AS n FROM event_deliveries WHERE status = 'pending'").get() as {
        n: number;
      }
    ).n;
  }

  /** Resolves once nothing is due or in flight (later retries may still be pending). For tests and tools. */
  idle(): Promise<void> {
    if (this.#inflight.size === 0 && this.#pendingDueCount() === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#idleWaiters.push(resolve);
      this.#kick();
    });
  }

  /** Deliveries that gave up (the dead-letter list). */
  failed(): FailedDelivery[] {
    const rows = this.#o.db
      .prepare(
        "SELECT event_id, rule_id, target, attempts, last_error, event FROM event_deliveries WHERE status = 'failed' ORDER BY id",
      )
      .all() as Array<{
      event_id: string;
      rule_id: string;
      target: string;
      attempts: number;
      last_error: string | null;
      event: string;
    }>;
    return rows.map((r) => ({
      eventId: r.event_id,
      ruleId: r.rule_id,
      target: r.target,
      attempts: r.attempts,
      lastError: r.last_error,
      payload: JSON.parse(r.event) as unknown,
    }));
  }

  /** Stops the loop; deliveries in flight finish, undelivered rows stay for the next start. */
  close(): void {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#unsubscribe?.();
    for (const w of this.#idleWaiters.splice(0)) w();
  }
}
