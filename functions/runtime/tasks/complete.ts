/**
 * POST /tasks/{id}/complete. Exactly once: the decision, the submission snapshot, the audit entry,
 * the resume marker, the idempotency answer and the TaskCompleted event go in one transaction; the
 * execution is resumed after it (deliver.ts). A repeat with the same key returns the first answer;
 * a double click racing its twin gets the winner's answer.
 *
 * What is checked, in order: the caller is the assignee; the task is open; the outcome (and return
 * target) is one the step allows; the per-line decisions fit the outcome (forms/roles.ts, the same
 * check the browser runs); the kit's authority rules; the pinned form's schema and rules with the
 * facts the kit supplies (the same facts the browser received).
 */
import type { CompleteRequest, CompleteResponse } from '../../../contracts/api';
import type { TaskDecision } from '../../../contracts/steps';
import { commentOf, decisionProblems, returnedLines } from '../../../forms/roles';
import { validateSubmissionAsync } from '../../../forms/validate';
import { actorOf, auditPut } from '../../core/audit';
import { canCompleteTask, canReadTask, type Principal } from '../../core/auth';
import { deleteKeys, transact } from '../../core/db';
import { Conflict, Forbidden, NotFound, TaskAlreadyCompleted, ValidationFailed } from '../../core/errors';
import { newEvent, putEvents } from '../../core/events';
import { getIdempotency, idempotencyPut, requestHash } from '../../core/idempotency';
import { sortableId } from '../../core/ids';
import { keys } from '../../core/keys';
import { log } from '../../core/log';
import type { Runtime } from '../context';
import { type Submission, submissionPut } from '../submissions';
import {
  decisionApplied,
  deliverResume,
  type ResumeMarker,
  recoverQuietly,
  resumeMarkerPut,
  sendResume,
  TaskCancelled,
} from './deliver';
import { getTask, summaryOf, type Task } from './model';
import { factsOf, taskArgs } from './view';

export type { CompleteRequest, CompleteResponse } from '../../../contracts/api';

const OUTCOME_ZH: Record<string, string> = {
  submit: '提交',
  approve: '同意',
  return: '退回修改',
  reject: '不予通过',
  acknowledge: '签收',
};

class IdempotencyRace extends Conflict {
  constructor() {
    super('同一幂等键的请求正在处理', 'IdempotencyRace');
  }
}

/** Another transaction held an item of ours at the same moment: worth trying again. */
class Busy extends Conflict {
  constructor() {
    super('数据正在更新，请重试', 'Busy');
  }
}

export async function completeTask(
  rt: Runtime,
  p: Principal,
  id: string,
  req: CompleteRequest,
  idempotencyKey: string,
): Promise<CompleteResponse> {
  const hash = requestHash(`complete ${id}`, req);
  const scope = p.sub;
  const [prior, found] = await Promise.all([getIdempotency(rt, scope, idempotencyKey), getTask(rt, id)]);
  if (prior) return answerRepeat(rt, prior, hash, id, { scope, idempotencyKey });
  if (!found || !canReadTask(p, found)) throw new NotFound('任务不存在');
  const task = found;
  if (!canCompleteTask(p, task)) throw new Forbidden('只有任务承办人可以办理');
  if (task.status === 'cancelled') throw new TaskCancelled();
  if (task.status !== 'open') {
    await recoverQuietly(rt, id);
    throw new TaskAlreadyCompleted();
  }
  if (!task.allowedOutcomes.includes(req.outcome)) {
    throw new ValidationFailed([
      {
        path: '/outcome',
        message: `本环节只能选择：${task.allowedOutcomes.map((o) => OUTCOME_ZH[o] ?? o).join('、')}`,
      },
    ]);
  }
  let returnTo: string | undefined;
  if (req.outcome === 'return') {
    const targets = task.returnTargets ?? [];
    returnTo = req.returnTo ?? targets[0];
    if (req.returnTo !== undefined && !targets.includes(req.returnTo)) {
      throw new ValidationFailed([
        { path: '/returnTo', message: `只能退回到：${targets.join('、') || '（无）'}` },
      ]);
    }
  } else if (req.returnTo !== undefined) {
    throw new ValidationFailed([{ path: '/returnTo', message: '只有退回修改时才能指定退回环节' }]);
  }

  const form =
    task.formId && task.formVersion ? await rt.definitions.form(task.formId, task.formVersion) : undefined;
  if (task.formId && !form) throw new Error(`Form ${task.formId}@${task.formVersion} is not published`);
  const decisionErrors = decisionProblems(form, req.outcome, req.data);
  if (decisionErrors.length) throw new ValidationFailed(decisionErrors);
  const { args, kit } = await taskArgs(rt, task);
  const authority = kit?.checkDecision?.({
    ...args,
    outcome: req.outcome,
    data: req.data,
    comment: req.comment,
    form,
    actor: { org: p.org, roles: p.roles },
  });
  if (authority?.length) throw new ValidationFailed(authority, '无权对这些项目作出决定');
  if (form) {
    const res = await validateSubmissionAsync(form.id, form.version, req.data, {
      facts: await factsOf(rt, args, kit),
      definition: form,
    });
    if (!res.ok)
      throw new ValidationFailed(res.errors.map((e) => ({ path: e.path, message: e.message, code: e.code })));
  } else if (req.data && Object.keys(req.data as object).length > 0) {
    throw new ValidationFailed([{ path: '/data', message: '本环节没有表单，不需要填写数据' }]);
  }

  const now = rt.now();
  const at = now.toISOString();
  const by = actorOf(p);
  const comment = req.comment?.trim() || commentOf(form, req.data);
  const submission: Submission = {
    id: sortableId(now),
    workflowId: task.workflowId,
    subject: task.subject,
    attempt: task.attempt,
    year: task.year,
    county: task.county,
    step: task.step,
    stepTitle: task.title.zh,
    formId: task.formId,
    formVersion: task.formVersion,
    taskId: id,
    assignee: task.assignee,
    item: task.item,
    taskAttempt: task.taskAttempt,
    outcome: req.outcome,
    comment,
    returnTo,
    returnedLines: req.outcome === 'return' ? returnedLines(form, req.data) : undefined,
    data: (req.data ?? {}) as Record<string, unknown>,
    by,
    at,
  };
  const output: TaskDecision = {
    outcome: req.outcome,
    submissionId: submission.id,
    by: p.username,
    at,
    ...(comment ? { comment } : {}),
    ...(returnTo ? { returnTo } : {}),
  };
  const response: CompleteResponse = {
    id,
    status: 'done',
    version: task.version + 1,
    outcome: req.outcome,
    submissionId: submission.id,
    returnTo,
    completedAt: at,
  };
  const done: Task = {
    ...task,
    status: 'done',
    version: task.version + 1,
    completedAt: at,
    completedBy: by,
    outcome: req.outcome,
    submissionId: submission.id,
  };
  const completed = newEvent(rt.source, 'TaskCompleted', { task: summaryOf(done) });
  const marker: ResumeMarker = {
    taskId: id,
    token: task.token,
    executionArn: task.executionArn,
    output,
    at,
    idempotency: { scope, key: idempotencyKey },
  };
  try {
    await withRetry(() =>
      transact(
        rt.db,
        [
          {
            Update: {
              TableName: rt.table,
              Key: keys.task(id),
              UpdateExpression:
                'SET #status = :done, #v = :nv, completedAt = :at, completedBy = :by, outcome = :outcome, submissionId = :sid, #comment = :comment REMOVE #draft, #timer, gsi2pk, gsi2sk',
              ConditionExpression: '#status = :open AND #v = :v',
              ExpressionAttributeNames: {
                '#status': 'status',
                '#v': 'version',
                '#draft': 'draft',
                '#comment': 'comment',
                '#timer': 'timer',
              },
              ExpressionAttributeValues: {
                ':done': 'done',
                ':open': 'open',
                ':v': task.version,
                ':nv': task.version + 1,
                ':at': at,
                ':by': by,
                ':outcome': req.outcome,
                ':sid': submission.id,
                ':comment': comment ?? null,
              },
            },
          },
          submissionPut(rt.table, submission),
          auditPut(
            rt.table,
            keys.taskPartition(id),
            {
              at,
              action: 'task.completed',
              by,
              round: {
                year: task.year,
                step: task.step,
                submissionId: submission.id,
                attempt: task.taskAttempt,
              },
              summary: `${task.title.zh}：${OUTCOME_ZH[req.outcome] ?? req.outcome}${returnTo ? `（退回至 ${returnTo}）` : ''}`,
              details: { outcome: req.outcome, comment, returnTo },
            },
            now,
          ),
          resumeMarkerPut(rt, marker),
          idempotencyPut(rt, scope, idempotencyKey, { requestHash: hash, status: 200, response, at }, now),
          {
            Put: {
              TableName: rt.table,
              Item: {
                ...keys.outbox(completed.eventId),
                ...keys.outboxPending(at, completed.eventId),
                kind: 'outbox',
                at,
                event: completed,
              },
            },
          },
        ],
        (idx) => {
          if (idx === 0) return new TaskAlreadyCompleted();
          if (idx === 4) return new IdempotencyRace();
          return new Busy();
        },
      ),
    );
  } catch (e) {
    // A double click races its twin: whichever lost answers with what the winner stored.
    if (e instanceof Conflict) {
      const first = await getIdempotency(rt, scope, idempotencyKey);
      if (first) return answerRepeat(rt, first, hash, id, { scope, idempotencyKey });
      if (e instanceof Busy) {
        const now2 = await getTask(rt, id);
        if (now2?.status === 'done') throw new TaskAlreadyCompleted();
      }
    }
    throw e;
  }
  // A crash right here is what the resume marker is for.
  rt.fault('after-complete-write');
  // Resume and publish side by side, then drop the bookkeeping rows of what went out in one batch.
  const [resumed, published] = await Promise.allSettled([
    sendResume(rt, marker),
    putEvents(busOf(rt), [completed]),
  ]);
  if (resumed.status === 'fulfilled' && resumed.value === 'refused') {
    // The execution no longer waits on this task: unless its history holds this very decision, it is undone.
    if (!(await decisionApplied(rt, marker))) {
      await deliverResume(rt, marker);
      throw new TaskCancelled();
    }
  }
  const delivered = [
    ...(resumed.status === 'fulfilled' ? [keys.resumeMarker(id)] : []),
    ...(published.status === 'fulfilled' ? [keys.outbox(completed.eventId)] : []),
  ];
  for (const r of [resumed, published]) {
    if (r.status === 'rejected')
      log.warn('delivery deferred to recovery', { taskId: id, error: String(r.reason) });
  }
  await deleteKeys(rt.db, rt.table, delivered).catch((e) => {
    log.warn('bookkeeping cleanup deferred', { taskId: id, error: String(e) });
  });
  return response;
}

function busOf(rt: Runtime) {
  return { events: rt.events, busName: rt.cfg.eventBusName };
}

/** Retries a transaction on Busy (TransactionConflict) with a small random backoff. */
async function withRetry<T>(attempt: () => Promise<T>, tries = 8): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (e) {
      if (!(e instanceof Busy) || i >= tries - 1) throw e;
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 60 * (i + 1)));
    }
  }
}

async function answerRepeat(
  rt: Runtime,
  prior: { requestHash: string; status: number; response: unknown },
  hash: string,
  taskId: string,
  key: { scope: string; idempotencyKey: string },
): Promise<CompleteResponse> {
  if (prior.requestHash !== hash) throw new Conflict('该幂等键已用于另一个请求', 'IdempotencyKeyReused');
  await recoverQuietly(rt, taskId);
  // Recovery may have found the decision undone, which rewrote the stored answer: answer what is stored now.
  const answer = (await getIdempotency(rt, key.scope, key.idempotencyKey)) ?? prior;
  if (answer.status !== 200) {
    const body = answer.response as { code?: string; message?: string };
    if (body?.code === 'TaskCancelled') throw new TaskCancelled(body.message);
    throw new Conflict(body?.message, body?.code);
  }
  return answer.response as CompleteResponse;
}
