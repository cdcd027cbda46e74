/**
 * Columns of a table of lines, read from the item schema: nested objects flatten into their leaves
 * (`资金需求（万元）· 中央` at `/funds/central`), nested arrays stay one column. Used by the read-only
 * tables (print view, comparison, project lines) so they label values as the form does.
 */
import { isOrgField, orgName } from './orgs';
import { toPointer } from './pointer';

export interface Column {
  /** Pointer relative to the line. */
  pointer: string;
  title: string;
  type?: string;
  /** Enum value → display name (from `ui:enumNames`). */
  enumNames?: Record<string, string>;
  /** The value is an org unit id (a lead department), shown by its name. */
  org?: boolean;
}

type Schema = Record<string, unknown>;

/** Flattens an item schema into columns, in `ui:order` when the UI schema gives one. */
export function columnsOf(
  itemSchema: unknown,
  itemUi: unknown = {},
  prefix: string[] = [],
  parentTitle = '',
): Column[] {
  const s = (itemSchema ?? {}) as Schema;
  const ui = (itemUi ?? {}) as Schema;
  const props = (s.properties ?? {}) as Record<string, Schema>;
  const order = Array.isArray(ui['ui:order']) ? (ui['ui:order'] as string[]) : [];
  const keys = [
    ...order.filter((k) => k in props && k !== '*'),
    ...Object.keys(props).filter((k) => !order.includes(k)),
  ];
  const out: Column[] = [];
  for (const k of keys) {
    const p = props[k];
    const pu = (ui[k] ?? {}) as Schema;
    if (pu['ui:widget'] === 'hidden') continue;
    const title = (p.title as string | undefined) ?? k;
    const full = parentTitle ? `${parentTitle} · ${title}` : title;
    if (p.type === 'object' && p.properties) {
      out.push(...columnsOf(p, pu, [...prefix, k], title));
      continue;
    }
    const col: Column = {
      pointer: toPointer([...prefix, k]),
      title: full,
      type: p.type as string | undefined,
    };
    if (isOrgField(col.pointer)) col.org = true;
    const names = pu['ui:enumNames'];
    if (Array.isArray(p.enum) && Array.isArray(names)) {
      col.enumNames = Object.fromEntries(
        (p.enum as unknown[]).map((v, i) => [String(v), String(names[i] ?? v)]),
      );
    }
    out.push(col);
  }
  return out;
}

/** Reads a pointer relative to a value. */
export function at(value: unknown, pointer: string): unknown {
  if (!pointer) return value;
  let node: unknown = value;
  for (const seg of pointer.slice(1).split('/')) {
    const k = seg.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[k];
  }
  return node;
}

/** A cell as text: enum names, org names, 是/否 for booleans, numbers with separators, arrays as a count. */
export function cellText(col: Column | undefined, v: unknown, lang: 'zh' | 'en' = 'zh'): string {
  if (v === undefined || v === null || v === '') return '';
  if (col?.enumNames && String(v) in col.enumNames) return col.enumNames[String(v)];
  if (col?.org && typeof v === 'string') return orgName(v, lang);
  if (typeof v === 'boolean') return lang === 'en' ? (v ? 'Yes' : 'No') : v ? '是' : '否';
  if (typeof v === 'number') return v.toLocaleString('zh-CN', { maximumFractionDigits: 2 });
  if (Array.isArray(v)) return lang === 'en' ? `${v.length} items` : `${v.length} 项`;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** The title of a pointer relative to a line, from the columns (falls back to the pointer). */
export function titleOf(cols: ReadonlyArray<Column>, pointer: string): string {
  const exact = cols.find((c) => c.pointer === pointer);
  if (exact) return exact.title;
  const parent = cols.find((c) => pointer.startsWith(`${c.pointer}/`));
  return parent ? `${parent.title}${pointer.slice(parent.pointer.length)}` : pointer;
}

/** The schema and UI schema of the array at a pointer in a form (`/lines` → items). */
export function itemSchemaAt(
  schema: unknown,
  uiSchema: unknown,
  pointer: string,
): { item: Schema; ui: Schema } {
  let s = (schema ?? {}) as Schema;
  let u = (uiSchema ?? {}) as Schema;
  for (const seg of pointer.split('/').filter(Boolean)) {
    s = ((s.properties as Record<string, Schema> | undefined)?.[seg] ?? {}) as Schema;
    u = (u[seg] ?? {}) as Schema;
  }
  return { item: (s.items ?? {}) as Schema, ui: (u.items ?? {}) as Schema };
}
