// This file must not import forms/compile: it checks that validation loads ajv only when needed.
import { describe, expect, it } from 'vitest';
import { getForm } from '../../../forms/index';
import {
  FormCompilerNotLoadedError,
  validateSubmission,
  validateSubmissionAsync,
} from '../../../forms/validate';
import { copy, readJson } from './fixtures';

describe('run-time compiler loaded on demand', () => {
  it('validates built-in forms without it, and loads it for an admin-published version', async () => {
    const data = copy(readJson('alloc-review/v1/approve-and-return.json'));
    expect(validateSubmission('alloc-review', 1, data)).toEqual({ ok: true });

    const published = { ...structuredClone(getForm('alloc-review', 1)), version: 7 };
    expect(() => validateSubmission('alloc-review', 7, data, { definition: published })).toThrow(
      FormCompilerNotLoadedError,
    );
    expect(await validateSubmissionAsync('alloc-review', 7, data, { definition: published })).toEqual({
      ok: true,
    });
    data.lines[0].decision = 'later';
    expect(validateSubmission('alloc-review', 7, data, { definition: published })).toMatchObject({
      ok: false,
      errors: [{ path: '/lines/0/decision', code: 'schema.enum' }],
    });
  });
});
