import {
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTaskToken } from '../../../local/sfn/executor';
import { hooks } from '../../fixtures/sfn/functions';
import {
  createMachine,
  type Harness,
  history,
  nextOpened,
  rejectsWith,
  start,
  startHarness,
  waitFor,
} from './helpers';

let h: Harness;
let machine: string;
beforeAll(async () => {
  h = await startHarness();
  machine = await createMachine(h, 'callback');
});
afterAll(async () => {
  await h?.close();
});

const decision = (outcome: string) =>
  JSON.stringify({ outcome, submissionId: `s-${outcome}`, by: 'u1', at: '2027-03-01T08:00:00.000Z' });

/** Starts the callback machine and returns the execution and the first (review) token. */
async function startReview(input: Record<string, unknown> = {}) {
  const opened = nextOpened('review');
  const arn = await start(h, machine, { steps: {}, heartbeat: 3600, timeout: 86_400, ...input });
  const p = await opened;
  expect(p.executionArn).toBe(arn);
  return { arn, token: p.taskToken };
}

describe('callbacks (lambda:invoke.waitForTaskToken)', () => {
  it('SendTaskSuccess output becomes the task result; the next callback opens with the decisions so far', async () => {
    const { arn, token } = await startReview();
    const approveOpened = nextOpened('approve');
    await h.client.send(new SendTaskSuccessCommand({ taskToken: token, output: decision('submit') }));
    const approve = await approveOpened;
    expect(approve.state).toEqual({ review: JSON.parse(decision('submit')) });
    expect(approve.taskToken).not.toBe(token);
    await h.client.send(
      new SendTaskSuccessCommand({ taskToken: approve.taskToken, output: decision('approve') }),
    );
    const d = await waitFor(h.client, arn);
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output as string).steps).toEqual({
      review: JSON.parse(decision('submit')),
      approve: JSON.parse(decision('approve')),
    });
    const events = await history(h.client, arn);
    const types = events.map((x) => x.type);
    expect(types.slice(0, 7)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
    ]);
    const scheduled = events[2].taskScheduledEventDetails;
    expect(scheduled).toMatchObject({
      resource: 'invoke.waitForTaskToken',
      heartbeatInSeconds: 3600,
      timeoutInSeconds: 86_400,
    });
    expect(JSON.parse(scheduled?.parameters as string).Payload.taskToken).toBe(token);
    expect(JSON.parse(events[5].taskSucceededEventDetails?.output as string)).toEqual(
      JSON.parse(decision('submit')),
    );
    // The token is closed now.
    await rejectsWith(
      h.client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
      'TaskTimedOut',
    );
  });

  it('SendTaskFailure fails the task with its error and cause (caught here)', async () => {
    const { arn, token } = await startReview();
    await h.client.send(
      new SendTaskFailureCommand({ taskToken: token, error: 'Rejected', cause: 'incomplete form' }),
    );
    const d = await waitFor(h.client, arn);
    expect(d).toMatchObject({ status: 'FAILED', error: 'WorkflowRejected', cause: 'incomplete form' });
    const failed = (await history(h.client, arn)).find((x) => x.type === 'TaskFailed');
    expect(failed?.taskFailedEventDetails).toMatchObject({ error: 'Rejected', cause: 'incomplete form' });
    await rejectsWith(
      h.client.send(new SendTaskFailureCommand({ taskToken: token, error: 'X' })),
      'TaskTimedOut',
    );
  });

  it('heartbeats push the heartbeat deadline; a missed heartbeat fails with States.HeartbeatTimeout', async () => {
    const { arn, token } = await startReview({ heartbeat: 10 });
    h.clock.advance(8_000);
    await h.client.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    h.clock.advance(8_000);
    // 16 s after the start but 8 s after the heartbeat: once the engine has fired what is due, the
    // task still runs.
    await h.server.engine.settled();
    expect((await waitFor(h.client, arn, () => true)).status).toBe('RUNNING');
    expect((await history(h.client, arn)).some((x) => x.type === 'TaskTimedOut')).toBe(false);
    h.clock.advance(3_000);
    const d = await waitFor(h.client, arn);
    expect(d).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
    const timedOut = (await history(h.client, arn)).find((x) => x.type === 'TaskTimedOut');
    expect(timedOut?.taskTimedOutEventDetails?.error).toBe('States.HeartbeatTimeout');
    await rejectsWith(h.client.send(new SendTaskHeartbeatCommand({ taskToken: token })), 'TaskTimedOut');
  });

  it('a 60-day task timeout fires after the clock moves 60 days', async () => {
    const { arn, token } = await startReview({ heartbeat: 999_999_999, timeout: 60 * 86_400 });
    h.clock.advance(59 * 86_400_000);
    await h.server.engine.settled();
    expect((await waitFor(h.client, arn, () => true)).status).toBe('RUNNING');
    expect((await history(h.client, arn)).some((x) => x.type === 'TaskTimedOut')).toBe(false);
    h.clock.advance(86_400_000 + 1000);
    const d = await waitFor(h.client, arn);
    expect(d).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    await rejectsWith(
      h.client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
      'TaskTimedOut',
    );
  });

  it('a stopped execution closes its tokens', async () => {
    const { arn, token } = await startReview();
    await h.client.send(new StopExecutionCommand({ executionArn: arn }));
    expect((await waitFor(h.client, arn)).status).toBe('ABORTED');
    await rejectsWith(
      h.client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
      'TaskTimedOut',
    );
  });

  it('a function may complete its own callback task before its invoke returns', async () => {
    hooks.complete = async (taskToken) => {
      await h.client.send(new SendTaskSuccessCommand({ taskToken, output: '{"outcome":"auto"}' }));
    };
    try {
      const arn = await start(h, await createMachine(h, 'self-complete'), {});
      const d = await waitFor(h.client, arn);
      expect(d.status).toBe('SUCCEEDED');
      expect(JSON.parse(d.output as string).auto).toEqual({ outcome: 'auto' });
      const types = (await history(h.client, arn)).map((x) => x.type);
      expect(types.filter((t) => t === 'TaskSucceeded')).toHaveLength(1);
    } finally {
      hooks.complete = undefined;
    }
  });

  it('bad tokens and outputs get AWS errors', async () => {
    await rejectsWith(
      h.client.send(new SendTaskSuccessCommand({ taskToken: 'garbage', output: '{}' })),
      'InvalidToken',
    );
    await rejectsWith(
      h.client.send(new SendTaskHeartbeatCommand({ taskToken: 'x'.repeat(80) })),
      'InvalidToken',
    );
    await rejectsWith(
      h.client.send(new SendTaskFailureCommand({ taskToken: newTaskToken(), error: 'E' })),
      'TaskDoesNotExist',
    );
    const { arn, token } = await startReview();
    await rejectsWith(
      h.client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{nope' })),
      'InvalidOutput',
    );
    // The task is still open after a rejected call.
    await h.client.send(new SendTaskFailureCommand({ taskToken: token, error: 'Rejected', cause: 'c' }));
    expect((await waitFor(h.client, arn)).status).toBe('FAILED');
  });
});
