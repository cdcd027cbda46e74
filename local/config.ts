/**
 * The local twin's configuration: environment read once, plus the city and counties from
 * `cdk.json` context (the same list the CDK app deploys a stack for).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (this file lives in `<root>/local/`). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The local AWS identity every twin part uses (see the cross-team contracts). */
export const LOCAL_AWS = { region: 'us-east-1', accountId: '000000000000', partition: 'aws' } as const;

export interface OrgRef {
  code: string;
  name: string;
}

export interface LocalConfig {
  /** Gateway port (API, web app, identity, EventBridge endpoint). */
  port: number;
  dynamodbPort: number;
  sfnPort: number;
  /** Absolute data folder. */
  dataDir: string;
  demoPassword: string;
  city: OrgRef;
  counties: OrgRef[];
}

/** A configuration value that cannot be used; thrown at start so a typo never half-starts the twin. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

function portFrom(env: NodeJS.ProcessEnv, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new ConfigError(`${key} must be a port number, got "${raw}"`);
  return n;
}

interface CdkContext {
  'minsheng:city'?: OrgRef;
  'minsheng:counties'?: OrgRef[];
}

/** City and counties from `cdk.json` context: the twin serves exactly the stacks CDK would deploy. */
export function readStacks(root = REPO_ROOT): { city: OrgRef; counties: OrgRef[] } {
  const cdk = JSON.parse(readFileSync(path.join(root, 'cdk.json'), 'utf8')) as { context?: CdkContext };
  const city = cdk.context?.['minsheng:city'];
  const counties = cdk.context?.['minsheng:counties'];
  if (!city?.code || !Array.isArray(counties)) {
    throw new ConfigError('cdk.json context needs "minsheng:city" and "minsheng:counties"');
  }
  for (const c of counties) {
    if (!/^[a-z0-9-]+$/.test(c.code) || c.code === 'city')
      throw new ConfigError(`bad county code "${c.code}"`);
  }
  return { city, counties };
}

/** Reads the environment (PORT, DYNAMODB_PORT, SFN_PORT, MINSHENG_DATA_DIR, MINSHENG_DEMO_PASSWORD). */
export function readConfig(env: NodeJS.ProcessEnv = process.env): LocalConfig {
  const { city, counties } = readStacks();
  return {
    port: portFrom(env, 'PORT', 3000),
    dynamodbPort: portFrom(env, 'DYNAMODB_PORT', 8000),
    sfnPort: portFrom(env, 'SFN_PORT', 8083),
    dataDir: path.resolve(env.MINSHENG_DATA_DIR || '.data'),
    demoPassword: env.MINSHENG_DEMO_PASSWORD || 'minsheng-demo',
    city,
    counties,
  };
}

/** Stack keys are county codes plus `city`; names follow the contracts. */
export const names = {
  table: (stack: string) => `minsheng-${stack}`,
  function: (stack: string, functionId: string) => `minsheng-${stack}-${functionId}`,
  functionArn: (stack: string, functionId: string) =>
    `arn:${LOCAL_AWS.partition}:lambda:${LOCAL_AWS.region}:${LOCAL_AWS.accountId}:function:minsheng-${stack}-${functionId}`,
  stateMachine: (stack: string, workflowId: string) => `minsheng-${stack}-${workflowId}`,
  stateMachineArn: (stack: string, workflowId: string) =>
    `arn:${LOCAL_AWS.partition}:states:${LOCAL_AWS.region}:${LOCAL_AWS.accountId}:stateMachine:minsheng-${stack}-${workflowId}`,
  /** The city's event bus: every Minsheng event goes there. */
  eventBus: 'minsheng-city-bus',
  eventBusArn: () =>
    `arn:${LOCAL_AWS.partition}:events:${LOCAL_AWS.region}:${LOCAL_AWS.accountId}:event-bus/minsheng-city-bus`,
  scheduleArn: (stack: string, scheduleId: string) =>
    `arn:${LOCAL_AWS.partition}:scheduler:${LOCAL_AWS.region}:${LOCAL_AWS.accountId}:schedule/minsheng-${stack}/${scheduleId}`,
};
