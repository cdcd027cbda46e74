/**
 * EventBridge cron bodies (`min hour day-of-month month day-of-week year`, Asia/Shanghai), read with
 * croner: the workflow validator checks them, the runtime's ticker finds the occurrences of schedule
 * triggers, and the twin's scheduler runs the platform's schedules with the same reading.
 */
import { Cron } from 'croner';

/** A cron expression croner cannot read. */
export class CronExpressionError extends Error {
  override name = 'CronExpressionError';
}

/**
 * AWS cron bodies use `?` for "no specific value" and day-of-week 1-7 = SUN-SAT; croner reads that
 * as a 7-part pattern with a seconds field in front and Quartz weekday numbering.
 */
export function toCroner(awsCron: string): string {
  const parts = awsCron.trim().split(/\s+/);
  if (parts.length !== 6) {
    throw new CronExpressionError(
      `cron "${awsCron}" must have 6 fields (minutes hours day-of-month month day-of-week year)`,
    );
  }
  return ['0', ...parts.map((p) => (p === '?' ? '*' : p))].join(' ');
}

/** The croner job (never started: only used to compute occurrences) of an AWS cron body. */
export function cronOf(awsCron: string, timezone = 'Asia/Shanghai'): Cron {
  try {
    return new Cron(toCroner(awsCron), { timezone, mode: '7-part', alternativeWeekdays: true });
  } catch (e) {
    if (e instanceof CronExpressionError) throw e;
    throw new CronExpressionError(`cannot read cron "${awsCron}": ${(e as Error).message}`);
  }
}

/** Whether an AWS cron body can be read. */
export function cronIsValid(awsCron: string): boolean {
  try {
    return cronOf(awsCron).nextRun(new Date(0)) !== null;
  } catch {
    return false;
  }
}

/** Occurrences after `after` up to and including `until`, oldest first, at most `limit`. */
export function occurrences(awsCron: string, after: Date, until: Date, limit = 24): Date[] {
  const cron = cronOf(awsCron);
  const out: Date[] = [];
  let from = after;
  while (out.length < limit) {
    const next = cron.nextRun(from);
    if (!next || next.getTime() > until.getTime()) break;
    out.push(next);
    from = next;
  }
  return out;
}
