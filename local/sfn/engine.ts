import { createHash, randomUUID } from 'node:crypto';
import { type Clock, isSubscribable, systemClock } from '../clock';
import type { Json, StateMachineDefinition } from './asl/types';
import { validateDefinition } from './asl/validate';
import { ExecRuntime, type InvokeEffect, isWellFormedToken } from './executor';
import {
  type AliasRow,
  type ExecutionRow,
  type ExecutionWrite,
  type MachineRow,
  type PendingNotification,
  SfnStore,
  type VersionRow,
} from './store';
import {
  type ExecutionStatus,
  type ExecutionStatusChangeEvent,
  type ExecutionStatusChangeListener,
  type LambdaInvoker,
  SfnApiError,
} from './types';

/** Options of {@link SfnEngine}. */
export interface SfnEngineOptions {
  /** Folder of `sfn.sqlite`; null keeps everything in memory (benchmarks only: nothing survives). */
  dataDir: string | null;
  invokeLambda: LambdaInvoker;
  clock?: Clock;
  region?: string;
  accountId?: string;
  partition?: string;
  /** How often due timers are checked (default 100 ms). */
  pollIntervalMs?: number;
  /**
   * Called with AWS's EventBridge event "Step Functions Execution Status Change" whenever an
   * execution starts (RUNNING) or closes (SUCCEEDED, FAILED, TIMED_OUT, ABORTED). At least once:
   * recorded in the store with the status change, removed when the returned promise resolves,
   * retried after a rejection and redelivered after a restart.
   */
  onExecutionStatusChange?: ExecutionStatusChangeListener;
}

type Input = Record<string, unknown>;
type Op = (input: Input) => unknown;

const NAME_FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;

/** AWS name rules for state machines and executions: 1-80 characters, no whitespace, brackets,
 * wildcards, special characters or control characters. */
function validName(name: string): boolean {
  if (name.length < 1 || name.length > 80 || NAME_FORBIDDEN.test(name)) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return false;
  }
  return true;
}
const ALIAS_RE = /^(?=.*[a-zA-Z_\-.])[a-zA-Z0-9_\-.]{1,80}$/;
const MAX_PAYLOAD = 256 * 1024;
/** EventBridge leaves out input/output whose escaped size, together, exceeds this (AWS's rule). */
const EVENT_PAYLOAD_LIMIT = 248 * 1024;
/** Back-off between deliveries of a notification whose listener failed. */
const NOTIFY_RETRY_FIRST_MS = 100;
const NOTIFY_RETRY_MAX_MS = 30_000;

function fail(code: string, message: string): never {
  throw new SfnApiError(code, message);
}

function str(input: Input, key: string, required: true): string;
function str(input: Input, key: string, required?: false): string | undefined;
function str(input: Input, key: string, required = false): string | undefined {
  const v = input[key];
  if (v === undefined || v === null) {
    if (required)
      fail(
        'ValidationException',
        `1 validation error detected: Value null at '${key}' failed to satisfy constraint: Member must not be null`,
      );
    return undefined;
  }
  if (typeof v !== 'string') fail('ValidationException', `Value at '${key}' must be a string`);
  return v;
}

function encodeToken(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url');
}

function decodeToken<T>(token: string | undefined, check: (v: unknown) => v is T): T | undefined {
  if (token === undefined) return undefined;
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (check(v)) return v;
  } catch {
    // fall through
  }
  fail('InvalidToken', `Invalid Token: '${token.slice(0, 64)}'`);
}

function maxResults(input: Input): number {
  const m = input.maxResults;
  if (m === undefined || m === null || m === 0) return 100;
  if (typeof m !== 'number' || !Number.isInteger(m) || m < 0 || m > 1000) {
    fail(
      'ValidationException',
      `1 validation error detected: Value '${m}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000`,
    );
  }
  return m;
}

const isOffset = (v: unknown): v is { o: number } =>
  typeof v === 'object' &&
  v !== null &&
  Number.isInteger((v as { o: unknown }).o) &&
  (v as { o: number }).o >= 0;

/**
 * One page of a list paginated by offset: `list(limit, offset)` is asked for one row more than the
 * page holds, to learn whether a next page (and so a `nextToken`) exists.
 */
function offsetPage<T>(
  input: Input,
  list: (limit: number, offset: number) => T[],
): { items: T[]; next: { nextToken?: string } } {
  const limit = maxResults(input);
  const off = decodeToken(str(input, 'nextToken'), isOffset)?.o ?? 0;
  const rows = list(limit + 1, off);
  return {
    items: rows.slice(0, limit),
    next: rows.length > limit ? { nextToken: encodeToken({ o: off + limit }) } : {},
  };
}

/** The optional `error` and `cause` of StopExecution and SendTaskFailure, within AWS's lengths. */
function errorAndCause(input: Input): { error?: string; cause?: string } {
  const error = str(input, 'error');
  const cause = str(input, 'cause');
  if (error !== undefined && error.length > 256)
    fail('ValidationException', 'error must be at most 256 characters');
  if (cause !== undefined && cause.length > 32768)
    fail('ValidationException', 'cause must be at most 32768 characters');
  return { error, cause };
}

/** The fields DescribeExecution and ListExecutions both start an execution with. */
function executionHead(r: ExecutionRow) {
  return {
    executionArn: r.arn,
    stateMachineArn: r.machine_arn,
    name: r.name,
    status: r.status,
    startDate: r.start_date,
    ...(r.stop_date !== null ? { stopDate: r.stop_date } : {}),
  };
}

/** The version or alias an execution was started through, if any (DescribeExecution and ListExecutions). */
function executionTarget(r: ExecutionRow) {
  return {
    ...(r.version_arn ? { stateMachineVersionArn: r.version_arn } : {}),
    ...(r.alias_arn ? { stateMachineAliasArn: r.alias_arn } : {}),
  };
}

/**
 * The local Step Functions engine: the AWS API operations (`call(op, input)`), durable executions
 * run with the ASL library, a poller firing due timers on the clock, and recovery after a restart.
 */
export class SfnEngine {
  readonly store: SfnStore;
  readonly clock: Clock;
  readonly region: string;
  readonly accountId: string;
  readonly partition: string;
  readonly #invoke: LambdaInvoker;
  readonly #active = new Map<string, ExecRuntime>();
  readonly #defs = new Map<string, StateMachineDefinition>();
  readonly #queue = new Set<ExecRuntime>();
  readonly #waiters = new Map<ExecRuntime, { resolve: () => void; reject: (e: unknown) => void }[]>();
  readonly #closeWaiters = new Map<string, ((status: string) => void)[]>();
  readonly #ops: Record<string, Op>;
  readonly #onStatusChange?: ExecutionStatusChangeListener;
  /** Last delivery of each execution's notifications (they are delivered in order). */
  readonly #deliveries = new Map<string, Promise<void>>();
  /** Notifications delivered, to delete in the next transaction. */
  #acked: number[] = [];
  #drainScheduled = false;
  #timer?: NodeJS.Timeout;
  #unsubscribe?: () => void;
  #closed = false;

  constructor(opts: SfnEngineOptions) {
    this.store = new SfnStore(opts.dataDir);
    this.clock = opts.clock ?? systemClock;
    this.region = opts.region ?? 'us-east-1';
    this.accountId = opts.accountId ?? '000000000000';
    this.partition = opts.partition ?? 'aws';
    this.#invoke = opts.invokeLambda;
    this.#onStatusChange = opts.onExecutionStatusChange;
    this.#ops = {
      CreateStateMachine: (i) => this.#createStateMachine(i),
      UpdateStateMachine: (i) => this.#updateStateMachine(i),
      DescribeStateMachine: (i) => this.#describeStateMachine(i),
      ListStateMachines: (i) => this.#listStateMachines(i),
      DeleteStateMachine: (i) => this.#deleteStateMachine(i),
      PublishStateMachineVersion: (i) => this.#publishVersion(i),
      ListStateMachineVersions: (i) => this.#listVersions(i),
      DeleteStateMachineVersion: (i) => this.#deleteVersion(i),
      CreateStateMachineAlias: (i) => this.#createAlias(i),
      DescribeStateMachineAlias: (i) => this.#describeAlias(i),
      UpdateStateMachineAlias: (i) => this.#updateAlias(i),
      DeleteStateMachineAlias: (i) => this.#deleteAlias(i),
      ListStateMachineAliases: (i) => this.#listAliases(i),
      StartExecution: (i) => this.#startExecution(i),
      DescribeExecution: (i) => this.#describeExecution(i),
      DescribeStateMachineForExecution: (i) => this.#describeForExecution(i),
      ListExecutions: (i) => this.#listExecutions(i),
      GetExecutionHistory: (i) => this.#history(i),
      StopExecution: (i) => this.#stopExecution(i),
      SendTaskSuccess: (i) => this.#sendTaskSuccess(i),
      SendTaskFailure: (i) => this.#sendTaskFailure(i),
      SendTaskHeartbeat: (i) => this.#sendTaskHeartbeat(i),
      ValidateStateMachineDefinition: (i) => this.#validate(i),
    };
    // Notifications a previous run recorded but did not see acknowledged are delivered again.
    if (this.#onStatusChange) for (const n of this.store.pendingNotifications()) this.#deliver(n);
    // Executions interrupted while they had work in hand (ready states, invokes) resume at once.
    for (const arn of this.store.runnableExecutions()) {
      const ex = this.#load(arn);
      if (!ex) continue;
      ex.recoverEffects();
      this.#schedule(ex);
    }
    const interval = opts.pollIntervalMs ?? 100;
    this.#timer = setInterval(() => this.tick(), interval);
    this.#timer.unref?.();
    if (isSubscribable(this.clock)) this.#unsubscribe = this.clock.subscribe(() => this.tick());
    setImmediate(() => this.tick());
  }

  /** Names of the supported operations. */
  get operations(): string[] {
    return Object.keys(this.#ops);
  }

  /** Runs one API operation (the `X-Amz-Target` suffix) with its JSON input. */
  async call(op: string, input: unknown): Promise<unknown> {
    const fn = Object.hasOwn(this.#ops, op) ? this.#ops[op] : undefined;
    if (!fn) throw new SfnApiError('UnknownOperationException', `Unknown operation ${op}`);
    if (this.#closed) throw new SfnApiError('ServiceUnavailable', 'The engine is shutting down', 503);
    const body = input && typeof input === 'object' && !Array.isArray(input) ? (input as Input) : {};
    return await fn(body);
  }

  /** Fires timers due on the clock now (the poller calls this; tests may too). */
  tick(): void {
    if (this.#closed) return;
    const now = this.clock.now();
    for (const arn of this.store.dueExecutions(now)) {
      const ex = this.#load(arn);
      if (!ex) continue;
      ex.fireDue(now);
      ex.dirty = true;
      this.#schedule(ex);
    }
  }

  /**
   * Resolves once everything already set in motion is durable: timers due on the clock now have
   * fired and every queued transition is written (tests wait on this, then assert what did NOT
   * happen, instead of sleeping). Invokes still running are not waited for.
   */
  async settled(): Promise<void> {
    this.tick();
    while (!this.#closed && (this.#queue.size || this.#drainScheduled))
      await new Promise<void>((r) => setImmediate(r));
  }

  /** Resolves with the final status once the execution has closed (durably). */
  waitForExecution(executionArn: string): Promise<string> {
    const row = this.#active.has(executionArn) ? undefined : this.store.getExecution(executionArn);
    if (row && row.status !== 'RUNNING') return Promise.resolve(row.status);
    return new Promise((resolve) => {
      const list = this.#closeWaiters.get(executionArn) ?? [];
      list.push(resolve);
      this.#closeWaiters.set(executionArn, list);
    });
  }

  /** Stops the poller, writes what is pending and closes the database. */
  async close(): Promise<void> {
    if (this.#closed) return;
    clearInterval(this.#timer);
    this.#unsubscribe?.();
    // Write what is pending; a state machine looping forever must not keep close() from returning.
    for (let n = 0; n < 100 && (this.#queue.size || this.#drainScheduled || this.#acked.length); n++)
      this.#drain();
    this.#closed = true;
    await this.store.close();
  }

  // ---- scheduling -------------------------------------------------------------------------------

  #schedule(ex: ExecRuntime): void {
    if (this.#closed) return;
    this.#queue.add(ex);
    this.#drainSoon();
  }

  #drainSoon(): void {
    if (!this.#drainScheduled) {
      this.#drainScheduled = true;
      setImmediate(() => this.#drain());
    }
  }

  /** Waits until `ex`'s pending changes are durable. */
  #flushed(ex: ExecRuntime): Promise<void> {
    return new Promise((resolve, reject) => {
      const list = this.#waiters.get(ex) ?? [];
      list.push({ resolve, reject });
      this.#waiters.set(ex, list);
      this.#schedule(ex);
    });
  }

  /**
   * Steps queued executions for at most ~8 ms, writes all their changes in one transaction, then
   * performs what must follow durability (invokes, answers), and yields to the event loop.
   */
  #drain(): void {
    this.#drainScheduled = false;
    if (this.#closed) return;
    const started = performance.now();
    const batch: ExecRuntime[] = [];
    for (const ex of this.#queue) {
      this.#queue.delete(ex);
      ex.runSlice(500);
      batch.push(ex);
      if (performance.now() - started > 8) break;
    }
    const writes: ExecutionWrite[] = [];
    for (const ex of batch) {
      if (!(ex.dirty || !ex.inserted || ex.events.length)) continue;
      const w = ex.takeWrite();
      if (ex.statusChanges.length) {
        if (this.#onStatusChange)
          w.notifications = ex.statusChanges.map((st) => this.#statusChangeRecord(ex, st));
        ex.statusChanges = [];
      }
      writes.push(w);
    }
    const acked = this.#acked;
    this.#acked = [];
    try {
      this.store.writeExecutions(writes, acked);
    } catch (e) {
      this.#acked.push(...acked);
      // Nothing of this batch is durable: forget the in-memory state (it reloads from the last
      // durable one on next use), perform no effects and fail the callers waiting on it.
      process.stderr.write(`local-sfn: writing executions failed: ${(e as Error).message}\n`);
      for (const ex of batch) {
        this.#active.delete(ex.id.arn);
        const ws = this.#waiters.get(ex);
        this.#waiters.delete(ex);
        for (const w of ws ?? [])
          w.reject(new SfnApiError('ServiceUnavailable', 'The engine could not save the change', 503));
      }
      return;
    }
    const effects: InvokeEffect[] = [];
    for (const ex of batch) {
      if (ex.effects.length) {
        effects.push(...ex.effects);
        ex.effects = [];
      }
      const ws = this.#waiters.get(ex);
      if (ws) {
        this.#waiters.delete(ex);
        for (const w of ws) w.resolve();
      }
      if (!ex.running) {
        this.#active.delete(ex.id.arn);
        const cw = this.#closeWaiters.get(ex.id.arn);
        if (cw) {
          this.#closeWaiters.delete(ex.id.arn);
          for (const w of cw) w(ex.status);
        }
      } else if (ex.ready.size) {
        this.#schedule(ex);
      }
    }
    for (const w of writes) {
      if (!w.notifications) continue;
      for (const n of w.notifications)
        this.#deliver({ seq: n.seq as number, id: n.id, execution_arn: w.row.arn, event: n.event });
    }
    for (const e of effects) this.#perform(e);
    if (this.#queue.size && !this.#drainScheduled) {
      this.#drainScheduled = true;
      setImmediate(() => this.#drain());
    }
  }

  // ---- status-change notifications ----------------------------------------------------------

  /** The notification of `ex` reaching `status` (RUNNING at start, else its closing status). */
  #statusChangeRecord(ex: ExecRuntime, status: ExecutionStatus): { id: string; event: string } {
    const closed = status !== 'RUNNING';
    const at = Math.floor(closed ? (ex.stopDate ?? this.clock.now()) : ex.id.startDate);
    const output = closed && status === 'SUCCEEDED' ? ex.output : null;
    const outSize = output === null ? 0 : JSON.stringify(output).length;
    const outputIncluded = output !== null && outSize <= EVENT_PAYLOAD_LIMIT;
    const inputIncluded =
      JSON.stringify(ex.id.input).length + (outputIncluded ? outSize : 0) <= EVENT_PAYLOAD_LIMIT;
    const id = randomUUID();
    const event: ExecutionStatusChangeEvent = {
      version: '0',
      id,
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      account: this.accountId,
      time: new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.region,
      resources: [ex.id.arn],
      detail: {
        executionArn: ex.id.arn,
        stateMachineArn: ex.id.machineArn,
        name: ex.id.name,
        status: status as ExecutionStatusChangeEvent['detail']['status'],
        startDate: Math.floor(ex.id.startDate),
        stopDate: closed ? at : null,
        input: inputIncluded ? ex.id.input : null,
        output: outputIncluded ? output : null,
        inputDetails: { included: inputIncluded },
        outputDetails: output === null ? null : { included: outputIncluded },
        error: closed ? ex.error : null,
        cause: closed ? ex.cause : null,
        ...(ex.id.versionArn ? { stateMachineVersionArn: ex.id.versionArn } : {}),
        ...(ex.id.aliasArn ? { stateMachineAliasArn: ex.id.aliasArn } : {}),
        redriveCount: 0,
        redriveDate: null,
        redriveStatus: 'NOT_REDRIVABLE',
        redriveStatusReason: closed
          ? 'Redrive is not supported by the local engine'
          : 'Execution is RUNNING and cannot be redriven',
      },
    };
    return { id, event: JSON.stringify(event) };
  }

  /** Delivers a recorded notification after the ones of the same execution before it. */
  #deliver(n: PendingNotification): void {
    const listener = this.#onStatusChange;
    if (!listener) return;
    const arn = n.execution_arn;
    const prev = this.#deliveries.get(arn) ?? Promise.resolve();
    const next = prev.then(() => this.#deliverOne(listener, n));
    this.#deliveries.set(arn, next);
    void next.finally(() => {
      if (this.#deliveries.get(arn) === next) this.#deliveries.delete(arn);
    });
  }

  /** Calls the listener until it succeeds (or the engine closes: the record stays for next time). */
  async #deliverOne(listener: ExecutionStatusChangeListener, n: PendingNotification): Promise<void> {
    for (let delay = NOTIFY_RETRY_FIRST_MS; !this.#closed; delay = Math.min(delay * 2, NOTIFY_RETRY_MAX_MS)) {
      try {
        await listener(JSON.parse(n.event) as ExecutionStatusChangeEvent);
        if (this.#closed) return;
        this.#acked.push(n.seq);
        this.#drainSoon();
        return;
      } catch (e) {
        if (this.#closed) return;
        process.stderr.write(
          `local-sfn: status-change listener failed for ${n.execution_arn} (retrying in ${delay} ms): ${(e as Error)?.message ?? e}\n`,
        );
        await new Promise((r) => setTimeout(r, delay).unref());
      }
    }
  }

  #perform(e: InvokeEffect): void {
    let p: ReturnType<LambdaInvoker>;
    try {
      p = this.#invoke(e.fn, e.payload);
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(
      (r) => e.exec.onInvoke(e.frame, e.seq, { ok: true, ...r }),
      (err: unknown) => {
        const x = err instanceof Error ? err : new Error(String(err));
        e.exec.onInvoke(e.frame, e.seq, { ok: false, name: x.name, message: x.message });
      },
    ).finally(() => {
      if (e.exec.dirty) this.#schedule(e.exec);
    });
  }

  /** The in-memory runtime of a running execution (loaded from the store when needed). */
  #load(arn: string): ExecRuntime | undefined {
    const cached = this.#active.get(arn);
    if (cached) return cached;
    const row = this.store.getExecution(arn);
    if (row?.status !== 'RUNNING') return undefined;
    // The running state lives in the journal (rows written before it keep it in the row itself).
    if (row.rowid !== undefined) row.runtime = this.store.latestRuntime(row.rowid) ?? row.runtime;
    const ex = new ExecRuntime(
      this.#identity(row),
      this.#definition(row.revision_id),
      () => this.clock.now(),
      row,
    );
    this.#active.set(arn, ex);
    return ex;
  }

  #identity(row: ExecutionRow) {
    const machineName = row.machine_arn.split(':')[6];
    return {
      arn: row.arn,
      machineArn: row.machine_arn,
      machineName,
      name: row.name,
      input: row.input,
      startDate: row.start_date * 1000,
      roleArn: row.role_arn,
      revisionId: row.revision_id,
      versionArn: row.version_arn,
      aliasArn: row.alias_arn,
      region: this.region,
    };
  }

  #definition(revisionId: string): StateMachineDefinition {
    let d = this.#defs.get(revisionId);
    if (d) return d;
    const text = this.store.getRevision(revisionId);
    if (text === undefined) throw new Error(`missing definition revision ${revisionId}`);
    const v = validateDefinition(text);
    d = v.ok ? v.definition : (JSON.parse(text) as StateMachineDefinition);
    this.#defs.set(revisionId, d);
    return d;
  }

  // ---- ARNs ---------------------------------------------------------------------------------------

  #machineArn(name: string): string {
    return `arn:${this.partition}:states:${this.region}:${this.accountId}:stateMachine:${name}`;
  }

  /** Splits a state machine ARN into the machine ARN and its qualifier (version number or alias). */
  #parseMachineArn(
    arn: string,
    field = 'stateMachineArn',
  ): { machineArn: string; name: string; version?: number; alias?: string } {
    const p = arn.split(':');
    if (
      p.length < 7 ||
      p.length > 8 ||
      p[0] !== 'arn' ||
      p[2] !== 'states' ||
      p[5] !== 'stateMachine' ||
      !p[6]
    ) {
      fail('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${field}: ${arn}'`);
    }
    const machineArn = p.slice(0, 7).join(':');
    if (p.length === 7) return { machineArn, name: p[6] };
    const q = p[7];
    if (/^\d+$/.test(q)) return { machineArn, name: p[6], version: Number(q) };
    if (!ALIAS_RE.test(q)) fail('InvalidArn', `Invalid Arn: 'Invalid qualifier: ${q}'`);
    return { machineArn, name: p[6], alias: q };
  }

  #parseExecutionArn(arn: string): void {
    const p = arn.split(':');
    if (p.length !== 8 || p[0] !== 'arn' || p[2] !== 'states' || p[5] !== 'execution' || !p[6] || !p[7]) {
      fail('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: execution: ${arn}'`);
    }
  }

  #machine(arn: string): MachineRow {
    const m = this.store.getMachine(arn);
    if (!m) fail('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return m;
  }

  #checkName(name: string, what: string): void {
    if (!validName(name)) fail('InvalidName', `Invalid Name: '${name}' (${what})`);
  }

  #checkDefinition(definition: string): StateMachineDefinition {
    const v = validateDefinition(definition);
    if (!v.ok) fail('InvalidDefinition', v.message);
    return v.definition;
  }

  #revisionId(definition: string, roleArn: string): string {
    const h = createHash('sha256').update(definition).update('\u0000').update(roleArn).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  }

  #now(): number {
    return this.clock.now() / 1000;
  }

  // ---- state machines ---------------------------------------------------------------------------

  #createStateMachine(i: Input) {
    const name = str(i, 'name', true);
    const definition = str(i, 'definition', true);
    const roleArn = str(i, 'roleArn', true);
    this.#checkName(name, 'state machine name');
    if (!roleArn.startsWith('arn:'))
      fail('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: roleArn: ${roleArn}'`);
    const type = str(i, 'type') ?? 'STANDARD';
    if (type === 'EXPRESS')
      fail(
        'ValidationException',
        'EXPRESS state machines are not supported by the local engine (it would run them with Standard semantics); use STANDARD',
      );
    if (type !== 'STANDARD') fail('ValidationException', `Invalid type: ${type}`);
    const versionDescription = str(i, 'versionDescription');
    if (versionDescription !== undefined && !i.publish) {
      fail('ValidationException', 'Version description can only be set when publish is true');
    }
    this.#checkDefinition(definition);
    const logging = JSON.stringify(i.loggingConfiguration ?? { level: 'OFF', includeExecutionData: false });
    const tracing = JSON.stringify(i.tracingConfiguration ?? { enabled: false });
    const arn = this.#machineArn(name);
    return this.store.tx(() => {
      const existing = this.store.getMachine(arn);
      if (existing) {
        const def = this.store.getRevision(existing.revision_id);
        const same =
          def === definition &&
          existing.type === type &&
          existing.logging === logging &&
          existing.tracing === tracing;
        if (!same) fail('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
        const out: Record<string, unknown> = { stateMachineArn: arn, creationDate: existing.created };
        if (i.publish) out.stateMachineVersionArn = this.#publish(existing, versionDescription).arn;
        return out;
      }
      const revision = this.#revisionId(definition, roleArn);
      this.store.putRevision(revision, definition);
      const row: MachineRow = {
        arn,
        name,
        revision_id: revision,
        role_arn: roleArn,
        type,
        created: this.#now(),
        updated: null,
        logging,
        tracing,
        next_version: 1,
        published_revision: null,
      };
      this.store.putMachine(row);
      const out: Record<string, unknown> = { stateMachineArn: arn, creationDate: row.created };
      if (i.publish) out.stateMachineVersionArn = this.#publish(row, versionDescription).arn;
      return out;
    });
  }

  /** Publishes the machine's current revision (returns the latest version when it is the same). */
  #publish(m: MachineRow, description: string | undefined): VersionRow {
    if (m.published_revision === m.revision_id) {
      const latest = this.store.listVersions(m.arn, 1, 0)[0];
      if (latest && latest.revision_id === m.revision_id) return latest;
    }
    const v: VersionRow = {
      arn: `${m.arn}:${m.next_version}`,
      machine_arn: m.arn,
      version: m.next_version,
      revision_id: m.revision_id,
      role_arn: m.role_arn,
      description: description ?? null,
      created: this.#now(),
    };
    this.store.putVersion(v);
    m.next_version++;
    m.published_revision = m.revision_id;
    this.store.putMachine(m);
    return v;
  }

  #updateStateMachine(i: Input) {
    const arn = str(i, 'stateMachineArn', true);
    const parsed = this.#parseMachineArn(arn);
    if (parsed.version !== undefined || parsed.alias !== undefined) {
      fail('ValidationException', 'Qualified state machine ARNs are not supported by UpdateStateMachine');
    }
    const definition = str(i, 'definition');
    const roleArn = str(i, 'roleArn');
    if (
      definition === undefined &&
      roleArn === undefined &&
      !i.loggingConfiguration &&
      !i.tracingConfiguration
    ) {
      fail(
        'MissingRequiredParameter',
        'Either the definition, roleArn, loggingConfiguration or tracingConfiguration must be specified',
      );
    }
    const versionDescription = str(i, 'versionDescription');
    if (versionDescription !== undefined && !i.publish) {
      fail('ValidationException', 'Version description can only be set when publish is true');
    }
    if (roleArn !== undefined && !roleArn.startsWith('arn:'))
      fail('InvalidArn', `Invalid Arn: 'roleArn: ${roleArn}'`);
    if (definition !== undefined) this.#checkDefinition(definition);
    return this.store.tx(() => {
      const m = this.#machine(arn);
      const def = definition ?? this.store.getRevision(m.revision_id) ?? '';
      const role = roleArn ?? m.role_arn;
      const revision = this.#revisionId(def, role);
      this.store.putRevision(revision, def);
      m.revision_id = revision;
      m.role_arn = role;
      if (i.loggingConfiguration) m.logging = JSON.stringify(i.loggingConfiguration);
      if (i.tracingConfiguration) m.tracing = JSON.stringify(i.tracingConfiguration);
      m.updated = this.#now();
      this.store.putMachine(m);
      const out: Record<string, unknown> = { updateDate: m.updated, revisionId: revision };
      if (i.publish) out.stateMachineVersionArn = this.#publish(m, versionDescription).arn;
      return out;
    });
  }

  #publishVersion(i: Input) {
    const arn = str(i, 'stateMachineArn', true);
    const parsed = this.#parseMachineArn(arn);
    if (parsed.version !== undefined || parsed.alias !== undefined)
      fail('ValidationException', 'Expected an unqualified state machine ARN');
    const revisionId = str(i, 'revisionId');
    return this.store.tx(() => {
      const m = this.#machine(arn);
      if (revisionId !== undefined && revisionId !== m.revision_id) {
        fail(
          'ConflictException',
          `Failed to publish the state machine version: the current revision is ${m.revision_id}, not ${revisionId}`,
        );
      }
      const v = this.#publish(m, str(i, 'description'));
      return { creationDate: v.created, stateMachineVersionArn: v.arn };
    });
  }

  #describeStateMachine(i: Input) {
    const arn = str(i, 'stateMachineArn', true);
    const parsed = this.#parseMachineArn(arn);
    if (parsed.alias !== undefined)
      fail('ValidationException', 'Use DescribeStateMachineAlias for alias ARNs');
    if (parsed.version !== undefined) {
      const v = this.store.getVersion(arn);
      const m = this.store.getMachine(parsed.machineArn);
      if (!v || !m) fail('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
      return {
        ...this.#machineView(m, v.revision_id, v.role_arn, v.created),
        stateMachineArn: v.arn,
        ...(v.description !== null ? { description: v.description } : {}),
      };
    }
    const m = this.#machine(arn);
    return this.#machineView(m, m.revision_id, m.role_arn, m.created);
  }

  #machineView(m: MachineRow, revisionId: string, roleArn: string, created: number) {
    return {
      stateMachineArn: m.arn,
      name: m.name,
      status: 'ACTIVE',
      definition: this.store.getRevision(revisionId),
      roleArn,
      type: m.type,
      creationDate: created,
      loggingConfiguration: JSON.parse(m.logging),
      tracingConfiguration: JSON.parse(m.tracing),
      revisionId,
    };
  }

  #describeForExecution(i: Input) {
    const row = this.#executionRow(i);
    const m = this.store.getMachine(row.machine_arn);
    return {
      stateMachineArn: row.version_arn ?? row.machine_arn,
      name: row.machine_arn.split(':')[6],
      definition: this.store.getRevision(row.revision_id),
      roleArn: row.role_arn,
      updateDate: m?.updated ?? m?.created ?? row.start_date,
      revisionId: row.revision_id,
    };
  }

  #listStateMachines(i: Input) {
    const { items, next } = offsetPage(i, (limit, off) => this.store.listMachines(limit, off));
    return {
      stateMachines: items.map((m) => ({
        stateMachineArn: m.arn,
        name: m.name,
        type: m.type,
        creationDate: m.created,
      })),
      ...next,
    };
  }

  #deleteStateMachine(i: Input) {
    const arn = str(i, 'stateMachineArn', true);
    const parsed = this.#parseMachineArn(arn);
    if (parsed.version !== undefined || parsed.alias !== undefined) {
      fail(
        'ValidationException',
        'Use DeleteStateMachineVersion or DeleteStateMachineAlias for qualified ARNs',
      );
    }
    // Running executions keep their own definition revision and run on; AWS finishes them too.
    this.store.tx(() => this.store.deleteMachine(arn));
    return {};
  }

  #listVersions(i: Input) {
    const arn = str(i, 'stateMachineArn', true);
    this.#parseMachineArn(arn);
    this.#machine(arn);
    const { items, next } = offsetPage(i, (limit, off) => this.store.listVersions(arn, limit, off));
    return {
      stateMachineVersions: items.map((v) => ({ stateMachineVersionArn: v.arn, creationDate: v.created })),
      ...next,
    };
  }

  #deleteVersion(i: Input) {
    const arn = str(i, 'stateMachineVersionArn', true);
    const parsed = this.#parseMachineArn(arn, 'stateMachineVersionArn');
    if (parsed.version === undefined) fail('ValidationException', `Not a state machine version ARN: ${arn}`);
    this.store.tx(() => {
      for (const a of this.store.listAliases(parsed.machineArn, 1000, 0)) {
        const routes = JSON.parse(a.routing) as { stateMachineVersionArn: string }[];
        if (routes.some((r) => r.stateMachineVersionArn === arn)) {
          fail(
            'ConflictException',
            `Version ${arn} is referenced by alias ${a.arn}; update or delete the alias first`,
          );
        }
      }
      this.store.deleteVersion(arn);
    });
    return {};
  }

  // ---- aliases ------------------------------------------------------------------------------------

  #routing(
    i: Input,
    machineArn?: string,
  ): { routes: { stateMachineVersionArn: string; weight: number }[]; machineArn: string } {
    const rc = i.routingConfiguration;
    if (!Array.isArray(rc) || rc.length < 1 || rc.length > 2) {
      fail('ValidationException', 'routingConfiguration must have one or two entries');
    }
    const routes = rc.map((r) => {
      const e = r as { stateMachineVersionArn?: unknown; weight?: unknown };
      if (typeof e.stateMachineVersionArn !== 'string')
        fail('ValidationException', 'stateMachineVersionArn is required');
      if (typeof e.weight !== 'number' || !Number.isInteger(e.weight) || e.weight < 0 || e.weight > 100) {
        fail('ValidationException', 'weight must be an integer from 0 to 100');
      }
      return { stateMachineVersionArn: e.stateMachineVersionArn, weight: e.weight };
    });
    if (routes.reduce((s, r) => s + r.weight, 0) !== 100)
      fail('ValidationException', 'The routing weights must sum to 100');
    if (routes.length === 2 && routes[0].stateMachineVersionArn === routes[1].stateMachineVersionArn) {
      fail('ValidationException', 'The routing configuration must name two different versions');
    }
    let owner = machineArn;
    for (const r of routes) {
      const p = this.#parseMachineArn(r.stateMachineVersionArn, 'stateMachineVersionArn');
      if (p.version === undefined)
        fail('ValidationException', `Not a state machine version ARN: ${r.stateMachineVersionArn}`);
      if (owner && owner !== p.machineArn)
        fail('ValidationException', 'All versions of an alias must belong to one state machine');
      owner = p.machineArn;
      if (!this.store.getVersion(r.stateMachineVersionArn)) {
        fail('ResourceNotFound', `Resource not found: '${r.stateMachineVersionArn}'`);
      }
    }
    return { routes, machineArn: owner as string };
  }

  #createAlias(i: Input) {
    const name = str(i, 'name', true);
    if (!ALIAS_RE.test(name)) fail('ValidationException', `Invalid alias name: '${name}'`);
    const description = str(i, 'description') ?? null;
    const { routes, machineArn } = this.#routing(i);
    this.#machine(machineArn);
    const arn = `${machineArn}:${name}`;
    return this.store.tx(() => {
      const existing = this.store.getAlias(arn);
      const routing = JSON.stringify(routes);
      if (existing) {
        if (existing.routing !== routing || existing.description !== description) {
          fail('ConflictException', `Alias already exists with a different configuration: '${arn}'`);
        }
        return { stateMachineAliasArn: arn, creationDate: existing.created };
      }
      const row: AliasRow = {
        arn,
        machine_arn: machineArn,
        name,
        description,
        routing,
        created: this.#now(),
        updated: null,
      };
      this.store.putAlias(row);
      return { stateMachineAliasArn: arn, creationDate: row.created };
    });
  }

  #alias(arn: string): AliasRow {
    const p = this.#parseMachineArn(arn, 'stateMachineAliasArn');
    if (p.alias === undefined) fail('ValidationException', `Not a state machine alias ARN: ${arn}`);
    const a = this.store.getAlias(arn);
    if (!a) fail('ResourceNotFound', `Resource not found: '${arn}'`);
    return a;
  }

  #describeAlias(i: Input) {
    const a = this.#alias(str(i, 'stateMachineAliasArn', true));
    return {
      stateMachineAliasArn: a.arn,
      name: a.name,
      ...(a.description !== null ? { description: a.description } : {}),
      routingConfiguration: JSON.parse(a.routing),
      creationDate: a.created,
      updateDate: a.updated ?? a.created,
    };
  }

  #updateAlias(i: Input) {
    const arn = str(i, 'stateMachineAliasArn', true);
    return this.store.tx(() => {
      const a = this.#alias(arn);
      if (i.routingConfiguration === undefined && i.description === undefined) {
        fail('ValidationException', 'Either description or routingConfiguration must be specified');
      }
      if (i.routingConfiguration !== undefined)
        a.routing = JSON.stringify(this.#routing(i, a.machine_arn).routes);
      const d = str(i, 'description');
      if (d !== undefined) a.description = d;
      a.updated = this.#now();
      this.store.putAlias(a);
      return { updateDate: a.updated };
    });
  }

  #deleteAlias(i: Input) {
    const arn = this.#alias(str(i, 'stateMachineAliasArn', true)).arn;
    this.store.deleteAlias(arn);
    return {};
  }

  #listAliases(i: Input) {
    const arn = str(i, 'stateMachineArn', true);
    const p = this.#parseMachineArn(arn);
    if (p.alias !== undefined || p.version !== undefined)
      fail('ValidationException', 'Expected an unqualified state machine ARN');
    this.#machine(arn);
    const { items, next } = offsetPage(i, (limit, off) => this.store.listAliases(arn, limit, off));
    return {
      stateMachineAliases: items.map((a) => ({ stateMachineAliasArn: a.arn, creationDate: a.created })),
      ...next,
    };
  }

  // ---- executions -------------------------------------------------------------------------------

  async #startExecution(i: Input) {
    const target = str(i, 'stateMachineArn', true);
    const p = this.#parseMachineArn(target);
    const given = str(i, 'name');
    const generated = given === undefined;
    const name = given ?? randomUUID();
    this.#checkName(name, 'execution name');
    const input = str(i, 'input') ?? '{}';
    if (Buffer.byteLength(input) > MAX_PAYLOAD)
      fail('ValidationException', 'The input exceeds the 256 KB limit');
    try {
      JSON.parse(input);
    } catch (e) {
      fail('InvalidExecutionInput', `Invalid State Machine Execution Input: '${(e as Error).message}'`);
    }
    const m = this.store.getMachine(p.machineArn);
    if (!m) fail('StateMachineDoesNotExist', `State Machine Does Not Exist: '${target}'`);
    let revisionId = m.revision_id;
    let roleArn = m.role_arn;
    let versionArn: string | null = null;
    let aliasArn: string | null = null;
    // A version ARN runs that version; an alias ARN runs one of its versions, picked by weight.
    let runVersion = p.version !== undefined ? target : undefined;
    if (p.alias !== undefined) {
      const a = this.store.getAlias(target);
      if (!a) fail('ResourceNotFound', `Resource not found: '${target}'`);
      const routes = JSON.parse(a.routing) as { stateMachineVersionArn: string; weight: number }[];
      let pick = Math.random() * 100;
      let chosen = routes[routes.length - 1].stateMachineVersionArn;
      for (const r of routes) {
        if (pick < r.weight) {
          chosen = r.stateMachineVersionArn;
          break;
        }
        pick -= r.weight;
      }
      runVersion = chosen;
      aliasArn = a.arn;
    }
    if (runVersion !== undefined) {
      const v = this.store.getVersion(runVersion);
      if (!v) fail('StateMachineDoesNotExist', `State Machine Does Not Exist: '${runVersion}'`);
      ({ revision_id: revisionId, role_arn: roleArn } = v);
      versionArn = v.arn;
    }
    const arn = `arn:${this.partition}:states:${this.region}:${this.accountId}:execution:${m.name}:${name}`;
    const existing = this.#active.get(arn);
    // A generated name is a fresh UUID: no earlier execution can have it.
    const existingRow = existing || generated ? undefined : this.store.getExecution(arn);
    if (existing || existingRow) {
      const running = existing ? existing.running : existingRow?.status === 'RUNNING';
      const sameInput = (existing ? existing.id.input : existingRow?.input) === input;
      if (running && sameInput) {
        if (existing && !existing.inserted) await this.#flushed(existing);
        return {
          executionArn: arn,
          startDate: (existing ? existing.id.startDate : (existingRow?.start_date ?? 0) * 1000) / 1000,
        };
      }
      fail('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const ex = new ExecRuntime(
      {
        arn,
        machineArn: m.arn,
        machineName: m.name,
        name,
        input,
        startDate: this.clock.now(),
        roleArn,
        revisionId,
        versionArn,
        aliasArn,
        region: this.region,
      },
      this.#definition(revisionId),
      () => this.clock.now(),
    );
    this.#active.set(arn, ex);
    await this.#flushed(ex);
    return { executionArn: arn, startDate: ex.id.startDate / 1000 };
  }

  #executionRow(i: Input): ExecutionRow {
    const arn = str(i, 'executionArn', true);
    this.#parseExecutionArn(arn);
    const row = this.store.getExecution(arn);
    if (!row) fail('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return row;
  }

  #describeExecution(i: Input) {
    const r = this.#executionRow(i);
    return {
      ...executionHead(r),
      input: r.input,
      inputDetails: { included: true },
      ...(r.output !== null ? { output: r.output, outputDetails: { included: true } } : {}),
      ...(r.error !== null ? { error: r.error } : {}),
      ...(r.cause !== null ? { cause: r.cause } : {}),
      ...executionTarget(r),
      redriveCount: 0,
      redriveStatus: 'NOT_REDRIVABLE',
    };
  }

  #listExecutions(i: Input) {
    const target = str(i, 'stateMachineArn');
    if (target === undefined)
      fail('ValidationException', 'stateMachineArn is required (map runs are not supported)');
    const p = this.#parseMachineArn(target);
    this.#machine(p.machineArn);
    const status = str(i, 'statusFilter');
    if (
      status !== undefined &&
      !['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'].includes(status)
    ) {
      fail('ValidationException', `Invalid statusFilter: ${status}`);
    }
    const limit = maxResults(i);
    const after = decodeToken(
      str(i, 'nextToken'),
      (v): v is { start: number; rowid: number } =>
        typeof v === 'object' &&
        v !== null &&
        typeof (v as { start: unknown }).start === 'number' &&
        typeof (v as { rowid: unknown }).rowid === 'number',
    );
    const rows = this.store.listExecutions({
      machineArn: p.machineArn,
      versionArn: p.version !== undefined ? target : undefined,
      aliasArn: p.alias !== undefined ? target : undefined,
      status,
      limit: limit + 1,
      after,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      executions: page.map((r) => ({ ...executionHead(r), ...executionTarget(r) })),
      ...(rows.length > limit && last
        ? { nextToken: encodeToken({ start: last.start_date, rowid: last.rowid }) }
        : {}),
    };
  }

  #history(i: Input) {
    const r = this.#executionRow(i);
    const limit = maxResults(i);
    const reverse = i.reverseOrder === true;
    const includeData = i.includeExecutionData !== false;
    const after = decodeToken(
      str(i, 'nextToken'),
      (v): v is { id: number } =>
        typeof v === 'object' && v !== null && Number.isInteger((v as { id: unknown }).id),
    );
    const all = this.store.history(r.arn);
    const ordered = reverse ? all.reverse() : all;
    const startAt = after ? ordered.findIndex((e) => (reverse ? e.id < after.id : e.id > after.id)) : 0;
    const rest = startAt < 0 ? [] : ordered.slice(startAt);
    const page = rest.slice(0, limit);
    const events = page.map((e) => {
      const ev: Record<string, unknown> = { timestamp: e.ts, type: e.type, id: e.id };
      if (e.prev !== null) ev.previousEventId = e.prev;
      if (e.details) {
        const d = e.details;
        if (!includeData) {
          for (const k of ['input', 'inputDetails', 'output', 'outputDetails', 'parameters']) delete d[k];
        }
        ev[detailsKey(e.type)] = d;
      }
      return ev;
    });
    const last = page[page.length - 1];
    return { events, ...(rest.length > limit && last ? { nextToken: encodeToken({ id: last.id }) } : {}) };
  }

  async #stopExecution(i: Input) {
    const r = this.#executionRow(i);
    const { error, cause } = errorAndCause(i);
    const ex = this.#load(r.arn);
    if (!ex) return { stopDate: r.stop_date ?? this.#now() };
    ex.abort(error, cause);
    await this.#flushed(ex);
    return { stopDate: (ex.stopDate ?? this.clock.now()) / 1000 };
  }

  /** Resolves an open task token to its running execution, or throws AWS's error for it. */
  #task(i: Input): { ex: ExecRuntime; token: string } {
    const token = str(i, 'taskToken', true);
    if (token.length < 1 || token.length > 2048)
      fail('ValidationException', 'taskToken must be 1 to 2048 characters');
    if (!isWellFormedToken(token)) fail('InvalidToken', 'Invalid Token: the task token is not valid');
    const row = this.store.getToken(token);
    if (!row) fail('TaskDoesNotExist', 'Task Does Not Exist: no open task has this token');
    const ex = row.open ? this.#load(row.execution_arn) : undefined;
    if (!ex?.taskOf(token)) fail('TaskTimedOut', 'Task Timed Out: the task of this token is closed');
    return { ex, token };
  }

  async #sendTaskSuccess(i: Input) {
    const output = str(i, 'output', true);
    if (Buffer.byteLength(output) > MAX_PAYLOAD)
      fail('ValidationException', 'The output exceeds the 256 KB limit');
    let value: Json;
    try {
      value = JSON.parse(output) as Json;
    } catch (e) {
      fail('InvalidOutput', `Invalid Output: '${(e as Error).message}'`);
    }
    const { ex, token } = this.#task(i);
    ex.completeTask(token, value);
    await this.#flushed(ex);
    return {};
  }

  async #sendTaskFailure(i: Input) {
    const { error, cause } = errorAndCause(i);
    const { ex, token } = this.#task(i);
    ex.failTask(token, error, cause);
    await this.#flushed(ex);
    return {};
  }

  async #sendTaskHeartbeat(i: Input) {
    const { ex, token } = this.#task(i);
    ex.heartbeat(token);
    await this.#flushed(ex);
    return {};
  }

  #validate(i: Input) {
    const definition = str(i, 'definition', true);
    const v = validateDefinition(definition);
    if (v.ok) return { result: 'OK', diagnostics: [] };
    return {
      result: 'FAIL',
      diagnostics: [{ severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: v.message }],
    };
  }
}

/** `TaskScheduled` -> `taskScheduledEventDetails`; state entered/exited events share two members. */
function detailsKey(type: string): string {
  if (type.endsWith('StateEntered')) return 'stateEnteredEventDetails';
  if (type.endsWith('StateExited')) return 'stateExitedEventDetails';
  return `${lowerFirst(type)}EventDetails`;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
