/**
 * Step names from the workflow definitions themselves (one source of truth): the API sends step ids
 * (`deptReview`), the inbox shows `一上审核：牵头部门审核`.
 */
import { listWorkflows } from '../../../workflows/index';
import type { Localized } from './format';

let titles: Map<string, Localized> | null = null;

/** The title of a step id in any built-in workflow, if there is one. */
export function stepTitle(step: string): Localized | undefined {
  if (!titles) {
    titles = new Map();
    for (const wf of listWorkflows()) {
      const raw = (wf as unknown as { steps?: unknown }).steps;
      // Steps are a list of `{id, title}` (or, in older drafts, an object keyed by id).
      const steps: Array<{ id?: string; title?: Localized }> = Array.isArray(raw)
        ? raw
        : Object.entries((raw ?? {}) as Record<string, { title?: Localized }>).map(([id, s]) => ({
            ...s,
            id,
          }));
      for (const s of steps) if (s?.id && s.title && !titles.has(s.id)) titles.set(s.id, s.title);
    }
  }
  return titles.get(step);
}
