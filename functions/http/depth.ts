/**
 * The nesting bound of free-form JSON in request bodies (the `maxDepth` schema keyword). Kept out of the
 * ajv set-up so the generated validators and the handlers can use it without loading ajv.
 */

/** Deepest nesting accepted in free-form JSON (drafts, form data): well inside DynamoDB's 32 levels. */
export const MAX_JSON_DEPTH = 24;

/** True when `value` nests at most `max` levels of objects and arrays (`{}` is one level). */
export function withinDepth(value: unknown, max: number): boolean {
  const walk = (v: unknown, depth: number): boolean => {
    if (v === null || typeof v !== 'object') return true;
    if (depth >= max) return false;
    for (const child of Object.values(v)) if (!walk(child, depth + 1)) return false;
    return true;
  };
  return walk(value, 0);
}

/** The same function as source text, for the prelude of the generated standalone validators. */
export const WITHIN_DEPTH_SOURCE = `const __withinDepth = (value, max) => {
  const walk = (v, depth) => {
    if (v === null || typeof v !== 'object') return true;
    if (depth >= max) return false;
    for (const child of Object.values(v)) if (!walk(child, depth + 1)) return false;
    return true;
  };
  return walk(value, 0);
};
`;
