/**
 * The event bus's routing, retries and durability, with its real SQLite outbox in a temporary
 * folder and in-process target functions (the HTTP endpoint and the SDK are covered in twin.test.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MovableClock } from '../../../local/clock';
import { LocalEventBus } from '../../../local/events';
import { createInProcessInvoker, type InProcessFunction } from '../../../local/sfn/invoker';

let dir: string;
let db: Database.Database;
let clock: MovableClock;
let bus: LocalEventBus | undefined;
const seen: Array<{ fn: string; event: any }> = [];

const RULES = [
  {
    id: 'ToCounties',
    stack: 'county' as const,
    from: ['city' as const],
    detailType: ['RoundOpened'],
    fn: 'Take',
  },
  {
    id: 'ToCity',
    stack: 'city' as const,
    from: ['anyCounty' as const],
    detailType: ['TaskOpened', 'Boom'],
    fn: 'Take',
  },
  { id: 'Broken', stack: 'city' as const, from: ['anyCounty' as const], detailType: ['Boom'], fn: 'Fails' },
  { id: 'OwnOnly', stack: 'county' as const, from: ['own' as const], detailType: ['Mine'], fn: 'Take' },
  {
    id: 'Lifecycle',
    stack: 'county' as const,
    from: ['stepFunctions' as const],
    detailType: ['Step Functions Execution Status Change'],
    fn: 'Take',
  },
];

function open(functions: Record<string, InProcessFunction>): LocalEventBus {
  const b = new LocalEventBus({
    db,
    rules: RULES,
    counties: ['340102', '340103'],
    clock,
    invoke: createInProcessInvoker(functions),
    stackOfStateMachine: (arn) =>
      arn.endsWith(':stateMachine:minsheng-340103-allocation') ? '340103' : undefined,
  });
  b.start();
  return b;
}

const take = (fn: string) => (event: unknown) => {
  seen.push({ fn, event });
  return { ok: true };
};
const targets = {
  'minsheng-340102-Take': take('340102'),
  'minsheng-340103-Take': take('340103'),
  'minsheng-city-Take': take('city'),
  'minsheng-city-Fails': () => {
    throw new Error('always');
  },
};

const entry = (source: string, detailType: string, detail: object = {}) => ({
  EventBusName: 'minsheng-city-bus',
  Source: source,
  DetailType: detailType,
  Detail: JSON.stringify(detail),
});

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'minsheng-bus-'));
  db = new Database(path.join(dir, 'bus.sqlite'));
  clock = new MovableClock();
  seen.length = 0;
});

afterEach(async () => {
  bus?.close();
  db.close();
  await rm(dir, { recursive: true, force: true });
});

describe('LocalEventBus', () => {
  it('routes by source and detail-type, to every county for county rules', async () => {
    bus = open(targets);
    const out = bus.putEvents([
      entry('minsheng.city', 'RoundOpened', { year: 2027 }),
      entry('minsheng.county.340102', 'TaskOpened'),
      entry('minsheng.county.340102', 'NobodyListens'),
      { ...entry('minsheng.city', 'RoundOpened'), EventBusName: 'default' },
    ]);
    expect(out.FailedEntryCount).toBe(0);
    await bus.idle();
    expect(seen.map((s) => `${s.fn}:${s.event['detail-type']}`).sort()).toEqual([
      '340102:RoundOpened',
      '340103:RoundOpened',
      'city:TaskOpened',
    ]);
    const [a, b] = seen.filter((s) => s.event['detail-type'] === 'RoundOpened');
    expect(a.event.id).toBe(b.event.id);
    expect(a.event.detail).toEqual({ year: 2027 });
  });

  it("takes a county's own events only to that county, and trusts the source, not the detail", async () => {
    bus = open(targets);
    bus.putEvents([
      entry('minsheng.county.340103', 'Mine', { county: '340102' }),
      entry('minsheng.city', 'Mine'),
    ]);
    await bus.idle();
    expect(seen.map((x) => `${x.fn}:${x.event.source}`)).toEqual(['340103:minsheng.county.340103']);
  });

  it("delivers Step Functions' status events to the stack that owns the state machine, and refuses aws.* sources from PutEvents", async () => {
    bus = open(targets);
    const out = bus.putEvents([entry('aws.states', 'Step Functions Execution Status Change', {})]);
    expect(out.Entries[0]).toMatchObject({ ErrorCode: 'NotAuthorizedForSourceException' });
    bus.putServiceEvent({
      source: 'aws.states',
      'detail-type': 'Step Functions Execution Status Change',
      time: '2027-01-01T00:00:00Z',
      resources: [],
      detail: {
        executionArn: 'arn:aws:states:us-east-1:000000000000:execution:minsheng-340103-allocation:x',
        stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:minsheng-340103-allocation',
        status: 'ABORTED',
      },
    });
    await bus.idle();
    expect(seen.map((x) => `${x.fn}:${x.event.detail.status}`)).toEqual(['340103:ABORTED']);
  });

  it('answers errors per entry and validates the batch size', () => {
    bus = open(targets);
    const out = bus.putEvents([
      { ...entry('minsheng.city', 'RoundOpened'), EventBusName: 'someone-elses-bus' },
      { Source: 'minsheng.city', DetailType: 'RoundOpened' },
      { ...entry('minsheng.city', 'RoundOpened'), Detail: '"a string"' },
      entry('minsheng.city', 'RoundOpened'),
    ]);
    expect(out.FailedEntryCount).toBe(3);
    expect(out.Entries.map((e) => ('ErrorCode' in e ? e.ErrorCode : 'ok'))).toEqual([
      'ResourceNotFoundException',
      'InvalidArgument',
      'MalformedDetail',
      'ok',
    ]);
    expect(() => bus!.putEvents([])).toThrow(/between 1 and 10/);
    expect(() => bus!.putEvents(Array.from({ length: 11 }, () => entry('a', 'b')))).toThrow(
      /between 1 and 10/,
    );
  });

  it('retries a failing function twice on the clock, then keeps it as a dead letter', async () => {
    bus = open(targets);
    bus.putEvents([entry('minsheng.county.340102', 'Boom', { n: 1 })]);
    await bus.idle();
    expect(seen.map((s) => s.fn)).toEqual(['city']); // the healthy target of the same event
    expect(bus.pendingCount()).toBe(1);
    clock.advance(60_000);
    await bus.idle();
    expect(bus.failed()).toEqual([]);
    clock.advance(120_000);
    await bus.idle();
    expect(bus.pendingCount()).toBe(0);
    const [dead] = bus.failed();
    expect(dead).toMatchObject({ ruleId: 'Broken', target: 'minsheng-city-Fails', attempts: 3 });
    expect(dead.lastError).toMatch(/always/);
  });

  it('delivers what a stopped bus left in its outbox after a restart', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    // The first bus never finishes its delivery: the process "dies" with it in flight.
    bus = open({ ...targets, 'minsheng-city-Take': () => gate.then(() => ({ late: true })) });
    bus.putEvents([entry('minsheng.county.340102', 'TaskOpened', { n: 7 })]);
    await new Promise((r) => setTimeout(r, 50));
    bus.close();
    release();
    expect(seen).toEqual([]);

    bus = open(targets);
    await bus.idle();
    expect(seen.map((s) => [s.fn, s.event.detail])).toEqual([['city', { n: 7 }]]);
    expect(bus.pendingCount()).toBe(0);
  });
});
