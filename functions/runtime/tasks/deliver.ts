/**
 * Exactly-once delivery of a decision to its execution. Completing a task writes a resume marker in
 * the same transaction as the decision; SendTaskSuccess follows and the marker is removed after it.
 * A marker left behind by a crash is delivered again by the next request that touches the task or by
 * the sweeper.
 *
 * Step Functions refuses a token it no longer waits on (TaskTimedOut, InvalidToken, TaskDoesNotExist):
 * either this decision was delivered before (a crash after the send), or the execution had moved on
 * or ended without it. The execution's history tells which: a TaskSucceeded carrying this decision's
 * submission id. Only when the history does not hold it is the decision undone: the task becomes
 * cancelled, its submission is removed, and a waiting request answers 409 — never 200 for a decision
 * no workflow received.
 */
import {
  GetExecutionHistoryCommand,
  type GetExecutionHistoryCommandOutput,
  SendTaskSuccessCommand,
} from '@aws-sdk/client-sfn';
import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { TaskDecision } from '../../../contracts/steps';
import { auditPut, SYSTEM_ACTOR } from '../../core/audit';
import { queryPage, type TransactItem, transact } from '../../core/db';
import { Conflict } from '../../core/errors';
import { newEvent, outboxPut } from '../../core/events';
import { GSI2, keys, stripKeys } from '../../core/keys';
import { log } from '../../core/log';
import type { Runtime } from '../context';
import { publishSoon } from '../instances';
import { getTask, summaryOf, type Task } from './model';

/** A decision written but maybe not yet delivered. */
export interface ResumeMarker {
  taskId: string;
  token: string;
  executionArn: string;
  output: TaskDecision;
  at: string;
  /** Where the answer to the completing request is kept (so an undone decision can answer 409). */
  idempotency?: { scope: string; key: string };
}

/** SFN errors that mean the execution no longer waits on the token. */
const TOKEN_REFUSED = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);

/** The decision was not delivered and is undone: the task had no execution waiting for it any more. */
export class TaskCancelled extends Conflict {
  constructor(message = '该任务已取消（流程已结束或不在此环节），办理未生效') {
    super(message, 'TaskCancelled');
  }
}

/** The transaction item that writes a marker. */
export function resumeMarkerPut(rt: Runtime, m: ResumeMarker): TransactItem {
  return {
    Put: {
      TableName: rt.table,
      Item: { ...keys.resumeMarker(m.taskId), ...keys.resumePending(m.at, m.taskId), kind: 'resume', ...m },
    },
  };
}

/** The marker of a task, if one is pending. */
export async function getResumeMarker(rt: Runtime, taskId: string): Promise<ResumeMarker | undefined> {
  const res = await rt.db.send(
    new GetCommand({ TableName: rt.table, Key: keys.resumeMarker(taskId), ConsistentRead: true }),
  );
  return res.Item ? (stripKeys(res.Item) as unknown as ResumeMarker) : undefined;
}

/** SendTaskSuccess for a marker; 'refused' when Step Functions no longer waits on the token. */
export async function sendResume(rt: Runtime, m: ResumeMarker): Promise<'sent' | 'refused'> {
  try {
    await rt.sfn.send(new SendTaskSuccessCommand({ taskToken: m.token, output: JSON.stringify(m.output) }));
    return 'sent';
  } catch (e) {
    if (!TOKEN_REFUSED.has((e as { name?: string }).name ?? '')) throw e;
    return 'refused';
  }
}

/** Whether the execution's history holds this decision (a TaskSucceeded with its submission id). */
export async function decisionApplied(rt: Runtime, m: ResumeMarker): Promise<boolean> {
  const needle = `"submissionId":"${m.output.submissionId}"`;
  let nextToken: string | undefined;
  do {
    let page: GetExecutionHistoryCommandOutput;
    try {
      page = await rt.sfn.send(
        new GetExecutionHistoryCommand({
          executionArn: m.executionArn,
          reverseOrder: true,
          maxResults: 500,
          nextToken,
        }),
      );
    } catch (e) {
      // No such execution at all: nothing could have received the decision.
      if ((e as { name?: string }).name === 'ExecutionDoesNotExist') return false;
      throw e;
    }
    for (const ev of page.events ?? []) {
      if (ev.type === 'TaskSucceeded' && ev.taskSucceededEventDetails?.output?.includes(needle)) return true;
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return false;
}

/**
 * Undoes a decision no execution received: the task becomes cancelled (reason `tokenRefused`), its
 * submission and marker go, the completing request's stored answer becomes a 409, all in one
 * transaction conditional on the task still holding this decision.
 */
async function undoDecision(rt: Runtime, m: ResumeMarker): Promise<void> {
  const task = await getTask(rt, m.taskId);
  if (task?.status !== 'done' || task.submissionId !== m.output.submissionId) {
    await rt.db.send(new DeleteCommand({ TableName: rt.table, Key: keys.resumeMarker(m.taskId) }));
    return;
  }
  const now = rt.now();
  const at = now.toISOString();
  const cancelled: Task = {
    ...task,
    status: 'cancelled',
    cancelledAt: at,
    cancelReason: 'tokenRefused',
    version: task.version + 1,
    outcome: undefined,
    completedAt: undefined,
    completedBy: undefined,
    submissionId: undefined,
  };
  const event = newEvent(rt.source, 'TaskCancelled', { task: summaryOf(cancelled) });
  const refused = new TaskCancelled();
  await transact(
    rt.db,
    [
      {
        Update: {
          TableName: rt.table,
          Key: keys.task(task.id),
          UpdateExpression:
            'SET #status = :c, #v = :nv, cancelledAt = :at, cancelReason = :why REMOVE outcome, completedAt, completedBy, submissionId',
          ConditionExpression: '#v = :v AND submissionId = :sid',
          ExpressionAttributeNames: { '#status': 'status', '#v': 'version' },
          ExpressionAttributeValues: {
            ':c': 'cancelled',
            ':nv': cancelled.version,
            ':v': task.version,
            ':at': at,
            ':why': 'tokenRefused',
            ':sid': m.output.submissionId,
          },
        },
      },
      {
        Delete: {
          TableName: rt.table,
          Key: keys.submission(task.workflowId, task.subject, task.attempt, m.output.submissionId),
        },
      },
      { Delete: { TableName: rt.table, Key: keys.resumeMarker(task.id) } },
      auditPut(
        rt.table,
        keys.taskPartition(task.id),
        {
          at,
          action: 'task.completionRefused',
          by: SYSTEM_ACTOR,
          round: { year: task.year, step: task.step, submissionId: m.output.submissionId },
          summary: `${task.title.zh}：流程已不在此环节，办理未生效，任务取消`,
        },
        now,
      ),
      ...(m.idempotency
        ? [
            {
              Update: {
                TableName: rt.table,
                Key: keys.idempotency(m.idempotency.scope, m.idempotency.key),
                UpdateExpression: 'SET #s = :s, #r = :r',
                ExpressionAttributeNames: { '#s': 'status', '#r': 'response' },
                ExpressionAttributeValues: { ':s': refused.status, ':r': refused.toBody() },
              },
            },
          ]
        : []),
      outboxPut(rt.table, event, at),
    ],
    () => new Conflict('task moved', 'TaskMoved'),
  );
  log.warn('decision undone: the execution no longer waited on the task', { taskId: task.id });
  await publishSoon(rt, [event]);
}

/**
 * Delivers a marker: SendTaskSuccess, then removes the marker. 'sent' and 'already' (delivered
 * before) mean the decision is in the execution; 'undone' means no execution received it and it was
 * undone. Throws when Step Functions could not be reached (the marker stays).
 */
export async function deliverResume(rt: Runtime, m: ResumeMarker): Promise<'sent' | 'already' | 'undone'> {
  const result = await sendResume(rt, m);
  if (result === 'refused') {
    if (!(await decisionApplied(rt, m))) {
      await undoDecision(rt, m);
      return 'undone';
    }
  }
  await rt.db.send(new DeleteCommand({ TableName: rt.table, Key: keys.resumeMarker(m.taskId) }));
  return result === 'sent' ? 'sent' : 'already';
}

/** Delivers the marker of one task if it is pending (the "next request" recovery path). */
export async function recoverTask(
  rt: Runtime,
  taskId: string,
): Promise<'sent' | 'already' | 'undone' | 'none'> {
  const m = await getResumeMarker(rt, taskId);
  if (!m) return 'none';
  return deliverResume(rt, m);
}

/** recoverTask that logs instead of throwing (the sweeper tries again). */
export async function recoverQuietly(rt: Runtime, taskId: string): Promise<void> {
  try {
    await recoverTask(rt, taskId);
  } catch (e) {
    log.warn('resume recovery failed; sweeper will retry', { taskId, error: String(e) });
  }
}

/**
 * Sweeper: delivers markers older than `minAgeMs` (younger ones belong to a request still in
 * flight). A Query on gsi1, never a Scan.
 */
export async function sweepResumes(
  rt: Runtime,
  minAgeMs = 10_000,
  limit = 100,
): Promise<{ delivered: number; failed: number }> {
  const before = new Date(rt.now().getTime() - minAgeMs).toISOString();
  const page = await queryPage(rt.db, rt.table, keys.resumePendingPk, { index: 'gsi1', limit });
  let delivered = 0;
  let failed = 0;
  for (const item of page.items) {
    const m = stripKeys(item) as unknown as ResumeMarker;
    if (m.at >= before) break;
    try {
      await deliverResume(rt, m);
      delivered += 1;
    } catch (e) {
      failed += 1;
      log.error('resume delivery failed', { taskId: m.taskId, error: String(e) });
    }
  }
  return { delivered, failed };
}

/** Index attributes of a task's timer, for removal when the task leaves `open`. */
export const TIMER_ATTRIBUTES = ['timer', GSI2.partitionKey, GSI2.sortKey] as const;
