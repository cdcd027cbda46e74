import { describe, expect, it } from 'vitest';
import { StatesError } from '../../../local/sfn/asl/errors';
import { applyResultPath } from '../../../local/sfn/asl/io';
import { compilePath, NOT_FOUND } from '../../../local/sfn/asl/jsonpath';
import { evaluateTemplate, readPath, tryReadPath } from '../../../local/sfn/asl/paths';
import type { Json } from '../../../local/sfn/asl/types';
import { catchStatesError, fixture, makeContext } from './helpers';

interface PathCase {
  name: string;
  path: string;
  expected?: Json;
  expectedIsDocument?: boolean;
  error?: string;
  causeContains?: string;
}
const paths = fixture<{ document: Json; cases: PathCase[] }>('paths.json');
const ctx = makeContext();

describe('readPath', () => {
  it.each(paths.cases)('$name: $path', (c) => {
    if (c.error) {
      const err = catchStatesError(() => readPath(c.path, paths.document, ctx));
      expect(err.error).toBe(c.error);
      if (c.causeContains) expect(err.causeText).toContain(c.causeContains);
      return;
    }
    const value = readPath(c.path, paths.document, ctx);
    expect(value).toEqual(c.expectedIsDocument ? paths.document : c.expected);
  });

  it('tryReadPath returns NOT_FOUND instead of throwing', () => {
    expect(tryReadPath('$.nope', { a: 1 })).toBe(NOT_FOUND);
    expect(tryReadPath('$.a', { a: null })).toBeNull();
  });

  it('does not read inherited properties', () => {
    expect(tryReadPath('$.toString', {})).toBe(NOT_FOUND);
    expect(tryReadPath('$.constructor', { a: 1 })).toBe(NOT_FOUND);
  });

  it('caches compiled paths', () => {
    expect(compilePath('$.cached.path')).toBe(compilePath('$.cached.path'));
  });

  it('classifies definite and reference paths', () => {
    expect(compilePath("$.a[0]['b']").reference).toBe(true);
    expect(compilePath('$.a[-1]').definite).toBe(true);
    expect(compilePath('$.a[-1]').reference).toBe(false);
    expect(compilePath('$.a[*]').definite).toBe(false);
    expect(compilePath('$..a').definite).toBe(false);
    expect(compilePath('$$.Execution.Id').context).toBe(true);
  });
});

interface ResultPathCase {
  name: string;
  resultPath?: string | null;
  input: Json;
  result: Json;
  expected?: Json;
  error?: string;
}

describe('ResultPath merge', () => {
  it.each(fixture<ResultPathCase[]>('resultpath.json'))('$name', (c) => {
    const before = JSON.stringify(c.input);
    if (c.error) {
      expect(catchStatesError(() => applyResultPath(c.resultPath, c.input, c.result)).error).toBe(c.error);
    } else {
      expect(applyResultPath(c.resultPath, c.input, c.result)).toEqual(c.expected);
    }
    // the raw input is never mutated
    expect(JSON.stringify(c.input)).toBe(before);
  });
});

describe('evaluateTemplate', () => {
  const input = { a: 1, list: [{ x: 'p' }, { x: 'q' }], s: 'text' };

  it('keeps static values and resolves every .$ key at any depth, including inside arrays', () => {
    const template = {
      literal: 'x',
      n: 0,
      nul: null,
      'a.$': '$.a',
      'xs.$': '$.list[*].x',
      nested: { 'deep.$': '$.list[1]', arr: [{ 'ctx.$': '$$.Execution.Name' }, 'plain', ['$.not-a-path']] },
      'item.$': '$$.Map.Item.Value',
      'len.$': 'States.ArrayLength($.list)',
      'whole.$': '$',
    };
    expect(evaluateTemplate(template, input, ctx)).toEqual({
      literal: 'x',
      n: 0,
      nul: null,
      a: 1,
      xs: ['p', 'q'],
      nested: { deep: { x: 'q' }, arr: [{ ctx: 'exec-1' }, 'plain', ['$.not-a-path']] },
      item: 'c',
      len: 2,
      whole: input,
    });
  });

  it('gives the same result when evaluated again (compiled template is cached) and with new input', () => {
    const template = { 'v.$': '$.a' };
    expect(evaluateTemplate(template, { a: 1 }, ctx)).toEqual({ v: 1 });
    expect(evaluateTemplate(template, { a: 2 }, ctx)).toEqual({ v: 2 });
  });

  it('the whole context object is available as $$', () => {
    expect(evaluateTemplate({ 'c.$': '$$' }, {}, ctx)).toEqual({ c: ctx });
  });

  it('a missing path names the field and is States.Runtime', () => {
    const err = catchStatesError(() => evaluateTemplate({ outer: { 'x.$': '$.nope' } }, input, ctx));
    expect(err.error).toBe('States.Runtime');
    expect(err.causeText).toContain("specified for the field 'x.$'");
  });

  it('a missing context path is States.Runtime', () => {
    expect(catchStatesError(() => evaluateTemplate({ 'x.$': '$$.Task.Nope' }, input, ctx)).error).toBe(
      'States.Runtime',
    );
  });

  it('an invalid intrinsic is States.IntrinsicFailure', () => {
    const err = catchStatesError(() => evaluateTemplate({ 'x.$': 'States.Bogus()' }, input, ctx));
    expect(err.error).toBe('States.IntrinsicFailure');
  });

  it('throws StatesError instances', () => {
    expect(() => evaluateTemplate({ 'x.$': '$.nope' }, input, ctx)).toThrow(StatesError);
  });
});
