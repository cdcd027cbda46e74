/**
 * What starts instances and resumes waiting ones, generically: events about subjects (a waiting
 * execution resumes; an `event` trigger of a live workflow starts the instances its kit lists), and
 * schedules (a `schedule` trigger's cron, checked every minute by the ticker against the time it
 * last fired, so each occurrence fires once even when the clock jumps).
 */
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { InstanceEvent } from '../../contracts/events';
import { occurrences } from '../../workflows/cron';
import type { Trigger, WorkflowDefinition } from '../../workflows/model';
import { isConditionFailed, queryAll } from '../core/db';
import { keys, PK, SK, stripKeys } from '../core/keys';
import { log } from '../core/log';
import { kitOf, type Runtime } from './context';
import { startInstance } from './instances';
import type { Waiter } from './steps';

/** A domain event as a rule delivers it. */
export interface SubjectEvent {
  'detail-type': string;
  source: string;
  detail: Record<string, unknown>;
  time?: string;
}

/** The subject an event is about: `detail.subject`, or an instance event's instance subject. */
export function subjectOfEvent(e: SubjectEvent): string | undefined {
  if (typeof e.detail.subject === 'string') return e.detail.subject;
  const inst = (e.detail as Partial<InstanceEvent>).instance;
  return typeof inst?.subject === 'string' ? inst.subject : undefined;
}

/** Resumes every execution waiting for this event's detail type about its subject. */
export async function resumeWaiters(rt: Runtime, e: SubjectEvent): Promise<number> {
  const subject = subjectOfEvent(e);
  if (!subject) return 0;
  const items = await queryAll(rt.db, rt.table, keys.waitersPartition(subject), {
    prefix: `${e['detail-type']}#`,
    consistent: true,
  });
  let resumed = 0;
  for (const item of items) {
    const w = stripKeys(item) as unknown as Waiter;
    try {
      await rt.sfn.send(
        new SendTaskSuccessCommand({
          taskToken: w.token,
          output: JSON.stringify({ event: e['detail-type'], detail: e.detail }),
        }),
      );
      resumed += 1;
    } catch (err) {
      const name = (err as { name?: string }).name ?? '';
      if (!['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist'].includes(name)) throw err;
    }
    await rt.db.send(
      new DeleteCommand({ TableName: rt.table, Key: { [PK]: item[PK] as string, [SK]: item[SK] as string } }),
    );
  }
  return resumed;
}

function matches(t: Trigger, e: SubjectEvent): boolean {
  if (!t.event || t.event.detailType !== e['detail-type']) return false;
  const inst = (e.detail as Partial<InstanceEvent>).instance;
  if (t.event.workflow && inst?.workflowId !== t.event.workflow) return false;
  if (t.event.status && inst?.status !== t.event.status) return false;
  return true;
}

async function startEach(
  rt: Runtime,
  def: WorkflowDefinition,
  trigger: Trigger,
  args: { event?: unknown; at: string },
): Promise<number> {
  const list = kitOf(rt, def.kit)?.triggers?.[trigger.each ?? ''];
  if (!list) {
    log.error('trigger list missing', { workflowId: def.id, each: trigger.each });
    return 0;
  }
  const requests = await list({ rt, definition: def, ...args });
  let started = 0;
  for (const r of requests) {
    const res = await startInstance(rt, { workflowId: def.id, input: r.input, by: 'system' });
    if (res.created) started += 1;
  }
  return started;
}

/** Starts what the event triggers of this stack's live workflows list for the event. */
export async function startTriggered(rt: Runtime, e: SubjectEvent): Promise<number> {
  let started = 0;
  for (const def of await rt.definitions.liveWorkflows()) {
    if ((def.stack ?? 'county') !== rt.cfg.stackKind) continue;
    for (const t of def.triggers ?? []) {
      if (matches(t, e)) started += await startEach(rt, def, t, { event: e, at: rt.now().toISOString() });
    }
  }
  return started;
}

/**
 * Fires the schedule triggers of this stack's live workflows whose cron came due since they last
 * fired (a trigger seen for the first time starts from now). Each occurrence fires once: the time
 * it fired is recorded with a condition on the previous one.
 */
export async function fireSchedules(rt: Runtime, now: Date): Promise<number> {
  let started = 0;
  for (const def of await rt.definitions.liveWorkflows()) {
    if ((def.stack ?? 'county') !== rt.cfg.stackKind) continue;
    for (const t of def.triggers ?? []) {
      if (!t.schedule || !t.id) continue;
      const key = keys.triggerState(def.id, t.id);
      const res = await rt.db.send(new GetCommand({ TableName: rt.table, Key: key, ConsistentRead: true }));
      const last = typeof res.Item?.last === 'string' ? res.Item.last : undefined;
      try {
        await rt.db.send(
          new PutCommand({
            TableName: rt.table,
            Item: { ...key, kind: 'triggerState', last: now.toISOString() },
            ConditionExpression: last ? '#l = :last' : 'attribute_not_exists(pk)',
            ExpressionAttributeNames: last ? { '#l': 'last' } : undefined,
            ExpressionAttributeValues: last ? { ':last': last } : undefined,
          }),
        );
      } catch (e) {
        if (isConditionFailed(e)) continue; // another tick took these occurrences
        throw e;
      }
      if (!last) continue;
      for (const occ of occurrences(t.schedule.cron, new Date(last), now)) {
        started += await startEach(rt, def, t, { at: occ.toISOString() });
      }
    }
  }
  return started;
}
