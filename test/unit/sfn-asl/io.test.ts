import { describe, expect, it } from 'vitest';
import { catcherOutput, effectiveInput, effectiveOutput, passResult } from '../../../local/sfn/asl/io';
import type { Json, PassState, State } from '../../../local/sfn/asl/types';
import { catchStatesError, fixture, makeContext } from './helpers';

interface IoCase {
  name: string;
  state: State;
  input: Json;
  result?: Json;
  passResult?: Json;
  resultFromEffectiveInput?: boolean;
  effectiveInput?: Json;
  output?: Json;
  error?: string;
  causeContains?: string;
  outputError?: string;
}
const ctx = makeContext();

describe('state input and output processing', () => {
  it.each(fixture<IoCase[]>('io.json'))('$name', (c) => {
    const before = JSON.stringify(c.input);
    if (c.error) {
      const err = catchStatesError(() => effectiveInput(c.state, c.input, ctx));
      expect(err.error).toBe(c.error);
      if (c.causeContains) expect(err.causeText).toContain(c.causeContains);
      return;
    }
    const eff = effectiveInput(c.state, c.input, ctx);
    if (c.effectiveInput !== undefined) expect(eff).toEqual(c.effectiveInput);
    let result = c.result;
    if (c.resultFromEffectiveInput) result = eff;
    if (c.passResult !== undefined) {
      result = passResult(c.state as PassState, eff);
      expect(result).toEqual(c.passResult);
    }
    if (c.outputError) {
      expect(catchStatesError(() => effectiveOutput(c.state, c.input, result ?? null, ctx)).error).toBe(
        c.outputError,
      );
    } else if (c.output !== undefined) {
      expect(effectiveOutput(c.state, c.input, result ?? null, ctx)).toEqual(c.output);
    }
    expect(JSON.stringify(c.input)).toBe(before);
  });

  it('a Fail state output is passed through', () => {
    expect(effectiveOutput({ Type: 'Fail' }, { a: 1 }, { b: 2 }, ctx)).toEqual({ b: 2 });
  });
});

describe('catcherOutput', () => {
  const error = { Error: 'Custom.Error', Cause: 'it broke' };

  it('without ResultPath the error object replaces the input', () => {
    expect(catcherOutput({ ErrorEquals: ['States.ALL'], Next: 'X' }, { a: 1 }, error)).toEqual(error);
  });

  it('with ResultPath the error is merged into the raw input', () => {
    expect(
      catcherOutput({ ErrorEquals: ['States.ALL'], Next: 'X', ResultPath: '$.error' }, { a: 1 }, error),
    ).toEqual({
      a: 1,
      error,
    });
  });

  it('ResultPath null keeps the raw input', () => {
    expect(
      catcherOutput({ ErrorEquals: ['States.ALL'], Next: 'X', ResultPath: null }, { a: 1 }, error),
    ).toEqual({ a: 1 });
  });

  it('a ResultPath that cannot be applied is States.ResultPathMatchFailure', () => {
    expect(
      catchStatesError(() =>
        catcherOutput({ ErrorEquals: ['States.ALL'], Next: 'X', ResultPath: '$.e' }, 'str', error),
      ).error,
    ).toBe('States.ResultPathMatchFailure');
  });
});
