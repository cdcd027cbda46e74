/**
 * Server-side (and browser pre-check) validation of a submission: forbidden keys, then the form's JSON
 * Schema (precompiled standalone code for built-in forms), then the form's named domain rules.
 *
 * ajv itself is not imported here: built-in forms need only the generated code, which keeps a Lambda's
 * cold start small. Run-time compilation (admin-published versions, allErrors) lives in ./compile, loaded
 * on demand by validateSubmissionAsync or by importing 'forms/compile' once.
 */
import { type StandaloneValidate, validators } from './generated/validators.gen';
import { FORBIDDEN_KEYS } from './harden';
import { FormNotFoundError, formKey, getForm, hasForm } from './index';
import { toFieldErrors } from './messages';
import { pointer } from './pointer';
import { getRule, type RuleContext } from './rules';
import { type FormSettings, resolveSettings } from './settings';
import type { FieldError, FormDefinition, ValidationResult } from './types';

export type { FieldError, ValidationResult } from './types';

/** What the rules need beyond the data; which facts matter depends on the form's rules. */
export interface ValidationContext {
  /**
   * Facts by name, as the task's workflow supplies them (the server's task view sends the same to
   * the browser): `year` always, and whatever the kit adds (a catalogue, control figures, ...).
   */
  facts?: Readonly<Record<string, unknown>>;
  /** Overrides of the policy defaults in forms/settings.ts. */
  settings?: Partial<FormSettings>;
  /** The definition of a form version that is not built in (admin-published); compiled at run time and cached. */
  definition?: FormDefinition;
  /** Report every schema problem instead of the first (browser pre-check; compiles at run time). */
  allErrors?: boolean;
}

/** At most this many errors are returned; the rest add nothing a person can act on at once. */
export const MAX_ERRORS = 200;
const MAX_DEPTH = 32;

/** Compiles a definition at run time; installed by ./compile when it is loaded. */
export type RuntimeCompiler = (def: FormDefinition, options: { allErrors?: boolean }) => StandaloneValidate;
let runtimeCompiler: RuntimeCompiler | undefined;

/** Installs the run-time compiler (called by forms/compile on import; not for general use). */
export function installRuntimeCompiler(compile: RuntimeCompiler): void {
  runtimeCompiler = compile;
}

/** A form needs run-time compilation but forms/compile was not loaded. Code `FormCompilerNotLoaded`. */
export class FormCompilerNotLoadedError extends Error {
  override readonly name = 'FormCompilerNotLoaded';
  readonly code = 'FormCompilerNotLoaded';
  constructor(key: string) {
    super(`${key} needs run-time compilation: use validateSubmissionAsync or import 'forms/compile' first`);
  }
}

/** Whether validating this form version with this context needs the run-time compiler. */
export function needsRuntimeCompile(
  formId: string,
  version: number,
  context: ValidationContext = {},
): boolean {
  return context.allErrors === true || !hasForm(formId, version);
}

function resolveDefinition(formId: string, version: number, ctx: ValidationContext): FormDefinition {
  if (hasForm(formId, version)) return getForm(formId, version);
  const def = ctx.definition;
  if (def && def.id === formId && def.version === version) return def;
  throw new FormNotFoundError(formId, version);
}

/** Own keys that would reach an object's prototype if some later code merged the data. */
function forbiddenKeys(data: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: data, path: '', depth: 0 }];
  while (stack.length > 0 && errors.length < MAX_ERRORS) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_DEPTH) {
      errors.push({ path, message: '数据嵌套层级过深', code: 'schema.maxDepth' });
      continue;
    }
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.includes(key)) {
        errors.push({
          path: pointer(path, key),
          message: `不允许的字段「${key}」`,
          code: 'schema.forbiddenKey',
        });
      } else {
        stack.push({
          value: (value as Record<string, unknown>)[key],
          path: pointer(path, key),
          depth: depth + 1,
        });
      }
    }
  }
  return errors;
}

/**
 * Validates `data` as a submission of form `formId` at `version`. Schema errors stop the check (rules
 * assume well-formed data); otherwise every rule of the form runs. Never modifies `data`.
 * Throws FormNotFoundError for an unknown form, FormDefinitionError for a run-time definition unfit to
 * compile, InvalidFormSettingError for bad settings; problems with the data are returned, not thrown.
 */
export function validateSubmission(
  formId: string,
  version: number,
  data: unknown,
  context: ValidationContext = {},
): ValidationResult {
  const def = resolveDefinition(formId, version, context);
  const settings = resolveSettings(context.settings);

  const keyErrors = forbiddenKeys(data);
  if (keyErrors.length > 0) return { ok: false, errors: keyErrors };

  let validate: StandaloneValidate | undefined;
  if (!needsRuntimeCompile(formId, version, context)) validate = validators[formKey(formId, version)];
  else if (runtimeCompiler) validate = runtimeCompiler(def, { allErrors: context.allErrors });
  else throw new FormCompilerNotLoadedError(formKey(formId, version));
  if (!validate) throw new FormNotFoundError(formId, version);
  if (!validate(data)) {
    return { ok: false, errors: toFieldErrors(def.schema, validate.errors).slice(0, MAX_ERRORS) };
  }

  const errors = ruleErrors(def, data, context.facts ?? {}, settings);
  return errors.length === 0 ? { ok: true } : { ok: false, errors: errors.slice(0, MAX_ERRORS) };
}

/**
 * The problems the form's named domain rules find in `data` (which should already satisfy the
 * schema). The browser runs this after its own schema check, so both sides run the same rules with
 * the same facts; validateSubmission runs it after the schema on the server.
 */
export function ruleErrors(
  def: FormDefinition,
  data: unknown,
  facts: Readonly<Record<string, unknown>>,
  settings: FormSettings = resolveSettings(),
): FieldError[] {
  const ruleCtx: RuleContext = { facts, settings, schema: def.schema };
  const errors: FieldError[] = [];
  for (const name of def.rules) {
    const rule = getRule(name);
    if (!rule) {
      errors.push({ path: '', message: `表单规则 ${name} 不存在`, code: 'form.unknownRule' });
      continue;
    }
    const missing = rule.needs.filter(
      (n) => ruleCtx.facts[n.fact] === undefined || ruleCtx.facts[n.fact] === null,
    );
    if (missing.length > 0) {
      errors.push({
        path: '',
        message: `无法校验「${rule.description.zh}」：缺少${missing.map((n) => n.label).join('、')}`,
        code: 'rule.contextMissing',
      });
      continue;
    }
    errors.push(...rule.check(data, ruleCtx));
    if (errors.length >= MAX_ERRORS) break;
  }
  return errors.slice(0, MAX_ERRORS);
}

/**
 * validateSubmission that first loads the run-time compiler when the form needs it (an admin-published
 * version in `context.definition`, or `allErrors`). Same result and errors.
 */
export async function validateSubmissionAsync(
  formId: string,
  version: number,
  data: unknown,
  context: ValidationContext = {},
): Promise<ValidationResult> {
  if (!runtimeCompiler && needsRuntimeCompile(formId, version, context)) await import('./compile');
  return validateSubmission(formId, version, data, context);
}
