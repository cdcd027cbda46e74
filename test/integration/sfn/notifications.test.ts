import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStateMachineAliasCommand,
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SfnEngine } from '../../../local/sfn/engine';
import { createInProcessInvoker } from '../../../local/sfn/invoker';
import type { ExecutionStatusChangeEvent } from '../../../local/sfn/types';
import { functions } from '../../fixtures/sfn/functions';
import {
  createMachine,
  definition,
  type Harness,
  ROLE,
  start,
  startHarness,
  until,
  waitForEvent,
} from './helpers';

/** Every notification the listener received, in arrival order. */
const received: ExecutionStatusChangeEvent[] = [];
/** Executions whose next delivery the listener rejects once (to see it delivered again). */
const failOnce = new Set<string>();
/** Ids of the deliveries the listener rejected. */
const rejected: string[] = [];
let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    onExecutionStatusChange: async (event) => {
      if (failOnce.delete(event.detail.executionArn)) {
        rejected.push(event.id);
        throw new Error('listener down for a moment');
      }
      received.push(event);
    },
  });
});
afterAll(async () => {
  await h?.close();
});

/** Waits until the notifications of `arn` include one with `status`; returns all of them so far. */
function statusesOf(arn: string, status: string): Promise<ExecutionStatusChangeEvent[]> {
  return until(`a ${status} notification of ${arn}`, () => {
    const mine = received.filter((e) => e.detail.executionArn === arn);
    return mine.some((e) => e.detail.status === status) ? mine : undefined;
  });
}

const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

describe('onExecutionStatusChange (EventBridge "Step Functions Execution Status Change")', () => {
  it('sends RUNNING at start and SUCCEEDED at the end, in AWS event shape', async () => {
    const machine = await createMachine(h, 'pass-chain');
    const arn = await start(h, machine, { name: 'Ada' });
    const events = await statusesOf(arn, 'SUCCEEDED');
    const d = await h.client.send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(events.map((e) => e.detail.status)).toEqual(['RUNNING', 'SUCCEEDED']);
    const [running, succeeded] = events;
    expect(running).toMatchObject({
      version: '0',
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      account: '000000000000',
      region: 'us-east-1',
      resources: [arn],
      detail: {
        executionArn: arn,
        stateMachineArn: machine,
        name: d.name,
        status: 'RUNNING',
        startDate: (d.startDate as Date).getTime(),
        stopDate: null,
        input: '{"name":"Ada"}',
        output: null,
        inputDetails: { included: true },
        outputDetails: null,
        error: null,
        cause: null,
      },
    });
    expect(running.time).toMatch(ISO_SECONDS);
    expect(running.detail).not.toHaveProperty('stateMachineVersionArn');
    expect(running.detail).not.toHaveProperty('stateMachineAliasArn');
    expect(succeeded.detail).toMatchObject({
      status: 'SUCCEEDED',
      startDate: running.detail.startDate,
      stopDate: (d.stopDate as Date).getTime(),
      output: d.output,
      outputDetails: { included: true },
      error: null,
      cause: null,
    });
    expect(succeeded.id).not.toBe(running.id);
  });

  it('sends FAILED with the error and cause', async () => {
    const arn = await start(h, await createMachine(h, 'plain-fail'), { why: 'test' });
    const [, failed] = await statusesOf(arn, 'FAILED');
    const d = await h.client.send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(failed.detail).toMatchObject({
      status: 'FAILED',
      error: 'CustomError',
      cause: d.cause,
      output: null,
      outputDetails: null,
      stopDate: (d.stopDate as Date).getTime(),
    });
  });

  it('sends ABORTED on StopExecution with its error and cause', async () => {
    const arn = await start(h, await createMachine(h, 'long-wait'), {});
    await statusesOf(arn, 'RUNNING');
    await h.client.send(new StopExecutionCommand({ executionArn: arn, error: 'Withdrawn', cause: '撤回' }));
    const events = await statusesOf(arn, 'ABORTED');
    expect(events.map((e) => e.detail.status)).toEqual(['RUNNING', 'ABORTED']);
    expect(events[1].detail).toMatchObject({ error: 'Withdrawn', cause: '撤回', output: null });
  });

  it('sends TIMED_OUT when the state machine TimeoutSeconds passes on the clock', async () => {
    const arn = await start(h, await createMachine(h, 'timeout'), {});
    await waitForEvent(h.client, arn, (e) => e.type === 'WaitStateEntered');
    h.clock.advance(5_184_000 * 1000 + 1000);
    const events = await statusesOf(arn, 'TIMED_OUT');
    expect(events.map((e) => e.detail.status)).toEqual(['RUNNING', 'TIMED_OUT']);
    expect(events[1].detail).toMatchObject({ error: 'States.Timeout', output: null });
    expect(events[1].detail.stopDate as number).toBeGreaterThanOrEqual(
      events[1].detail.startDate + 5_184_000 * 1000,
    );
  });

  it('names the version and alias an execution was started through', async () => {
    const created = await h.client.send(
      new CreateStateMachineCommand({
        name: 'notify-versioned',
        definition: definition('pass-chain'),
        roleArn: ROLE,
        publish: true,
      }),
    );
    const versionArn = created.stateMachineVersionArn as string;
    const { stateMachineAliasArn } = await h.client.send(
      new CreateStateMachineAliasCommand({
        name: 'live',
        routingConfiguration: [{ stateMachineVersionArn: versionArn, weight: 100 }],
      }),
    );
    const byVersion = await start(h, versionArn, { name: 'v' });
    const byAlias = await start(h, stateMachineAliasArn as string, { name: 'a' });
    for (const e of await statusesOf(byVersion, 'SUCCEEDED')) {
      expect(e.detail.stateMachineArn).toBe(created.stateMachineArn);
      expect(e.detail.stateMachineVersionArn).toBe(versionArn);
      expect(e.detail).not.toHaveProperty('stateMachineAliasArn');
    }
    for (const e of await statusesOf(byAlias, 'SUCCEEDED')) {
      expect(e.detail.stateMachineVersionArn).toBe(versionArn);
      expect(e.detail.stateMachineAliasArn).toBe(stateMachineAliasArn);
    }
  });

  it('delivers again, with the same id, after the listener rejects', async () => {
    const machine = await createMachine(h, 'pass-chain');
    const name = 'retried-notification';
    const arn = machine.replace(':stateMachine:', ':execution:').concat(`:${name}`);
    failOnce.add(arn);
    await start(h, machine, { name: 'Bo' }, name);
    const events = await statusesOf(arn, 'SUCCEEDED');
    // The rejected RUNNING notification came again before SUCCEEDED: one execution's stay in order.
    expect(events.map((e) => e.detail.status)).toEqual(['RUNNING', 'SUCCEEDED']);
    expect(failOnce.has(arn)).toBe(false);
    expect(rejected).toContain(events[0].id);
  });
});

describe('status-change notifications survive a restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sfn-notify-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const engine = (listener: (e: ExecutionStatusChangeEvent) => Promise<void>) =>
    new SfnEngine({
      dataDir,
      invokeLambda: createInProcessInvoker(functions),
      pollIntervalMs: 20,
      onExecutionStatusChange: listener,
    });

  it('redelivers notifications not acknowledged before the engine stopped, then forgets them once acknowledged', async () => {
    // The first engine's listener never finishes: as if the process died right after the commit.
    const seenFirst: ExecutionStatusChangeEvent[] = [];
    const first = engine((e) => {
      seenFirst.push(e);
      return new Promise<void>(() => {});
    });
    const { stateMachineArn } = (await first.call('CreateStateMachine', {
      name: 'restart-notify',
      definition: definition('pass-chain'),
      roleArn: ROLE,
    })) as { stateMachineArn: string };
    const { executionArn } = (await first.call('StartExecution', {
      stateMachineArn,
      input: '{"name":"Cy"}',
    })) as { executionArn: string };
    // StartExecution has answered, so the start is durable, and its notification with it.
    expect(first.store.pendingNotifications().map((n) => n.execution_arn)).toContain(executionArn);
    expect(await first.waitForExecution(executionArn)).toBe('SUCCEEDED');
    // Notifications of one execution go in order: RUNNING is out, SUCCEEDED waits behind it.
    await until('the RUNNING notification', () => (seenFirst.length ? true : undefined));
    expect(first.store.pendingNotifications()).toHaveLength(2);
    await first.close();

    const seenSecond: ExecutionStatusChangeEvent[] = [];
    const second = engine(async (e) => {
      seenSecond.push(e);
    });
    try {
      await until('both notifications again', () => (seenSecond.length === 2 ? true : undefined));
      expect(seenSecond.map((e) => [e.detail.executionArn, e.detail.status])).toEqual([
        [executionArn, 'RUNNING'],
        [executionArn, 'SUCCEEDED'],
      ]);
      expect(seenSecond[0]).toEqual(seenFirst[0]);
      await until('the acknowledgements to be written', () =>
        second.store.pendingNotifications().length === 0 ? true : undefined,
      );
    } finally {
      await second.close();
    }
    const third = engine(async () => {});
    try {
      expect(third.store.pendingNotifications()).toEqual([]);
    } finally {
      await third.close();
    }
  });
});
