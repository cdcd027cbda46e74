/**
 * A workflow from outside the product runs on the product's runtime, through the HTTP API: the
 * fixture kit in test/fixtures/kits/permit (its definitions, its three forms and its kit module) is
 * bundled into the twin's functions and nothing else is added. Around it, the rest of the language
 * on the twin: subjects (a second start returns the instance), an event trigger, a notice that must
 * be acknowledged, a wait for the subject's own date, a monthly schedule whose task has holiday-aware
 * working days with a reminder and an escalation that act, a city workflow fanning out over
 * departments, and an aborted execution cancelling its open tasks.
 */
import { SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  call,
  complete,
  eventually,
  expectStatus,
  type FoundTask,
  type Harness,
  startHarness,
} from '../api/helpers';

const COUNTY = '340102';
const KIT = 'test/fixtures/kits/permit/kit.ts';
let h: Harness;

beforeAll(async () => {
  h = await startHarness([COUNTY], { extraKits: [KIT] });
});

afterAll(async () => {
  await h?.close();
});

/** Moves the twin's clock to `iso` (forward only) and waits until the schedules it fired are done. */
async function moveClockTo(iso: string): Promise<void> {
  const seconds = Math.ceil((Date.parse(iso) - h.twin.clock.now()) / 1000);
  expect(seconds).toBeGreaterThan(0);
  h.twin.advanceClock(seconds);
  h.sessions.forget(); // the users' tokens expired on the way
  await settle();
}

/** Waits until the bus has delivered everything due (the ticker, events, their consequences). */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await h.twin.bus.idle();
}

async function start(workflowId: string, input: Record<string, unknown>, counties?: string[]) {
  return call('POST', `${h.cityApi}/workflows/${workflowId}/instances`, {
    token: await h.token('city_office'),
    body: { input, ...(counties ? { counties } : {}) },
  });
}

async function instances(workflowId: string, subject: string): Promise<any[]> {
  return expectStatus(
    await call(
      'GET',
      `${h.cityApi}/workflows/${workflowId}/instances?subject=${encodeURIComponent(subject)}`,
      {
        token: await h.token('city_office'),
      },
    ),
    200,
  ).body.items;
}

/** The open task of `user` at `step` of workflow `workflowId` for `subject`, with its view. */
async function taskOf(
  user: string,
  workflowId: string,
  subject: string,
  step: string,
  api = h.countyApi(COUNTY),
) {
  const token = await h.token(user);
  const item = await eventually(async () => {
    const inbox = expectStatus(await call('GET', `${h.cityApi}/tasks?status=open`, { token }), 200).body;
    return (inbox.items as any[]).find(
      (i) => i.workflowId === workflowId && i.subject === subject && i.step === step,
    );
  }, `${workflowId}/${subject}/${step} in ${user}'s inbox`);
  const view = expectStatus(await call('GET', `${api}/tasks/${item.id}`, { token }), 200).body;
  return { id: item.id, user, token, county: item.county, view } as FoundTask & { view: any };
}

async function notifications(user: string): Promise<any> {
  return expectStatus(await call('GET', `${h.cityApi}/notifications`, { token: await h.token(user) }), 200)
    .body;
}

/** The permits' year: the next one, so the monthly schedule of its January can be watched. */
const Y = 2027;

describe('a three-form workflow with a review and a return path, from a kit outside the product', () => {
  test('starts once per subject, returns to the applicant, and completes', async () => {
    const y = Y;
    expectStatus(await start('fx-permit', { year: y, ref: 'A1' }, [COUNTY]), 202);
    const apply = await taskOf(`county_${COUNTY}`, 'fx-permit', 'RA1', 'apply');
    expect(apply.view.form.id).toBe('fx-apply');
    expect(apply.view.facts).toMatchObject({ year: y });
    // The same start again returns the instance that exists: no second task.
    expectStatus(await start('fx-permit', { year: y, ref: 'A1' }, [COUNTY]), 202);
    await settle();
    const open = expectStatus(
      await call('GET', `${h.cityApi}/tasks?status=open`, { token: apply.token }),
      200,
    ).body.items.filter((i: any) => i.subject === 'RA1');
    expect(open).toHaveLength(1);

    // The form's rule runs with the server's facts: a date outside the year is refused in Chinese.
    const bad = await complete(h, apply, {
      outcome: 'submit',
      data: { amount: 12.5, reason: '修缮', startDate: `${y - 1}-06-01` },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toContainEqual({ path: '/startDate', message: expect.stringContaining('不在') });
    const startDate = `${y}-03-01`;
    expectStatus(
      await complete(h, apply, { outcome: 'submit', data: { amount: 12.5, reason: '修缮', startDate } }),
      200,
    );

    const check = await taskOf('city_office', 'fx-permit', 'RA1', 'check');
    expect(check.view.previous.map((p: any) => p.step)).toEqual([]);
    expectStatus(await complete(h, check, { outcome: 'return', data: { opinion: '请补充事由' } }), 200);

    const again = await taskOf(`county_${COUNTY}`, 'fx-permit', 'RA1', 'apply');
    expect(again.view.attempt).toBe(2);
    expect(again.view.returns).toEqual([expect.objectContaining({ step: 'check', comment: '请补充事由' })]);
    expect(again.view.data).toMatchObject({ amount: 12.5, reason: '修缮' });
    expectStatus(
      await complete(h, again, { outcome: 'submit', data: { ...again.view.data, reason: '修缮，附预算' } }),
      200,
    );
    const check2 = await taskOf('city_office', 'fx-permit', 'RA1', 'check');
    expectStatus(await complete(h, check2, { outcome: 'approve', data: {} }), 200);

    const confirm = await taskOf(`county_${COUNTY}`, 'fx-permit', 'RA1', 'confirm');
    expect(confirm.view.data).toEqual({ confirmedAmount: 12.5, note: '' }); // the kit's prefill
    expectStatus(await complete(h, confirm, { outcome: 'submit', data: confirm.view.data }), 200);

    const done = await eventually(async () => {
      const [v] = await instances('fx-permit', 'RA1');
      return v?.status === 'completed' ? v : undefined;
    }, 'the permit completed');
    expect(done).toMatchObject({ stack: COUNTY, attempt: 1, openSteps: [] });
  });

  test('its completion triggers a follow-up: a notice to acknowledge, then a wait for the start date', async () => {
    const notice = await taskOf(`county_${COUNTY}`, 'fx-followup', 'RA1', 'notify');
    expect(notice.view.form).toBeUndefined();
    expect(notice.view.notice.zh).toContain('许可 A1 已确认，金额 12.5 万元');
    expect(notice.view.allowedOutcomes).toEqual(['acknowledge']);
    const bell = await notifications(`county_${COUNTY}`);
    expect(bell.items).toContainEqual(
      expect.objectContaining({ kind: 'notice', taskId: notice.id, read: false }),
    );
    expect(bell.unread).toBeGreaterThanOrEqual(1);
    expectStatus(
      await call('POST', `${h.cityApi}/notifications/${notice.id}-notice/read`, { token: notice.token }),
      200,
    );
    expect((await notifications(`county_${COUNTY}`)).unread).toBe(bell.unread - 1);
    // Another user cannot mark it.
    expect(
      (
        await call('POST', `${h.cityApi}/notifications/${notice.id}-notice/read`, {
          token: await h.token('city_office'),
        })
      ).status,
    ).toBe(404);
    expectStatus(await complete(h, notice, { outcome: 'acknowledge', data: {} }), 200);
    // Waiting for March 1 (the permit's start date): still running until the clock gets there.
    await settle();
    expect((await instances('fx-followup', 'RA1'))[0].status).toBe('running');
  });
});

describe('schedules, working days, reminders and escalations', () => {
  test('the 1st of the month starts a report per completed permit, due on holiday-aware working days', async () => {
    // The schedule trigger is seen once first (it starts from then), then the clock crosses Feb 1, 2027.
    await moveClockTo('2027-01-31T12:00:00Z');
    await moveClockTo('2027-02-01T01:05:00Z');
    const report = await taskOf(`county_${COUNTY}`, 'fx-monthly', 'RA1:2027-01', 'report');
    // 5 working days from Mon Feb 1 skip the Spring Festival (Feb 5-8): due Wed Feb 10, not Mon Feb 8.
    expect(report.view.dueAt).toBe('2027-02-10T15:59:59.999Z');
    expect(report.view.subjectLabel).toEqual({ zh: '许可 A1 2027-01', en: 'Permit A1 2027-01' });

    // The reminder (2 working days before: Mon Feb 8 is a holiday, so Fri Feb 5 is too; Thu Feb 4 09:00).
    expect((await notifications(`county_${COUNTY}`)).items.some((n: any) => n.taskId === report.id)).toBe(
      false,
    );
    await moveClockTo('2027-02-04T01:30:00Z');
    const reminded = await eventually(async () => {
      const n = (await notifications(`county_${COUNTY}`)).items.find(
        (x: any) => x.taskId === report.id && x.kind === 'reminder',
      );
      return n;
    }, 'the reminder');
    expect(reminded).toMatchObject({ recipient: { role: 'county_office', org: COUNTY }, read: false });

    // The escalation, 1 working day after the due day, goes to the city office, once.
    await moveClockTo('2027-02-11T12:00:00Z');
    expect((await notifications('city_office')).items.some((n: any) => n.taskId === report.id)).toBe(false);
    await moveClockTo('2027-02-11T16:30:00Z');
    await eventually(async () => {
      const n = (await notifications('city_office')).items.filter(
        (x: any) => x.taskId === report.id && x.kind === 'escalation',
      );
      return n.length === 1 ? n : undefined;
    }, 'the escalation');
    await moveClockTo('2027-02-12T16:30:00Z');
    const escalations = (await notifications('city_office')).items.filter((x: any) => x.taskId === report.id);
    expect(escalations).toHaveLength(1);
    // The county was reminded once, not again.
    expect(
      (await notifications(`county_${COUNTY}`)).items.filter((x: any) => x.taskId === report.id),
    ).toHaveLength(1);
  });

  test("the follow-up's wait ends on the permit's start date", async () => {
    expect((await instances('fx-followup', 'RA1'))[0].status).toBe('running');
    await moveClockTo(`${Y}-02-28T17:00:00Z`);
    await eventually(async () => {
      const [v] = await instances('fx-followup', 'RA1');
      return v?.status === 'completed' ? v : undefined;
    }, 'the follow-up completed after its wait');
  });
});

describe('a city workflow', () => {
  test('runs in the city stack, fanning out over departments that each decide on their own', async () => {
    const y = new Date(h.twin.clock.now()).getUTCFullYear();
    expectStatus(await start('fx-city-review', { year: y, ref: 'C1' }), 202);
    const jt = await taskOf('dept_jt', 'fx-city-review', 'RC1', 'signOff', h.cityApi);
    const yb = await taskOf('dept_yb', 'fx-city-review', 'RC1', 'signOff', h.cityApi);
    expect(jt.county).toBe('city');
    expect(jt.view.item).toMatchObject({ key: 'dept_jt' });
    // A department cannot act for another.
    expect((await complete(h, { ...jt, token: yb.token }, { outcome: 'approve', data: {} })).status).toBe(
      404,
    );
    expectStatus(await complete(h, { ...jt, county: 'city' }, { outcome: 'approve', data: {} }), 200);
    expectStatus(
      await complete(h, { ...yb, county: 'city' }, { outcome: 'reject', data: { opinion: '不同意' } }),
      200,
    );
    const [v] = await eventually(async () => {
      const list = await instances('fx-city-review', 'RC1');
      return list[0]?.status === 'completed' ? list : undefined;
    }, 'the city workflow completed');
    expect(v.stack).toBe('city');
  });
});

describe('lifecycle', () => {
  test('an aborted execution cancels its open tasks: completing one is 409 and stores nothing', async () => {
    const y = new Date(h.twin.clock.now()).getUTCFullYear();
    expectStatus(await start('fx-permit', { year: y, ref: 'B1' }, [COUNTY]), 202);
    const apply = await taskOf(`county_${COUNTY}`, 'fx-permit', 'RB1', 'apply');
    const sfn = new SFNClient({ ...h.twin.aws, endpoint: h.twin.endpoints.sfn });
    try {
      await sfn.send(
        new StopExecutionCommand({ executionArn: executionOf(apply.view.subject, 1), cause: '误开' }),
      );
    } finally {
      sfn.destroy();
    }
    const cancelled = await eventually(async () => {
      const v = expectStatus(
        await call('GET', `${h.countyApi(COUNTY)}/tasks/${apply.id}`, { token: apply.token }),
        200,
      ).body;
      return v.status === 'cancelled' ? v : undefined;
    }, 'the task cancelled');
    expect(cancelled.cancelReason).toContain('误开');
    const res = await complete(h, apply, {
      outcome: 'submit',
      data: { amount: 1, reason: 'x', startDate: `${y}-12-01` },
    });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('TaskCancelled');
    const [v] = await eventually(async () => {
      const list = await instances('fx-permit', 'RB1');
      return list[0]?.status === 'aborted' ? list : undefined;
    }, 'the instance aborted');
    expect(v.openSteps).toEqual([]);
    const inbox = expectStatus(
      await call('GET', `${h.cityApi}/tasks?status=open`, { token: apply.token }),
      200,
    ).body;
    expect(inbox.items.some((i: any) => i.id === apply.id)).toBe(false);
    // A new start of the same subject begins a second attempt, with a task of its own.
    expectStatus(await start('fx-permit', { year: y, ref: 'B1' }, [COUNTY]), 202);
    const second = await taskOf(`county_${COUNTY}`, 'fx-permit', 'RB1', 'apply');
    expect(second.id).not.toBe(apply.id);
    expect((await instances('fx-permit', 'RB1'))[0]).toMatchObject({ attempt: 2, status: 'running' });
  });
});

/** The execution ARN of an fx-permit instance (`<workflow>-<subject>-<attempt>`). */
function executionOf(subject: string, attempt: number): string {
  return `${h.twin.stateMachineArns[COUNTY]['fx-permit'].replace(':stateMachine:', ':execution:')}:fx-permit-${subject}-${attempt}`;
}
