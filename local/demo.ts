/**
 * `npm run demo`: drives one county (340102 瑶海区) through the whole 二上二下 over HTTP, as the demo
 * users would in the browser: the city office opens the year, the county proposes, the lead
 * departments review (交通运输局 returns one line for revision the first time), the county revises,
 * the city office consolidates and issues the control figures, the county submits its plan within
 * them, the departments and the city office approve, and the approved lines become projects.
 *
 * Env: MINSHENG_API (default http://localhost:3000, the twin's origin), DEMO_YEAR (default next
 * year), MINSHENG_DEMO_PASSWORD (default minsheng-demo), DEMO_COUNTY (default 340102).
 * Prints what it did; exits non-zero on any failure. The driver works from the inboxes, so a demo
 * interrupted half-way continues where it stopped when run again for the same year.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** A project of the demo catalogue. */
export interface DemoProject {
  code: string;
  name: string;
  leadDept: string;
  category: 'construction' | 'subsidy';
  unit?: string;
}

/** The demo catalogue (public project names; see the file's note). */
export function demoCatalogue(): DemoProject[] {
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'demo-catalog.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { projects: DemoProject[] }).projects;
}

/** An HTTP answer. */
export interface Answer<T = any> {
  status: number;
  body: T;
}

/** A small JSON client; never throws on a status, so callers can assert refusals. */
export async function call<T = any>(
  method: string,
  url: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string>; rawBody?: string } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON; keep the text
  }
  return { status: res.status, body: parsed as T };
}

/** Throws unless the answer has one of the expected statuses. */
export function expectStatus<T>(a: Answer<T>, ...ok: number[]): Answer<T> {
  if (!ok.includes(a.status))
    throw new Error(
      `expected HTTP ${ok.join('/')}, got ${a.status}: ${JSON.stringify(a.body).slice(0, 600)}`,
    );
  return a;
}

/** Where the APIs are, from the web origin's /config.json. */
export interface Endpoints {
  origin: string;
  cityApi: string;
  countyApi(code: string): string;
}

export async function discover(origin: string): Promise<Endpoints> {
  const base = origin.replace(/\/+$/, '');
  const cfg = expectStatus(
    await call<{ cityApi: string; counties: { code: string; api: string }[] }>('GET', `${base}/config.json`),
    200,
  ).body;
  const abs = (u: string) => (u.startsWith('http') ? u : `${base}${u}`);
  return {
    origin: base,
    cityApi: abs(cfg.cityApi),
    countyApi: (code) => {
      const c = cfg.counties.find((x) => x.code === code);
      if (!c) throw new Error(`county ${code} is not served at ${base}`);
      return abs(c.api);
    },
  };
}

/** Logs in demo users on demand and keeps their tokens. */
export class Sessions {
  readonly #tokens = new Map<string, string>();
  constructor(
    private readonly cityApi: string,
    private readonly password: string,
  ) {}

  async token(username: string): Promise<string> {
    let t = this.#tokens.get(username);
    if (!t) {
      const a = expectStatus(
        await call('POST', `${this.cityApi}/auth/login`, { body: { username, password: this.password } }),
        200,
      );
      t = a.body.token as string;
      this.#tokens.set(username, t);
    }
    return t;
  }

  /** Forgets every token (after moving the twin's clock past their expiry). */
  forget(): void {
    this.#tokens.clear();
  }
}

/** The demo user who acts for an assignee org. */
export function userFor(assignee: { role: string; org: string }): string {
  if (assignee.role === 'county_office') return `county_${assignee.org}`;
  return assignee.org; // city_office and the departments log in with their org id
}

/** What the demo county proposes: lines led by departments that have demo users. */
export const DEMO_LINES: Record<
  string,
  { quantity: number; funds: [number, number, number, number]; targets: string }
> = {
  MS01: { quantity: 120000, funds: [800, 300, 200, 100], targets: '城乡居民参保率稳定在95%以上' },
  MS03: { quantity: 85000, funds: [600, 250, 150, 100], targets: '符合条件的城乡居民应保尽保' },
  MS06: { quantity: 3200, funds: [150, 80, 60, 40], targets: '困难群众救助及时足额发放' },
  MS10: { quantity: 42000, funds: [300, 120, 90, 60], targets: '营养膳食补助覆盖全部农村义务教育学生' },
  MS19: { quantity: 60, funds: [900, 400, 300, 200], targets: '新改建农村公路60公里，优良中等路率不低于85%' },
};

/** The revision after 交通运输局's return: fewer kilometres, less money. */
export const REVISED_MS19 = { quantity: 45, funds: [700, 300, 250, 150] as [number, number, number, number] };

type Line = Record<string, any> & { projectCode: string };

function fundsOf(f: [number, number, number, number]) {
  return { central: f[0], provincial: f[1], city: f[2], county: f[3] };
}

/** How the demo answers one task: outcome, data, comment. */
export function demoDecision(view: any): { outcome: string; data: any; comment?: string } {
  const lines: Line[] = (view.data?.lines ?? []) as Line[];
  switch (view.formId) {
    case 'alloc-proposal': {
      const chosen = lines.filter((l) => DEMO_LINES[l.projectCode]);
      const revised = view.attempt > 1;
      return {
        outcome: 'submit',
        comment: revised ? '已按交通运输局意见核减农村公路里程' : undefined,
        data: {
          lines: chosen.map((l) => {
            const d = DEMO_LINES[l.projectCode];
            const isRevised = revised && l.projectCode === 'MS19';
            return {
              ...l,
              quantity: isRevised ? REVISED_MS19.quantity : d.quantity,
              targets: d.targets,
              funds: fundsOf(isRevised ? REVISED_MS19.funds : d.funds),
            };
          }),
          note: '瑶海区民生工程申报',
        },
      };
    }
    case 'alloc-review': {
      const returnIt = view.step === 'deptReview' && view.assignee.org === 'dept_jt' && view.attempt === 1;
      if (returnIt) {
        return {
          outcome: 'return',
          comment: '农村公路建设规模偏大，请核减',
          data: {
            lines: lines.map((l) => ({
              ...l,
              decision: 'return',
              comment: '建设里程与资金需求偏大，请按实际需求核减',
            })),
            overallComment: '退回修改',
          },
        };
      }
      return { outcome: 'approve', data: { lines: lines.map((l) => ({ ...l, decision: 'approve' })) } };
    }
    case 'alloc-control':
      return { outcome: 'submit', data: view.data };
    case 'alloc-plan':
      return {
        outcome: 'submit',
        data: {
          lines: lines.map((l) => ({
            ...l,
            responsibleUnit: l.responsibleUnit || `瑶海区${l.projectName}实施单位`,
          })),
        },
      };
    case 'alloc-approval':
      return {
        outcome: 'approve',
        comment: '同意',
        data: { lines: lines.map((l) => ({ ...l, decision: 'approve' })), comment: '同意' },
      };
    default:
      throw new Error(`the demo does not know form ${view.formId}`);
  }
}

/** Options of a demo run. */
export interface DemoOptions {
  origin: string;
  year: number;
  county: string;
  password: string;
  /** Open the round for these counties only (default: every county). */
  roundCounties?: string[];
  projects?: DemoProject[];
  log?: (line: string) => void;
  /** Give up after this long (ms). */
  timeoutMs?: number;
}

/** What a run did. */
export interface DemoResult {
  steps: { step: string; user: string; outcome: string; attempt: number }[];
  projects: any[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the demo flow; throws on the first failure. */
export async function runDemo(o: DemoOptions): Promise<DemoResult> {
  const log = o.log ?? ((l: string) => console.log(l));
  const ep = await discover(o.origin);
  const sessions = new Sessions(ep.cityApi, o.password);
  const countyApi = ep.countyApi(o.county);
  const projects = o.projects ?? demoCatalogue();
  const deadline = Date.now() + (o.timeoutMs ?? 180_000);

  const city = await sessions.token('city_office');
  const opened = await call('POST', `${ep.cityApi}/allocation-rounds`, {
    token: city,
    body: { year: o.year, projects, ...(o.roundCounties ? { counties: o.roundCounties } : {}) },
  });
  if (opened.status === 202)
    log(`市民生办 opened the ${o.year} allocation round with ${projects.length} catalogue projects`);
  else if (opened.status === 409)
    log(`the ${o.year} round was open already; continuing with county ${o.county}`);
  else expectStatus(opened, 202, 409);

  const actors = ['county_office', 'city_office', 'dept_jt', 'dept_yb', 'dept_mz', 'dept_rs', 'dept_jy'].map(
    (u) => (u === 'county_office' ? `county_${o.county}` : u),
  );
  const steps: DemoResult['steps'] = [];
  const done = new Set<string>();
  for (;;) {
    if (Date.now() > deadline)
      throw new Error(`timed out; steps so far: ${steps.map((s) => s.step).join(' -> ')}`);
    let worked = false;
    for (const user of actors) {
      const token = await sessions.token(user);
      const inbox = expectStatus(await call('GET', `${ep.cityApi}/tasks?status=open`, { token }), 200).body;
      for (const item of inbox.items as any[]) {
        if (item.county !== o.county || item.year !== o.year || done.has(item.id)) continue;
        const view = await call('GET', `${countyApi}/tasks/${item.id}`, { token });
        expectStatus(view, 200);
        if (view.body.status !== 'open') {
          done.add(item.id);
          continue;
        }
        const decision = demoDecision(view.body);
        const res = await call('POST', `${countyApi}/tasks/${item.id}/complete`, {
          token,
          body: decision,
          headers: { 'idempotency-key': randomUUID() },
        });
        if (res.status === 409 && res.body?.code === 'TaskAlreadyCompleted') {
          done.add(item.id);
          continue;
        }
        expectStatus(res, 200);
        done.add(item.id);
        worked = true;
        steps.push({ step: view.body.step, user, outcome: decision.outcome, attempt: view.body.attempt });
        log(
          `${user.padEnd(14)} ${view.body.title.zh}（第${view.body.attempt}次）: ${decision.outcome}${decision.comment ? ` — ${decision.comment}` : ''}`,
        );
      }
    }
    if (worked) continue;
    const round = expectStatus(
      await call('GET', `${ep.cityApi}/allocation-rounds/${o.year}`, { token: city }),
      200,
    ).body;
    const mine = (round.counties as any[]).find((c) => c.county === o.county);
    if (mine?.status === 'completed') break;
    if (mine?.status === 'failed') throw new Error(`the allocation of ${o.county} failed`);
    await sleep(250);
  }

  let list: any[] = [];
  while (Date.now() < deadline) {
    const res = expectStatus(
      await call('GET', `${ep.cityApi}/projects?year=${o.year}`, { token: city }),
      200,
    ).body;
    list = (res.items as any[]).filter((p) => p.county === o.county);
    if (list.length > 0) break;
    await sleep(250);
  }
  if (list.length === 0) throw new Error('no projects appeared in the city list');
  log(`${o.county} allocation complete: ${list.length} projects`);
  for (const p of list) {
    log(
      `  ${p.code} ${p.name}  ${p.quantity}${p.unit ?? ''}  中央${p.funds.central} 省${p.funds.provincial} 市${p.funds.city} 县${p.funds.county} = ${p.total} 万元`,
    );
  }
  const county = await sessions.token(`county_${o.county}`);
  const sample = list.find((p) => p.code === 'MS19') ?? list[0];
  const history = expectStatus(
    await call('GET', `${countyApi}/projects/${sample.id}/history`, { token: county }),
    200,
  ).body;
  log(`history of ${sample.code}: ${history.items.length} entries`);
  for (const h of history.items as any[]) log(`  ${h.at}  ${h.by.name}  ${h.summary}`);
  return { steps, projects: list };
}

async function main(): Promise<void> {
  const origin = process.env.MINSHENG_API ?? 'http://localhost:3000';
  const year = Number(process.env.DEMO_YEAR ?? new Date().getFullYear() + 1);
  if (!Number.isInteger(year)) throw new Error('DEMO_YEAR must be a year');
  const county = process.env.DEMO_COUNTY ?? '340102';
  console.log(`Minsheng demo: 二上二下 for ${county}, year ${year}, against ${origin}`);
  const res = await runDemo({
    origin,
    year,
    county,
    password: process.env.MINSHENG_DEMO_PASSWORD ?? 'minsheng-demo',
  });
  console.log(`done: ${res.steps.length} tasks completed, ${res.projects.length} projects created`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e) => {
    console.error(`demo failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
