import type { IncomingMessage } from 'node:http';
import { describe, expect, test } from 'vitest';
import { ClockMoveError, MAX_ADVANCE_MS, MAX_CLOCK_MS, MovableClock } from '../../../local/clock';
import { admitLocal, isLoopback, loopbackOrigins } from '../../../local/http';

describe('MovableClock bounds', () => {
  const at = (ms: number) => new MovableClock({ base: { now: () => ms } });

  test('refuses to go backwards, a non-finite move and more than ten years at once', () => {
    const c = at(Date.UTC(2027, 0, 1));
    expect(() => c.advance(-1)).toThrow(ClockMoveError);
    expect(() => c.advance(Number.NaN)).toThrow(ClockMoveError);
    expect(() => c.advance(Number.POSITIVE_INFINITY)).toThrow(ClockMoveError);
    expect(() => c.advance(1e303)).toThrow(ClockMoveError);
    expect(() => c.advance(MAX_ADVANCE_MS + 1)).toThrow(ClockMoveError);
    expect(c.offset).toBe(0);
    expect(c.advance(MAX_ADVANCE_MS)).toBe(Date.UTC(2027, 0, 1) + MAX_ADVANCE_MS);
  });

  test('never moves past 2200-01-01', () => {
    const c = at(MAX_CLOCK_MS - 1000);
    expect(() => c.advance(1001)).toThrow(ClockMoveError);
    expect(c.advance(1000)).toBe(MAX_CLOCK_MS);
  });
});

function request(remoteAddress: string, headers: Record<string, string>): IncomingMessage {
  return { socket: { remoteAddress }, headers } as unknown as IncomingMessage;
}

describe('admission of local-only surfaces', () => {
  const rule = { origins: () => loopbackOrigins(3000), contentTypes: ['application/x-amz-json-1.1'] };
  const json = {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': '2',
    host: '127.0.0.1:3000',
  };

  test('loopback peers only', () => {
    for (const a of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'])
      expect(isLoopback(a), a).toBe(true);
    for (const a of ['10.0.0.5', '::ffff:192.168.1.2', 'fe80::1', '', undefined])
      expect(isLoopback(a), String(a)).toBe(false);
    expect(admitLocal(request('192.168.1.2', json), rule)?.status).toBe(403);
  });

  test('the same-machine SDK call is admitted', () => {
    expect(admitLocal(request('127.0.0.1', json), rule)).toBeUndefined();
    expect(admitLocal(request('::1', { ...json, host: 'localhost:3000' }), rule)).toBeUndefined();
  });

  test('a foreign Origin, a cross-site fetch or a rebinding Host is 403', () => {
    expect(admitLocal(request('127.0.0.1', { ...json, origin: 'https://evil.example' }), rule)?.status).toBe(
      403,
    );
    expect(admitLocal(request('127.0.0.1', { ...json, origin: 'null' }), rule)?.status).toBe(403);
    expect(admitLocal(request('127.0.0.1', { ...json, 'sec-fetch-site': 'cross-site' }), rule)?.status).toBe(
      403,
    );
    expect(admitLocal(request('127.0.0.1', { ...json, host: 'evil.example' }), rule)?.status).toBe(403);
    expect(
      admitLocal(request('127.0.0.1', { ...json, origin: 'http://localhost:3000' }), rule),
    ).toBeUndefined();
  });

  test('a body of a simple-request type is 415', () => {
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=a',
      '',
    ])
      expect(admitLocal(request('127.0.0.1', { ...json, 'content-type': type }), rule)?.status, type).toBe(
        415,
      );
    expect(
      admitLocal(request('127.0.0.1', { host: 'localhost', 'transfer-encoding': 'chunked' }), rule)?.status,
    ).toBe(415);
    // No body, no content type needed (GET /health).
    expect(admitLocal(request('127.0.0.1', { host: 'localhost:3000' }), rule)).toBeUndefined();
  });
});
