/**
 * Every refusal of the allocation API (401/403/404/400/409/413, unknown fields, oversize strings,
 * page sizes) leaves everything as it was; and a walk over the whole route table × every demo role ×
 * both counties' APIs, checking who gets through. The county of a caller comes from its token only.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { keys } from '../../../functions/core/keys';
import type { Project } from '../../../functions/core/project';
import { projectFromLine } from '../../../functions/kits/allocation/projects';
import { ROUTES } from '../../../functions/routes';
import {
  call,
  catalogue,
  expectStatus,
  type FoundTask,
  type Harness,
  openRound,
  startHarness,
  waitTask,
} from './helpers';

const A = '340102';
const B = '340103';
const YEAR = 2027;
let h: Harness;
let task: FoundTask;
let project: Project;

beforeAll(async () => {
  h = await startHarness([A, B]);
  expectStatus(await openRound(h, YEAR, [A]), 202);
  task = await waitTask(h, `county_${A}`, A, YEAR, 'proposal');
  // A project of county A led by 交通运输局, written as CreateProjects writes it.
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ ...h.twin.aws, endpoint: h.twin.endpoints.dynamodb }),
  );
  const road = catalogue().find((p) => p.code === 'MS19')!;
  project = projectFromLine(
    {
      workflowId: 'allocation',
      subject: `Y${YEAR}`,
      attempt: 1,
      stack: A,
      year: YEAR,
      countyName: '瑶海区',
      status: 'running',
      startedAt: '',
      version: 1,
      workflowVersion: 1,
      input: { year: YEAR, projects: catalogue() },
    },
    {
      projectCode: road.code,
      projectName: road.name,
      category: road.category,
      leadDept: road.leadDept,
      quantity: 10,
      funds: { central: 1, provincial: 1, city: 1, county: 1 },
    },
    'fixture',
    new Date().toISOString(),
  );
  await db.send(
    new PutCommand({
      TableName: `minsheng-${A}`,
      Item: {
        ...keys.project(project.id),
        ...keys.projectByYear(YEAR, road.code),
        kind: 'project',
        ...project,
      },
    }),
  );
  db.destroy();
});

afterAll(async () => {
  await h?.close();
});

const taskUrl = (county = A) => `${h.countyApi(county)}/tasks/${task.id}`;

/** The task as its assignee sees it: status, version, draft. */
async function snapshot() {
  const v = expectStatus(await call('GET', taskUrl(), { token: task.token }), 200).body;
  return { status: v.status, version: v.version, draft: v.draft, data: v.data };
}

describe('refusals change nothing', () => {
  let before: Awaited<ReturnType<typeof snapshot>>;
  beforeAll(async () => {
    before = await snapshot();
  });

  test('401 without a token, or with a forged one, on every JWT route', async () => {
    for (const r of ROUTES.filter((x) => x.auth === 'jwt')) {
      const base = r.api === 'city' ? h.cityApi : h.countyApi(A);
      const url = base + r.path.replace('{id}', task.id).replace('{year}', String(YEAR));
      expect((await call(r.method, url)).status, `${r.method} ${r.path}`).toBe(401);
      const forged = `${task.token.split('.').slice(0, 2).join('.')}.AAAA`;
      expect((await call(r.method, url, { token: forged })).status, `${r.method} ${r.path} forged`).toBe(401);
    }
  });

  test('a wrong password is 401 Unauthorized', async () => {
    const res = await call('POST', `${h.cityApi}/auth/login`, {
      body: { username: 'city_office', password: 'wrong' },
    });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('Unauthorized');
  });

  test('400 for malformed bodies, unknown fields, oversize strings and bad headers', async () => {
    const t = task.token;
    const post = (
      body: unknown,
      headers: Record<string, string> = { 'idempotency-key': 'refusal-key-0001' },
      rawBody?: string,
    ) =>
      call('POST', `${taskUrl()}/complete`, {
        token: t,
        body: rawBody ? undefined : body,
        rawBody,
        headers: rawBody ? { ...headers, 'content-type': 'application/json' } : headers,
      });
    const cases: [string, Awaited<ReturnType<typeof post>>, string][] = [
      ['invalid JSON', await post(undefined, undefined, '{"outcome":'), ''],
      ['unknown field', await post({ outcome: 'submit', data: before.data, extra: 1 }), '/extra'],
      [
        'oversize comment',
        await post({ outcome: 'submit', data: before.data, comment: '长'.repeat(2001) }),
        '/comment',
      ],
      ['bad outcome', await post({ outcome: 'maybe', data: before.data }), '/outcome'],
      ['missing data', await post({ outcome: 'submit' }), '/data'],
      ['outcome not allowed here', await post({ outcome: 'approve', data: before.data }), '/outcome'],
      [
        'no idempotency key',
        await post({ outcome: 'submit', data: before.data }, {}),
        '/headers/idempotency-key',
      ],
      [
        'form data against the schema',
        await post({ outcome: 'submit', data: { lines: [], sneaky: true } }),
        '',
      ],
    ];
    for (const [name, res, path] of cases) {
      expect(res.status, name).toBe(400);
      expect(res.body.code, name).toBe('ValidationFailed');
      if (path)
        expect(
          res.body.errors.map((e: any) => e.path),
          name,
        ).toContain(path);
      for (const e of res.body.errors) expect(e.message, name).toMatch(/[\u4e00-\u9fa5]/);
    }
    const oversizeField = await post({
      outcome: 'submit',
      data: { lines: [{ ...before.data.lines[0], targets: 'x'.repeat(2001) }] },
    });
    expect(oversizeField.status).toBe(400);
    expect(oversizeField.body.errors.map((e: any) => e.path)).toContain('/lines/0/targets');
    const draftUnknown = await call('PUT', `${taskUrl()}/draft`, {
      token: t,
      body: { data: {}, version: 3 },
    });
    expect(draftUnknown.status).toBe(400);
    expect(draftUnknown.body.errors).toEqual([
      { path: '/version', message: expect.stringContaining('不允许的字段') },
    ]);
  });

  test('413 for a body over the limit', async () => {
    const res = await call('PUT', `${taskUrl()}/draft`, {
      token: task.token,
      body: { data: { blob: 'x'.repeat(300 * 1024) } },
    });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ code: 'PayloadTooLarge', message: expect.any(String) });
  });

  test('page sizes, statuses, tokens and query parameters are checked', async () => {
    const t = await h.token('city_office');
    for (const q of [
      'limit=0',
      'limit=101',
      'limit=abc',
      'status=bogus',
      'nextToken=%%%',
      'nextToken=eyJwIjo5fQ',
      'colour=red',
    ]) {
      const res = await call('GET', `${h.cityApi}/tasks?${q}`, { token: t });
      expect(res.status, q).toBe(400);
      expect(res.body.code, q).toBe('ValidationFailed');
    }
    expect((await call('GET', `${h.cityApi}/projects`, { token: t })).status).toBe(400);
    expect((await call('GET', `${h.cityApi}/projects?year=2027&limit=1000`, { token: t })).status).toBe(400);
    expect((await call('GET', `${h.cityApi}/tasks?limit=100`, { token: t })).status).toBe(200);
  });

  test('a forged page token cannot read another partition', async () => {
    const t = await h.token('county_340103');
    const forged = Buffer.from(
      JSON.stringify({
        p: 0,
        k: { pk: 'INBOX#x', sk: 'TASK', gsi1pk: 'INBOX#county_office#340102#open', gsi1sk: '0' },
      }),
    ).toString('base64url');
    const res = await call('GET', `${h.cityApi}/tasks?nextToken=${forged}`, { token: t });
    expect(res.status).toBe(400);
  });

  test('404 for what does not exist, 409 for a second round of the same year', async () => {
    const county = task.token;
    expect(
      (await call('GET', `${h.countyApi(A)}/tasks/0123456789abcdef01234567`, { token: county })).status,
    ).toBe(404);
    expect((await call('GET', `${h.countyApi(A)}/tasks/..%2F..%2Fetc`, { token: county })).status).toBe(404);
    expect((await call('GET', `${h.countyApi(A)}/projects/${YEAR}-NOPE`, { token: county })).status).toBe(
      404,
    );
    expect(
      (await call('GET', `${h.cityApi}/allocation-rounds/2099`, { token: await h.token('city_office') }))
        .status,
    ).toBe(404);
    const again = await openRound(h, YEAR, [A]);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('RoundAlreadyOpen');
  });

  test('403 for a round opened by anyone but the city office', async () => {
    for (const user of ['dept_jt', `county_${A}`, 'admin', 'supervisor_1']) {
      const res = await call('POST', `${h.cityApi}/allocation-rounds`, {
        token: await h.token(user),
        body: { year: 2031, projects: catalogue() },
      });
      expect(res.status, user).toBe(403);
    }
    expect(
      (await call('GET', `${h.cityApi}/allocation-rounds/2031`, { token: await h.token('city_office') }))
        .status,
    ).toBe(404);
  });

  test('after all of that the task is exactly as it was', async () => {
    expect(await snapshot()).toEqual(before);
    expect(before).toMatchObject({ status: 'open', version: 1, draft: null });
  });
});

describe('route × role × county', () => {
  const USERS = [
    'city_office',
    'dept_jt',
    'dept_yb',
    `county_${A}`,
    `county_${B}`,
    'unit_340102',
    'supervisor_1',
    'admin',
  ] as const;
  type User = (typeof USERS)[number];

  /** Expected status per county route and user, on county A's API (the task and project are A's). */
  const onA: Record<string, Record<User, number>> = {
    'GET /tasks/{id}': {
      city_office: 200,
      dept_jt: 404,
      dept_yb: 404,
      county_340102: 200,
      county_340103: 403,
      unit_340102: 404,
      supervisor_1: 404,
      admin: 200,
    },
    'PUT /tasks/{id}/draft': {
      city_office: 403,
      dept_jt: 404,
      dept_yb: 404,
      county_340102: 200,
      county_340103: 403,
      unit_340102: 404,
      supervisor_1: 404,
      admin: 403,
    },
    // The assignee passes authorization and meets validation (an outcome this step does not allow).
    'POST /tasks/{id}/complete': {
      city_office: 403,
      dept_jt: 404,
      dept_yb: 404,
      county_340102: 400,
      county_340103: 403,
      unit_340102: 404,
      supervisor_1: 404,
      admin: 403,
    },
    'GET /projects/{id}': {
      city_office: 200,
      dept_jt: 200,
      dept_yb: 404,
      county_340102: 200,
      county_340103: 403,
      unit_340102: 200,
      supervisor_1: 200,
      admin: 200,
    },
    'GET /projects/{id}/history': {
      city_office: 200,
      dept_jt: 200,
      dept_yb: 404,
      county_340102: 200,
      county_340103: 403,
      unit_340102: 200,
      supervisor_1: 200,
      admin: 200,
    },
  };

  function request(
    r: (typeof ROUTES)[number],
    county: string,
  ): { url: string; body?: unknown; headers?: Record<string, string> } {
    const base = r.api === 'city' ? h.cityApi : h.countyApi(county);
    const id = r.path.startsWith('/projects/')
      ? project.id
      : r.path.startsWith('/workflows/')
        ? 'allocation'
        : r.path.startsWith('/notifications/')
          ? `${task.id}-reminder`
          : task.id;
    const url = base + r.path.replace('{id}', id).replace('{year}', String(YEAR));
    if (r.path === '/tasks/{id}/draft') return { url, body: { data: { lines: [] } } };
    if (r.path === '/tasks/{id}/complete')
      return {
        url,
        body: { outcome: 'approve', data: { lines: [] } },
        headers: { 'idempotency-key': 'walk-key-0001' },
      };
    if (r.path === '/allocation-rounds')
      return { url, body: { year: 2032, projects: catalogue(), counties: [B] } };
    if (r.path === '/workflows/{id}/instances' && r.method === 'POST')
      return { url, body: { input: { year: 2033, projects: catalogue() }, counties: [B] } };
    if (r.path === '/workflows/{id}/instances') return { url: `${url}?subject=Y${YEAR}` };
    if (r.path === '/projects') return { url: `${url}?year=${YEAR}` };
    if (r.path === '/auth/login') return { url, body: { username: 'admin', password: 'minsheng-demo' } };
    return { url };
  }

  test('every route answers each role as the policy says, on both counties’ APIs', async () => {
    const seen: string[] = [];
    for (const r of ROUTES) {
      const key = `${r.method} ${r.path}`;
      for (const user of USERS) {
        const token = await h.token(user);
        for (const county of r.api === 'city' ? [A] : [A, B]) {
          const req = request(r, county);
          const res = await call(r.method, req.url, { token, body: req.body, headers: req.headers });
          let expected: number;
          if (r.path === '/health' || r.path === '/auth/login') expected = 200;
          else if (r.api === 'city' && r.path.startsWith('/tasks/{id}')) {
            expected = 404; // the task API of the city stack: A's task is not the city's
          } else if (r.api === 'city') {
            expected =
              r.path === '/allocation-rounds' || key === 'POST /workflows/{id}/instances'
                ? user === 'city_office'
                  ? 202
                  : 403
                : r.path === '/notifications/{id}/read'
                  ? 404 // nobody was notified of anything yet
                  : 200;
          } else if (county === A) expected = onA[key][user];
          else expected = user === `county_${A}` || user === 'unit_340102' ? 403 : 404; // B's API knows nothing of A's ids
          expect(
            res.status,
            `${key} as ${user} on ${county}: ${JSON.stringify(res.body).slice(0, 200)}`,
          ).toBe(expected);
          seen.push(`${r.api} ${key}`);
        }
      }
    }
    expect(new Set(seen).size).toBe(ROUTES.length);
  });

  test('county users see only their county in lists, whatever they ask', async () => {
    const b = await h.token(`county_${B}`);
    const inbox = expectStatus(await call('GET', `${h.cityApi}/tasks?status=open`, { token: b }), 200).body;
    expect((inbox.items as any[]).filter((i) => i.year === YEAR)).toEqual([]);
    // What B does see is its own (the round and the manual start the walk made for B alone).
    expect(new Set((inbox.items as any[]).map((i) => i.county))).toEqual(new Set([B]));
    expect((inbox.items as any[]).map((i) => i.year).sort()).toEqual([2032, 2033]);
    const round = expectStatus(
      await call('GET', `${h.cityApi}/allocation-rounds/${YEAR}`, { token: b }),
      200,
    ).body;
    expect(round.counties.map((c: any) => c.county)).toEqual([]);
    const a = expectStatus(
      await call('GET', `${h.cityApi}/allocation-rounds/${YEAR}`, { token: task.token }),
      200,
    ).body;
    expect(a.counties.map((c: any) => c.county)).toEqual([A]);
  });
});
