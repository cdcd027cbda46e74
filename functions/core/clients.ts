/**
 * SDK client factories. A function imports only the ones it uses, so its bundle carries only those
 * clients (the SDK packages are side-effect free and tree-shake away otherwise).
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from './config';
import { createDocumentClient } from './db';

/** DynamoDB document client (AWS_ENDPOINT_URL_DYNAMODB locally). */
export function dynamo(cfg: Config): DynamoDBDocumentClient {
  return createDocumentClient(cfg.region);
}

/** EventBridge client (AWS_ENDPOINT_URL_EVENTBRIDGE locally). */
export function eventBridge(cfg: Config): EventBridgeClient {
  return new EventBridgeClient({ region: cfg.region, maxAttempts: 4 });
}

/** Step Functions client (AWS_ENDPOINT_URL_SFN locally). */
export function stepFunctions(cfg: Config): SFNClient {
  return new SFNClient({ region: cfg.region, maxAttempts: 4 });
}
