import { describe, expect, it } from 'vitest';
import { getForm } from '../../../forms/index';
import type { RuleContext } from '../../../forms/rules';
import { listRules, RULES } from '../../../forms/rules';
import { DEFAULT_FORM_SETTINGS, InvalidFormSettingError, resolveSettings } from '../../../forms/settings';
import { validateSubmission } from '../../../forms/validate';
import { copy, fixtureContext, readJson } from './fixtures';

const ctx = fixtureContext();
const plan = () => copy(readJson('alloc-plan/v1/three-lines.json'));
const ruleCtx = (over: Partial<RuleContext> & { facts?: Record<string, unknown> } = {}): RuleContext => ({
  settings: resolveSettings(),
  schema: getForm('alloc-plan', 1).schema,
  ...over,
  facts: { ...ctx.facts, ...(over.facts ?? {}) },
});
const check = (
  name: string,
  data: unknown,
  over: Partial<RuleContext> & { facts?: Record<string, unknown> } = {},
) => RULES.get(name)!.check(data, ruleCtx(over));

describe('rule registry', () => {
  it('describes every rule in Chinese and English', () => {
    const rules = listRules();
    expect(rules.map((r) => r.name)).toEqual(
      expect.arrayContaining([
        'planWithinControl',
        'matchingFundsShare',
        'datesInYear',
        'constructionDueNov30',
      ]),
    );
    for (const r of rules) {
      expect(r.description.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(r.description.en.length).toBeGreaterThan(10);
    }
  });

  it('passes every rule of the plan on the plan sample', () => {
    for (const name of getForm('alloc-plan', 1).rules) expect(check(name, plan()), name).toEqual([]);
  });
});

describe('planWithinControl', () => {
  it('rejects an amount above the control figure of its line and source, with a clear message', () => {
    const data = plan();
    data.lines[2].funds.provincial = 400.01;
    expect(check('planWithinControl', data)).toEqual([
      {
        path: '/lines/2/funds/provincial',
        message: '第3行（MS19 “四好农村路”建设）：省级资金 400.01 万元超过一下控制数 400.00 万元',
        code: 'rule.planWithinControl',
      },
    ]);
  });

  it('accepts an amount equal to the control figure despite binary floating point', () => {
    const data = plan();
    const control = copy(ctx.facts.control);
    control.lines[0].control.city = 0.1 + 0.2; // 0.30000000000000004
    data.lines[0].funds.city = 0.3;
    expect(check('planWithinControl', data, { facts: { control } })).toEqual([]);
  });

  it('rejects a line that has no control figure', () => {
    const data = plan();
    const control = copy(ctx.facts.control);
    control.lines = control.lines.filter((l: any) => l.projectCode !== 'MS12');
    expect(check('planWithinControl', data, { facts: { control } })).toEqual([
      expect.objectContaining({ path: '/lines/1/projectCode', code: 'rule.planWithinControl' }),
    ]);
  });

  it('is reported through validateSubmission for each offending source', () => {
    const data = plan();
    data.lines[0].funds.central = 501;
    data.lines[0].matching.county = 90;
    data.lines[0].funds.county = 90;
    const res = validateSubmission('alloc-plan', 1, data, ctx);
    expect(res.ok ? [] : res.errors.map((e) => [e.path, e.code])).toEqual([
      ['/lines/0/funds/central', 'rule.planWithinControl'],
      ['/lines/0/funds/county', 'rule.planWithinControl'],
    ]);
  });
});

describe('matchingFundsShare', () => {
  it('requires the city and county commitments to cover their planned funds in full by default', () => {
    const data = plan();
    data.lines[1].matching = { city: 99.99, county: 100 };
    expect(check('matchingFundsShare', data)).toEqual([
      {
        path: '/lines/1/matching/city',
        message:
          '第2行（MS12 学前教育促进）：市级配套承诺 99.99 万元，低于要求的 100.00 万元（市级资金安排的 100%）',
        code: 'rule.matchingFundsShare',
      },
    ]);
  });

  it('uses the share setting and its per-project override', () => {
    const data = plan();
    data.lines[1].matching = { city: 50, county: 50 };
    expect(
      check('matchingFundsShare', data, { settings: resolveSettings({ matchingFundsShare: 0.5 }) }),
    ).toEqual([]);
    const strict = resolveSettings({ matchingFundsShare: 0.5, matchingFundsShareByProject: { MS12: 0.6 } });
    expect(check('matchingFundsShare', data, { settings: strict }).map((e) => e.path)).toEqual([
      '/lines/1/matching/city',
      '/lines/1/matching/county',
    ]);
  });
});

describe('datesInYear', () => {
  it('rejects a date outside the fiscal year', () => {
    const data = plan();
    data.lines[0].deadline = '2028-01-01';
    expect(check('datesInYear', data)).toEqual([
      { path: '/lines/0/deadline', message: '日期 2028-01-01 不在 2027 年度内', code: 'rule.datesInYear' },
    ]);
  });

  it('wants a cross-year deadline after the year and within the allowed number of years', () => {
    const data = plan();
    data.lines[2].deadline = '2027-10-01';
    expect(check('datesInYear', data)).toEqual([expect.objectContaining({ path: '/lines/2/deadline' })]);
    data.lines[2].deadline = '2031-01-01';
    expect(check('datesInYear', data)).toHaveLength(1);
    expect(check('datesInYear', data, { settings: resolveSettings({ crossYearMaxYears: 4 }) })).toEqual([]);
  });
});

describe('constructionDueNov30', () => {
  it('rejects a construction line due this year with a deadline after November 30', () => {
    const data = plan();
    data.lines[1].deadline = '2027-12-01';
    expect(check('constructionDueNov30', data)).toEqual([
      {
        path: '/lines/1/deadline',
        message:
          '第2行（MS12 学前教育促进）：工程建设类当年应完工项目须在 11 月 30 日前完工，完成时限 2027-12-01 晚于 2027-11-30',
        code: 'rule.constructionDueNov30',
      },
    ]);
  });

  it('leaves subsidy lines and cross-year construction lines alone', () => {
    const data = plan();
    data.lines[0].deadline = '2027-12-31';
    data.lines[2].deadline = '2028-12-31';
    expect(check('constructionDueNov30', data)).toEqual([]);
  });

  it('follows the due-date setting', () => {
    const data = plan();
    data.lines[1].deadline = '2027-11-30';
    expect(
      check('constructionDueNov30', data, { settings: resolveSettings({ constructionDueDate: '10-31' }) }),
    ).toHaveLength(1);
  });
});

describe('scheduleConsistent', () => {
  it('rejects months out of order, falling cumulative figures and unfinished non-cross-year lines', () => {
    const data = plan();
    data.lines[0].schedule[3].month = 5;
    data.lines[0].schedule[5].progressPct = 10;
    data.lines[0].schedule[11].progressPct = 99.9;
    expect(check('scheduleConsistent', data).map((e) => e.path)).toEqual([
      '/lines/0/schedule/3/month',
      '/lines/0/schedule/5/progressPct',
      '/lines/0/schedule/11/progressPct',
    ]);
  });
});

describe('catalogueLines, uniqueProjectCodes, returnNeedsComment', () => {
  it('rejects a project outside the catalogue and a changed category or lead department', () => {
    const data = copy(readJson('alloc-proposal/v1/three-lines.json'));
    data.lines[0].projectCode = 'MS99';
    data.lines[1].category = 'subsidy';
    data.lines[2].leadDept = 'dept_mz';
    expect(check('catalogueLines', data).map((e) => [e.path, e.message])).toEqual([
      ['/lines/0/projectCode', '第1行：项目 MS99 不在本年度项目清单内'],
      ['/lines/1/category', '第2行（MS12 学前教育促进）：项目类别应为工程建设类'],
      ['/lines/2/leadDept', '第3行（MS19 “四好农村路”建设）：牵头部门应为 dept_jt'],
    ]);
  });

  it('rejects a second line for the same project', () => {
    const data = copy(readJson('alloc-proposal/v1/three-lines.json'));
    data.lines.push(copy(data.lines[0]));
    expect(check('uniqueProjectCodes', data)).toEqual([
      {
        path: '/lines/3/projectCode',
        message: '第4行的项目 MS01 与第1行重复',
        code: 'rule.uniqueProjectCodes',
      },
    ]);
  });

  it('requires a comment on a returned line', () => {
    const data = copy(readJson('alloc-review/v1/approve-and-return.json'));
    data.lines[1].comment = '  ';
    expect(validateSubmission('alloc-review', 1, data)).toEqual({
      ok: false,
      errors: [
        {
          path: '/lines/1/comment',
          message: '第2行（MS12 学前教育促进）：退回修改须填写意见说明',
          code: 'rule.returnNeedsComment',
        },
      ],
    });
  });
});

describe('settings', () => {
  it('defaults to the policy values', () => {
    expect(DEFAULT_FORM_SETTINGS).toMatchObject({ matchingFundsShare: 1, constructionDueDate: '11-30' });
  });

  it('refuses settings that cannot be right', () => {
    expect(() => resolveSettings({ constructionDueDate: '11/30' })).toThrow(InvalidFormSettingError);
    expect(() => resolveSettings({ matchingFundsShare: -0.1 })).toThrow(InvalidFormSettingError);
    expect(() => resolveSettings({ matchingFundsShareByProject: { MS01: Number.NaN } })).toThrow(
      InvalidFormSettingError,
    );
  });
});
