/**
 * Due-date rules of workflow steps, resolved when a task opens. Working days skip Saturdays and
 * Sundays in Asia/Shanghai (public holidays are a setting not modelled yet); the due moment is the
 * end of that day in Shanghai.
 */

/** A step's due rule as the workflow language states it. */
export interface DueRule {
  workingDays?: number;
  days?: number;
  /** Fixed month-day (MM-DD) in the execution's year. */
  date?: string;
  /** An absolute ISO moment. */
  at?: string;
}

const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/** The end (23:59:59.999 Shanghai) of the Shanghai calendar day `shanghaiDay` (ms at Shanghai midnight). */
function endOfShanghaiDay(shanghaiMidnightAsUtcMs: number): Date {
  return new Date(shanghaiMidnightAsUtcMs - SHANGHAI_OFFSET_MS + 86_400_000 - 1);
}

/** Resolves a due rule to an ISO moment, or undefined when the step has none. */
export function resolveDue(rule: DueRule | undefined, openedAt: Date, year: number): string | undefined {
  if (!rule) return undefined;
  if (rule.at) return new Date(rule.at).toISOString();
  if (rule.date && /^\d{2}-\d{2}$/.test(rule.date)) {
    return endOfShanghaiDay(Date.parse(`${year}-${rule.date}T00:00:00Z`)).toISOString();
  }
  // Shanghai calendar day of the opening moment, as a UTC-midnight number for day arithmetic.
  const local = new Date(openedAt.getTime() + SHANGHAI_OFFSET_MS);
  let day = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  if (typeof rule.days === 'number') return endOfShanghaiDay(day + rule.days * 86_400_000).toISOString();
  if (typeof rule.workingDays === 'number') {
    let left = rule.workingDays;
    while (left > 0) {
      day += 86_400_000;
      const dow = new Date(day).getUTCDay();
      if (dow !== 0 && dow !== 6) left -= 1;
    }
    return endOfShanghaiDay(day).toISOString();
  }
  return undefined;
}
