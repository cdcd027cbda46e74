/**
 * Field roles: what some fields of a form mean to the platform (the table of lines, a line's key
 * and label, a reviewer's per-line decision and note, the overall comment). A form declares them in
 * `roles`; the server and the browser read them here, so neither guesses from field names, and both
 * apply the same decision rules.
 */
import { getAt, parsePointer } from './pointer';
import type { FieldError, FormDefinition, FormRoles } from './types';

export type { FormRoles } from './types';

/** The roles a form declares (none when it declares none). */
export function rolesOf(def: Pick<FormDefinition, 'roles'> | undefined): FormRoles {
  return def?.roles ?? {};
}

/** Whether the form has a decision per line (a review with line-level decisions). */
export function hasLineDecisions(def: Pick<FormDefinition, 'roles'> | undefined): boolean {
  const r = rolesOf(def);
  return !!(r.lines && r.decision);
}

/** The lines of `data` at the form's `lines` role (objects only), or none. */
export function linesAt(
  def: Pick<FormDefinition, 'roles'> | undefined,
  data: unknown,
): Record<string, unknown>[] {
  const ptr = rolesOf(def).lines;
  if (!ptr) return [];
  const v = getAt(data, ptr);
  return Array.isArray(v) ? (v.filter((l) => l && typeof l === 'object') as Record<string, unknown>[]) : [];
}

/** One line with what its roles say. */
export interface RoleLine {
  index: number;
  key: string;
  label: string;
  decision?: string;
  comment?: string;
}

/** The lines of `data` read through the form's roles. */
export function roleLines(def: Pick<FormDefinition, 'roles'> | undefined, data: unknown): RoleLine[] {
  const r = rolesOf(def);
  return linesAt(def, data).map((l, index) => {
    const key = r.lineKey ? l[r.lineKey] : undefined;
    const label = r.lineLabel ? l[r.lineLabel] : undefined;
    const decision = r.decision ? l[r.decision] : undefined;
    const comment = r.lineComment ? l[r.lineComment] : undefined;
    return {
      index,
      key: typeof key === 'string' || typeof key === 'number' ? String(key) : `#${index}`,
      label:
        typeof label === 'string' && label ? label : typeof key === 'string' ? key : `第 ${index + 1} 行`,
      decision: typeof decision === 'string' ? decision : undefined,
      comment: typeof comment === 'string' && comment.trim() ? comment.trim() : undefined,
    };
  });
}

/** The overall comment of `data` at the form's `comment` role, trimmed, if any. */
export function commentOf(def: Pick<FormDefinition, 'roles'> | undefined, data: unknown): string | undefined {
  const ptr = rolesOf(def).comment;
  if (!ptr) return undefined;
  const v = getAt(data, ptr);
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

/** The lines a reviewer marked for return, with their notes. */
export function returnedLines(
  def: Pick<FormDefinition, 'roles'> | undefined,
  data: unknown,
): { key: string; label: string; comment?: string }[] {
  return roleLines(def, data)
    .filter((l) => l.decision === 'return')
    .map((l) => ({ key: l.key, label: l.label, ...(l.comment ? { comment: l.comment } : {}) }));
}

/**
 * Whether an outcome fits the per-line decisions of `data` (forms with line decisions only):
 * approving with a line marked for return contradicts itself, and a return must say which lines go
 * back. The same check runs in the browser before submitting and on the server.
 */
export function decisionProblems(
  def: Pick<FormDefinition, 'roles'> | undefined,
  outcome: string,
  data: unknown,
): FieldError[] {
  if (!hasLineDecisions(def)) return [];
  const r = rolesOf(def);
  const lines = roleLines(def, data);
  const at = (i: number) => `${r.lines}/${i}/${r.decision}`;
  if (outcome === 'approve') {
    return lines
      .filter((l) => l.decision === 'return')
      .map((l) => ({
        path: at(l.index),
        message: `第 ${l.index + 1} 行「${l.label}」：选择“同意”时不能有退回修改的项目`,
        code: 'decision.approveWithReturns',
      }));
  }
  if (outcome === 'return' && !lines.some((l) => l.decision === 'return')) {
    return [
      {
        path: r.lines ?? '',
        message: '退回修改须至少选择一个退回修改的项目',
        code: 'decision.returnWithoutLines',
      },
    ];
  }
  return [];
}

/** Sets every undecided line's decision to `approve` (a reviewer's "approve the rest"), in a copy. */
export function approveUndecided<T>(def: Pick<FormDefinition, 'roles'> | undefined, data: T): T {
  const r = rolesOf(def);
  if (!r.lines || !r.decision) return data;
  const segs = parsePointer(r.lines);
  const copy = structuredClone(data) as unknown;
  let node = copy as Record<string, unknown> | undefined;
  for (const s of segs.slice(0, -1)) node = node?.[s] as Record<string, unknown> | undefined;
  const arr = node?.[segs[segs.length - 1]];
  if (!Array.isArray(arr)) return data;
  for (const l of arr) {
    if (l && typeof l === 'object' && !(l as Record<string, unknown>)[r.decision]) {
      (l as Record<string, unknown>)[r.decision] = 'approve';
    }
  }
  return copy as T;
}
