/**
 * Browser-side validation with the server's own code: `validateSubmission` from `forms/` (the
 * precompiled standalone validators for built-in forms, compiled once for others, then the form's
 * named domain rules), so a field error reads the same in Chinese before submit as after it.
 * rjsf still needs a schema validator for its own internals (`isValid` when choosing oneOf branches);
 * that part is @rjsf/validator-ajv8 and never produces the messages the user sees.
 */
import type { RJSFSchema, RJSFValidationError, ValidatorType } from '@rjsf/utils';
import { customizeValidator } from '@rjsf/validator-ajv8';
import localizeZh from 'ajv-i18n/localize/zh';
import { getForm, hasForm } from '../../../forms/index';
import type { FormDefinition } from '../../../forms/types';
import { ruleErrors, validateSubmission } from '../../../forms/validate';
import type { PinnedForm } from '../api/types';
import { errorsToTree, type FieldError } from '../lib/pointer';

let internal: ValidatorType | null = null;

/** The ajv8 validator rjsf uses internally (and as a fallback when the shared validation cannot run). */
function internalValidator(): ValidatorType {
  internal ??= customizeValidator({ ajvOptionsOverrides: { allErrors: true } }, localizeZh);
  return internal;
}

/** Facts the rules need beyond the data: the task view's `facts`, the same the server checks with. */
export type CheckContext = Readonly<Record<string, unknown>>;

/** The full definition of a pinned form: the built-in one, or the pinned copy as the API sent it. */
export function definitionOf(form: PinnedForm): FormDefinition {
  if (hasForm(form.id, form.version)) return getForm(form.id, form.version);
  return {
    id: form.id,
    version: form.version,
    title: form.title,
    description: form.description,
    schema: form.schema,
    uiSchema: form.uiSchema,
    i18n: form.i18n as FormDefinition['i18n'],
    roles: form.roles,
    rules: form.rules,
  };
}

/**
 * Every problem with `data` as a submission of the form, as the server would report it: forbidden
 * keys and every schema problem (all at once, so each field shows its own), then the form's domain
 * rules with the facts the server sent (the same `ruleErrors` the server runs). Rules whose facts the
 * browser lacks are left to the server, whose answer is shown.
 */
export function checkSubmission(def: FormDefinition, data: unknown, facts: CheckContext): FieldError[] {
  let schemaErrors: FieldError[];
  try {
    const r = validateSubmission(def.id, def.version, data, {
      facts,
      allErrors: true,
      definition: hasForm(def.id, def.version) ? undefined : def,
    });
    // With the run-time compiler loaded, this already ran the rules too.
    return r.ok ? [] : r.errors.filter((e) => e.code !== 'rule.contextMissing');
  } catch {
    const v = internalValidator().validateFormData(data, def.schema as RJSFSchema);
    schemaErrors = v.errors.map((e) => ({
      path: propertyToPointer(e.property ?? ''),
      message: e.message ?? '',
      code: `schema.${e.name ?? 'invalid'}`,
    }));
  }
  if (schemaErrors.length) return schemaErrors;
  return ruleErrors(def, data, facts).filter((e) => e.code !== 'rule.contextMissing');
}

/** rjsf's `.lines.3.funds` property notation as a JSON pointer. */
export function propertyToPointer(property: string): string {
  if (property.startsWith('/') || property === '') return property;
  return `/${property
    .replace(/\['([^']*)'\]/g, '.$1')
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/^\./, '')
    .split('.')
    .join('/')}`;
}

/** An rjsf validator whose form-level check is `checkSubmission` (errors land on their fields). */
export function sharedValidator(def: FormDefinition, ctx: CheckContext): ValidatorType {
  const base = internalValidator();
  return {
    validateFormData(formData) {
      const errs = checkSubmission(def, formData, ctx);
      const errors: RJSFValidationError[] = errs.map((e) => ({
        name: (e as { code?: string }).code ?? 'error',
        message: e.message,
        property: e.path,
        stack: e.message,
        params: {},
      }));
      return { errors, errorSchema: errorsToTree(errs) as never };
    },
    isValid: (schema, formData, rootSchema) => base.isValid(schema, formData, rootSchema),
    rawValidation: (schema, formData) => base.rawValidation(schema, formData),
    reset: () => base.reset?.(),
  };
}
