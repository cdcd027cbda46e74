/**
 * The engine checked against AWS's Step Functions Developer Guide, section by section: every case in
 * test/fixtures/asl/conformance/*.json names its doc section. This file runs the pure cases (paths,
 * intrinsics, definitions, retry delays, error matching); test/integration/sfn/conformance.test.ts
 * runs the `execution` cases through the engine and the refused definitions through CreateStateMachine.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorMatches } from '../../../local/sfn/asl/errors';
import { evaluateIntrinsic } from '../../../local/sfn/asl/intrinsics';
import { readPath, tryReadPath } from '../../../local/sfn/asl/paths';
import { retryDelayMs } from '../../../local/sfn/asl/retry';
import type { Json, Retrier } from '../../../local/sfn/asl/types';
import { validateDefinition } from '../../../local/sfn/asl/validate';
import { type ConformanceCase, conformanceSections } from '../../fixtures/asl/conformance/load';
import { catchStatesError, makeContext } from './helpers';

const sections = conformanceSections();
const ctx = makeContext();

function run(c: ConformanceCase): void {
  switch (c.kind) {
    case 'path': {
      if (c.error) {
        expect(catchStatesError(() => readPath(c.path as string, c.input as Json, ctx)).error).toBe(c.error);
        return;
      }
      expect(tryReadPath(c.path as string, c.input as Json, ctx)).toEqual(c.expected);
      return;
    }
    case 'intrinsic': {
      if (c.error) {
        expect(catchStatesError(() => evaluateIntrinsic(c.expr as string, c.input as Json, ctx)).error).toBe(
          c.error,
        );
        return;
      }
      const v = evaluateIntrinsic(c.expr as string, (c.input ?? {}) as Json, ctx);
      if (c.matches) expect(JSON.stringify(v)).toMatch(new RegExp(c.matches));
      else expect(v).toEqual(c.expected);
      return;
    }
    case 'definition': {
      const res = validateDefinition(JSON.stringify(c.definition));
      expect(res.ok).toBe(c.valid);
      if (!res.ok) for (const part of c.contains ?? []) expect(res.message).toContain(part);
      return;
    }
    case 'retryDelay': {
      const random = () => c.random ?? 0.999;
      const got = (c.attempts as (number | null)[]).map(
        (_, i) => retryDelayMs(c.retrier as Retrier, i, random) ?? null,
      );
      expect(got).toEqual(c.attempts);
      return;
    }
    case 'errorMatch':
      expect(errorMatches(c.error as string, c.errorEquals as string[])).toBe(c.expected);
      return;
    case 'execution':
      // Run by the integration tier; here only their definitions are checked to be accepted.
      expect(validateDefinition(JSON.stringify(c.definition))).toMatchObject({ ok: true });
      return;
  }
}

for (const s of sections) {
  describe(`${s.section} (${s.doc})`, () => {
    it.each(s.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => run(c));
  });
}

describe('docs/local-sfn.md', () => {
  it('lists every conformance section with its case count', () => {
    const doc = readFileSync(new URL('../../../docs/local-sfn.md', import.meta.url), 'utf8');
    const rows = new Map<string, number>();
    for (const line of doc.split('\n')) {
      const cells = line.split('|').map((c) => c.trim());
      if (cells.length > 3 && /^\d+$/.test(cells[2])) rows.set(cells[1], Number(cells[2]));
    }
    for (const s of sections) expect([s.section, rows.get(s.section)]).toEqual([s.section, s.cases.length]);
  });
});
