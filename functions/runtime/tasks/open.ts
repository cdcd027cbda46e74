/**
 * OpenTask: stores the open task of a human step (task, review, notice) and returns; the execution
 * waits for the token. Idempotent on the token: a retried invoke finds the task it already stored.
 * The task's due date, its first timer (a reminder, or the escalation) and, for a notice, the
 * generated text are fixed here.
 */

import { isRole } from '../../../contracts/roles';
import type { OpenTaskPayload, OpenTaskResult } from '../../../contracts/steps';
import { auditPut, SYSTEM_ACTOR } from '../../core/audit';
import { transact } from '../../core/db';
import { Conflict } from '../../core/errors';
import { newEvent, type OutboxEvent, outboxPut } from '../../core/events';
import { stableHash } from '../../core/ids';
import { keys } from '../../core/keys';
import { kitOf, type Runtime } from '../context';
import { resolveDue } from '../due';
import { instanceOfRef, publishSoon } from '../instances';
import { listSubmissions } from '../submissions';
import { getTask, instanceRefOf, resolveOrg, summaryOf, type Task } from './model';
import { fillNotice, noticeNotification } from './notice';
import { firstTimer, timerKeys } from './timers';

export async function openTask(rt: Runtime, payload: OpenTaskPayload): Promise<OpenTaskResult> {
  if (payload?.kind !== 'openTask' || typeof payload.taskToken !== 'string' || !payload.instance) {
    throw new Error('OpenTask: payload is not an openTask request');
  }
  if (!isRole(payload.assignee?.role)) throw new Error(`OpenTask: unknown role ${payload.assignee?.role}`);
  const id = stableHash(payload.taskToken);
  const [existing, inst] = await Promise.all([getTask(rt, id), instanceOfRef(rt, payload.instance)]);
  if (existing) return { taskId: id, created: false };
  const kit = kitOf(rt, inst.kit);
  const subs = await listSubmissions(rt, payload.instance);
  const org = resolveOrg(payload.assignee.org, {
    county: rt.cfg.countyCode,
    item: payload.item,
  });
  const now = rt.now();
  const at = now.toISOString();
  const dueAt = resolveDue(payload.due, now, inst.year, kit?.subjectDates?.(inst) ?? {});
  const task: Task = {
    id,
    county: rt.stack,
    countyName: inst.countyName ?? rt.cfg.countyName ?? rt.stack,
    year: inst.year,
    workflowId: inst.workflowId,
    workflowVersion: payload.workflowVersion,
    subject: inst.subject,
    subjectLabel: inst.subjectLabel,
    attempt: inst.attempt,
    kit: inst.kit,
    executionArn: payload.executionArn,
    step: payload.step,
    stepType: payload.stepType,
    title: payload.title,
    formId: payload.formId,
    formVersion: payload.formVersion,
    assignee: { role: payload.assignee.role, org },
    item: payload.item,
    dueRule: payload.due,
    dueAt,
    reminder: payload.reminder,
    escalation: payload.escalation,
    allowedOutcomes: payload.allowedOutcomes?.length ? payload.allowedOutcomes : ['submit'],
    returnTargets: payload.returnTargets,
    status: 'open',
    version: 1,
    token: payload.taskToken,
    openedAt: at,
    taskAttempt: 1 + subs.filter((s) => s.step === payload.step && s.assignee.org === org).length,
  };
  task.timer = firstTimer(task, now);
  if (payload.notice)
    task.notice = fillNotice(
      payload.notice,
      kit?.noticeFacts?.({ rt, instance: inst, task, submissions: subs }) ?? {},
    );
  const events: OutboxEvent[] = [newEvent(rt.source, 'TaskOpened', { task: summaryOf(task) })];
  if (task.notice)
    events.push(newEvent(rt.source, 'NotificationRaised', { notification: noticeNotification(task) }));
  const ref = instanceRefOf(task);
  try {
    // No shared item in this transaction: the parallel tasks of a fan-out open without contending.
    await transact(
      rt.db,
      [
        {
          Put: {
            TableName: rt.table,
            Item: {
              ...keys.task(id),
              ...keys.taskByRun(ref.workflowId, ref.subject, ref.attempt, at, id),
              ...timerKeys(task),
              kind: 'task',
              ...task,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        auditPut(
          rt.table,
          keys.taskPartition(id),
          {
            at,
            action: 'task.opened',
            by: SYSTEM_ACTOR,
            round: { year: task.year, step: task.step, attempt: task.taskAttempt },
            summary: `待办：${task.title.zh}（${org}）`,
          },
          now,
        ),
        ...events.map((e) => outboxPut(rt.table, e, at)),
      ],
      () => new Conflict('task exists', 'TaskExists'),
    );
  } catch (e) {
    if (e instanceof Conflict && e.code === 'TaskExists') return { taskId: id, created: false };
    throw e;
  }
  await publishSoon(rt, events);
  return { taskId: id, created: true };
}
