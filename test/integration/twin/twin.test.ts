/**
 * The local twin, started in-process on free ports with a temporary data folder: health, DynamoDB
 * Local transactions, the gateway (events, responses, JWT checks), identity, the Lambda invoker,
 * EventBridge through the real SDK, and the scheduler on a moved clock.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DescribeStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../local/clock';
import { Gateway } from '../../../local/gateway';
import { deployStateMachines, SubstitutionError, substituteDefinition } from '../../../local/state-machines';
import { startTwin, type Twin } from '../../../local/twin';
import {
  FIXTURE_FUNCTIONS,
  FIXTURE_ROUTES,
  FIXTURE_RULES,
  FIXTURE_SCHEDULES,
} from '../../fixtures/twin/options';

let twin: Twin;
let dataDir: string;
let ddb: DynamoDBClient;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'minsheng-twin-'));
  twin = await startTwin({
    port: 0,
    dynamodbPort: 0,
    sfnPort: 0,
    dataDir,
    counties: ['340102', '340103'],
    extraFunctions: FIXTURE_FUNCTIONS,
    extraRoutes: FIXTURE_ROUTES,
    extraEventRules: FIXTURE_RULES,
    extraSchedules: FIXTURE_SCHEDULES,
    log: () => {},
  });
  ddb = new DynamoDBClient({ ...twin.aws, endpoint: twin.endpoints.dynamodb });
});

afterAll(async () => {
  ddb?.destroy();
  await twin?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function received(table: string): Promise<Array<{ event: Record<string, any>; seenAt: number }>> {
  const out = await ddb.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: 'fixture#received' } },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).map((i) => ({ event: JSON.parse(i.event.S!), seenAt: Number(i.seenAt.N) }));
}

describe('startup', () => {
  it('reports every part ready at /api/health', async () => {
    const res = await fetch(`${twin.cityApi}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      ok: true,
      parts: { dynamodb: true, sfn: true, lambda: true, identity: true, bus: true, scheduler: true },
    });
  });

  it('serves /config.json with the APIs and the local issuer', async () => {
    const cfg = await (await fetch(`${twin.url}/config.json`)).json();
    expect(cfg.cityApi).toBe(`${twin.url}/api`);
    expect(cfg.counties).toEqual([
      { code: '340102', name: '瑶海区', api: `${twin.url}/county/340102/api` },
      { code: '340103', name: '庐阳区', api: `${twin.url}/county/340103/api` },
    ]);
    expect(cfg.auth).toEqual({
      kind: 'local',
      issuer: `${twin.url}/auth`,
      loginUrl: `${twin.url}/api/auth/login`,
      tokenEndpoint: `${twin.url}/auth/token`,
      revocationEndpoint: `${twin.url}/auth/revoke`,
      clientId: 'minsheng-web',
    });
  });

  it('deploys every compiled workflow as a state machine per county', async () => {
    const sfn = new SFNClient({ ...twin.aws, endpoint: twin.endpoints.sfn });
    try {
      for (const county of ['340102', '340103']) {
        for (const [id, arn] of Object.entries(twin.stateMachineArns[county])) {
          const d = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
          expect(d.name).toBe(`minsheng-${county}-${id}`);
          expect(d.definition).not.toMatch(/\$\{/);
        }
        expect(JSON.parse(twin.functionEnv(county).STATE_MACHINE_ARNS)).toEqual(
          twin.stateMachineArns[county],
        );
      }
    } finally {
      sfn.destroy();
    }
  });
});

describe('lifecycle guards', () => {
  it('refuses a second twin on the same data folder', async () => {
    await expect(
      startTwin({ port: 0, dynamodbPort: 0, sfnPort: 0, dataDir, log: () => {} }),
    ).rejects.toMatchObject({
      name: 'TwinAlreadyRunningError',
    });
  });

  it('refuses to start with a clear error when the DynamoDB port is taken, leaving nothing running', async () => {
    const blocker = createServer((_req, res) => res.end('not dynamodb'));
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const taken = (blocker.address() as AddressInfo).port;
    const dir = await mkdtemp(path.join(os.tmpdir(), 'minsheng-twin-fail-'));
    try {
      await expect(
        startTwin({
          port: 0,
          dynamodbPort: taken,
          sfnPort: 0,
          dataDir: dir,
          counties: ['340102'],
          log: () => {},
        }),
      ).rejects.toMatchObject({ name: 'DynamoDbStartError' });
      const javas = readdirSync('/proc').filter((d) => {
        try {
          return /^\d+$/.test(d) && readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(dir);
        } catch {
          return false;
        }
      });
      expect(javas).toEqual([]);
      expect(existsSync(path.join(dir, 'twin.pid'))).toBe(false);
    } finally {
      blocker.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('answers 503 on health and the APIs until the parts are attached', async () => {
    const gw = new Gateway({ clock: systemClock, webDist: dataDir });
    const port = await gw.listen(0);
    try {
      const health = await fetch(`http://127.0.0.1:${port}/api/health`);
      expect(health.status).toBe(503);
      expect((await health.json()).ok).toBe(false);
      expect((await fetch(`http://127.0.0.1:${port}/api/anything`)).status).toBe(503);
    } finally {
      await gw.close();
    }
  });
});

describe('state machine deployment', () => {
  // The definition's substitutions are literal `${...}` text, as the workflow compiler emits them.
  const PARTITION = '$' + '{Partition}';
  const HEALTH_ARN = '$' + '{HealthArn}';
  const machine = (comment: string) => ({
    Comment: comment,
    StartAt: 'Call',
    States: {
      Call: {
        Type: 'Task',
        Resource: `arn:${PARTITION}:states:::lambda:invoke`,
        Parameters: { FunctionName: HEALTH_ARN, Payload: {} },
        End: true,
      },
    },
  });

  it('fills substitutions per county, creates, leaves unchanged, and updates on change', async () => {
    const sfn = new SFNClient({ ...twin.aws, endpoint: twin.endpoints.sfn });
    const functionIds = new Set(['Health']);
    const deploy = (comment: string) =>
      deployStateMachines({
        sfn,
        counties: ['340102', '340103'],
        workflows: {
          compiled: [{ id: 'fixture-wf', stack: 'county', asl: JSON.stringify(machine(comment)) }],
        },
        functionIds,
      });
    try {
      expect((await deploy('v1')).created).toHaveLength(2);
      expect(await deploy('v1')).toMatchObject({ created: [], updated: [], unchanged: expect.any(Array) });
      const updated = await deploy('v2');
      expect(updated.updated).toEqual([
        'arn:aws:states:us-east-1:000000000000:stateMachine:minsheng-340102-fixture-wf',
        'arn:aws:states:us-east-1:000000000000:stateMachine:minsheng-340103-fixture-wf',
      ]);
      const d = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: updated.updated[1] }));
      const def = JSON.parse(d.definition!);
      expect(def.Comment).toBe('v2');
      expect(def.States.Call.Resource).toBe('arn:aws:states:::lambda:invoke');
      expect(def.States.Call.Parameters.FunctionName).toBe(
        'arn:aws:lambda:us-east-1:000000000000:function:minsheng-340103-Health',
      );
    } finally {
      sfn.destroy();
    }
  });

  it('refuses a substitution that names no registered function', () => {
    expect(() => substituteDefinition({ a: `$${'{NopeArn}'}` }, '340102', new Set(['Health']))).toThrow(
      SubstitutionError,
    );
  });
});

describe('DynamoDB Local', () => {
  it('creates one table per county plus the city, with the shared key schema', async () => {
    for (const table of ['minsheng-city', 'minsheng-340102', 'minsheng-340103']) {
      const got = await ddb.send(
        new GetItemCommand({ TableName: table, Key: { pk: { S: 'x' }, sk: { S: 'y' } } }),
      );
      expect(got.Item).toBeUndefined();
    }
  });

  it('commits a transaction whole, and rolls a failing one back whole', async () => {
    const table = 'minsheng-340102';
    await ddb.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: table, Item: { pk: { S: 'tx#1' }, sk: { S: 'a' }, v: { N: '1' } } } },
          { Put: { TableName: table, Item: { pk: { S: 'tx#1' }, sk: { S: 'b' }, v: { N: '2' } } } },
        ],
      }),
    );
    const failing = ddb.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: table, Item: { pk: { S: 'tx#1' }, sk: { S: 'c' }, v: { N: '3' } } } },
          {
            Update: {
              TableName: table,
              Key: { pk: { S: 'tx#1' }, sk: { S: 'a' } },
              UpdateExpression: 'SET v = :nine',
              ConditionExpression: 'attribute_not_exists(pk)',
              ExpressionAttributeValues: { ':nine': { N: '9' } },
            },
          },
        ],
      }),
    );
    await expect(failing).rejects.toBeInstanceOf(TransactionCanceledException);
    const items = await ddb.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: 'tx#1' } },
        ConsistentRead: true,
      }),
    );
    expect(items.Items?.map((i) => [i.sk.S, i.v.N])).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
  });
});

describe('API gateway', () => {
  it('builds a payload format 2.0 event and maps the response back', async () => {
    const res = await fetch(`${twin.countyApi('340102')}/fixture/echo/a/b%20c?x=1&x=2&y=%E4%B8%AD`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: 'k1=v1; k2=v2',
        'X-Custom': 'Yes',
        'user-agent': 'vitest',
      },
      body: JSON.stringify({ hello: '民生' }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-fixture')).toBe('echo');
    expect(res.headers.getSetCookie()).toEqual(['session=abc; Path=/; HttpOnly', 'theme=dark']);
    const { event, env } = await res.json();
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /fixture/echo/{rest+}',
      rawPath: '/fixture/echo/a/b%20c',
      rawQueryString: 'x=1&x=2&y=%E4%B8%AD',
      cookies: ['k1=v1', 'k2=v2'],
      queryStringParameters: { x: '1,2', y: '中' },
      pathParameters: { rest: 'a/b c' },
      body: '{"hello":"民生"}',
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        http: { method: 'POST', path: '/fixture/echo/a/b%20c', sourceIp: '127.0.0.1', userAgent: 'vitest' },
        routeKey: 'POST /fixture/echo/{rest+}',
        stage: '$default',
      },
    });
    expect(event.headers['x-custom']).toBe('Yes');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(Math.abs(event.requestContext.timeEpoch - twin.clock.now())).toBeLessThan(60_000);
    expect(event.requestContext.authorizer).toBeUndefined();
    expect(env).toEqual({
      TABLE_NAME: 'minsheng-340102',
      STACK_KIND: 'county',
      COUNTY_CODE: '340102',
      CITY_CODE: '340100',
      EVENT_BUS_NAME: 'minsheng-city-bus',
      STATE_MACHINE_ARNS: JSON.stringify(twin.stateMachineArns['340102']),
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_DYNAMODB: twin.endpoints.dynamodb,
      AWS_ENDPOINT_URL_SFN: twin.endpoints.sfn,
      AWS_ENDPOINT_URL_EVENTBRIDGE: twin.endpoints.eventbridge,
    });
  });

  it('base64-encodes a binary body', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    const res = await fetch(`${twin.countyApi('340103')}/fixture/echo/bin`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    const { event, env } = await res.json();
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body, 'base64')).toEqual(bytes);
    expect(env.TABLE_NAME).toBe('minsheng-340103');
  });

  it('answers a bare object as 200 JSON', async () => {
    const res = await fetch(`${twin.cityApi}/fixture/bare`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ hello: '世界', n: 1 });
  });

  it('prefers a literal route over a path parameter', async () => {
    const res = await fetch(`${twin.cityApi}/fixture/echo/static`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ hello: '世界', n: 1 });
  });

  it('answers 500 without details when the function fails', async () => {
    const res = await fetch(`${twin.cityApi}/fixture/fail`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ message: 'Internal Server Error' });
  });

  it('answers 404 Not Found for unknown routes, methods and counties', async () => {
    for (const [url, method] of [
      [`${twin.cityApi}/nothing/here`, 'GET'],
      [`${twin.cityApi}/fixture/bare`, 'DELETE'],
      [`${twin.url}/county/999999/api/health`, 'GET'],
      [`${twin.countyApi('340102')}/fixture/bare`, 'GET'],
    ] as const) {
      const res = await fetch(url, { method });
      expect(res.status, `${method} ${url}`).toBe(404);
      expect(await res.json()).toEqual({ message: 'Not Found' });
    }
  });

  it('rejects a body over 10 MB with 413', async () => {
    const res = await fetch(`${twin.countyApi('340102')}/fixture/echo/big`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x'.repeat(10 * 1024 * 1024 + 1),
    });
    expect(res.status).toBe(413);
  });

  it('routes the county health route to the Health function', async () => {
    const res = await fetch(`${twin.countyApi('340103')}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});

describe('JWT authorizer', () => {
  const url = () => `${twin.cityApi}/fixture/echo/42`;
  const call = (authorization?: string) =>
    fetch(url(), { headers: authorization === undefined ? {} : { authorization } });
  const now = () => Math.floor(twin.clock.now() / 1000);

  async function expectUnauthorized(authorization?: string) {
    const res = await call(authorization);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: 'Unauthorized' });
  }

  it('rejects a request without a token', () => expectUnauthorized());

  it('rejects a token signed by another key', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ 'cognito:groups': ['admin'] })
      .setProtectedHeader({ alg: 'RS256', kid: twin.identity.jwks.keys[0].kid })
      .setIssuer(twin.identity.issuer)
      .setAudience('minsheng-web')
      .setIssuedAt(now())
      .setExpirationTime(now() + 600)
      .sign(privateKey);
    await expectUnauthorized(`Bearer ${forged}`);
  });

  it('rejects a token whose payload was altered', async () => {
    const [h, , s] = (await twin.login('county_340102')).split('.');
    const payload = Buffer.from(
      JSON.stringify({
        iss: twin.identity.issuer,
        aud: 'minsheng-web',
        exp: now() + 600,
        'cognito:groups': ['admin'],
      }),
    ).toString('base64url');
    await expectUnauthorized(`Bearer ${h}.${payload}.${s}`);
  });

  it('rejects a wrong issuer', async () =>
    expectUnauthorized(`Bearer ${await twin.identity.sign({ iss: 'http://localhost:1/auth' })}`));

  it('rejects a wrong audience', async () =>
    expectUnauthorized(`Bearer ${await twin.identity.sign({ aud: 'someone-else' })}`));

  it('rejects an expired token', async () =>
    expectUnauthorized(`Bearer ${await twin.identity.sign({ iat: now() - 7200, exp: now() - 10 })}`));

  it('rejects a token not valid yet', async () =>
    expectUnauthorized(`Bearer ${await twin.identity.sign({ nbf: now() + 600 })}`));

  it('rejects a token without exp', async () =>
    expectUnauthorized(`Bearer ${await twin.identity.sign({ exp: undefined })}`));

  it('passes the verified claims to the function as API Gateway does', async () => {
    const res = await call(`Bearer ${await twin.login('county_340102')}`);
    expect(res.status).toBe(201);
    const { event } = await res.json();
    expect(event.pathParameters).toEqual({ id: '42' });
    const claims = event.requestContext.authorizer.jwt.claims;
    expect(claims).toMatchObject({
      iss: twin.identity.issuer,
      aud: 'minsheng-web',
      'cognito:username': 'county_340102',
      'cognito:groups': '[county_office]',
      'custom:org': '340102',
      'custom:county': '340102',
      name: '周婷（瑶海区民生办）',
    });
    expect(claims.exp).toMatch(/^\d+$/);
    expect(event.requestContext.authorizer.jwt.scopes).toBeNull();
  });

  it('accepts a token without the Bearer prefix and an access token with client_id', async () => {
    expect((await call(await twin.login('admin'))).status).toBe(201);
    const access = await twin.identity.sign({
      aud: undefined,
      client_id: 'minsheng-web',
      token_use: 'access',
    });
    expect((await call(`Bearer ${access}`)).status).toBe(201);
  });
});

describe('identity', () => {
  it('issues ID tokens for demo users through POST /auth/token', async () => {
    const res = await fetch(`${twin.url}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=password&username=dept_mz&password=minsheng-demo',
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const claims = JSON.parse(Buffer.from(body.id_token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({
      'cognito:username': 'dept_mz',
      'cognito:groups': ['city_dept'],
      'custom:org': 'dept_mz',
      iss: twin.identity.issuer,
      aud: 'minsheng-web',
    });
    expect(claims['custom:county']).toBeUndefined();
    expect(claims.exp - claims.iat).toBe(3600);
  });

  it('refuses a wrong password or an unknown user with invalid_grant', async () => {
    for (const body of [
      { grant_type: 'password', username: 'dept_mz', password: 'wrong' },
      { grant_type: 'password', username: 'nobody', password: 'minsheng-demo' },
    ]) {
      const res = await fetch(`${twin.url}/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(400);
      expect((await res.json()).error).toBe('invalid_grant');
    }
  });

  it('publishes the discovery document and the JWKS', async () => {
    const disco = await (await fetch(`${twin.url}/auth/.well-known/openid-configuration`)).json();
    expect(disco.issuer).toBe(twin.identity.issuer);
    const jwks = await (await fetch(disco.jwks_uri.replace('localhost', '127.0.0.1'))).json();
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(jwks.keys[0].d).toBeUndefined();
  });

  it('gives the city functions the issuer URL and not the county ones', () => {
    expect(twin.functionEnv('city').LOCAL_IDENTITY_URL).toBe(twin.endpoints.identity);
    expect(twin.functionEnv('340102').LOCAL_IDENTITY_URL).toBeUndefined();
  });
});

describe('Lambda invoker', () => {
  it('returns a handler error as Lambda does', async () => {
    const out = await twin.lambda.invoke(
      'arn:aws:lambda:us-east-1:000000000000:function:minsheng-340102-FixtureFail:$LATEST',
      {},
    );
    expect(out.statusCode).toBe(200);
    expect(out.functionError).toBe('Unhandled');
    expect(out.payload).toMatchObject({ errorType: 'FixtureBoom', errorMessage: 'boom on purpose' });
    expect((out.payload as { trace: string[] }).trace.length).toBeGreaterThan(0);
  });

  it('throws ResourceNotFoundException for unknown functions and stacks', async () => {
    for (const name of [
      'minsheng-340102-Nope',
      'minsheng-340104-Health',
      'minsheng-340102-FixtureBare',
      'Health',
    ]) {
      await expect(twin.lambda.invoke(name, {}), name).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
      });
    }
  });
});

describe('EventBridge', () => {
  it('delivers PutEvents from the real SDK to the rule target of every county, in AWS event shape', async () => {
    const eb = new EventBridgeClient({ ...twin.aws, endpoint: twin.endpoints.eventbridge });
    try {
      const out = await eb.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: 'minsheng-city-bus',
              Source: 'minsheng.city',
              DetailType: 'FixtureHappened',
              Detail: JSON.stringify({ project: 'P-1', amount: 12 }),
              Resources: ['urn:test'],
            },
            {
              EventBusName: 'minsheng-city-bus',
              Source: 'minsheng.city',
              DetailType: 'FixtureHappened',
              Detail: '[1',
            },
          ],
        }),
      );
      expect(out.FailedEntryCount).toBe(1);
      expect(out.Entries?.[1]).toMatchObject({ ErrorCode: 'MalformedDetail' });
      const eventId = out.Entries?.[0].EventId;
      expect(eventId).toMatch(/^[0-9a-f-]{36}$/);
      await twin.bus.idle();
      for (const county of ['340102', '340103']) {
        const got = (await received(`minsheng-${county}`)).filter((r) => r.event.id === eventId);
        expect(got, county).toHaveLength(1);
        expect(got[0].event).toEqual({
          version: '0',
          id: eventId,
          'detail-type': 'FixtureHappened',
          source: 'minsheng.city',
          account: '000000000000',
          time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
          region: 'us-east-1',
          resources: ['urn:test'],
          detail: { project: 'P-1', amount: 12 },
        });
      }
    } finally {
      eb.destroy();
    }
  });
});

describe('scheduler and clock', () => {
  it('fires a schedule once per occurrence after the clock moves, with Scheduler context attributes', async () => {
    const before = twin.clock.now();
    const res = await fetch(`${twin.url}/_local/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advanceSeconds: 2 * 86400 }),
    });
    expect(res.status).toBe(200);
    const moved = await res.json();
    expect(Date.parse(moved.now) - before).toBeGreaterThanOrEqual(2 * 86400 * 1000);
    await twin.bus.idle();
    const fired = (await received('minsheng-city')).filter((r) => r.event.kind === 'schedule');
    expect(fired).toHaveLength(2);
    for (const f of fired) {
      expect(f.event.scheduledTime).toMatch(/^\d{4}-\d{2}-\d{2}T01:00:00Z$/);
      expect(f.event.schedule).toBe(
        'arn:aws:scheduler:us-east-1:000000000000:schedule/minsheng-city/FixtureDaily',
      );
      // Functions read the twin's clock through Date.
      expect(f.seenAt).toBeGreaterThanOrEqual(before + 2 * 86400 * 1000);
    }
  });

  it('refuses to move a clock that is not movable', async () => {
    const gw = new Gateway({ clock: systemClock, webDist: dataDir });
    const port = await gw.listen(0);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/_local/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ advanceSeconds: 60 }),
      });
      expect(res.status).toBe(409);
    } finally {
      await gw.close();
    }
  });
});
