/**
 * Restart survival of the whole twin, run as `npm start` runs it (the `start` script of
 * package.json, `tsx local/main.ts`, in a child process with free ports and a temporary data
 * folder): data, a callback-waiting execution and a timer survive `kill -9` of the process tree;
 * after a restart the callback completes with its old task token and the timer fires when the clock
 * passes it. Killing only the twin's own process leaves no java behind either, and SIGTERM stops
 * everything cleanly.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../local/config';
import { freePort } from '../../../local/ports';

const aws = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
const definition = readFileSync(path.join(REPO_ROOT, 'test/fixtures/twin/restart-machine.asl.json'), 'utf8');

let dataDir: string;
let ports: { http: number; dynamodb: number; sfn: number };
let child: ChildProcess | undefined;
let output = '';

/** The `start` script as a command line: `tsx local/main.ts` (or `node --import tsx …`). */
function startCommand(): [string, string[]] {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  const [bin, ...args] = pkg.scripts.start.trim().split(/\s+/);
  return [bin === 'node' ? process.execPath : path.join(REPO_ROOT, 'node_modules/.bin', bin), args];
}

function start(): ChildProcess {
  const [bin, args] = startCommand();
  const p = spawn(bin, args, {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PORT: String(ports.http),
      DYNAMODB_PORT: String(ports.dynamodb),
      SFN_PORT: String(ports.sfn),
      MINSHENG_DATA_DIR: dataDir,
    },
    // Its own process group, so the test can kill the whole tree (tsx, node, java) at once.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  p.stdout?.on('data', (c) => {
    output += c;
  });
  p.stderr?.on('data', (c) => {
    output += c;
  });
  return p;
}

function exited(p: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (p.exitCode !== null || p.signalCode !== null)
    return Promise.resolve({ code: p.exitCode, signal: p.signalCode });
  return new Promise((resolve) => p.once('exit', (code, signal) => resolve({ code, signal })));
}

async function waitHealthy(p: ChildProcess): Promise<void> {
  const deadline = Date.now() + 240_000;
  for (;;) {
    if (p.exitCode !== null || p.signalCode !== null) throw new Error(`twin exited early:\n${output}`);
    try {
      const res = await fetch(`http://127.0.0.1:${ports.http}/api/health`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`twin not healthy in time:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; twin output:\n${output.slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function processTable(): Array<{ pid: number; ppid: number; cmd: string }> {
  const rows: Array<{ pid: number; ppid: number; cmd: string }> = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      rows.push({
        pid: Number(d),
        ppid,
        cmd: readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').join(' '),
      });
    } catch {
      // exited while listing
    }
  }
  return rows;
}

/** The process that runs main.ts itself: below any wrapper (tsx's CLI) that relays signals to it. */
function twinProcess(root: number): number {
  const table = processTable();
  let pid = root;
  for (;;) {
    const next = table.find((r) => r.ppid === pid && r.cmd.includes('local/main.ts'));
    if (!next) return pid;
    pid = next.pid;
  }
}

/** Java processes of DynamoDB Local serving this test's data folder. */
function javaPids(): number[] {
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      const argv0 = cmd.split('\0')[0];
      if (path.basename(argv0) === 'java' && cmd.includes('DynamoDBLocal.jar') && cmd.includes(dataDir)) {
        pids.push(Number(d));
      }
    } catch {
      // exited while listing
    }
  }
  return pids;
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'minsheng-restart-'));
  ports = { http: await freePort(), dynamodb: await freePort(), sfn: await freePort() };
});

afterAll(async () => {
  if (child?.pid && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // gone
    }
    await exited(child);
  }
  for (const pid of javaPids()) process.kill(pid, 'SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('the whole twin across kill -9 and restart', () => {
  it('keeps data, callbacks and timers, leaves no java behind, and stops cleanly on SIGTERM', async () => {
    child = start();
    await waitHealthy(child);

    const ddb = new DynamoDBClient({ ...aws, endpoint: `http://127.0.0.1:${ports.dynamodb}` });
    const sfn = new SFNClient({ ...aws, endpoint: `http://127.0.0.1:${ports.sfn}` });
    try {
      await ddb.send(
        new PutItemCommand({
          TableName: 'minsheng-340102',
          Item: { pk: { S: 'restart#1' }, sk: { S: 'item' }, note: { S: '重启之前写入' } },
        }),
      );
      const machine = await sfn.send(
        new CreateStateMachineCommand({
          name: 'minsheng-340102-restart-fixture',
          definition,
          roleArn: 'arn:aws:iam::000000000000:role/test',
        }),
      );
      const cb = await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: machine.stateMachineArn,
          name: 'callback',
          input: JSON.stringify({ mode: 'callback' }),
        }),
      );
      const timer = await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: machine.stateMachineArn,
          name: 'timer',
          input: JSON.stringify({ mode: 'timer' }),
        }),
      );
      // The task token, as the waiting Task state passed it to the function.
      const token = await until('the callback task', async () => {
        const h = await sfn.send(new GetExecutionHistoryCommand({ executionArn: cb.executionArn }));
        const scheduled = h.events?.find((e) => e.type === 'TaskScheduled');
        const params = scheduled?.taskScheduledEventDetails?.parameters;
        return params ? (JSON.parse(params).Payload.taskToken as string) : undefined;
      });
      await until('the timer to start waiting', async () => {
        const h = await sfn.send(new GetExecutionHistoryCommand({ executionArn: timer.executionArn }));
        return h.events?.some((e) => e.type === 'WaitStateEntered') ? true : undefined;
      });

      process.kill(-child.pid!, 'SIGKILL');
      await exited(child);
      await until('the old process tree to be gone', async () =>
        javaPids().length === 0 ? true : undefined,
      );

      output = '';
      child = start();
      await waitHealthy(child);

      const item = await ddb.send(
        new GetItemCommand({
          TableName: 'minsheng-340102',
          Key: { pk: { S: 'restart#1' }, sk: { S: 'item' } },
        }),
      );
      expect(item.Item?.note.S).toBe('重启之前写入');
      for (const arn of [cb.executionArn, timer.executionArn]) {
        expect((await sfn.send(new DescribeExecutionCommand({ executionArn: arn }))).status).toBe('RUNNING');
      }

      await sfn.send(
        new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ outcome: 'approve' }) }),
      );
      const cbDone = await until('the callback execution to finish', async () => {
        const d = await sfn.send(new DescribeExecutionCommand({ executionArn: cb.executionArn }));
        return d.status === 'RUNNING' ? undefined : d;
      });
      expect(cbDone.status).toBe('SUCCEEDED');
      expect(JSON.parse(cbDone.output!).callback).toEqual({ outcome: 'approve' });

      const moved = await fetch(`http://127.0.0.1:${ports.http}/_local/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ advanceSeconds: 3601 }),
      });
      expect(moved.status).toBe(200);
      const timerDone = await until('the timer execution to finish', async () => {
        const d = await sfn.send(new DescribeExecutionCommand({ executionArn: timer.executionArn }));
        return d.status === 'RUNNING' ? undefined : d;
      });
      expect(timerDone.status).toBe('SUCCEEDED');
      expect(JSON.parse(timerDone.output!).timer).toBe('timer fired');
    } finally {
      ddb.destroy();
      sfn.destroy();
    }

    // kill -9 of the twin's own process only: its java must not outlive it.
    expect(javaPids()).toHaveLength(1);
    process.kill(twinProcess(child.pid!), 'SIGKILL');
    await exited(child);
    await until(
      'java to stop with its parent',
      async () => (javaPids().length === 0 ? true : undefined),
      30_000,
    );

    output = '';
    child = start();
    await waitHealthy(child);
    const check = new DynamoDBClient({ ...aws, endpoint: `http://127.0.0.1:${ports.dynamodb}` });
    try {
      const again = await check.send(
        new GetItemCommand({
          TableName: 'minsheng-340102',
          Key: { pk: { S: 'restart#1' }, sk: { S: 'item' } },
        }),
      );
      expect(again.Item?.note.S).toBe('重启之前写入');
    } finally {
      check.destroy();
    }

    // SIGTERM to the twin's process, as a supervisor sends it: a clean stop, exit 0, no java left.
    process.kill(twinProcess(child.pid!), 'SIGTERM');
    const end = await exited(child);
    expect(end).toEqual({ code: 0, signal: null });
    expect(output).toContain('stopped.');
    expect(javaPids()).toEqual([]);
  });
});
