import { describe, expect, test } from 'vitest';
import { getForm } from '../../../forms/index';
import { decisionProblems } from '../../../forms/roles';
import { loadConfig } from '../../../functions/core/config';
import { ConfigError, NotFound, ValidationFailed } from '../../../functions/core/errors';
import { canonicalJson, requestHash } from '../../../functions/core/idempotency';
import { decodeCursor, encodeCursor, pageSize } from '../../../functions/core/paging';
import { requestBody } from '../../../functions/http/body';
import { resolveDue } from '../../../functions/runtime/due';
import { resolveOrg } from '../../../functions/runtime/tasks/model';

describe('configuration fails fast', () => {
  const base = { STACK_KIND: 'county', COUNTY_CODE: '340102', TABLE_NAME: 't', EVENT_BUS_NAME: 'b' };
  test('a county stack needs its county code; a bad stack kind or ARN map is refused', () => {
    expect(loadConfig(base)).toMatchObject({ stackKind: 'county', countyCode: '340102', tableName: 't' });
    expect(() => loadConfig({ ...base, COUNTY_CODE: '' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, STACK_KIND: 'region' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, STATE_MACHINE_ARNS: '[1]' })).toThrow(ConfigError);
    expect(loadConfig({ ...base, STATE_MACHINE_ARNS: '{"allocation":"arn"}' }).stateMachineArns).toEqual({
      allocation: 'arn',
    });
  });
});

describe('due dates', () => {
  test('working days skip the weekend and end at midnight Shanghai', () => {
    // Friday 2027-03-05 10:00 Shanghai + 1 working day -> Monday 03-08, 23:59:59.999 Shanghai.
    const friday = new Date('2027-03-05T02:00:00.000Z');
    expect(resolveDue({ workingDays: 1 }, friday, 2027)).toBe('2027-03-08T15:59:59.999Z');
    expect(resolveDue({ workingDays: 5 }, friday, 2027)).toBe('2027-03-12T15:59:59.999Z');
    expect(resolveDue({ date: '06-30' }, friday, 2027)).toBe('2027-06-30T15:59:59.999Z');
    expect(resolveDue(undefined, friday, 2027)).toBeUndefined();
  });
});

describe('assignee orgs', () => {
  test('county, city and a fan-out item resolve to concrete org ids', () => {
    expect(resolveOrg('county', { county: '340102' })).toBe('340102');
    expect(resolveOrg('city', { county: '340102' })).toBe('city_office');
    expect(resolveOrg('item', { county: '340102', item: { key: 'dept_jt', org: 'dept_jt' } })).toBe(
      'dept_jt',
    );
    expect(resolveOrg('item', { item: { key: 'unit-7' } })).toBe('unit-7');
    expect(resolveOrg('dept_yb', { county: '340102' })).toBe('dept_yb');
    expect(() => resolveOrg('item', { county: '340102' })).toThrow();
    expect(() => resolveOrg('county', {})).toThrow();
  });
});

describe('review decisions agree with the outcome (forms/roles, the same check the browser runs)', () => {
  const review = getForm('alloc-review', 2);
  const lines = [
    { projectCode: 'MS01', projectName: '医保', decision: 'approve' },
    { projectCode: 'MS19', projectName: '农村路', decision: 'return', comment: 'x' },
  ];
  test('"approve" with a returned line is refused at that line, naming it', () => {
    expect(decisionProblems(review, 'approve', { lines })).toEqual([
      {
        path: '/lines/1/decision',
        message: expect.stringMatching(/第 2 行「农村路」.*同意/),
        code: 'decision.approveWithReturns',
      },
    ]);
  });
  test('"return" needs a returned line, whatever the comment says', () => {
    expect(decisionProblems(review, 'return', { lines: [lines[0]], overallComment: '整体退回' })).toEqual([
      expect.objectContaining({ path: '/lines', code: 'decision.returnWithoutLines' }),
    ]);
    expect(decisionProblems(review, 'return', { lines })).toEqual([]);
    expect(decisionProblems(review, 'approve', { lines: [lines[0]] })).toEqual([]);
  });
  test('a form without line decisions has nothing to check', () => {
    expect(decisionProblems(getForm('alloc-proposal', 1), 'submit', { lines })).toEqual([]);
    expect(decisionProblems(getForm('alloc-review', 1), 'approve', { lines })).toEqual([]);
  });
});

describe('request shapes', () => {
  const complete = requestBody('complete-task');
  const draft = requestBody('save-draft');
  test('unknown fields, oversize strings, wrong types and missing fields are each reported with a pointer', () => {
    expect(complete.check({ outcome: 'submit', data: {} })).toEqual([]);
    expect(
      complete
        .check({ outcome: 'submit', data: {}, comment: 'x'.repeat(2001), returnTo: 4, x: 1 })
        .map((e) => e.path)
        .sort(),
    ).toEqual(['/comment', '/returnTo', '/x']);
    expect(complete.check({ data: {} })).toEqual([{ path: '/outcome', message: '缺少必填字段「办理结果」' }]);
    expect(complete.check([])[0].path).toBe('');
    expect(complete.check({ outcome: 'submit', data: {}, 'a/b': 1 })[0].path).toBe('/a~1b');
  });

  test('free-form JSON (a draft) is refused when nested deeper than DynamoDB can store', () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 40; i++) deep = { a: deep };
    expect(draft.check({ data: { lines: [{ a: 1 }] } })).toEqual([]);
    expect(draft.check({ data: deep })[0].message).toContain('嵌套层级');
  });
});

describe('paging', () => {
  test('page sizes are bounded', () => {
    expect(pageSize(undefined)).toBe(50);
    expect(pageSize('100')).toBe(100);
    for (const bad of ['0', '101', '-1', '1.5', 'ten'])
      expect(() => pageSize(bad), bad).toThrow(ValidationFailed);
  });
  test('a cursor round-trips and is checked against the partition it claims', () => {
    const token = encodeCursor({ p: 1, k: { pk: 'a', sk: 'b' } });
    expect(decodeCursor(token, () => true)).toEqual({ p: 1, k: { pk: 'a', sk: 'b' } });
    expect(() => decodeCursor(token, (c) => c.p === 0)).toThrow(ValidationFailed);
    expect(() => decodeCursor('not base64!', () => true)).toThrow(ValidationFailed);
    expect(() => decodeCursor(encodeCursor({ p: 0, k: { pk: { S: 'x' } } as never }), () => true)).toThrow(
      ValidationFailed,
    );
    expect(decodeCursor(undefined, () => false)).toEqual({ p: 0 });
  });
});

describe('idempotency', () => {
  test('the same request hashes the same whatever its key order; another body does not', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: 1 }] })).toBe('{"a":[{"x":1,"y":2}],"b":1}');
    expect(requestHash('complete t1', { outcome: 'submit', data: { a: 1, b: 2 } })).toBe(
      requestHash('complete t1', { data: { b: 2, a: 1 }, outcome: 'submit' }),
    );
    expect(requestHash('complete t1', { outcome: 'submit' })).not.toBe(
      requestHash('complete t2', { outcome: 'submit' }),
    );
  });
});

describe('errors', () => {
  test('carry a stable code and status; field errors only expose path and message', () => {
    expect(new NotFound().toBody()).toEqual({ code: 'NotFound', message: '未找到' });
    expect(new ValidationFailed([{ path: '/a', message: '错', code: 'rule.x' }]).toBody()).toEqual({
      code: 'ValidationFailed',
      message: '数据校验未通过',
      errors: [{ path: '/a', message: '错' }],
    });
  });
});
