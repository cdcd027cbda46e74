/**
 * Exactly-once resume of a workflow after a decision. Completing a task writes a resume marker in the
 * same transaction as the decision; SendTaskSuccess follows and the marker is removed after it. A
 * marker left behind by a crash is delivered again by the next request that touches the task or by
 * the sweeper. Step Functions refuses a second SendTaskSuccess for a token with TaskTimedOut or
 * InvalidToken (and TaskDoesNotExist once the execution ended): those answers mean "already resumed"
 * and count as delivered, so the decision is applied once.
 */
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Ctx } from './context';
import { queryPage, type TransactItem } from './db';
import { keys, stripKeys } from './keys';

/** What SendTaskSuccess carries back to the execution (contracts: small, decisions only). */
export interface TaskOutput {
  outcome: 'submit' | 'approve' | 'return' | 'reject';
  submissionId: string;
  by: string;
  at: string;
  comment?: string;
  returnTo?: string;
  routing?: { leadDepts?: string[] };
}

/** A decision written but maybe not yet delivered. */
export interface ResumeMarker {
  taskId: string;
  year: number;
  token: string;
  output: TaskOutput;
  at: string;
}

/** SFN errors that mean the token was used already (or its execution is gone): nothing to deliver. */
const ALREADY_RESUMED = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);

/** The transaction item that writes a marker. */
export function resumeMarkerPut(ctx: Ctx, m: ResumeMarker): TransactItem {
  return {
    Put: {
      TableName: ctx.table,
      Item: { ...keys.resumeMarker(m.taskId), ...keys.resumePending(m.at, m.taskId), kind: 'resume', ...m },
    },
  };
}

/** The marker of a task, if one is pending. */
export async function getResumeMarker(ctx: Ctx, taskId: string): Promise<ResumeMarker | undefined> {
  const res = await ctx.db.send(
    new GetCommand({ TableName: ctx.table, Key: keys.resumeMarker(taskId), ConsistentRead: true }),
  );
  return res.Item ? (stripKeys(res.Item) as unknown as ResumeMarker) : undefined;
}

/** SendTaskSuccess for a marker; 'already' when Step Functions says the token was used before. */
export async function sendResume(ctx: Ctx, m: ResumeMarker): Promise<'sent' | 'already'> {
  try {
    await ctx.sfn.send(new SendTaskSuccessCommand({ taskToken: m.token, output: JSON.stringify(m.output) }));
    return 'sent';
  } catch (e) {
    if (!ALREADY_RESUMED.has((e as { name?: string }).name ?? '')) throw e;
    return 'already';
  }
}

/**
 * Delivers a marker: SendTaskSuccess, then removes the marker. Returns 'sent', 'already' (the token
 * was used before) or throws when Step Functions could not be reached (the marker stays).
 */
export async function deliverResume(ctx: Ctx, m: ResumeMarker): Promise<'sent' | 'already'> {
  const result = await sendResume(ctx, m);
  await ctx.db.send(new DeleteCommand({ TableName: ctx.table, Key: keys.resumeMarker(m.taskId) }));
  return result;
}

/** Delivers the marker of one task if it is pending (the "next request" recovery path). */
export async function recoverTask(ctx: Ctx, taskId: string): Promise<'sent' | 'already' | 'none'> {
  const m = await getResumeMarker(ctx, taskId);
  if (!m) return 'none';
  return deliverResume(ctx, m);
}

/**
 * Sweeper: delivers markers older than `minAgeMs` (younger ones belong to a request still in
 * flight). A Query on gsi1, never a Scan. Returns how many were delivered.
 */
export async function sweepResumes(
  ctx: Ctx,
  minAgeMs = 10_000,
  limit = 100,
): Promise<{ delivered: number; failed: number }> {
  const before = new Date(ctx.now().getTime() - minAgeMs).toISOString();
  const page = await queryPage(ctx.db, ctx.table, keys.resumePendingPk, { index: 'gsi1', limit });
  let delivered = 0;
  let failed = 0;
  for (const item of page.items) {
    const m = stripKeys(item) as unknown as ResumeMarker;
    if (m.at >= before) break;
    try {
      await deliverResume(ctx, m);
      delivered += 1;
    } catch (e) {
      failed += 1;
      console.error(
        JSON.stringify({ level: 'error', msg: 'resume delivery failed', taskId: m.taskId, error: String(e) }),
      );
    }
  }
  return { delivered, failed };
}
