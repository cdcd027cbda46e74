import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { MAX_BODY_ERRORS, requestBody } from '../../../functions/http/body';
import { MAX_JSON_DEPTH, WITHIN_DEPTH_SOURCE, withinDepth } from '../../../functions/http/depth';
import { schemas } from '../../../functions/http/generated/schemas.gen';
import { bodySchemaProblems, createBodyAjv } from '../../../functions/http/schemas/ajv';
import { generateAll, HTTP_DIR, loadBodySchemas } from '../../../functions/http/scripts/generate';

const complete = requestBody('complete-task');
const draft = requestBody('save-draft');
const login = requestBody('auth-login');
const round = requestBody('open-round');

const project = { code: 'MS01', name: '老旧小区改造', leadDept: 'dept_zj', category: 'construction' };
const paths = (errors: { path: string }[]) => errors.map((e) => e.path).sort();

function nested(levels: number): Record<string, unknown> {
  let v: Record<string, unknown> = {};
  for (let i = 1; i < levels; i++) v = { a: v };
  return v;
}

describe('generated request-body validators', () => {
  test('are up to date with functions/http/schemas (run `npm run gen` if not)', async () => {
    const fresh = await generateAll();
    expect(Object.keys(fresh).sort()).toEqual([
      'generated/schemas.gen.ts',
      'generated/types.gen.ts',
      'generated/validators.gen.d.ts',
      'generated/validators.gen.js',
    ]);
    for (const [file, content] of Object.entries(fresh)) {
      expect(readFileSync(join(HTTP_DIR, file), 'utf8'), `functions/http/${file} is stale`).toBe(content);
    }
  });

  test('need neither ajv nor any other module at run time', () => {
    const code = readFileSync(join(HTTP_DIR, 'generated/validators.gen.js'), 'utf8');
    expect(code).not.toMatch(/\brequire\(/);
    expect(code).not.toMatch(/^import /m);
    const body = readFileSync(join(HTTP_DIR, 'body.ts'), 'utf8');
    expect(body).not.toMatch(/^import (?!type )[^;]*from 'ajv';/m);
    for (const handler of ['auth-login', 'complete-task', 'save-draft', 'start-instances', 'middleware']) {
      expect(readFileSync(join(HTTP_DIR, `${handler}.ts`), 'utf8'), handler).not.toMatch(/from '\.\/shape'/);
    }
  });

  test('come from hardened schemas whose depth bound is the platform one', () => {
    const files = loadBodySchemas();
    // The runtime's schemas and each kit's (the allocation's open-round).
    expect(files.map((f) => f.name)).toEqual([
      'auth-login',
      'complete-task',
      'open-round',
      'save-draft',
      'start-instances',
    ]);
    for (const f of files) expect(bodySchemaProblems(f.schema), f.name).toEqual([]);
    for (const name of ['complete-task', 'save-draft'] as const) {
      const data = (schemas[name].properties as Record<string, { maxDepth?: number }>).data;
      expect(data.maxDepth, name).toBe(MAX_JSON_DEPTH);
    }
  });

  test('the hardening check refuses open objects, unbounded strings and arrays, $data and prototype keys', () => {
    const problems = bodySchemaProblems({
      type: 'object',
      properties: {
        s: { type: 'string' },
        a: { type: 'array', items: { type: 'integer', minimum: 0 } },
        o: { type: 'object', properties: {} },
        d: { $data: '1/n', type: 'string', maxLength: 1 },
        ['__proto__']: { type: 'string', maxLength: 1 },
      },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        '/: object without additionalProperties: false',
        '/properties/s: string without maxLength',
        '/properties/a: array without maxItems',
        '/properties/a/items: number without minimum and maximum',
        '/properties/o: object without additionalProperties: false',
        '/properties/__proto__: forbidden property name',
      ]),
    );
    expect(problems).toContain('/properties/d: uses $data');
    // A data-driven limit does not even compile: $data is off in the platform options.
    expect(() =>
      createBodyAjv().compile({ type: 'string', maxLength: { $data: '1/n' } } as Record<string, unknown>),
    ).toThrow();
  });

  test('the prelude copy of the depth check agrees with the imported one', () => {
    const inlined = new Function(`${WITHIN_DEPTH_SOURCE}return __withinDepth;`)() as typeof withinDepth;
    for (const v of [null, 1, 'x', {}, [], nested(3), nested(24), nested(25), [[[{ a: [1] }]]]]) {
      for (const max of [1, 3, 24]) expect(inlined(v, max)).toBe(withinDepth(v, max));
    }
    expect(withinDepth(nested(24), 24)).toBe(true);
    expect(withinDepth(nested(25), 24)).toBe(false);
  });
});

describe('hostile request bodies', () => {
  test('valid bodies pass', () => {
    expect(login.check({ username: 'city_office', password: 'x' })).toEqual([]);
    expect(
      complete.check({ outcome: 'return', data: { lines: [] }, comment: '补充材料', returnTo: 'plan' }),
    ).toEqual([]);
    expect(draft.check({ data: nested(MAX_JSON_DEPTH) })).toEqual([]);
    expect(
      round.check({
        year: 2027,
        projects: [{ ...project, unit: '个' }],
        counties: ['340102', { code: '340103' }],
      }),
    ).toEqual([]);
  });

  test('unknown fields are refused at every level, with an escaped pointer', () => {
    expect(draft.check({ data: {}, version: 3 })).toEqual([
      { path: '/version', message: '不允许的字段「version」' },
    ]);
    expect(paths(complete.check({ outcome: 'submit', data: {}, 'a/b~c': 1 }))).toEqual(['/a~1b~0c']);
    expect(paths(round.check({ year: 2027, projects: [{ ...project, budget: 1 }] }))).toEqual([
      '/projects/0/budget',
    ]);
    expect(
      round.check({ year: 2027, projects: [project], counties: [{ code: '340102', head: 'x' }] }),
    ).toEqual([{ path: '/counties/0', message: '参与县区第1行：格式不正确' }]);
  });

  test('prototype keys are refused anywhere, free-form form data included', () => {
    const root = JSON.parse('{"username":"a","password":"b","__proto__":{"admin":true}}');
    expect(login.check(root)).toEqual([{ path: '/__proto__', message: '不允许的字段「__proto__」' }]);
    const inData = JSON.parse('{"outcome":"submit","data":{"lines":[{"constructor":{"prototype":1}}]}}');
    expect(complete.check(inData)).toEqual([
      { path: '/data/lines/0/constructor', message: '不允许的字段「constructor」' },
    ]);
    expect(paths(draft.check({ data: { x: { prototype: {} } } }))).toEqual(['/data/x/prototype']);
  });

  test('wrong types and out-of-range values name the field in Chinese', () => {
    expect(login.check(null)).toEqual([{ path: '', message: '请求体：须为对象' }]);
    expect(login.check([])).toEqual([{ path: '', message: '请求体：须为对象' }]);
    expect(complete.check({ outcome: 'maybe', data: [] })).toEqual([
      { path: '/outcome', message: '办理结果：只能是 submit、approve、return、reject、acknowledge 之一' },
      { path: '/data', message: '表单数据：须为对象' },
    ]);
    expect(round.check({ year: 2027.5, projects: [project] })).toEqual([
      { path: '/year', message: '年度：须为整数' },
    ]);
    expect(round.check({ year: '2027', projects: [project] })).toEqual([
      { path: '/year', message: '年度：须为整数' },
    ]);
    expect(round.check({ year: 1999, projects: [project] })[0]).toMatchObject({ path: '/year' });
    expect(round.check({ year: 2027, projects: [{ ...project, code: 'MS 01' }] })).toEqual([
      { path: '/projects/0/code', message: '项目清单第1行 / 项目编码：格式不正确' },
    ]);
    expect(complete.check({ outcome: 'submit' })).toEqual([
      { path: '/data', message: '缺少必填字段「表单数据」' },
    ]);
  });

  test('oversize strings are refused, one error per field', () => {
    const errors = complete.check({ outcome: 'submit', data: {}, comment: '长'.repeat(2001) });
    expect(errors).toEqual([{ path: '/comment', message: '意见：不应多于 2000 个字符' }]);
    expect(complete.check({ outcome: 'submit', data: {}, comment: '长'.repeat(2000) })).toEqual([]);
    expect(paths(login.check({ username: 'u'.repeat(65), password: 'p'.repeat(257) }))).toEqual([
      '/password',
      '/username',
    ]);
    // Too long and off-pattern at once is still one problem for that field.
    expect(paths(round.check({ year: 2027, projects: [{ ...project, code: ' '.repeat(33) }] }))).toEqual([
      '/projects/0/code',
    ]);
  });

  test('too many items, too few items and too deep free-form data are refused', () => {
    expect(round.check({ year: 2027, projects: Array(201).fill(project) })).toEqual([
      { path: '/projects', message: '项目清单：不应多于 200 个项' },
    ]);
    expect(paths(round.check({ year: 2027, projects: [] }))).toEqual(['/projects']);
    expect(
      paths(round.check({ year: 2027, projects: [project], counties: Array(51).fill('340102') })),
    ).toEqual(['/counties']);
    expect(draft.check({ data: nested(MAX_JSON_DEPTH + 1) })).toEqual([
      { path: '/data', message: `表单数据：嵌套层级不能超过 ${MAX_JSON_DEPTH} 层` },
    ]);
  });

  test('a body full of unknown fields yields a bounded error list', () => {
    const body: Record<string, unknown> = { outcome: 'submit', data: {} };
    for (let i = 0; i < 1000; i++) body[`k${i}`] = i;
    const errors = complete.check(body);
    expect(errors).toHaveLength(MAX_BODY_ERRORS);
    expect(errors[0]).toEqual({ path: '/k0', message: '不允许的字段「k0」' });
  });
});
