/**
 * The city's read model, fed by the counties' events: the inbox of every assignee across counties,
 * each county's progress in a round, and the cross-county project list. Every write is conditional on
 * the entity's version, so a duplicate or late event never regresses what is stored (idempotent on
 * the event, ordered per task / allocation / project).
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { type Principal, projectScope } from './auth';
import type { Ctx } from './context';
import { isConditionFailed, queryPage, transact } from './db';
import { Conflict, ValidationFailed } from './errors';
import type { AllocationStepChanged, ProjectSummary, TaskSummary } from './events';
import { GSI1, GSI2, keys, PK, stripKeys } from './keys';
import { type Cursor, decodeCursor, encodeCursor } from './paging';

/** Puts `item` unless a version at least as new is stored. Returns false for a stale/duplicate event. */
async function putIfNewer(ctx: Ctx, item: Record<string, unknown>, version: number): Promise<boolean> {
  try {
    await ctx.db.send(
      new PutCommand({
        TableName: ctx.table,
        Item: item,
        ConditionExpression: 'attribute_not_exists(#pk) OR #v < :v',
        ExpressionAttributeNames: { '#pk': PK, '#v': 'version' },
        ExpressionAttributeValues: { ':v': version },
      }),
    );
    return true;
  } catch (e) {
    if (isConditionFailed(e)) return false;
    throw e;
  }
}

/**
 * Applies a TaskOpened/TaskCompleted to the inbox and to the county's open tasks in the round (a row
 * per open task, so progress needs no shared counter), both in one transaction conditional on the
 * task's version: a late or duplicate event changes neither.
 */
export async function projectTask(ctx: Ctx, t: TaskSummary, eventId: string): Promise<boolean> {
  const sortAt = t.status === 'done' ? (t.completedAt ?? t.openedAt) : (t.dueAt ?? t.openedAt);
  const openRow = keys.roundCountyOpenTask(t.year, t.county, t.id);
  try {
    await transact(
      ctx.db,
      [
        {
          Put: {
            TableName: ctx.table,
            Item: {
              ...keys.inboxItem(t.id),
              ...keys.inboxByAssignee(t.assignee.role, t.assignee.org, t.status, sortAt, t.id),
              ...keys.inboxByCounty(t.county, t.status, sortAt, t.id),
              kind: 'inbox',
              ...t,
              lastEventId: eventId,
            },
            ConditionExpression: 'attribute_not_exists(#pk) OR #v < :v',
            ExpressionAttributeNames: { '#pk': PK, '#v': 'version' },
            ExpressionAttributeValues: { ':v': t.version },
          },
        },
        t.status === 'open'
          ? {
              Put: {
                TableName: ctx.table,
                Item: {
                  ...openRow,
                  kind: 'roundOpenTask',
                  county: t.county,
                  year: t.year,
                  taskId: t.id,
                  step: t.step,
                },
              },
            }
          : { Delete: { TableName: ctx.table, Key: openRow } },
      ],
      () => new Conflict('stale', 'StaleEvent'),
    );
    return true;
  } catch (e) {
    if (e instanceof Conflict) return false;
    throw e;
  }
}

/** Applies an AllocationStepChanged to the county's progress row of the round. */
export async function projectProgress(ctx: Ctx, e: AllocationStepChanged): Promise<boolean> {
  return putIfNewer(
    ctx,
    {
      ...keys.roundCounty(e.year, e.county),
      kind: 'roundCounty',
      county: e.county,
      countyName: e.countyName,
      year: e.year,
      status: e.status,
      lastStep: e.step,
      lastChange: e.change,
      projectCount: e.projectCount,
      updatedAt: e.at,
      version: e.version,
      lastEventId: e.eventId,
    },
    e.version,
  );
}

/** Applies a ProjectCreated to the cross-county project list. */
export async function projectProject(ctx: Ctx, p: ProjectSummary, eventId: string): Promise<boolean> {
  return putIfNewer(
    ctx,
    {
      ...keys.projectView(p.county, p.id),
      ...keys.projectViewByYear(p.year, p.county, p.code),
      ...keys.projectViewByDept(p.year, p.leadDept, p.county, p.code),
      kind: 'projectView',
      ...p,
      lastEventId: eventId,
    },
    p.version,
  );
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/** Walks several partitions in order, filling one page; the cursor says where to go on. */
async function pagedAcross(
  ctx: Ctx,
  parts: { pk: string; index: 'gsi1' | 'gsi2'; prefix?: string; descending?: boolean }[],
  limit: number,
  token: string | undefined,
): Promise<Page<Record<string, unknown>>> {
  const cursor = decodeCursor(token, (c) => {
    const part = parts[c.p];
    if (!part) return false;
    if (!c.k) return true;
    const idx = part.index === 'gsi1' ? GSI1 : GSI2;
    const kpk = c.k[idx.partitionKey];
    const ksk = c.k[idx.sortKey];
    return (
      kpk === part.pk &&
      (part.prefix === undefined || (typeof ksk === 'string' && ksk.startsWith(part.prefix)))
    );
  });
  const items: Record<string, unknown>[] = [];
  let pos: Cursor | undefined = cursor;
  while (pos && items.length < limit) {
    const part = parts[pos.p];
    const page = await queryPage(ctx.db, ctx.table, part.pk, {
      index: part.index,
      prefix: part.prefix,
      limit: limit - items.length,
      startKey: pos.k,
      descending: part.descending,
    });
    items.push(...page.items.map((i) => stripKeys(i)));
    if (page.lastKey) pos = { p: pos.p, k: page.lastKey };
    else pos = pos.p + 1 < parts.length ? { p: pos.p + 1 } : undefined;
  }
  return { items, nextToken: encodeCursor(pos) };
}

/** Inbox entry as GET /tasks lists it. */
export type InboxItem = TaskSummary;

/** GET /tasks: the caller's tasks across counties, open by due date or done newest first. */
export async function listInbox(
  ctx: Ctx,
  p: Principal,
  q: { status: 'open' | 'done'; limit: number; nextToken?: string },
): Promise<Page<InboxItem>> {
  const parts = p.roles.map((role) => ({
    pk: keys.inboxAssigneePk(role, p.org, q.status),
    index: 'gsi1' as const,
    descending: q.status === 'done',
  }));
  const page = await pagedAcross(ctx, parts, q.limit, q.nextToken);
  return {
    items: page.items.map(({ kind: _k, lastEventId: _e, ...rest }) => rest as unknown as InboxItem),
    nextToken: page.nextToken,
  };
}

/** GET /projects?year=: the projects the caller may see, by county then code. */
export async function listProjects(
  ctx: Ctx,
  p: Principal,
  q: { year: number; limit: number; nextToken?: string },
): Promise<Page<ProjectSummary>> {
  if (!Number.isInteger(q.year)) throw new ValidationFailed([{ path: '/year', message: '请指定年度' }]);
  const scope = projectScope(p);
  const part =
    scope.kind === 'all'
      ? { pk: keys.projectViewsOfYearPk(q.year), index: 'gsi1' as const }
      : scope.kind === 'dept'
        ? { pk: keys.projectViewsOfDeptPk(q.year, scope.dept), index: 'gsi2' as const }
        : { pk: keys.projectViewsOfYearPk(q.year), index: 'gsi1' as const, prefix: `${scope.county}#` };
  const page = await pagedAcross(ctx, [part], q.limit, q.nextToken);
  return {
    items: page.items.map(({ kind: _k, lastEventId: _e, ...rest }) => rest as unknown as ProjectSummary),
    nextToken: page.nextToken,
  };
}
