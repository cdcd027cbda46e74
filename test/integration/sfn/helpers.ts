import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { MovableClock } from '../../../local/clock';
import { createInProcessInvoker } from '../../../local/sfn/invoker';
import { type SfnServer, type SfnServerOptions, startSfnServer } from '../../../local/sfn/server';
import { functions, taskEvents } from '../../fixtures/sfn/functions';

export const ROLE = 'arn:aws:iam::000000000000:role/minsheng-sfn';
const FIXTURES = join(import.meta.dirname, '../../fixtures/sfn');

/** The text of a fixture definition `test/fixtures/sfn/<name>.asl.json`. */
export function definition(name: string): string {
  return readFileSync(join(FIXTURES, `${name}.asl.json`), 'utf8');
}

/** A running engine on a free port with a fresh data dir, a movable clock and an SDK client. */
export interface Harness {
  server: SfnServer;
  client: SFNClient;
  clock: MovableClock;
  dataDir: string;
  close(): Promise<void>;
}

export function sfnClient(endpoint: string): SFNClient {
  return new SFNClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

/** Starts an engine; `extra` adds server options (e.g. `onExecutionStatusChange`). */
export async function startHarness(extra: Partial<SfnServerOptions> = {}): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sfn-test-'));
  const clock = new MovableClock();
  const server = await startSfnServer({
    port: 0,
    dataDir,
    invokeLambda: createInProcessInvoker(functions),
    clock,
    pollIntervalMs: 20,
    ...extra,
  });
  const client = sfnClient(server.url);
  return {
    server,
    client,
    clock,
    dataDir,
    close: async () => {
      client.destroy();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let seq = 0;
/** Creates a state machine from a fixture definition under a unique name; returns its ARN. */
export async function createMachine(
  h: Harness,
  fixture: string,
  name = `${fixture}-${++seq}`,
): Promise<string> {
  const out = await h.client.send(
    new CreateStateMachineCommand({ name, definition: definition(fixture), roleArn: ROLE }),
  );
  return out.stateMachineArn as string;
}

export async function start(h: Harness, machineArn: string, input: unknown, name?: string): Promise<string> {
  const out = await h.client.send(
    new StartExecutionCommand({ stateMachineArn: machineArn, input: JSON.stringify(input), name }),
  );
  return out.executionArn as string;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns a value other than undefined; fails after `timeoutMs`. */
export async function until<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Polls DescribeExecution until `until` holds (default: not RUNNING); fails after `timeoutMs`. */
export async function waitFor(
  client: SFNClient,
  executionArn: string,
  until: (d: DescribeExecutionCommandOutput) => boolean = (d) => d.status !== 'RUNNING',
  timeoutMs = 15_000,
): Promise<DescribeExecutionCommandOutput> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const d = await client.send(new DescribeExecutionCommand({ executionArn }));
    if (until(d)) return d;
    if (Date.now() > end) throw new Error(`timed out waiting on ${executionArn}: status ${d.status}`);
    await sleep(15);
  }
}

/** Every history event of an execution (following nextToken). */
export async function history(client: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const out = await client.send(
      new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }),
    );
    events.push(...(out.events ?? []));
    nextToken = out.nextToken;
  } while (nextToken);
  return events;
}

/** Waits until history has an event matching `pred`. */
export async function waitForEvent(
  client: SFNClient,
  executionArn: string,
  pred: (e: HistoryEvent) => boolean,
  timeoutMs = 15_000,
): Promise<HistoryEvent> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const e = (await history(client, executionArn)).find(pred);
    if (e) return e;
    if (Date.now() > end) throw new Error(`timed out waiting for an event of ${executionArn}`);
    await sleep(15);
  }
}

/** Resolves with the payload of the next `openTask` call whose `step` is `step`. */
export function nextOpened(
  step?: string,
): Promise<{ taskToken: string; step: string; [k: string]: unknown }> {
  return new Promise((resolve) => {
    const on = (p: { taskToken: string; step: string }) => {
      if (step && p.step !== step) return;
      taskEvents.off('opened', on);
      resolve(p);
    };
    taskEvents.on('opened', on);
  });
}

/** Rejects unless `p` rejects with an error named `name`; returns the error. */
export async function rejectsWith(p: Promise<unknown>, name: string): Promise<Error & { message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as Error;
    if (err.name !== name) throw new Error(`expected ${name}, got ${err.name}: ${err.message}`);
    return err;
  }
  throw new Error(`expected ${name}, but the call succeeded`);
}
