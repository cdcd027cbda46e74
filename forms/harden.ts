/**
 * Structural limits every form schema must have, so a submission's size and shape are bounded before any
 * code reads it: closed objects, bounded strings, arrays and numbers, no `$data`, no remote `$ref`, and no
 * property names that reach the prototype of an object.
 */
import { pointer } from './pointer';
import type { JsonSchema } from './types';

/** Keys that must never be declared as properties (and are rejected in submissions). */
export const FORBIDDEN_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

const SUBSCHEMA_MAPS = ['properties', 'definitions', '$defs', 'patternProperties'];
const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf'];
const SUBSCHEMA_SINGLE = [
  'items',
  'additionalItems',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
];

function isSchema(v: unknown): v is JsonSchema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typesOf(node: JsonSchema): string[] {
  if (typeof node.type === 'string') return [node.type];
  return Array.isArray(node.type) ? (node.type as string[]) : [];
}

/**
 * Problems that make `schema` unfit to publish, each as "<schema pointer>: <what is missing>".
 * Empty when the schema is hardened.
 */
export function hardeningProblems(schema: JsonSchema): string[] {
  const problems: string[] = [];
  const visit = (node: JsonSchema, at: string) => {
    if ('$data' in node) problems.push(`${at || '/'}: uses $data`);
    if (typeof node.$ref === 'string' && !node.$ref.startsWith('#'))
      problems.push(`${at || '/'}: remote $ref`);
    const types = typesOf(node);
    if (
      types.length === 0 &&
      node.$ref === undefined &&
      node.enum === undefined &&
      node.const === undefined
    ) {
      problems.push(`${at || '/'}: no type`);
    }
    if (types.includes('object') && node.additionalProperties !== false) {
      problems.push(`${at || '/'}: object without additionalProperties: false`);
    }
    if (
      types.includes('string') &&
      typeof node.maxLength !== 'number' &&
      node.enum === undefined &&
      node.const === undefined
    ) {
      problems.push(`${at || '/'}: string without maxLength`);
    }
    if (types.includes('array') && typeof node.maxItems !== 'number') {
      problems.push(`${at || '/'}: array without maxItems`);
    }
    if (types.includes('number') || types.includes('integer')) {
      const hasMin = typeof node.minimum === 'number' || typeof node.exclusiveMinimum === 'number';
      const hasMax = typeof node.maximum === 'number' || typeof node.exclusiveMaximum === 'number';
      if (!hasMin || !hasMax) problems.push(`${at || '/'}: number without minimum and maximum`);
    }
    if (isSchema(node.properties)) {
      for (const key of Object.keys(node.properties)) {
        if (FORBIDDEN_KEYS.includes(key))
          problems.push(`${pointer(at, 'properties', key)}: forbidden property name`);
      }
    }
    for (const k of SUBSCHEMA_MAPS) {
      const map = node[k];
      if (isSchema(map)) {
        for (const [key, sub] of Object.entries(map)) if (isSchema(sub)) visit(sub, pointer(at, k, key));
      }
    }
    for (const k of SUBSCHEMA_LISTS) {
      const list = node[k];
      if (Array.isArray(list)) {
        list.forEach((sub, i) => {
          if (isSchema(sub)) visit(sub, pointer(at, k, i));
        });
      }
    }
    for (const k of SUBSCHEMA_SINGLE) {
      const sub = node[k];
      if (isSchema(sub)) visit(sub, pointer(at, k));
      else if (k === 'items' && Array.isArray(sub)) {
        sub.forEach((s, i) => {
          if (isSchema(s)) visit(s, pointer(at, k, i));
        });
      }
    }
    if (isSchema(node.additionalProperties))
      visit(node.additionalProperties, pointer(at, 'additionalProperties'));
  };
  visit(schema, '');
  return problems;
}
