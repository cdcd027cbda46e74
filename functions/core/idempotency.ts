/**
 * Idempotency records: the first answer to a request made with an `Idempotency-Key`, stored in the
 * same transaction as the change it answers, so a repeat returns that answer and changes nothing.
 * Scoped to the caller (two users may pick the same key) and kept for a day (TTL).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Ctx } from './context';
import type { TransactItem } from './db';
import { stableHash } from './ids';
import { keys, TTL } from './keys';

/** How long a key is remembered. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

/** A stored answer. */
export interface IdempotencyRecord {
  /** Hash of what was asked (target + body); the same key with another request is refused. */
  requestHash: string;
  status: number;
  response: unknown;
  at: string;
}

/** A stable hash of a request's target and body. */
export function requestHash(target: string, body: unknown): string {
  return stableHash(`${target}\n${canonicalJson(body)}`, 32);
}

/** JSON with sorted object keys, so equal bodies hash equally whatever their key order. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** Reads a stored answer (strongly consistent). */
export async function getIdempotency(
  ctx: Ctx,
  scope: string,
  key: string,
): Promise<IdempotencyRecord | undefined> {
  const res = await ctx.db.send(
    new GetCommand({ TableName: ctx.table, Key: keys.idempotency(scope, key), ConsistentRead: true }),
  );
  return res.Item as IdempotencyRecord | undefined;
}

/** The transaction item that stores an answer; it fails if the key was used meanwhile. */
export function idempotencyPut(
  ctx: Ctx,
  scope: string,
  key: string,
  record: IdempotencyRecord,
  now: Date,
): TransactItem {
  return {
    Put: {
      TableName: ctx.table,
      Item: {
        ...keys.idempotency(scope, key),
        kind: 'idempotency',
        ...record,
        [TTL]: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}
