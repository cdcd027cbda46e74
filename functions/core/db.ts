/**
 * DynamoDB access shared by the entity modules: one document client per process and a
 * transaction helper that turns a failed condition into the domain error the caller names.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { DomainError } from './errors';
import { TABLE_DEFINITION } from './table';

/** Item shape as stored: string keys, JSON-like values. */
export type Item = Record<string, unknown>;
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Creates a document client; endpoints come from AWS_ENDPOINT_URL_DYNAMODB when set (the twin). */
export function createDocumentClient(region: string): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({ region, maxAttempts: 4 }), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

/**
 * Writes `items` in one TransactWriteItems. When a condition fails, `onConflict(index)` names the
 * domain error to throw (index = the failing item, or -1 when DynamoDB does not say which).
 */
export async function transact(
  db: DynamoDBDocumentClient,
  items: TransactItem[],
  onConflict: (index: number) => DomainError,
): Promise<void> {
  try {
    await db.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (e) {
    const err = e as { name?: string; CancellationReasons?: { Code?: string }[] };
    if (err.name === 'TransactionCanceledException') {
      const reasons = err.CancellationReasons ?? [];
      const idx = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
      if (idx >= 0 || reasons.length === 0) throw onConflict(idx);
      // TransactionConflict: another transaction touched the same item at the same moment.
      if (reasons.some((r) => r.Code === 'TransactionConflict')) throw onConflict(-1);
    }
    throw e;
  }
}

/** True for a failed single-item condition. */
export function isConditionFailed(e: unknown): boolean {
  return (e as { name?: string }).name === 'ConditionalCheckFailedException';
}

/** Options of a partition or index query. */
export interface QueryOptions {
  index?: 'gsi1' | 'gsi2';
  /** Sort-key prefix (begins_with). */
  prefix?: string;
  limit?: number;
  startKey?: Record<string, unknown>;
  /** Newest first. */
  descending?: boolean;
  consistent?: boolean;
}

/** One page of a Query on the table or an index, by partition key and optional sort-key prefix. */
export async function queryPage(
  db: DynamoDBDocumentClient,
  table: string,
  pkValue: string,
  opts: QueryOptions = {},
): Promise<{ items: Item[]; lastKey?: Record<string, unknown> }> {
  const index = opts.index ? TABLE_DEFINITION.indexes.find((i) => i.name === opts.index) : undefined;
  const pkName = index ? index.partitionKey : TABLE_DEFINITION.partitionKey;
  const skName = index ? index.sortKey : TABLE_DEFINITION.sortKey;
  const names: Record<string, string> = { '#pk': pkName };
  const values: Record<string, unknown> = { ':pk': pkValue };
  let cond = '#pk = :pk';
  if (opts.prefix !== undefined) {
    names['#sk'] = skName;
    values[':prefix'] = opts.prefix;
    cond += ' AND begins_with(#sk, :prefix)';
  }
  const res = await db.send(
    new QueryCommand({
      TableName: table,
      IndexName: index?.name,
      KeyConditionExpression: cond,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      Limit: opts.limit,
      ExclusiveStartKey: opts.startKey,
      ScanIndexForward: !opts.descending,
      ConsistentRead: index ? undefined : opts.consistent,
    }),
  );
  return { items: (res.Items ?? []) as Item[], lastKey: res.LastEvaluatedKey };
}

/** Every item of a partition (with prefix), following pages. For small partitions only. */
export async function queryAll(
  db: DynamoDBDocumentClient,
  table: string,
  pkValue: string,
  opts: Omit<QueryOptions, 'startKey'> = {},
): Promise<Item[]> {
  const out: Item[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await queryPage(db, table, pkValue, { ...opts, startKey });
    out.push(...page.items);
    startKey = page.lastKey;
  } while (startKey);
  return out;
}

/**
 * Deletes items by key with BatchWriteItem (25 per call), retrying what DynamoDB leaves unprocessed.
 * For bookkeeping rows only (delivered markers, published outbox rows): no conditions, no audit.
 */
export async function deleteKeys(
  db: DynamoDBDocumentClient,
  table: string,
  keys: Record<string, string>[],
): Promise<void> {
  for (let i = 0; i < keys.length; i += 25) {
    let requests = keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 25 * 2 ** attempt));
      const res = await db.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
      requests = (res.UnprocessedItems?.[table] ?? []) as typeof requests;
      if (attempt >= 5 && requests.length) throw new Error(`${requests.length} deletes left unprocessed`);
    }
  }
}
