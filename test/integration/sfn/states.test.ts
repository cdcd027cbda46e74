import {
  GetExecutionHistoryCommand,
  type GetExecutionHistoryCommandOutput,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMachine, type Harness, history, start, startHarness, waitFor, waitForEvent } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** Advances the movable clock a second at a time until the execution closes. */
async function advanceUntilClosed(arn: string, stepMs = 1000) {
  for (let i = 0; i < 200; i++) {
    const d = await waitFor(h.client, arn, () => true);
    if (d.status !== 'RUNNING') return d;
    h.clock.advance(stepMs);
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('execution did not close');
}

describe('state types', () => {
  it('Pass: Parameters with paths, context and intrinsics, Result, ResultPath null, InputPath/OutputPath', async () => {
    const e = await start(h, await createMachine(h, 'pass-chain'), { name: 'Ann' }, 'pass-1');
    const d = await waitFor(h.client, e);
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output as string)).toBe('Hello Ann');
    const types = (await history(h.client, e)).map((x) => x.type);
    expect(types).toEqual([
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'PassStateEntered',
      'PassStateExited',
      'PassStateEntered',
      'PassStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    const exited = (await history(h.client, e)).find((x) => x.type === 'PassStateExited');
    expect(JSON.parse(exited?.stateExitedEventDetails?.output as string)).toEqual({
      name: 'Ann',
      init: { name: 'Ann', exec: 'pass-1', state: 'Init', greeting: 'Hello Ann' },
    });
  });

  it('Choice: And/Not/IsPresent/StringMatches/Path comparisons, Default; Fail with ErrorPath/CausePath', async () => {
    const arn = await createMachine(h, 'choice');
    const run = async (input: unknown) => waitFor(h.client, await start(h, arn, input));
    expect((await run({ amount: 500, county: '340102', limit: 10 })).output).toBe('"big"');
    expect((await run({ amount: 5, county: '340102', limit: 10 })).output).toBe('"small"');
    expect((await run({ amount: 50, county: 'hf-gxq', limit: 10 })).output).toBe('"hf-gxq"');
    const failed = await run({ county: 'hf-gxq', errorName: 'NoAmount' });
    expect(failed).toMatchObject({ status: 'FAILED', error: 'NoAmount', cause: 'no amount for hf-gxq' });
    const events = await history(h.client, failed.executionArn as string);
    expect(events.map((x) => x.type)).toEqual([
      'ExecutionStarted',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'FailStateEntered',
      'ExecutionFailed',
    ]);
    expect(events[4].executionFailedEventDetails).toEqual({
      error: 'NoAmount',
      cause: 'no amount for hf-gxq',
    });
  });

  it('Task: lambda:invoke returns the AWS envelope; plain function ARNs return the payload', async () => {
    const e = await start(h, await createMachine(h, 'lambda'), { a: 2, b: 40 });
    const d = await waitFor(h.client, e);
    expect(JSON.parse(d.output as string)).toEqual({ sum: 42, version: '$LATEST', status: 200 });
    const events = await history(h.client, e);
    expect(events.map((x) => x.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    const scheduled = events.find((x) => x.type === 'TaskScheduled')?.taskScheduledEventDetails;
    expect(scheduled).toMatchObject({ resourceType: 'lambda', resource: 'invoke', region: 'us-east-1' });
    expect(JSON.parse(scheduled?.parameters as string)).toEqual({
      FunctionName: 'add',
      Payload: { a: 2, b: 40 },
    });
    const ok = JSON.parse(
      events.find((x) => x.type === 'TaskSucceeded')?.taskSucceededEventDetails?.output as string,
    );
    expect(ok).toMatchObject({ Payload: { sum: 42 }, StatusCode: 200, ExecutedVersion: '$LATEST' });
    expect(ok.SdkHttpMetadata.HttpStatusCode).toBe(200);
    // ids are sequential and each event points at the one before it in a linear run
    events.forEach((x, i) => {
      expect(x.id).toBe(i + 1);
      if (i > 0) expect(x.previousEventId).toBe(i);
    });
  });

  it('Task: an unknown function fails with Lambda.ResourceNotFoundException', async () => {
    const d = await waitFor(h.client, await start(h, await createMachine(h, 'unknown-function'), {}));
    expect(d.status).toBe('FAILED');
    expect(d.error).toBe('Lambda.ResourceNotFoundException');
    expect(d.cause).toContain('does-not-exist');
  });

  it('Task: a handler error on a plain function ARN fails with its errorType', async () => {
    const e = await start(h, await createMachine(h, 'plain-fail'), { x: 1 });
    const d = await waitFor(h.client, e);
    expect(d).toMatchObject({ status: 'FAILED', error: 'CustomError' });
    expect(JSON.parse(d.cause as string)).toMatchObject({
      errorType: 'CustomError',
      errorMessage: 'failed on purpose: {"x":1}',
    });
    const failed = (await history(h.client, e)).find((x) => x.type === 'LambdaFunctionFailed');
    expect(failed?.lambdaFunctionFailedEventDetails?.error).toBe('CustomError');
  });

  it('Retry with backoff timers on the clock, then Catch with ResultPath', async () => {
    const arn = await createMachine(h, 'task-errors');
    // Fails twice, succeeds on the third attempt (two retries allowed), then `fail` is caught.
    const e = await start(h, arn, { key: `k-${Date.now()}`, failTimes: 2 });
    const d = await advanceUntilClosed(e);
    expect(d.status).toBe('SUCCEEDED');
    const out = JSON.parse(d.output as string);
    expect(out.flaky).toEqual({ attempts: 3 });
    expect(out.caught.Error).toBe('CustomError');
    expect(JSON.parse(out.caught.Cause)).toMatchObject({ errorType: 'CustomError' });
    const types = (await history(h.client, e)).map((x) => x.type);
    expect(types.filter((t) => t === 'TaskFailed')).toHaveLength(3);
    expect(types.filter((t) => t === 'TaskScheduled')).toHaveLength(4);
    // Retries stay inside one state entry.
    expect(types.filter((t) => t === 'TaskStateEntered')).toHaveLength(2);

    // Exhausted retries go to Catch.
    const e2 = await start(h, arn, { key: `k2-${Date.now()}`, failTimes: 5 });
    const d2 = await advanceUntilClosed(e2);
    expect(d2.status).toBe('SUCCEEDED');
    expect(JSON.parse(d2.output as string).caught.Error).toBe('FlakyError');
  });

  it('Parallel and inline Map (ItemSelector, MaxConcurrency 1, legacy Iterator/Parameters, empty Map)', async () => {
    const e = await start(h, await createMachine(h, 'parallel-map'), {
      year: 2027,
      depts: ['jt', 'sl', 'ny'],
      none: [],
    });
    const d = await waitFor(h.client, e);
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output as string)).toEqual({
      year: 2027,
      depts: ['jt', 'sl', 'ny'],
      none: [],
      fan: {
        lines: [
          { dept: 'jt', index: 0, year: 2027 },
          { dept: 'sl', index: 1, year: 2027 },
          { dept: 'ny', index: 2, year: 2027 },
        ],
        legacy: [{ u: '[jt]' }, { u: '[sl]' }, { u: '[ny]' }],
      },
      empty: [],
    });
    const events = await history(h.client, e);
    const types = events.map((x) => x.type);
    for (const t of [
      'ParallelStateStarted',
      'ParallelStateSucceeded',
      'MapStateStarted',
      'MapStateSucceeded',
    ]) {
      expect(types).toContain(t);
    }
    expect(types.filter((t) => t === 'MapIterationStarted')).toHaveLength(6);
    expect(types.filter((t) => t === 'MapIterationSucceeded')).toHaveLength(6);
    // MaxConcurrency 1: in the `Lines` map each iteration starts after the previous one succeeded.
    const lines = events.filter(
      (x) =>
        (x.type === 'MapIterationStarted' && x.mapIterationStartedEventDetails?.name === 'Lines') ||
        (x.type === 'MapIterationSucceeded' && x.mapIterationSucceededEventDetails?.name === 'Lines'),
    );
    expect(lines.map((x) => x.type)).toEqual([
      'MapIterationStarted',
      'MapIterationSucceeded',
      'MapIterationStarted',
      'MapIterationSucceeded',
      'MapIterationStarted',
      'MapIterationSucceeded',
    ]);
    expect(
      events.find((x) => x.type === 'MapStateStarted' && x.mapStateStartedEventDetails?.length === 0),
    ).toBeDefined();
  });

  it('Parallel: a failing branch aborts the others and the error is caught', async () => {
    const e = await start(h, await createMachine(h, 'parallel-fail'), {});
    const d = await waitFor(h.client, e);
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output as string).error).toEqual({ Error: 'Branch.Failed', Cause: 'second branch' });
    const types = (await history(h.client, e)).map((x) => x.type);
    expect(types).toContain('ParallelStateFailed');
    expect(types).toContain('WaitStateAborted');
  });

  it('Map: a failing iteration aborts the running ones; the Map state fails into its Catch', async () => {
    const e = await start(h, await createMachine(h, 'map-fail'), { items: [3, 1, 5, 1] });
    const d = await waitFor(h.client, e);
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output as string)).toEqual({
      Error: 'Item.TooBig',
      Cause: 'an item is larger than 2',
    });
    const events = await history(h.client, e);
    const types = events.map((x) => x.type);
    expect(types).toContain('MapIterationFailed');
    expect(types).toContain('MapIterationAborted');
    expect(types).toContain('MapStateFailed');
    // MaxConcurrency 2: items 2 and 3 never started; item 1 (waiting) was aborted.
    expect(types.filter((t) => t === 'MapIterationStarted')).toHaveLength(2);
    expect(events.find((x) => x.type === 'MapIterationAborted')?.mapIterationAbortedEventDetails).toEqual({
      name: 'Each',
      index: 1,
    });
    expect(events.find((x) => x.type === 'MapIterationFailed')?.mapIterationFailedEventDetails).toEqual({
      name: 'Each',
      index: 0,
    });
  });

  it('Wait: SecondsPath and TimestampPath as due times on the clock', async () => {
    const until = new Date(h.clock.now() + 3_600_000).toISOString();
    const e = await start(h, await createMachine(h, 'wait'), { seconds: 60, until });
    await waitForEvent(h.client, e, (x) => x.type === 'WaitStateEntered');
    expect((await waitFor(h.client, e, () => true)).status).toBe('RUNNING');
    h.clock.advance(61_000);
    await waitForEvent(h.client, e, (x) => x.type === 'WaitStateExited');
    expect((await waitFor(h.client, e, () => true)).status).toBe('RUNNING');
    h.clock.advance(3_600_000);
    const d = await waitFor(h.client, e);
    expect(d.status).toBe('SUCCEEDED');
    expect(new Date(JSON.parse(d.output as string).entered).getTime()).toBeGreaterThanOrEqual(
      Date.parse(until),
    );
  });

  it('state machine TimeoutSeconds times the execution out', async () => {
    const e = await start(h, await createMachine(h, 'timeout'), {});
    await waitForEvent(h.client, e, (x) => x.type === 'WaitStateEntered');
    h.clock.advance(60 * 86_400_000 + 1000);
    const d = await waitFor(h.client, e);
    expect(d).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    const last = (await history(h.client, e)).at(-1);
    expect(last?.type).toBe('ExecutionTimedOut');
    expect(last?.executionTimedOutEventDetails?.error).toBe('States.Timeout');
  });

  it('StopExecution aborts with error and cause', async () => {
    const e = await start(h, await createMachine(h, 'long-wait'), {});
    await waitForEvent(h.client, e, (x) => x.type === 'WaitStateEntered');
    const out = await h.client.send(
      new StopExecutionCommand({ executionArn: e, error: 'Cancelled', cause: 'by test' }),
    );
    expect(out.stopDate).toBeInstanceOf(Date);
    const d = await waitFor(h.client, e);
    expect(d).toMatchObject({ status: 'ABORTED', error: 'Cancelled', cause: 'by test' });
    const types = (await history(h.client, e)).map((x) => x.type);
    expect(types.slice(-2)).toEqual(['WaitStateAborted', 'ExecutionAborted']);
  });
});

describe('GetExecutionHistory', () => {
  it('pages forward and in reverse, and can leave out execution data', async () => {
    const e = await start(h, await createMachine(h, 'chain20'), { n: 0, id: 'h' });
    const d = await waitFor(h.client, e);
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output as string).n).toBe(7);
    const all = await history(h.client, e);
    expect(all.length).toBeGreaterThan(40);
    const forward: number[] = [];
    let nextToken: string | undefined;
    do {
      const out: GetExecutionHistoryCommandOutput = await h.client.send(
        new GetExecutionHistoryCommand({ executionArn: e, maxResults: 7, nextToken }),
      );
      expect(out.events?.length).toBeLessThanOrEqual(7);
      forward.push(...(out.events ?? []).map((x) => x.id as number));
      nextToken = out.nextToken;
    } while (nextToken);
    expect(forward).toEqual(all.map((x) => x.id));
    const backward: number[] = [];
    nextToken = undefined;
    do {
      const out: GetExecutionHistoryCommandOutput = await h.client.send(
        new GetExecutionHistoryCommand({ executionArn: e, maxResults: 9, reverseOrder: true, nextToken }),
      );
      backward.push(...(out.events ?? []).map((x) => x.id as number));
      nextToken = out.nextToken;
    } while (nextToken);
    expect(backward).toEqual([...forward].reverse());
    const slim = await h.client.send(
      new GetExecutionHistoryCommand({ executionArn: e, includeExecutionData: false, maxResults: 3 }),
    );
    expect(slim.events?.[0].executionStartedEventDetails?.input).toBeUndefined();
    expect(slim.events?.[0].executionStartedEventDetails?.roleArn).toBeDefined();
    expect(slim.events?.[1].stateEnteredEventDetails).toEqual({ name: 'S01' });
    expect(all[0].timestamp).toBeInstanceOf(Date);
  });
});
