/**
 * Pure helpers of the task page: which data to start from (server data, server draft, or the local
 * backup of unsent typing), the previous rounds in one shape, and the outcomes a task offers.
 */
import type { PreviousRound, ReturnNote, TaskDetail } from '../api/types';
import { findLines } from './diff';

/** The local copy of unsent typing, kept so a sign-in redirect or a closed tab loses nothing. */
export interface LocalBackup {
  data: unknown;
  /** Epoch ms of the last change. */
  at: number;
  /** The server draft time it was based on, if any. */
  base?: string;
}

function draftAt(task: TaskDetail): number {
  const d = task.draft as Record<string, unknown> | undefined | null;
  const at = d && typeof d === 'object' ? (d.savedAt ?? d.updatedAt ?? d.at) : undefined;
  return typeof at === 'string' ? Date.parse(at) : Number.NaN;
}

/**
 * Where the form starts: a done task shows what was submitted; an open one the local backup of
 * unsent typing when it is newer than the server's draft, else what the server shows (its draft,
 * or the prefill).
 */
export function initialData(
  task: TaskDetail,
  backup: LocalBackup | null,
): { data: unknown; source: 'submission' | 'backup' | 'draft' | 'prefill' } {
  if (task.status === 'done') {
    return { data: task.submission?.data ?? task.data ?? task.prefill ?? {}, source: 'submission' };
  }
  const d = task.draft as Record<string, unknown> | undefined | null;
  const hasDraft = !!d && typeof d === 'object';
  const at = draftAt(task);
  if (backup && (!hasDraft || !Number.isFinite(at) || backup.at > at))
    return { data: backup.data, source: 'backup' };
  if (hasDraft)
    return { data: d && 'data' in d ? d.data : (task.data ?? task.prefill ?? {}), source: 'draft' };
  return { data: task.data ?? task.prefill ?? {}, source: 'prefill' };
}

/** The earlier rounds, whether the API sends a list or an object keyed by step. */
export function previousRounds(task: TaskDetail): PreviousRound[] {
  const raw = task.previousRounds ?? task.previous;
  if (!raw) return [];
  if (Array.isArray(raw)) return raw.filter((r) => r && typeof r === 'object' && 'data' in r);
  return Object.entries(raw).map(([step, v]) => {
    const rec = v as Record<string, unknown> | null;
    return rec && typeof rec === 'object' && 'data' in rec
      ? ({ step, ...rec } as PreviousRound)
      : ({ step, data: v } as PreviousRound);
  });
}

function hasControlFigures(r: PreviousRound): boolean {
  return findLines(r.data).lines.some((l) => !!l && typeof l === 'object' && 'control' in (l as object));
}

/** The round whose control figures bound a plan (the newest with `control` on its lines), if any. */
export function controlRoundOf(rounds: ReadonlyArray<PreviousRound>): PreviousRound | undefined {
  return rounds.find(hasControlFigures);
}

/**
 * The round a form compares with by default (rounds come newest first): its own last submission
 * (a resubmission), else the newest other round with lines that is not the control figures (a
 * first 二上 compares with 一上: same lines, same fields, while the control figures have neither).
 */
export function compareRoundOf(
  rounds: ReadonlyArray<PreviousRound>,
  formId: string,
): PreviousRound | undefined {
  const control = controlRoundOf(rounds);
  return (
    rounds.find((r) => r.formId === formId) ??
    rounds.find((r) => r !== control && findLines(r.data).lines.length > 0)
  );
}

/** Does this form have a decision per line (a review)? */
export function isReviewForm(schema: unknown): boolean {
  const lines = (
    schema as { properties?: Record<string, { items?: { properties?: Record<string, unknown> } }> }
  )?.properties?.lines;
  return !!lines?.items?.properties && 'decision' in lines.items.properties;
}

/** The outcomes to offer: those the task allows, else submit for filling and approve/return for reviews. */
export function outcomesFor(task: TaskDetail): string[] {
  if (task.allowedOutcomes?.length) return task.allowedOutcomes;
  return isReviewForm(task.form?.schema) ? ['approve', 'return'] : ['submit'];
}

/** The lines a reviewer marked for return. */
export function returnedLines(data: unknown): number[] {
  const lines = (data as { lines?: Array<{ decision?: string }> })?.lines;
  if (!Array.isArray(lines)) return [];
  return lines.flatMap((l, i) => (l?.decision === 'return' ? [i] : []));
}

/**
 * Why an outcome does not fit the per-line decisions, or null: approving with lines marked for
 * return, or returning with none marked.
 */
export function outcomeConflict(
  outcome: string,
  data: unknown,
  review: boolean,
): 'approveWithReturns' | 'returnWithoutLines' | null {
  if (!review) return null;
  const returned = returnedLines(data);
  if (outcome === 'approve' && returned.length > 0) return 'approveWithReturns';
  if (outcome === 'return' && returned.length === 0) return 'returnWithoutLines';
  return null;
}

/** Sets every undecided line's decision to approve (the reviewer's "approve the rest"). */
export function approveUndecided<T>(data: T): T {
  const rec = data as { lines?: Array<Record<string, unknown>> };
  if (!Array.isArray(rec?.lines)) return data;
  return { ...rec, lines: rec.lines.map((l) => (l && !l.decision ? { ...l, decision: 'approve' } : l)) } as T;
}

/** Removes the field errors a change has answered: those at or under the changed pointer. */
export function dropErrorsAt<E extends { path: string }>(errors: ReadonlyArray<E>, changed: string): E[] {
  if (!changed) return [...errors];
  return errors.filter((e) => !(e.path === changed || e.path.startsWith(`${changed}/`)));
}

/**
 * The returns this task still answers: a return older than a later stage's submission (the control
 * figures issued after the proposal was returned and fixed) belongs to an earlier round, not this one.
 */
export function currentReturns(
  returns: ReadonlyArray<ReturnNote>,
  rounds: ReadonlyArray<PreviousRound>,
  formId: string,
): ReturnNote[] {
  const laterStage = rounds
    .filter((r) => r.formId && r.formId !== formId && typeof r.at === 'string')
    .map((r) => r.at as string)
    .sort()
    .pop();
  return returns.filter((n) => !laterStage || !n.at || n.at > laterStage);
}
