/**
 * Request bodies at the edge: every body is checked against its JSON Schema in functions/http/schemas,
 * compiled once to standalone code (`npm run gen`), so no ajv is loaded at run time. Every accepted
 * field is declared with a type and bounds; anything else is refused. Problems come back as the API's
 * field errors: JSON pointers and Chinese messages (ajv-i18n) prefixed with the field's label.
 * (Form data itself is validated later by forms/validate.ts against the task's pinned form.)
 */
import type { ErrorObject } from 'ajv';
import localizeZh from 'ajv-i18n/localize/zh';
import { FORBIDDEN_KEYS } from '../../forms/harden';
import { fieldLabel, pointer, schemaAt } from '../../forms/pointer';
import type { JsonSchema } from '../../forms/types';
import type { FieldError } from '../core/errors';
import { schemas } from './generated/schemas.gen';
import type { RequestBodyMap } from './generated/types.gen';
import { type StandaloneValidate, validators } from './generated/validators.gen';

export type { RequestBodyMap } from './generated/types.gen';

/** At most this many problems are reported for one body. */
export const MAX_BODY_ERRORS = 50;

/** Nesting beyond which the prototype-key scan stops (schemas bound real depth far below this). */
const SCAN_DEPTH = 64;

/** A request body's check; `B` is the body type generated from the schema. */
export interface BodyCheck<B> {
  /** The schema name (functions/http/schemas/<name>.schema.json). */
  readonly name: string;
  /** Every problem of `value` (empty when it is a valid body). */
  check(value: unknown): FieldError[];
  /** Compile-time marker of the body type. */
  readonly _body?: B;
}

/** The check of the body named `name`, typed with its generated body type. */
export function requestBody<N extends keyof RequestBodyMap>(name: N): BodyCheck<RequestBodyMap[N]> {
  const schema = schemas[name];
  const validate = validators[name];
  return { name, check: (value) => checkBody(schema, validate, value) };
}

/** Prototype keys first (refused wherever they are), then numbers DynamoDB cannot store, then the schema. */
export function checkBody(schema: JsonSchema, validate: StandaloneValidate, value: unknown): FieldError[] {
  const keyErrors = prototypeKeys(value);
  if (keyErrors.length > 0) return keyErrors;
  const numberErrors = unstorableNumbers(value, schema);
  if (numberErrors.length > 0) return numberErrors;
  return validate(value) ? [] : toBodyErrors(schema, validate.errors);
}

/**
 * The largest magnitude a number may have: what a JavaScript number holds exactly, and what the
 * DynamoDB document client writes without BigInt (it refuses unsafe integers; DynamoDB itself keeps
 * 38 digits up to 1e126). Every float at or above 2^53 is an integer, so the bound covers both.
 */
export const MAX_NUMBER_MAGNITUDE = Number.MAX_SAFE_INTEGER;
/** The smallest non-zero magnitude DynamoDB stores (it refuses 1e-131 with "Number underflow"). */
export const MIN_NUMBER_MAGNITUDE = 1e-130;

/**
 * Numbers anywhere in a parsed body that could not be stored: not finite (`1e309` parses to Infinity),
 * above {@link MAX_NUMBER_MAGNITUDE} or below {@link MIN_NUMBER_MAGNITUDE} in magnitude (zero is
 * fine). Walks the whole value without recursion, so no nesting depth can overflow the stack.
 */
export function unstorableNumbers(value: unknown, schema?: JsonSchema): FieldError[] {
  const errors: FieldError[] = [];
  const stack: { v: unknown; path: string }[] = [{ v: value, path: '' }];
  while (stack.length > 0 && errors.length < MAX_BODY_ERRORS) {
    const { v, path } = stack.pop()!;
    if (typeof v === 'number') {
      const problem = numberProblem(v);
      if (problem) {
        const label = path && schema ? fieldLabel(schema, path) : path ? path.slice(1) : '请求体';
        errors.push({ path, message: `${label}：${problem}` });
      }
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
    for (let i = entries.length - 1; i >= 0; i--)
      stack.push({ v: entries[i][1], path: pointer(path, entries[i][0]) });
  }
  return errors;
}

function numberProblem(n: number): string | undefined {
  if (!Number.isFinite(n)) return '数值超出可保存的范围';
  const m = Math.abs(n);
  if (m > MAX_NUMBER_MAGNITUDE) return `数值的绝对值不能超过 ${MAX_NUMBER_MAGNITUDE}`;
  if (m !== 0 && m < MIN_NUMBER_MAGNITUDE) return '非零数值的绝对值不能小于 1e-130';
  return undefined;
}

/** Own keys anywhere in the body that would reach an object's prototype if later code merged the data. */
export function prototypeKeys(value: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path: '', depth: 0 }];
  while (stack.length > 0 && errors.length < MAX_BODY_ERRORS) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v !== 'object' || v === null || depth > SCAN_DEPTH) continue;
    for (const key of Object.keys(v)) {
      const at = pointer(path, key);
      if (FORBIDDEN_KEYS.includes(key)) errors.push({ path: at, message: `不允许的字段「${key}」` });
      else stack.push({ v: (v as Record<string, unknown>)[key], path: at, depth: depth + 1 });
    }
  }
  return errors;
}

const TYPE_NAMES: Record<string, string> = {
  object: '对象',
  array: '数组',
  string: '字符串',
  integer: '整数',
  number: '数字',
  boolean: '布尔值',
  null: 'null',
};

/**
 * ajv errors (all of them, from a standalone or run-time validator) as the API's field errors: one per
 * field, unknown fields first, a failed `oneOf` as one "格式不正确" instead of every branch's complaint.
 */
export function toBodyErrors(
  schema: JsonSchema,
  ajvErrors: readonly ErrorObject[] | null | undefined,
): FieldError[] {
  if (!ajvErrors || ajvErrors.length === 0) return [];
  const oneOfs = ajvErrors.filter((e) => e.keyword === 'oneOf').map((e) => `${e.schemaPath}/`);
  // ajv-i18n rewrites `message` in place; copy so validator state shared between calls is not touched.
  const errors = ajvErrors
    .filter((e) => !oneOfs.some((p) => e.schemaPath.startsWith(p)))
    .map((e) => ({ ...e }));
  localizeZh(errors);
  const out = new Map<string, FieldError>();
  const add = (path: string, message: string) => {
    if (!out.has(path)) out.set(path, { path, message });
  };
  for (const e of errors.filter((x) => x.keyword === 'additionalProperties')) {
    const name = String((e.params as { additionalProperty: unknown }).additionalProperty);
    add(pointer(e.instancePath, name), `不允许的字段「${name.slice(0, 64)}」`);
  }
  for (const e of errors) {
    const params = e.params as Record<string, unknown>;
    const label = e.instancePath ? fieldLabel(schema, e.instancePath) : '请求体';
    switch (e.keyword) {
      case 'additionalProperties':
        break;
      case 'required': {
        const path = pointer(e.instancePath, String(params.missingProperty));
        add(path, `缺少必填字段「${fieldLabel(schema, path)}」`);
        break;
      }
      case 'type':
        add(e.instancePath, `${label}：须为${TYPE_NAMES[String(params.type)] ?? String(params.type)}`);
        break;
      case 'enum':
        add(e.instancePath, `${label}：只能是 ${(params.allowedValues as unknown[]).join('、')} 之一`);
        break;
      case 'pattern':
      case 'oneOf':
        add(e.instancePath, `${label}：格式不正确`);
        break;
      case 'maxDepth': {
        const limit = schemaAt(schema, e.instancePath)?.maxDepth;
        add(e.instancePath, `${label}：嵌套层级不能超过 ${limit} 层`);
        break;
      }
      default:
        add(e.instancePath, `${label}：${e.message ?? '格式不正确'}`);
    }
  }
  return [...out.values()].slice(0, MAX_BODY_ERRORS);
}
