/**
 * The twin's local-only surfaces (`/_local/clock`, the EventBridge endpoint `/_aws/events`, the Step
 * Functions engine) answer only callers on this machine that are not pages of another site: a
 * foreign Origin, a DNS-rebinding Host, a simple-request content type (text/plain, forms) or a peer
 * on another interface is refused, and a refused PutEvents reaches no target. The clock is bounded
 * (finite, forward, at most ten years a move, never past 2200) and a data folder always starts
 * again. CORS allows only the app's own origin; web responses carry CloudFront's security headers.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { securityHeaders } from '../../../infra/web-security';
import { MAX_CLOCK_MS, MovableClock } from '../../../local/clock';
import { Gateway } from '../../../local/gateway';
import { startTwin, type Twin } from '../../../local/twin';
import { FIXTURE_FUNCTIONS, FIXTURE_RULES } from '../../fixtures/twin/options';

const COUNTY = '340102';
const EVIL = 'https://evil.example';
let twin: Twin;
let dataDir: string;
let ddb: DynamoDBClient;

async function start(): Promise<Twin> {
  return startTwin({
    port: 0,
    dynamodbPort: 0,
    sfnPort: 0,
    dataDir,
    counties: [COUNTY],
    extraFunctions: FIXTURE_FUNCTIONS,
    extraEventRules: FIXTURE_RULES,
    log: () => {},
  });
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'minsheng-surfaces-'));
  twin = await start();
  ddb = new DynamoDBClient({ ...twin.aws, endpoint: twin.endpoints.dynamodb });
});

afterAll(async () => {
  ddb?.destroy();
  await twin?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** What the fixture rule's target received in the county table. */
async function received(): Promise<Array<Record<string, any>>> {
  const out = await ddb.send(
    new QueryCommand({
      TableName: `minsheng-${COUNTY}`,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: 'fixture#received' } },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).map((i) => JSON.parse(i.event.S!));
}

/** A raw HTTP request (fetch cannot set Host), resolving to status, headers and text. */
function raw(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string; localAddress?: string } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: opts.method ?? 'GET', headers: opts.headers, localAddress: opts.localAddress },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const forgedEntries = (id: string) =>
  JSON.stringify({
    Entries: [
      {
        Source: 'minsheng.city',
        DetailType: 'FixtureHappened',
        Detail: JSON.stringify({ id }),
        EventBusName: 'minsheng-city-bus',
      },
    ],
  });

describe('the EventBridge endpoint', () => {
  it('refuses PutEvents from another origin or as a simple request, and nothing reaches the targets', async () => {
    const url = twin.endpoints.eventbridge;
    const target = { 'x-amz-target': 'AWSEvents.PutEvents' };
    const attempts = [
      // What a page on another site can send without a preflight.
      { ...target, 'content-type': 'text/plain;charset=UTF-8', origin: EVIL },
      { ...target, 'content-type': 'application/x-www-form-urlencoded', origin: EVIL },
      // With the AWS content type (a preflight the twin never grants), still refused.
      { ...target, 'content-type': 'application/x-amz-json-1.1', origin: EVIL },
      { ...target, 'content-type': 'application/x-amz-json-1.1', 'sec-fetch-site': 'cross-site' },
      // Same machine but no AWS content type.
      { ...target, 'content-type': 'text/plain' },
      { ...target, 'content-type': 'application/json' },
    ];
    for (const [i, headers] of attempts.entries()) {
      const res = await fetch(url, { method: 'POST', headers, body: forgedEntries(`forged-${i}`) });
      expect([403, 415], JSON.stringify(headers)).toContain(res.status);
      expect((await res.json()).__type).toMatch(/AccessDeniedException|UnsupportedMediaTypeException/);
    }
    const rebound = await raw(url, {
      method: 'POST',
      headers: { ...target, 'content-type': 'application/x-amz-json-1.1', host: 'evil.example:80' },
      body: forgedEntries('rebound'),
    });
    expect(rebound.status).toBe(403);

    // The SDK on this machine still publishes, and its event is delivered: the refusals are what
    // kept the forged ones out.
    const eb = new EventBridgeClient({ ...twin.aws, endpoint: url });
    try {
      const out = await eb.send(
        new PutEventsCommand({
          Entries: [
            {
              Source: 'minsheng.city',
              DetailType: 'FixtureHappened',
              Detail: JSON.stringify({ id: 'genuine' }),
              EventBusName: 'minsheng-city-bus',
            },
          ],
        }),
      );
      expect(out.FailedEntryCount).toBe(0);
    } finally {
      eb.destroy();
    }
    await twin.bus.idle();
    expect((await received()).map((e) => e.detail.id)).toEqual(['genuine']);
  });
});

describe('the Step Functions engine', () => {
  it('refuses another origin and simple-request content types, and answers the SDK', async () => {
    const body = '{}';
    const target = { 'x-amz-target': 'AWSStepFunctions.ListStateMachines' };
    for (const headers of [
      { ...target, 'content-type': 'application/x-amz-json-1.0', origin: EVIL },
      { ...target, 'content-type': 'text/plain' },
      { ...target, 'content-type': 'application/x-www-form-urlencoded' },
    ]) {
      const res = await fetch(twin.endpoints.sfn, { method: 'POST', headers, body });
      expect([403, 415], JSON.stringify(headers)).toContain(res.status);
    }
    const sfn = new SFNClient({ ...twin.aws, endpoint: twin.endpoints.sfn });
    try {
      const list = await sfn.send(new ListStateMachinesCommand({}));
      expect(list.stateMachines?.length).toBeGreaterThan(0);
    } finally {
      sfn.destroy();
    }
  });
});

describe('the clock', () => {
  const clockUrl = () => `${twin.url}/_local/clock`;
  const move = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(clockUrl(), { method: 'POST', headers, body });

  it('refuses another origin, a simple request and a rebinding Host', async () => {
    const before = twin.clock.now();
    const body = '{"advanceSeconds":86400}';
    expect((await move(body, { 'content-type': 'application/json', origin: EVIL })).status).toBe(403);
    expect((await move(body, { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await move(body, { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    const rebound = await raw(clockUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', host: 'attacker.example' },
      body,
    });
    expect(rebound.status).toBe(403);
    expect(twin.clock.now() - before).toBeLessThan(86_400_000);
  });

  it('accepts the app’s own origin', async () => {
    const res = await move('{"advanceSeconds":1}', { 'content-type': 'application/json', origin: twin.url });
    expect(res.status).toBe(200);
  });

  it('refuses moves that are not finite, backwards, over ten years or past 2200', async () => {
    const before = (twin.clock as MovableClock).offset;
    for (const body of [
      '{"advanceSeconds":1e300}',
      '{"advanceSeconds":1e309}',
      '{"advanceSeconds":-1}',
      '{"advanceSeconds":"60"}',
      '{"advanceSeconds":null}',
      `{"advanceSeconds":${11 * 366 * 86400}}`,
      '{"advanceSeconds":60,"extra":1}',
      '[60]',
      'not json',
    ]) {
      const res = await move(body);
      expect(res.status, body).toBe(400);
      const answer = await res.json();
      expect(answer.code, body).toBe('ValidationFailed');
      expect(answer.message, body).toMatch(/[\u4e00-\u9fa5]/);
    }
    expect((twin.clock as MovableClock).offset).toBe(before);
  });

  it('after {"advanceSeconds":1e300} was refused, the data folder starts again with a sane clock', async () => {
    expect((await move('{"advanceSeconds":1e300}')).status).toBe(400);
    await twin.close();
    twin = await start();
    ddb.destroy();
    ddb = new DynamoDBClient({ ...twin.aws, endpoint: twin.endpoints.dynamodb });
    const now = twin.clock.now();
    expect(Number.isFinite(now)).toBe(true);
    expect(now).toBeLessThanOrEqual(MAX_CLOCK_MS);
    expect((await fetch(`${twin.cityApi}/health`)).status).toBe(200);
  });

  it('a folder whose clock file an older twin moved to 1e303 ms starts, clamped to 2200', async () => {
    await twin.close();
    await writeFile(path.join(dataDir, 'clock.json'), JSON.stringify({ offsetMs: 1e303 }));
    twin = await start();
    ddb.destroy();
    ddb = new DynamoDBClient({ ...twin.aws, endpoint: twin.endpoints.dynamodb });
    // Set to 2200 at the start; it has run on with real time since.
    expect(Math.abs(twin.clock.now() - MAX_CLOCK_MS)).toBeLessThan(60_000);
    const shown = (await (await fetch(`${twin.url}/_local/clock`)).json()) as { now: string };
    expect(shown.now).toMatch(/^2200-01-01T00:0/);
  });
});

describe('who may call a local surface at all', () => {
  it('refuses a caller on another interface even when the gateway listens on every interface', async () => {
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((a) => a && !a.internal && a.family === 'IPv4')?.address;
    const gw = new Gateway({ clock: new MovableClock(), webDist: dataDir });
    const port = await gw.listen(0, '0.0.0.0');
    try {
      const body = '{"advanceSeconds":1}';
      const headers = { 'content-type': 'application/json' };
      const local = await raw(`http://127.0.0.1:${port}/_local/clock`, { method: 'POST', headers, body });
      expect(local.status).toBe(200);
      if (external) {
        // From the machine's own external address: the peer is not loopback.
        const remote = await raw(`http://${external}:${port}/_local/clock`, {
          method: 'POST',
          headers,
          body,
          localAddress: external,
        });
        expect(remote.status).toBe(403);
      }
    } finally {
      await gw.close();
    }
  });
});

describe('CORS and security headers', () => {
  it('allows only the app’s own origin on the APIs', async () => {
    const preflight = (origin: string) =>
      fetch(`${twin.cityApi}/tasks`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      });
    const own = await preflight(twin.url);
    expect(own.headers.get('access-control-allow-origin')).toBe(twin.url);
    expect(own.headers.get('access-control-allow-headers')).toContain('authorization');
    const evil = await preflight(EVIL);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    expect(evil.headers.get('access-control-allow-methods')).toBeNull();
    const simple = await fetch(`${twin.cityApi}/health`, { headers: { origin: EVIL } });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('sends the CloudFront security headers on the web app, config.json and a missing asset', async () => {
    const expected = securityHeaders();
    for (const p of ['/', '/inbox', '/config.json', '/assets/missing.js']) {
      const res = await fetch(`${twin.url}${p}`);
      for (const [name, value] of Object.entries(expected))
        expect(res.headers.get(name), `${p} ${name}`).toBe(value);
    }
    expect(expected['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(expected['x-content-type-options']).toBe('nosniff');
  });
});
