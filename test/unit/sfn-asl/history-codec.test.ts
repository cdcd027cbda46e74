import { describe, expect, it } from 'vitest';
import {
  decodeEvents,
  encodeEvents,
  envelopeValue,
  LambdaEnvelope,
  RawJson,
  UNTRUNCATED,
} from '../../../local/sfn/history-codec';
import type { HistoryEvent } from '../../../local/sfn/store';

const MS = 1_795_000_000_123;
/** A history timestamp (epoch seconds) `d` milliseconds after the first. */
const at = (d: number) => (MS + d) / 1000;
const TS = at(0);

describe('journal encoding of history events', () => {
  it('reads back the AWS shape: JSON-text details as strings, untruncated details, the Lambda envelope', () => {
    const written: HistoryEvent[] = [
      {
        id: 1,
        prev: null,
        type: 'ExecutionStarted',
        ts: TS,
        details: { input: '{ "a": 1 }', inputDetails: UNTRUNCATED, roleArn: 'arn:r' },
      },
      {
        id: 2,
        prev: 1,
        type: 'PassStateEntered',
        ts: at(1),
        details: { name: 'P "q"', input: new RawJson('{"a":1}'), inputDetails: UNTRUNCATED },
      },
      {
        id: 3,
        prev: 2,
        type: 'TaskSucceeded',
        ts: at(2),
        details: {
          resourceType: 'lambda',
          resource: 'invoke',
          output: new LambdaEnvelope('$LATEST', 200, 'req-1', '{"x":[1,2]}'),
          outputDetails: UNTRUNCATED,
        },
      },
      {
        id: 5,
        prev: 3,
        type: 'SomeFutureEvent',
        ts: at(1000),
        details: { output: new RawJson('"s"'), outputDetails: { truncated: true } },
      },
      { id: 6, prev: 5, type: 'TaskStarted', ts: TS + 1 },
    ];
    const out: HistoryEvent[] = [];
    decodeEvents(encodeEvents(written), out);
    expect(out).toEqual([
      {
        id: 1,
        prev: null,
        type: 'ExecutionStarted',
        ts: TS,
        details: { input: '{ "a": 1 }', inputDetails: { truncated: false }, roleArn: 'arn:r' },
      },
      {
        id: 2,
        prev: 1,
        type: 'PassStateEntered',
        ts: at(1),
        details: { name: 'P "q"', input: '{"a":1}', inputDetails: { truncated: false } },
      },
      {
        id: 3,
        prev: 2,
        type: 'TaskSucceeded',
        ts: at(2),
        details: {
          resourceType: 'lambda',
          resource: 'invoke',
          output: JSON.stringify(envelopeValue('$LATEST', 200, 'req-1', { x: [1, 2] })),
          outputDetails: { truncated: false },
        },
      },
      {
        id: 5,
        prev: 3,
        type: 'SomeFutureEvent',
        ts: at(1000),
        details: { output: '"s"', outputDetails: { truncated: true } },
      },
      { id: 6, prev: 5, type: 'TaskStarted', ts: TS + 1 },
    ]);
  });

  it('reads chunks written as plain event arrays by earlier versions', () => {
    const old: HistoryEvent[] = [
      { id: 1, prev: null, type: 'ExecutionStarted', ts: TS, details: { input: '{}' } },
    ];
    const out: HistoryEvent[] = [];
    decodeEvents(JSON.stringify(old), out);
    expect(out).toEqual(old);
  });

  it('is much smaller than the plain JSON of the same events', () => {
    const events: HistoryEvent[] = Array.from({ length: 20 }, (_, i) => ({
      id: i + 1,
      prev: i || null,
      type: i % 2 ? 'PassStateExited' : 'PassStateEntered',
      ts: TS,
      details: { name: 'S01', input: new RawJson('{"n":1,"id":"e1"}'), inputDetails: UNTRUNCATED },
    }));
    const plain = JSON.stringify(
      events.map((e) => ({ ...e, details: { ...e.details, input: '{"n":1,"id":"e1"}' } })),
    );
    expect(encodeEvents(events).length).toBeLessThan(plain.length * 0.6);
  });
});
