/**
 * 二上二下 end to end on the twin, over HTTP as the demo users act: the whole flow with one return
 * (the demo itself), and every other return path of the workflow.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runDemo } from '../../../local/demo';
import {
  approveAll,
  call,
  catalogue,
  complete,
  driveTo,
  eventually,
  expectStatus,
  type Harness,
  openRound,
  planData,
  returnAll,
  startHarness,
  waitTask,
} from './helpers';

let h: Harness;

beforeAll(async () => {
  h = await startHarness(['340102', '340103']);
});

afterAll(async () => {
  await h?.close();
});

describe('the whole 二上二下 of one county', () => {
  const year = 2027;
  let demo: Awaited<ReturnType<typeof runDemo>>;

  beforeAll(async () => {
    demo = await runDemo({
      origin: h.twin.url,
      year,
      county: '340102',
      password: 'minsheng-demo',
      roundCounties: ['340102'],
      projects: catalogue(),
      log: () => {},
      timeoutMs: 150_000,
    });
  });

  test('runs every step in order, with 交通运输局 returning the proposal once', () => {
    const seq = demo.steps.map((s) => `${s.step}:${s.outcome}`);
    expect(seq[0]).toBe('proposal:submit');
    expect(
      demo.steps.find((s) => s.user === 'dept_jt' && s.step === 'deptReview' && s.attempt === 1)?.outcome,
    ).toBe('return');
    expect(demo.steps.filter((s) => s.step === 'proposal').map((s) => s.attempt)).toEqual([1, 2]);
    expect(seq.at(-1)).toBe('cityApproval:approve');
    expect(seq).toContain('control:submit');
    expect(seq).toContain('plan:submit');
  });

  test('the approved lines become the county projects, with a fund account per source', async () => {
    expect(demo.projects.map((p) => p.code).sort()).toEqual(['MS01', 'MS06', 'MS19']);
    const road = demo.projects.find((p) => p.code === 'MS19');
    expect(road.quantity).toBe(45); // the revised figure, not the first proposal's 60
    expect(road.funds).toEqual({ central: 700, provincial: 300, city: 250, county: 150 });
    const county = await h.token('county_340102');
    const one = expectStatus(
      await call('GET', `${h.countyApi('340102')}/projects/${road.id}`, { token: county }),
      200,
    ).body;
    expect(one.accounts).toEqual({
      central: { planned: 700, received: 0, disbursed: 0 },
      provincial: { planned: 300, received: 0, disbursed: 0 },
      city: { planned: 250, received: 0, disbursed: 0 },
      county: { planned: 150, received: 0, disbursed: 0 },
    });
    expect(one.total).toBe(1400);
    expect(one.county).toBe('340102');
  });

  test('the history says who changed the line, when, and in which round', async () => {
    const county = await h.token('county_340102');
    const hist = expectStatus(
      await call('GET', `${h.countyApi('340102')}/projects/${year}-MS19/history`, { token: county }),
      200,
    ).body;
    const steps = (hist.items as any[]).map((e) => `${e.round.step}#${e.round.attempt ?? ''}`);
    expect(steps.slice(0, 3)).toEqual(['proposal#1', 'deptReview#1', 'proposal#2']);
    expect(hist.items[0].values.quantity).toBe(60);
    expect(hist.items[2].values.quantity).toBe(45);
    expect(hist.items[1].by.org).toBe('dept_jt');
    expect(hist.items.at(-1).action).toBe('project.created');
  });

  test('the round shows the county completed, and inboxes hold the done tasks', async () => {
    const city = await h.token('city_office');
    const round = expectStatus(
      await call('GET', `${h.cityApi}/allocation-rounds/${year}`, { token: city }),
      200,
    ).body;
    expect(round.counties).toEqual([
      expect.objectContaining({ county: '340102', status: 'completed', openSteps: [], projectCount: 3 }),
    ]);
    const county = await h.token('county_340102');
    const done = expectStatus(
      await call('GET', `${h.cityApi}/tasks?status=done`, { token: county }),
      200,
    ).body;
    expect(
      (done.items as any[])
        .filter((t) => t.year === year)
        .map((t) => t.step)
        .sort(),
    ).toEqual(['plan', 'proposal', 'proposal']);
    const open = expectStatus(
      await call('GET', `${h.cityApi}/tasks?status=open`, { token: county }),
      200,
    ).body;
    expect((open.items as any[]).filter((t) => t.year === year)).toEqual([]);
  });

  test('lists page with nextToken: small pages add up to the whole list, without repeats', async () => {
    const county = await h.token('county_340102');
    const whole = expectStatus(
      await call('GET', `${h.cityApi}/tasks?status=done&limit=100`, { token: county }),
      200,
    ).body;
    expect(whole.nextToken).toBeUndefined();
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = expectStatus(
        await call('GET', `${h.cityApi}/tasks?status=done&limit=1${token ? `&nextToken=${token}` : ''}`, {
          token: county,
        }),
        200,
      ).body;
      expect(page.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.items.map((i: any) => i.id));
      token = page.nextToken;
      pages += 1;
    } while (token && pages < 20);
    expect(seen).toEqual(whole.items.map((i: any) => i.id));
    const done = whole.items as any[];
    // Done tasks come newest first.
    expect([...done].sort((a, b) => (a.completedAt < b.completedAt ? 1 : -1)).map((t) => t.id)).toEqual(
      done.map((t) => t.id),
    );
  });

  test('each caller lists only the projects it may see', async () => {
    const list = async (user: string) =>
      (
        expectStatus(
          await call('GET', `${h.cityApi}/projects?year=${year}`, { token: await h.token(user) }),
          200,
        ).body.items as any[]
      ).map((p) => `${p.county}:${p.code}`);
    expect(await list('city_office')).toEqual(['340102:MS01', '340102:MS06', '340102:MS19']);
    expect(await list('dept_jt')).toEqual(['340102:MS19']);
    expect(await list('dept_yb')).toEqual(['340102:MS01']);
    expect(await list('county_340102')).toHaveLength(3);
    expect(await list('county_340103')).toEqual([]);
    expect(await list('dept_rs')).toEqual([]);
  });
});

describe('every return path', () => {
  test('city office consolidation returns the proposal; the reopened task shows the comments and the earlier round', async () => {
    const year = 2028;
    expectStatus(await openRound(h, year, ['340103']), 202);
    await driveTo(h, '340103', year, 'deptReview');
    const review = await waitTask(h, 'city_office', '340103', year, 'cityReview');
    expect(review.view.previous.map((r: any) => r.step)).toEqual(['proposal']);
    expectStatus(
      await complete(h, review, {
        outcome: 'return',
        data: returnAll(review.view, '资金来源结构不合理'),
        comment: '请调整',
      }),
      200,
    );

    const again = await waitTask(h, 'county_340103', '340103', year, 'proposal');
    expect(again.view.attempt).toBe(2);
    expect(again.view.returns).toEqual([
      expect.objectContaining({
        step: 'cityReview',
        org: 'city_office',
        comment: '请调整',
        lines: expect.arrayContaining([
          expect.objectContaining({ key: 'MS19', comment: '资金来源结构不合理' }),
        ]),
      }),
    ]);
    // The county starts from what it submitted, and sees that round for comparison.
    expect(again.view.data.lines[0].quantity).toBe(100);
    expect(again.view.previous).toHaveLength(1);
    expect(again.view.previous[0]).toMatchObject({ step: 'proposal', attempt: 1 });
  });

  test('a lead department returns the 二上 plan; the city office then returns it to the proposal', async () => {
    const year = 2029;
    expectStatus(await openRound(h, year, ['340103']), 202);
    await driveTo(h, '340103', year, 'plan');

    const jt = await waitTask(h, 'dept_jt', '340103', year, 'deptApproval');
    expect(jt.view.data.lines.map((l: any) => l.projectCode)).toEqual(['MS19']); // only its own lines
    expectStatus(
      await complete(h, jt, { outcome: 'return', data: returnAll(jt.view, '进度计划过于集中') }),
      200,
    );
    for (const d of ['dept_mz', 'dept_yb']) {
      const t = await waitTask(h, d, '340103', year, 'deptApproval');
      expectStatus(await complete(h, t, { outcome: 'approve', data: approveAll(t.view) }), 200);
    }

    const plan = await waitTask(h, 'county_340103', '340103', year, 'plan');
    expect(plan.view.attempt).toBe(2);
    expect(plan.view.returns.map((r: any) => r.org)).toEqual(['dept_jt']);
    expectStatus(await complete(h, plan, { outcome: 'submit', data: planData(plan.view) }), 200);
    for (const d of ['dept_jt', 'dept_mz', 'dept_yb']) {
      const t = await waitTask(h, d, '340103', year, 'deptApproval');
      expect(t.view.attempt).toBe(2);
      expectStatus(await complete(h, t, { outcome: 'approve', data: approveAll(t.view) }), 200);
    }

    const final = await waitTask(h, 'city_office', '340103', year, 'cityApproval');
    expect(final.view.returnTargets).toEqual(['plan', 'proposal']);
    const bad = await complete(h, final, {
      outcome: 'return',
      data: returnAll(final.view, '重新申报'),
      returnTo: 'control',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('/returnTo');
    expectStatus(
      await complete(h, final, {
        outcome: 'return',
        data: returnAll(final.view, '重新申报'),
        returnTo: 'proposal',
      }),
      200,
    );

    const proposal = await waitTask(h, 'county_340103', '340103', year, 'proposal');
    expect(proposal.view.attempt).toBe(2);
    // Only the return aimed at the proposal: the lead department's return of the plan is not its business.
    expect(proposal.view.returns.map((r: any) => r.step)).toEqual(['cityApproval']);
  });

  test('a first 二上 after a returned 一上 shows 一上 beside the control figures, without the old 一上 return notes', async () => {
    const year = 2033;
    expectStatus(await openRound(h, year, ['340103']), 202);
    await driveTo(h, '340103', year, 'proposal');
    const jt = await waitTask(h, 'dept_jt', '340103', year, 'deptReview');
    expectStatus(
      await complete(h, jt, { outcome: 'return', data: returnAll(jt.view, '里程偏大'), comment: '请核减' }),
      200,
    );
    for (const d of ['dept_mz', 'dept_yb']) {
      const t = await waitTask(h, d, '340103', year, 'deptReview');
      expectStatus(await complete(h, t, { outcome: 'approve', data: approveAll(t.view) }), 200);
    }
    const again = await waitTask(h, 'county_340103', '340103', year, 'proposal');
    expect(again.view.returns.map((r: any) => r.comment)).toEqual(['请核减']);
    const data = {
      lines: again.view.data.lines.map((l: any) => (l.projectCode === 'MS19' ? { ...l, quantity: 60 } : l)),
    };
    expectStatus(await complete(h, again, { outcome: 'submit', data }), 200);
    for (const d of ['dept_jt', 'dept_mz', 'dept_yb']) {
      const t = await waitTask(h, d, '340103', year, 'deptReview');
      expectStatus(await complete(h, t, { outcome: 'approve', data: approveAll(t.view) }), 200);
    }
    const city = await waitTask(h, 'city_office', '340103', year, 'cityReview');
    expectStatus(await complete(h, city, { outcome: 'approve', data: approveAll(city.view) }), 200);
    const control = await waitTask(h, 'city_office', '340103', year, 'control');
    expectStatus(await complete(h, control, { outcome: 'submit', data: control.view.data }), 200);

    const plan = await waitTask(h, 'county_340103', '340103', year, 'plan');
    expect(plan.view.attempt).toBe(1);
    expect(plan.view.returns).toEqual([]);
    // Newest first: the control figures, then the latest 一上 only (not the returned first attempt).
    expect(plan.view.previous.map((r: any) => [r.step, r.formId, r.attempt])).toEqual([
      ['control', 'alloc-control', 1],
      ['proposal', 'alloc-proposal', 2],
    ]);
    const yishang = plan.view.previous[1].data.lines.find((l: any) => l.projectCode === 'MS19');
    expect(yishang.quantity).toBe(60);
  });

  test('二上 above the 一下 control figures is refused in Chinese with a pointer, and the task stays open', async () => {
    const year = 2030;
    expectStatus(await openRound(h, year, ['340103']), 202);
    await driveTo(h, '340103', year, 'control');
    const plan = await waitTask(h, 'county_340103', '340103', year, 'plan');
    const data = planData(plan.view);
    data.lines[0].funds.central = data.lines[0].funds.central + 1;
    const res = await complete(h, plan, { outcome: 'submit', data });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('ValidationFailed');
    expect(res.body.errors).toContainEqual({
      path: '/lines/0/funds/central',
      message: expect.stringContaining('超过一下控制数'),
    });
    const still = expectStatus(
      await call('GET', `${h.countyApi('340103')}/tasks/${plan.id}`, { token: plan.token }),
      200,
    ).body;
    expect(still.status).toBe('open');
    expect(still.version).toBe(1);
  });

  test('the city office rejects: the allocation ends as 不予安排, with no task left and no project', async () => {
    const year = 2031;
    expectStatus(await openRound(h, year, ['340102']), 202);
    await driveTo(h, '340102', year, 'deptReview');
    const review = await waitTask(h, 'city_office', '340102', year, 'cityReview');
    expect(review.view.allowedOutcomes).toEqual(['approve', 'return', 'reject']);
    expectStatus(
      await complete(h, review, {
        outcome: 'reject',
        data: approveAll(review.view),
        comment: '不符合安排条件',
      }),
      200,
    );
    const city = await h.token('city_office');
    const round = await eventually(async () => {
      const r = expectStatus(
        await call('GET', `${h.cityApi}/allocation-rounds/${year}`, { token: city }),
        200,
      ).body;
      return r.counties[0]?.status === 'rejected' ? r : undefined;
    }, 'the rejected allocation');
    expect(round.counties[0]).toMatchObject({ county: '340102', openSteps: [] });
    const projects = expectStatus(
      await call('GET', `${h.cityApi}/projects?year=${year}`, { token: city }),
      200,
    ).body;
    expect(projects.items).toEqual([]);
  });

  test('the round shows each county with its open step', async () => {
    const city = await h.token('city_office');
    const round = await eventually(async () => {
      const r = expectStatus(
        await call('GET', `${h.cityApi}/allocation-rounds/2030`, { token: city }),
        200,
      ).body;
      return r.counties[0]?.openSteps?.[0] === 'plan' ? r : undefined;
    }, 'progress of 2030');
    expect(round.counties).toEqual([
      expect.objectContaining({ county: '340103', status: 'running', openSteps: ['plan'] }),
    ]);
    const own = expectStatus(
      await call('GET', `${h.cityApi}/allocation-rounds/2030`, { token: await h.token('county_340102') }),
      200,
    ).body;
    expect(own.counties).toEqual([]);
  });
});
