/**
 * The ajv set-up of request-body schemas: the platform options (forms/ajv.ts) with every error reported,
 * plus the `maxDepth` keyword that bounds free-form JSON (form data and drafts) by nesting depth, since
 * JSON Schema has no such limit and DynamoDB refuses items nested deeper than 32 levels.
 *
 * Loaded by the generator and by the ad-hoc checks of ../shape; handlers run the generated code only.
 */
import Ajv, { _, type KeywordCxt, type KeywordDefinition, type Options } from 'ajv';
import { AJV_OPTIONS } from '../../../forms/ajv';
import { hardeningProblems } from '../../../forms/harden';
import type { JsonSchema } from '../../../forms/types';
import { withinDepth } from '../depth';

/** The `maxDepth` keyword: the object and everything in it nest at most this many levels. */
export const MAX_DEPTH_KEYWORD: KeywordDefinition = {
  keyword: 'maxDepth',
  type: 'object',
  schemaType: 'number',
  code(cxt: KeywordCxt) {
    // Standalone code refers to the generator prelude's copy; a run-time compile to the imported function.
    const fn = cxt.gen.scopeValue('func', { ref: withinDepth, code: _`__withinDepth` });
    cxt.fail(_`!${fn}(${cxt.data}, ${cxt.schema})`);
  },
};

/**
 * A request body is small and already bounded in bytes (413 above the limit), so every problem is
 * reported at once, as the API always did; the error list is cut at MAX_BODY_ERRORS afterwards.
 */
export function createBodyAjv(code?: Options['code']): Ajv {
  const ajv = new Ajv({ ...AJV_OPTIONS, allErrors: true, ...(code ? { code } : {}) });
  ajv.addKeyword(MAX_DEPTH_KEYWORD);
  return ajv;
}

/**
 * Structural limits a request-body schema must have: those of form schemas (closed objects, bounded
 * strings, arrays and numbers, no $data, no prototype keys), except that a free-form object bounded by
 * `maxDepth` may stay open and a `oneOf` node takes its types from its branches.
 */
export function bodySchemaProblems(schema: JsonSchema): string[] {
  return hardeningProblems(schema).filter((problem) => {
    const [at, what] = splitProblem(problem);
    const node = nodeAt(schema, at);
    if (what === 'object without additionalProperties: false') return typeof node?.maxDepth !== 'number';
    if (what === 'no type') return !Array.isArray(node?.oneOf);
    return true;
  });
}

function splitProblem(problem: string): [string, string] {
  const i = problem.indexOf(': ');
  const at = problem.slice(0, i);
  return [at === '/' ? '' : at, problem.slice(i + 2)];
}

function nodeAt(schema: JsonSchema, at: string): JsonSchema | undefined {
  let node: unknown = schema;
  for (const seg of at === '' ? [] : at.slice(1).split('/')) {
    const key = seg.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return typeof node === 'object' && node !== null ? (node as JsonSchema) : undefined;
}
