/**
 * The scheduler's cron reading (AWS cron bodies on croner, Asia/Shanghai) and its firing rules,
 * with a real event-bus outbox in a temporary SQLite file and in-process target functions.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MovableClock } from '../../../local/clock';
import { LocalEventBus } from '../../../local/events';
import { cronFor, LocalScheduler, MAX_CATCH_UP } from '../../../local/scheduler';
import { createInProcessInvoker } from '../../../local/sfn/invoker';
import { toCroner } from '../../../workflows/cron';

const SH = 'Asia/Shanghai' as const;
const next = (cron: string, from: string, n = 1) =>
  cronFor({ id: 't', cron, timezone: SH })
    .nextRuns(n, new Date(from))
    .map((d) => d.toISOString());

describe('AWS cron expressions', () => {
  it('reads min hour day-of-month month day-of-week year in Shanghai time', () => {
    expect(toCroner('0 9 1 * ? *')).toBe('0 0 9 1 * * *');
    expect(next('0 9 1 * ? *', '2027-01-01T00:00:00Z', 2)).toEqual([
      '2027-01-01T01:00:00.000Z',
      '2027-02-01T01:00:00.000Z',
    ]);
  });

  it('numbers weekdays 1-7 from Sunday, as AWS does', () => {
    // 2027-01-01 is a Friday; 2-6 is Monday to Friday.
    expect(next('30 8 ? * 2-6 *', '2027-01-01T01:00:00Z', 2)).toEqual([
      '2027-01-04T00:30:00.000Z',
      '2027-01-05T00:30:00.000Z',
    ]);
    expect(next('0 10 ? * 6#3 *', '2027-01-01T00:00:00Z')).toEqual(['2027-01-15T02:00:00.000Z']);
  });

  it('supports L and the year field', () => {
    expect(next('0 0 L * ? 2027', '2027-01-01T00:00:00Z', 2)).toEqual([
      '2027-01-30T16:00:00.000Z',
      '2027-02-27T16:00:00.000Z',
    ]);
  });

  it('rejects an expression without six fields', () => {
    expect(() => cronFor({ id: 'bad', cron: '0 9 * * *', timezone: SH })).toThrow(/6 fields/);
  });
});

describe('LocalScheduler', () => {
  let dir: string;
  let db: Database.Database;
  let clock: MovableClock;
  let bus: LocalEventBus;
  const calls: Array<{ fn: string; payload: any }> = [];

  const make = () =>
    new LocalScheduler({
      db,
      clock,
      bus,
      counties: ['340102', '340103'],
      schedules: [
        {
          id: 'Daily',
          stack: 'county',
          cron: '0 9 * * ? *',
          timezone: SH,
          fn: 'Tick',
          input: { at: '<aws.scheduler.scheduled-time>' },
        },
        { id: 'Minutely', stack: 'city', cron: '* * * * ? *', timezone: SH, fn: 'Tick' },
      ],
    });

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'minsheng-sched-'));
    db = new Database(path.join(dir, 'bus.sqlite'));
    clock = new MovableClock();
    clock.setNow(Date.parse('2027-03-01T00:00:00Z'));
    calls.length = 0;
    const record = (fn: string) => (payload: unknown) => {
      calls.push({ fn, payload });
      return null;
    };
    bus = new LocalEventBus({
      db,
      rules: [],
      counties: ['340102', '340103'],
      clock,
      invoke: createInProcessInvoker({
        'minsheng-340102-Tick': record('340102'),
        'minsheng-340103-Tick': record('340103'),
        'minsheng-city-Tick': record('city'),
      }),
    });
    bus.start();
  });

  afterEach(async () => {
    bus.close();
    db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('fires each due occurrence once per county, and only the latest of a long backlog', async () => {
    const s = make();
    s.start();
    clock.advance(3 * 86400 * 1000); // three 09:00 occurrences, 4320 minutes
    await bus.idle();
    s.close();
    const daily = calls.filter((c) => c.fn !== 'city');
    expect(daily.filter((c) => c.fn === '340102').map((c) => c.payload.at)).toEqual([
      '2027-03-01T01:00:00Z',
      '2027-03-02T01:00:00Z',
      '2027-03-03T01:00:00Z',
    ]);
    expect(daily.filter((c) => c.fn === '340103')).toHaveLength(3);
    const minutely = calls.filter((c) => c.fn === 'city');
    expect(4320).toBeGreaterThan(MAX_CATCH_UP);
    expect(minutely).toHaveLength(1);
    expect(minutely[0].payload).toEqual({});
  });

  it('neither repeats nor loses occurrences across a restart', async () => {
    const first = make();
    first.start();
    clock.advance(86400 * 1000);
    await bus.idle();
    first.close();
    const afterFirst = calls.filter((c) => c.fn === '340102').length;
    expect(afterFirst).toBe(1);

    clock.advance(86400 * 1000); // the twin is "down" while a day passes
    const second = make();
    second.start();
    await bus.idle();
    second.close();
    expect(calls.filter((c) => c.fn === '340102').map((c) => c.payload.at)).toEqual([
      '2027-03-01T01:00:00Z',
      '2027-03-02T01:00:00Z',
    ]);
  });
});
