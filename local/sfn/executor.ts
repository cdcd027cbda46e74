import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { nextForChoice } from './asl/choice';
import { StatesError } from './asl/errors';
import { applyInputPath, catcherOutput, effectiveInput, effectiveOutput } from './asl/io';
import { mapItems, mapIterationInput, mapMaxConcurrency, mapProcessor } from './asl/map';
import { findCatcher, findRetrier, retryDelayMs } from './asl/retry';
import { failInfo, taskTimeouts } from './asl/task';
import type {
  ContextObject,
  FailState,
  Json,
  MapState,
  ParallelState,
  State,
  StateMachineDefinition,
  TaskState,
  WaitState,
} from './asl/types';
import { waitDueAt } from './asl/wait';
import { envelopeValue, LambdaEnvelope, RawJson, UNTRUNCATED } from './history-codec';
import type { ExecutionRow, ExecutionWrite, HistoryEvent } from './store';
import type { ExecutionStatus } from './types';

/** What a frame is doing. `enter`, `run` and `done` are ready to step; the others wait. */
type Step =
  | { k: 'enter' }
  | { k: 'run' }
  | { k: 'done'; ok: true; value: Json }
  | { k: 'done'; ok: false; error?: string; cause?: string }
  | { k: 'wait'; due: number }
  | { k: 'retry'; due: number }
  | TaskStep
  | ChildrenStep;

/** A running Task: `seq` tells a late invoke result of an earlier attempt from the current one. */
interface TaskStep {
  k: 'task';
  seq: number;
  kind: 'invoke' | 'callback' | 'plain';
  /** Written by earlier versions; not used. */
  resource?: string;
  fn: string;
  payload: Json;
  token?: string;
  timeoutDue?: number;
  hbSec?: number;
  hbDue?: number;
  /** Callback tasks: the function has returned, only the token is awaited now. */
  submitted?: boolean;
}

/** A Parallel or Map state waiting on its branches/iterations (child frames). */
interface ChildrenStep {
  k: 'children';
  kind: 'parallel' | 'map';
  children: number[];
  results: Json[];
  total: number;
  done: number;
  next: number;
  max: number;
  items?: Json[];
  effInput?: Json;
}

/** One thread of control: the root, a Parallel branch or a Map iteration. */
interface Frame {
  id: number;
  parent: number | null;
  slot: number;
  /** Path from the root definition: pairs of (state name, branch index | 'm' for a Map processor). */
  def: (string | number)[];
  state: string;
  input: Json;
  /** JSON text of `input` when the previous state already made it (not persisted). */
  inputText?: string;
  entered: number;
  retryCount: number;
  attempts: number[];
  lastEvent: number;
  step: Step;
}

/** The persisted running state of an execution (executions.runtime). */
interface RuntimeData {
  v: 1;
  nextEventId: number;
  nextFrame: number;
  seq: number;
  frames: Record<string, Frame>;
  timeoutDue?: number;
}

/** An invoke the engine performs after the batch that scheduled it is durable. */
export interface InvokeEffect {
  exec: ExecRuntime;
  frame: number;
  seq: number;
  fn: string;
  payload: Json;
}

/** Result of a Lambda invoke as the executor consumes it. */
export type InvokeOutcome =
  | {
      ok: true;
      statusCode: number;
      payload: unknown;
      functionError?: 'Unhandled' | 'Handled';
      executedVersion: string;
    }
  | { ok: false; name: string; message: string };

/** Fixed facts of an execution. */
export interface ExecIdentity {
  arn: string;
  machineArn: string;
  machineName: string;
  name: string;
  input: string;
  startDate: number;
  roleArn: string;
  revisionId: string;
  versionArn: string | null;
  aliasArn: string | null;
  region: string;
}

const TOKEN_SECRET = 'minsheng-local-sfn-token-v1';

/** A fresh task token: random bytes plus a keyed check, so garbage is told apart from unknown tokens. */
export function newTaskToken(): string {
  const r = randomBytes(33).toString('base64url');
  return `AQ${r}${tokenCheck(r)}`;
}

/** True when `token` has the shape and check of a token this engine hands out. */
export function isWellFormedToken(token: string): boolean {
  if (!token.startsWith('AQ') || token.length !== 2 + 44 + 16) return false;
  const r = token.slice(2, 46);
  return tokenCheck(r) === token.slice(46);
}

function tokenCheck(r: string): string {
  return createHash('sha256').update(TOKEN_SECRET).update(r).digest('base64url').slice(0, 16);
}

let isoMs = Number.NaN;
let isoText = '';
/** ISO time of `ms`; memoised because many states enter within the same millisecond. */
function iso(ms: number): string {
  if (ms !== isoMs) {
    isoMs = ms;
    isoText = new Date(ms).toISOString();
  }
  return isoText;
}

function errorParts(e: unknown): { error: string; cause: string } {
  if (e instanceof StatesError) return { error: e.error, cause: e.causeText };
  const msg = e instanceof Error ? e.message : String(e);
  return { error: 'States.Runtime', cause: msg };
}

const MAX_DELAY_MS = 8.64e15;
/** AWS's hard quota of history events per Standard execution. */
const MAX_EVENTS = 25_000;
/** AWS's maximum duration of a Standard execution: one year; past it the execution times out. */
const MAX_EXECUTION_MS = 365 * 86_400_000;
/** AWS's payload quota for state input/output. */
const MAX_PAYLOAD = 256 * 1024;

/**
 * One execution in memory: its frames, the history events and token changes not yet written, and
 * the invokes to start once they are. All mutation happens synchronously; the engine writes the
 * batch (`takeWrite`) before it performs `effects` or answers callers, so nothing observable
 * happens before the transitions leading to it are durable.
 */
export class ExecRuntime {
  status: ExecutionStatus = 'RUNNING';
  output: string | null = null;
  error: string | null = null;
  cause: string | null = null;
  stopDate: number | null = null;
  readonly inputJson: Json;
  data: RuntimeData;
  /** Not yet written. */
  events: HistoryEvent[] = [];
  openTokens: { token: string; frame: number }[] = [];
  closedTokens: string[] = [];
  effects: InvokeEffect[] = [];
  /** Status changes not yet written (the engine turns them into notifications). */
  statusChanges: ExecutionStatus[] = [];
  inserted: boolean;
  /** SQLite rowid of the execution row (null until first written). */
  rowid: number | null = null;
  dirty = false;
  readonly ready = new Set<number>();
  readonly #defCache = new Map<string, StateMachineDefinition>();
  /** The executions-row fields as last written (the row is updated only when they change). */
  #lastRow = '';

  constructor(
    readonly id: ExecIdentity,
    readonly definition: StateMachineDefinition,
    readonly now: () => number,
    row?: ExecutionRow,
  ) {
    this.inputJson = JSON.parse(id.input) as Json;
    if (row) {
      this.inserted = true;
      this.rowid = row.rowid ?? null;
      this.status = row.status as ExecutionStatus;
      this.output = row.output;
      this.error = row.error;
      this.cause = row.cause;
      this.stopDate = row.stop_date === null ? null : row.stop_date * 1000;
      this.#lastRow = rowKey(row);
      this.data = row.runtime
        ? (JSON.parse(row.runtime) as RuntimeData)
        : { v: 1, nextEventId: 1, nextFrame: 1, seq: 0, frames: {} };
      for (const f of Object.values(this.data.frames)) if (isReady(f.step)) this.ready.add(f.id);
    } else {
      this.inserted = false;
      this.data = { v: 1, nextEventId: 1, nextFrame: 1, seq: 0, frames: {} };
      // A Standard execution runs at most one year (AWS quota), whatever its TimeoutSeconds says.
      const t = definition.TimeoutSeconds;
      const limit = typeof t === 'number' && t > 0 ? Math.min(t * 1000, MAX_EXECUTION_MS) : MAX_EXECUTION_MS;
      this.data.timeoutDue = id.startDate + limit;
      this.dirty = true;
      this.statusChanges.push('RUNNING');
      const ev = this.#emit(null, 'ExecutionStarted', {
        input: id.input,
        inputDetails: UNTRUNCATED,
        roleArn: id.roleArn,
        ...(id.versionArn ? { stateMachineVersionArn: id.versionArn } : {}),
        ...(id.aliasArn ? { stateMachineAliasArn: id.aliasArn } : {}),
      });
      const root = this.#newFrame(null, 0, [], definition.StartAt, this.inputJson, ev);
      this.ready.add(root.id);
    }
  }

  /** Invokes a crash interrupted (the function may run twice, as with Lambda retries). */
  recoverEffects(): void {
    for (const f of Object.values(this.data.frames)) {
      const s = f.step;
      if (s.k === 'task' && !s.submitted) this.effects.push(this.#effect(f, s));
    }
  }

  get running(): boolean {
    return this.status === 'RUNNING';
  }

  /** Runs ready frames until none is ready or `budget` steps were taken; returns steps taken. */
  runSlice(budget: number): number {
    let n = 0;
    while (this.running && this.ready.size && n < budget) {
      for (const id of [...this.ready]) {
        if (!this.running || n >= budget) break;
        const f = this.data.frames[id];
        this.ready.delete(id);
        if (!f) continue;
        if (this.data.nextEventId > MAX_EVENTS) {
          this.#close('FAILED', 'ExecutionFailed', {
            error: 'States.Runtime',
            cause: `The execution reached the maximum number of history events (${MAX_EVENTS}).`,
          });
          return n;
        }
        this.dirty = true;
        this.#step(f);
        n++;
        if (f.step && isReady(f.step) && this.data.frames[f.id] === f) this.ready.add(f.id);
      }
    }
    return n;
  }

  /** Fires every due timer (waits, retries, task and heartbeat timeouts, the execution timeout). */
  fireDue(now: number): void {
    if (!this.running) return;
    if (this.data.timeoutDue !== undefined && this.data.timeoutDue <= now) {
      this.#close('TIMED_OUT', 'ExecutionTimedOut', {
        error: 'States.Timeout',
        cause: 'The execution timed out.',
      });
      return;
    }
    for (const f of Object.values(this.data.frames)) {
      const s = f.step;
      if (s.k === 'wait' && s.due <= now) {
        this.dirty = true;
        try {
          const st = this.#state(f) as WaitState;
          f.step = { k: 'done', ok: true, value: effectiveInput(st, f.input, this.#ctx(f)) };
        } catch (e) {
          f.step = { k: 'done', ok: false, ...errorParts(e) };
        }
        this.ready.add(f.id);
      } else if (s.k === 'retry' && s.due <= now) {
        this.dirty = true;
        f.step = { k: 'run' };
        this.ready.add(f.id);
      } else if (s.k === 'task') {
        if (s.timeoutDue !== undefined && s.timeoutDue <= now) {
          this.#taskTimedOut(f, s, 'States.Timeout', 'The task timed out.');
        } else if (s.hbDue !== undefined && s.hbDue <= now) {
          this.#taskTimedOut(f, s, 'States.HeartbeatTimeout', 'The task did not send a heartbeat in time.');
        }
      }
    }
  }

  /** Applies the outcome of an invoke started for (frame, seq); stale outcomes are ignored. */
  onInvoke(frameId: number, seq: number, out: InvokeOutcome): void {
    const f = this.data.frames[frameId];
    if (!this.running || !f || f.step.k !== 'task' || f.step.seq !== seq) return;
    const s = f.step;
    this.dirty = true;
    if (!out.ok) {
      const error = out.name.endsWith('Exception') ? `Lambda.${out.name}` : 'Lambda.Unknown';
      this.#taskFailed(f, s, error, out.message);
      return;
    }
    if (out.functionError) {
      const p = out.payload as { errorType?: unknown } | null;
      const error = p && typeof p.errorType === 'string' && p.errorType ? p.errorType : 'Lambda.Unknown';
      this.#taskFailed(f, s, error, JSON.stringify(out.payload ?? null));
      return;
    }
    const payload = (out.payload === undefined ? null : out.payload) as Json;
    if (s.kind === 'plain') {
      this.#emit(f, 'LambdaFunctionSucceeded', {
        output: new RawJson(JSON.stringify(payload)),
        outputDetails: UNTRUNCATED,
      });
      f.step = { k: 'done', ok: true, value: payload };
      this.ready.add(f.id);
      return;
    }
    const env = new LambdaEnvelope(
      out.executedVersion,
      out.statusCode,
      randomUUID(),
      JSON.stringify(payload),
    );
    const details = {
      resourceType: 'lambda',
      resource: resourceName(s),
      output: env,
    };
    if (s.kind === 'callback') {
      this.#emit(f, 'TaskSubmitted', { ...details, outputDetails: UNTRUNCATED });
      s.submitted = true;
      return;
    }
    this.#emit(f, 'TaskSucceeded', { ...details, outputDetails: UNTRUNCATED });
    f.step = {
      k: 'done',
      ok: true,
      value: envelopeValue(env.executedVersion, env.statusCode, env.requestId, payload) as Json,
    };
    this.ready.add(f.id);
  }

  /** The frame holding the open callback `token`, if any. */
  taskOf(token: string): { frame: Frame; step: TaskStep } | undefined {
    for (const f of Object.values(this.data.frames)) {
      if (f.step.k === 'task' && f.step.token === token) return { frame: f, step: f.step };
    }
    return undefined;
  }

  /** SendTaskSuccess. */
  completeTask(token: string, output: Json): boolean {
    const t = this.taskOf(token);
    if (!t || !this.running) return false;
    this.dirty = true;
    this.#emit(t.frame, 'TaskSucceeded', {
      resourceType: 'lambda',
      resource: resourceName(t.step),
      output: new RawJson(JSON.stringify(output)),
      outputDetails: UNTRUNCATED,
    });
    this.closedTokens.push(token);
    t.frame.step = { k: 'done', ok: true, value: output };
    this.ready.add(t.frame.id);
    return true;
  }

  /** SendTaskFailure. */
  failTask(token: string, error: string | undefined, cause: string | undefined): boolean {
    const t = this.taskOf(token);
    if (!t || !this.running) return false;
    this.dirty = true;
    this.#taskFailed(t.frame, t.step, error, cause);
    return true;
  }

  /** SendTaskHeartbeat: pushes the heartbeat deadline out. */
  heartbeat(token: string): boolean {
    const t = this.taskOf(token);
    if (!t || !this.running) return false;
    if (t.step.hbSec !== undefined) {
      t.step.hbDue = this.now() + t.step.hbSec * 1000;
      this.dirty = true;
    }
    return true;
  }

  /** StopExecution. */
  abort(error: string | undefined, cause: string | undefined): void {
    if (!this.running) return;
    this.#close('ABORTED', 'ExecutionAborted', { error, cause });
  }

  /** Earliest due time of anything this execution waits on. */
  nextDue(): number | null {
    if (!this.running) return null;
    let due = this.data.timeoutDue ?? Number.POSITIVE_INFINITY;
    for (const f of Object.values(this.data.frames)) {
      const s = f.step;
      if (s.k === 'wait' || s.k === 'retry') due = Math.min(due, s.due);
      else if (s.k === 'task') due = Math.min(due, s.timeoutDue ?? due, s.hbDue ?? due);
    }
    return Number.isFinite(due) ? due : null;
  }

  /** True when the execution has work that is not waiting on time or a token (ready frames, invokes). */
  runnable(): boolean {
    if (!this.running) return false;
    if (this.ready.size) return true;
    return Object.values(this.data.frames).some((f) => f.step.k === 'task' && !f.step.submitted);
  }

  /** The pending write of this execution; clears the pending events and token changes. */
  takeWrite(): ExecutionWrite {
    const due = this.nextDue();
    const row: ExecutionRow = {
      arn: this.id.arn,
      machine_arn: this.id.machineArn,
      name: this.id.name,
      status: this.status,
      input: this.id.input,
      output: this.output,
      error: this.error,
      cause: this.cause,
      start_date: this.id.startDate / 1000,
      stop_date: this.stopDate === null ? null : this.stopDate / 1000,
      version_arn: this.id.versionArn,
      alias_arn: this.id.aliasArn,
      revision_id: this.id.revisionId,
      role_arn: this.id.roleArn,
      runtime: null,
      next_due: due,
      runnable: this.runnable() ? 1 : 0,
    };
    const key = rowKey(row);
    const w: ExecutionWrite = {
      owner: this,
      row,
      insert: !this.inserted,
      rowChanged: key !== this.#lastRow,
      runtime: this.running ? JSON.stringify(this.data) : null,
      events: this.events,
      openTokens: this.openTokens,
      closedTokens: this.closedTokens,
    };
    this.#lastRow = key;
    this.inserted = true;
    this.dirty = false;
    this.events = [];
    this.openTokens = [];
    this.closedTokens = [];
    return w;
  }

  // ---- stepping -------------------------------------------------------------------------------

  #step(f: Frame): void {
    const s = f.step;
    if (s.k === 'enter') this.#enter(f);
    else if (s.k === 'run') this.#run(f);
    else if (s.k === 'done') {
      if (s.ok) {
        let out: Json;
        try {
          out = effectiveOutput(this.#state(f), f.input, s.value, this.#ctx(f));
        } catch (e) {
          const p = errorParts(e);
          this.#failure(f, p.error, p.cause);
          return;
        }
        this.#exit(f, out);
      } else {
        this.#failure(f, s.error, s.cause);
      }
    }
  }

  #enter(f: Frame): void {
    const def = this.#def(f.def);
    const st = def.States[f.state];
    f.entered = this.now();
    f.retryCount = 0;
    f.attempts = [];
    if (!st) {
      this.#frameFailed(f, 'States.Runtime', `State ${f.state} does not exist`);
      return;
    }
    this.#emit(f, `${st.Type}StateEntered`, {
      name: f.state,
      input: new RawJson(f.inputText ?? JSON.stringify(f.input)),
      inputDetails: UNTRUNCATED,
    });
    f.inputText = undefined;
    f.step = { k: 'run' };
  }

  #run(f: Frame): void {
    const st = this.#state(f);
    try {
      switch (st.Type) {
        case 'Pass': {
          const result =
            'Result' in st && st.Result !== undefined ? st.Result : effectiveInput(st, f.input, this.#ctx(f));
          this.#exit(f, effectiveOutput(st, f.input, result, this.#ctx(f)));
          return;
        }
        case 'Succeed':
        case 'Choice': {
          const ctx = this.#ctx(f);
          const eff = effectiveInput(st, f.input, ctx);
          const next = st.Type === 'Choice' ? nextForChoice(st, eff, ctx) : undefined;
          this.#exit(f, effectiveOutput(st, f.input, eff, ctx), next);
          return;
        }
        case 'Wait': {
          const ctx = this.#ctx(f);
          const eff = effectiveInput(st, f.input, ctx);
          const due = waitDueAt(st as WaitState, eff, this.now(), ctx);
          if (due <= this.now()) f.step = { k: 'done', ok: true, value: eff };
          else {
            f.step = { k: 'wait', due: Math.min(due, MAX_DELAY_MS) };
          }
          return;
        }
        case 'Fail': {
          const info = failInfo(st as FailState, f.input, this.#ctx(f));
          this.#frameFailed(f, info.error, info.cause);
          return;
        }
        case 'Task':
          this.#startTask(f, st as TaskState);
          return;
        case 'Parallel':
          this.#startParallel(f, st as ParallelState);
          return;
        case 'Map':
          this.#startMap(f, st as MapState);
          return;
        default:
          throw new StatesError('States.Runtime', `Unsupported state type ${(st as State).Type}`);
      }
    } catch (e) {
      const p = errorParts(e);
      this.#failure(f, p.error, p.cause);
    }
  }

  #startTask(f: Frame, st: TaskState): void {
    const res = st.Resource;
    let kind: TaskStep['kind'];
    if (/^arn:[^:]+:states:::lambda:invoke$/.test(res)) kind = 'invoke';
    else if (/^arn:[^:]+:states:::lambda:invoke\.waitForTaskToken$/.test(res)) kind = 'callback';
    else if (/^arn:[^:]+:lambda:[^:]*:[^:]*:function:[^:]+(:[^:]+)?$/.test(res)) kind = 'plain';
    else throw new StatesError('States.Runtime', `Unsupported Task resource in the local engine: ${res}`);
    const token = kind === 'callback' ? newTaskToken() : undefined;
    const ctx = this.#ctx(f, token);
    const eff = effectiveInput(st, f.input, ctx);
    const { timeoutSeconds, heartbeatSeconds } = taskTimeouts(st, applyInputPath(st, f.input, ctx), ctx);
    let fn: string;
    let payload: Json;
    if (kind === 'plain') {
      fn = res;
      payload = eff;
      this.#emit(f, 'LambdaFunctionScheduled', {
        resource: res,
        input: new RawJson(JSON.stringify(eff)),
        inputDetails: UNTRUNCATED,
        ...(timeoutSeconds !== undefined ? { timeoutInSeconds: timeoutSeconds } : {}),
      });
      this.#emit(f, 'LambdaFunctionStarted', undefined);
    } else {
      const p = eff as { FunctionName?: Json; Payload?: Json; Qualifier?: Json } | null;
      if (!p || typeof p !== 'object' || typeof p.FunctionName !== 'string') {
        throw new StatesError(
          'States.Runtime',
          'The lambda:invoke parameters must have a string FunctionName',
        );
      }
      fn = typeof p.Qualifier === 'string' ? `${p.FunctionName}:${p.Qualifier}` : p.FunctionName;
      payload = p.Payload === undefined ? {} : p.Payload;
      const r = kind === 'callback' ? 'invoke.waitForTaskToken' : 'invoke';
      this.#emit(f, 'TaskScheduled', {
        resourceType: 'lambda',
        resource: r,
        region: this.id.region,
        parameters: new RawJson(JSON.stringify(eff)),
        ...(timeoutSeconds !== undefined ? { timeoutInSeconds: timeoutSeconds } : {}),
        ...(heartbeatSeconds !== undefined ? { heartbeatInSeconds: heartbeatSeconds } : {}),
      });
      this.#emit(f, 'TaskStarted', { resourceType: 'lambda', resource: r });
    }
    const now = this.now();
    const step: TaskStep = { k: 'task', seq: ++this.data.seq, kind, fn, payload };
    if (token) {
      step.token = token;
      this.openTokens.push({ token, frame: f.id });
    }
    if (timeoutSeconds !== undefined) step.timeoutDue = Math.min(now + timeoutSeconds * 1000, MAX_DELAY_MS);
    if (heartbeatSeconds !== undefined) {
      step.hbSec = heartbeatSeconds;
      step.hbDue = Math.min(now + heartbeatSeconds * 1000, MAX_DELAY_MS);
    }
    f.step = step;
    this.effects.push(this.#effect(f, step));
  }

  #effect(f: Frame, s: TaskStep): InvokeEffect {
    return { exec: this, frame: f.id, seq: s.seq, fn: s.fn, payload: s.payload };
  }

  #startParallel(f: Frame, st: ParallelState): void {
    const eff = effectiveInput(st, f.input, this.#ctx(f));
    const branches = st.Branches ?? [];
    this.#emit(f, 'ParallelStateStarted', undefined);
    const step: ChildrenStep = {
      k: 'children',
      kind: 'parallel',
      children: [],
      results: new Array(branches.length).fill(null),
      total: branches.length,
      done: 0,
      next: branches.length,
      max: 0,
    };
    f.step = step;
    if (!branches.length) {
      this.#emit(f, 'ParallelStateSucceeded', undefined);
      f.step = { k: 'done', ok: true, value: [] };
      return;
    }
    branches.forEach((b, i) => {
      const child = this.#newFrame(f.id, i, [...f.def, f.state, i], b.StartAt, eff, f.lastEvent);
      step.children.push(child.id);
      this.ready.add(child.id);
    });
  }

  #startMap(f: Frame, st: MapState): void {
    const ctx = this.#ctx(f);
    const eff = effectiveInput(st, f.input, ctx);
    const items = mapItems(st, eff, ctx);
    const max = mapMaxConcurrency(st, eff, ctx);
    mapProcessor(st);
    this.#emit(f, 'MapStateStarted', { length: items.length });
    if (!items.length) {
      this.#emit(f, 'MapStateSucceeded', undefined);
      f.step = { k: 'done', ok: true, value: [] };
      return;
    }
    const step: ChildrenStep = {
      k: 'children',
      kind: 'map',
      children: [],
      results: new Array(items.length).fill(null),
      total: items.length,
      done: 0,
      next: 0,
      max,
      items,
      effInput: eff,
    };
    f.step = step;
    const first = max > 0 ? Math.min(max, items.length) : items.length;
    for (let i = 0; i < first; i++) this.#startIteration(f, st, step);
  }

  #startIteration(f: Frame, st: MapState, step: ChildrenStep): void {
    const index = step.next++;
    const items = step.items ?? [];
    const input = mapIterationInput(st, step.effInput ?? null, items[index], index, this.#ctx(f));
    const ev = this.#emit(f, 'MapIterationStarted', { name: f.state, index });
    const proc = mapProcessor(st);
    const child = this.#newFrame(f.id, index, [...f.def, f.state, 'm'], proc.StartAt, input, ev);
    step.children.push(child.id);
    this.ready.add(child.id);
  }

  /** Leaves the current state with `out`: to `next` (or the state's Next), or ends the frame. */
  #exit(f: Frame, out: Json, next?: string): void {
    const st = this.#state(f);
    const text = JSON.stringify(out) ?? 'null';
    if (text.length > MAX_PAYLOAD && Buffer.byteLength(text) > MAX_PAYLOAD) {
      this.#frameFailed(
        f,
        'States.DataLimitExceeded',
        `The state/task '${f.state}' returned a result with a size exceeding the maximum number of bytes service limit.`,
      );
      return;
    }
    this.#emit(f, `${st.Type}StateExited`, {
      name: f.state,
      output: new RawJson(text),
      outputDetails: UNTRUNCATED,
    });
    const target = next ?? st.Next;
    if (st.Type === 'Succeed' || (st.End && !next) || !target) {
      this.#frameSucceeded(f, out);
      return;
    }
    f.state = target;
    f.input = out;
    f.inputText = text;
    f.step = { k: 'enter' };
  }

  /** A state failed: retry, catch, or fail the frame. */
  #failure(f: Frame, error: string | undefined, cause: string | undefined): void {
    const st = this.#state(f) as TaskState;
    const err = error ?? '';
    if (st.Retry?.length) {
      const idx = findRetrier(st.Retry, err);
      if (idx >= 0) {
        const attempt = f.attempts[idx] ?? 0;
        const delay = retryDelayMs(st.Retry[idx], attempt);
        if (delay !== undefined) {
          f.attempts[idx] = attempt + 1;
          f.retryCount++;
          f.step = { k: 'retry', due: this.now() + delay };
          return;
        }
      }
    }
    const catcher = st.Catch?.length ? findCatcher(st.Catch, err) : undefined;
    if (catcher) {
      let out: Json;
      try {
        out = catcherOutput(catcher, f.input, { Error: err, Cause: cause ?? '' });
      } catch (e) {
        const p = errorParts(e);
        this.#frameFailed(f, p.error, p.cause);
        return;
      }
      this.#exit(f, out, catcher.Next);
      return;
    }
    this.#frameFailed(f, error, cause);
  }

  #frameSucceeded(f: Frame, out: Json): void {
    if (f.parent === null) {
      this.#close('SUCCEEDED', 'ExecutionSucceeded', { output: out });
      return;
    }
    const parent = this.#detach(f, f.parent);
    if (!parent) return;
    const { p, s } = parent;
    s.results[f.slot] = out;
    s.done++;
    const st = this.#state(p);
    if (s.kind === 'map') {
      this.#emit(p, 'MapIterationSucceeded', { name: p.state, index: f.slot });
      if (s.next < s.total) {
        try {
          this.#startIteration(p, st as MapState, s);
        } catch (e) {
          const e2 = errorParts(e);
          this.#childrenFailed(p, s, e2.error, e2.cause);
        }
        return;
      }
    }
    if (s.done === s.total) {
      this.#emit(p, s.kind === 'map' ? 'MapStateSucceeded' : 'ParallelStateSucceeded', undefined);
      p.step = { k: 'done', ok: true, value: s.results };
      this.ready.add(p.id);
    }
  }

  #frameFailed(f: Frame, error: string | undefined, cause: string | undefined): void {
    if (f.parent === null) {
      this.#close('FAILED', 'ExecutionFailed', { error, cause });
      return;
    }
    const parent = this.#detach(f, f.parent);
    if (!parent) return;
    const { p, s } = parent;
    if (s.kind === 'map') this.#emit(p, 'MapIterationFailed', { name: p.state, index: f.slot });
    this.#childrenFailed(p, s, error, cause);
  }

  /** Drops a finished child frame and takes it off its parent's list; returns the parent and its
   * children step, or undefined when the parent is no longer waiting for children. */
  #detach(f: Frame, parentId: number): { p: Frame; s: ChildrenStep } | undefined {
    const p = this.data.frames[parentId];
    delete this.data.frames[f.id];
    this.ready.delete(f.id);
    if (p?.step.k !== 'children') return undefined;
    const s = p.step;
    p.lastEvent = Math.max(p.lastEvent, f.lastEvent);
    s.children = s.children.filter((c) => c !== f.id);
    return { p, s };
  }

  #childrenFailed(p: Frame, s: ChildrenStep, error: string | undefined, cause: string | undefined): void {
    for (const c of s.children) {
      const cf = this.data.frames[c];
      if (!cf) continue;
      this.#abortFrame(cf);
      if (s.kind === 'map') this.#emit(p, 'MapIterationAborted', { name: p.state, index: cf.slot });
    }
    s.children = [];
    this.#emit(p, s.kind === 'map' ? 'MapStateFailed' : 'ParallelStateFailed', undefined);
    p.step = { k: 'done', ok: false, error, cause };
    this.ready.add(p.id);
  }

  /** Removes a frame and everything under it, closing tokens; emits <Type>StateAborted for waits. */
  #abortFrame(f: Frame): void {
    const s = f.step;
    if (s.k === 'children') {
      for (const c of s.children) {
        const cf = this.data.frames[c];
        if (cf) this.#abortFrame(cf);
      }
    }
    if (s.k === 'task' && s.token) this.closedTokens.push(s.token);
    if (s.k === 'task' || s.k === 'wait' || s.k === 'children' || s.k === 'retry') {
      const st = this.#def(f.def).States[f.state];
      if (st && st.Type !== 'Pass') this.#emit(f, `${st.Type}StateAborted`, undefined);
    }
    delete this.data.frames[f.id];
    this.ready.delete(f.id);
  }

  #taskFailed(f: Frame, s: TaskStep, error: string | undefined, cause: string | undefined): void {
    if (s.kind === 'plain') this.#emit(f, 'LambdaFunctionFailed', { error, cause });
    else this.#emit(f, 'TaskFailed', { resourceType: 'lambda', resource: resourceName(s), error, cause });
    if (s.token) this.closedTokens.push(s.token);
    f.step = { k: 'done', ok: false, error, cause };
    this.ready.add(f.id);
  }

  #taskTimedOut(f: Frame, s: TaskStep, error: string, cause: string): void {
    this.dirty = true;
    if (s.kind === 'plain') this.#emit(f, 'LambdaFunctionTimedOut', { error, cause });
    else this.#emit(f, 'TaskTimedOut', { resourceType: 'lambda', resource: resourceName(s), error, cause });
    if (s.token) this.closedTokens.push(s.token);
    f.step = { k: 'done', ok: false, error, cause };
    this.ready.add(f.id);
  }

  #close(
    status: ExecutionStatus,
    eventType: string,
    r: { output?: Json; error?: string; cause?: string },
  ): void {
    this.dirty = true;
    const root = Object.values(this.data.frames).find((f) => f.parent === null);
    if (status !== 'SUCCEEDED' && status !== 'FAILED' && root) this.#abortFrame(root);
    for (const f of Object.values(this.data.frames)) this.#abortFrame(f);
    this.status = status;
    this.statusChanges.push(status);
    this.stopDate = this.now();
    if (r.output !== undefined) this.output = JSON.stringify(r.output);
    this.error = r.error ?? null;
    this.cause = r.cause ?? null;
    const details: Record<string, unknown> =
      r.output !== undefined
        ? { output: new RawJson(this.output as string), outputDetails: UNTRUNCATED }
        : {
            ...(r.error !== undefined ? { error: r.error } : {}),
            ...(r.cause !== undefined ? { cause: r.cause } : {}),
          };
    this.#emit(root ?? null, eventType, details);
    this.data.frames = {};
    this.ready.clear();
  }

  // ---- helpers --------------------------------------------------------------------------------

  #newFrame(
    parent: number | null,
    slot: number,
    def: (string | number)[],
    state: string,
    input: Json,
    lastEvent: number,
  ): Frame {
    const f: Frame = {
      id: this.data.nextFrame++,
      parent,
      slot,
      def,
      state,
      input,
      entered: this.now(),
      retryCount: 0,
      attempts: [],
      lastEvent,
      step: { k: 'enter' },
    };
    this.data.frames[f.id] = f;
    return f;
  }

  #emit(f: Frame | null, type: string, details: Record<string, unknown> | undefined): number {
    const id = this.data.nextEventId++;
    const prev = f ? f.lastEvent : id - 1;
    const ev: HistoryEvent = { id, prev: prev > 0 ? prev : null, type, ts: this.now() / 1000 };
    if (details !== undefined) ev.details = details;
    this.events.push(ev);
    if (f) f.lastEvent = id;
    return id;
  }

  #def(path: (string | number)[]): StateMachineDefinition {
    if (!path.length) return this.definition;
    const key = JSON.stringify(path);
    let d = this.#defCache.get(key);
    if (d) return d;
    d = this.definition;
    for (let i = 0; i < path.length; i += 2) {
      const st: State = d.States[path[i] as string];
      const sel = path[i + 1];
      d = sel === 'm' ? mapProcessor(st as MapState) : (st as ParallelState).Branches[sel as number];
    }
    this.#defCache.set(key, d);
    return d;
  }

  #state(f: Frame): State {
    return this.#def(f.def).States[f.state];
  }

  #ctx(f: Frame, token?: string): ContextObject {
    const t = token ?? (f.step.k === 'task' ? f.step.token : undefined);
    // One context object per state entry (and retry and token): states read it several times.
    const hit = this.#ctxCache.get(f);
    if (hit && hit.e === f.entered && hit.r === f.retryCount && hit.s === f.state && hit.t === t)
      return hit.ctx;
    this.#execCtx ??= {
      Id: this.id.arn,
      Input: this.inputJson,
      Name: this.id.name,
      RoleArn: this.id.roleArn,
      StartTime: new Date(this.id.startDate).toISOString(),
      RedriveCount: 0,
    };
    this.#machineCtx ??= { Id: this.id.versionArn ?? this.id.machineArn, Name: this.id.machineName };
    const ctx: ContextObject = {
      Execution: this.#execCtx,
      State: { EnteredTime: iso(f.entered), Name: f.state, RetryCount: f.retryCount },
      StateMachine: this.#machineCtx,
    };
    if (t) ctx.Task = { Token: t };
    this.#ctxCache.set(f, { e: f.entered, r: f.retryCount, s: f.state, t, ctx });
    return ctx;
  }
  readonly #ctxCache = new WeakMap<
    Frame,
    { e: number; r: number; s: string; t: string | undefined; ctx: ContextObject }
  >();
  #machineCtx?: ContextObject['StateMachine'];
  #execCtx?: ContextObject['Execution'];
}

/** The mutable fields of an execution row, to tell whether it needs rewriting. */
function rowKey(r: ExecutionRow): string {
  return `${r.status}|${r.next_due}|${r.runnable}|${r.stop_date}|${r.error}|${r.cause}|${r.output === null ? 0 : r.output.length}`;
}

function isReady(s: Step): boolean {
  return s.k === 'enter' || s.k === 'run' || s.k === 'done';
}

function resourceName(s: TaskStep): string {
  return s.kind === 'callback' ? 'invoke.waitForTaskToken' : 'invoke';
}
