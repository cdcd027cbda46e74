import { describe, expect, it } from 'vitest';
import { validateWorkflow } from '../../../workflows/validate';
import { fixtureChecks, invalidFixtureNames, readJson, validFixture } from './fixtures';

const expected = readJson<Record<string, [string, string][]>>('invalid', 'expected-errors.json');

describe('validateWorkflow', () => {
  it('accepts a well-formed definition', () => {
    expect(validateWorkflow(validFixture('small-review'), fixtureChecks)).toEqual({ ok: true });
  });

  it('has an expectation for every bad-definition fixture and a fixture for every expectation', () => {
    const names = Object.keys(expected).filter((k) => k !== '$comment');
    expect(names.sort()).toEqual(invalidFixtureNames());
  });

  for (const name of invalidFixtureNames()) {
    it(`reports ${name} with the code and JSON pointer of each fault`, () => {
      const result = validateWorkflow(readJson('invalid', `${name}.json`), fixtureChecks);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      const got = result.errors.map((e) => [e.code, e.path]);
      expect(got.sort()).toEqual([...expected[name]].sort());
      for (const e of result.errors) {
        // Plain words in both languages, and the combined line carries both.
        expect(e.zh).toMatch(/[\u4e00-\u9fff]/);
        expect(e.en).toMatch(/[A-Za-z]{3}/);
        expect(e.message).toBe(`${e.zh} ${e.en}`);
      }
    });
  }

  it('names the missing step, form and function in its messages', () => {
    const steps = validateWorkflow(readJson('invalid', 'return-to-missing-step.json'), fixtureChecks);
    const form = validateWorkflow(readJson('invalid', 'unknown-form.json'), fixtureChecks);
    const fn = validateWorkflow(readJson('invalid', 'unknown-function.json'), fixtureChecks);
    expect(!steps.ok && steps.errors[0].en).toContain('"draft", which does not exist');
    expect(!steps.ok && steps.errors[0].zh).toContain('“draft”不存在');
    expect(!form.ok && form.errors[0].en).toContain('form "alloc-review" version 7');
    expect(!fn.ok && fn.errors[0].zh).toContain('PrintCertificates');
  });

  it('explains schema errors in plain words rather than schema jargon', () => {
    const unknownField = validateWorkflow(readJson('invalid', 'schema-unknown-field.json'), fixtureChecks);
    const twoDue = validateWorkflow(readJson('invalid', 'schema-two-due-rules.json'), fixtureChecks);
    const badType = validateWorkflow(readJson('invalid', 'schema-unknown-step-type.json'), fixtureChecks);
    expect(!unknownField.ok && unknownField.errors[0].zh).toBe(
      '第 1 步：不认识的字段“assignee”，请删除或检查拼写。',
    );
    expect(!twoDue.ok && twoDue.errors[0].en).toBe(
      'Step 1: A deadline has exactly one of workingDays, days, date or subjectDate (plus an optional fallback).',
    );
    expect(!badType.ok && badType.errors[0].zh).toContain('review（审核）');
  });

  it('rejects values that are not definitions at all without throwing', () => {
    for (const value of [null, 42, 'allocation', [], { id: 'x' }]) {
      const result = validateWorkflow(value, fixtureChecks);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.errors[0].code).toBe('SCHEMA');
    }
  });

  it('rejects __proto__ smuggled into a step as an unknown field', () => {
    const def = validFixture('small-review');
    const step = JSON.parse(JSON.stringify(def.steps[0]).replace('{', '{"__proto__":{"polluted":true},'));
    const result = validateWorkflow({ ...def, steps: [step, ...def.steps.slice(1)] }, fixtureChecks);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors[0].path).toBe('/steps/0/__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
