import { describe, expect, it } from 'vitest';
import { CHOICE_OPERATORS, evaluateChoiceRule, nextForChoice } from '../../../local/sfn/asl/choice';
import type { ChoiceRule, ChoiceState, Json } from '../../../local/sfn/asl/types';
import { catchStatesError, fixture, makeContext } from './helpers';

interface RuleCase {
  rule: ChoiceRule;
  expected?: boolean;
  error?: string;
}
const data = fixture<{ input: Json; cases: RuleCase[] }>('choice.json');
const ctx = makeContext();

describe('choice rules', () => {
  it.each(data.cases.map((c) => [JSON.stringify(c.rule), c] as const))('%s', (_label, c) => {
    if (c.error) {
      expect(catchStatesError(() => evaluateChoiceRule(c.rule, data.input, ctx)).error).toBe(c.error);
      return;
    }
    expect(evaluateChoiceRule(c.rule, data.input, ctx)).toBe(c.expected);
  });

  it('the fixture uses every operator with both a true and a false outcome', () => {
    const used = new Map<string, Set<boolean>>();
    const walk = (rule: ChoiceRule, outcome: boolean) => {
      for (const k of Object.keys(rule)) {
        if (!CHOICE_OPERATORS.includes(k)) continue;
        if (!used.has(k)) used.set(k, new Set());
        used.get(k)?.add(outcome);
      }
    };
    for (const c of data.cases) if (c.expected !== undefined) walk(c.rule, c.expected);
    for (const op of CHOICE_OPERATORS) expect([op, used.get(op)?.size]).toEqual([op, 2]);
  });
});

describe('nextForChoice', () => {
  const state: ChoiceState = {
    Type: 'Choice',
    Choices: [
      { Variable: '$.n', NumericGreaterThan: 10, Next: 'Big' },
      { Variable: '$.n', NumericGreaterThan: 5, Next: 'Medium' },
    ],
    Default: 'Small',
  };

  it('takes the first matching rule in order', () => {
    expect(nextForChoice(state, { n: 11 })).toBe('Big');
    expect(nextForChoice(state, { n: 6 })).toBe('Medium');
  });

  it('falls back to Default', () => {
    expect(nextForChoice(state, { n: 1 })).toBe('Small');
  });

  it('without Default, no match is States.NoChoiceMatched', () => {
    const noDefault: ChoiceState = { Type: 'Choice', Choices: state.Choices };
    expect(catchStatesError(() => nextForChoice(noDefault, { n: 1 })).error).toBe('States.NoChoiceMatched');
  });

  it('a missing Variable is States.Runtime, not a silent fallthrough', () => {
    expect(catchStatesError(() => nextForChoice(state, { other: 1 })).error).toBe('States.Runtime');
  });

  it('can read $$ context variables', () => {
    const s: ChoiceState = {
      Type: 'Choice',
      Choices: [{ Variable: '$$.State.RetryCount', NumericEquals: 0, Next: 'First' }],
      Default: 'Again',
    };
    expect(nextForChoice(s, {}, ctx)).toBe('First');
    expect(nextForChoice(s, {}, makeContext({ State: { EnteredTime: '', Name: 'X', RetryCount: 2 } }))).toBe(
      'Again',
    );
  });
});
