/**
 * Reminders and escalations that act. An open task carries its next timer (a reminder before the
 * due date, then an escalation after it) in a sparse index ordered by time; the ticker fires what
 * is due: each fires once (a mark written with a condition), raises a notification for the assignee
 * or the escalation's role, and moves the task to its next timer.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { NotificationSummary } from '../../../contracts/events';
import { isRole } from '../../../contracts/roles';
import { transact } from '../../core/db';
import { Conflict } from '../../core/errors';
import { newEvent, type OutboxEvent, outboxPut } from '../../core/events';
import { GSI2, type Key, keys, stripKeys } from '../../core/keys';
import { log } from '../../core/log';
import type { Runtime } from '../context';
import { escalationAt, reminderAt } from '../due';
import { publishSoon } from '../instances';
import { resolveOrg, type Task } from './model';

type Timer = NonNullable<Task['timer']>;

/** The first timer of a task opened at `now`: its reminder if still ahead, else its escalation. */
export function firstTimer(
  task: Pick<Task, 'dueAt' | 'reminder' | 'escalation'>,
  now: Date,
): Timer | undefined {
  if (!task.dueAt) return undefined;
  if (task.reminder) {
    const at = reminderAt(task.dueAt, task.reminder.daysBefore);
    if (Date.parse(at) > now.getTime()) return { kind: 'reminder', at };
  }
  return escalationOf(task);
}

function escalationOf(task: Pick<Task, 'dueAt' | 'escalation'>): Timer | undefined {
  if (!task.dueAt || !task.escalation) return undefined;
  return { kind: 'escalation', at: escalationAt(task.dueAt, task.escalation.daysAfter) };
}

/** The index keys that list a task under its timer (none when it has none). */
export function timerKeys(task: Pick<Task, 'id' | 'timer'>): Key {
  return task.timer ? keys.timer(task.timer.at, task.id) : {};
}

/** The notification a timer raises: a reminder to the assignee, an escalation to the named role. */
export function timerNotification(task: Task, timer: Timer, at: string): NotificationSummary {
  let recipient = task.assignee;
  if (timer.kind === 'escalation' && task.escalation && isRole(task.escalation.to.role)) {
    recipient = {
      role: task.escalation.to.role,
      org: resolveOrg(task.escalation.to.org, {
        county: task.county === 'city' ? undefined : task.county,
        item: task.item,
      }),
    };
  }
  return {
    id: `${task.id}-${timer.kind}`,
    kind: timer.kind,
    county: task.county,
    recipient,
    taskId: task.id,
    workflowId: task.workflowId,
    step: task.step,
    title: task.title,
    dueAt: task.dueAt,
    at,
    version: 1,
  };
}

/**
 * Fires every timer due at `now` (at most `limit` per call): one Query on the timer index, then per
 * task one transaction (the once-mark, the task's next timer, the event). Returns how many fired.
 */
export async function fireTimers(rt: Runtime, now: Date, limit = 50): Promise<{ fired: number }> {
  const res = await rt.db.send(
    new QueryCommand({
      TableName: rt.table,
      IndexName: GSI2.name,
      KeyConditionExpression: '#pk = :pk AND #sk <= :now',
      ExpressionAttributeNames: { '#pk': GSI2.partitionKey, '#sk': GSI2.sortKey },
      ExpressionAttributeValues: { ':pk': keys.timersPk, ':now': `${now.toISOString()}~` },
      Limit: limit,
    }),
  );
  const events: OutboxEvent[] = [];
  let fired = 0;
  for (const item of res.Items ?? []) {
    const task = stripKeys(item) as unknown as Task;
    if (task.status !== 'open' || !task.timer) continue;
    const timer = task.timer;
    const next = timer.kind === 'reminder' ? escalationOf(task) : undefined;
    const at = now.toISOString();
    const notification = timerNotification(task, timer, at);
    const event = newEvent(rt.source, 'NotificationRaised', { notification });
    const set = next
      ? {
          expr: 'SET #timer = :next, #gpk = :gpk, #gsk = :gsk',
          values: {
            ':next': next,
            ':gpk': keys.timersPk,
            ':gsk': keys.timer(next.at, task.id)[GSI2.sortKey],
          },
        }
      : { expr: 'REMOVE #timer, #gpk, #gsk', values: {} };
    const taskUpdate = {
      Update: {
        TableName: rt.table,
        Key: keys.task(task.id),
        UpdateExpression: set.expr,
        ConditionExpression: '#status = :open AND #timer.#at = :was',
        ExpressionAttributeNames: {
          '#timer': 'timer',
          '#at': 'at',
          '#status': 'status',
          '#gpk': GSI2.partitionKey,
          '#gsk': GSI2.sortKey,
        },
        ExpressionAttributeValues: { ...set.values, ':open': 'open', ':was': timer.at },
      },
    };
    try {
      await transact(
        rt.db,
        [
          {
            Put: {
              TableName: rt.table,
              Item: { ...keys.notificationMark(task.id, timer.kind), kind: 'notified', at, notification },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          taskUpdate,
          outboxPut(rt.table, event, at),
        ],
        (idx) =>
          new Conflict(idx === 0 ? 'raised before' : 'task moved', idx === 0 ? 'AlreadyRaised' : 'TaskMoved'),
      );
      events.push(event);
      fired += 1;
      log.info('timer fired', { taskId: task.id, kind: timer.kind, recipient: notification.recipient });
    } catch (e) {
      if (!(e instanceof Conflict)) throw e;
      // Raised once already (a crash between the mark and the move): just move the task on.
      if (e.code === 'AlreadyRaised') {
        await transact(rt.db, [taskUpdate], () => new Conflict('task moved', 'TaskMoved')).catch((err) => {
          if (!(err instanceof Conflict)) throw err;
        });
      }
    }
  }
  await publishSoon(rt, events);
  return { fired };
}
