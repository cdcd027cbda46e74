import { describe, expect, it } from 'vitest';
import type { TaskDetail } from '../../../web/src/api/types';
import { isOverdue } from '../../../web/src/lib/format';
import { IdempotencyKeys, stableStringify } from '../../../web/src/lib/idempotency';
import { fundsOf, fundsTotal, sortHistory } from '../../../web/src/lib/project';
import { at, cellText, columnsOf, titleOf } from '../../../web/src/lib/schemaColumns';
import {
  approveUndecided,
  currentReturns,
  dropErrorsAt,
  initialData,
  outcomeConflict,
  outcomesFor,
  previousRounds,
} from '../../../web/src/lib/task';
import { href, parseRoute } from '../../../web/src/router';

const base = {
  id: 't1',
  county: '340102',
  step: 'proposal',
  status: 'open',
  form: { id: 'f', version: 1, schema: { type: 'object' } },
} as TaskDetail;

describe('task page helpers', () => {
  it('starts from the newest of local backup and server draft, else the prefill', () => {
    const task = {
      ...base,
      prefill: { p: 1 },
      data: { d: 1 },
      draft: { savedAt: '2027-01-01T00:00:00Z' },
    } as TaskDetail;
    expect(initialData(task, null)).toEqual({ data: { d: 1 }, source: 'draft' });
    expect(initialData(task, { data: { b: 1 }, at: Date.parse('2027-01-02T00:00:00Z') }).source).toBe(
      'backup',
    );
    expect(initialData(task, { data: { b: 1 }, at: Date.parse('2026-12-31T00:00:00Z') }).source).toBe(
      'draft',
    );
    expect(initialData({ ...base, prefill: { p: 1 } } as TaskDetail, null)).toEqual({
      data: { p: 1 },
      source: 'prefill',
    });
  });

  it('shows what was submitted once a task is done, ignoring any backup', () => {
    const done = { ...base, status: 'done', submission: { data: { s: 1 } } } as TaskDetail;
    expect(initialData(done, { data: { b: 1 }, at: Date.now() })).toEqual({
      data: { s: 1 },
      source: 'submission',
    });
  });

  it('normalises previous rounds from a list or a map by step', () => {
    expect(previousRounds({ ...base, previous: { proposal: { lines: [] } } } as TaskDetail)).toEqual([
      { step: 'proposal', data: { lines: [] } },
    ]);
    expect(previousRounds({ ...base, previousRounds: [{ step: 'a', data: 1 }] } as TaskDetail)).toHaveLength(
      1,
    );
    expect(previousRounds(base)).toEqual([]);
  });

  it('offers approve and return on review forms and checks them against the line decisions', () => {
    const review = {
      ...base,
      form: { ...base.form, schema: { properties: { lines: { items: { properties: { decision: {} } } } } } },
    } as TaskDetail;
    expect(outcomesFor(review)).toEqual(['approve', 'return']);
    expect(outcomesFor(base)).toEqual(['submit']);
    expect(outcomesFor({ ...base, allowedOutcomes: ['submit', 'reject'] })).toEqual(['submit', 'reject']);
    const data = { lines: [{ decision: 'approve' }, { decision: 'return' }] };
    expect(outcomeConflict('approve', data, true)).toBe('approveWithReturns');
    expect(outcomeConflict('return', data, true)).toBeNull();
    expect(outcomeConflict('return', { lines: [{ decision: 'approve' }] }, true)).toBe('returnWithoutLines');
    expect(outcomeConflict('submit', data, false)).toBeNull();
  });

  it('approves only the undecided lines', () => {
    expect(approveUndecided({ lines: [{ decision: 'return' }, {}] })).toEqual({
      lines: [{ decision: 'return' }, { decision: 'approve' }],
    });
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

  it('reads fund accounts from a list or a map, in policy order, and totals them exactly', () => {
    const f = fundsOf({ funds: { county: 0.2, central: 0.1 } });
    expect(f.map((x) => x.source)).toEqual(['central', 'county']);
    expect(fundsTotal(f)).toBe(0.3);
    expect(fundsOf({ funds: [{ source: 'city', amount: 5 }] })).toEqual([{ source: 'city', amount: 5 }]);
    expect(sortHistory([{ at: '2027-01-01' }, { at: '2027-02-01' }])[0].at).toBe('2027-02-01');
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

describe('return notes', () => {
  it('keeps returns newer than any later stage and drops those a later stage has passed', () => {
    const notes = [
      { step: 'deptReview', at: '2027-01-02T00:00:00Z', comment: 'old' },
      { step: 'deptApproval', at: '2027-03-02T00:00:00Z', comment: 'new' },
    ];
    const rounds = [
      { formId: 'alloc-plan', at: '2027-03-01T00:00:00Z', data: {} },
      { formId: 'alloc-control', at: '2027-02-01T00:00:00Z', data: {} },
    ];
    expect(currentReturns(notes, rounds, 'alloc-plan').map((n) => n.comment)).toEqual(['new']);
    expect(
      currentReturns(
        notes,
        [{ formId: 'alloc-proposal', at: '2027-01-01T00:00:00Z', data: {} }],
        'alloc-proposal',
      ),
    ).toHaveLength(2);
  });
});
