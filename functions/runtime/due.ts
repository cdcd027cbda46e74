/**
 * Deadlines of human steps, resolved when a task opens, and the moments its reminder and escalation
 * act. Working days come from the holiday calendar (calendar.ts); a due moment is the end of its
 * Shanghai calendar day.
 */
import type { DueRule } from '../../contracts/steps';
import { CALENDAR, dayNumber, endOfShanghaiDay, shanghaiDay, type WorkingDays } from './calendar';

export type { DueRule } from '../../contracts/steps';

const DAY_MS = 86_400_000;
/** Reminders go out at 09:00 Shanghai time (01:00 UTC), in working hours. */
const REMINDER_HOUR_UTC = 1;

/**
 * Resolves a due rule to an ISO moment, or undefined when the step has none. `subjectDates` holds
 * the kit's named dates for the subject (ISO `YYYY-MM-DD`); a `subjectDate` the subject lacks uses
 * the rule's `fallback`, else the step has no deadline.
 */
export function resolveDue(
  rule: DueRule | undefined,
  openedAt: Date,
  year: number,
  subjectDates: Record<string, string> = {},
  cal: WorkingDays = CALENDAR,
): string | undefined {
  if (!rule) return undefined;
  if (rule.subjectDate !== undefined) {
    const date = subjectDates[rule.subjectDate];
    if (date && /^\d{4}-\d{2}-\d{2}$/.test(date)) return endOfShanghaiDay(dayNumber(date)).toISOString();
    return resolveDue(rule.fallback, openedAt, year, {}, cal);
  }
  if (rule.date && /^\d{2}-\d{2}$/.test(rule.date)) {
    return endOfShanghaiDay(dayNumber(`${year}-${rule.date}`)).toISOString();
  }
  const today = shanghaiDay(openedAt);
  if (typeof rule.days === 'number') return endOfShanghaiDay(today + rule.days * DAY_MS).toISOString();
  if (typeof rule.workingDays === 'number') {
    return endOfShanghaiDay(cal.addWorkingDays(today, rule.workingDays)).toISOString();
  }
  return undefined;
}

/**
 * The moment a wait for a date rule ends: the start (00:00 Shanghai) of the day the rule resolves to,
 * so "wait until 06-30" wakes on June 30 rather than at its last millisecond.
 */
export function resolveStartOfDay(
  rule: DueRule | undefined,
  openedAt: Date,
  year: number,
  subjectDates: Record<string, string> = {},
  cal: WorkingDays = CALENDAR,
): string | undefined {
  const end = resolveDue(rule, openedAt, year, subjectDates, cal);
  return end === undefined ? undefined : new Date(Date.parse(end) + 1 - DAY_MS).toISOString();
}

/** 09:00 Shanghai of the working day `daysBefore` working days before the due day (0 = the due day). */
export function reminderAt(dueAt: string, daysBefore: number, cal: WorkingDays = CALENDAR): string {
  const dueDay = shanghaiDay(new Date(dueAt));
  const day = daysBefore > 0 ? cal.subtractWorkingDays(dueDay, daysBefore) : dueDay;
  return new Date(day + REMINDER_HOUR_UTC * 3_600_000).toISOString();
}

/**
 * The moment an overdue task escalates: when `daysAfter` more working days have passed after the due
 * day (0 = as soon as the due moment passes).
 */
export function escalationAt(dueAt: string, daysAfter: number, cal: WorkingDays = CALENDAR): string {
  const dueDay = shanghaiDay(new Date(dueAt));
  const day = daysAfter > 0 ? cal.addWorkingDays(dueDay, daysAfter) : dueDay;
  return new Date(endOfShanghaiDay(day).getTime() + 1).toISOString();
}
