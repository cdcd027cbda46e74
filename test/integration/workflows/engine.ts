/**
 * Runs compiled workflows on the project's Step Functions engine (through the real SDK), with the
 * runtime's step functions stood in by scripted in-process functions: OpenTask records the task and
 * a script decides it (SendTaskSuccess, as the task API would), FanOutList answers the list the
 * script gives, system steps answer what the script says. The routing under test is the engine's
 * own execution of the compiled ASL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import {
  type FanOutItem,
  type InstanceRef,
  type OpenTaskPayload,
  STEP_FUNCTIONS,
} from '../../../contracts/steps';
import { MovableClock } from '../../../local/clock';
import { createInProcessInvoker, type InProcessFunction } from '../../../local/sfn/invoker';
import { type SfnServer, startSfnServer } from '../../../local/sfn/server';
import { applySubstitutions, compileWorkflow, functionIdOfSubstitution } from '../../../workflows/compiler';
import type { WorkflowDefinition } from '../../../workflows/model';
import type { WorkflowChecks } from '../../../workflows/validate';

export const INSTANCE: InstanceRef = {
  workflowId: 'wf',
  subject: 'Y2027',
  attempt: 1,
  stack: '340102',
  year: 2027,
};

/** A task the workflow opened, and how many times this step was opened for this item before. */
export interface Opened {
  payload: OpenTaskPayload;
  visit: number;
}

export interface Script {
  /** The decision of an opened task (outcome, comment, returnTo); throwing fails the OpenTask call. */
  decide?(t: Opened): Record<string, unknown> | undefined;
  /** The items of a fan-out list. */
  list?(name: string, step: string): FanOutItem[];
  /** A system step's result. */
  system?(fn: string, payload: unknown): unknown;
  /** The moment a wait-until step waits for (ISO). */
  waitUntil?(payload: unknown): string;
  /** Called when an execution registers as waiting for an event (the token resumes it). */
  awaitEvent?(payload: { taskToken: string; detailType: string }): void;
}

export interface Engine {
  server: SfnServer;
  client: SFNClient;
  clock: MovableClock;
  close(): Promise<void>;
}

export async function startEngine(handlers: () => Record<string, InProcessFunction>): Promise<Engine> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wf-engine-'));
  const clock = new MovableClock();
  const server = await startSfnServer({
    port: 0,
    dataDir,
    invokeLambda: (name, payload) => createInProcessInvoker(handlers())(name, payload),
    clock,
    pollIntervalMs: 10,
  });
  const client = new SFNClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  return {
    server,
    client,
    clock,
    close: async () => {
      client.destroy();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The result of one run. */
export interface Run {
  status: string;
  output?: any;
  error?: string;
  opened: Opened[];
  steps: string[];
  systemCalls: { fn: string; payload: any }[];
  history: HistoryEvent[];
  executionArn: string;
}

let seq = 0;

/**
 * Compiles `def`, creates it on a fresh engine and runs one execution to its end under `script`;
 * `during` may act while it runs (move the clock, send an event) and resolves when done acting.
 */
export async function runWorkflow(
  def: WorkflowDefinition,
  script: Script,
  opts: {
    checks?: Partial<WorkflowChecks>;
    during?: (e: Engine, run: Run) => Promise<void>;
    timeoutMs?: number;
  } = {},
): Promise<Run> {
  const run: Run = {
    status: 'RUNNING',
    opened: [],
    steps: [],
    systemCalls: [],
    history: [],
    executionArn: '',
  };
  const visits = new Map<string, number>();
  let engine: Engine | undefined;
  const fns = (): Record<string, InProcessFunction> => ({
    [STEP_FUNCTIONS.openTask]: (p) => {
      const payload = p as OpenTaskPayload;
      const key = `${payload.step}@${payload.item?.key ?? ''}`;
      const visit = (visits.get(key) ?? 0) + 1;
      visits.set(key, visit);
      const opened = { payload, visit };
      run.opened.push(opened);
      run.steps.push(payload.step);
      const decision = script.decide?.(opened) ?? defaultDecision(payload);
      // Answered after OpenTask returns, as a person completing the task would.
      setImmediate(() => {
        void engine!.client.send(
          new SendTaskSuccessCommand({
            taskToken: payload.taskToken,
            output: JSON.stringify({
              submissionId: `sub-${run.opened.length}`,
              by: 'u',
              at: '2027-02-01T00:00:00Z',
              ...decision,
            }),
          }),
        );
      });
      return { taskId: `t${run.opened.length}`, created: true };
    },
    [STEP_FUNCTIONS.fanOutList]: (p) => {
      const { list, step } = p as { list: string; step: string };
      return { items: script.list?.(list, step) ?? [] };
    },
    [STEP_FUNCTIONS.waitUntil]: (p) => ({
      at: script.waitUntil?.(p) ?? new Date(engine!.clock.now()).toISOString(),
    }),
    [STEP_FUNCTIONS.awaitEvent]: (p) => {
      script.awaitEvent?.(p as { taskToken: string; detailType: string });
      return { waiting: true };
    },
  });
  const { asl, substitutions } = compileWorkflow(def, { checks: opts.checks });
  const all = fns();
  for (const s of substitutions) {
    const fn = functionIdOfSubstitution(s);
    if (fn && !(fn in all)) {
      all[fn] = (payload) => {
        run.systemCalls.push({ fn, payload });
        return script.system?.(fn, payload) ?? {};
      };
    }
  }
  engine = await startEngine(() => all);
  try {
    const values: Record<string, string> = { Partition: 'aws' };
    for (const s of substitutions) {
      const fn = functionIdOfSubstitution(s);
      if (fn) values[s] = `arn:aws:lambda:us-east-1:000000000000:function:${fn}`;
    }
    const machine = await engine.client.send(
      new CreateStateMachineCommand({
        name: `${def.id}-${++seq}`,
        definition: applySubstitutions(asl, values),
        roleArn: 'arn:aws:iam::000000000000:role/test',
      }),
    );
    const started = await engine.client.send(
      new StartExecutionCommand({
        stateMachineArn: machine.stateMachineArn,
        input: JSON.stringify({ instance: { ...INSTANCE, workflowId: def.id } }),
      }),
    );
    run.executionArn = started.executionArn!;
    const acting = opts.during?.(engine, run);
    const end = Date.now() + (opts.timeoutMs ?? 20_000);
    for (;;) {
      const d = await engine.client.send(new DescribeExecutionCommand({ executionArn: run.executionArn }));
      if (d.status !== 'RUNNING') {
        run.status = d.status!;
        run.output = d.output ? JSON.parse(d.output) : undefined;
        run.error = d.error;
        break;
      }
      if (Date.now() > end)
        throw new Error(`execution still running after its steps ${run.steps.join(' -> ')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    await acting;
    const h = await engine.client.send(
      new GetExecutionHistoryCommand({ executionArn: run.executionArn, maxResults: 1000 }),
    );
    run.history = h.events ?? [];
    return run;
  } finally {
    await engine.close();
  }
}

function defaultDecision(p: OpenTaskPayload): Record<string, unknown> {
  if (p.allowedOutcomes.includes('approve')) return { outcome: 'approve' };
  return { outcome: p.allowedOutcomes[0] };
}
