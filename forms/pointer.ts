/** JSON pointers (RFC 6901) over submissions and schemas, and Chinese field labels derived from a schema. */
import type { JsonSchema } from './types';

/** Escapes one pointer segment. */
export function escapeSegment(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Joins segments into a pointer; `base` is an existing pointer. */
export function pointer(base: string, ...segments: (string | number)[]): string {
  return base + segments.map((s) => `/${escapeSegment(s)}`).join('');
}

/** Splits a pointer into unescaped segments; '' is the root. */
export function parsePointer(ptr: string): string[] {
  if (ptr === '') return [];
  if (!ptr.startsWith('/')) throw new Error(`not a JSON pointer: ${ptr}`);
  return ptr
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function isSchema(v: unknown): v is JsonSchema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Follows a local `$ref` ('#/...') chain; remote refs are not allowed in form schemas. */
export function deref(root: JsonSchema, node: JsonSchema): JsonSchema {
  let current = node;
  for (let hops = 0; typeof current.$ref === 'string' && hops < 32; hops++) {
    const ref = current.$ref as string;
    if (!ref.startsWith('#')) return current;
    const target = getAt(root, decodeURIComponent(ref.slice(1)));
    if (!isSchema(target)) return current;
    current = target;
  }
  return current;
}

/** The value at `ptr` inside `doc`, or undefined. Only own properties are followed. */
export function getAt(doc: unknown, ptr: string): unknown {
  let node: unknown = doc;
  for (const seg of parsePointer(ptr)) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, seg)) return undefined;
    node = (node as Record<string, unknown>)[seg];
  }
  return node;
}

/** The subschema that describes the data at `instancePath`, or undefined when the schema has none. */
export function schemaAt(root: JsonSchema, instancePath: string): JsonSchema | undefined {
  let node: JsonSchema | undefined = deref(root, root);
  for (const seg of parsePointer(instancePath)) {
    if (!node) return undefined;
    const props = node.properties;
    if (isSchema(props) && Object.hasOwn(props, seg) && isSchema(props[seg])) {
      node = deref(root, props[seg] as JsonSchema);
    } else if (/^\d+$/.test(seg) && isSchema(node.items)) {
      node = deref(root, node.items);
    } else {
      return undefined;
    }
  }
  return node;
}

/**
 * A Chinese label for the field at `instancePath`, built from the schema titles along the way,
 * e.g. `/lines/3/funds/central` -> `申报项目第4行 / 资金需求（万元） / 中央`.
 */
export function fieldLabel(root: JsonSchema, instancePath: string): string {
  const parts: string[] = [];
  let node: JsonSchema | undefined = deref(root, root);
  for (const seg of parsePointer(instancePath)) {
    const props = node?.properties;
    if (node && isSchema(props) && Object.hasOwn(props, seg) && isSchema(props[seg])) {
      node = deref(root, props[seg] as JsonSchema);
      parts.push(typeof node.title === 'string' ? node.title : seg);
    } else if (node && /^\d+$/.test(seg) && isSchema(node.items)) {
      node = deref(root, node.items);
      const row = `第${Number(seg) + 1}行`;
      if (parts.length > 0) parts[parts.length - 1] += row;
      else parts.push(row);
    } else {
      node = undefined;
      parts.push(seg);
    }
  }
  return parts.join(' / ');
}
