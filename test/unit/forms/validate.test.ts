import { fullFormats } from 'ajv-formats/dist/formats';
import { describe, expect, it } from 'vitest';
import { AJV_OPTIONS } from '../../../forms/ajv';
import { compiledFormCount } from '../../../forms/compile';
import { FormDefinitionError } from '../../../forms/definition';
import { validators } from '../../../forms/generated/validators.gen';
import { FormNotFoundError, getForm, listForms } from '../../../forms/index';
import { MAX_ERRORS, validateSubmission } from '../../../forms/validate';
import { copy, fixtureContext, readJson, samples } from './fixtures';

const ctx = fixtureContext();
const plan = () => copy(readJson('alloc-plan/v1/three-lines.json'));
const proposal = () => copy(readJson('alloc-proposal/v1/three-lines.json'));

function errorsOf(res: ReturnType<typeof validateSubmission>) {
  expect(res.ok).toBe(false);
  return res.ok ? [] : res.errors;
}

describe('validateSubmission: the stored samples', () => {
  const cases = listForms().flatMap((d) =>
    samples(d.id, d.version).map(([f, data]) => [`${d.id}@${d.version} ${f}`, d, data] as const),
  );

  it('has at least one sample per form version', () => {
    for (const d of listForms())
      expect(samples(d.id, d.version).length, `${d.id}@${d.version}`).toBeGreaterThan(0);
  });

  it.each(cases)('accepts %s', (_name, def, data) => {
    expect(validateSubmission(def.id, def.version, data, ctx)).toEqual({ ok: true });
  });
});

describe('validateSubmission: schema errors', () => {
  it('reports a string over its maxLength with the JSON pointer, a Chinese message and a stable code', () => {
    const data = proposal();
    data.lines[1].targets = '长'.repeat(2001);
    expect(errorsOf(validateSubmission('alloc-proposal', 1, data, ctx))).toEqual([
      {
        path: '/lines/1/targets',
        message: '申报项目第2行 / 绩效目标：不应多于 2000 个字符',
        code: 'schema.maxLength',
      },
    ]);
  });

  it('names a missing required field by its own pointer and label', () => {
    const data = plan();
    delete data.lines[2].responsibleUnit;
    expect(errorsOf(validateSubmission('alloc-plan', 1, data, ctx))).toEqual([
      {
        path: '/lines/2/responsibleUnit',
        message: '实施项目第3行 / 责任单位：必填',
        code: 'schema.required',
      },
    ]);
  });

  it('rejects an unknown field, pointing at it', () => {
    const data = proposal();
    data.lines[0].funds.other = 5;
    const [err] = errorsOf(validateSubmission('alloc-proposal', 1, data, ctx));
    expect(err).toMatchObject({ path: '/lines/0/funds/other', code: 'schema.additionalProperties' });
    expect(err.message).toContain('不允许的字段「other」');
  });

  it('rejects amounts with more than two decimals, negative or above the bound', () => {
    for (const [value, code] of [
      [1.234, 'schema.multipleOf'],
      [-1, 'schema.minimum'],
      [1_000_000.01, 'schema.maximum'],
      ['12', 'schema.type'],
    ] as const) {
      const data = proposal();
      data.lines[0].funds.central = value;
      const [err] = errorsOf(validateSubmission('alloc-proposal', 1, data, ctx));
      expect(err).toMatchObject({ path: '/lines/0/funds/central', code });
      expect(err.message).toMatch(/^申报项目第1行 \/ 资金需求（万元） \/ 中央：/);
    }
  });

  it('accepts two-decimal amounts that binary floating point cannot represent exactly', () => {
    const data = proposal();
    Object.assign(data.lines[0].funds, { central: 0.07, provincial: 1.13, city: 99999.99, county: 0.29 });
    expect(validateSubmission('alloc-proposal', 1, data, ctx)).toEqual({ ok: true });
  });

  it('rejects an impossible date', () => {
    const data = plan();
    data.lines[0].deadline = '2027-02-29';
    expect(errorsOf(validateSubmission('alloc-plan', 1, data, ctx))[0]).toMatchObject({
      path: '/lines/0/deadline',
      code: 'schema.format',
    });
  });

  it('rejects more than 500 lines and accepts 500', () => {
    const line = proposal().lines[0];
    const many = (n: number) => ({
      lines: Array.from({ length: n }, (_, i) => ({ ...line, projectCode: `P${i}` })),
    });
    expect(validators['alloc-proposal@1'](many(500))).toBe(true);
    expect(errorsOf(validateSubmission('alloc-proposal', 1, many(501), ctx))).toEqual([
      { path: '/lines', message: '申报项目：不应多于 500 个项', code: 'schema.maxItems' },
    ]);
  });

  it('does not accept a review decision outside approve/return', () => {
    const data = copy(readJson('alloc-review/v1/approve-and-return.json'));
    data.lines[0].decision = 'maybe';
    expect(errorsOf(validateSubmission('alloc-review', 1, data))[0]).toMatchObject({
      path: '/lines/0/decision',
      code: 'schema.enum',
    });
  });

  it('throws FormNotFound for a form that is neither built in nor given', () => {
    expect(() => validateSubmission('alloc-plan', 7, {}, ctx)).toThrow(FormNotFoundError);
  });
});

describe('validateSubmission: prototype keys', () => {
  const payloads = [
    '{"__proto__": {"polluted": "yes"}, "lines": []}',
    '{"lines": [{"constructor": {"prototype": {"polluted": "yes"}}}]}',
    '{"lines": [{"projectCode": "MS01", "funds": {"__proto__": {"polluted": "yes"}}}]}',
  ];
  it.each(listForms().flatMap((d) => payloads.map((p) => [`${d.id}@${d.version}`, d, p] as const)))(
    '%s rejects %s and pollutes nothing',
    (_k, def, payload) => {
      const res = validateSubmission(def.id, def.version, JSON.parse(payload), ctx);
      expect(res.ok).toBe(false);
      expect(res.ok ? [] : res.errors.map((e) => e.code)).toContain('schema.forbiddenKey');
      expect(({} as any).polluted).toBeUndefined();
      expect((Object.prototype as any).polluted).toBeUndefined();
    },
  );

  it('rejects __proto__ in the schema validators too, without the pre-scan', () => {
    for (const def of listForms()) {
      const validate = validators[`${def.id}@${def.version}`];
      expect(validate(JSON.parse('{"__proto__": {"x": 1}, "lines": []}'))).toBe(false);
      expect(validate.errors?.[0]).toMatchObject({ keyword: 'additionalProperties' });
    }
  });
});

describe('validateSubmission: rules run after the schema', () => {
  it('does not run rules on data the schema rejects', () => {
    const data = plan();
    data.lines[0].funds.central = 99999; // above control, but the schema error comes first
    data.lines[0].responsibleUnit = '';
    const errors = errorsOf(validateSubmission('alloc-plan', 1, data, ctx));
    expect(errors.map((e) => e.code)).toEqual(['schema.minLength']);
  });

  it('reports a rule whose context is missing instead of skipping it', () => {
    const errors = errorsOf(
      validateSubmission('alloc-plan', 1, plan(), { facts: { year: 2027, projects: ctx.facts.projects } }),
    );
    expect(errors).toEqual([
      {
        path: '',
        message: '无法校验「二上各项目分来源资金安排不得超过一下控制数」：缺少一下控制数',
        code: 'rule.contextMissing',
      },
    ]);
  });

  it('passes settings overrides to the rules', () => {
    const data = plan();
    data.lines[1].deadline = '2027-12-15';
    expect(errorsOf(validateSubmission('alloc-plan', 1, data, ctx)).map((e) => e.code)).toContain(
      'rule.constructionDueNov30',
    );
    expect(
      validateSubmission('alloc-plan', 1, data, { ...ctx, settings: { constructionDueDate: '12-20' } }),
    ).toEqual({
      ok: true,
    });
  });

  it('caps the number of errors', () => {
    const line = readJson('alloc-review/v1/approve-and-return.json').lines[1];
    const data = {
      lines: Array.from({ length: 400 }, (_, i) => ({ ...line, projectCode: `P${i}`, comment: '' })),
    };
    expect(errorsOf(validateSubmission('alloc-review', 1, data))).toHaveLength(MAX_ERRORS);
  });
});

describe('validateSubmission: run-time compiled forms', () => {
  const published = () => {
    const def = structuredClone(getForm('alloc-review', 1)) as any;
    def.version = 42;
    def.schema.properties.overallComment.maxLength = 10;
    return def;
  };

  it('validates an admin-published version given in the context, compiled once', () => {
    const def = published();
    const data = copy(readJson('alloc-review/v1/approve-and-return.json'));
    const before = compiledFormCount();
    const first = validateSubmission('alloc-review', 42, data, { definition: def });
    expect(errorsOf(first)[0]).toMatchObject({ path: '/overallComment', code: 'schema.maxLength' });
    validateSubmission('alloc-review', 42, data, { definition: def });
    expect(compiledFormCount()).toBe(before + 1);
    data.overallComment = '请修改';
    expect(validateSubmission('alloc-review', 42, data, { definition: def })).toEqual({ ok: true });
  });

  it('refuses to compile an unhardened admin definition', () => {
    const def = published();
    delete def.schema.properties.overallComment.maxLength;
    expect(() => validateSubmission('alloc-review', 42, {}, { definition: def })).toThrow(
      FormDefinitionError,
    );
  });

  it('gives the same answers as the standalone validators, and every error with allErrors', () => {
    const data = plan();
    data.lines[0].funds.central = -1;
    data.lines[1].deadline = 'soon';
    const single = errorsOf(validateSubmission('alloc-plan', 1, data, ctx));
    const all = errorsOf(validateSubmission('alloc-plan', 1, data, { ...ctx, allErrors: true }));
    expect(single).toHaveLength(1);
    expect(all.map((e) => e.path)).toEqual(
      expect.arrayContaining(['/lines/0/funds/central', '/lines/1/deadline']),
    );
    expect(all).toContainEqual(single[0]);
  });

  it('uses the platform ajv options: strict, no $data, first error only', () => {
    expect(AJV_OPTIONS).toMatchObject({ strict: true, $data: false, allErrors: false, useDefaults: false });
  });
});

describe('the inlined date format of the generated validators', () => {
  it('agrees with ajv-formats on valid, invalid and edge-case dates', () => {
    const validate = validators['alloc-plan@1'];
    const base = plan();
    const samplesToTry = [
      '2027-01-01',
      '2027-12-31',
      '2028-02-29',
      '2027-02-29',
      '2100-02-29',
      '2000-02-29',
      '2027-13-01',
      '2027-00-10',
      '2027-04-31',
      '2027-4-1',
      '27-04-01',
      '2027-04-01T00:00',
      ' 2027-04-01',
      '2027/04/01',
    ];
    for (const s of samplesToTry) {
      const data = copy(base);
      data.lines[0].deadline = s;
      expect(validate(data), s).toBe((fullFormats.date as { validate: (x: string) => boolean }).validate(s));
    }
  });
});
