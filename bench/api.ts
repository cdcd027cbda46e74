/**
 * Allocation API benchmark (`npx tsx bench/api.ts`, or `npm run bench -- api`), on a twin with one
 * county (340102), DynamoDB Local underneath:
 * - GET /tasks (the city inbox) at 50 concurrent connections (autocannon): p50/p99, requests/s;
 * - POST /tasks/{id}/complete at 50 concurrent connections, each request completing a different
 *   open 一上 task of a real execution (the resume, the next steps' OpenTask and the events run
 *   behind it, as in production): p50/p99, requests/s;
 * - each function's bundle (esbuild, minified, ESM, AWS SDK bundled, as CDK's NodejsFunction builds
 *   it) and its cold start in a fresh process: module load + first invocation, beside the Lambda
 *   Node 22 hello-world cold start of about 130 ms.
 * Writes bench/results/api.json.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, stat, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import autocannon from 'autocannon';
import * as esbuild from 'esbuild';
import { keys } from '../functions/core/keys';
import { FUNCTIONS } from '../functions/registry';
import {
  call,
  DEMO_LINES,
  demoCatalogue,
  demoDecision,
  discover,
  expectStatus,
  Sessions,
} from '../local/demo';
import { BENCH_DIR, isMain, type Row, startBenchTwin, writeResult } from './lib';

const root = path.resolve(BENCH_DIR, '..');
const COUNTY = '340102';
const CONNECTIONS = 50;
/** Open tasks prepared for the completion run (one allocation round per year). */
const TASKS = Number(process.env.API_BENCH_TASKS ?? 100);
const FIRST_YEAR = 2000;
const HELLO_WORLD_COLD_MS = 130;

interface Load {
  p50: number;
  p99: number;
  rps: number;
  requests: number;
  non2xx: number;
  errors: number;
}

function summarise(r: autocannon.Result): Load {
  return {
    p50: r.latency.p50,
    p99: r.latency.p99,
    rps: r.requests.average,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
  };
}

/** The p99 and requests/s rows of a load run (the note counts non-2xx answers, if any). */
function p99AndThroughput(label: string, load: Load): Row[] {
  return [
    { suite: 'api', metric: `${label} p99`, value: load.p99, unit: 'ms' },
    {
      suite: 'api',
      metric: `${label} throughput`,
      value: load.rps,
      unit: 'req/s',
      note: load.non2xx ? `${load.non2xx} non-2xx` : undefined,
    },
  ];
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Bundles one function as CDK would (minified ESM, SDK included) and returns the file and its size. */
async function bundle(entry: string, outDir: string, id: string): Promise<{ file: string; bytes: number }> {
  const file = path.join(outDir, `${id}.mjs`);
  await esbuild.build({
    entryPoints: [path.join(root, entry)],
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    outfile: file,
    logLevel: 'silent',
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
  return { file, bytes: (await stat(file)).size };
}

/** Loads a bundle in a fresh Node process and invokes it once; times both inside the process. */
function coldStart(
  file: string,
  env: Record<string, string>,
  event: unknown,
): Promise<{ loadMs: number; invokeMs: number; processMs: number; ok: boolean }> {
  const script = `const t0 = performance.now();
const mod = await import(${JSON.stringify(pathToFileURL(file).href)});
const t1 = performance.now();
let ok = true;
try { await mod.handler(JSON.parse(process.env.BENCH_EVENT), { awsRequestId: 'bench', getRemainingTimeInMillis: () => 30000 }); } catch { ok = false; }
const t2 = performance.now();
process.stdout.write('\\nBENCH_RESULT ' + JSON.stringify({ loadMs: t1 - t0, invokeMs: t2 - t1, ok }) + '\\n');`;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...env, PATH: process.env.PATH ?? '', BENCH_EVENT: JSON.stringify(event ?? {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('exit', () => {
      try {
        const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
        resolve({
          ...JSON.parse(line?.slice('BENCH_RESULT '.length) ?? ''),
          processMs: performance.now() - started,
        });
      } catch {
        reject(new Error(`cold start of ${file} failed: ${err.slice(0, 500)}`));
      }
    });
  });
}

/** Runs the suite; returns its rows and writes bench/results/api.json. */
export async function run(): Promise<Row[]> {
  const bench = await startBenchTwin('minsheng-bench-api-', COUNTY);
  const { twin, dataDir } = bench;
  const rows: Row[] = [];
  const details: Record<string, unknown> = {};
  try {
    const ep = await discover(twin.url);
    const sessions = new Sessions(ep.cityApi, 'minsheng-demo');
    const city = await sessions.token('city_office');
    const county = await sessions.token(`county_${COUNTY}`);
    const projects = demoCatalogue();

    // One round per year: each starts a real execution whose 一上 task lands in the county's inbox.
    for (let i = 0; i < TASKS; i++) {
      expectStatus(
        await call('POST', `${ep.cityApi}/allocation-rounds`, {
          token: city,
          body: { year: FIRST_YEAR + i, projects, counties: [COUNTY] },
        }),
        202,
      );
    }
    const ids: string[] = [];
    const deadline = Date.now() + 600_000;
    for (;;) {
      ids.length = 0;
      let next: string | undefined;
      do {
        const page = expectStatus(
          await call('GET', `${ep.cityApi}/tasks?status=open&limit=100${next ? `&nextToken=${next}` : ''}`, {
            token: county,
          }),
          200,
        ).body;
        ids.push(
          ...(page.items as { id: string; step: string }[])
            .filter((t) => t.step === 'proposal')
            .map((t) => t.id),
        );
        next = page.nextToken;
      } while (next);
      if (ids.length >= TASKS) break;
      if (Date.now() > deadline) throw new Error(`only ${ids.length} of ${TASKS} tasks opened`);
      await sleep(500);
    }

    // Bundles and cold starts, before any load (the twin is idle). CompleteTask's first invocation
    // completes the first task for real, so the load runs below use the others.
    const view = expectStatus(
      await call('GET', `${ep.countyApi(COUNTY)}/tasks/${ids[0]}`, { token: county }),
      200,
    ).body;
    const body = JSON.stringify(demoDecision(view));
    const outDir = path.join(dataDir, 'bench-bundles');
    await mkdir(outDir, { recursive: true });
    await symlink(path.join(root, 'node_modules'), path.join(outDir, 'node_modules'), 'junction').catch(
      () => {},
    );
    const db = DynamoDBDocumentClient.from(
      new DynamoDBClient({ ...twin.aws, endpoint: twin.endpoints.dynamodb }),
    );
    const openTaskItem = (
      await db.send(new GetCommand({ TableName: `minsheng-${COUNTY}`, Key: keys.task(ids[0]) }))
    ).Item as Record<string, any>;
    db.destroy();
    const http = (routeKey: string, token: string | undefined, extra: Record<string, unknown> = {}) => ({
      version: '2.0',
      routeKey,
      rawPath: '/',
      headers: { 'content-type': 'application/json' },
      requestContext: {
        http: { method: routeKey.split(' ')[0] },
        ...(token ? { authorizer: { jwt: { claims: claimsOf(token) } } } : {}),
      },
      isBase64Encoded: false,
      ...extra,
    });
    const events: Record<string, unknown> = {
      Health: http('GET /health', undefined),
      AuthLogin: http('POST /auth/login', undefined, {
        body: JSON.stringify({ username: 'city_office', password: 'minsheng-demo' }),
      }),
      Me: http('GET /me', city),
      OpenRound: http('POST /allocation-rounds', city, {
        body: JSON.stringify({ year: FIRST_YEAR, projects }),
      }),
      GetRound: http('GET /allocation-rounds/{year}', city, { pathParameters: { year: String(FIRST_YEAR) } }),
      ListInbox: http('GET /tasks', county, { queryStringParameters: { status: 'open' } }),
      ListProjects: http('GET /projects', city, { queryStringParameters: { year: String(FIRST_YEAR) } }),
      GetTask: http('GET /tasks/{id}', county, { pathParameters: { id: ids[0] } }),
      SaveDraft: http('PUT /tasks/{id}/draft', county, {
        pathParameters: { id: ids[0] },
        body: JSON.stringify({ data: {} }),
      }),
      CompleteTask: http('POST /tasks/{id}/complete', county, {
        pathParameters: { id: ids[0] },
        headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body,
      }),
      GetProject: http('GET /projects/{id}', county, { pathParameters: { id: `${FIRST_YEAR}-MS01` } }),
      GetProjectHistory: http('GET /projects/{id}/history', county, {
        pathParameters: { id: `${FIRST_YEAR}-MS01` },
      }),
      OpenTask: {
        kind: 'openTask',
        taskToken: openTaskItem.token,
        execution: { year: FIRST_YEAR },
        assignee: {},
      },
      CreateProjects: { kind: 'system', step: 'createProjects', execution: { year: 1999 } },
      StartAllocation: {
        'detail-type': 'AllocationRoundOpened',
        source: 'minsheng.city',
        detail: { year: FIRST_YEAR, roundId: String(FIRST_YEAR), projects, counties: [{ code: COUNTY }] },
      },
      InboxProjector: {
        'detail-type': 'AllocationStepChanged',
        detail: {
          eventId: 'bench',
          county: COUNTY,
          year: FIRST_YEAR,
          status: 'running',
          openSteps: [],
          step: 'x',
          change: 'opened',
          version: 0,
          at: '',
        },
      },
      ProjectReadModel: {
        'detail-type': 'ProjectCreated',
        detail: {
          eventId: 'bench',
          project: { id: 'bench', county: COUNTY, year: 1999, code: 'X', leadDept: 'dept_jt', version: 0 },
        },
      },
      Sweeper: { minAgeMs: 600_000 },
    };
    const cold: Record<string, unknown> = {};
    for (const fn of FUNCTIONS) {
      const stack = (fn.stacks as readonly string[]).includes('county') ? COUNTY : 'city';
      const b = await bundle(fn.entry, outDir, fn.id);
      const env = twin.functionEnv(stack);
      const samples = [];
      for (let i = 0; i < 3; i++) samples.push(await coldStart(b.file, env, events[fn.id] ?? {}));
      samples.sort((x, y) => x.loadMs + x.invokeMs - (y.loadMs + y.invokeMs));
      const med = samples[1];
      cold[fn.id] = { bytes: b.bytes, ...med, samples };
      rows.push({
        suite: 'api',
        metric: `${fn.id} bundle / cold start`,
        value: `${(b.bytes / 1024).toFixed(0)} KiB / ${Math.round(med.loadMs + med.invokeMs)} ms`,
        unit: 'KiB / ms',
        note: `load ${Math.round(med.loadMs)} + first invoke ${Math.round(med.invokeMs)} ms (process ${Math.round(med.processMs)} ms)${events[fn.id] ? '' : ', no sample event'}; Lambda hello-world ≈${HELLO_WORLD_COLD_MS} ms`,
      });
    }
    details.coldStarts = cold;

    // Baseline: GET /me goes through the same gateway, JWT check, worker and middy chain, no DynamoDB.
    const me = summarise(
      await autocannon({
        url: `${ep.cityApi}/me`,
        connections: CONNECTIONS,
        duration: 5,
        headers: { authorization: `Bearer ${county}` },
      }),
    );
    details.me = me;
    rows.push({
      suite: 'api',
      metric: 'GET /me (no DynamoDB) p50 / p99',
      value: `${me.p50} / ${me.p99}`,
      unit: 'ms',
      note: `${Math.round(me.rps)} req/s: the twin's gateway + JWT + worker overhead`,
    });

    // Inbox: the county office's list of 100 open tasks (a page of 50).
    const inbox = summarise(
      await autocannon({
        url: `${ep.cityApi}/tasks?status=open`,
        connections: CONNECTIONS,
        duration: 10,
        headers: { authorization: `Bearer ${county}` },
      }),
    );
    details.inbox = inbox;
    rows.push(
      {
        suite: 'api',
        metric: 'GET /tasks p50',
        value: inbox.p50,
        unit: 'ms',
        note: `${CONNECTIONS} connections, ${inbox.requests} requests`,
      },
      ...p99AndThroughput('GET /tasks', inbox),
    );

    // Completion: every request completes a different task with a valid 一上 (five lines). First a
    // few one at a time (the latency of a lone user), then the rest at 50 connections.
    const completeRun = async (taskIds: string[], connections: number) => {
      let n = 0;
      return summarise(
        await autocannon({
          url: ep.countyApi(COUNTY),
          connections: Math.min(connections, taskIds.length),
          amount: taskIds.length,
          timeout: 60,
          requests: [
            {
              method: 'POST',
              setupRequest: (req) => {
                const id = taskIds[n++ % taskIds.length];
                return {
                  ...req,
                  path: `${new URL(ep.countyApi(COUNTY)).pathname}/tasks/${id}/complete`,
                  headers: {
                    authorization: `Bearer ${county}`,
                    'content-type': 'application/json',
                    'idempotency-key': randomUUID(),
                  },
                  body,
                };
              },
            },
          ],
        }),
      );
    };
    const rest = ids.slice(1);
    const SOLO = Math.min(10, Math.floor(rest.length / 5));
    const solo = await completeRun(rest.slice(0, SOLO), 1);
    await sleep(3000); // let the opened reviews settle before the concurrent run
    const completion = await completeRun(rest.slice(SOLO), CONNECTIONS);
    details.completionSolo = solo;
    details.completion = completion;
    rows.push(
      {
        suite: 'api',
        metric: 'complete task p50, 1 connection',
        value: solo.p50,
        unit: 'ms',
        note: `${solo.requests} tasks one at a time`,
      },
      {
        suite: 'api',
        metric: 'complete task p50',
        value: completion.p50,
        unit: 'ms',
        note: `${Math.min(CONNECTIONS, rest.length - SOLO)} connections, ${completion.requests} tasks, ${Object.keys(DEMO_LINES).length} lines each`,
      },
      ...p99AndThroughput('complete task', completion),
    );
  } finally {
    await bench.close();
  }
  await writeResult('api', {
    node: process.version,
    cpus: os.cpus().length,
    connections: CONNECTIONS,
    tasks: TASKS,
    rows,
    details,
  });
  return rows;
}

if (isMain(import.meta.url)) {
  const rows = await run();
  for (const r of rows)
    console.log(`${r.metric.padEnd(34)} ${String(r.value).padStart(18)} ${r.unit.padEnd(9)} ${r.note ?? ''}`);
}
