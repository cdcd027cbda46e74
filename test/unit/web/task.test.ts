import { describe, expect, it } from 'vitest';
import { getForm } from '../../../forms/index';
import { approveUndecided } from '../../../forms/roles';
import type { TaskDetail } from '../../../web/src/api/types';
import { isOverdue } from '../../../web/src/lib/format';
import { IdempotencyKeys, stableStringify } from '../../../web/src/lib/idempotency';
import { fundsOf, fundsTotal, sortHistory } from '../../../web/src/lib/project';
import { at, cellText, columnsOf, titleOf } from '../../../web/src/lib/schemaColumns';
import { compareWithOf, dropErrorsAt, initialData, outcomesFor } from '../../../web/src/lib/task';
import { href, parseRoute } from '../../../web/src/router';

const base = {
  id: 't1',
  county: '340102',
  step: 'proposal',
  status: 'open',
  allowedOutcomes: ['submit'],
  previous: [],
  returns: [],
  facts: {},
  draft: null,
} as unknown as TaskDetail;

describe('task page helpers', () => {
  it('starts from the newest of local backup and server draft, else the prefill', () => {
    const task = {
      ...base,
      prefill: { p: 1 },
      data: { d: 1 },
      draft: { savedAt: '2027-01-01T00:00:00Z', by: { sub: 's', name: 'n', org: 'o' } },
    } as TaskDetail;
    expect(initialData(task, null)).toEqual({ data: { d: 1 }, source: 'draft' });
    expect(initialData(task, { data: { b: 1 }, at: Date.parse('2027-01-02T00:00:00Z') }).source).toBe(
      'backup',
    );
    expect(initialData(task, { data: { b: 1 }, at: Date.parse('2026-12-31T00:00:00Z') }).source).toBe(
      'draft',
    );
    expect(initialData({ ...base, prefill: { p: 1 } }, null)).toEqual({
      data: { p: 1 },
      source: 'prefill',
    });
  });

  it('shows what was submitted once a task is done, ignoring any backup', () => {
    const done = { ...base, status: 'done', data: { s: 1 } } as TaskDetail;
    expect(initialData(done, { data: { b: 1 }, at: Date.now() })).toEqual({
      data: { s: 1 },
      source: 'submission',
    });
  });

  it('compares with the earlier submission the server chose, else the newest', () => {
    const sub = (submissionId: string) =>
      ({ submissionId, step: 's', attempt: 1, org: 'o', outcome: 'submit', at: '', data: {} }) as never;
    const previous = [sub('b'), sub('a')];
    expect(compareWithOf({ previous, compareWith: 'a' })?.submissionId).toBe('a');
    expect(compareWithOf({ previous, compareWith: undefined })?.submissionId).toBe('b');
    expect(compareWithOf({ previous: [], compareWith: 'a' })).toBeUndefined();
  });

  it('offers the outcomes the step allows', () => {
    expect(outcomesFor(base)).toEqual(['submit']);
    expect(outcomesFor({ ...base, allowedOutcomes: ['approve', 'return', 'reject'] })).toEqual([
      'approve',
      'return',
      'reject',
    ]);
  });

  it("approves only the undecided lines, through the form's declared roles", () => {
    const review = getForm('alloc-review', 2);
    expect(approveUndecided(review, { lines: [{ decision: 'return' }, {}] })).toEqual({
      lines: [{ decision: 'return' }, { decision: 'approve' }],
    });
    // A form that declares no decisions is left alone.
    const data = { lines: [{}] };
    expect(approveUndecided(getForm('alloc-review', 1), data)).toBe(data);
  });

  it('drops the errors a change answered, keeping the others', () => {
    const errs = [
      { path: '/lines/1/funds/city', message: 'a' },
      { path: '/lines/1/funds', message: 'b' },
      { path: '/lines/10/funds/city', message: 'c' },
    ];
    expect(dropErrorsAt(errs, '/lines/1/funds').map((e) => e.message)).toEqual(['c']);
  });

  it('reuses one Idempotency-Key for retries of the same payload and renews it for a new one', () => {
    let n = 0;
    const keys = new IdempotencyKeys(() => `k${++n}`);
    expect(keys.keyFor({ outcome: 'submit', data: { a: 1, b: 2 } })).toBe('k1');
    expect(keys.keyFor({ data: { b: 2, a: 1 }, outcome: 'submit' })).toBe('k1');
    expect(keys.keyFor({ outcome: 'submit', data: { a: 2 } })).toBe('k2');
    keys.settle();
    expect(keys.keyFor({ outcome: 'submit', data: { a: 2 } })).toBe('k3');
    expect(stableStringify({ b: [{ d: 1, c: 2 }], a: 1 })).toBe('{"a":1,"b":[{"c":2,"d":1}]}');
  });

  it('marks only open tasks past their due date as overdue', () => {
    const now = new Date('2027-03-01T00:00:00Z');
    expect(isOverdue('2027-02-28T00:00:00Z', now)).toBe(true);
    expect(isOverdue('2027-03-02T00:00:00Z', now)).toBe(false);
    expect(isOverdue('2027-02-28T00:00:00Z', now, 'done')).toBe(false);
    expect(isOverdue(undefined, now)).toBe(false);
  });
});

describe('read-only tables', () => {
  const item = {
    properties: {
      projectCode: { type: 'string', title: '项目编码' },
      category: { type: 'string', title: '项目类别', enum: ['construction', 'subsidy'] },
      funds: { type: 'object', title: '资金', properties: { city: { type: 'number', title: '市级' } } },
    },
  };
  const ui = { 'ui:order': ['category', '*'], category: { 'ui:enumNames': ['工程建设类', '资金补助类'] } };

  it('flattens nested objects into labelled columns in ui:order', () => {
    const cols = columnsOf(item, ui);
    expect(cols.map((c) => c.pointer)).toEqual(['/category', '/projectCode', '/funds/city']);
    expect(titleOf(cols, '/funds/city')).toBe('资金 · 市级');
    expect(cellText(cols[0], 'subsidy')).toBe('资金补助类');
    expect(cellText(undefined, 1234.5)).toBe('1,234.5');
    expect(cellText(undefined, true)).toBe('是');
    expect(at({ funds: { city: 3 } }, '/funds/city')).toBe(3);
  });

  it("reads a project's accounts or a list entry's funds, in policy order, and totals them exactly", () => {
    const f = fundsOf({ funds: { county: 0.2, central: 0.1, provincial: 0, city: 0 } });
    expect(f.map((x) => x.source)).toEqual(['central', 'provincial', 'city', 'county']);
    expect(fundsTotal(f)).toBe(0.3);
    const acct = (planned: number) => ({ planned, received: 1, disbursed: 0 });
    expect(
      fundsOf({ accounts: { central: acct(5), provincial: acct(0), city: acct(0), county: acct(0) } })[0],
    ).toEqual({ source: 'central', amount: 5, received: 1, disbursed: 0 });
    const by = { sub: 's', name: 'n', org: 'o' };
    const entry = (at: string) => ({ at, by, action: 'a', round: { year: 2027 }, summary: '' });
    expect(sortHistory([entry('2027-01-01'), entry('2027-02-01')])[0].at).toBe('2027-02-01');
  });
});

describe('routes', () => {
  it('parses and builds hash routes', () => {
    expect(parseRoute('#/tasks/340102/abc%2F1')).toEqual({ name: 'task', county: '340102', id: 'abc/1' });
    expect(parseRoute('')).toEqual({ name: 'inbox' });
    expect(parseRoute('#/rounds/2027')).toEqual({ name: 'rounds', year: 2027 });
    expect(parseRoute('#/nope/x/y/z')).toEqual({ name: 'notFound' });
    expect(href({ name: 'project', county: 'hf-gxq', id: 'p 1' })).toBe('#/projects/hf-gxq/p%201');
  });
});
