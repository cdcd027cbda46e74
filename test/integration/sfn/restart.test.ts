import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import {
  CreateStateMachineCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, describe, expect, it } from 'vitest';
import { MovableClock } from '../../../local/clock';
import { SfnEngine } from '../../../local/sfn/engine';
import { createInProcessInvoker } from '../../../local/sfn/invoker';
import { definition, ROLE, sfnClient, waitFor, waitForEvent } from './helpers';

const ROOT = resolve(import.meta.dirname, '../../..');
const dataDir = mkdtempSync(join(tmpdir(), 'sfn-restart-'));
const clockFile = join(dataDir, 'clock.json');
let child: ChildProcess | undefined;
let client: SFNClient | undefined;

/** Spawns the engine CLI (node itself, so SIGKILL reaches the engine and not a wrapper). */
async function spawnEngine(): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'local/sfn/cli.ts',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--functions',
      'test/fixtures/sfn/functions.ts',
      '--clock-file',
      clockFile,
      '--poll-ms',
      '50',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((res, rej) => {
    const rl = createInterface({ input: proc.stdout as NodeJS.ReadableStream });
    rl.on('line', (line) => {
      try {
        const v = JSON.parse(line) as { port?: number };
        if (typeof v.port === 'number') res(v.port);
      } catch {
        // other output
      }
    });
    proc.once('exit', (code) => rej(new Error(`engine exited early with ${code}`)));
  });
  return { proc, url: `http://127.0.0.1:${port}` };
}

async function kill9(proc: ChildProcess): Promise<void> {
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGKILL');
  await exited;
}

afterAll(async () => {
  client?.destroy();
  if (child && child.exitCode === null && child.signalCode === null) await kill9(child);
  rmSync(dataDir, { recursive: true, force: true });
});

function tokenOf(events: Awaited<ReturnType<typeof waitForEvent>>): string {
  return JSON.parse(events.taskScheduledEventDetails?.parameters as string).Payload.taskToken;
}

describe('restart survival', () => {
  it('after kill -9 a waiting callback and a pending timer both finish', async () => {
    const first = await spawnEngine();
    child = first.proc;
    client = sfnClient(first.url);
    const cb = await client.send(
      new CreateStateMachineCommand({ name: 'approval', definition: definition('callback'), roleArn: ROLE }),
    );
    const waitDef = JSON.stringify({
      StartAt: 'OneDay',
      States: {
        OneDay: { Type: 'Wait', Seconds: 86_400, Next: 'Done' },
        Done: { Type: 'Pass', Result: 'timer fired', End: true },
      },
    });
    const wm = await client.send(
      new CreateStateMachineCommand({ name: 'timer', definition: waitDef, roleArn: ROLE }),
    );
    const callbackExec = (
      await client.send(
        new StartExecutionCommand({
          stateMachineArn: cb.stateMachineArn,
          name: 'allocation-2027',
          input: JSON.stringify({ steps: {}, heartbeat: 999_999, timeout: 999_999 }),
        }),
      )
    ).executionArn as string;
    const timerExec = (await client.send(new StartExecutionCommand({ stateMachineArn: wm.stateMachineArn })))
      .executionArn as string;
    const submitted = await waitForEvent(client, callbackExec, (e) => e.type === 'TaskSubmitted');
    expect(submitted).toBeDefined();
    const token = tokenOf(await waitForEvent(client, callbackExec, (e) => e.type === 'TaskScheduled'));
    await waitForEvent(client, timerExec, (e) => e.type === 'WaitStateEntered');

    await kill9(child);
    client.destroy();

    // A day and a bit passes while the engine is down.
    new MovableClock({ file: clockFile }).advance(86_400_000 + 1000);

    const second = await spawnEngine();
    child = second.proc;
    client = sfnClient(second.url);
    const t = await waitFor(client, timerExec);
    expect(t).toMatchObject({ status: 'SUCCEEDED', output: '"timer fired"' });

    // The token handed out before the crash still works.
    await client.send(
      new SendTaskSuccessCommand({
        taskToken: token,
        output: JSON.stringify({ outcome: 'submit', by: 'u1' }),
      }),
    );
    const approveScheduled = await waitForEvent(
      client,
      callbackExec,
      (e) =>
        e.type === 'TaskScheduled' && (e.taskScheduledEventDetails?.parameters ?? '').includes('"approve"'),
    );
    await client.send(
      new SendTaskSuccessCommand({
        taskToken: tokenOf(approveScheduled),
        output: JSON.stringify({ outcome: 'approve' }),
      }),
    );
    const c = await waitFor(client, callbackExec);
    expect(c.status).toBe('SUCCEEDED');
    expect(JSON.parse(c.output as string).steps).toEqual({
      review: { outcome: 'submit', by: 'u1' },
      approve: { outcome: 'approve' },
    });
    // Idempotent start by name still answers after the restart (closed now -> ExecutionAlreadyExists).
    await expect(
      client.send(
        new StartExecutionCommand({
          stateMachineArn: cb.stateMachineArn,
          name: 'allocation-2027',
          input: JSON.stringify({ steps: {}, heartbeat: 999_999, timeout: 999_999 }),
        }),
      ),
    ).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
  });
});

describe('recovery of work in hand', () => {
  it('an invoke in flight when the engine stopped is performed again by the next engine', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sfn-inflight-'));
    try {
      let calls = 0;
      // The first engine's function never answers (the process "dies" mid-invoke).
      const first = new SfnEngine({
        dataDir: dir,
        invokeLambda: () => {
          calls++;
          return new Promise(() => {});
        },
      });
      const { stateMachineArn } = (await first.call('CreateStateMachine', {
        name: 'inflight',
        definition: definition('lambda'),
        roleArn: ROLE,
      })) as { stateMachineArn: string };
      const { executionArn } = (await first.call('StartExecution', {
        stateMachineArn,
        input: JSON.stringify({ a: 1, b: 2 }),
      })) as { executionArn: string };
      while (calls === 0) await new Promise((r) => setTimeout(r, 5));
      await first.close();

      const second = new SfnEngine({
        dataDir: dir,
        invokeLambda: createInProcessInvoker({
          add: (p) => ({ sum: (p as { a: number; b: number }).a + (p as { b: number }).b }),
          echo: (p) => p,
        }),
      });
      try {
        expect(await second.waitForExecution(executionArn)).toBe('SUCCEEDED');
        const d = (await second.call('DescribeExecution', { executionArn })) as { output: string };
        expect(JSON.parse(d.output)).toEqual({ sum: 3, version: '$LATEST', status: 200 });
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
