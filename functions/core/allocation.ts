/**
 * The allocation of one year in one county (二上二下): a small item with the catalogue and the
 * status (running until CreateProjects closes it), whose version orders its progress events, plus
 * the partition that holds the allocation's submissions and audit trail. Tasks do not touch this
 * item, so the parallel reviews of a fan-out never contend on it.
 */
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { auditPut, SYSTEM_ACTOR } from './audit';
import { type Ctx, stackCounty } from './context';
import { type Item, queryAll, type TransactItem, transact } from './db';
import { Conflict } from './errors';
import {
  type AllocationRoundOpened,
  type AllocationStepChanged,
  type CatalogueProject,
  newEvent,
  type OutboxEvent,
  outboxPut,
  publishOutbox,
  SOURCE,
} from './events';
import { keys, SUBMISSION_PREFIX, stripKeys } from './keys';
import type { Submission } from './prefill';

export type AllocationStatus = 'running' | 'completed' | 'rejected' | 'failed';

/** The allocation item. */
export interface Allocation {
  year: number;
  county: string;
  countyName: string;
  roundId: string;
  status: AllocationStatus;
  projects: CatalogueProject[];
  executionArn?: string;
  startedAt: string;
  completedAt?: string;
  projectCount?: number;
  version: number;
}

/** Reads the allocation of `year` (strongly consistent). */
export async function getAllocation(ctx: Ctx, year: number): Promise<Allocation | undefined> {
  const res = await ctx.db.send(
    new GetCommand({ TableName: ctx.table, Key: keys.allocation(year), ConsistentRead: true }),
  );
  return res.Item ? (stripKeys(res.Item) as unknown as Allocation) : undefined;
}

/** Every submission of the allocation, oldest first (one Query on the allocation partition). */
export async function listSubmissions(ctx: Ctx, year: number): Promise<Submission[]> {
  const items = await queryAll(ctx.db, ctx.table, keys.allocationPartition(year), {
    prefix: SUBMISSION_PREFIX,
    consistent: true,
  });
  return items.map((i) => stripKeys(i) as unknown as Submission);
}

/** The item that writes an immutable submission (fails if its id exists). */
export function submissionPut(ctx: Ctx, s: Submission): TransactItem {
  return {
    Put: {
      TableName: ctx.table,
      Item: { ...keys.submission(s.year, s.id), kind: 'submission', ...s },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/**
 * The optimistic update of the allocation item (status and extra fields): it applies only if nobody
 * moved the version meanwhile (callers retry on conflict). Returns the item and the progress event.
 */
export function allocationChange(
  ctx: Ctx,
  alloc: Allocation,
  change: { step: string; kind: AllocationStepChanged['change']; status?: AllocationStatus; extra?: Item },
  at: string,
): { item: TransactItem; event: OutboxEvent<'AllocationStepChanged'> } {
  const status = change.status ?? alloc.status;
  const version = alloc.version + 1;
  const names: Record<string, string> = { '#status': 'status', '#v': 'version', '#u': 'updatedAt' };
  const values: Record<string, unknown> = {
    ':status': status,
    ':v': version,
    ':prev': alloc.version,
    ':u': at,
  };
  let set = 'SET #status = :status, #v = :v, #u = :u';
  for (const [k, v] of Object.entries(change.extra ?? {})) {
    names[`#x_${k}`] = k;
    values[`:x_${k}`] = v;
    set += `, #x_${k} = :x_${k}`;
  }
  const event = newEvent(SOURCE.county, 'AllocationStepChanged', {
    county: alloc.county,
    countyName: alloc.countyName,
    year: alloc.year,
    status,
    step: change.step,
    change: change.kind,
    projectCount: (change.extra?.projectCount as number | undefined) ?? alloc.projectCount,
    version,
    at,
  });
  return {
    item: {
      Update: {
        TableName: ctx.table,
        Key: keys.allocation(alloc.year),
        UpdateExpression: set,
        ConditionExpression: '#v = :prev',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    },
    event,
  };
}

/** A retryable conflict: another writer moved the allocation item or held an item of the transaction. */
export class AllocationBusy extends Conflict {
  constructor() {
    super('数据正在更新，请重试', 'AllocationBusy');
  }
}
/** Retries `attempt` on AllocationBusy with a small random backoff. */
export async function withAllocationRetry<T>(attempt: () => Promise<T>, tries = 8): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (e) {
      if (!(e instanceof AllocationBusy) || i >= tries - 1) throw e;
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 60 * (i + 1)));
    }
  }
}

/** The execution input of the allocation workflow (contracts). */
export interface AllocationInput {
  year: number;
  county: { code: string; name: string };
  roundId: string;
  projects: CatalogueProject[];
}

/** Execution name of a county's allocation of `year`; StartExecution is idempotent by it. */
export function executionName(year: number): string {
  return `allocation-${year}`;
}

/**
 * Writes the allocation item and its 'allocation.started' audit entry, with `extra` writes in the
 * same transaction, unless the allocation already exists. Returns whether this call created it.
 */
export async function putAllocationOnce(
  ctx: Ctx,
  alloc: Allocation,
  extra: TransactItem[] = [],
): Promise<boolean> {
  try {
    await transact(
      ctx.db,
      [
        {
          Put: {
            TableName: ctx.table,
            Item: { ...keys.allocation(alloc.year), kind: 'allocation', ...alloc },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        auditPut(
          ctx.table,
          keys.allocationPartition(alloc.year),
          {
            at: alloc.startedAt,
            action: 'allocation.started',
            by: SYSTEM_ACTOR,
            round: { year: alloc.year },
            summary: `${alloc.year}年度任务分解开始`,
          },
          new Date(alloc.startedAt),
        ),
        ...extra,
      ],
      () => new Conflict('already started', 'AllocationExists'),
    );
    return true;
  } catch (e) {
    if (!(e instanceof Conflict)) throw e;
    return false;
  }
}

/**
 * Starts this county's allocation for an opened round: writes the allocation (once) with its audit
 * entry and progress event, then starts the execution `allocation-<year>`. Safe to repeat: an
 * existing allocation or execution counts as started. Returns false when the round excludes this
 * county.
 */
export async function startAllocation(
  ctx: Ctx,
  round: AllocationRoundOpened,
): Promise<{ started: boolean; executionArn?: string }> {
  const county = stackCounty(ctx);
  const listed = round.counties?.find((c) => c.code === county);
  if (round.counties && !listed) return { started: false };
  const countyName = listed?.name ?? ctx.cfg.countyName ?? county;
  const now = ctx.now();
  const at = now.toISOString();
  const existing = await getAllocation(ctx, round.year);
  let pending: OutboxEvent[] = [];
  if (!existing) {
    const alloc: Allocation = {
      year: round.year,
      county,
      countyName,
      roundId: round.roundId,
      status: 'running',
      projects: round.projects,
      startedAt: at,
      version: 1,
    };
    const event = newEvent(SOURCE.county, 'AllocationStepChanged', {
      county,
      countyName,
      year: round.year,
      status: 'running',
      step: 'start',
      change: 'started',
      version: 1,
      at,
    });
    pending = (await putAllocationOnce(ctx, alloc, [outboxPut(ctx.table, event, at)])) ? [event] : [];
  }
  const arn = ctx.cfg.stateMachineArns.allocation;
  if (!arn) throw new Error('STATE_MACHINE_ARNS has no "allocation" entry');
  const input: AllocationInput = {
    year: round.year,
    county: { code: county, name: countyName },
    roundId: round.roundId,
    projects: round.projects,
  };
  let executionArn: string | undefined;
  try {
    const res = await ctx.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: arn,
        name: executionName(round.year),
        input: JSON.stringify(input),
      }),
    );
    executionArn = res.executionArn;
  } catch (e) {
    // Same name, different input (e.g. a re-sent event after the catalogue was fixed): the first
    // execution stands; the allocation is started either way.
    if ((e as { name?: string }).name !== 'ExecutionAlreadyExists') throw e;
  }
  if (pending.length)
    await publishOutbox(
      { db: ctx.db, table: ctx.table, events: ctx.events, busName: ctx.cfg.eventBusName },
      pending,
    );
  return { started: true, executionArn };
}
