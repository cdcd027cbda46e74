/**
 * GET /tasks/{id}: the task with its pinned form, the data the form shows, the facts its rules need,
 * the returns it answers and the earlier submissions to compare with. The kit of the task's
 * instance supplies prefill, facts and comparison; without one, the runtime's defaults apply. A draft
 * is private to the org working the step: others see the task, never the draft.
 */
import type { PinnedForm, PreviousSubmission, TaskView } from '../../../contracts/api';
import { canCompleteTask, canReadTask, isAssignee, type Principal } from '../../core/auth';
import { NotFound } from '../../core/errors';
import { kitOf, type Runtime } from '../context';
import { getInstance } from '../instances';
import type { TaskArgs } from '../kit';
import { latestAtStep, listSubmissions, returnNotes, type Submission } from '../submissions';
import { recoverQuietly } from './deliver';
import { getTask, summaryOf, type Task } from './model';

/** Loads a task the principal may read, or NotFound (existence is not revealed to others). */
export async function readableTask(rt: Runtime, p: Principal, id: string): Promise<Task> {
  const task = await getTask(rt, id);
  if (!task || !canReadTask(p, task)) throw new NotFound('任务不存在');
  return task;
}

/** The definition of a pinned form version as a task shows it. */
export async function pinnedForm(rt: Runtime, id: string, version: number): Promise<PinnedForm> {
  const def = await rt.definitions.form(id, version);
  if (!def) throw new Error(`Form ${id}@${version} is not published`);
  return {
    id: def.id,
    version: def.version,
    title: def.title,
    description: def.description,
    schema: def.schema,
    uiSchema: def.uiSchema,
    i18n: def.i18n,
    roles: def.roles as Record<string, string> | undefined,
    rules: def.rules,
  };
}

function toPrevious(s: Submission): PreviousSubmission {
  return {
    submissionId: s.id,
    step: s.step,
    stepTitle: s.stepTitle,
    formId: s.formId,
    formVersion: s.formVersion,
    attempt: s.taskAttempt,
    org: s.assignee.org,
    outcome: s.outcome,
    by: s.by,
    at: s.at,
    comment: s.comment,
    data: s.data,
  };
}

/** The runtime's prefill: after a return, the org's own last submission at this step; else empty. */
function defaultPrefill(a: TaskArgs): unknown {
  const own = a.submissions.filter((s) => s.step === a.task.step && s.assignee.org === a.task.assignee.org);
  const last = own[own.length - 1];
  return last ? structuredClone(last.data) : {};
}

/** The task's kit arguments and the kit itself. */
export async function taskArgs(rt: Runtime, task: Task, subs?: readonly Submission[]) {
  const instance = await getInstance(rt, task.workflowId, task.subject);
  if (!instance) throw new Error(`task ${task.id} has no instance ${task.workflowId}/${task.subject}`);
  const all = subs ?? (await listSubmissions(rt, task));
  const own = all.find((s) => s.taskId === task.id);
  const before = own ? all.filter((s) => s.at < own.at) : all;
  const args: TaskArgs = { rt, instance, task, submissions: before };
  return { args, kit: kitOf(rt, instance.kit), own };
}

/** The rule facts of a task's form: the year, plus what the kit adds. */
export async function factsOf(rt: Runtime, args: TaskArgs, kit = kitOf(rt, args.instance.kit)) {
  return { year: args.task.year, ...((await kit?.facts?.(args)) ?? {}) };
}

export async function taskView(rt: Runtime, p: Principal, id: string): Promise<TaskView> {
  const task = await readableTask(rt, p, id);
  if (task.status === 'done') await recoverQuietly(rt, id);
  const { args, kit, own } = await taskArgs(rt, task);
  const before = args.submissions;
  const [form, prefillRaw, facts] = await Promise.all([
    task.formId && task.formVersion ? pinnedForm(rt, task.formId, task.formVersion) : undefined,
    kit?.prefill ? kit.prefill(args) : undefined,
    factsOf(rt, args, kit),
  ]);
  const prefill = prefillRaw ?? defaultPrefill(args);
  const comparison = kit?.comparison
    ? kit.comparison(args)
    : before.filter((s) => s.formId === task.formId).reverse();
  const compareWith = kit?.compareWith?.(args) ?? latestAtStep(before, task.step)?.id ?? comparison[0]?.id;
  const draftVisible = isAssignee(p, task) && task.draft;
  return {
    ...summaryOf(task),
    allowedOutcomes: task.allowedOutcomes,
    returnTargets: task.returnTargets,
    form,
    notice: task.notice,
    data: own ? own.data : draftVisible ? task.draft!.data : prefill,
    prefill,
    facts,
    draft: draftVisible ? { savedAt: task.draft!.savedAt, by: task.draft!.by } : null,
    submission: own
      ? { id: own.id, outcome: own.outcome, comment: own.comment, at: own.at, by: own.by }
      : undefined,
    returns: returnNotes(task.step, before),
    previous: comparison.map(toPrevious),
    compareWith,
    canComplete: task.status === 'open' && canCompleteTask(p, task),
  };
}
