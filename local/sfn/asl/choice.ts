/**
 * Choice rules: every comparison operator, its `Path` form, StringMatches, And/Or/Not and the
 * Is* type tests. Rules are compiled once per rule object into predicates.
 */
import { StatesError } from './errors';
import { compilePath, evaluateCompiled, NOT_FOUND } from './jsonpath';
import { parseTimestamp } from './timestamp';
import type { ChoiceRule, ChoiceState, ContextObject, Json } from './types';

type Predicate = (input: Json, ctx: ContextObject | undefined) => boolean;
type Cmp = (a: Json, b: Json) => boolean;

const num =
  (f: (a: number, b: number) => boolean): Cmp =>
  (a, b) =>
    typeof a === 'number' && typeof b === 'number' && f(a, b);
const str =
  (f: (a: string, b: string) => boolean): Cmp =>
  (a, b) =>
    typeof a === 'string' && typeof b === 'string' && f(a, b);
const ts =
  (f: (a: number, b: number) => boolean): Cmp =>
  (a, b) => {
    if (typeof a !== 'string' || typeof b !== 'string') return false;
    const x = parseTimestamp(a);
    const y = parseTimestamp(b);
    return x !== undefined && y !== undefined && f(x, y);
  };
const eq = (a: number | string, b: number | string) => a === b;
const lt = (a: number | string, b: number | string) => a < b;
const gt = (a: number | string, b: number | string) => a > b;
const le = (a: number | string, b: number | string) => a <= b;
const ge = (a: number | string, b: number | string) => a >= b;

/** Binary comparison operators (without the `Path` suffix), by name. */
export const COMPARISONS: Record<string, Cmp> = {
  StringEquals: str(eq),
  StringLessThan: str(lt),
  StringGreaterThan: str(gt),
  StringLessThanEquals: str(le),
  StringGreaterThanEquals: str(ge),
  NumericEquals: num(eq),
  NumericLessThan: num(lt),
  NumericGreaterThan: num(gt),
  NumericLessThanEquals: num(le),
  NumericGreaterThanEquals: num(ge),
  BooleanEquals: (a, b) => typeof a === 'boolean' && typeof b === 'boolean' && a === b,
  TimestampEquals: ts(eq),
  TimestampLessThan: ts(lt),
  TimestampGreaterThan: ts(gt),
  TimestampLessThanEquals: ts(le),
  TimestampGreaterThanEquals: ts(ge),
};

/** Type tests: `true` asks "is it?", `false` asks "is it not?". */
export const TYPE_TESTS: Record<string, (v: Json) => boolean> = {
  IsNull: (v) => v === null,
  IsNumeric: (v) => typeof v === 'number',
  IsString: (v) => typeof v === 'string',
  IsBoolean: (v) => typeof v === 'boolean',
  IsTimestamp: (v) => typeof v === 'string' && parseTimestamp(v) !== undefined,
};

/** Every operator a rule may use (besides And/Or/Not). */
export const CHOICE_OPERATORS: readonly string[] = [
  ...Object.keys(COMPARISONS),
  ...Object.keys(COMPARISONS).map((k) => `${k}Path`),
  'StringMatches',
  ...Object.keys(TYPE_TESTS),
  'IsPresent',
];

const patternCache = new Map<string, RegExp>();

/** Compiles a StringMatches pattern: `*` matches any run of characters; `\*` and `\\` are literals. */
export function matchPattern(pattern: string): RegExp {
  const hit = patternCache.get(pattern);
  if (hit) return hit;
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) {
      re += escapeRe(pattern[++i]);
    } else if (c === '*') re += '[\\s\\S]*';
    else re += escapeRe(c);
  }
  const compiled = new RegExp(`^${re}$`);
  if (patternCache.size > 10_000) patternCache.clear();
  patternCache.set(pattern, compiled);
  return compiled;
}

const escapeRe = (c: string) => c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

const compiled = new WeakMap<object, Predicate>();

function invalidPath(path: string): never {
  throw new StatesError(
    'States.Runtime',
    `Invalid path '${path}': The choice state's condition path references an invalid value.`,
  );
}

const docFor = (cp: { context: boolean }, input: Json, ctx: ContextObject | undefined): Json =>
  cp.context ? ((ctx ?? null) as unknown as Json) : input;

function reader(path: string): (input: Json, ctx: ContextObject | undefined) => Json {
  const cp = compilePath(path);
  return (input, ctx) => {
    const v = evaluateCompiled(cp, docFor(cp, input, ctx));
    return v === NOT_FOUND ? invalidPath(path) : v;
  };
}

function compileRule(rule: ChoiceRule): Predicate {
  const hit = compiled.get(rule);
  if (hit) return hit;
  const p = buildRule(rule);
  compiled.set(rule, p);
  return p;
}

function buildRule(rule: ChoiceRule): Predicate {
  if (Array.isArray(rule.And)) {
    const parts = (rule.And as ChoiceRule[]).map(compileRule);
    return (input, ctx) => parts.every((p) => p(input, ctx));
  }
  if (Array.isArray(rule.Or)) {
    const parts = (rule.Or as ChoiceRule[]).map(compileRule);
    return (input, ctx) => parts.some((p) => p(input, ctx));
  }
  if (rule.Not && typeof rule.Not === 'object') {
    const inner = compileRule(rule.Not as ChoiceRule);
    return (input, ctx) => !inner(input, ctx);
  }
  const variable = rule.Variable;
  if (typeof variable !== 'string')
    throw new StatesError('States.Runtime', 'A choice rule needs a Variable or And/Or/Not');
  const cp = compilePath(variable);
  if ('IsPresent' in rule) {
    const want = rule.IsPresent === true;
    return (input, ctx) => (evaluateCompiled(cp, docFor(cp, input, ctx)) !== NOT_FOUND) === want;
  }
  const read = reader(variable);
  for (const [op, test] of Object.entries(TYPE_TESTS)) {
    if (op in rule) {
      const want = rule[op] === true;
      return (input, ctx) => test(read(input, ctx)) === want;
    }
  }
  if ('StringMatches' in rule) {
    const re = matchPattern(String(rule.StringMatches));
    return (input, ctx) => {
      const v = read(input, ctx);
      return typeof v === 'string' && re.test(v);
    };
  }
  for (const [op, cmp] of Object.entries(COMPARISONS)) {
    if (op in rule) {
      const expected = rule[op] as Json;
      return (input, ctx) => cmp(read(input, ctx), expected);
    }
    const pathOp = `${op}Path`;
    if (pathOp in rule) {
      const other = reader(String(rule[pathOp]));
      return (input, ctx) => cmp(read(input, ctx), other(input, ctx));
    }
  }
  throw new StatesError(
    'States.Runtime',
    `The choice rule has no known comparison operator: ${JSON.stringify(rule)}`,
  );
}

/** Evaluates one rule (top-level or nested) against the state's effective input. */
export function evaluateChoiceRule(rule: ChoiceRule, input: Json, ctx?: ContextObject): boolean {
  return compileRule(rule)(input, ctx);
}

/** The Next of the first matching rule, else Default; throws StatesError('States.NoChoiceMatched').
 * `input` is the effective input (after InputPath); `ctx` (optional) serves `$$.` variables.
 * A missing Variable (except under IsPresent) raises StatesError('States.Runtime'). */
export function nextForChoice(state: ChoiceState, input: Json, ctx?: ContextObject): string {
  for (const rule of state.Choices) {
    if (compileRule(rule)(input, ctx)) return rule.Next as string;
  }
  if (state.Default !== undefined) return state.Default;
  throw new StatesError('States.NoChoiceMatched', 'No Matches!');
}
