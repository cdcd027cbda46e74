/**
 * Function configuration, read from the environment once per cold start. Missing or malformed
 * values throw a ConfigError immediately, so a bad deploy fails on its first invocation rather
 * than half-way through a request.
 */
import { ENV } from '../../contracts/env';
import { ConfigError } from './errors';

export type StackKind = 'county' | 'city';

export interface Config {
  /** Empty when the function has no table (checked by `config(needs)`). */
  tableName: string;
  /** The city table (the definition catalogue); on the city stack, its own table. */
  cityTableName: string;
  stackKind: StackKind;
  /** County code of a county stack; undefined on the city stack. */
  countyCode?: string;
  /** Display name of the county, when the deployment provides one. */
  countyName?: string;
  cityCode: string;
  /** Empty when the function publishes nothing (checked by `config(needs)`). */
  eventBusName: string;
  /** workflowId -> state machine ARN. */
  stateMachineArns: Record<string, string>;
  region: string;
  /** Local identity endpoint (twin only) used by POST /auth/login. */
  localIdentityUrl?: string;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** Test-only fault injection point name; never set in a deployment. */
  fault?: string;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name];
  if (v === undefined || v === '') throw new ConfigError(`Missing environment variable ${name}`);
  return v;
}

/** Parses configuration from an environment; throws ConfigError on the first problem. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const stackKind = required(env, ENV.stackKind);
  if (stackKind !== 'county' && stackKind !== 'city') {
    throw new ConfigError(`STACK_KIND must be county or city, got ${stackKind}`);
  }
  const countyCode = stackKind === 'county' ? required(env, ENV.countyCode) : undefined;
  let stateMachineArns: Record<string, string> = {};
  const rawArns = env[ENV.stateMachineArns];
  if (rawArns) {
    try {
      const parsed = JSON.parse(rawArns) as unknown;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      stateMachineArns = parsed as Record<string, string>;
    } catch (e) {
      throw new ConfigError(`STATE_MACHINE_ARNS is not a JSON object: ${(e as Error).message}`);
    }
  }
  const maxBody = Number(env[ENV.maxBodyBytes] ?? 262_144);
  if (!Number.isInteger(maxBody) || maxBody <= 0)
    throw new ConfigError('MAX_BODY_BYTES must be a positive integer');
  return {
    tableName: env[ENV.tableName] ?? '',
    cityTableName: env[ENV.cityTableName] || (stackKind === 'city' ? (env[ENV.tableName] ?? '') : ''),
    stackKind,
    countyCode,
    countyName: env[ENV.countyName] || undefined,
    cityCode: env[ENV.cityCode] || '340100',
    eventBusName: env[ENV.eventBusName] ?? '',
    stateMachineArns,
    region: env.AWS_REGION || 'us-east-1',
    localIdentityUrl: env[ENV.localIdentityUrl] || undefined,
    maxBodyBytes: maxBody,
    fault: env[ENV.fault] || undefined,
  };
}

/** What a function needs from its environment beyond the stack identity. */
export interface ConfigNeeds {
  table?: boolean;
  bus?: boolean;
  workflows?: boolean;
}

/** Throws ConfigError when `cfg` lacks something in `needs`. */
export function checkNeeds(cfg: Config, needs: ConfigNeeds): void {
  if (needs.table && !cfg.tableName) throw new ConfigError('Missing environment variable TABLE_NAME');
  if (needs.bus && !cfg.eventBusName) throw new ConfigError('Missing environment variable EVENT_BUS_NAME');
  if (needs.workflows && Object.keys(cfg.stateMachineArns).length === 0) {
    throw new ConfigError('Missing environment variable STATE_MACHINE_ARNS');
  }
}

let cached: Config | undefined;

/**
 * The process-wide configuration, parsed on first use (module load of a handler) and checked
 * against what the calling function needs (default: a table and the event bus).
 */
export function config(needs: ConfigNeeds = { table: true, bus: true }): Config {
  cached ??= loadConfig(process.env);
  checkNeeds(cached, needs);
  return cached;
}
