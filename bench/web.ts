/**
 * Web app figures: first-load JS (gzip) of the built app, time to interactive of the inbox on the
 * twin (Chromium, cold cache, median of several loads), and typing latency in a 300-line 二上 table.
 * Run alone with `npx tsx bench/web.ts`, or through `npm run bench -- web`. Writes bench/results/web.json.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { buildWeb, CHROMIUM, CHROMIUM_ARGS, REPO, requireChromium } from '../test/e2e/browser';
import { isMain, type Row, startBenchTwin, writeResult } from './lib';

const DIST = path.join(REPO, 'web/dist');
const LOADS = Number(process.env.WEB_BENCH_LOADS ?? 7);
const LINES = 300;
const KEYSTROKES = 30;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length
    ? s.length % 2
      ? s[(s.length - 1) / 2]
      : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
    : Number.NaN;
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

/** The JS and CSS index.html loads before anything else (entry + modulepreloads), raw and gzip. */
export function firstLoadSizes(dist = DIST) {
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
  const files = refs.map((r) => {
    const buf = readFileSync(path.join(dist, r));
    return { file: r, raw: buf.length, gzip: gzipSync(buf, { level: 9 }).length };
  });
  const sum = (kind: string, k: 'raw' | 'gzip') =>
    files.filter((f) => f.file.endsWith(kind)).reduce((s, f) => s + f[k], 0);
  return { files, jsRaw: sum('.js', 'raw'), jsGzip: sum('.js', 'gzip'), cssGzip: sum('.css', 'gzip') };
}

/** The lazily loaded chunk of the task page (form renderer + validators), gzip. */
function taskChunkGzip(dist = DIST): number {
  const assets = path.join(dist, 'assets');
  const f = readdirSync(assets).find((n) => n.startsWith('TaskPage-') && n.endsWith('.js'));
  return f ? gzipSync(readFileSync(path.join(assets, f)), { level: 9 }).length : Number.NaN;
}

/** A 二上 task with `n` lines and its control figures, as GET /tasks/{id} returns it. */
function bigPlanTask(n: number, year: number) {
  const plan = JSON.parse(readFileSync(path.join(REPO, 'forms/definitions/alloc-plan/v1.json'), 'utf8'));
  const lines = Array.from({ length: n }, (_, i) => ({
    projectCode: `P${String(i).padStart(4, '0')}`,
    projectName: `民生项目 ${i + 1}`,
    category: 'subsidy',
    leadDept: 'dept_mz',
    crossYear: false,
    quantity: 100 + i,
    unit: '人',
    targets: '完成年度目标任务',
    funds: { central: 10, provincial: 5, city: 3, county: 2 },
    matching: { city: 3, county: 2 },
    schedule: Array.from({ length: 12 }, (_, m) => ({
      month: m + 1,
      progressPct: Math.round(((m + 1) * 1000) / 12) / 10,
      disbursed: Math.round(((m + 1) * 2000) / 12) / 100,
    })),
    responsibleUnit: '区民政局',
    deadline: `${year}-11-30`,
  }));
  const control = {
    lines: lines.map((l) => ({
      projectCode: l.projectCode,
      projectName: l.projectName,
      category: l.category,
      leadDept: l.leadDept,
      targetQuantity: l.quantity,
      unit: l.unit,
      targets: l.targets,
      control: { ...l.funds },
    })),
  };
  return {
    id: 'bench-300',
    county: '340102',
    countyName: '瑶海区',
    year,
    step: 'plan',
    title: { zh: '二上：县区报送实施方案', en: 'Round 2 up' },
    formId: plan.id,
    formVersion: plan.version,
    status: 'open',
    dueAt: `${year}-04-30T16:00:00.000Z`,
    allowedOutcomes: ['submit'],
    canComplete: true,
    form: {
      id: plan.id,
      version: plan.version,
      title: plan.title,
      schema: plan.schema,
      uiSchema: plan.uiSchema,
      i18n: plan.i18n,
    },
    data: { lines },
    draft: null,
    returns: [],
    previousRounds: [
      {
        step: 'control',
        formId: 'alloc-control',
        formVersion: 1,
        attempt: 1,
        at: `${year}-03-01T00:00:00.000Z`,
        data: control,
      },
    ],
  };
}

export async function run(): Promise<Row[]> {
  requireChromium();
  buildWeb();
  const sizes = firstLoadSizes();
  const taskGzip = taskChunkGzip();
  const bench = await startBenchTwin('ms-bench-web-', '340102');
  const { twin } = bench;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const year = new Date().getFullYear() + 1;
  try {
    // A round, so the county's inbox has a task to show.
    const cityToken = await twin.login('city_office');
    const res = await fetch(`${twin.cityApi}/allocation-rounds`, {
      method: 'POST',
      headers: { authorization: `Bearer ${cityToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        year,
        projects: [{ code: 'MS07', name: '养老服务和智慧养老', leadDept: 'dept_mz', category: 'subsidy' }],
        counties: ['340102'],
      }),
    });
    if (res.status !== 202) throw new Error(`open round: HTTP ${res.status} ${await res.text()}`);
    const token = await twin.login('county_340102');
    for (let i = 0; ; i++) {
      const inbox = (await (
        await fetch(`${twin.cityApi}/tasks?status=open`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as { items?: unknown[] };
      if (inbox.items?.length) break;
      if (i > 60) throw new Error('the county inbox stayed empty');
      await new Promise((r) => setTimeout(r, 500));
    }
    const session = JSON.stringify({ token, user: { username: 'county_340102', groups: ['county_office'] } });

    // Time to interactive of the inbox: cold cache, signed in, until the rows are on screen and the main thread is idle.
    const tti: number[] = [];
    const dcl: number[] = [];
    for (let i = 0; i < LOADS; i++) {
      const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 900 } });
      await ctx.addInitScript((s) => localStorage.setItem('minsheng.session', s), session);
      const page = await ctx.newPage();
      await page.goto(`${twin.url}/#/inbox`);
      await page.locator('a.task-link').first().waitFor({ timeout: 60_000 });
      const t = await page.evaluate(
        () =>
          new Promise<{ tti: number; dcl: number }>((resolve) =>
            requestIdleCallback(() => {
              const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
              resolve({ tti: performance.now(), dcl: nav.domContentLoadedEventEnd });
            }),
          ),
      );
      if (i > 0) {
        // The first load warms the twin's functions; it is not what a user sees.
        tti.push(t.tti);
        dcl.push(t.dcl);
      }
      await ctx.close();
    }

    // Typing in a 300-line plan: the task comes from a fixture, the rest of the app is the real one on the twin.
    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 900 } });
    await ctx.addInitScript((s) => localStorage.setItem('minsheng.session', s), session);
    const page = await ctx.newPage();
    const task = bigPlanTask(LINES, year);
    await page.route('**/county/340102/api/tasks/bench-300', (r) => r.fulfill({ json: task }));
    await page.route('**/county/340102/api/tasks/bench-300/draft', (r) =>
      r.fulfill({ json: { id: 'bench-300', savedAt: new Date().toISOString() } }),
    );
    await page.goto(`${twin.url}/#/inbox`);
    await page.locator('a.task-link').first().waitFor();
    const t0 = Date.now();
    await page.evaluate(() => {
      window.location.hash = '#/tasks/340102/bench-300';
    });
    await page.locator('#root_lines_0_targets').waitFor({ timeout: 120_000 });
    const taskLoadMs = Date.now() - t0;
    await page.locator('#root_lines_3_targets').click();
    const keys: number[] = [];
    for (let i = 0; i < KEYSTROKES; i++) {
      keys.push(
        await page.evaluate(async () => {
          const el = document.activeElement as HTMLTextAreaElement;
          const start = performance.now();
          // What a keystroke does: the input event React listens to, then wait until the frame after it is painted.
          const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!;
          setter.call(el, `${el.value}x`);
          el.dispatchEvent(new Event('input', { bubbles: true }));
          await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
          return performance.now() - start;
        }),
      );
    }
    const typed = await page.locator('#root_lines_3_targets').inputValue();
    if (!typed.endsWith('x'.repeat(KEYSTROKES))) throw new Error('typing did not reach the form');
    const steady = keys.slice(3);
    await ctx.close();

    const rows: Row[] = [
      {
        suite: 'web',
        metric: 'first-load JS (gzip)',
        value: Math.round(sizes.jsGzip / 1024),
        unit: 'KiB',
        note: `${sizes.files.filter((f) => f.file.endsWith('.js')).length} files, ${Math.round(sizes.jsRaw / 1024)} KiB raw; CSS ${Math.round(sizes.cssGzip / 1024)} KiB gzip`,
      },
      {
        suite: 'web',
        metric: 'task page chunk (gzip, lazy)',
        value: Math.round(taskGzip / 1024),
        unit: 'KiB',
        note: 'rjsf + antd form widgets + shared validators',
      },
      {
        suite: 'web',
        metric: 'inbox time to interactive (p50)',
        value: Math.round(median(tti)),
        unit: 'ms',
        note: `cold cache, median of ${tti.length} loads; DOMContentLoaded p50 ${Math.round(median(dcl))} ms`,
      },
      {
        suite: 'web',
        metric: `task load, ${LINES} lines`,
        value: taskLoadMs,
        unit: 'ms',
        note: '二上 plan with 12-month schedules, first page of lines rendered',
      },
      {
        suite: 'web',
        metric: `keystroke, ${LINES}-line table (p50)`,
        value: Math.round(median(steady)),
        unit: 'ms',
        note: `p95 ${Math.round(pct(steady, 95))} ms, first 3 keystrokes ${keys
          .slice(0, 3)
          .map((k) => Math.round(k))
          .join('/')} ms`,
      },
    ];
    await writeResult('web', {
      rows,
      detail: {
        firstLoad: sizes,
        taskChunkGzip: taskGzip,
        ttiMs: tti,
        dclMs: dcl,
        taskLoadMs,
        keystrokeMs: keys,
      },
    });
    return rows;
  } finally {
    await browser.close().catch(() => {});
    await bench.close();
  }
}

if (isMain(import.meta.url)) {
  run().then(
    (rows) => {
      for (const r of rows) console.log(`${r.metric}: ${r.value} ${r.unit}${r.note ? ` (${r.note})` : ''}`);
    },
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
