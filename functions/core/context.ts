/**
 * The dependencies core functions run with: configuration, SDK clients, a clock. Each function
 * builds one per process at cold start with only the clients it needs (see clients.ts), so a
 * read-only function bundles neither the EventBridge nor the Step Functions client. SDK clients pick
 * their endpoints from AWS_ENDPOINT_URL_* when the twin sets them: there is no local branch here.
 */

import { isMainThread } from 'node:worker_threads';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { sourceOf } from '../../contracts/sources';
import type { Config } from './config';

export interface Ctx {
  cfg: Config;
  /** This stack: a county code, or `city`. */
  stack: string;
  /** The event source this stack publishes with (contracts/sources.ts). */
  source: string;
  db: DynamoDBDocumentClient;
  table: string;
  events: EventBridgeClient;
  sfn: SFNClient;
  now(): Date;
  /**
   * Fault-injection point for tests: when MINSHENG_FAULT names `point`, the process dies on the
   * spot (SIGKILL, as a crashed Lambda would). Inside a worker thread (the twin's Lambda sandboxes)
   * it throws instead, so one injected fault cannot kill the whole twin. Never set outside tests.
   */
  fault(point: string): void;
}

/** The SDK clients a function was given. */
export interface Clients {
  db?: DynamoDBDocumentClient;
  events?: EventBridgeClient;
  sfn?: SFNClient;
}

function missing(name: string): never {
  throw new Error(`${name} client was not configured for this function`);
}

/** Builds the context of a process from its configuration and clients. */
export function createContext(
  cfg: Config,
  clients: Clients,
  overrides: Partial<Pick<Ctx, 'now' | 'fault'>> = {},
): Ctx {
  const stack = cfg.countyCode ?? 'city';
  return {
    cfg,
    stack,
    source: sourceOf(stack),
    table: cfg.tableName,
    get db() {
      return clients.db ?? missing('DynamoDB');
    },
    get events() {
      return clients.events ?? missing('EventBridge');
    },
    get sfn() {
      return clients.sfn ?? missing('Step Functions');
    },
    now: overrides.now ?? (() => new Date()),
    fault:
      overrides.fault ??
      ((point) => {
        if (cfg.fault !== point) return;
        if (isMainThread) process.kill(process.pid, 'SIGKILL');
        throw new Error(`fault injected at ${point}`);
      }),
  };
}

/** The county of a county-stack context; throws if used on the city stack (a wiring bug). */
export function stackCounty(ctx: Ctx): string {
  if (!ctx.cfg.countyCode) throw new Error('This function runs on county stacks only');
  return ctx.cfg.countyCode;
}
