/**
 * Working days on mainland China's calendar: Monday to Friday, minus the public holidays, plus the
 * make-up working days (调休) of `holidays.json`. Dates are Asia/Shanghai calendar days, handled as
 * `YYYY-MM-DD` strings and UTC-midnight day numbers so no time zone of the machine leaks in.
 */
import data from './holidays.json';

/** One year of the calendar file. */
export interface CalendarYear {
  status: 'published' | 'provisional';
  source: string;
  holidays: { name: string; from: string; to: string }[];
  workdays: string[];
}

export interface HolidayCalendar {
  years: Record<string, CalendarYear>;
}

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** `YYYY-MM-DD` of a UTC-midnight day number. */
export function isoDay(day: number): string {
  return new Date(day).toISOString().slice(0, 10);
}

/** UTC-midnight day number of `YYYY-MM-DD`. */
export function dayNumber(iso: string): number {
  return Date.parse(`${iso}T00:00:00Z`);
}

/** The Shanghai calendar day of a moment, as a UTC-midnight day number. */
export function shanghaiDay(at: Date): number {
  const local = new Date(at.getTime() + SHANGHAI_OFFSET_MS);
  return Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
}

/** The last millisecond of a Shanghai calendar day (23:59:59.999 +08:00). */
export function endOfShanghaiDay(day: number): Date {
  return new Date(day - SHANGHAI_OFFSET_MS + DAY_MS - 1);
}

/** Holidays and make-up days as sets of day numbers, built once from a calendar file. */
export class WorkingDays {
  readonly #holidays = new Set<number>();
  readonly #workdays = new Set<number>();
  readonly #names = new Map<number, string>();

  constructor(calendar: HolidayCalendar) {
    for (const year of Object.values(calendar.years)) {
      for (const h of year.holidays) {
        for (let d = dayNumber(h.from); d <= dayNumber(h.to); d += DAY_MS) {
          this.#holidays.add(d);
          this.#names.set(d, h.name);
        }
      }
      for (const w of year.workdays) this.#workdays.add(dayNumber(w));
    }
  }

  /** Whether a day (UTC-midnight day number) is a working day. */
  isWorkingDay(day: number): boolean {
    if (this.#workdays.has(day)) return true;
    if (this.#holidays.has(day)) return false;
    const dow = new Date(day).getUTCDay();
    return dow !== 0 && dow !== 6;
  }

  /** The holiday's name when the day is a public holiday. */
  holidayName(day: number): string | undefined {
    return this.#names.get(day);
  }

  /** The day `n` working days after `day` (n ≥ 0; 0 = the day itself if it is a working day, else the next). */
  addWorkingDays(day: number, n: number): number {
    let d = day;
    if (n === 0) {
      while (!this.isWorkingDay(d)) d += DAY_MS;
      return d;
    }
    let left = n;
    while (left > 0) {
      d += DAY_MS;
      if (this.isWorkingDay(d)) left -= 1;
    }
    return d;
  }

  /** The day `n` working days before `day` (n ≥ 1). */
  subtractWorkingDays(day: number, n: number): number {
    let d = day;
    let left = n;
    while (left > 0) {
      d -= DAY_MS;
      if (this.isWorkingDay(d)) left -= 1;
    }
    return d;
  }
}

/** The calendar the platform runs on (`holidays.json`). */
export const CALENDAR = new WorkingDays(data as HolidayCalendar);
