/**
 * Reading paths and evaluating payload templates (Parameters, ResultSelector, ItemSelector).
 * Templates are compiled once per template object (WeakMap) into closures.
 */
import { StatesError } from './errors';
import { evaluateParsedIntrinsic, type IntrinsicCall, isIntrinsicCall, parseIntrinsic } from './intrinsics';
import {
  type CompiledPath,
  compilePath,
  evaluateCompiled,
  NOT_FOUND,
  PathSyntaxError,
  pathDocument,
  truncateJson,
} from './jsonpath';
import type { ContextObject, Json } from './types';

function compileOrRuntime(path: string): CompiledPath {
  try {
    return compilePath(path);
  } catch (e) {
    throw new StatesError('States.Runtime', e instanceof PathSyntaxError ? e.message : String(e));
  }
}

/**
 * Reads a path without throwing: the selected value, or NOT_FOUND when a definite path selects
 * nothing. Indefinite paths (`[*]`, `..`, filters, slices, unions) return the array of matches.
 */
export function tryReadPath(path: string, input: Json, ctx?: ContextObject): Json | typeof NOT_FOUND {
  const cp = compileOrRuntime(path);
  return evaluateCompiled(cp, pathDocument(cp, input, ctx));
}

/** Reads a JSONPath (`$...`, or `$$...` against the context object). Throws StatesError('States.Runtime') when it matches nothing. */
export function readPath(path: string, input: Json, ctx?: ContextObject): Json {
  const cp = compileOrRuntime(path);
  const v = evaluateCompiled(cp, pathDocument(cp, input, ctx));
  if (v === NOT_FOUND)
    throw new StatesError('States.Runtime', `Invalid path '${path}' : No results for path: ${cp.normalized}`);
  return v;
}

type Compiled = (input: Json, ctx: ContextObject | undefined) => Json;

const templates = new WeakMap<object, Compiled>();

/** A compiled template part that cannot work: evaluating it raises this error. */
const failing =
  (error: string, cause: string): Compiled =>
  () => {
    throw new StatesError(error, cause);
  };

function compileDynamic(field: string, expr: string): Compiled {
  if (isIntrinsicCall(expr)) {
    let call: IntrinsicCall;
    try {
      call = parseIntrinsic(expr);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      return failing('States.IntrinsicFailure', `The value for the field '${field}' is invalid: ${msg}`);
    }
    return (input, ctx) => evaluateParsedIntrinsic(call, input, ctx);
  }
  let cp: CompiledPath;
  try {
    cp = compilePath(expr);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return failing('States.Runtime', `The value for the field '${field}' must be a valid JSONPath: ${msg}`);
  }
  return (input, ctx) => {
    const doc = pathDocument(cp, input, ctx);
    const v = evaluateCompiled(cp, doc);
    if (v === NOT_FOUND)
      throw new StatesError(
        'States.Runtime',
        `The JSONPath '${expr}' specified for the field '${field}' could not be found in the input '${truncateJson(doc)}'`,
      );
    return v;
  };
}

function compileTemplate(t: Json): Compiled {
  if (t === null || typeof t !== 'object') return () => t;
  const cached = templates.get(t);
  if (cached) return cached;
  let fn: Compiled;
  if (Array.isArray(t)) {
    const items = t.map(compileTemplate);
    fn = (input, ctx) => items.map((f) => f(input, ctx));
  } else {
    const entries: [string, Compiled][] = [];
    for (const key of Object.keys(t)) {
      const v = t[key];
      if (key.endsWith('.$') && key.length > 2) {
        const out = key.slice(0, -2);
        entries.push([
          out,
          typeof v === 'string'
            ? compileDynamic(key, v)
            : failing('States.Runtime', `The value for the field '${key}' must be a STRING`),
        ]);
      } else entries.push([key, compileTemplate(v)]);
    }
    fn = (input, ctx) => {
      const o: { [k: string]: Json } = {};
      for (const [k, f] of entries) o[k] = f(input, ctx);
      return o;
    };
  }
  templates.set(t, fn);
  return fn;
}

/** Evaluates a payload template (Parameters / ResultSelector / ItemSelector): keys ending in `.$`
 * take a path, a `$$.` context path, or an intrinsic function call. Throws StatesError('States.Runtime'|'States.IntrinsicFailure'). */
export function evaluateTemplate(template: Json, input: Json, ctx: ContextObject): Json {
  return compileTemplate(template)(input, ctx);
}

/** Reads a field that may be a path or an intrinsic call (Fail's ErrorPath/CausePath). */
export function readPathOrIntrinsic(field: string, expr: string, input: Json, ctx?: ContextObject): Json {
  return compileDynamic(field, expr)(input, ctx);
}
