/**
 * The outbox that makes publishing domain events (contracts/events.ts) survive a crash. A state change writes its events into the outbox in
 * the same transaction; they are published right after the commit and the outbox rows removed; a
 * sweeper publishes whatever a crash left behind. Consumers are idempotent on `eventId` and ordered
 * by `version`, so a duplicate or late event never regresses state.
 */
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DetailType, EventDetails } from '../../contracts/events';
import { deleteKeys, type TransactItem } from './db';
import { uuid } from './ids';
import { GSI1, keys } from './keys';

export type { DetailType, EventDetails } from '../../contracts/events';

/** An event waiting in the outbox. */
export interface OutboxEvent<T extends DetailType = DetailType> {
  eventId: string;
  source: string;
  detailType: T;
  detail: EventDetails[T];
}

/** Builds an event with a fresh id. */
export function newEvent<T extends DetailType>(
  source: string,
  detailType: T,
  detail: Omit<EventDetails[T], 'eventId'>,
): OutboxEvent<T> {
  const eventId = uuid();
  return { eventId, source, detailType, detail: { ...detail, eventId } as EventDetails[T] };
}

/** The transaction item that puts `event` in the outbox. */
export function outboxPut(table: string, event: OutboxEvent, at: string): TransactItem {
  return {
    Put: {
      TableName: table,
      Item: {
        ...keys.outbox(event.eventId),
        ...keys.outboxPending(at, event.eventId),
        kind: 'outbox',
        at,
        event,
      },
    },
  };
}

/** Sends events to the bus (PutEvents, 10 per call); throws if any entry failed. */
export async function putEvents(
  deps: { events: EventBridgeClient; busName: string },
  events: OutboxEvent[],
): Promise<void> {
  for (let i = 0; i < events.length; i += 10) {
    const batch = events.slice(i, i + 10);
    const res = await deps.events.send(
      new PutEventsCommand({
        Entries: batch.map((e) => ({
          EventBusName: deps.busName,
          Source: e.source,
          DetailType: e.detailType,
          Detail: JSON.stringify(e.detail),
        })),
      }),
    );
    if ((res.FailedEntryCount ?? 0) > 0) {
      throw new Error(`PutEvents failed for ${res.FailedEntryCount} of ${batch.length} events`);
    }
  }
}

/** Publishes outbox events and removes their rows. Publishing twice is harmless (consumers dedupe). */
export async function publishOutbox(
  deps: { db: DynamoDBDocumentClient; table: string; events: EventBridgeClient; busName: string },
  events: OutboxEvent[],
): Promise<void> {
  if (events.length === 0) return;
  await putEvents(deps, events);
  await deleteKeys(
    deps.db,
    deps.table,
    events.map((e) => keys.outbox(e.eventId)),
  );
}

/** Outbox rows written before `olderThan` (ISO), oldest first; a Query on gsi1, never a Scan. */
export async function pendingOutbox(
  deps: { db: DynamoDBDocumentClient; table: string },
  olderThan: string,
  limit = 100,
): Promise<OutboxEvent[]> {
  const res = await deps.db.send(
    new QueryCommand({
      TableName: deps.table,
      IndexName: GSI1.name,
      KeyConditionExpression: '#pk = :pk AND #sk < :before',
      ExpressionAttributeNames: { '#pk': GSI1.partitionKey, '#sk': GSI1.sortKey },
      ExpressionAttributeValues: { ':pk': keys.outboxPendingPk, ':before': `${olderThan}~` },
      Limit: limit,
    }),
  );
  return (res.Items ?? []).map((i) => i.event as OutboxEvent);
}
