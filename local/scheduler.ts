/**
 * The twin's EventBridge Scheduler: the SCHEDULES of `functions/events.ts`, evaluated with croner
 * in Asia/Shanghai on the twin's clock. When the clock moves (a test advances it a month), every
 * occurrence that became due fires, in order. Each firing goes through the event bus's outbox, so
 * it is durable and retried exactly like an event delivery; the last fired occurrence of each
 * schedule is stored with it in the same transaction, so a restart neither repeats nor loses one.
 *
 * When more than {@link MAX_CATCH_UP} occurrences of one schedule are due at once, only the
 * latest fires.
 *
 * The target receives the schedule's `input` (`{}` when it has none), with the Scheduler context
 * attributes `<aws.scheduler.schedule-arn>`, `<aws.scheduler.scheduled-time>`,
 * `<aws.scheduler.execution-id>` and `<aws.scheduler.attempt-number>` replaced in its strings, as
 * EventBridge Scheduler does for a templated Lambda target.
 */
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Cron } from 'croner';
import type { ScheduleSpec } from '../functions/events';
import { CronExpressionError, cronOf } from '../workflows/cron';
import { type Clock, isSubscribable } from './clock';
import { names } from './config';
import type { LocalEventBus } from './events';

/**
 * Up to this many occurrences that became due at once (the clock jumped, or the twin was stopped)
 * fire one by one; beyond it, only the latest fires (a "misfire" coalesced into one), so an
 * every-minute sweeper does not fire half a million times when a test moves the clock a year.
 */
export const MAX_CATCH_UP = 100;

/** The croner job (never started: only used to compute occurrences) for a schedule. */
export function cronFor(spec: Pick<ScheduleSpec, 'id' | 'cron' | 'timezone'>): Cron {
  try {
    return cronOf(spec.cron, spec.timezone);
  } catch (e) {
    throw new CronExpressionError(`schedule ${spec.id}: ${(e as Error).message}`);
  }
}

function substitute(value: unknown, attrs: Record<string, string>): unknown {
  if (typeof value === 'string') return value.replace(/<aws\.scheduler\.[a-z-]+>/g, (m) => attrs[m] ?? m);
  if (Array.isArray(value)) return value.map((v) => substitute(v, attrs));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, attrs)]));
  }
  return value;
}

export interface LocalSchedulerOptions {
  db: Database.Database;
  schedules: readonly (Omit<ScheduleSpec, 'fn'> & { fn: string })[];
  counties: readonly string[];
  bus: LocalEventBus;
  clock: Clock;
  log?: (line: string) => void;
  /** How often schedules are checked (default 500 ms); moving the clock checks at once. */
  pollIntervalMs?: number;
}

interface Target {
  key: string;
  stack: string;
  spec: Omit<ScheduleSpec, 'fn'> & { fn: string };
  cron: Cron;
  functionName: string;
  arn: string;
}

/** The local scheduler. */
export class LocalScheduler {
  readonly #o: LocalSchedulerOptions;
  readonly #targets: Target[];
  #timer?: NodeJS.Timeout;
  #unsubscribe?: () => void;
  #closed = false;

  constructor(opts: LocalSchedulerOptions) {
    this.#o = opts;
    this.#targets = opts.schedules.flatMap((spec) => {
      const cron = cronFor(spec);
      const stacks = spec.stack === 'city' ? ['city'] : opts.counties;
      return stacks.map((stack) => ({
        key: `${stack}/${spec.id}`,
        stack,
        spec,
        cron,
        functionName: names.function(stack, spec.fn),
        arn: names.scheduleArn(stack, spec.id),
      }));
    });
    opts.db.exec(
      'CREATE TABLE IF NOT EXISTS schedule_state (schedule_key TEXT PRIMARY KEY, last_due INTEGER NOT NULL)',
    );
  }

  /** Starts checking. A schedule seen for the first time starts from now (past occurrences do not fire). */
  start(): void {
    const now = this.#o.clock.now();
    const insert = this.#o.db.prepare(
      'INSERT OR IGNORE INTO schedule_state (schedule_key, last_due) VALUES (?, ?)',
    );
    for (const t of this.#targets) insert.run(t.key, now);
    this.#timer = setInterval(() => this.check(), this.#o.pollIntervalMs ?? 500);
    this.#timer.unref();
    if (isSubscribable(this.#o.clock)) this.#unsubscribe = this.#o.clock.subscribe(() => this.check());
    this.check();
  }

  get running(): boolean {
    return !!this.#timer && !this.#closed;
  }

  /** The next occurrence of every schedule target. */
  upcoming(): Array<{ key: string; functionName: string; next: string | null }> {
    const get = this.#o.db.prepare('SELECT last_due FROM schedule_state WHERE schedule_key = ?');
    return this.#targets.map((t) => {
      const row = get.get(t.key) as { last_due: number } | undefined;
      const next = t.cron.nextRun(new Date(row?.last_due ?? this.#o.clock.now()));
      return { key: t.key, functionName: t.functionName, next: next ? next.toISOString() : null };
    });
  }

  /** Fires every occurrence due by the clock's now; returns how many fired. */
  check(): number {
    if (this.#closed) return 0;
    const db = this.#o.db;
    const now = this.#o.clock.now();
    const get = db.prepare('SELECT last_due FROM schedule_state WHERE schedule_key = ?');
    const set = db.prepare('UPDATE schedule_state SET last_due = ? WHERE schedule_key = ?');
    let fired = 0;
    for (const t of this.#targets) {
      const last = (get.get(t.key) as { last_due: number } | undefined)?.last_due ?? now;
      let cursor = last;
      let due: number[] = [];
      let count = 0;
      for (;;) {
        const next = t.cron.nextRun(new Date(cursor));
        if (!next || next.getTime() > now) break;
        cursor = next.getTime();
        count++;
        if (due.length < MAX_CATCH_UP) due.push(cursor);
        // Far behind: skip ahead to the occurrence just before now instead of walking each one.
        if (count === MAX_CATCH_UP + 1) {
          const previous = t.cron.previousRuns(1, new Date(now))[0];
          if (previous && previous.getTime() > cursor) cursor = previous.getTime();
          break;
        }
      }
      if (cursor === last) continue;
      if (count > MAX_CATCH_UP) {
        this.#o.log?.(
          `schedule ${t.key}: more than ${MAX_CATCH_UP} occurrences due at once; firing only the latest`,
        );
        due = [cursor];
      }
      db.transaction(() => {
        for (const at of due) {
          const attrs = {
            '<aws.scheduler.schedule-arn>': t.arn,
            '<aws.scheduler.scheduled-time>': `${new Date(at).toISOString().slice(0, 19)}Z`,
            '<aws.scheduler.execution-id>': randomBytes(8).toString('hex'),
            '<aws.scheduler.attempt-number>': '1',
          };
          this.#o.bus.enqueue(
            `schedule:${t.spec.id}`,
            t.functionName,
            substitute(t.spec.input ?? {}, attrs),
            attrs['<aws.scheduler.execution-id>'],
          );
        }
        set.run(cursor, t.key);
      })();
      fired += due.length;
    }
    return fired;
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#unsubscribe?.();
  }
}
