/**
 * Domain events: their detail shapes (the one definition consumers and publishers share) and the
 * outbox that makes publishing survive a crash. A state change writes its events into the outbox in
 * the same transaction; they are published right after the commit and the outbox rows removed; a
 * sweeper publishes whatever a crash left behind. Consumers are idempotent on `eventId` and ordered
 * by `version`, so a duplicate or late event never regresses state.
 */
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Assignee } from './auth';
import { deleteKeys, type TransactItem } from './db';
import { uuid } from './ids';
import { GSI1, keys } from './keys';

/** Event sources, as in functions/events.ts. */
export const SOURCE = { county: 'minsheng.county', city: 'minsheng.city' } as const;

/** A project line of the year's catalogue. */
export interface CatalogueProject {
  code: string;
  name: string;
  leadDept: string;
  category: 'construction' | 'subsidy';
  unit?: string;
}

/** The city opened the year's allocation; every county (or the listed ones) starts its workflow. */
export interface AllocationRoundOpened {
  eventId: string;
  year: number;
  roundId: string;
  projects: CatalogueProject[];
  /** Participating counties; absent = every county. */
  counties?: { code: string; name?: string }[];
  openedBy: string;
  at: string;
}

/** A task as the city inbox shows it. */
export interface TaskSummary {
  id: string;
  county: string;
  countyName?: string;
  year: number;
  step: string;
  title: { zh: string; en?: string };
  formId: string;
  formVersion: number;
  assignee: Assignee;
  status: 'open' | 'done';
  dueAt?: string;
  openedAt: string;
  completedAt?: string;
  completedBy?: string;
  outcome?: string;
  /** Increases with every change of the task; orders events. */
  version: number;
}

export interface TaskOpened {
  eventId: string;
  task: TaskSummary;
}

export interface TaskCompleted {
  eventId: string;
  task: TaskSummary;
}

/**
 * A county's allocation started or finished. (Which steps are open is not carried here: the city
 * derives it from the task events, so opening a task never touches a shared item.)
 */
export interface AllocationStepChanged {
  eventId: string;
  county: string;
  countyName?: string;
  year: number;
  status: 'running' | 'completed' | 'rejected' | 'failed';
  /** The step that changed and how. */
  step: string;
  change: 'started' | 'finished';
  projectCount?: number;
  version: number;
  at: string;
}

/** Fund amounts per source (分账核算), in 万元. */
export interface FundAccounts {
  central: number;
  provincial: number;
  city: number;
  county: number;
}

/** A county × project of a year, as the cross-county list shows it. */
export interface ProjectSummary {
  id: string;
  county: string;
  countyName?: string;
  year: number;
  code: string;
  name: string;
  category: 'construction' | 'subsidy';
  leadDept: string;
  unit?: string;
  quantity?: number;
  funds: FundAccounts;
  total: number;
  status: string;
  version: number;
  updatedAt: string;
}

export interface ProjectCreated {
  eventId: string;
  project: ProjectSummary;
}

/** Detail type -> detail shape. */
export interface EventDetails {
  AllocationRoundOpened: AllocationRoundOpened;
  TaskOpened: TaskOpened;
  TaskCompleted: TaskCompleted;
  AllocationStepChanged: AllocationStepChanged;
  ProjectCreated: ProjectCreated;
}
export type DetailType = keyof EventDetails;

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
