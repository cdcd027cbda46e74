import { describe, expect, it } from 'vitest';
import { errorMatches } from '../../../local/sfn/asl/errors';
import { findCatcher, findRetrier, retryDelayMs } from '../../../local/sfn/asl/retry';
import type { Catcher, Retrier } from '../../../local/sfn/asl/types';
import { fixture } from './helpers';

interface RetryFixture {
  delays: { name: string; retrier: Retrier; random?: number; attempts: (number | null)[] }[];
  matching: { error: string; errorEquals: string[]; expected: boolean }[];
  selection: {
    retriers: Retrier[];
    catchers: Catcher[];
    cases: { error: string; retrier: number; catcher: string | null }[];
  };
}
const data = fixture<RetryFixture>('retry.json');

describe('retryDelayMs', () => {
  it.each(data.delays)('$name', (c) => {
    const random = () => c.random ?? 0.999;
    c.attempts.forEach((expected, attempt) => {
      expect([attempt, retryDelayMs(c.retrier, attempt, random)]).toEqual([attempt, expected ?? undefined]);
    });
  });

  it('FULL jitter stays within [0, delay] with the default random source', () => {
    for (let i = 0; i < 100; i++) {
      const d = retryDelayMs({ ErrorEquals: ['X'], IntervalSeconds: 4, JitterStrategy: 'FULL' }, 1) as number;
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(8000);
    }
  });
});

describe('errorMatches', () => {
  it.each(data.matching)('$error vs $errorEquals -> $expected', (c) => {
    expect(errorMatches(c.error, c.errorEquals)).toBe(c.expected);
  });
});

describe('findRetrier / findCatcher', () => {
  it.each(data.selection.cases)('$error', (c) => {
    expect(findRetrier(data.selection.retriers, c.error)).toBe(c.retrier);
    expect(findCatcher(data.selection.catchers, c.error)?.Next ?? null).toBe(c.catcher);
  });

  it('handles absent arrays', () => {
    expect(findRetrier(undefined, 'X')).toBe(-1);
    expect(findCatcher(undefined, 'X')).toBeUndefined();
  });
});
