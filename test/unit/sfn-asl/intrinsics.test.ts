import { describe, expect, it } from 'vitest';
import { evaluateIntrinsic, INTRINSIC_NAMES, parseIntrinsic } from '../../../local/sfn/asl/intrinsics';
import type { Json } from '../../../local/sfn/asl/types';
import { catchStatesError, fixture, makeContext } from './helpers';

interface IntrinsicCase {
  name: string;
  expr: string;
  expected?: Json;
  error?: string;
  matches?: string;
  sameItems?: boolean;
}
const data = fixture<{ input: Json; cases: IntrinsicCase[] }>('intrinsics.json');
const ctx = makeContext();

describe('intrinsic functions', () => {
  it.each(data.cases)('$name: $expr', (c) => {
    if (c.error) {
      expect(catchStatesError(() => evaluateIntrinsic(c.expr, data.input, ctx)).error).toBe(c.error);
      return;
    }
    const v = evaluateIntrinsic(c.expr, data.input, ctx);
    if (c.matches) expect(String(v)).toMatch(new RegExp(c.matches));
    else if (c.sameItems) {
      const arr = v as number[];
      expect(arr[0]).toBe(arr[1]);
    } else expect(v).toEqual(c.expected);
  });

  it('the fixture covers every documented intrinsic', () => {
    for (const name of INTRINSIC_NAMES)
      expect(data.cases.some((c) => c.expr.includes(`${name}(`))).toBe(true);
    expect(INTRINSIC_NAMES).toHaveLength(18);
  });

  it('MathRandom stays within [start, end) and is an integer', () => {
    for (let i = 0; i < 200; i++) {
      const v = evaluateIntrinsic('States.MathRandom(-3, 4)', {}, ctx) as number;
      expect(Number.isInteger(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(-3);
      expect(v).toBeLessThan(4);
    }
  });

  it('MathRandom with different seeds can differ, with the same seed never does', () => {
    const values = new Set<number>();
    for (let seed = 0; seed < 20; seed++)
      values.add(evaluateIntrinsic(`States.MathRandom(0, 1000000, ${seed})`, {}, ctx) as number);
    expect(values.size).toBeGreaterThan(1);
    expect(evaluateIntrinsic('States.MathRandom(0, 1000000, 7)', {}, ctx)).toBe(
      evaluateIntrinsic('States.MathRandom(0, 1000000, 7)', {}, ctx),
    );
  });

  it('UUID values are unique', () => {
    expect(evaluateIntrinsic('States.UUID()', {}, ctx)).not.toBe(evaluateIntrinsic('States.UUID()', {}, ctx));
  });

  it('Base64 and Hash reject input over 10,000 characters', () => {
    const big = { s: 'x'.repeat(10_001) };
    expect(catchStatesError(() => evaluateIntrinsic('States.Base64Encode($.s)', big, ctx)).error).toBe(
      'States.IntrinsicFailure',
    );
    expect(catchStatesError(() => evaluateIntrinsic("States.Hash($.s, 'MD5')", big, ctx)).error).toBe(
      'States.IntrinsicFailure',
    );
    expect(
      evaluateIntrinsic("States.ArrayLength(States.StringSplit($.s, ','))", { s: 'x'.repeat(10_000) }, ctx),
    ).toBe(1);
  });

  it('parses once and caches the AST', () => {
    expect(parseIntrinsic("States.Format('{}', $.a)")).toBe(parseIntrinsic("States.Format('{}', $.a)"));
  });

  it('keeps the escape information of literals for States.Format only', () => {
    expect(evaluateIntrinsic("States.Array('\\{}')", {}, ctx)).toEqual(['{}']);
    expect(evaluateIntrinsic("States.Format('\\{}{}', 1)", {}, ctx)).toBe('{}1');
  });

  it('does not mutate its inputs', () => {
    const input = { a: { x: 1 }, b: { y: 2 }, list: [3, 1, 3] };
    const before = JSON.stringify(input);
    evaluateIntrinsic('States.JsonMerge($.a, $.b, false)', input, ctx);
    evaluateIntrinsic('States.ArrayUnique($.list)', input, ctx);
    evaluateIntrinsic('States.ArrayPartition($.list, 2)', input, ctx);
    expect(JSON.stringify(input)).toBe(before);
  });
});
