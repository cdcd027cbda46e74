/**
 * The core's view of forms: the pinned definition of a task and server-side validation, both from
 * `forms/` (the same schemas the browser renders). Validation errors become ValidationFailed with
 * the forms module's Chinese messages and JSON pointers.
 */
import { getForm } from '../../forms/index';
import { validateSubmission } from '../../forms/validate';
import { ValidationFailed } from './errors';
import type { CatalogueProject } from './events';

/** The pinned form a task shows. */
export interface PinnedForm {
  id: string;
  version: number;
  title: { zh: string; en?: string };
  schema: Record<string, unknown>;
  uiSchema: Record<string, unknown>;
  i18n?: unknown;
}

/** The definition of form `id` at `version`; throws if that version was never published. */
export function pinnedForm(id: string, version: number): PinnedForm {
  const def = getForm(id, version);
  if (!def) throw new Error(`Form ${id}@${version} is not published`);
  return {
    id: def.id,
    version: def.version,
    title: def.title,
    schema: def.schema,
    uiSchema: def.uiSchema,
    i18n: def.i18n,
  };
}

/** Facts the domain rules need (二上 within 一下 control figures, dates in the year, the catalogue). */
export interface RuleFacts {
  year: number;
  projects: readonly CatalogueProject[];
  control?: unknown;
}

/** Validates submitted data against the pinned form and its rules; throws ValidationFailed. */
export function validateForm(id: string, version: number, data: unknown, facts: RuleFacts): void {
  const res = validateSubmission(id, version, data, {
    year: facts.year,
    projects: facts.projects,
    control: facts.control,
  });
  if (!res.ok)
    throw new ValidationFailed(res.errors.map((e) => ({ path: e.path, message: e.message, code: e.code })));
}
