/**
 * Hostile bodies get a field error (400), a 413 or a 415 through real HTTP on the twin, never a 500,
 * and nothing is stored: numbers DynamoDB cannot store (above 2^53 in magnitude, non-zero below
 * 1e-130, `1e309` which JSON turns into Infinity) in drafts and submissions, a 7 MB body, a deeply
 * nested login body, and bodies that are not declared `application/json`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  call,
  expectStatus,
  type FoundTask,
  type Harness,
  openRound,
  PASSWORD,
  proposalData,
  startHarness,
  waitTask,
} from './helpers';

const A = '340102';
const YEAR = 2027;
let h: Harness;
let task: FoundTask;

interface NumberCase {
  name: string;
  /** The number as it appears in the JSON text. */
  literal: string;
}
const NUMBERS = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../../fixtures/api/unstorable-numbers.json'), 'utf8'),
) as NumberCase[];

beforeAll(async () => {
  h = await startHarness([A]);
  expectStatus(await openRound(h, YEAR, [A]), 202);
  task = await waitTask(h, `county_${A}`, A, YEAR, 'proposal');
});

afterAll(async () => {
  await h?.close();
});

const taskUrl = () => `${h.countyApi(A)}/tasks/${task.id}`;

async function snapshot() {
  const v = expectStatus(await call('GET', taskUrl(), { token: task.token }), 200).body;
  return { status: v.status, version: v.version, draft: v.draft };
}

/** A JSON text of `value` where the marker string is replaced by a raw number literal. */
function withLiteral(value: unknown, literal: string): string {
  return JSON.stringify(value).replace('"__NUMBER__"', literal);
}

describe('numbers DynamoDB cannot store are field errors', () => {
  let before: Awaited<ReturnType<typeof snapshot>>;
  beforeAll(async () => {
    before = await snapshot();
  });

  test.each(NUMBERS)('a draft holding $name ($literal) is 400 at the number’s path', async ({ literal }) => {
    const data = proposalData(task.view);
    data.lines[0].quantity = '__NUMBER__';
    const res = await call('PUT', `${taskUrl()}/draft`, {
      token: task.token,
      rawBody: withLiteral({ data }, literal),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('ValidationFailed');
    expect(res.body.errors).toEqual([
      { path: '/data/lines/0/quantity', message: expect.stringMatching(/[\u4e00-\u9fa5]/) },
    ]);
  });

  test.each(NUMBERS)(
    'a submission holding $name ($literal) is 400 at the number’s path',
    async ({ literal }) => {
      const data = proposalData(task.view);
      data.lines[1].funds.central = '__NUMBER__';
      const res = await call('POST', `${taskUrl()}/complete`, {
        token: task.token,
        rawBody: withLiteral({ outcome: 'submit', data }, literal),
        headers: { 'content-type': 'application/json', 'idempotency-key': 'numbers-key-0001' },
      });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('ValidationFailed');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['/data/lines/1/funds/central']);
    },
  );

  test('a free-form draft field deep inside the data is checked too', async () => {
    const res = await call('PUT', `${taskUrl()}/draft`, {
      token: task.token,
      rawBody: '{"data":{"notes":{"a":[1,2,{"b":1e400}]}}}',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['/data/notes/a/2/b']);
  });

  test('the largest safe integer, zero and 1e-130 are stored as they are', async () => {
    const data = { lines: [], notes: { big: 9007199254740991, zero: 0, small: 1e-130, negative: -1e-130 } };
    expectStatus(await call('PUT', `${taskUrl()}/draft`, { token: task.token, body: { data } }), 200);
    const view = expectStatus(await call('GET', taskUrl(), { token: task.token }), 200).body;
    expect(view.draft).not.toBeNull();
    expect(view.data.notes).toEqual(data.notes);
    // Back to the state the other tests compare against.
    before = await snapshot();
  });

  test('after the refusals the task is as it was', async () => {
    for (const { literal } of NUMBERS) {
      await call('PUT', `${taskUrl()}/draft`, {
        token: task.token,
        rawBody: `{"data":{"lines":[],"x":${literal}}}`,
        headers: { 'content-type': 'application/json' },
      });
    }
    expect(await snapshot()).toEqual(before);
  });
});

describe('size and nesting', () => {
  test('a 7 MB draft is refused with 413 by the gateway', async () => {
    const before = await snapshot();
    const res = await call('PUT', `${taskUrl()}/draft`, {
      token: task.token,
      body: { data: { blob: 'x'.repeat(7 * 1024 * 1024) } },
    });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ message: 'Request Entity Too Large' });
    expect(await snapshot()).toEqual(before);
  });

  test('a 7 MB body streamed without Content-Length is refused with 413 as well', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let sent = 0;
    const before = await snapshot();
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent >= 7 * 1024 * 1024) c.close();
        else {
          c.enqueue(chunk);
          sent += chunk.length;
        }
      },
    });
    const res = await fetch(`${taskUrl()}/draft`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${task.token}`, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await snapshot()).toEqual(before);
  });

  test.each([
    ['arrays in the username', (n: number) => `{"username":${'['.repeat(n)}${']'.repeat(n)},"password":"x"}`],
    [
      'objects in an unknown field',
      (n: number) => `{"username":"admin","password":"x","p":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`,
    ],
    ['a bare nested array', (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`],
  ])('a login body nesting %s 40 000 levels deep is 400', async (_name, body) => {
    const res = await call('POST', `${h.cityApi}/auth/login`, {
      // 40 000 levels stay under the 256 KB body limit (a larger body is a 413 first).
      rawBody: body(40_000),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('ValidationFailed');
  });
});

describe('media types', () => {
  const login = JSON.stringify({ username: 'admin', password: PASSWORD });

  test.each([
    'text/plain',
    'text/plain;charset=UTF-8',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/xml',
  ])('a body sent as %s is 415 UnsupportedMediaType', async (type) => {
    const res = await call('POST', `${h.cityApi}/auth/login`, {
      rawBody: login,
      headers: { 'content-type': type },
    });
    expect(res.status).toBe(415);
    expect(res.body).toEqual({
      code: 'UnsupportedMediaType',
      message: expect.stringMatching(/[\u4e00-\u9fa5]/),
    });
  });

  test('a body without a Content-Type is 415 too', async () => {
    const res = await fetch(`${taskUrl()}/draft`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${task.token}` },
      body: new Blob(['{"data":{"lines":[]}}']),
    });
    expect(res.status).toBe(415);
  });

  test('application/json with a charset is accepted', async () => {
    const res = await call('POST', `${h.cityApi}/auth/login`, {
      rawBody: login,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(res.status).toBe(200);
  });
});
