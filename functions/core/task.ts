/**
 * Human tasks of a workflow: opened by the `OpenTask` function when an execution reaches a human
 * step (callback pattern), read and drafted by their assignee, completed once. Completion writes the
 * decision, the submission snapshot, the audit entry, the idempotency answer and the resume marker
 * in one transaction, then resumes the execution (see resume.ts).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  type Allocation,
  AllocationBusy,
  type AllocationInput,
  allocationChange,
  getAllocation,
  listSubmissions,
  putAllocationOnce,
  submissionPut,
  withAllocationRetry,
} from './allocation';
import { type Actor, actorOf, auditPut, SYSTEM_ACTOR } from './audit';
import { type Assignee, canCompleteTask, canReadTask, type Principal, ROLES, type Role } from './auth';
import { type Ctx, stackCounty } from './context';
import { deleteKeys, type TransactItem, transact } from './db';
import { type DueRule, resolveDue } from './due';
import { Conflict, Forbidden, NotFound, TaskAlreadyCompleted, ValidationFailed } from './errors';
import {
  newEvent,
  type OutboxEvent,
  outboxPut,
  publishOutbox,
  putEvents,
  SOURCE,
  type TaskSummary,
} from './events';
import { type PinnedForm, pinnedForm, validateForm } from './forms';
import { getIdempotency, idempotencyPut, requestHash } from './idempotency';
import { sortableId, stableHash } from './ids';
import { keys, stripKeys } from './keys';
import {
  comparisonRounds,
  latestOf,
  leadDeptsOf,
  linesOf,
  type Outcome,
  prefill,
  type ReturnNote,
  returnNotes,
  type Submission,
} from './prefill';
import { recoverTask, resumeMarkerPut, sendResume, type TaskOutput } from './resume';

/** The payload a human step's Task state sends to OpenTask (contracts). */
export interface OpenTaskPayload {
  kind: 'openTask';
  taskToken: string;
  executionArn: string;
  workflowId: string;
  workflowVersion: number;
  step: string;
  title: { zh: string; en?: string };
  formId: string;
  formVersion: number;
  assignee: { role: string; org: string; leadDept?: string };
  leadDept?: string;
  due?: DueRule;
  reminder?: unknown;
  escalation?: unknown;
  allowedOutcomes: Outcome[];
  returnTargets?: string[];
  execution: AllocationInput;
  state?: unknown;
}

/** A task as stored. */
export interface Task {
  id: string;
  county: string;
  countyName: string;
  year: number;
  executionArn: string;
  workflowId: string;
  workflowVersion: number;
  step: string;
  title: { zh: string; en?: string };
  formId: string;
  formVersion: number;
  assignee: Assignee;
  leadDept?: string;
  dueAt?: string;
  reminder?: unknown;
  escalation?: unknown;
  allowedOutcomes: Outcome[];
  returnTargets?: string[];
  status: 'open' | 'done';
  version: number;
  token: string;
  openedAt: string;
  attempt: number;
  draft?: { data: unknown; savedAt: string; by: Actor };
  completedAt?: string;
  completedBy?: Actor;
  outcome?: Outcome;
  submissionId?: string;
  comment?: string;
}

/** The city office's org id; `org: "city"` in a workflow means it. */
export const CITY_OFFICE_ORG = 'city_office';

/** Resolves a workflow `who.org` to a concrete org id. */
export function resolveOrg(org: string, facts: { county: string; leadDept?: string }): string {
  if (org === 'county') return facts.county;
  if (org === 'city') return CITY_OFFICE_ORG;
  if (org === 'leadDept') {
    if (!facts.leadDept) throw new Error('assignee org "leadDept" outside a lead-department fan-out');
    return facts.leadDept;
  }
  return org;
}

/** The inbox summary of a task (what events carry). */
export function summaryOf(t: Task): TaskSummary {
  return {
    id: t.id,
    county: t.county,
    countyName: t.countyName,
    year: t.year,
    step: t.step,
    title: t.title,
    formId: t.formId,
    formVersion: t.formVersion,
    assignee: t.assignee,
    status: t.status,
    dueAt: t.dueAt,
    openedAt: t.openedAt,
    completedAt: t.completedAt,
    completedBy: t.completedBy?.name,
    outcome: t.outcome,
    version: t.version,
  };
}

/** Reads a task (strongly consistent). */
export async function getTask(ctx: Ctx, id: string): Promise<Task | undefined> {
  if (!/^[0-9a-f]{24}$/.test(id)) return undefined;
  const res = await ctx.db.send(
    new GetCommand({ TableName: ctx.table, Key: keys.task(id), ConsistentRead: true }),
  );
  return res.Item ? (stripKeys(res.Item) as unknown as Task) : undefined;
}

function bus(ctx: Ctx) {
  return { db: ctx.db, table: ctx.table, events: ctx.events, busName: ctx.cfg.eventBusName };
}

/** Publishes right after a commit; a failure leaves the events in the outbox for the sweeper. */
async function publishAfterCommit(ctx: Ctx, events: OutboxEvent[]): Promise<void> {
  try {
    await publishOutbox(bus(ctx), events);
  } catch (e) {
    console.error(JSON.stringify({ level: 'warn', msg: 'publish deferred to sweeper', error: String(e) }));
  }
}

/** Writes the allocation item if an execution got ahead of StartAllocation (started by hand). */
async function ensureAllocation(ctx: Ctx, input: AllocationInput): Promise<Allocation> {
  if (!input || !Number.isInteger(input.year)) throw new Error('OpenTask: execution input has no year');
  const found = await getAllocation(ctx, input.year);
  if (found) return found;
  const at = ctx.now().toISOString();
  const alloc: Allocation = {
    year: input.year,
    county: input.county.code,
    countyName: input.county.name,
    roundId: input.roundId,
    status: 'running',
    projects: input.projects,
    startedAt: at,
    version: 1,
  };
  await putAllocationOnce(ctx, alloc);
  return (await getAllocation(ctx, input.year)) as Allocation;
}

/**
 * OpenTask: stores the open task of a human step and returns; the execution waits for the token.
 * Idempotent on the token (a retried invoke finds the task it already stored).
 */
export async function openTask(
  ctx: Ctx,
  payload: OpenTaskPayload,
): Promise<{ taskId: string; created: boolean }> {
  const county = stackCounty(ctx);
  if (payload?.kind !== 'openTask' || typeof payload.taskToken !== 'string' || !payload.execution) {
    throw new Error('OpenTask: payload is not an openTask request');
  }
  const id = stableHash(payload.taskToken);
  const [existing, , subs] = await Promise.all([
    getTask(ctx, id),
    ensureAllocation(ctx, payload.execution),
    listSubmissions(ctx, payload.execution.year),
  ]);
  if (existing) return { taskId: id, created: false };
  const input = payload.execution;
  const year = input.year;
  const leadDept = payload.assignee.leadDept ?? payload.leadDept;
  const role = payload.assignee.role as Role;
  if (!(ROLES as readonly string[]).includes(role))
    throw new Error(`OpenTask: unknown role ${payload.assignee.role}`);
  const org = resolveOrg(payload.assignee.org, { county, leadDept });
  const now = ctx.now();
  const at = now.toISOString();
  const task: Task = {
    id,
    county,
    countyName: input.county?.name ?? county,
    year,
    executionArn: payload.executionArn,
    workflowId: payload.workflowId,
    workflowVersion: payload.workflowVersion,
    step: payload.step,
    title: payload.title,
    formId: payload.formId,
    formVersion: payload.formVersion,
    assignee: { role, org },
    leadDept,
    dueAt: resolveDue(payload.due, now, year),
    reminder: payload.reminder,
    escalation: payload.escalation,
    allowedOutcomes: payload.allowedOutcomes?.length ? payload.allowedOutcomes : ['submit'],
    returnTargets: payload.returnTargets,
    status: 'open',
    version: 1,
    token: payload.taskToken,
    openedAt: at,
    attempt: 1 + subs.filter((s) => s.step === payload.step && s.assignee.org === org).length,
  };
  const opened = newEvent(SOURCE.county, 'TaskOpened', { task: summaryOf(task) });
  // No shared item in this transaction: the parallel reviews of a fan-out open without contending.
  const created = await withAllocationRetry(async () => {
    try {
      await transact(
        ctx.db,
        [
          {
            Put: {
              TableName: ctx.table,
              Item: { ...keys.task(id), ...keys.taskByAllocation(year, at, id), kind: 'task', ...task },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          auditPut(
            ctx.table,
            keys.taskPartition(id),
            {
              at,
              action: 'task.opened',
              by: SYSTEM_ACTOR,
              round: { year, step: payload.step, attempt: task.attempt },
              summary: `待办：${payload.title.zh}（${org}）`,
            },
            now,
          ),
          outboxPut(ctx.table, opened, at),
        ],
        (idx) => (idx === 0 ? new Conflict('task exists', 'TaskExists') : new AllocationBusy()),
      );
    } catch (e) {
      if (e instanceof Conflict && e.code === 'TaskExists') return false;
      throw e;
    }
    return true;
  });
  const events: OutboxEvent[] = [opened];
  if (created) await publishAfterCommit(ctx, events);
  return { taskId: id, created };
}

/** Loads a task the principal may read, or NotFound (existence is not revealed to others). */
async function readableTask(ctx: Ctx, p: Principal, id: string): Promise<Task> {
  const task = await getTask(ctx, id);
  if (!task || !canReadTask(p, task)) throw new NotFound('任务不存在');
  return task;
}

/** One earlier submission shown for comparison. */
export interface PreviousRound {
  submissionId: string;
  step: string;
  formId: string;
  formVersion: number;
  attempt: number;
  org: string;
  outcome: Outcome;
  by: Actor;
  at: string;
  comment?: string;
  data: unknown;
}

/** What GET /tasks/{id} returns. */
export interface TaskView extends TaskSummary {
  allowedOutcomes: Outcome[];
  returnTargets?: string[];
  attempt: number;
  leadDept?: string;
  form: PinnedForm;
  /** What the form shows: the draft, else the prefill (or the submitted data once done). */
  data: unknown;
  prefill?: unknown;
  draft: { savedAt: string; by: Actor } | null;
  submission?: { id: string; outcome: Outcome; comment?: string; at: string; by: Actor };
  returns: ReturnNote[];
  previousRounds: PreviousRound[];
  canComplete: boolean;
}

function toPrevious(s: Submission): PreviousRound {
  return {
    submissionId: s.id,
    step: s.step,
    formId: s.formId,
    formVersion: s.formVersion,
    attempt: s.attempt,
    org: s.assignee.org,
    outcome: s.outcome,
    by: s.by,
    at: s.at,
    comment: s.comment,
    data: s.data,
  };
}

/** GET /tasks/{id}: the task with its pinned form, its data and the rounds before it. */
export async function taskView(ctx: Ctx, p: Principal, id: string): Promise<TaskView> {
  const task = await readableTask(ctx, p, id);
  if (task.status === 'done') await recoverQuietly(ctx, id);
  const alloc = await getAllocation(ctx, task.year);
  const subs = await listSubmissions(ctx, task.year);
  const own = subs.find((s) => s.taskId === id);
  const before = own ? subs.filter((s) => s.at < own.at) : subs;
  const pre = prefill({
    formId: task.formId,
    year: task.year,
    projects: alloc?.projects ?? [],
    submissions: before,
    leadDept: task.leadDept,
  });
  return {
    ...summaryOf(task),
    allowedOutcomes: task.allowedOutcomes,
    returnTargets: task.returnTargets,
    attempt: task.attempt,
    leadDept: task.leadDept,
    form: pinnedForm(task.formId, task.formVersion),
    data: own ? own.data : (task.draft?.data ?? pre),
    prefill: pre,
    draft: task.draft ? { savedAt: task.draft.savedAt, by: task.draft.by } : null,
    submission: own
      ? { id: own.id, outcome: own.outcome, comment: own.comment, at: own.at, by: own.by }
      : undefined,
    returns: returnNotes(task.step, before),
    previousRounds: comparisonRounds(task.formId, before).map(toPrevious),
    canComplete: task.status === 'open' && canCompleteTask(p, task),
  };
}

/** PUT /tasks/{id}/draft: keeps unfinished data on the open task (with its audit entry). */
export async function saveDraft(
  ctx: Ctx,
  p: Principal,
  id: string,
  data: unknown,
): Promise<{ id: string; savedAt: string }> {
  const task = await readableTask(ctx, p, id);
  if (!canCompleteTask(p, task)) throw new Forbidden('只有任务承办人可以保存草稿');
  if (task.status !== 'open') throw new TaskAlreadyCompleted();
  const now = ctx.now();
  const at = now.toISOString();
  await transact(
    ctx.db,
    [
      {
        Update: {
          TableName: ctx.table,
          Key: keys.task(id),
          UpdateExpression: 'SET #draft = :draft',
          ConditionExpression: '#status = :open',
          ExpressionAttributeNames: { '#draft': 'draft', '#status': 'status' },
          ExpressionAttributeValues: { ':draft': { data, savedAt: at, by: actorOf(p) }, ':open': 'open' },
        },
      },
      auditPut(
        ctx.table,
        keys.taskPartition(id),
        {
          at,
          action: 'task.draftSaved',
          by: actorOf(p),
          round: { year: task.year, step: task.step, attempt: task.attempt },
          summary: '保存草稿',
        },
        now,
      ),
    ],
    () => new TaskAlreadyCompleted(),
  );
  return { id, savedAt: at };
}

/** The body of POST /tasks/{id}/complete. */
export interface CompleteRequest {
  outcome: Outcome;
  data: unknown;
  comment?: string;
  /** For a return with more than one possible target; defaults to the first. */
  returnTo?: string;
}

/** The answer to a completion (also what a repeat with the same Idempotency-Key gets). */
export interface CompleteResponse {
  id: string;
  status: 'done';
  version: number;
  outcome: Outcome;
  submissionId: string;
  returnTo?: string;
  completedAt: string;
}

/**
 * Decision consistency of review forms: "approve" with a line marked "return" is contradictory, and
 * a "return" must say what to revise (a returned line or a comment).
 */
export function checkDecision(outcome: Outcome, data: unknown, comment: string | undefined): void {
  const lines = linesOf(data);
  if (!lines.some((l) => 'decision' in l)) return;
  if (outcome === 'approve') {
    const errors = lines.flatMap((l, i) =>
      l.decision === 'return'
        ? [{ path: `/lines/${i}/decision`, message: `第${i + 1}行：选择“同意”时不能有退回修改的项目` }]
        : [],
    );
    if (errors.length) throw new ValidationFailed(errors);
  }
  if (outcome === 'return' && !lines.some((l) => l.decision === 'return') && !comment?.trim()) {
    throw new ValidationFailed([{ path: '/comment', message: '退回修改须至少退回一个项目或填写退回意见' }]);
  }
}

async function recoverQuietly(ctx: Ctx, taskId: string): Promise<void> {
  try {
    await recoverTask(ctx, taskId);
  } catch (e) {
    console.error(
      JSON.stringify({
        level: 'warn',
        msg: 'resume recovery failed; sweeper will retry',
        taskId,
        error: String(e),
      }),
    );
  }
}

class IdempotencyRace extends Conflict {
  constructor() {
    super('同一幂等键的请求正在处理', 'IdempotencyRace');
  }
}

/**
 * POST /tasks/{id}/complete. Exactly once: a repeat with the same key returns the first answer; a
 * completed task refuses any other completion with TaskAlreadyCompleted; of two concurrent
 * completions one wins, the other gets 409.
 */
export async function completeTask(
  ctx: Ctx,
  p: Principal,
  id: string,
  req: CompleteRequest,
  idempotencyKey: string,
): Promise<CompleteResponse> {
  const hash = requestHash(`complete ${id}`, req);
  const scope = p.sub;
  const [prior, found] = await Promise.all([getIdempotency(ctx, scope, idempotencyKey), getTask(ctx, id)]);
  if (prior) return answerRepeat(ctx, prior, hash, id);
  if (!found || !canReadTask(p, found)) throw new NotFound('任务不存在');
  const task = found;
  if (!canCompleteTask(p, task)) throw new Forbidden('只有任务承办人可以办理');
  if (task.status !== 'open') {
    await recoverQuietly(ctx, id);
    throw new TaskAlreadyCompleted();
  }
  if (!task.allowedOutcomes.includes(req.outcome)) {
    throw new ValidationFailed([
      { path: '/outcome', message: `本环节只能选择：${task.allowedOutcomes.join('、')}` },
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
  checkDecision(req.outcome, req.data, req.comment);
  const [subs, alloc0] = await Promise.all([listSubmissions(ctx, task.year), getAllocation(ctx, task.year)]);
  const projects = alloc0?.projects ?? [];
  validateForm(task.formId, task.formVersion, req.data, {
    year: task.year,
    projects,
    control: latestOf(subs, 'alloc-control')?.data,
  });

  const now = ctx.now();
  const at = now.toISOString();
  const by = actorOf(p);
  const submission: Submission = {
    id: sortableId(now),
    year: task.year,
    county: task.county,
    step: task.step,
    stepTitle: task.title.zh,
    formId: task.formId,
    formVersion: task.formVersion,
    taskId: id,
    assignee: task.assignee,
    leadDept: task.leadDept,
    attempt: task.attempt,
    outcome: req.outcome,
    comment: req.comment,
    returnTo,
    data: req.data as Record<string, unknown>,
    by,
    at,
  };
  const leadDepts = req.outcome === 'submit' ? leadDeptsOf(req.data, projects) : [];
  const output: TaskOutput = {
    outcome: req.outcome,
    submissionId: submission.id,
    by: p.username,
    at,
    ...(req.comment ? { comment: req.comment } : {}),
    ...(returnTo ? { returnTo } : {}),
    ...(leadDepts.length ? { routing: { leadDepts } } : {}),
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
  const completed = newEvent(SOURCE.county, 'TaskCompleted', { task: summaryOf(done) });
  const marker = { taskId: id, year: task.year, token: task.token, output, at };
  let events: OutboxEvent[] = [completed];
  let known = alloc0;
  try {
    await withAllocationRetry(async () => {
      // "Reject" ends the county's allocation (不予安排): its status changes with the decision.
      const closing: { item: TransactItem; event: OutboxEvent }[] = [];
      if (req.outcome === 'reject') {
        const alloc = known ?? (await getAllocation(ctx, task.year));
        known = undefined;
        if (alloc && alloc.status === 'running') {
          closing.push(
            allocationChange(
              ctx,
              alloc,
              { step: task.step, kind: 'finished', status: 'rejected', extra: { completedAt: at } },
              at,
            ),
          );
        }
      }
      await transact(
        ctx.db,
        [
          {
            Update: {
              TableName: ctx.table,
              Key: keys.task(id),
              UpdateExpression:
                'SET #status = :done, #v = :nv, completedAt = :at, completedBy = :by, outcome = :outcome, submissionId = :sid, #comment = :comment REMOVE #draft',
              ConditionExpression: '#status = :open AND #v = :v',
              ExpressionAttributeNames: {
                '#status': 'status',
                '#v': 'version',
                '#draft': 'draft',
                '#comment': 'comment',
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
                ':comment': req.comment ?? null,
              },
            },
          },
          submissionPut(ctx, submission),
          auditPut(
            ctx.table,
            keys.taskPartition(id),
            {
              at,
              action: 'task.completed',
              by,
              round: { year: task.year, step: task.step, submissionId: submission.id, attempt: task.attempt },
              summary: `${task.title.zh}：${OUTCOME_ZH[req.outcome]}${returnTo ? `（退回至 ${returnTo}）` : ''}`,
              details: { outcome: req.outcome, comment: req.comment, returnTo },
            },
            now,
          ),
          resumeMarkerPut(ctx, marker),
          idempotencyPut(ctx, scope, idempotencyKey, { requestHash: hash, status: 200, response, at }, now),
          outboxPut(ctx.table, completed, at),
          ...closing.flatMap((c) => [c.item, outboxPut(ctx.table, c.event, at)]),
        ],
        (idx) => {
          if (idx === 0) return new TaskAlreadyCompleted();
          if (idx === 4) return new IdempotencyRace();
          // TransactionConflict (idx -1): another transaction held an item; try again.
          return new AllocationBusy();
        },
      );
      events = [completed, ...closing.map((c) => c.event)];
    });
  } catch (e) {
    // A double click races its twin: whichever lost answers with what the winner stored.
    if (e instanceof Conflict) {
      const first = await getIdempotency(ctx, scope, idempotencyKey);
      if (first) return answerRepeat(ctx, first, hash, id);
    }
    if (e instanceof AllocationBusy) {
      // Still conflicting after retries: either the task moved (someone else completed it) or a storm.
      const now2 = await getTask(ctx, id);
      if (now2?.status === 'done') throw new TaskAlreadyCompleted();
    }
    throw e;
  }
  // A crash right here is what the resume marker is for.
  ctx.fault('after-complete-write');
  // Resume and publish side by side, then drop the bookkeeping rows of what went out in one batch;
  // whatever failed stays for the next request or the sweeper.
  const [resumed, published] = await Promise.allSettled([
    sendResume(ctx, marker),
    putEvents(bus(ctx), events),
  ]);
  const delivered = [
    ...(resumed.status === 'fulfilled' ? [keys.resumeMarker(id)] : []),
    ...(published.status === 'fulfilled' ? events.map((e) => keys.outbox(e.eventId)) : []),
  ];
  for (const r of [resumed, published]) {
    if (r.status === 'rejected') {
      console.error(
        JSON.stringify({
          level: 'warn',
          msg: 'delivery deferred to recovery',
          taskId: id,
          error: String(r.reason),
        }),
      );
    }
  }
  await deleteKeys(ctx.db, ctx.table, delivered).catch((e) => {
    console.error(
      JSON.stringify({ level: 'warn', msg: 'bookkeeping cleanup deferred', taskId: id, error: String(e) }),
    );
  });
  return response;
}

async function answerRepeat(
  ctx: Ctx,
  prior: { requestHash: string; response: unknown },
  hash: string,
  taskId: string,
): Promise<CompleteResponse> {
  if (prior.requestHash !== hash) throw new Conflict('该幂等键已用于另一个请求', 'IdempotencyKeyReused');
  await recoverQuietly(ctx, taskId);
  return prior.response as CompleteResponse;
}

const OUTCOME_ZH: Record<Outcome, string> = {
  submit: '提交',
  approve: '同意',
  return: '退回修改',
  reject: '不予安排',
};
