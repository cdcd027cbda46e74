/**
 * Request-shape checks at the edge: every accepted field is declared, with a type and bounds;
 * anything else is refused. Messages are Chinese with JSON pointers, like form validation.
 * (Form data itself is validated by forms/validate.ts against the task's pinned form.)
 */
import type { FieldError } from '../core/errors';

export type Spec =
  | {
      type: 'string';
      maxLength: number;
      minLength?: number;
      pattern?: RegExp;
      optional?: boolean;
      label?: string;
    }
  | { type: 'integer'; min: number; max: number; optional?: boolean; label?: string }
  | { type: 'enum'; values: readonly string[]; optional?: boolean; label?: string }
  | { type: 'object'; fields: Record<string, Spec>; optional?: boolean; label?: string }
  | { type: 'array'; items: Spec; maxItems: number; minItems?: number; optional?: boolean; label?: string }
  | { type: 'oneOf'; options: Spec[]; optional?: boolean; label?: string }
  /** Any JSON object (form data: checked later against its form). */
  | { type: 'json-object'; optional?: boolean; label?: string };

function label(spec: Spec, path: string): string {
  return spec.label ?? (path || '请求体');
}

/** Checks `value` against `spec`; returns every problem (up to a bound). */
export function checkShape(value: unknown, spec: Spec, path = ''): FieldError[] {
  const errors: FieldError[] = [];
  const push = (p: string, message: string) => {
    if (errors.length < 50) errors.push({ path: p, message });
  };
  const visit = (v: unknown, s: Spec, p: string) => {
    switch (s.type) {
      case 'string':
        if (typeof v !== 'string') return push(p, `${label(s, p)}须为字符串`);
        if (v.length > s.maxLength) return push(p, `${label(s, p)}不能超过 ${s.maxLength} 个字符`);
        if (s.minLength !== undefined && v.length < s.minLength) return push(p, `${label(s, p)}不能为空`);
        if (s.pattern && !s.pattern.test(v)) return push(p, `${label(s, p)}格式不正确`);
        return;
      case 'integer':
        if (typeof v !== 'number' || !Number.isInteger(v)) return push(p, `${label(s, p)}须为整数`);
        if (v < s.min || v > s.max) return push(p, `${label(s, p)}须在 ${s.min} 到 ${s.max} 之间`);
        return;
      case 'enum':
        if (typeof v !== 'string' || !s.values.includes(v))
          return push(p, `${label(s, p)}只能是：${s.values.join('、')}`);
        return;
      case 'json-object':
        if (!v || typeof v !== 'object' || Array.isArray(v)) return push(p, `${label(s, p)}须为对象`);
        // DynamoDB nests at most 32 levels; refuse early with a clear message instead of a 500.
        if (depthOf(v) > MAX_JSON_DEPTH)
          return push(p, `${label(s, p)}嵌套层级不能超过 ${MAX_JSON_DEPTH} 层`);
        return;
      case 'object': {
        if (!v || typeof v !== 'object' || Array.isArray(v)) return push(p, `${label(s, p)}须为对象`);
        const obj = v as Record<string, unknown>;
        for (const k of Object.keys(obj)) {
          if (!Object.hasOwn(s.fields, k))
            push(`${p}/${escapePointer(k)}`, `不允许的字段「${k.slice(0, 64)}」`);
        }
        for (const [k, fs] of Object.entries(s.fields)) {
          if (!Object.hasOwn(obj, k) || obj[k] === undefined) {
            if (!fs.optional) push(`${p}/${escapePointer(k)}`, `缺少必填字段「${fs.label ?? k}」`);
            continue;
          }
          visit(obj[k], fs, `${p}/${escapePointer(k)}`);
        }
        return;
      }
      case 'array':
        if (!Array.isArray(v)) return push(p, `${label(s, p)}须为数组`);
        if (v.length > s.maxItems) return push(p, `${label(s, p)}最多 ${s.maxItems} 项`);
        if (s.minItems !== undefined && v.length < s.minItems)
          return push(p, `${label(s, p)}至少 ${s.minItems} 项`);
        for (const [i, item] of v.entries()) visit(item, s.items, `${p}/${i}`);
        return;
      case 'oneOf': {
        for (const o of s.options) if (checkShape(v, o, p).length === 0) return;
        return push(p, `${label(s, p)}格式不正确`);
      }
    }
  };
  visit(value, spec, path);
  return errors;
}

/** Deepest nesting accepted in free-form JSON (drafts): well inside DynamoDB's 32 levels. */
export const MAX_JSON_DEPTH = 24;

function depthOf(v: unknown, d = 0): number {
  if (!v || typeof v !== 'object' || d > MAX_JSON_DEPTH) return d;
  let max = d + 1;
  for (const x of Object.values(v)) max = Math.max(max, depthOf(x, d + 1));
  return max;
}

function escapePointer(k: string): string {
  return k.replace(/~/g, '~0').replace(/\//g, '~1');
}
