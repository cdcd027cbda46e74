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

/** The most one move may advance a movable clock: ten years. */
export const MAX_ADVANCE_MS = 3653 * 86_400_000;
/** The latest time a movable clock may show (2200-01-01T00:00:00Z): every date stays printable. */
export const MAX_CLOCK_MS = Date.UTC(2200, 0, 1);

/** A move a movable clock refuses (backwards, not finite, too far, or past {@link MAX_CLOCK_MS}). */
export class ClockMoveError extends RangeError {
  override name = 'ClockMoveError';
}

/** Options of {@link MovableClock}. */
export interface MovableClockOptions {
  /** JSON file holding `{"offsetMs": n}`; read at construction, rewritten on every move, so a
   * restarted twin keeps its moved time. Omit for an in-memory clock. */
  file?: string;
  /** Clock to offset from (default: the system clock). */
  base?: Clock;
  /** Told when the file held an offset this clock cannot use (and what it did instead). */
  log?: (line: string) => void;
}

/**
 * A clock that runs with real time plus an offset that only moves forward through `advance`
 * (or is set outright through `offset`/`setNow`, for tests). LOCAL ONLY: for tests and the local
 * twin, so a year of deadlines runs in seconds. Every move is bounded: finite, at most
 * {@link MAX_ADVANCE_MS} at a time, never past {@link MAX_CLOCK_MS}; a file holding an offset out of
 * those bounds (written by hand, or by a twin before them) is clamped, never a reason not to start.
 * Listeners registered with `subscribe` hear every move, so pollers can react at once.
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
    if (this.#file) {
      const stored = readOffset(this.#file, o.log);
      const max = MAX_CLOCK_MS - this.#base.now();
      if (stored > max) {
        o.log?.(
          `clock: ${this.#file} put the clock after ${new Date(MAX_CLOCK_MS).toISOString()}; it starts at that date instead`,
        );
        this.#offset = max;
        this.#persist();
      } else this.#offset = stored;
    }
  }

  now(): number {
    return this.#base.now() + this.#offset;
  }

  /** Milliseconds this clock runs ahead of its base. */
  get offset(): number {
    return this.#offset;
  }

  set offset(ms: number) {
    if (!Number.isFinite(ms)) throw new ClockMoveError(`clock offset must be a finite number, got ${ms}`);
    if (this.#base.now() + ms > MAX_CLOCK_MS)
      throw new ClockMoveError(`the clock cannot go past ${new Date(MAX_CLOCK_MS).toISOString()}`);
    this.#offset = ms;
    this.#persist();
    const now = this.now();
    for (const l of this.#listeners) l(now);
  }

  /** Moves the clock forward by `ms` milliseconds (0 to {@link MAX_ADVANCE_MS}); returns the new now. */
  advance(ms: number): number {
    if (!(ms >= 0)) throw new ClockMoveError(`a clock only advances (ms >= 0), got ${ms}`);
    if (!(ms <= MAX_ADVANCE_MS))
      throw new ClockMoveError(`one move advances at most ${MAX_ADVANCE_MS / 86_400_000} days, got ${ms} ms`);
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

/** The stored offset; 0 (with a note) when the file is missing or holds no finite number. */
function readOffset(file: string, log?: (line: string) => void): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw e;
  }
  let v: unknown;
  try {
    v = (JSON.parse(text) as { offsetMs?: unknown }).offsetMs;
  } catch {
    v = undefined;
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    log?.(`clock: ${file} holds no finite offsetMs; the clock starts at the real time`);
    return 0;
  }
  return v;
}

/** True when `clock` can notify moves (a {@link MovableClock} or anything shaped like one). */
export function isSubscribable(
  clock: Clock,
): clock is Clock & { subscribe(l: (now: number) => void): () => void } {
  return typeof (clock as { subscribe?: unknown }).subscribe === 'function';
}
