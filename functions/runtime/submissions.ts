/**
 * Submissions: the immutable snapshot of what someone decided at a step, stored in the partition of
 * the instance run, plus the generic readings of them every workflow shares (the latest of a form,
 * the returns a reopened step answers).
 */
import type { Assignee } from '../../contracts/events';
import type { FanOutItem, Outcome } from '../../contracts/steps';
import type { Actor } from '../core/audit';
import { queryAll, type TransactItem } from '../core/db';
import { keys, SUBMISSION_PREFIX, stripKeys } from '../core/keys';
import type { Runtime } from './context';

/** A line a reviewer returned, as the submission records it (from the form's field roles). */
export interface ReturnedLine {
  key: string;
  label?: string;
  comment?: string;
}

/** What someone submitted at a step. */
export interface Submission {
  id: string;
  workflowId: string;
  subject: string;
  attempt: number;
  year: number;
  county: string;
  step: string;
  /** The step's title when submitted (zh), for histories. */
  stepTitle?: string;
  formId?: string;
  formVersion?: number;
  taskId: string;
  assignee: Assignee;
  item?: FanOutItem;
  /** 1 for the first time this step was done by this org, 2 after a return, ... */
  taskAttempt: number;
  outcome: Outcome;
  comment?: string;
  returnTo?: string;
  /** Lines marked for return (reviews whose form declares per-line decisions). */
  returnedLines?: ReturnedLine[];
  data: Record<string, unknown>;
  by: Actor;
  at: string;
}

/** The run an instance-scoped thing belongs to. */
export interface RunRef {
  workflowId: string;
  subject: string;
  attempt: number;
}

/** Every submission of a run, oldest first (one Query on the run's partition). */
export async function listSubmissions(rt: Runtime, run: RunRef): Promise<Submission[]> {
  const items = await queryAll(rt.db, rt.table, keys.runPartition(run.workflowId, run.subject, run.attempt), {
    prefix: SUBMISSION_PREFIX,
    consistent: true,
  });
  return items.map((i) => stripKeys(i) as unknown as Submission);
}

/** The transaction item that writes an immutable submission (fails if its id exists). */
export function submissionPut(table: string, s: Submission): TransactItem {
  return {
    Put: {
      TableName: table,
      Item: { ...keys.submission(s.workflowId, s.subject, s.attempt, s.id), kind: 'submission', ...s },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** The latest submission of a form, if any. */
export function latestOf(subs: readonly Submission[], formId: string): Submission | undefined {
  for (let i = subs.length - 1; i >= 0; i--) if (subs[i].formId === formId) return subs[i];
  return undefined;
}

/** The latest submission at a step, if any. */
export function latestAtStep(subs: readonly Submission[], step: string): Submission | undefined {
  for (let i = subs.length - 1; i >= 0; i--) if (subs[i].step === step) return subs[i];
  return undefined;
}

/** Review comments that sent work back to a step since its last submission. */
export interface ReturnNote {
  step: string;
  stepTitle?: string;
  org: string;
  by: Actor;
  at: string;
  comment?: string;
  lines: ReturnedLine[];
}

/**
 * The step a return sent work back to: its `returnTo`, or (for a return recorded without one) the
 * step of the latest submitted work before it, which is what a review returns by default.
 */
function returnTarget(ret: Submission, submissions: readonly Submission[]): string | undefined {
  if (ret.returnTo) return ret.returnTo;
  for (let i = submissions.length - 1; i >= 0; i--) {
    const s = submissions[i];
    if (s.at < ret.at && s.outcome === 'submit') return s.step;
  }
  return undefined;
}

/**
 * The returns a task of `step` answers: every return that sent work back to this very step after
 * the step's last submission (all of them when it was never submitted). Returns aimed at another
 * step never show, and a step answered once does not show them again.
 */
export function returnNotes(step: string, submissions: readonly Submission[]): ReturnNote[] {
  let last: Submission | undefined;
  for (const s of submissions) if (s.step === step && (!last || s.at > last.at)) last = s;
  return submissions
    .filter(
      (s) => s.outcome === 'return' && (!last || s.at > last.at) && returnTarget(s, submissions) === step,
    )
    .map((s) => ({
      step: s.step,
      stepTitle: s.stepTitle,
      org: s.assignee.org,
      by: s.by,
      at: s.at,
      comment: s.comment,
      lines: s.returnedLines ?? [],
    }));
}
