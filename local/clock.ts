import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The runtime's notion of "now" (epoch milliseconds). Everything in the local twin that compares
 * against a due time (Step Functions timers, schedules, deadlines) reads it from a Clock, so tests
 * can move time instead of sleeping. LOCAL ONLY: deployed code uses the real time.
 */
export interface Clock {
  now(): number;
}

/** The real time. */
export const systemClock: Clock = { now: () => Date.now() };

/** Options of {@link MovableClock}. */
export interface MovableClockOptions {
  /** JSON file holding `{"offsetMs": n}`; read at construction, rewritten on every move, so a
   * restarted twin keeps its moved time. Omit for an in-memory clock. */
  file?: string;
  /** Clock to offset from (default: the system clock). */
  base?: Clock;
}

/**
 * A clock that runs with real time plus an offset that only moves forward through `advance`
 * (or is set outright through `offset`/`setNow`). LOCAL ONLY: for tests and the local twin, so a
 * year of deadlines runs in seconds. Listeners registered with `subscribe` hear every move, so
 * pollers can react at once instead of at their next tick.
 */
export class MovableClock implements Clock {
  #offset = 0;
  readonly #file?: string;
  readonly #base: Clock;
  readonly #listeners = new Set<(now: number) => void>();

  constructor(opts: MovableClockOptions | string = {}) {
    const o = typeof opts === 'string' ? { file: opts } : opts;
    this.#file = o.file;
    this.#base = o.base ?? systemClock;
    if (this.#file) this.#offset = readOffset(this.#file);
  }

  now(): number {
    return this.#base.now() + this.#offset;
  }

  /** Milliseconds this clock runs ahead of its base. */
  get offset(): number {
    return this.#offset;
  }

  set offset(ms: number) {
    if (!Number.isFinite(ms)) throw new RangeError(`clock offset must be a finite number, got ${ms}`);
    this.#offset = ms;
    this.#persist();
    const now = this.now();
    for (const l of this.#listeners) l(now);
  }

  /** Moves the clock forward by `ms` milliseconds; returns the new now. */
  advance(ms: number): number {
    if (!(ms >= 0)) throw new RangeError(`a clock only advances (ms >= 0), got ${ms}`);
    this.offset = this.#offset + ms;
    return this.now();
  }

  /** Sets the clock so that `now()` returns `epochMs` at this moment. */
  setNow(epochMs: number): void {
    this.offset = epochMs - this.#base.now();
  }

  /** Calls `listener` after every move; returns a function that unsubscribes. */
  subscribe(listener: (now: number) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #persist(): void {
    if (!this.#file) return;
    mkdirSync(dirname(this.#file), { recursive: true });
    // Write then rename, so a kill in the middle never leaves a half-written file.
    const tmp = `${this.#file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ offsetMs: this.#offset }));
    renameSync(tmp, this.#file);
  }
}

function readOffset(file: string): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw e;
  }
  const v = (JSON.parse(text) as { offsetMs?: unknown }).offsetMs;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new Error(`bad clock file ${file}: offsetMs must be a number`);
  return v;
}

/** True when `clock` can notify moves (a {@link MovableClock} or anything shaped like one). */
export function isSubscribable(
  clock: Clock,
): clock is Clock & { subscribe(l: (now: number) => void): () => void } {
  return typeof (clock as { subscribe?: unknown }).subscribe === 'function';
}
