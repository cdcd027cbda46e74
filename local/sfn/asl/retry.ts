/** Retry and Catch selection and retry delays. */
import { errorMatches } from './errors';
import type { Catcher, Retrier } from './types';

/** Index of the first retrier whose ErrorEquals matches, or -1. (AWS uses only the first matching
 * retrier; when its attempts are exhausted the error goes to Catch, not to a later retrier.) */
export function findRetrier(retriers: readonly Retrier[] | undefined, error: string): number {
  if (!retriers) return -1;
  for (let i = 0; i < retriers.length; i++) if (errorMatches(error, retriers[i].ErrorEquals)) return i;
  return -1;
}

/** Delay before retry number `attempt` (0-based) of a retrier: IntervalSeconds (default 1) × BackoffRate
 * (default 2) ^ attempt, capped by MaxDelaySeconds, FULL jitter uses `random()`; undefined when MaxAttempts (default 3) is exhausted. */
export function retryDelayMs(
  retrier: Retrier,
  attempt: number,
  random: () => number = Math.random,
): number | undefined {
  const maxAttempts = retrier.MaxAttempts ?? 3;
  if (attempt >= maxAttempts) return undefined;
  let delay = (retrier.IntervalSeconds ?? 1) * 1000 * (retrier.BackoffRate ?? 2) ** attempt;
  if (retrier.MaxDelaySeconds !== undefined) delay = Math.min(delay, retrier.MaxDelaySeconds * 1000);
  if (retrier.JitterStrategy === 'FULL') delay *= random();
  return Math.round(delay);
}

/** The first catcher whose ErrorEquals matches, if any. */
export function findCatcher(catchers: readonly Catcher[] | undefined, error: string): Catcher | undefined {
  return catchers?.find((c) => errorMatches(error, c.ErrorEquals));
}
