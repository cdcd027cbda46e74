/**
 * Pure helpers of the task page: which data to start from (server data, server draft, or the local
 * backup of unsent typing), the earlier submission to compare with, and the outcomes a task offers.
 * Nothing here knows a workflow or a form: what fields mean comes from the form's declared roles
 * (forms/roles.ts), the rule facts and the comparison from the server.
 */
import type { PreviousSubmission, TaskDetail } from '../api/types';

/** The local copy of unsent typing, kept so a sign-in redirect or a closed tab loses nothing. */
export interface LocalBackup {
  data: unknown;
  /** Epoch ms of the last change. */
  at: number;
  /** The server draft time it was based on, if any. */
  base?: string;
}

/**
 * Where the form starts: a done task shows what was submitted; an open one the local backup of
 * unsent typing when it is newer than the server's draft, else what the server shows (its draft,
 * or the prefill).
 */
export function initialData(
  task: Pick<TaskDetail, 'status' | 'data' | 'prefill' | 'draft'>,
  backup: LocalBackup | null,
): { data: unknown; source: 'submission' | 'backup' | 'draft' | 'prefill' } {
  if (task.status !== 'open') return { data: task.data ?? {}, source: 'submission' };
  const at = task.draft ? Date.parse(task.draft.savedAt) : Number.NaN;
  if (backup && (!task.draft || !Number.isFinite(at) || backup.at > at)) {
    return { data: backup.data, source: 'backup' };
  }
  if (task.draft) return { data: task.data ?? {}, source: 'draft' };
  return { data: task.data ?? task.prefill ?? {}, source: 'prefill' };
}

/** The earlier submission the server chose to compare with, else the newest one. */
export function compareWithOf(
  task: Pick<TaskDetail, 'previous' | 'compareWith'>,
): PreviousSubmission | undefined {
  return task.previous.find((p) => p.submissionId === task.compareWith) ?? task.previous[0];
}

/** The outcomes to offer, in the order the step allows them. */
export function outcomesFor(task: Pick<TaskDetail, 'allowedOutcomes'>): string[] {
  return task.allowedOutcomes.length ? task.allowedOutcomes : ['submit'];
}

/** Removes the field errors a change has answered: those at or under the changed pointer. */
export function dropErrorsAt<E extends { path: string }>(errors: ReadonlyArray<E>, changed: string): E[] {
  if (!changed) return [...errors];
  return errors.filter((e) => !(e.path === changed || e.path.startsWith(`${changed}/`)));
}
