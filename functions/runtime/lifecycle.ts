/**
 * What happens when an execution ends (Step Functions' "Execution Status Change" events, in AWS's
 * shape from the account's default bus, or from the twin's engine): the instance takes the final
 * status (an end step's `rejected` counts as rejected); an execution that ended ABORTED, FAILED or
 * TIMED_OUT cancels its open tasks, so completing one answers 409 TaskCancelled and stores nothing.
 * Idempotent: a repeated event finds the instance already final and the tasks already cancelled.
 */
import type { InstanceStatus } from '../../contracts/events';
import type { EndMarker, ExecutionInput } from '../../contracts/steps';
import { auditPut, SYSTEM_ACTOR } from '../core/audit';
import { queryAll, transact } from '../core/db';
import { Conflict } from '../core/errors';
import { newEvent, type OutboxEvent, outboxPut } from '../core/events';
import { keys, stripKeys } from '../core/keys';
import { log } from '../core/log';
import type { Runtime } from './context';
import { getInstance, instanceChange, publishSoon } from './instances';
import { summaryOf, type Task } from './tasks/model';

/** The detail of Step Functions' Execution Status Change event (the fields used here). */
export interface ExecutionStatusDetail {
  executionArn: string;
  stateMachineArn?: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | string;
  input?: string | null;
  output?: string | null;
  error?: string | null;
  cause?: string | null;
  stopDate?: number | null;
}

const FINAL: Record<string, InstanceStatus> = {
  FAILED: 'failed',
  TIMED_OUT: 'timedOut',
  ABORTED: 'aborted',
};

function parse<T>(text: string | null | undefined): T | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/** Applies one status change; returns what it did. */
export async function onExecutionStatus(
  rt: Runtime,
  d: ExecutionStatusDetail,
): Promise<{ status?: InstanceStatus; cancelled: number; ignored?: string }> {
  const ref = parse<ExecutionInput>(d.input)?.instance;
  if (!ref?.workflowId || !ref.subject) return { cancelled: 0, ignored: 'not a Minsheng instance' };
  if (d.status === 'RUNNING') return { cancelled: 0, ignored: 'running' };
  const succeeded = d.status === 'SUCCEEDED';
  const status: InstanceStatus | undefined = succeeded
    ? parse<{ end?: EndMarker }>(d.output)?.end?.result === 'rejected'
      ? 'rejected'
      : 'completed'
    : FINAL[d.status];
  if (!status) return { cancelled: 0, ignored: `status ${d.status}` };
  const at = new Date(typeof d.stopDate === 'number' ? d.stopDate : rt.now().getTime()).toISOString();
  const reason = succeeded ? undefined : [d.error, d.cause].filter(Boolean).join(': ') || d.status;

  const cancelled = succeeded ? 0 : await cancelOpenTasks(rt, ref, reason ?? d.status, at);

  for (let tries = 0; tries < 5; tries++) {
    const inst = await getInstance(rt, ref.workflowId, ref.subject);
    if (!inst || inst.attempt !== ref.attempt || inst.status !== 'running') break;
    const change = instanceChange(rt, inst, { status, finishedAt: at, reason });
    const now = rt.now();
    try {
      await transact(
        rt.db,
        [
          change.item,
          auditPut(
            rt.table,
            keys.runPartition(ref.workflowId, ref.subject, ref.attempt),
            {
              at,
              action: `instance.${status}`,
              by: SYSTEM_ACTOR,
              round: { year: inst.year, attempt: inst.attempt },
              summary: `流程结束：${STATUS_ZH[status]}${reason ? `（${reason}）` : ''}`,
            },
            now,
          ),
          outboxPut(rt.table, change.event, now.toISOString()),
        ],
        () => new Conflict('instance moved', 'InstanceMoved'),
      );
      await publishSoon(rt, [change.event]);
      break;
    } catch (e) {
      if (!(e instanceof Conflict)) throw e;
    }
  }
  return { status, cancelled };
}

const STATUS_ZH: Record<InstanceStatus, string> = {
  running: '进行中',
  completed: '办结',
  rejected: '不予通过',
  failed: '出错终止',
  aborted: '已中止',
  timedOut: '超时终止',
};

/** Cancels every open task of a run; returns how many it cancelled. */
async function cancelOpenTasks(
  rt: Runtime,
  ref: { workflowId: string; subject: string; attempt: number },
  reason: string,
  at: string,
): Promise<number> {
  const items = await queryAll(rt.db, rt.table, keys.tasksOfRunPk(ref.workflowId, ref.subject, ref.attempt), {
    index: 'gsi1',
  });
  const events: OutboxEvent[] = [];
  for (const item of items) {
    const task = stripKeys(item) as unknown as Task;
    if (task.status !== 'open') continue;
    const cancelled: Task = {
      ...task,
      status: 'cancelled',
      cancelledAt: at,
      cancelReason: reason,
      version: task.version + 1,
    };
    const event = newEvent(rt.source, 'TaskCancelled', { task: summaryOf(cancelled) });
    const now = rt.now();
    try {
      await transact(
        rt.db,
        [
          {
            Update: {
              TableName: rt.table,
              Key: keys.task(task.id),
              UpdateExpression:
                'SET #s = :c, #v = :nv, cancelledAt = :at, cancelReason = :why REMOVE #timer, gsi2pk, gsi2sk',
              ConditionExpression: '#s = :open',
              ExpressionAttributeNames: { '#s': 'status', '#v': 'version', '#timer': 'timer' },
              ExpressionAttributeValues: {
                ':c': 'cancelled',
                ':open': 'open',
                ':nv': cancelled.version,
                ':at': at,
                ':why': reason.slice(0, 500),
              },
            },
          },
          auditPut(
            rt.table,
            keys.taskPartition(task.id),
            {
              at,
              action: 'task.cancelled',
              by: SYSTEM_ACTOR,
              round: { year: task.year, step: task.step, attempt: task.taskAttempt },
              summary: `流程已结束，任务取消：${reason.slice(0, 200)}`,
            },
            now,
          ),
          outboxPut(rt.table, event, now.toISOString()),
        ],
        () => new Conflict('task moved', 'TaskMoved'),
      );
      events.push(event);
    } catch (e) {
      // Completed or cancelled meanwhile: nothing to cancel.
      if (!(e instanceof Conflict)) throw e;
    }
  }
  if (events.length) log.info('open tasks cancelled', { ...ref, count: events.length, reason });
  await publishSoon(rt, events);
  return events.length;
}
