/**
 * Compatibility of two versions of a form: the changes in the new schema that could reject a submission
 * the old schema accepted. A new version with breaking changes needs a migration (forms/migrate.ts) so
 * stored submissions can still be read as the latest version; submissions themselves always stay valid
 * under the version they were filled against, because published versions never change.
 */
import { deref, pointer } from './pointer';
import type { FormDefinition, JsonSchema } from './types';

/** One change that could reject old data. `path` is a JSON pointer into the new schema. */
export interface BreakingChange {
  path: string;
  code:
    | 'formIdChanged'
    | 'typeChanged'
    | 'propertyRemoved'
    | 'requiredAdded'
    | 'enumNarrowed'
    | 'constChanged'
    | 'limitNarrowed'
    | 'patternChanged'
    | 'formatChanged'
    | 'additionalPropertiesClosed'
    | 'keywordChanged';
  message: string;
}

/** Keywords that only describe or present: changing them never rejects data. */
const ANNOTATIONS = new Set([
  'title',
  'description',
  'default',
  'examples',
  '$comment',
  '$schema',
  '$id',
  'readOnly',
  'writeOnly',
]);
/** Keywords compared by the walker itself (everything else is compared as JSON, conservatively). */
const HANDLED = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'const',
  'pattern',
  'format',
  '$ref',
  'definitions',
  '$defs',
  ...['maxLength', 'maxItems', 'maximum', 'exclusiveMaximum', 'maxProperties'],
  ...['minLength', 'minItems', 'minimum', 'exclusiveMinimum', 'minProperties'],
  'multipleOf',
]);
const UPPER = ['maxLength', 'maxItems', 'maximum', 'exclusiveMaximum', 'maxProperties'];
const LOWER = ['minLength', 'minItems', 'minimum', 'exclusiveMinimum', 'minProperties'];

function typeSet(s: JsonSchema): Set<string> | undefined {
  if (typeof s.type === 'string') return new Set(s.type === 'integer' ? ['integer'] : [s.type]);
  return Array.isArray(s.type) ? new Set(s.type as string[]) : undefined;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Whether every multiple of `oldStep` is a multiple of `newStep` (a coarser step narrows). */
function stepCompatible(oldStep: unknown, newStep: unknown): boolean {
  if (newStep === undefined) return true;
  if (typeof oldStep !== 'number' || typeof newStep !== 'number') return false;
  const ratio = oldStep / newStep;
  return Math.abs(ratio - Math.round(ratio)) < 1e-9 && Math.round(ratio) >= 1;
}

/** Every change in `newDef` that could reject data valid under `oldDef`; empty when compatible. */
export function checkCompatibility(oldDef: FormDefinition, newDef: FormDefinition): BreakingChange[] {
  const out: BreakingChange[] = [];
  if (oldDef.id !== newDef.id) {
    out.push({ path: '', code: 'formIdChanged', message: `表单编号不同：${oldDef.id} → ${newDef.id}` });
    return out;
  }
  const oldRoot = oldDef.schema;
  const newRoot = newDef.schema;
  const seen = new Set<string>();

  const walk = (oldNode: JsonSchema, newNode: JsonSchema, at: string) => {
    const o = deref(oldRoot, oldNode);
    const n = deref(newRoot, newNode);
    const key = `${at}|${JSON.stringify(o).length}`;
    if (seen.has(key)) return;
    seen.add(key);
    const where = at || '/';

    const ot = typeSet(o);
    const nt = typeSet(n);
    if (nt) {
      const widened = (t: string) => nt.has(t) || (t === 'integer' && nt.has('number'));
      const lost = ot ? [...ot].filter((t) => !widened(t)) : ['any'];
      if (lost.length > 0) {
        out.push({
          path: where,
          code: 'typeChanged',
          message: `${where}：类型收窄（不再接受 ${lost.join('、')}）`,
        });
        return;
      }
    }

    if (n.enum !== undefined) {
      const allowed = new Set((n.enum as unknown[]).map((v) => JSON.stringify(v)));
      const removed =
        o.enum === undefined
          ? ['(任意值)']
          : (o.enum as unknown[]).filter((v) => !allowed.has(JSON.stringify(v)));
      if (removed.length > 0) {
        out.push({
          path: where,
          code: 'enumNarrowed',
          message: `${where}：可选值减少（${removed.map(String).join('、')}）`,
        });
      }
    }
    if (n.const !== undefined && !same(n.const, o.const)) {
      out.push({ path: where, code: 'constChanged', message: `${where}：固定值改变` });
    }
    for (const k of UPPER) {
      if (typeof n[k] === 'number' && !(typeof o[k] === 'number' && (n[k] as number) >= (o[k] as number))) {
        out.push({
          path: pointer(at, k),
          code: 'limitNarrowed',
          message: `${where}：${k} 由 ${o[k] ?? '无'} 收紧为 ${n[k]}`,
        });
      }
    }
    for (const k of LOWER) {
      if (typeof n[k] === 'number' && !(typeof o[k] === 'number' && (n[k] as number) <= (o[k] as number))) {
        out.push({
          path: pointer(at, k),
          code: 'limitNarrowed',
          message: `${where}：${k} 由 ${o[k] ?? '无'} 收紧为 ${n[k]}`,
        });
      }
    }
    if (!stepCompatible(o.multipleOf, n.multipleOf)) {
      out.push({
        path: pointer(at, 'multipleOf'),
        code: 'limitNarrowed',
        message: `${where}：精度要求收紧（multipleOf ${n.multipleOf}）`,
      });
    }
    if (n.pattern !== undefined && n.pattern !== o.pattern) {
      out.push({
        path: pointer(at, 'pattern'),
        code: 'patternChanged',
        message: `${where}：格式规则（pattern）改变`,
      });
    }
    if (n.format !== undefined && n.format !== o.format) {
      out.push({
        path: pointer(at, 'format'),
        code: 'formatChanged',
        message: `${where}：格式（format）改变`,
      });
    }

    const oProps = (o.properties ?? {}) as Record<string, JsonSchema>;
    const nProps = (n.properties ?? {}) as Record<string, JsonSchema>;
    const newClosed = n.additionalProperties === false;
    if (newClosed && o.additionalProperties !== false) {
      out.push({ path: where, code: 'additionalPropertiesClosed', message: `${where}：不再允许其他字段` });
    }
    for (const name of Object.keys(oProps)) {
      if (Object.hasOwn(nProps, name)) walk(oProps[name], nProps[name], pointer(at, 'properties', name));
      else if (newClosed) {
        out.push({
          path: pointer(at, 'properties', name),
          code: 'propertyRemoved',
          message: `${where}：删除了字段「${name}」，旧数据中的该字段将被拒绝`,
        });
      }
    }
    const oldRequired = new Set((o.required ?? []) as string[]);
    for (const name of (n.required ?? []) as string[]) {
      if (oldRequired.has(name)) continue;
      const prop = nProps[name] ? deref(newRoot, nProps[name]) : undefined;
      if (prop?.default === undefined) {
        out.push({
          path: pointer(at, 'required'),
          code: 'requiredAdded',
          message: `${where}：新增必填字段「${name}」且没有默认值`,
        });
      }
    }

    if (typeof n.items === 'object' && n.items !== null && !Array.isArray(n.items)) {
      if (typeof o.items === 'object' && o.items !== null && !Array.isArray(o.items)) {
        walk(o.items as JsonSchema, n.items as JsonSchema, pointer(at, 'items'));
      } else if (!same(o.items, n.items)) {
        out.push({
          path: pointer(at, 'items'),
          code: 'keywordChanged',
          message: `${where}：数组元素定义改变`,
        });
      }
    }

    for (const k of new Set([...Object.keys(o), ...Object.keys(n)])) {
      if (ANNOTATIONS.has(k) || HANDLED.has(k)) continue;
      if (!same(o[k], n[k])) {
        out.push({
          path: pointer(at, k),
          code: 'keywordChanged',
          message: `${where}：${k} 改变，无法证明兼容`,
        });
      }
    }
  };
  walk(oldRoot, newRoot, '');
  return out;
}
