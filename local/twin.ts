/**
 * The local twin: every AWS part Minsheng uses, on one machine, durably under one data folder.
 * `startTwin()` is what `npm start` runs (through main.ts) and what tests start on ephemeral ports
 * with a temporary folder.
 *
 * Start order: gateway socket (so /api/health answers 503 while starting) -> DynamoDB Local +
 * tables, identity key, worker bundle, compiled workflows (in parallel) -> Step Functions engine
 * (it may resume executions at once, so the functions' environment is complete before it starts)
 * -> state machines -> event bus and scheduler -> gateway routes.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import Database from 'better-sqlite3';
import { ENV } from '../contracts/env';
import { EVENT_RULES, type EventRuleSpec, SCHEDULES, type ScheduleSpec } from '../functions/events';
import { FUNCTIONS, type FunctionSpec, type StackKind } from '../functions/registry';
import { ROUTES } from '../functions/routes';
import { createJwtAuthorizer } from './authorizer';
import { type Clock, MovableClock } from './clock';
import {
  ConfigError,
  LOCAL_AWS,
  type LocalConfig,
  names,
  type OrgRef,
  REPO_ROOT,
  readConfig,
} from './config';
import { type DynamoDbLocal, ensureTables, startDynamoDbLocal } from './dynamodb';
import { LocalEventBus } from './events';
import { loadExtraKits } from './extra-kits';
import { Gateway, type GatewayRoute, type HealthReport } from './gateway';
import { admitLocal } from './http';
import { LocalIdentity } from './identity';
import { LocalLambda } from './lambda/invoker';
import { concretePort } from './ports';
import { isRunning } from './proc';
import { LocalScheduler } from './scheduler';
import { type SfnServer, startSfnServer } from './sfn/server';
import { deployStateMachines, loadWorkflows, stateMachineArns } from './state-machines';

/** A registry entry whose target may be a fixture function (any id, not only the registry's). */
export type LooseFn<T> = Omit<T, 'fn'> & { fn: string };

/** Another twin already runs on this data folder. */
export class TwinAlreadyRunningError extends Error {
  override name = 'TwinAlreadyRunningError';
}

/** Options of {@link startTwin}; anything omitted comes from the environment (see config.ts). */
export interface TwinOptions {
  /** Gateway port; 0 = a free port. */
  port?: number;
  /** 0 = a free port. */
  dynamodbPort?: number;
  /** 0 = a free port. */
  sfnPort?: number;
  /** Interface the gateway and engine listen on (default 127.0.0.1). */
  host?: string;
  dataDir?: string;
  /** Serve only these counties (codes from cdk.json); default all. */
  counties?: string[];
  /** Default: a movable clock kept in `<dataDir>/clock.json` (so a moved clock survives a restart). */
  clock?: Clock;
  demoPassword?: string;
  /** Test fixtures: functions, routes, rules and schedules served beside the registry's. */
  extraFunctions?: FunctionSpec[];
  extraRoutes?: GatewayRoute[];
  extraEventRules?: LooseFn<EventRuleSpec>[];
  extraSchedules?: LooseFn<ScheduleSpec>[];
  /** Extra environment for every function. */
  functionEnv?: Record<string, string>;
  /**
   * Kits outside the product (test fixtures): modules exporting `EXTRA_KIT` (a kit and the workflow
   * and form definitions it carries). They are bundled into the functions in place of
   * functions/kits/extra.ts, and their workflows deployed like the product's.
   */
  extraKits?: string[];
  /** Built web app folder (default `web/dist`). */
  webDist?: string;
  /** Where log lines go (default console.log); tests pass a no-op or a collector. */
  log?: (line: string) => void;
  /** Environment to read defaults from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Step Functions timer poll interval (engine default when omitted). */
  sfnPollIntervalMs?: number;
}

/** A running twin. */
export interface Twin {
  /** `http://localhost:<port>`: web app, `/api`, `/county/<code>/api`, `/auth`. */
  url: string;
  cityApi: string;
  countyApi(code: string): string;
  ports: { http: number; dynamodb: number; sfn: number };
  /** SDK endpoints (what the functions' AWS_ENDPOINT_URL_* are set to). */
  endpoints: { dynamodb: string; sfn: string; eventbridge: string; identity: string };
  /** Region and dummy credentials for SDK clients: `new SFNClient({ ...twin.aws, endpoint: twin.endpoints.sfn })`. */
  aws: { region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  dataDir: string;
  /** Child processes (DynamoDB Local's java), for a last-resort kill. */
  childPids: number[];
  city: OrgRef;
  counties: OrgRef[];
  clock: Clock;
  identity: LocalIdentity;
  lambda: LocalLambda;
  bus: LocalEventBus;
  scheduler: LocalScheduler;
  sfn: SfnServer;
  /** county -> workflowId -> state machine ARN (what STATE_MACHINE_ARNS holds per county). */
  stateMachineArns: Record<string, Record<string, string>>;
  /** The function environment of a stack (`city` or a county code). */
  functionEnv(stack: string): Record<string, string>;
  /** Moves the twin's clock forward (movable clock only); returns the new now (epoch ms). */
  advanceClock(seconds: number): number;
  health(): Promise<HealthReport>;
  /** ID token of a demo user (password defaults to the demo password). */
  login(username: string, password?: string): Promise<string>;
  /** Stops every part (DynamoDB Local's java included). Idempotent. */
  close(): Promise<void>;
}

const DUMMY_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
/** The app client id the local issuer puts in `aud` and the authorizer accepts. */
export const LOCAL_CLIENT_ID = 'minsheng-web';

/** Data folders of twins running in this process (the pid file cannot tell them apart). */
const lockedHere = new Set<string>();

function acquireLock(dataDir: string): () => void {
  const file = path.join(dataDir, 'twin.pid');
  if (lockedHere.has(dataDir))
    throw new TwinAlreadyRunningError(`a twin already runs on ${dataDir} in this process`);
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (pid !== process.pid && isRunning(pid))
      throw new TwinAlreadyRunningError(`a twin (pid ${pid}) already runs on ${dataDir}`);
  }
  writeFileSync(file, String(process.pid));
  lockedHere.add(dataDir);
  return () => {
    lockedHere.delete(dataDir);
    try {
      if (readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file);
    } catch {
      // already gone
    }
  };
}

function resolveCounties(all: OrgRef[], wanted: string[] | undefined): OrgRef[] {
  if (!wanted) return all;
  return wanted.map((code) => {
    const c = all.find((x) => x.code === code);
    if (!c) throw new ConfigError(`county ${code} is not in cdk.json`);
    return c;
  });
}

async function pingUrl(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/** Starts the whole twin; resolves when every part is ready. */
export async function startTwin(options: TwinOptions = {}): Promise<Twin> {
  const base: LocalConfig = readConfig(options.env ?? process.env);
  const log = options.log ?? ((line: string) => console.log(line));
  const dataDir = path.resolve(options.dataDir ?? base.dataDir);
  const host = options.host ?? '127.0.0.1';
  const counties = resolveCounties(base.counties, options.counties);
  const countyCodes = counties.map((c) => c.code);
  const city = base.city;
  const password = options.demoPassword ?? base.demoPassword;
  await mkdir(dataDir, { recursive: true });
  const releaseLock = acquireLock(dataDir);

  const cleanups: Array<() => unknown> = [releaseLock];
  const cleanup = async () => {
    for (const fn of cleanups.splice(0).reverse()) {
      try {
        await fn();
      } catch (e) {
        log(`twin: error while stopping: ${(e as Error).message}`);
      }
    }
  };

  try {
    const clock = options.clock ?? new MovableClock({ file: path.join(dataDir, 'clock.json'), log });
    const gateway = new Gateway({ clock, webDist: options.webDist ?? path.join(REPO_ROOT, 'web/dist'), log });
    const httpPort = await gateway.listen(options.port ?? base.port, host);
    cleanups.push(() => gateway.close());
    const url = `http://localhost:${httpPort}`;
    const local = `http://127.0.0.1:${httpPort}`;
    const [dynamodbPort, sfnPort] = await Promise.all([
      concretePort(options.dynamodbPort ?? base.dynamodbPort),
      concretePort(options.sfnPort ?? base.sfnPort),
    ]);
    const endpoints = {
      dynamodb: `http://127.0.0.1:${dynamodbPort}`,
      sfn: `http://127.0.0.1:${sfnPort}`,
      eventbridge: `${local}/_aws/events`,
      identity: `${local}/auth`,
    };

    const functions = [...(FUNCTIONS as readonly FunctionSpec[]), ...(options.extraFunctions ?? [])];
    const functionIds = new Set(functions.map((f) => f.id));
    const stacks = new Map<string, StackKind>([
      ['city', 'city'],
      ...countyCodes.map((c) => [c, 'county'] as [string, StackKind]),
    ]);

    const startDynamo = async (): Promise<DynamoDbLocal> => {
      const ddb = await startDynamoDbLocal({
        port: dynamodbPort,
        dbDir: path.join(dataDir, 'dynamodb'),
        log,
      });
      cleanups.push(() => ddb.close());
      const client = new DynamoDBClient({
        region: LOCAL_AWS.region,
        endpoint: ddb.endpoint,
        credentials: DUMMY_CREDENTIALS,
      });
      try {
        const created = await ensureTables(client, [...stacks.keys()].map(names.table));
        if (created.length) log(`created tables: ${created.join(', ')}`);
      } finally {
        client.destroy();
      }
      return ddb;
    };

    const issuer = `${url}/auth`;
    const extra = await loadExtraKits(options.extraKits ?? []);
    const workflows = loadWorkflows(extra.workflows, extra.checks);
    // allSettled, not all: a failure must not start the cleanup while another part is still starting.
    const settled = await Promise.allSettled([
      startDynamo(),
      LocalIdentity.open({
        dir: path.join(dataDir, 'identity'),
        issuer,
        clientId: LOCAL_CLIENT_ID,
        password,
        clock,
      }),
    ] as const);
    for (const r of settled) if (r.status === 'rejected') throw r.reason;
    const [dynamo, identity] = settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as [
      DynamoDbLocal,
      LocalIdentity,
    ];
    const idsOf = (kind: StackKind) => workflows.compiled.filter((w) => w.stack === kind).map((w) => w.id);
    const arnsByCounty: Record<string, Record<string, string>> = Object.fromEntries([
      ['city', stateMachineArns('city', idsOf('city'))],
      ...countyCodes.map((c) => [c, stateMachineArns(c, idsOf('county'))]),
    ]);
    const stackOfMachine = new Map(
      Object.entries(arnsByCounty).flatMap(([stack, arns]) =>
        Object.values(arns).map((a) => [a, stack] as const),
      ),
    );

    const functionEnv = (stack: string): Record<string, string> => {
      const kind = stacks.get(stack);
      if (!kind) throw new ConfigError(`unknown stack ${stack}`);
      const env: Record<string, string> = {
        [ENV.tableName]: names.table(stack),
        [ENV.cityTableName]: names.table('city'),
        [ENV.stackKind]: kind,
        [ENV.cityCode]: city.code,
        [ENV.eventBusName]: names.eventBus,
        [ENV.stateMachineArns]: JSON.stringify(arnsByCounty[stack] ?? {}),
        AWS_REGION: LOCAL_AWS.region,
        AWS_DEFAULT_REGION: LOCAL_AWS.region,
        AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
        AWS_ENDPOINT_URL_SFN: endpoints.sfn,
        AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.eventbridge,
        AWS_ACCESS_KEY_ID: DUMMY_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: DUMMY_CREDENTIALS.secretAccessKey,
        AWS_EC2_METADATA_DISABLED: 'true',
        // Functions run on nodejs22.x in AWS; the local Node version says nothing about them.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...options.functionEnv,
      };
      if (kind === 'county') {
        env[ENV.countyCode] = stack;
        const name = counties.find((c) => c.code === stack)?.name;
        if (name) env[ENV.countyName] = name;
      } else env[ENV.localIdentityUrl] = endpoints.identity;
      return env;
    };

    const lambda = new LocalLambda({
      root: REPO_ROOT,
      buildDir: path.join(dataDir, 'build'),
      functions,
      stacks,
      env: functionEnv,
      clock,
      log,
      replace: extra.bundle
        ? { 'functions/kits/extra.ts': extra.bundle(path.join(dataDir, 'build')) }
        : undefined,
    });
    cleanups.push(() => lambda.close());
    await lambda.ready();

    // The bus exists before the engine: an execution the engine resumes may end at once, and its
    // status event goes on the bus (delivered once the bus starts).
    const db = new Database(path.join(dataDir, 'bus.sqlite'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    cleanups.push(() => db.close());
    const bus = new LocalEventBus({
      db,
      rules: [...(EVENT_RULES as readonly EventRuleSpec[]), ...(options.extraEventRules ?? [])],
      counties: countyCodes,
      invoke: lambda.invoke,
      clock,
      log,
      stackOfStateMachine: (arn) => stackOfMachine.get(arn),
    });

    const sfn = await startSfnServer({
      port: sfnPort,
      host,
      dataDir: path.join(dataDir, 'sfn'),
      invokeLambda: lambda.invoke,
      clock,
      region: LOCAL_AWS.region,
      accountId: LOCAL_AWS.accountId,
      pollIntervalMs: options.sfnPollIntervalMs,
      onExecutionStatusChange: (event) => bus.putServiceEvent(event),
      // Same machine, not a page of another origin, AWS JSON 1.0 only (see admitLocal).
      admit: (req) =>
        admitLocal(req, { origins: () => gateway.origins, contentTypes: ['application/x-amz-json-1.0'] }),
    });
    cleanups.push(() => sfn.close());

    const sfnClient = new SFNClient({
      region: LOCAL_AWS.region,
      endpoint: endpoints.sfn,
      credentials: DUMMY_CREDENTIALS,
    });
    try {
      const deployed = await deployStateMachines({
        sfn: sfnClient,
        counties: countyCodes,
        workflows,
        functionIds,
      });
      if (deployed.created.length || deployed.updated.length) {
        log(`state machines: ${deployed.created.length} created, ${deployed.updated.length} updated`);
      }
    } finally {
      sfnClient.destroy();
    }

    bus.start();
    cleanups.push(() => bus.close());
    const scheduler = new LocalScheduler({
      db,
      schedules: [...(SCHEDULES as readonly ScheduleSpec[]), ...(options.extraSchedules ?? [])],
      counties: countyCodes,
      bus,
      clock,
      log,
    });
    scheduler.start();
    cleanups.push(() => scheduler.close());

    // One real invoke proves bundling, the worker and the handler path work end to end.
    let lambdaReady = false;
    if (functionIds.has('Health')) {
      const probe = await lambda.invoke(names.function('city', 'Health'), {});
      lambdaReady = !probe.functionError;
      if (!lambdaReady) log(`lambda probe failed: ${JSON.stringify(probe.payload)}`);
    } else {
      lambdaReady = true;
    }

    const health = async (): Promise<HealthReport> => {
      const [dynamodbOk, sfnOk] = await Promise.all([dynamo.ping(), pingUrl(`${endpoints.sfn}/health`)]);
      const parts = {
        dynamodb: dynamodbOk,
        sfn: sfnOk,
        lambda: lambdaReady,
        identity: identity.jwks.keys.length > 0,
        bus: bus.running,
        scheduler: scheduler.running,
      };
      return { ok: Object.values(parts).every(Boolean), parts };
    };

    gateway.attach({
      routes: [...(ROUTES as readonly GatewayRoute[]), ...(options.extraRoutes ?? [])],
      city,
      counties,
      invoke: lambda.invoke,
      identity,
      authorize: createJwtAuthorizer({ issuer, audience: [LOCAL_CLIENT_ID], jwks: identity.jwks, clock }),
      bus,
      health,
    });

    let closing: Promise<void> | undefined;
    return {
      url,
      cityApi: `${url}/api`,
      countyApi: (code) => `${url}/county/${code}/api`,
      ports: { http: httpPort, dynamodb: dynamodbPort, sfn: sfn.port },
      endpoints,
      aws: { region: LOCAL_AWS.region, credentials: { ...DUMMY_CREDENTIALS } },
      dataDir,
      childPids: [dynamo.pid],
      city,
      counties,
      clock,
      identity,
      lambda,
      bus,
      scheduler,
      sfn,
      stateMachineArns: arnsByCounty,
      functionEnv,
      advanceClock(seconds) {
        if (!(clock instanceof MovableClock))
          throw new ConfigError('this twin runs on a clock that cannot move');
        return clock.advance(seconds * 1000);
      },
      health,
      async login(username, pw = password) {
        return (await identity.issueToken(username, pw)).idToken;
      },
      close() {
        // The gateway first, so nothing new arrives while the parts behind it stop.
        closing ??= gateway.close().then(cleanup);
        return closing;
      },
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
