/** Turns ajv errors into the platform's field errors: JSON pointer of the field, Chinese message, stable code. */
import type { ErrorObject } from 'ajv';
import localizeZh from 'ajv-i18n/localize/zh';
import { fieldLabel, pointer } from './pointer';
import type { FieldError, JsonSchema } from './types';

/** Converts ajv errors (from a standalone or run-time validator) for a form with schema `schema`. */
export function toFieldErrors(
  schema: JsonSchema,
  ajvErrors: readonly ErrorObject[] | null | undefined,
): FieldError[] {
  if (!ajvErrors || ajvErrors.length === 0) return [];
  // ajv-i18n rewrites `message` in place; copy so validator state shared between calls is not touched.
  const errors = ajvErrors.map((e) => ({ ...e }));
  localizeZh(errors);
  return errors.map((e) => {
    const params = e.params as Record<string, unknown>;
    if (e.keyword === 'required') {
      const path = pointer(e.instancePath, String(params.missingProperty));
      return { path, message: `${fieldLabel(schema, path)}：必填`, code: 'schema.required' };
    }
    if (e.keyword === 'additionalProperties') {
      const name = String(params.additionalProperty);
      const path = pointer(e.instancePath, name);
      const where = e.instancePath ? `${fieldLabel(schema, e.instancePath)}：` : '';
      return { path, message: `${where}不允许的字段「${name}」`, code: 'schema.additionalProperties' };
    }
    const label = e.instancePath ? fieldLabel(schema, e.instancePath) : '表单';
    return {
      path: e.instancePath,
      message: `${label}：${e.message ?? '格式不正确'}`,
      code: `schema.${e.keyword}`,
    };
  });
}
