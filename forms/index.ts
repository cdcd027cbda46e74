/**
 * The form registry: every built-in form definition, bundled statically (no file reads at run time, so
 * it works inside a Lambda bundle and in the browser). Definitions an administrator publishes later live
 * in the database; pass them to validateSubmission via `context.definition`.
 */
import { definitions } from './generated/definitions.gen';
import type { FormDefinition } from './types';

export type * from './generated/types.gen';
export type {
  FieldError,
  FormDefinition,
  JsonSchema,
  LabelOverride,
  LocalizedText,
  ValidationResult,
} from './types';

/** No form with this id (and version). Code `FormNotFound`. */
export class FormNotFoundError extends Error {
  override readonly name = 'FormNotFound';
  readonly code = 'FormNotFound';
  constructor(
    readonly formId: string,
    readonly version?: number,
  ) {
    super(version === undefined ? `no form ${formId}` : `no form ${formId}@${version}`);
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const byKey = new Map<string, FormDefinition>();
const latestById = new Map<string, FormDefinition>();
for (const def of definitions) {
  deepFreeze(def);
  byKey.set(formKey(def.id, def.version), def);
  const latest = latestById.get(def.id);
  if (!latest || latest.version < def.version) latestById.set(def.id, def);
}

/** The registry key of a form version: `<id>@<version>`. */
export function formKey(id: string, version: number): string {
  return `${id}@${version}`;
}

/** Whether a built-in form `id` at `version` exists. */
export function hasForm(id: string, version: number): boolean {
  return byKey.has(formKey(id, version));
}

/** The built-in form `id` at `version` (deeply frozen). Throws FormNotFoundError. */
export function getForm(id: string, version: number): FormDefinition {
  const def = byKey.get(formKey(id, version));
  if (!def) throw new FormNotFoundError(id, version);
  return def;
}

/** The highest published version of built-in form `id`. Throws FormNotFoundError. */
export function latestForm(id: string): FormDefinition {
  const def = latestById.get(id);
  if (!def) throw new FormNotFoundError(id);
  return def;
}

/** Every built-in form version, sorted by id then version. */
export function listForms(): readonly FormDefinition[] {
  return definitions;
}

/** Every version of built-in form `id`, oldest first (empty if unknown). */
export function formVersions(id: string): readonly FormDefinition[] {
  return definitions.filter((d) => d.id === id);
}
