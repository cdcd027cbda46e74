/**
 * Step Functions engine benchmark (`npx tsx bench/sfn.ts`, or through `npm run bench`).
 * - executions/s and p50/p99 StartExecution -> SUCCEEDED for the 20-state Pass/Choice/Task chain
 *   (test/fixtures/sfn/chain20.asl.json): through @aws-sdk/client-sfn over HTTP, directly in-process,
 *   and in-process on an in-memory database (what persistence costs);
 * - the durable engine against `aws-local-stepfunctions` (in memory, no API, no persistence) on the
 *   same chain, in alternating rounds so both see the same machine load, and their ratio (goal ≥ 1);
 * - p50/p99 SendTaskSuccess -> next callback task opened (lambda:invoke.waitForTaskToken chain).
 * Completion is observed in-process (`engine.waitForExecution`), so no polling skews latencies.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CreateStateMachineCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { SfnEngine } from '../local/sfn/engine';
import { createInProcessInvoker, type InProcessFunction } from '../local/sfn/invoker';
import { startSfnServer } from '../local/sfn/server';
import { BENCH_DIR, isMain, machine, type Row, writeResult } from './lib';

const CHAIN = readFileSync(path.join(BENCH_DIR, '../test/fixtures/sfn/chain20.asl.json'), 'utf8');
const ROLE = 'arn:aws:iam::000000000000:role/bench';
const N = Number(process.env.SFN_BENCH_N ?? 3000);
const CONCURRENCY = 64;
const CALLBACK_STEPS = 10;
const CALLBACK_EXECUTIONS = 60;
/** Each throughput scenario stops starting executions after this long, so the suite stays < 60 s. */
const SCENARIO_BUDGET_MS = 6_000;
/** Alternating rounds of the durable engine against aws-local-stepfunctions. */
const ROUNDS = 5;
const ROUND_BUDGET_MS = 3_000;

const echo: InProcessFunction = (p) => p;

function pct(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface RunStats {
  perSecond: number;
  p50: number;
  p99: number;
  n: number;
}

/** Runs up to `n` executions (stopping early after `budgetMs`), `concurrency` at a time; `one`
 * resolves when its execution succeeded. */
async function drive(
  n: number,
  concurrency: number,
  one: (i: number) => Promise<void>,
  budgetMs = SCENARIO_BUDGET_MS,
): Promise<RunStats> {
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < n && performance.now() - t0 < budgetMs) {
      const i = next++;
      const s = performance.now();
      await one(i);
      lat.push(performance.now() - s);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const secs = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  return { perSecond: lat.length / secs, p50: pct(lat, 50), p99: pct(lat, 99), n: lat.length };
}

/** A warm-up, then the loaded run (`CONCURRENCY` in flight), then one at a time. */
async function loadedAndSingle(
  one: (i: number) => Promise<void>,
): Promise<{ loaded: RunStats; single: RunStats }> {
  await drive(200, CONCURRENCY, one, 3_000);
  const loaded = await drive(N, CONCURRENCY, one);
  return { loaded, single: await drive(300, 1, one, 2_000) };
}

/** An SDK client for the local engine's HTTP API (which accepts any credentials). */
function sfnClient(endpoint: string): SFNClient {
  return new SFNClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
}

/** The engine in-process on `dataDir` (null: in-memory SQLite): `one(i)` runs execution i to SUCCEEDED. */
async function inProcessEngine(
  dataDir: string | null,
): Promise<{ one: (i: number) => Promise<void>; close: () => Promise<void> }> {
  const engine = new SfnEngine({ dataDir, invokeLambda: createInProcessInvoker({ echo }) });
  const { stateMachineArn } = (await engine.call('CreateStateMachine', {
    name: 'chain20',
    definition: CHAIN,
    roleArn: ROLE,
  })) as { stateMachineArn: string };
  let seq = 0;
  const one = async () => {
    const { executionArn } = (await engine.call('StartExecution', {
      stateMachineArn,
      input: JSON.stringify({ n: 0, id: `e${seq++}` }),
    })) as { executionArn: string };
    const status = await engine.waitForExecution(executionArn);
    if (status !== 'SUCCEEDED') throw new Error(`execution ${executionArn} ended ${status}`);
  };
  return { one, close: () => engine.close() };
}

async function engineInProcess(dataDir: string | null): Promise<{ loaded: RunStats; single: RunStats }> {
  const e = await inProcessEngine(dataDir);
  try {
    return await loadedAndSingle(e.one);
  } finally {
    await e.close();
  }
}

async function engineOverHttp(dataDir: string): Promise<{ loaded: RunStats; single: RunStats }> {
  const server = await startSfnServer({ port: 0, dataDir, invokeLambda: createInProcessInvoker({ echo }) });
  const client = sfnClient(server.url);
  try {
    const { stateMachineArn } = await client.send(
      new CreateStateMachineCommand({ name: 'chain20', definition: CHAIN, roleArn: ROLE }),
    );
    const one = async (i: number) => {
      const { executionArn } = await client.send(
        new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ n: 0, id: `h${i}` }) }),
      );
      const status = await server.engine.waitForExecution(executionArn as string);
      if (status !== 'SUCCEEDED') throw new Error(`execution ${executionArn} ended ${status}`);
    };
    return await loadedAndSingle(one);
  } finally {
    client.destroy();
    await server.close();
  }
}

/** aws-local-stepfunctions on the same chain (in memory): `one(i)` runs execution i; undefined when
 * the package cannot be loaded (the reason is returned instead). */
async function awsLocalStepfunctions(): Promise<((i: number) => Promise<void>) | string> {
  let mod: {
    StateMachine: new (
      d: unknown,
      o?: unknown,
    ) => { run(i: unknown, o?: unknown): { result: Promise<unknown> } };
  };
  // aws-local-stepfunctions 3 targets Node 22 (Promise.withResolvers); this machine runs Node 20.
  const P = Promise as unknown as { withResolvers?: () => unknown };
  if (!P.withResolvers) {
    P.withResolvers = () => {
      let resolve: unknown;
      let reject: unknown;
      const promise = new Promise((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    };
  }
  try {
    mod = (await import('aws-local-stepfunctions')) as typeof mod;
  } catch (e) {
    return `not installed (${(e as Error).message.slice(0, 60)})`;
  }
  const def = JSON.parse(CHAIN) as { States: Record<string, { Type: string }> };
  const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
  // Same work as our in-process Task: echo, wrapped in the lambda:invoke envelope the chain reads.
  for (const [name, st] of Object.entries(def.States)) {
    // The handler receives the effective input (after Parameters): {FunctionName, Payload}.
    if (st.Type === 'Task') {
      handlers[name] = async (input) => ({
        Payload: (input as { Payload: unknown }).Payload,
        StatusCode: 200,
      });
    }
  }
  const sm = new mod.StateMachine(def, { validationOptions: { checkArn: false } });
  return async (i: number) => {
    await sm.run({ n: 0, id: `l${i}` }, { overrides: { taskResourceLocalHandlers: handlers } }).result;
  };
}

/**
 * The durable engine (SQLite WAL on disk, in-process) against aws-local-stepfunctions (in memory) in
 * alternating rounds, so both see the same machine load; each side's median round is reported, with
 * the median of the per-round ratios.
 */
async function durableVersusPeer(
  dataDir: string,
): Promise<{ ours: RunStats; peer: RunStats; ratio: number; ratios: number[] } | string> {
  const peer = await awsLocalStepfunctions();
  if (typeof peer === 'string') return peer;
  const ours = await inProcessEngine(dataDir);
  try {
    await drive(200, CONCURRENCY, ours.one, 3_000);
    await drive(200, CONCURRENCY, peer, 3_000);
    const o: RunStats[] = [];
    const p: RunStats[] = [];
    const ratios: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      p.push(await drive(N, CONCURRENCY, peer, ROUND_BUDGET_MS));
      o.push(await drive(N, CONCURRENCY, ours.one, ROUND_BUDGET_MS));
      ratios.push(o[r].perSecond / p[r].perSecond);
    }
    const median = <T>(xs: T[], key: (x: T) => number) =>
      [...xs].sort((a, b) => key(a) - key(b))[xs.length >> 1];
    return {
      ours: median(o, (x) => x.perSecond),
      peer: median(p, (x) => x.perSecond),
      ratio: median(ratios, (x) => x),
      ratios,
    };
  } finally {
    await ours.close();
  }
}

/** SendTaskSuccess (over HTTP) -> the next callback task's function is invoked with its token. */
export async function callbackLatency(dataDir: string): Promise<{ p50: number; p99: number; n: number }> {
  const waiting = new Map<string, (opened: { token: string; at: number }) => void>();
  const openTask: InProcessFunction = (p) => {
    const at = performance.now();
    const { execution, taskToken } = p as { execution: string; taskToken: string };
    const w = waiting.get(execution);
    if (w) {
      waiting.delete(execution);
      w({ token: taskToken, at });
    }
    return { opened: true };
  };
  const server = await startSfnServer({
    port: 0,
    dataDir,
    invokeLambda: createInProcessInvoker({ openTask }),
  });
  const client = sfnClient(server.url);
  const states: Record<string, unknown> = {};
  for (let i = 1; i <= CALLBACK_STEPS; i++) {
    states[`Step${i}`] = {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        FunctionName: 'openTask',
        Payload: { 'taskToken.$': '$$.Task.Token', 'execution.$': '$$.Execution.Name', step: i },
      },
      ResultPath: `$.steps.s${i}`,
      ...(i < CALLBACK_STEPS ? { Next: `Step${i + 1}` } : { End: true }),
    };
  }
  const lat: number[] = [];
  try {
    const { stateMachineArn } = await client.send(
      new CreateStateMachineCommand({
        name: 'callbacks',
        definition: JSON.stringify({ StartAt: 'Step1', States: states }),
        roleArn: ROLE,
      }),
    );
    const output = JSON.stringify({
      outcome: 'approve',
      submissionId: 's',
      by: 'bench',
      at: new Date().toISOString(),
    });
    const runOne = async (k: number) => {
      const name = `cb-${k}`;
      let opened = new Promise<{ token: string; at: number }>((r) => waiting.set(name, r));
      const { executionArn } = await client.send(
        new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify({ steps: {} }) }),
      );
      let token = (await opened).token;
      for (let s = 1; s < CALLBACK_STEPS; s++) {
        opened = new Promise<{ token: string; at: number }>((r) => waiting.set(name, r));
        const t0 = performance.now();
        await client.send(new SendTaskSuccessCommand({ taskToken: token, output }));
        const next = await opened;
        token = next.token;
        lat.push(next.at - t0);
      }
      await client.send(new SendTaskSuccessCommand({ taskToken: token, output }));
      await server.engine.waitForExecution(executionArn as string);
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < CALLBACK_EXECUTIONS) await runOne(next++);
      }),
    );
  } finally {
    client.destroy();
    await server.close();
  }
  lat.sort((a, b) => a - b);
  return { p50: pct(lat, 50), p99: pct(lat, 99), n: lat.length };
}

/** Runs every scenario and returns the rows (also written to bench/results/sfn.json). */
export async function run(): Promise<Row[]> {
  const rows: Row[] = [];
  const suite = 'sfn';
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'sfn-bench-'));
    dirs.push(d);
    return d;
  };
  const add = (label: string, s: RunStats, note: string, single?: RunStats) => {
    rows.push({
      suite,
      metric: `${label} executions/s`,
      value: s.perSecond,
      unit: 'exec/s',
      note: `${s.n} runs, ${CONCURRENCY} in flight; ${note}`,
    });
    rows.push({
      suite,
      metric: `${label} p50 start->SUCCEEDED`,
      value: s.p50,
      unit: 'ms',
      note: `${CONCURRENCY} in flight`,
    });
    rows.push({
      suite,
      metric: `${label} p99 start->SUCCEEDED`,
      value: s.p99,
      unit: 'ms',
      note: `${CONCURRENCY} in flight`,
    });
    if (single) {
      rows.push({
        suite,
        metric: `${label} p50 start->SUCCEEDED, 1 in flight`,
        value: single.p50,
        unit: 'ms',
        note: `${single.n} runs one at a time`,
      });
      rows.push({
        suite,
        metric: `${label} p99 start->SUCCEEDED, 1 in flight`,
        value: single.p99,
        unit: 'ms',
      });
    }
  };
  try {
    const side = await durableVersusPeer(tmp());
    if (typeof side === 'string') {
      rows.push({ suite, metric: 'aws-local-stepfunctions', value: side, unit: '' });
    } else {
      add(
        'chain20 durable (in-process, SQLite WAL on disk)',
        side.ours,
        `median of ${ROUNDS} rounds alternating with aws-local-stepfunctions`,
      );
      add(
        'aws-local-stepfunctions',
        side.peer,
        `in memory, no API, no persistence; median of ${ROUNDS} alternating rounds`,
      );
      rows.push({
        suite,
        metric: 'chain20 durable ÷ aws-local-stepfunctions',
        value: side.ratio,
        unit: '×',
        note: `goal ≥ 1; median of per-round ratios ${side.ratios.map((r) => r.toFixed(2)).join(', ')}`,
      });
    }
    const disk = await engineInProcess(tmp());
    add('chain20 in-process', disk.loaded, 'SQLite WAL on disk, engine.call()', disk.single);
    const mem = await engineInProcess(null);
    add('chain20 in-process, :memory:', mem.loaded, 'same engine, in-memory SQLite (no disk)', mem.single);
    const http = await engineOverHttp(tmp());
    add(
      'chain20 via SDK/HTTP',
      http.loaded,
      'SQLite WAL on disk, real @aws-sdk/client-sfn in the same process',
      http.single,
    );
    rows.push({
      suite,
      metric: 'persistence cost (in-process disk vs :memory:)',
      value: 100 * (1 - disk.loaded.perSecond / mem.loaded.perSecond),
      unit: '% exec/s',
      note: `${disk.loaded.perSecond.toFixed(0)} vs ${mem.loaded.perSecond.toFixed(0)} exec/s`,
    });
    const cb = await callbackLatency(tmp());
    rows.push({
      suite,
      metric: 'SendTaskSuccess -> next task opened p50',
      value: cb.p50,
      unit: 'ms',
      note: `${cb.n} hand-overs over HTTP; goal ≤ 20 ms`,
    });
    rows.push({
      suite,
      metric: 'SendTaskSuccess -> next task opened p99',
      value: cb.p99,
      unit: 'ms',
      note: 'goal ≤ 60 ms',
    });
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
  await writeResult('sfn', { machine: machine(), rows });
  return rows;
}

if (isMain(import.meta.url)) {
  const t0 = performance.now();
  const rows = await run();
  const fmt = (v: number | string) => (typeof v === 'number' ? (v >= 100 ? v.toFixed(0) : v.toFixed(2)) : v);
  const w = Math.max(...rows.map((r) => r.metric.length));
  for (const r of rows)
    console.log(
      `${r.metric.padEnd(w)}  ${String(fmt(r.value)).padStart(9)} ${r.unit.padEnd(7)} ${r.note ?? ''}`,
    );
  console.log(`(${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
