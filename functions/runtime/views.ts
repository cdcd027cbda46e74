/**
 * The city's read models, fed by every stack's events: the inbox of every assignee across stacks,
 * each stack's instances of a workflow with their open steps, the notifications of each recipient,
 * and the cross-county project list. Every write is conditional on the entity's version, so a
 * duplicate or late event never regresses what is stored. A stack is trusted only about itself: an
 * event whose task, instance or notification names another stack than its source is refused.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { InstanceView, NotificationPage, NotificationView, Page } from '../../contracts/api';
import type { ProjectSummary } from '../../contracts/domain';
import type { InstanceSummary, NotificationSummary, TaskSummary } from '../../contracts/events';
import { type Principal, projectScope } from '../core/auth';
import type { Ctx } from '../core/context';
import { isConditionFailed, queryAll, queryPage, transact } from '../core/db';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../core/errors';
import { GSI1, GSI2, keys, PK, SK, stripKeys, VIEW_STACK_PREFIX } from '../core/keys';
import { type Cursor, decodeCursor, encodeCursor } from '../core/paging';

export type { Page } from '../../contracts/api';

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
 * Applies a task event to the inbox and to its instance's open-task rows (a row per open task, so
 * progress needs no shared counter), both in one transaction conditional on the task's version.
 */
export async function projectTask(ctx: Ctx, t: TaskSummary, eventId: string): Promise<boolean> {
  const sortAt = t.status === 'open' ? (t.dueAt ?? t.openedAt) : (t.completedAt ?? t.openedAt);
  const openRow = keys.instanceViewOpenTask(t.workflowId, t.subject, t.county, t.id);
  try {
    await transact(
      ctx.db,
      [
        {
          Put: {
            TableName: ctx.table,
            Item: {
              ...keys.inboxItem(t.county, t.id),
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
                  kind: 'openTask',
                  stack: t.county,
                  taskId: t.id,
                  step: t.step,
                  since: t.openedAt,
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

/** Applies an InstanceChanged to the instance's status row. */
export async function projectInstance(ctx: Ctx, i: InstanceSummary, eventId: string): Promise<boolean> {
  return putIfNewer(
    ctx,
    {
      ...keys.instanceView(i.workflowId, i.subject, i.stack),
      ...keys.instanceViewByYear(i.workflowId, i.year, i.stack, i.subject),
      kind: 'instanceView',
      ...i,
      lastEventId: eventId,
    },
    i.version,
  );
}

/** Applies a NotificationRaised: the recipient's unread notification (once per id). */
export async function projectNotification(
  ctx: Ctx,
  n: NotificationSummary,
  eventId: string,
): Promise<boolean> {
  try {
    await ctx.db.send(
      new PutCommand({
        TableName: ctx.table,
        Item: {
          ...keys.notification(n.id),
          ...keys.notificationByRecipient(n.recipient.role, n.recipient.org, 'unread', n.at, n.id),
          ...n,
          kind: 'notification',
          notificationKind: n.kind,
          read: false,
          lastEventId: eventId,
        },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': PK },
      }),
    );
    return true;
  } catch (e) {
    if (isConditionFailed(e)) return false;
    throw e;
  }
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

function clean<T>(items: Record<string, unknown>[]): T[] {
  return items.map(({ kind: _k, lastEventId: _e, ...rest }) => rest as unknown as T);
}

/** GET /tasks: the caller's tasks across stacks, open by due date or done newest first. */
export async function listInbox(
  ctx: Ctx,
  p: Principal,
  q: { status: 'open' | 'done'; limit: number; nextToken?: string },
): Promise<Page<TaskSummary>> {
  const parts = p.roles.map((role) => ({
    pk: keys.inboxAssigneePk(role, p.org, q.status),
    index: 'gsi1' as const,
    descending: q.status === 'done',
  }));
  const page = await pagedAcross(ctx, parts, q.limit, q.nextToken);
  return { items: clean<TaskSummary>(page.items), nextToken: page.nextToken };
}

/** A stored notification as the API shows it (`kind` is the item's type marker when stored). */
function notificationOf(item: Record<string, unknown>): NotificationView {
  const { kind: _k, notificationKind, lastEventId: _e, ...rest } = item;
  return { ...(rest as unknown as NotificationView), kind: notificationKind as NotificationView['kind'] };
}

/** GET /notifications: the caller's notifications (unread first, newest first) and the unread count. */
export async function listNotifications(
  ctx: Ctx,
  p: Principal,
  q: { limit: number; nextToken?: string },
): Promise<NotificationPage> {
  const parts = p.roles.flatMap((role) =>
    (['unread', 'read'] as const).map((state) => ({
      pk: keys.notificationsPk(role, p.org, state),
      index: 'gsi1' as const,
      descending: true,
    })),
  );
  const [page, unread] = await Promise.all([
    pagedAcross(ctx, parts, q.limit, q.nextToken),
    Promise.all(
      p.roles.map(async (role) => {
        const res = await ctx.db.send(
          new QueryCommand({
            TableName: ctx.table,
            IndexName: GSI1.name,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': GSI1.partitionKey },
            ExpressionAttributeValues: { ':pk': keys.notificationsPk(role, p.org, 'unread') },
            Select: 'COUNT',
          }),
        );
        return res.Count ?? 0;
      }),
    ),
  ]);
  return {
    items: page.items.map(notificationOf),
    nextToken: page.nextToken,
    unread: unread.reduce((a, b) => a + b, 0),
  };
}

/** POST /notifications/{id}/read: only the recipient marks it read; reading twice changes nothing. */
export async function markNotificationRead(
  ctx: Ctx,
  p: Principal,
  id: string,
): Promise<{ id: string; read: true }> {
  if (!/^[0-9a-f]{24}-(reminder|escalation|notice)$/.test(id)) throw new NotFound('通知不存在');
  const res = await ctx.db.send(
    new GetCommand({ TableName: ctx.table, Key: keys.notification(id), ConsistentRead: true }),
  );
  const n = res.Item ? notificationOf(stripKeys(res.Item)) : undefined;
  if (!n || !p.roles.includes(n.recipient.role) || p.org !== n.recipient.org)
    throw new NotFound('通知不存在');
  if (n.read) return { id, read: true };
  const moved = keys.notificationByRecipient(n.recipient.role, n.recipient.org, 'read', n.at, n.id);
  await ctx.db.send(
    new UpdateCommand({
      TableName: ctx.table,
      Key: keys.notification(id),
      UpdateExpression: 'SET #read = :t, #gpk = :gpk, #gsk = :gsk',
      ExpressionAttributeNames: { '#read': 'read', '#gpk': GSI1.partitionKey, '#gsk': GSI1.sortKey },
      ExpressionAttributeValues: {
        ':t': true,
        ':gpk': moved[GSI1.partitionKey],
        ':gsk': moved[GSI1.sortKey],
      },
    }),
  );
  return { id, read: true };
}

/**
 * Every stack's instance of a workflow for one subject, with the steps open there and since when:
 * one Query on the subject's view partition (status rows and open-task rows together).
 */
export async function instanceViews(ctx: Ctx, workflowId: string, subject: string): Promise<InstanceView[]> {
  const items = (
    await queryAll(ctx.db, ctx.table, keys.instanceViewPartition(workflowId, subject), {
      prefix: VIEW_STACK_PREFIX,
      consistent: true,
    })
  ).map((i) => ({ ...stripKeys(i), sk: String(i[SK]) }) as Record<string, unknown> & { sk: string });
  const byStack = new Map<string, InstanceView>();
  for (const i of items) {
    if (i.sk.includes('#OPEN#')) continue;
    const { sk: _s, kind: _k, lastEventId: _e, ...view } = i;
    byStack.set(String(i.stack), { ...(view as unknown as InstanceSummary), openSteps: [] });
  }
  for (const i of items) {
    if (!i.sk.includes('#OPEN#')) continue;
    const v = byStack.get(String(i.stack));
    if (!v) continue;
    const step = String(i.step);
    const since = String(i.since);
    const seen = v.openSteps.find((s) => s.step === step);
    if (!seen) v.openSteps.push({ step, since });
    else if (since < seen.since) seen.since = since;
  }
  for (const v of byStack.values()) v.openSteps.sort((a, b) => (a.step < b.step ? -1 : 1));
  return [...byStack.values()].sort((a, b) => (a.stack < b.stack ? -1 : 1));
}

/** GET /projects?year=: the projects the caller may see, by county then code. */
export async function listProjects(
  ctx: Ctx,
  p: Principal,
  q: { year: number; limit: number; nextToken?: string },
): Promise<Page<ProjectSummary>> {
  if (!Number.isInteger(q.year)) throw new ValidationFailed([{ path: '/year', message: '请指定年度' }]);
  let scope: ReturnType<typeof projectScope>;
  try {
    scope = projectScope(p);
  } catch {
    throw new Forbidden();
  }
  const part =
    scope.kind === 'all'
      ? { pk: keys.projectViewsOfYearPk(q.year), index: 'gsi1' as const }
      : scope.kind === 'dept'
        ? { pk: keys.projectViewsOfDeptPk(q.year, scope.dept), index: 'gsi2' as const }
        : { pk: keys.projectViewsOfYearPk(q.year), index: 'gsi1' as const, prefix: `${scope.county}#` };
  const page = await pagedAcross(ctx, [part], q.limit, q.nextToken);
  return { items: clean<ProjectSummary>(page.items), nextToken: page.nextToken };
}
