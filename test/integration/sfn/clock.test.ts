import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MovableClock, systemClock } from '../../../local/clock';
import { createMachine, type Harness, history, start, startHarness, waitFor, waitForEvent } from './helpers';

describe('MovableClock', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'clock-test-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs with a fixed base plus an offset that advances, and notifies subscribers', () => {
    let base = 1_000;
    const clock = new MovableClock({ base: { now: () => base } });
    expect(clock.now()).toBe(1_000);
    const seen: number[] = [];
    const off = clock.subscribe((n) => seen.push(n));
    expect(clock.advance(500)).toBe(1_500);
    base = 2_000;
    expect(clock.now()).toBe(2_500);
    clock.setNow(10_000);
    expect(clock.offset).toBe(8_000);
    off();
    clock.advance(1);
    expect(seen).toEqual([1_500, 10_000]);
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });

  it('persists its offset in a file so a restarted process keeps the moved time', () => {
    const file = join(dir, 'clock.json');
    const a = new MovableClock({ file });
    expect(a.offset).toBe(0);
    a.advance(86_400_000);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ offsetMs: 86_400_000 });
    const b = new MovableClock(file);
    expect(b.offset).toBe(86_400_000);
    expect(b.now() - systemClock.now()).toBeGreaterThanOrEqual(86_400_000 - 50);
  });
});

describe('engine on a movable clock', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a 200-day Wait finishes after the clock advances 200 days', async () => {
    const e = await start(h, await createMachine(h, 'long-wait'), {});
    await waitForEvent(h.client, e, (x) => x.type === 'WaitStateEntered');
    h.clock.advance(199 * 86_400_000);
    // Once the engine has fired everything due at day 199, the Wait is still waiting.
    await h.server.engine.settled();
    expect((await waitFor(h.client, e, () => true)).status).toBe('RUNNING');
    expect((await history(h.client, e)).some((x) => x.type === 'WaitStateExited')).toBe(false);
    h.clock.advance(86_400_000);
    const d = await waitFor(h.client, e);
    expect(d).toMatchObject({ status: 'SUCCEEDED', output: '"woke up"' });
    expect((d.stopDate as Date).getTime() - (d.startDate as Date).getTime()).toBeGreaterThanOrEqual(
      200 * 86_400_000,
    );
  });
});
