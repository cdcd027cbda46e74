import { describe, expect, it } from 'vitest';
import { mapItems, mapIterationInput, mapMaxConcurrency, mapProcessor } from '../../../local/sfn/asl/map';
import { failInfo, taskTimeouts } from '../../../local/sfn/asl/task';
import { isTimestamp, parseTimestamp } from '../../../local/sfn/asl/timestamp';
import type { MapState, StateMachineDefinition, TaskState, WaitState } from '../../../local/sfn/asl/types';
import { waitDueAt } from '../../../local/sfn/asl/wait';
import { catchStatesError, makeContext } from './helpers';

const NOW = Date.UTC(2026, 0, 1, 0, 0, 0);
const wait = (fields: Partial<WaitState>): WaitState => ({ Type: 'Wait', End: true, ...fields });

describe('waitDueAt', () => {
  it('Seconds', () => expect(waitDueAt(wait({ Seconds: 90 }), {}, NOW)).toBe(NOW + 90_000));
  it('Seconds 0', () => expect(waitDueAt(wait({ Seconds: 0 }), {}, NOW)).toBe(NOW));
  it('a 200-day wait', () =>
    expect(waitDueAt(wait({ Seconds: 200 * 86400 }), {}, NOW)).toBe(NOW + 200 * 86_400_000));
  it('SecondsPath', () => expect(waitDueAt(wait({ SecondsPath: '$.s' }), { s: 5 }, NOW)).toBe(NOW + 5000));
  it('Timestamp with offset', () =>
    expect(waitDueAt(wait({ Timestamp: '2026-01-01T08:00:00+08:00' }), {}, NOW)).toBe(NOW));
  it('TimestampPath with fraction: milliseconds are truncated (Wait state docs)', () =>
    expect(waitDueAt(wait({ TimestampPath: '$.t' }), { t: '2026-01-01T00:00:01.250Z' }, NOW)).toBe(
      NOW + 1000,
    ));
  it('a timestamp in the past is returned as is', () =>
    expect(waitDueAt(wait({ Timestamp: '2020-01-01T00:00:00Z' }), {}, NOW)).toBe(Date.UTC(2020, 0, 1)));
  it.each([
    ['negative SecondsPath', { SecondsPath: '$.v' }, -1],
    ['decimal SecondsPath', { SecondsPath: '$.v' }, 1.5],
    ['string SecondsPath', { SecondsPath: '$.v' }, '5'],
    ['non-timestamp TimestampPath', { TimestampPath: '$.v' }, 'tomorrow'],
    ['date-only TimestampPath', { TimestampPath: '$.v' }, '2026-01-01'],
    ['numeric TimestampPath', { TimestampPath: '$.v' }, 1767225600],
  ] as const)('%s is States.Runtime', (_n, fields, v) => {
    expect(catchStatesError(() => waitDueAt(wait(fields), { v }, NOW)).error).toBe('States.Runtime');
  });
  it('a missing SecondsPath is States.Runtime', () =>
    expect(catchStatesError(() => waitDueAt(wait({ SecondsPath: '$.nope' }), {}, NOW)).error).toBe(
      'States.Runtime',
    ));
});

describe('RFC 3339 timestamps', () => {
  it.each([
    ['2026-01-01T00:00:00Z', true],
    ['2026-01-01t00:00:00z', false],
    ['2026-01-01T00:00:00.123456789+05:30', true],
    ['2024-02-29T12:00:00Z', true],
    ['2026-02-29T12:00:00Z', false],
    ['2026-01-01T24:00:00Z', false],
    ['2026-01-01T00:00:00', false],
    ['2026-01-01 00:00:00Z', false],
    ['2026-1-01T00:00:00Z', false],
    ['2026-01-01T00:00:00+0800', false],
  ])('%s -> %s', (s, ok) => expect(isTimestamp(s)).toBe(ok));
  it('converts zones to the same instant', () =>
    expect(parseTimestamp('2026-03-01T16:00:00+08:00')).toBe(parseTimestamp('2026-03-01T08:00:00Z')));
});

describe('taskTimeouts', () => {
  const task = (f: Partial<TaskState>): TaskState => ({
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    End: true,
    ...f,
  });
  it('absent values stay undefined', () => expect(taskTimeouts(task({}), {})).toEqual({}));
  it('literal values', () =>
    expect(taskTimeouts(task({ TimeoutSeconds: 60, HeartbeatSeconds: 10 }), {})).toEqual({
      timeoutSeconds: 60,
      heartbeatSeconds: 10,
    }));
  it('Path forms', () =>
    expect(
      taskTimeouts(task({ TimeoutSecondsPath: '$.t', HeartbeatSecondsPath: '$.h' }), { t: 5184000, h: 3600 }),
    ).toEqual({
      timeoutSeconds: 5184000,
      heartbeatSeconds: 3600,
    }));
  it('a non-positive path value is States.Runtime', () =>
    expect(catchStatesError(() => taskTimeouts(task({ TimeoutSecondsPath: '$.t' }), { t: 0 })).error).toBe(
      'States.Runtime',
    ));
  it('a missing path is States.Runtime', () =>
    expect(catchStatesError(() => taskTimeouts(task({ HeartbeatSecondsPath: '$.h' }), {})).error).toBe(
      'States.Runtime',
    ));
});

describe('failInfo', () => {
  it('literal Error and Cause', () =>
    expect(failInfo({ Type: 'Fail', Error: 'E', Cause: 'C' }, {})).toEqual({ error: 'E', cause: 'C' }));
  it('neither is fine', () => expect(failInfo({ Type: 'Fail' }, {})).toEqual({}));
  it('ErrorPath and CausePath', () =>
    expect(
      failInfo(
        { Type: 'Fail', ErrorPath: '$.e.code', CausePath: '$.e.msg' },
        { e: { code: 'X.Y', msg: 'why' } },
      ),
    ).toEqual({
      error: 'X.Y',
      cause: 'why',
    }));
  it('CausePath as an intrinsic', () =>
    expect(
      failInfo({ Type: 'Fail', Error: 'E', CausePath: "States.Format('bad {}', $.id)" }, { id: 7 }),
    ).toEqual({
      error: 'E',
      cause: 'bad 7',
    }));
  it('a non-string ErrorPath value is States.Runtime', () =>
    expect(catchStatesError(() => failInfo({ Type: 'Fail', ErrorPath: '$.n' }, { n: 1 })).error).toBe(
      'States.Runtime',
    ));
  it('a missing CausePath is States.Runtime', () =>
    expect(catchStatesError(() => failInfo({ Type: 'Fail', CausePath: '$.n' }, {})).error).toBe(
      'States.Runtime',
    ));
});

describe('Map helpers', () => {
  const processor: StateMachineDefinition = { StartAt: 'P', States: { P: { Type: 'Succeed' } } };
  const map = (f: Partial<MapState>): MapState => ({
    Type: 'Map',
    ItemProcessor: processor,
    End: true,
    ...f,
  });
  const ctx = makeContext({ Map: undefined });

  it('items default to the whole input', () => expect(mapItems(map({}), [1, 2])).toEqual([1, 2]));
  it('ItemsPath selects the items', () =>
    expect(mapItems(map({ ItemsPath: '$.a.b' }), { a: { b: ['x'] } })).toEqual(['x']));
  it('non-array items are States.Runtime', () =>
    expect(catchStatesError(() => mapItems(map({ ItemsPath: '$.a' }), { a: { b: 1 } })).error).toBe(
      'States.Runtime',
    ));
  it('missing ItemsPath is States.Runtime', () =>
    expect(catchStatesError(() => mapItems(map({ ItemsPath: '$.nope' }), {})).error).toBe('States.Runtime'));

  it('without a selector the iteration input is the item', () =>
    expect(mapIterationInput(map({}), { a: 1 }, { x: 1 }, 0, ctx)).toEqual({ x: 1 }));
  it('ItemSelector sees the state input as $ and the item as $$.Map.Item', () =>
    expect(
      mapIterationInput(
        map({
          ItemSelector: {
            'value.$': '$$.Map.Item.Value',
            'index.$': '$$.Map.Item.Index',
            'year.$': '$.year',
            'exec.$': '$$.Execution.Name',
          },
        }),
        { year: 2027 },
        'dept_jt',
        3,
        ctx,
      ),
    ).toEqual({ value: 'dept_jt', index: 3, year: 2027, exec: 'exec-1' }));
  it('legacy Parameters acts as ItemSelector', () =>
    expect(mapIterationInput(map({ Parameters: { 'v.$': '$$.Map.Item.Value' } }), {}, 9, 0, ctx)).toEqual({
      v: 9,
    }));
  it('does not change the context passed in', () => {
    mapIterationInput(map({ ItemSelector: { 'v.$': '$$.Map.Item.Value' } }), {}, 9, 0, ctx);
    expect(ctx.Map).toBeUndefined();
  });

  it('mapProcessor prefers ItemProcessor, else Iterator', () => {
    expect(mapProcessor(map({}))).toBe(processor);
    const it2: StateMachineDefinition = { StartAt: 'I', States: { I: { Type: 'Succeed' } } };
    expect(mapProcessor({ Type: 'Map', Iterator: it2, End: true })).toBe(it2);
  });

  it('MaxConcurrency defaults to 0 (unlimited), literal, or from a path', () => {
    expect(mapMaxConcurrency(map({}), {})).toBe(0);
    expect(mapMaxConcurrency(map({ MaxConcurrency: 1 }), {})).toBe(1);
    expect(mapMaxConcurrency(map({ MaxConcurrencyPath: '$.c' }), { c: 4 })).toBe(4);
    expect(
      catchStatesError(() => mapMaxConcurrency(map({ MaxConcurrencyPath: '$.c' }), { c: -1 })).error,
    ).toBe('States.Runtime');
  });
});
