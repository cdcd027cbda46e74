/**
 * A decision is recorded and the execution resumed exactly once: repeats with the same
 * Idempotency-Key, double clicks, two people at once, and a process killed between the write and
 * the resume (recovered by the client's retry and by the sweeper).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { keys, SUBMISSION_PREFIX } from '../../../functions/core/keys';
import {
  approveAll,
  call,
  complete,
  eventually,
  expectStatus,
  type FoundTask,
  type Harness,
  openRound,
  proposalData,
  startHarness,
  waitTask,
} from './helpers';

const COUNTY = '340102';
const YEAR = 2027;
let h: Harness;
let db: DynamoDBDocumentClient;
const table = `minsheng-${COUNTY}`;

beforeAll(async () => {
  h = await startHarness([COUNTY]);
  db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ ...h.twin.aws, endpoint: h.twin.endpoints.dynamodb }),
  );
  expectStatus(await openRound(h, YEAR, [COUNTY]), 202);
});

afterAll(async () => {
  db?.destroy();
  await h?.close();
});

async function openTasks(user: string, step: string): Promise<any[]> {
  const inbox = expectStatus(
    await call('GET', `${h.cityApi}/tasks?status=open`, { token: await h.token(user) }),
    200,
  ).body;
  return (inbox.items as any[]).filter((i) => i.year === YEAR && i.step === step);
}

async function submissionsOf(taskId: string): Promise<number> {
  const { queryAll } = await import('../../../functions/core/db');
  const items = await queryAll(db, table, keys.runPartition('allocation', `Y${YEAR}`, 1), {
    prefix: SUBMISSION_PREFIX,
    consistent: true,
  });
  return items.filter((i) => i.taskId === taskId).length;
}

async function marker(taskId: string) {
  return (
    await db.send(new GetCommand({ TableName: table, Key: keys.resumeMarker(taskId), ConsistentRead: true }))
  ).Item;
}

async function taskItem(taskId: string) {
  return (await db.send(new GetCommand({ TableName: table, Key: keys.task(taskId), ConsistentRead: true })))
    .Item;
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

/**
 * Runs the CompleteTask function (the bundle the twin built, as Lambda would run it) in a fresh
 * process with the fault hook that kills it right after the decision's transaction.
 */
async function completeAndCrash(
  t: FoundTask,
  body: unknown,
  key: string,
): Promise<{ code: number | null; signal: string | null }> {
  const bundle = path.join(h.twin.dataDir, 'build', 'functions', 'CompleteTask.mjs');
  expect(existsSync(bundle)).toBe(true);
  const event = {
    version: '2.0',
    routeKey: 'POST /tasks/{id}/complete',
    rawPath: `/tasks/${t.id}/complete`,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    pathParameters: { id: t.id },
    requestContext: {
      authorizer: { jwt: { claims: claimsOf(t.token), scopes: [] } },
      http: { method: 'POST' },
    },
    body: JSON.stringify(body),
    isBase64Encoded: false,
  };
  const script = `const { handler } = await import(${JSON.stringify(`file://${bundle}`)});
const res = await handler(JSON.parse(process.env.EVENT), { awsRequestId: 'crash-test' });
console.log(JSON.stringify(res));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: {
        ...h.twin.functionEnv(COUNTY),
        PATH: process.env.PATH ?? '',
        EVENT: JSON.stringify(event),
        MINSHENG_FAULT: 'after-complete-write',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code && code !== 0 ? reject(new Error(`child failed (${code}): ${err}`)) : resolve({ code, signal }),
    );
  });
}

describe('repeats and races', () => {
  test('a repeat with the same Idempotency-Key returns the first answer and applies nothing twice', async () => {
    const t = await waitTask(h, `county_${COUNTY}`, COUNTY, YEAR, 'proposal');
    const body = { outcome: 'submit', data: proposalData(t.view) };
    const first = expectStatus(await complete(h, t, body, 'double-click-0001'), 200);
    const again = expectStatus(await complete(h, t, body, 'double-click-0001'), 200);
    expect(again.body).toEqual(first.body);
    const other = await complete(h, t, { ...body, comment: '改了' }, 'double-click-0001');
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('IdempotencyKeyReused');
    const late = await complete(h, t, body, 'another-key-0001');
    expect(late.status).toBe(409);
    expect(late.body).toEqual({ code: 'TaskAlreadyCompleted', message: expect.any(String) });
    expect(await submissionsOf(t.id)).toBe(1);
    // The execution moved on once: one review per lead department.
    await waitTask(h, 'dept_jt', COUNTY, YEAR, 'deptReview');
    expect(await openTasks('dept_jt', 'deptReview')).toHaveLength(1);
  });

  test('a double click (same key at the same moment) gets the same answer twice', async () => {
    const t = await waitTask(h, 'dept_jt', COUNTY, YEAR, 'deptReview');
    const body = { outcome: 'approve', data: approveAll(t.view) };
    const [a, b] = await Promise.all([
      complete(h, t, body, 'same-moment-0001'),
      complete(h, t, body, 'same-moment-0001'),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body).toEqual(b.body);
    expect(await submissionsOf(t.id)).toBe(1);
  });

  test('two completions with different keys at once: one wins, the other gets 409', async () => {
    const t = await waitTask(h, 'dept_mz', COUNTY, YEAR, 'deptReview');
    const body = { outcome: 'approve', data: approveAll(t.view) };
    const answers = await Promise.all([
      complete(h, t, body, 'race-key-a-0001'),
      complete(h, t, body, 'race-key-b-0001'),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(answers.find((a) => a.status === 409)?.body.code).toBe('TaskAlreadyCompleted');
    expect(await submissionsOf(t.id)).toBe(1);
  });
});

describe('a crash between the write and the resume', () => {
  test("the client's retry with the same key recovers: first answer, execution resumed once", async () => {
    const t = await waitTask(h, 'dept_yb', COUNTY, YEAR, 'deptReview');
    const body = { outcome: 'approve', data: approveAll(t.view) };
    const died = await completeAndCrash(t, body, 'crash-retry-0001');
    expect(died.signal).toBe('SIGKILL');
    // The decision is recorded, the resume is pending, the workflow has not moved.
    expect((await taskItem(t.id))?.status).toBe('done');
    expect(await marker(t.id)).toMatchObject({ taskId: t.id, output: { outcome: 'approve' } });
    expect(await openTasks('city_office', 'cityReview')).toHaveLength(0);

    const retry = expectStatus(await complete(h, t, body, 'crash-retry-0001'), 200);
    expect(retry.body).toMatchObject({ id: t.id, status: 'done', outcome: 'approve' });
    expect(await marker(t.id)).toBeUndefined();
    await waitTask(h, 'city_office', COUNTY, YEAR, 'cityReview');
    expect(await openTasks('city_office', 'cityReview')).toHaveLength(1);
    expect(await submissionsOf(t.id)).toBe(1);
  });

  test('the sweeper delivers a marker left behind, and a marker delivered twice applies once', async () => {
    const t = await waitTask(h, 'city_office', COUNTY, YEAR, 'cityReview');
    const died = await completeAndCrash(
      t,
      { outcome: 'approve', data: approveAll(t.view) },
      'crash-sweep-0001',
    );
    expect(died.signal).toBe('SIGKILL');
    const left = await marker(t.id);
    expect(left).toBeDefined();

    const swept = await h.twin.lambda.invoke(`minsheng-${COUNTY}-Sweeper`, { minAgeMs: 0 });
    expect(swept.functionError).toBeUndefined();
    expect(await marker(t.id)).toBeUndefined();
    await waitTask(h, 'city_office', COUNTY, YEAR, 'control');

    // A crash after SendTaskSuccess but before the marker was removed: delivering again changes nothing.
    await db.send(new PutCommand({ TableName: table, Item: left as Record<string, unknown> }));
    const again = await h.twin.lambda.invoke(`minsheng-${COUNTY}-Sweeper`, { minAgeMs: 0 });
    expect(again.payload).toMatchObject({ resumed: 1, failed: 0 });
    expect(await marker(t.id)).toBeUndefined();
    const control = await eventually(async () => {
      const open = await openTasks('city_office', 'control');
      return open.length ? open : undefined;
    }, 'control task');
    expect(control).toHaveLength(1);
    const history = expectStatus(
      await call('GET', `${h.countyApi(COUNTY)}/tasks/${control[0].id}`, {
        token: await h.token('city_office'),
      }),
      200,
    );
    expect(history.body.status).toBe('open');
  });
});

describe('the city read model', () => {
  test('a late or duplicate task event never regresses the inbox', async () => {
    const city = await h.token('city_office');
    const done = expectStatus(await call('GET', `${h.cityApi}/tasks?status=done`, { token: city }), 200).body
      .items as any[];
    const item = done.find((i) => i.step === 'cityReview');
    expect(item).toMatchObject({ status: 'done', version: 2 });
    // The TaskOpened of version 1 arrives again, late.
    const stale = { ...item, status: 'open', version: 1, completedAt: undefined, outcome: undefined };
    const res = await h.twin.lambda.invoke('minsheng-city-InboxProjector', {
      'detail-type': 'TaskOpened',
      source: 'minsheng.county',
      detail: { eventId: 'late-duplicate-1', task: stale },
    });
    expect(res.payload).toEqual({ applied: false });
    const open = expectStatus(await call('GET', `${h.cityApi}/tasks?status=open`, { token: city }), 200).body
      .items as any[];
    expect(open.find((i) => i.id === item.id)).toBeUndefined();
    const again = expectStatus(await call('GET', `${h.cityApi}/tasks?status=done`, { token: city }), 200).body
      .items as any[];
    expect(again.find((i) => i.id === item.id)).toMatchObject({ status: 'done', version: 2 });
  });
});
