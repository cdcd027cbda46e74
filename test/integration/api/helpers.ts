/**
 * Shared harness of the API integration tests: one twin per test file (ephemeral ports, a temporary
 * data folder, a subset of counties), demo users' sessions, and small steps of the allocation flow
 * driven over HTTP exactly as the web app does it.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type Answer,
  call,
  type DemoProject,
  discover,
  type Endpoints,
  expectStatus,
  Sessions,
} from '../../../local/demo';
import { startTwin, type Twin } from '../../../local/twin';

export { call, expectStatus };

export const PASSWORD = 'minsheng-demo';

/** The three-project catalogue of the tests (MS01 医保 dept_yb, MS06 民政 dept_mz, MS19 农村路 dept_jt). */
export function catalogue(): DemoProject[] {
  const file = path.resolve(import.meta.dirname, '../../fixtures/api/catalogue.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { projects: DemoProject[] }).projects;
}

export interface Harness {
  twin: Twin;
  ep: Endpoints;
  sessions: Sessions;
  token(user: string): Promise<string>;
  cityApi: string;
  countyApi(code: string): string;
  close(): Promise<void>;
}

/** Starts a twin for `counties` on free ports in a fresh folder. */
export async function startHarness(
  counties: string[],
  opts: { functionEnv?: Record<string, string>; extraKits?: string[] } = {},
): Promise<Harness> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'minsheng-api-'));
  const twin = await startTwin({
    port: 0,
    dynamodbPort: 0,
    sfnPort: 0,
    dataDir,
    counties,
    log: () => {},
    functionEnv: opts.functionEnv,
    extraKits: opts.extraKits,
  });
  const ep = await discover(twin.url);
  const sessions = new Sessions(ep.cityApi, PASSWORD);
  return {
    twin,
    ep,
    sessions,
    token: (u) => sessions.token(u),
    cityApi: ep.cityApi,
    countyApi: (c) => ep.countyApi(c),
    close: async () => {
      await twin.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(150);
  }
}

/** Opens a round for `counties` with the test catalogue. */
export async function openRound(
  h: Harness,
  year: number,
  counties: string[],
  projects = catalogue(),
): Promise<Answer> {
  return call('POST', `${h.cityApi}/allocation-rounds`, {
    token: await h.token('city_office'),
    body: { year, projects, counties },
  });
}

/** A task found in a user's inbox, with its full view from the county API. */
export interface FoundTask {
  id: string;
  user: string;
  token: string;
  county: string;
  view: any;
}

/** Waits until `user`'s city inbox holds an open task of (county, year, step) and reads it. */
export async function waitTask(
  h: Harness,
  user: string,
  county: string,
  year: number,
  step: string,
): Promise<FoundTask> {
  const token = await h.token(user);
  const item = await eventually(async () => {
    const inbox = expectStatus(await call('GET', `${h.cityApi}/tasks?status=open`, { token }), 200).body;
    return (inbox.items as any[]).find((i) => i.county === county && i.year === year && i.step === step);
  }, `${step} task of ${county}/${year} in ${user}'s inbox`);
  const view = expectStatus(
    await call('GET', `${h.countyApi(county)}/tasks/${item.id}`, { token }),
    200,
  ).body;
  return { id: item.id, user, token, county, view };
}

/** Completes a task with a fresh Idempotency-Key (or the given one). */
export async function complete(
  h: Harness,
  t: FoundTask,
  body: Record<string, unknown>,
  key: string = randomUUID(),
): Promise<Answer> {
  const api = t.county === 'city' ? h.cityApi : h.countyApi(t.county);
  return call('POST', `${api}/tasks/${t.id}/complete`, {
    token: t.token,
    body,
    headers: { 'idempotency-key': key },
  });
}

type Line = Record<string, any> & { projectCode: string };

/** A valid 一上 from the prefill: every catalogue line with quantities and funds. */
export function proposalData(view: any, tweak: (l: Line) => Partial<Line> = () => ({})): any {
  return {
    lines: (view.data.lines as Line[]).map((l, i) => ({
      ...l,
      quantity: 100 + i,
      targets: `目标 ${l.projectCode}`,
      funds: { central: 100, provincial: 50, city: 30, county: 20 },
      ...tweak(l),
    })),
  };
}

/** Every line approved, from a review/approval prefill. */
export function approveAll(view: any): any {
  return { lines: (view.data.lines as Line[]).map((l) => ({ ...l, decision: 'approve' })) };
}

/** Every line returned with a comment. */
export function returnAll(view: any, comment: string): any {
  return { lines: (view.data.lines as Line[]).map((l) => ({ ...l, decision: 'return', comment })) };
}

/** A valid 二上 from the prefill (within the control figures). */
export function planData(view: any): any {
  return {
    lines: (view.data.lines as Line[]).map((l) => ({ ...l, responsibleUnit: `${l.projectName}实施单位` })),
  };
}

/** The demo users acting for each lead department of the test catalogue. */
export const DEPTS = ['dept_jt', 'dept_mz', 'dept_yb'] as const;

/**
 * Drives (county, year) from the open proposal through a clean pass to the point named: each step
 * done by its demo user with valid data. Returns the last task completed.
 */
export async function driveTo(
  h: Harness,
  county: string,
  year: number,
  until: 'proposal' | 'deptReview' | 'cityReview' | 'control' | 'plan' | 'deptApproval' | 'cityApproval',
): Promise<void> {
  const order = ['proposal', 'deptReview', 'cityReview', 'control', 'plan', 'deptApproval', 'cityApproval'];
  const countyUser = `county_${county}`;
  for (const step of order.slice(0, order.indexOf(until) + 1)) {
    if (step === 'deptReview' || step === 'deptApproval') {
      for (const d of DEPTS) {
        const t = await waitTask(h, d, county, year, step);
        expectStatus(await complete(h, t, { outcome: 'approve', data: approveAll(t.view) }), 200);
      }
      continue;
    }
    const user = step === 'proposal' || step === 'plan' ? countyUser : 'city_office';
    const t = await waitTask(h, user, county, year, step);
    const body =
      step === 'proposal'
        ? { outcome: 'submit', data: proposalData(t.view) }
        : step === 'plan'
          ? { outcome: 'submit', data: planData(t.view) }
          : step === 'control'
            ? { outcome: 'submit', data: t.view.data }
            : { outcome: 'approve', data: approveAll(t.view) };
    expectStatus(await complete(h, t, body), 200);
  }
}
