/**
 * Intrinsic functions (`States.Format(...)`, `States.Array(...)`, ...): parser, arity checks and
 * evaluation. Calls are parsed once per distinct text and cached as small ASTs.
 *
 * String literals are single-quoted; inside them `\'`, `\{`, `\}` and `\\` escape the reserved
 * characters. In `States.Format` an unescaped `{}` is a placeholder.
 */
import { createHash, randomUUID } from 'node:crypto';
import { StatesError } from './errors';
import {
  type CompiledPath,
  compilePath,
  evaluateCompiled,
  NOT_FOUND,
  PathSyntaxError,
  pathDocument,
  scalarLiteral,
  truncateJson,
} from './jsonpath';
import type { ContextObject, Json } from './types';

/** Literal argument; `fmt` holds the text around unescaped `{}` placeholders (for States.Format). */
export type IntrinsicArg =
  | { t: 'lit'; v: Json; fmt?: string[]; openEscape?: string }
  | { t: 'path'; p: CompiledPath }
  | { t: 'call'; call: IntrinsicCall };

/** A parsed intrinsic call. */
export interface IntrinsicCall {
  readonly name: string;
  readonly args: IntrinsicArg[];
  readonly source: string;
}

/** Raised by the parser for malformed or unknown calls (validation turns it into a definition error). */
export class IntrinsicSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IntrinsicSyntaxError';
  }
}

/** AWS limit on nesting intrinsic calls inside one field. */
export const MAX_INTRINSIC_DEPTH = 10;

/** [min, max] argument counts of every intrinsic AWS documents. */
const ARITY: Record<string, [number, number]> = {
  'States.Format': [1, Number.POSITIVE_INFINITY],
  'States.StringToJson': [1, 1],
  'States.JsonToString': [1, 1],
  'States.Array': [0, Number.POSITIVE_INFINITY],
  'States.ArrayPartition': [2, 2],
  'States.ArrayContains': [2, 2],
  'States.ArrayRange': [3, 3],
  'States.ArrayGetItem': [2, 2],
  'States.ArrayLength': [1, 1],
  'States.ArrayUnique': [1, 1],
  'States.Base64Encode': [1, 1],
  'States.Base64Decode': [1, 1],
  'States.Hash': [2, 2],
  'States.JsonMerge': [3, 3],
  'States.MathRandom': [2, 3],
  'States.MathAdd': [2, 2],
  'States.StringSplit': [2, 2],
  'States.UUID': [0, 0],
};

/** Names of all supported intrinsic functions. */
export const INTRINSIC_NAMES: readonly string[] = Object.keys(ARITY);

/** Whether a `.$` value is an intrinsic call rather than a path. */
export function isIntrinsicCall(value: string): boolean {
  return value.startsWith('States.');
}

const cache = new Map<string, IntrinsicCall>();

/** Parses (and caches) an intrinsic call; throws IntrinsicSyntaxError when malformed. */
export function parseIntrinsic(expr: string): IntrinsicCall {
  const hit = cache.get(expr);
  if (hit) return hit;
  const p = new Parser(expr);
  p.ws();
  const call = p.call(1);
  p.ws();
  if (p.pos < expr.length) p.error(`unexpected text '${expr.slice(p.pos)}' after the call`);
  if (cache.size > 20_000) cache.clear();
  cache.set(expr, call);
  return call;
}

class Parser {
  pos = 0;
  constructor(readonly s: string) {}

  error(msg: string): never {
    throw new IntrinsicSyntaxError(`Invalid intrinsic function call '${this.s}': ${msg}`);
  }

  ws(): void {
    while (this.pos < this.s.length && (this.s[this.pos] === ' ' || this.s[this.pos] === '\t')) this.pos++;
  }

  call(depth: number): IntrinsicCall {
    if (depth > MAX_INTRINSIC_DEPTH)
      this.error(`intrinsic functions can be nested at most ${MAX_INTRINSIC_DEPTH} deep`);
    const start = this.pos;
    const m = /^States\.[A-Za-z0-9]+/.exec(this.s.slice(this.pos));
    if (!m) this.error('expected a function name like States.Format');
    const name = m[0];
    this.pos += name.length;
    const arity = ARITY[name];
    if (!arity) this.error(`unknown intrinsic function '${name}'`);
    this.ws();
    if (this.s[this.pos] !== '(') this.error(`expected '(' after ${name}`);
    this.pos++;
    const args: IntrinsicArg[] = [];
    this.ws();
    if (this.s[this.pos] === ')') this.pos++;
    else {
      for (;;) {
        this.ws();
        args.push(this.arg(depth));
        this.ws();
        const c = this.s[this.pos];
        if (c === ',') {
          this.pos++;
          continue;
        }
        if (c === ')') {
          this.pos++;
          break;
        }
        this.error(
          c === undefined ? `missing ')' to close ${name}` : `unexpected '${c}' in the arguments of ${name}`,
        );
      }
    }
    const [min, max] = arity;
    if (args.length < min || args.length > max) {
      const want =
        min === max ? `${min}` : max === Number.POSITIVE_INFINITY ? `at least ${min}` : `${min} to ${max}`;
      this.error(`${name} takes ${want} argument${want === '1' ? '' : 's'}, got ${args.length}`);
    }
    const call: IntrinsicCall = { name, args, source: this.s.slice(start, this.pos) };
    checkStaticArgs(call, (msg) => this.error(msg));
    return call;
  }

  arg(depth: number): IntrinsicArg {
    const s = this.s;
    const c = s[this.pos];
    if (c === "'") return this.stringLiteral();
    if (c === '$') {
      const start = this.pos;
      let depthB = 0;
      while (this.pos < s.length) {
        const ch = s[this.pos];
        if (ch === "'" || ch === '"') {
          this.pos++;
          while (this.pos < s.length && s[this.pos] !== ch) this.pos += s[this.pos] === '\\' ? 2 : 1;
        } else if (ch === '[' || ch === '(') depthB++;
        else if (ch === ']' || (ch === ')' && depthB > 0)) depthB--;
        else if (depthB === 0 && (ch === ',' || ch === ')')) break;
        this.pos++;
      }
      const text = s.slice(start, this.pos).trimEnd();
      try {
        return { t: 'path', p: compilePath(text) };
      } catch (e) {
        return this.error(e instanceof PathSyntaxError ? e.message : String(e));
      }
    }
    if (s.startsWith('States.', this.pos)) return { t: 'call', call: this.call(depth + 1) };
    const lit = scalarLiteral(s, this.pos);
    if (lit) {
      this.pos += lit.length;
      return { t: 'lit', v: lit.value };
    }
    return this.error(
      c === undefined ? 'missing argument' : `unexpected '${c}' where an argument was expected`,
    );
  }

  stringLiteral(): IntrinsicArg {
    const s = this.s;
    this.pos++; // opening quote
    let value = '';
    let piece = '';
    let openEscape: string | undefined;
    const fmt: string[] = [];
    for (;;) {
      if (this.pos >= s.length) this.error('unterminated string literal');
      const c = s[this.pos];
      if (c === "'") {
        this.pos++;
        break;
      }
      if (c === '\\') {
        const n = s[this.pos + 1];
        if (n === undefined) this.error('unterminated string literal');
        // Only \' \{ \} \\ are escapes; any other backslash is an "open escape", which AWS
        // reports when the call is evaluated (a runtime error), not when the machine is created.
        if (!"'{}\\".includes(n)) openEscape ??= `\\${n}`;
        value += n;
        piece += n;
        this.pos += 2;
        continue;
      }
      if (c === '{' && s[this.pos + 1] === '}') {
        fmt.push(piece);
        piece = '';
        value += '{}';
        this.pos += 2;
        continue;
      }
      value += c;
      piece += c;
      this.pos++;
    }
    fmt.push(piece);
    return openEscape ? { t: 'lit', v: value, fmt, openEscape } : { t: 'lit', v: value, fmt };
  }
}

/** Argument checks that can be made on literals at parse time (AWS rejects these at create time). */
function checkStaticArgs(call: IntrinsicCall, fail: (msg: string) => never): void {
  const a = call.args;
  if (call.name === 'States.Format') {
    const tpl = a[0];
    if (tpl.t === 'lit') {
      if (typeof tpl.v !== 'string') fail('the first argument of States.Format must be a string');
      const holes = (tpl.fmt?.length ?? 1) - 1;
      if (holes !== a.length - 1)
        fail(
          `the template of States.Format has ${holes} placeholder(s) but ${a.length - 1} value(s) were given`,
        );
    }
  }
  if (call.name === 'States.JsonMerge' && a[2].t === 'lit' && a[2].v !== false)
    fail('States.JsonMerge supports only shallow merging: the third argument must be false');
  if (call.name === 'States.Hash' && a[1].t === 'lit' && !(typeof a[1].v === 'string' && HASHES[a[1].v]))
    fail(`States.Hash algorithm must be one of ${Object.keys(HASHES).join(', ')}`);
}

const HASHES: Record<string, string> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

// ---------------------------------------------------------------------------------------------
// Evaluation

const fail = (call: IntrinsicCall, msg: string): never => {
  throw new StatesError(
    'States.IntrinsicFailure',
    `Invalid arguments in ${call.name} ('${call.source}'): ${msg}`,
  );
};

function argValue(arg: IntrinsicArg, input: Json, ctx: ContextObject | undefined): Json {
  switch (arg.t) {
    case 'lit':
      if (arg.openEscape)
        throw new StatesError(
          'States.Runtime',
          `The intrinsic function string literal '${String(arg.v)}' contains an open escape '${arg.openEscape}': only \\' \\{ \\} and \\\\ are escapes`,
        );
      return arg.v;
    case 'call':
      return evaluateCall(arg.call, input, ctx);
    case 'path': {
      const doc = pathDocument(arg.p, input, ctx);
      const v = evaluateCompiled(arg.p, doc);
      if (v === NOT_FOUND)
        throw new StatesError(
          'States.Runtime',
          `The JsonPath argument '${arg.p.source}' of an intrinsic function could not be found in the input ${truncateJson(doc)}`,
        );
      return v;
    }
  }
}

const isObj = (v: Json): v is { [k: string]: Json } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: Json): v is number => typeof v === 'number' && Number.isInteger(v);
/** A number argument AWS rounds to the nearest integer ("If you specify a non-integer value ...,
 * Step Functions will round it off to the nearest integer"); undefined for anything else. */
const rounded = (v: Json): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : undefined;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const MAX_STRING = 10_000;

/** Canonical JSON (sorted keys) for equality and uniqueness. */
function canonical(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObj(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/** Deterministic generator for States.MathRandom with a seed. */
function seededRandom(seed: number): number {
  let t = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
  t = (t + 0x6d2b79f5) >>> 0;
  let r = Math.imul(t ^ (t >>> 15), 1 | t);
  r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
  return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
}

function formatValue(v: Json): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function evaluateCall(call: IntrinsicCall, input: Json, ctx: ContextObject | undefined): Json {
  const a = call.args.map((arg) => argValue(arg, input, ctx));
  const bad = (msg: string) => fail(call, msg);
  switch (call.name) {
    case 'States.Format': {
      const tplArg = call.args[0];
      const tpl = a[0];
      if (typeof tpl !== 'string') return bad('the template must be a string');
      // A template read from a path has no escapes: split on every `{}`.
      const pieces = tplArg.t === 'lit' && tplArg.fmt ? tplArg.fmt : tpl.split('{}');
      if (pieces.length - 1 !== a.length - 1)
        return bad(
          `the template has ${pieces.length - 1} placeholder(s) but ${a.length - 1} value(s) were given`,
        );
      let out = pieces[0];
      for (let i = 1; i < pieces.length; i++) out += formatValue(a[i]) + pieces[i];
      return out;
    }
    case 'States.StringToJson': {
      const s = a[0];
      if (typeof s !== 'string') return bad('the argument must be a string');
      try {
        return JSON.parse(s) as Json;
      } catch {
        return bad(`'${s.slice(0, 200)}' is not valid JSON`);
      }
    }
    case 'States.JsonToString':
      return JSON.stringify(a[0]);
    case 'States.Array':
      return a;
    case 'States.ArrayPartition': {
      const arr = a[0];
      const size = rounded(a[1]);
      if (!Array.isArray(arr)) return bad('the first argument must be an array');
      if (size === undefined || size <= 0) return bad('the chunk size must be a positive integer');
      const out: Json[] = [];
      for (let i = 0; i < arr.length; i += size) out.push(arr.slice(i, i + size));
      return out;
    }
    case 'States.ArrayContains': {
      const [arr, needle] = a;
      if (!Array.isArray(arr)) return bad('the first argument must be an array');
      const key = canonical(needle);
      return arr.some((x) => canonical(x) === key);
    }
    case 'States.ArrayRange': {
      const [first, last, step] = [rounded(a[0]), rounded(a[1]), rounded(a[2])];
      if (first === undefined || last === undefined || step === undefined)
        return bad('start, end and step must be numbers');
      if (step === 0) return bad('the step cannot be 0');
      const count = Math.floor((last - first) / step) + 1;
      if (count > 1000) return bad(`the range would have ${count} items; at most 1000 are allowed`);
      const out: number[] = [];
      for (let i = 0; i < count; i++) out.push(first + i * step);
      return out;
    }
    case 'States.ArrayGetItem': {
      const [arr, index] = a;
      if (!Array.isArray(arr)) return bad('the first argument must be an array');
      if (!isInt(index) || index < 0) return bad('the index must be a non-negative integer');
      if (index >= arr.length)
        return bad(`index ${index} is out of bounds for an array of length ${arr.length}`);
      return arr[index];
    }
    case 'States.ArrayLength': {
      if (!Array.isArray(a[0])) return bad('the argument must be an array');
      return a[0].length;
    }
    case 'States.ArrayUnique': {
      const arr = a[0];
      if (!Array.isArray(arr)) return bad('the argument must be an array');
      const seen = new Set<string>();
      const out: Json[] = [];
      for (const x of arr) {
        const key = canonical(x);
        if (!seen.has(key)) {
          seen.add(key);
          out.push(x);
        }
      }
      return out;
    }
    case 'States.Base64Encode': {
      const s = a[0];
      if (typeof s !== 'string') return bad('the argument must be a string');
      if (s.length > MAX_STRING) return bad(`the input is longer than ${MAX_STRING} characters`);
      return Buffer.from(s, 'utf8').toString('base64');
    }
    case 'States.Base64Decode': {
      const s = a[0];
      if (typeof s !== 'string') return bad('the argument must be a string');
      if (s.length > MAX_STRING) return bad(`the input is longer than ${MAX_STRING} characters`);
      if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s))
        return bad('the input is not valid base64');
      return Buffer.from(s, 'base64').toString('utf8');
    }
    case 'States.Hash': {
      const [data, algorithm] = a;
      const algo = typeof algorithm === 'string' ? HASHES[algorithm] : undefined;
      if (!algo) return bad(`the algorithm must be one of ${Object.keys(HASHES).join(', ')}`);
      const text = typeof data === 'string' ? data : JSON.stringify(data);
      if (text.length > MAX_STRING) return bad(`the input is longer than ${MAX_STRING} characters`);
      return createHash(algo).update(text, 'utf8').digest('hex');
    }
    case 'States.JsonMerge': {
      const [x, y, deep] = a;
      if (!isObj(x) || !isObj(y)) return bad('both values to merge must be JSON objects');
      if (deep !== false) return bad('only shallow merging is supported: the third argument must be false');
      return { ...x, ...y };
    }
    case 'States.MathRandom': {
      const [start, end, seed] = [rounded(a[0]), rounded(a[1]), rounded(a[2] ?? null)];
      if (start === undefined || end === undefined) return bad('start and end must be numbers');
      if (start < INT32_MIN || end > INT32_MAX) return bad('start and end must be 32-bit integers');
      if (end <= start) return bad('end must be greater than start');
      if (a.length === 3 && seed === undefined) return bad('the seed must be a number');
      const r = a.length === 3 ? seededRandom(seed as number) : Math.random();
      return start + Math.floor(r * (end - start));
    }
    case 'States.MathAdd': {
      const [x, y] = [rounded(a[0]), rounded(a[1])];
      if (x === undefined || y === undefined) return bad('both values must be numbers');
      if (x < INT32_MIN || x > INT32_MAX || y < INT32_MIN || y > INT32_MAX)
        return bad('values must be between -2147483648 and 2147483647');
      return x + y;
    }
    case 'States.StringSplit': {
      const [s, delims] = a;
      if (typeof s !== 'string' || typeof delims !== 'string') return bad('both arguments must be strings');
      // Every character of the second argument is a delimiter; empty pieces are dropped.
      const out: string[] = [];
      let cur = '';
      for (const ch of s) {
        if (delims.includes(ch)) {
          if (cur) out.push(cur);
          cur = '';
        } else cur += ch;
      }
      if (cur) out.push(cur);
      return out;
    }
    case 'States.UUID':
      return randomUUID();
  }
  return bad('unknown function');
}

/** Evaluates a parsed call (see evaluateIntrinsic). */
export function evaluateParsedIntrinsic(call: IntrinsicCall, input: Json, ctx?: ContextObject): Json {
  return evaluateCall(call, input, ctx);
}

/** Evaluates one intrinsic call string, e.g. "States.Format('Hi {}', $.name)". Every AWS intrinsic.
 * Throws StatesError('States.IntrinsicFailure') for bad arguments and StatesError('States.Runtime')
 * when a path argument selects nothing. */
export function evaluateIntrinsic(expr: string, input: Json, ctx: ContextObject): Json {
  let call: IntrinsicCall;
  try {
    call = parseIntrinsic(expr);
  } catch (e) {
    throw new StatesError('States.IntrinsicFailure', e instanceof Error ? e.message : String(e));
  }
  return evaluateCall(call, input, ctx);
}
