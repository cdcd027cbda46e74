/** Applies a form's labels in one language, so the browser can switch between Chinese and English. */
import { getAt, parsePointer } from './pointer';
import type { FormDefinition, JsonSchema } from './types';

export type FormLanguage = 'zh' | 'en';

/** What react-jsonschema-form needs to render a form in one language. */
export interface LocalizedForm {
  title: string;
  description?: string;
  schema: JsonSchema;
  uiSchema: Record<string, unknown>;
}

/** The uiSchema path of a schema pointer (properties/x -> x, items -> items); undefined inside definitions. */
export function uiPathOf(schemaPointer: string): string[] | undefined {
  const segs = parsePointer(schemaPointer);
  const out: string[] = [];
  for (let i = 0; i < segs.length; i++) {
    if (segs[i] === 'properties' && i + 1 < segs.length) out.push(segs[++i]);
    else if (segs[i] === 'items') out.push('items');
    else return undefined;
  }
  return out;
}

function uiNode(ui: Record<string, unknown>, path: string[]): Record<string, unknown> {
  let node = ui;
  for (const seg of path) {
    const next = node[seg];
    if (typeof next !== 'object' || next === null) node[seg] = {};
    node = node[seg] as Record<string, unknown>;
  }
  return node;
}

/** Removes Chinese help text that has no translation (a Chinese hint under English labels helps nobody). */
function dropHelp(node: unknown): void {
  if (typeof node !== 'object' || node === null) return;
  const rec = node as Record<string, unknown>;
  delete rec['ui:help'];
  for (const [k, v] of Object.entries(rec)) if (!k.startsWith('ui:')) dropHelp(v);
}

/** Removes the Chinese `description` keyword of every schema node (translations put English ones back). */
function dropDescriptions(node: unknown): void {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return;
  const rec = node as JsonSchema;
  if (typeof rec.description === 'string') delete rec.description;
  for (const k of ['properties', 'definitions', '$defs']) {
    const map = rec[k];
    if (typeof map === 'object' && map !== null) for (const v of Object.values(map)) dropDescriptions(v);
  }
  dropDescriptions(rec.items);
}

/**
 * The form's title, description, schema and uiSchema in `lang`. Chinese is the definition as written;
 * English applies `i18n.en` (titles and descriptions into the schema, help into `ui:help`, choice labels
 * into `ui:enumNames`). Returns copies; the definition is not changed.
 */
export function localizeForm(def: FormDefinition, lang: FormLanguage): LocalizedForm {
  const schema = structuredClone(def.schema) as JsonSchema;
  const uiSchema = structuredClone(def.uiSchema) as Record<string, unknown>;
  if (lang === 'zh') return { title: def.title.zh, description: def.description?.zh, schema, uiSchema };

  dropHelp(uiSchema);
  dropDescriptions(schema);
  for (const [ptr, label] of Object.entries(def.i18n?.en ?? {})) {
    const text = typeof label === 'string' ? { title: label } : label;
    const enumMatch = /^(.*)\/enum\/(\d+)$/.exec(ptr);
    if (enumMatch) {
      const uiPath = uiPathOf(enumMatch[1]);
      const values = (getAt(schema, enumMatch[1]) as JsonSchema | undefined)?.enum;
      if (!uiPath || !Array.isArray(values) || text.title === undefined) continue;
      const node = uiNode(uiSchema, uiPath);
      const names = Array.isArray(node['ui:enumNames'])
        ? [...(node['ui:enumNames'] as string[])]
        : values.map(String);
      names[Number(enumMatch[2])] = text.title;
      node['ui:enumNames'] = names;
      continue;
    }
    const target = getAt(schema, ptr);
    if (typeof target !== 'object' || target === null) continue;
    if (text.title !== undefined) (target as JsonSchema).title = text.title;
    if (text.description !== undefined) (target as JsonSchema).description = text.description;
    const uiPath = uiPathOf(ptr);
    if (text.help !== undefined && uiPath) uiNode(uiSchema, uiPath)['ui:help'] = text.help;
  }
  return { title: def.title.en, description: def.description?.en, schema, uiSchema };
}
