import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { validateSubmission } from '../../../forms/validate';
import { allocationKit } from '../../../functions/kits/allocation/kit';
import {
  approvedLines,
  comparisonRounds,
  evenSchedule,
  leadDeptsOf,
  prefill,
} from '../../../functions/kits/allocation/prefill';
import { returnNotes, type Submission } from '../../../functions/runtime/submissions';

const fixture = (name: string) =>
  JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../fixtures/api', name), 'utf8'));
const PROJECTS = fixture('catalogue.json').projects;
const SUBS: Submission[] = fixture('submissions.json').items;
const upTo = (id: string) => SUBS.slice(0, SUBS.findIndex((s) => s.id === id) + 1);

describe('prefill', () => {
  test('a first proposal lists the catalogue with empty figures', () => {
    const data = prefill({
      formId: 'alloc-proposal',
      year: 2027,
      projects: PROJECTS,
      submissions: [],
    }) as any;
    expect(data.lines.map((l: any) => l.projectCode)).toEqual(['MS01', 'MS06', 'MS19']);
    expect(data.lines[2]).toMatchObject({
      leadDept: 'dept_jt',
      category: 'construction',
      unit: '公里',
      quantity: 0,
      funds: { central: 0, provincial: 0, city: 0, county: 0 },
    });
  });

  test('a proposal reopened after a return starts from what the county submitted', () => {
    const data = prefill({
      formId: 'alloc-proposal',
      year: 2027,
      projects: PROJECTS,
      submissions: upTo('s2'),
    }) as any;
    expect(data).toEqual(SUBS[0].data);
    expect(data).not.toBe(SUBS[0].data);
  });

  test("a lead department's review holds only its own lines of the latest proposal", () => {
    const data = prefill({
      formId: 'alloc-review',
      year: 2027,
      projects: PROJECTS,
      submissions: upTo('s3'),
      leadDept: 'dept_jt',
    }) as any;
    expect(data).toEqual({
      lines: [{ projectCode: 'MS19', projectName: '“四好农村路”建设', decision: 'approve' }],
    });
    const city = prefill({
      formId: 'alloc-review',
      year: 2027,
      projects: PROJECTS,
      submissions: upTo('s3'),
    }) as any;
    expect(city.lines).toHaveLength(2);
  });

  test('一下 control figures start from the latest proposal', () => {
    const data = prefill({
      formId: 'alloc-control',
      year: 2027,
      projects: PROJECTS,
      submissions: upTo('s3'),
    }) as any;
    expect(data.lines[1]).toMatchObject({
      projectCode: 'MS19',
      targetQuantity: 45,
      control: { central: 70, provincial: 30, city: 25, county: 15 },
    });
    expect(
      validateSubmission('alloc-control', 1, data, { facts: { year: 2027, projects: PROJECTS } }),
    ).toEqual({
      ok: true,
    });
  });

  test('a 二上 plan prefilled from the control figures passes the plan form and its rules once a unit is named', () => {
    const data = prefill({ formId: 'alloc-plan', year: 2027, projects: PROJECTS, submissions: SUBS }) as any;
    expect(data.lines[1].funds).toEqual({ central: 70, provincial: 30, city: 25, county: 15.55 });
    expect(data.lines[1].matching).toEqual({ city: 25, county: 15.55 });
    for (const l of data.lines) l.responsibleUnit = '实施单位';
    expect(
      validateSubmission('alloc-plan', 1, data, {
        facts: { year: 2027, projects: PROJECTS, control: SUBS[3].data },
      }),
    ).toEqual({ ok: true });
  });

  test('the even schedule rises monthly to 100% and to the total', () => {
    const s = evenSchedule(140.55);
    expect(s).toHaveLength(12);
    expect(s.at(-1)).toEqual({ month: 12, progressPct: 100, disbursed: 140.55 });
    for (let i = 1; i < 12; i++) expect(s[i].disbursed).toBeGreaterThanOrEqual(s[i - 1].disbursed);
  });

  test('a form it does not know has no prefill', () => {
    expect(
      prefill({ formId: 'monthly-report', year: 2027, projects: PROJECTS, submissions: SUBS }),
    ).toBeUndefined();
  });
});

describe('the allocation kit reads its submissions', () => {
  test('the lead departments with lines route the parallel reviews', () => {
    expect(leadDeptsOf(SUBS[0].data, PROJECTS)).toEqual(['dept_jt', 'dept_yb']);
    // Lines without a lead department take the catalogue's.
    expect(leadDeptsOf({ lines: [{ projectCode: 'MS06' }] }, PROJECTS)).toEqual(['dept_mz']);
  });

  test('a reopened proposal shows the returns made since its last submission', () => {
    expect(returnNotes('proposal', upTo('s2'))).toEqual([
      {
        step: 'deptReview',
        stepTitle: undefined,
        org: 'dept_jt',
        by: SUBS[1].by,
        at: SUBS[1].at,
        comment: '请核减',
        lines: [{ key: 'MS19', label: '“四好农村路”建设', comment: '里程偏大' }],
      },
    ]);
    expect(returnNotes('proposal', upTo('s3'))).toEqual([]);
  });

  test('a first 二上 plan does not inherit the 一上 return notes', () => {
    // Never submitted and never returned to: the proposal's old return is not the plan's business.
    expect(returnNotes('plan', SUBS)).toEqual([]);
    // Same when the return is recorded without a target (the default: the work under review).
    const untargeted = SUBS.map((s) => (s.id === 's2' ? { ...s, returnTo: undefined } : s));
    expect(returnNotes('plan', untargeted)).toEqual([]);
    expect(returnNotes('proposal', untargeted.slice(0, 2)).map((n) => n.comment)).toEqual(['请核减']);
  });

  test('a returned plan shows only the returns aimed at the plan since its last submission', () => {
    const plan = (id: string, at: string): Submission => ({
      ...SUBS[2],
      id,
      step: 'plan',
      formId: 'alloc-plan',
      outcome: 'submit',
      at,
    });
    const approval = (id: string, at: string, returnTo: string, comment: string): Submission => ({
      ...SUBS[1],
      id,
      step: 'cityApproval',
      formId: 'alloc-approval',
      assignee: { role: 'city_office', org: 'city_office' },
      outcome: 'return',
      returnTo,
      comment,
      at,
      data: { lines: [{ projectCode: 'MS19', decision: 'return', comment: comment }] },
    });
    const p1 = plan('p1', '2027-02-01T00:00:00.000Z');
    const r1 = approval('r1', '2027-02-02T00:00:00.000Z', 'plan', '二上第一次退回');
    const p2 = plan('p2', '2027-02-03T00:00:00.000Z');
    const r2 = approval('r2', '2027-02-04T00:00:00.000Z', 'proposal', '退回一上');
    expect(returnNotes('plan', [...SUBS, p1, r1]).map((n) => n.comment)).toEqual(['二上第一次退回']);
    expect(returnNotes('plan', [...SUBS, p1, r1, p2])).toEqual([]);
    // Sent back to 一上: the proposal shows it (not the old 一上 return), the plan does not.
    expect(returnNotes('plan', [...SUBS, p1, r1, p2, r2])).toEqual([]);
    expect(returnNotes('proposal', [...SUBS, p1, r1, p2, r2])).toMatchObject([
      { step: 'cityApproval', org: 'city_office', comment: '退回一上' },
    ]);
  });

  test('a 二上 plan compares with the control figures and the latest 一上 proposal, newest first', () => {
    expect(comparisonRounds('alloc-plan', SUBS).map((s) => s.id)).toEqual(['s4', 's3']);
    const plan: Submission = {
      ...SUBS[2],
      id: 'p1',
      step: 'plan',
      formId: 'alloc-plan',
      at: '2027-02-01T00:00:00.000Z',
    };
    expect(comparisonRounds('alloc-plan', [...SUBS, plan]).map((s) => s.id)).toEqual(['p1', 's4', 's3']);
    // Other steps are unchanged: a proposal shows every earlier proposal.
    expect(comparisonRounds('alloc-proposal', SUBS).map((s) => s.id)).toEqual(['s3', 's1']);
  });

  test('approved lines are the latest plan minus any line an approval returned after it', () => {
    const plan: Submission = {
      ...SUBS[0],
      id: 'p1',
      step: 'plan',
      formId: 'alloc-plan',
      at: '2027-02-01T00:00:00.000Z',
    };
    const approve: Submission = {
      ...SUBS[1],
      id: 'a1',
      step: 'deptApproval',
      formId: 'alloc-approval',
      outcome: 'approve',
      at: '2027-02-02T00:00:00.000Z',
      data: { lines: [{ projectCode: 'MS01', decision: 'approve' }] },
    };
    expect(approvedLines([...SUBS, plan, approve]).map((l) => l.projectCode)).toEqual(['MS01', 'MS19']);
    const returned = {
      ...approve,
      id: 'a2',
      data: { lines: [{ projectCode: 'MS19', decision: 'return', comment: 'x' }] },
    };
    expect(approvedLines([...SUBS, plan, approve, returned]).map((l) => l.projectCode)).toEqual(['MS01']);
    expect(approvedLines(SUBS)).toEqual([]);
  });
});

describe('the allocation kit chooses what a task compares with', () => {
  const sub = (id: string, step: string, formId: string, at: string): Submission => ({
    ...SUBS[0],
    id,
    step,
    formId,
    at,
  });
  const proposal = sub('p', 'proposal', 'alloc-proposal', '2027-01-07T00:00:00Z');
  const control = sub('c', 'control', 'alloc-control', '2027-01-09T00:00:00Z');
  const args = (formId: string, submissions: Submission[]) =>
    ({ task: { formId }, submissions }) as unknown as Parameters<
      NonNullable<typeof allocationKit.compareWith>
    >[0];

  test('a first 二上 compares with 一上, not the control figures', () => {
    expect(allocationKit.compareWith!(args('alloc-plan', [proposal, control]))).toBe('p');
  });

  test('a resubmitted plan compares with its own last round', () => {
    const plan1 = sub('pl', 'plan', 'alloc-plan', '2027-01-10T00:00:00Z');
    expect(allocationKit.compareWith!(args('alloc-plan', [proposal, control, plan1]))).toBe('pl');
    expect(allocationKit.compareWith!(args('alloc-plan', [control]))).toBeUndefined();
  });
});
