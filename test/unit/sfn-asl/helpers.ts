import { readFileSync } from 'node:fs';
import type { ContextObject } from '../../../local/sfn/asl/types';

/** Reads a JSON fixture from test/fixtures/asl. */
export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../fixtures/asl/${name}`, import.meta.url), 'utf8')) as T;
}

/** A context object like the engine builds for a Map iteration inside a callback task. */
export function makeContext(overrides: Partial<ContextObject> = {}): ContextObject {
  return {
    Execution: {
      Id: 'arn:aws:states:us-east-1:000000000000:execution:sm:exec-1',
      Input: { year: 2027 },
      Name: 'exec-1',
      RoleArn: 'arn:aws:iam::000000000000:role/sfn',
      StartTime: '2026-01-01T00:00:00.000Z',
    },
    State: { EnteredTime: '2026-01-01T00:00:01.000Z', Name: 'Step', RetryCount: 0 },
    StateMachine: { Id: 'arn:aws:states:us-east-1:000000000000:stateMachine:sm', Name: 'sm' },
    Task: { Token: 'tok-1' },
    Map: { Item: { Index: 2, Value: 'c' } },
    ...overrides,
  };
}

/** Runs `fn` and returns the StatesError it throws (fails the test if it does not throw one). */
export function catchStatesError(fn: () => unknown): { error: string; causeText: string } {
  try {
    fn();
  } catch (e) {
    const err = e as { error?: string; causeText?: string };
    if (typeof err.error === 'string' && typeof err.causeText === 'string')
      return { error: err.error, causeText: err.causeText };
    throw e;
  }
  throw new Error('expected a StatesError to be thrown');
}
