/**
 * A small JSONPath compiler and evaluator with the dialect Step Functions accepts (Jayway-style):
 * `$`/`$$` roots, `.name`, `['name']`, `[n]`, `[-n]`, `[*]`, `.*`, `..`, unions `[a,b]`, slices
 * `[start:end:step]` and filters `[?(@.x > 1 && @.y == 'a')]`.
 *
 * Paths are parsed once and cached: the engine evaluates the same handful of paths thousands of times.
 */
import { StatesError } from './errors';
import type { ContextObject, Json } from './types';

/** One step of a compiled path. */
export type Segment =
  | { k: 'name'; name: string }
  | { k: 'index'; i: number }
  | { k: 'wild' }
  | { k: 'union'; keys: (string | number)[] }
  | { k: 'slice'; start?: number; end?: number; step?: number }
  | { k: 'filter'; test: FilterFn }
  | { k: 'desc'; seg: Segment };

type FilterFn = (node: Json, root: Json) => boolean;

/** A parsed JSONPath. */
export interface CompiledPath {
  /** The text as written. */
  readonly source: string;
  /** `$$...`: evaluated against the context object. */
  readonly context: boolean;
  readonly segs: readonly Segment[];
  /** Only names and indices: selects at most one node, so a miss is an error rather than `[]`. */
  readonly definite: boolean;
  /** Only names and non-negative indices: usable as a ResultPath (reference path). */
  readonly reference: boolean;
  /** Bracket-normalised form used in error messages, e.g. `$['a'][0]`. */
  readonly normalized: string;
}

/** Raised for a syntactically invalid path (validation turns it into a definition error). */
export class PathSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathSyntaxError';
  }
}

/** Marker for "no node selected" (distinct from JSON null). */
export const NOT_FOUND: unique symbol = Symbol('NOT_FOUND');

const cache = new Map<string, CompiledPath>();
const CACHE_LIMIT = 20_000;

/** Parses (and caches) a path; throws PathSyntaxError when invalid. */
export function compilePath(source: string): CompiledPath {
  const hit = cache.get(source);
  if (hit) return hit;
  const compiled = new PathParser(source, false).parseRoot();
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(source, compiled);
  return compiled;
}

/** Whether `source` parses as a path. */
export function isValidPath(source: string): boolean {
  try {
    compilePath(source);
    return true;
  } catch {
    return false;
  }
}

const isObject = (v: unknown): v is { [k: string]: Json } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Selects the single node of a definite path, or NOT_FOUND. */
function selectDefinite(segs: readonly Segment[], root: Json): Json | typeof NOT_FOUND {
  let cur: Json = root;
  for (const seg of segs) {
    if (seg.k === 'name') {
      if (!isObject(cur) || !Object.hasOwn(cur, seg.name)) return NOT_FOUND;
      cur = cur[seg.name];
    } else {
      // definite paths contain only names and indices
      const i = (seg as { i: number }).i;
      if (!Array.isArray(cur)) return NOT_FOUND;
      const idx = i < 0 ? cur.length + i : i;
      if (idx < 0 || idx >= cur.length) return NOT_FOUND;
      cur = cur[idx];
    }
  }
  return cur;
}

function children(node: Json, out: Json[]): void {
  if (Array.isArray(node)) for (const v of node) out.push(v);
  else if (isObject(node)) for (const k in node) out.push(node[k]);
}

function descendantsAndSelf(node: Json, out: Json[]): void {
  out.push(node);
  if (Array.isArray(node)) for (const v of node) descendantsAndSelf(v, out);
  else if (isObject(node)) for (const k in node) descendantsAndSelf(node[k], out);
}

function sliceIndices(len: number, s: { start?: number; end?: number; step?: number }): number[] {
  const step = s.step ?? 1;
  const out: number[] = [];
  if (step === 0) return out;
  const norm = (v: number) =>
    v < 0 ? Math.max(len + v, step > 0 ? 0 : -1) : Math.min(v, step > 0 ? len : len - 1);
  if (step > 0) {
    const start = s.start === undefined ? 0 : norm(s.start);
    const end = s.end === undefined ? len : norm(s.end);
    for (let i = start; i < end; i += step) out.push(i);
  } else {
    const start = s.start === undefined ? len - 1 : norm(s.start);
    const end = s.end === undefined ? -1 : norm(s.end);
    for (let i = start; i > end; i += step) out.push(i);
  }
  return out;
}

/** Applies one segment to one node, appending matches. */
function applySeg(seg: Segment, node: Json, out: Json[], root: Json): void {
  switch (seg.k) {
    case 'name':
      if (isObject(node) && Object.hasOwn(node, seg.name)) out.push(node[seg.name]);
      return;
    case 'index':
      if (Array.isArray(node)) {
        const idx = seg.i < 0 ? node.length + seg.i : seg.i;
        if (idx >= 0 && idx < node.length) out.push(node[idx]);
      }
      return;
    case 'wild':
      children(node, out);
      return;
    case 'union':
      for (const key of seg.keys) {
        if (typeof key === 'number') applySeg({ k: 'index', i: key }, node, out, root);
        else applySeg({ k: 'name', name: key }, node, out, root);
      }
      return;
    case 'slice':
      if (Array.isArray(node)) for (const i of sliceIndices(node.length, seg)) out.push(node[i]);
      return;
    case 'filter': {
      const items: Json[] = [];
      children(node, items);
      for (const item of items) if (seg.test(item, root)) out.push(item);
      return;
    }
    case 'desc': {
      const all: Json[] = [];
      descendantsAndSelf(node, all);
      for (const n of all) applySeg(seg.seg, n, out, root);
      return;
    }
  }
}

/** All nodes selected by `segs` from `start`. */
function selectAll(segs: readonly Segment[], start: Json, root: Json): Json[] {
  let cur: Json[] = [start];
  for (const seg of segs) {
    const next: Json[] = [];
    for (const node of cur) applySeg(seg, node, next, root);
    cur = next;
    if (cur.length === 0) break;
  }
  return cur;
}

/**
 * Evaluates a compiled path against a document. Definite paths yield the node or NOT_FOUND;
 * indefinite paths (wildcards, slices, filters, `..`, unions) yield the array of matches.
 */
export function evaluateCompiled(path: CompiledPath, doc: Json): Json | typeof NOT_FOUND {
  if (path.definite) return selectDefinite(path.segs, doc);
  return selectAll(path.segs, doc, doc);
}

/** The document a path reads: the context object for `$$...` paths, the state's input otherwise. */
export function pathDocument(path: CompiledPath, input: Json, ctx: ContextObject | undefined): Json {
  return path.context ? ((ctx ?? null) as unknown as Json) : input;
}

/**
 * Writes `value` at a reference path inside `doc`, copying only the objects along the path
 * (the input is never mutated). Missing intermediate objects are created, as AWS does for
 * ResultPath; a non-object in the way raises States.ResultPathMatchFailure.
 */
export function writePath(path: CompiledPath, doc: Json, value: Json): Json {
  if (path.segs.length === 0) return value;
  const fail = (): never => {
    throw new StatesError(
      'States.ResultPathMatchFailure',
      `Unable to apply ResultPath "${path.source}" to input ${truncateJson(doc)}`,
    );
  };
  const write = (node: Json | undefined, i: number): Json => {
    const seg = path.segs[i];
    const last = i === path.segs.length - 1;
    if (seg.k === 'name') {
      let obj: { [k: string]: Json };
      if (node === undefined) obj = {};
      else if (isObject(node)) obj = { ...node };
      else return fail();
      obj[seg.name] = last ? value : write(Object.hasOwn(obj, seg.name) ? obj[seg.name] : undefined, i + 1);
      return obj;
    }
    if (seg.k === 'index') {
      if (!Array.isArray(node) || seg.i < 0 || seg.i >= node.length) return fail();
      const arr = node.slice();
      arr[seg.i] = last ? value : write(arr[seg.i], i + 1);
      return arr;
    }
    return fail();
  };
  return write(doc, 0);
}

/**
 * A JSON number, `true`, `false` or `null` starting at `pos` in `s`, as filter expressions and
 * intrinsic arguments both accept them: its value and how many characters it takes; undefined when
 * none starts there.
 */
export function scalarLiteral(
  s: string,
  pos: number,
): { value: number | boolean | null; length: number } | undefined {
  const num = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(s.slice(pos));
  if (num) return { value: Number(num[0]), length: num[0].length };
  for (const [word, value] of [
    ['true', true],
    ['false', false],
    ['null', null],
  ] as const) {
    if (s.startsWith(word, pos)) return { value, length: word.length };
  }
  return undefined;
}

/** JSON text cut to a readable length for error causes. */
export function truncateJson(v: Json, max = 1000): string {
  const s = JSON.stringify(v) ?? 'null';
  return s.length > max ? `${s.slice(0, max)}...` : s;
}

// ---------------------------------------------------------------------------------------------
// Parser

const NAME_STOP = new Set(['.', '[']);
const FILTER_NAME_STOP = new Set([
  '.',
  '[',
  ' ',
  '\t',
  '\n',
  '\r',
  '=',
  '!',
  '<',
  '>',
  '&',
  '|',
  ')',
  '(',
  ',',
  ']',
]);

class PathParser {
  pos = 0;
  readonly normalized: string[] = [];

  constructor(
    readonly src: string,
    readonly inFilter: boolean,
  ) {}

  error(msg: string): never {
    throw new PathSyntaxError(`Invalid JSONPath '${this.src}': ${msg} at character ${this.pos}`);
  }

  parseRoot(): CompiledPath {
    const s = this.src;
    let context = false;
    if (s.startsWith('$$')) {
      context = true;
      this.pos = 2;
    } else if (s.startsWith('$')) this.pos = 1;
    else this.error("a path must start with '$'");
    const segs = this.parseSegments(s.length);
    return finish(s, context, segs, this.normalized);
  }

  /** Parses segments until `end` (or, in a filter, until a character that ends an operand). */
  parseSegments(end: number): Segment[] {
    const segs: Segment[] = [];
    const s = this.src;
    while (this.pos < end) {
      const c = s[this.pos];
      if (c === '.') {
        if (s[this.pos + 1] === '.') {
          this.pos += 2;
          let inner: Segment;
          if (s[this.pos] === '[') inner = this.parseBracket();
          else if (s[this.pos] === '*') {
            this.pos++;
            inner = { k: 'wild' };
          } else inner = { k: 'name', name: this.parseName(end) };
          segs.push({ k: 'desc', seg: inner });
          this.normalized.push(`..${describe(inner)}`);
          continue;
        }
        this.pos++;
        // `.['name']`: a dot before bracket notation, as AWS's own examples write it (`$.abc.['def ghi']`).
        if (s[this.pos] === '[') continue;
        if (s[this.pos] === '*') {
          this.pos++;
          segs.push({ k: 'wild' });
          this.normalized.push('[*]');
          continue;
        }
        const name = this.parseName(end);
        segs.push({ k: 'name', name });
        this.normalized.push(`['${name}']`);
        continue;
      }
      if (c === '[') {
        const seg = this.parseBracket();
        segs.push(seg);
        this.normalized.push(describe(seg));
        continue;
      }
      if (this.inFilter) break;
      this.error(`unexpected character '${c}'`);
    }
    return segs;
  }

  parseName(end: number): string {
    const s = this.src;
    const stop = this.inFilter ? FILTER_NAME_STOP : NAME_STOP;
    const start = this.pos;
    while (this.pos < end && !stop.has(s[this.pos])) this.pos++;
    if (this.pos === start) this.error('expected a field name');
    const name = s.slice(start, this.pos);
    if (!this.inFilter && /[\s\]]/.test(name))
      this.error("field names after a dot cannot contain spaces or ']': use bracket notation ['...']");
    return name;
  }

  skipWs(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos])) this.pos++;
  }

  parseQuoted(): string {
    const s = this.src;
    const q = s[this.pos++];
    let out = '';
    while (this.pos < s.length && s[this.pos] !== q) {
      if (s[this.pos] === '\\' && this.pos + 1 < s.length) {
        out += s[this.pos + 1];
        this.pos += 2;
      } else out += s[this.pos++];
    }
    if (s[this.pos] !== q) this.error('unterminated quoted name');
    this.pos++;
    return out;
  }

  parseInt(): number {
    const m = /^-?\d+/.exec(this.src.slice(this.pos));
    if (!m) this.error('expected an integer');
    this.pos += m[0].length;
    return Number(m[0]);
  }

  expect(ch: string): void {
    this.skipWs();
    if (this.src[this.pos] !== ch) this.error(`expected '${ch}'`);
    this.pos++;
  }

  parseBracket(): Segment {
    const s = this.src;
    this.pos++; // [
    this.skipWs();
    const c = s[this.pos];
    if (c === '*') {
      this.pos++;
      this.expect(']');
      return { k: 'wild' };
    }
    if (c === '?') {
      this.pos++;
      this.expect('(');
      const close = findClosingParen(s, this.pos - 1);
      if (close < 0) this.error('unterminated filter expression');
      const test = new FilterParser(s.slice(this.pos, close), this.src).parse();
      this.pos = close + 1;
      this.expect(']');
      return { k: 'filter', test };
    }
    if (c === "'" || c === '"') {
      const keys: string[] = [this.parseQuoted()];
      this.skipWs();
      while (s[this.pos] === ',') {
        this.pos++;
        this.skipWs();
        if (s[this.pos] !== "'" && s[this.pos] !== '"') this.error('expected a quoted name');
        keys.push(this.parseQuoted());
        this.skipWs();
      }
      this.expect(']');
      return keys.length === 1 ? { k: 'name', name: keys[0] } : { k: 'union', keys };
    }
    if (c === ':' || c === '-' || (c >= '0' && c <= '9')) {
      // index, union of indices, or slice
      const parts: (number | undefined)[] = [];
      const readOpt = () => {
        this.skipWs();
        const d = s[this.pos];
        return d === '-' || (d >= '0' && d <= '9') ? this.parseInt() : undefined;
      };
      parts.push(readOpt());
      this.skipWs();
      if (s[this.pos] === ':') {
        while (s[this.pos] === ':' && parts.length < 3) {
          this.pos++;
          parts.push(readOpt());
          this.skipWs();
        }
        this.expect(']');
        return { k: 'slice', start: parts[0], end: parts[1], step: parts[2] };
      }
      const first = parts[0];
      if (first === undefined) this.error('expected an index');
      const idx: number[] = [first];
      while (s[this.pos] === ',') {
        this.pos++;
        this.skipWs();
        idx.push(this.parseInt());
        this.skipWs();
      }
      this.expect(']');
      return idx.length === 1 ? { k: 'index', i: idx[0] } : { k: 'union', keys: idx };
    }
    return this.error('invalid bracket expression');
  }
}

function describe(seg: Segment): string {
  switch (seg.k) {
    case 'name':
      return `['${seg.name}']`;
    case 'index':
      return `[${seg.i}]`;
    case 'wild':
      return '[*]';
    case 'union':
      return `[${seg.keys.map((k) => (typeof k === 'number' ? String(k) : `'${k}'`)).join(',')}]`;
    case 'slice':
      return `[${seg.start ?? ''}:${seg.end ?? ''}${seg.step !== undefined ? `:${seg.step}` : ''}]`;
    case 'filter':
      return '[?]';
    case 'desc':
      return `..${describe(seg.seg)}`;
  }
}

function finish(source: string, context: boolean, segs: Segment[], normalized: string[]): CompiledPath {
  const definite = segs.every((s) => s.k === 'name' || s.k === 'index');
  const reference = segs.every((s) => s.k === 'name' || (s.k === 'index' && s.i >= 0));
  return {
    source,
    context,
    segs,
    definite,
    reference,
    normalized: (context ? '$$' : '$') + normalized.join(''),
  };
}

/** Index of the `)` matching the `(` at `open`, skipping quoted text; -1 if none. */
function findClosingParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === "'" || c === '"') {
      i++;
      while (i < s.length && s[i] !== c) {
        if (s[i] === '\\') i++;
        i++;
      }
    } else if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Filter expressions

type Operand = (node: Json, root: Json) => Json | typeof NOT_FOUND;

class FilterParser {
  pos = 0;
  constructor(
    readonly s: string,
    readonly whole: string,
  ) {}

  error(msg: string): never {
    throw new PathSyntaxError(`Invalid JSONPath '${this.whole}': ${msg} in filter '${this.s}'`);
  }

  ws(): void {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos])) this.pos++;
  }

  eat(tok: string): boolean {
    this.ws();
    if (this.s.startsWith(tok, this.pos)) {
      this.pos += tok.length;
      return true;
    }
    return false;
  }

  parse(): FilterFn {
    const fn = this.parseOr();
    this.ws();
    if (this.pos < this.s.length) this.error(`unexpected '${this.s.slice(this.pos)}'`);
    return fn;
  }

  parseOr(): FilterFn {
    let left = this.parseAnd();
    while (this.eat('||')) {
      const l = left;
      const r = this.parseAnd();
      left = (n, root) => l(n, root) || r(n, root);
    }
    return left;
  }

  parseAnd(): FilterFn {
    let left = this.parseUnary();
    while (this.eat('&&')) {
      const l = left;
      const r = this.parseUnary();
      left = (n, root) => l(n, root) && r(n, root);
    }
    return left;
  }

  parseUnary(): FilterFn {
    this.ws();
    if (this.s[this.pos] === '!' && this.s[this.pos + 1] !== '=') {
      this.pos++;
      const inner = this.parseUnary();
      return (n, root) => !inner(n, root);
    }
    if (this.s[this.pos] === '(') {
      this.pos++;
      const inner = this.parseOr();
      if (!this.eat(')')) this.error("expected ')'");
      return inner;
    }
    return this.parseComparison();
  }

  parseComparison(): FilterFn {
    const left = this.parseOperand();
    this.ws();
    const ops = ['==', '!=', '<=', '>=', '=~', '<', '>'];
    const op = ops.find((o) => this.s.startsWith(o, this.pos));
    if (!op) return (n, root) => left(n, root) !== NOT_FOUND;
    this.pos += op.length;
    this.ws();
    if (op === '=~') {
      const re = this.parseRegex();
      return (n, root) => {
        const v = left(n, root);
        return typeof v === 'string' && re.test(v);
      };
    }
    const right = this.parseOperand();
    return (n, root) => compare(op, left(n, root), right(n, root));
  }

  parseRegex(): RegExp {
    const s = this.s;
    if (s[this.pos] !== '/') this.error("expected a regular expression after '=~'");
    let i = this.pos + 1;
    let body = '';
    while (i < s.length && s[i] !== '/') {
      if (s[i] === '\\' && i + 1 < s.length) {
        body += s[i] + s[i + 1];
        i += 2;
      } else body += s[i++];
    }
    if (s[i] !== '/') this.error('unterminated regular expression');
    i++;
    let flags = '';
    while (i < s.length && /[a-z]/i.test(s[i])) flags += s[i++];
    this.pos = i;
    try {
      return new RegExp(`^(?:${body})$`, flags.replace(/[^imsu]/g, ''));
    } catch {
      return this.error(`invalid regular expression /${body}/`);
    }
  }

  parseOperand(): Operand {
    this.ws();
    const s = this.s;
    const c = s[this.pos];
    if (c === '@' || c === '$') {
      const sub = new PathParser(s, true);
      sub.pos = this.pos + 1;
      const segs = sub.parseSegments(s.length);
      this.pos = sub.pos;
      const definite = segs.every((x) => x.k === 'name' || x.k === 'index');
      const fromRoot = c === '$';
      return (node, root) => {
        const start = fromRoot ? root : node;
        if (definite) return selectDefinite(segs, start);
        return selectAll(segs, start, root);
      };
    }
    if (c === "'" || c === '"') {
      let i = this.pos + 1;
      let out = '';
      while (i < s.length && s[i] !== c) {
        if (s[i] === '\\' && i + 1 < s.length) {
          out += s[i + 1];
          i += 2;
        } else out += s[i++];
      }
      if (s[i] !== c) this.error('unterminated string');
      this.pos = i + 1;
      return () => out;
    }
    const lit = scalarLiteral(s, this.pos);
    if (lit) {
      this.pos += lit.length;
      const v = lit.value;
      return () => v;
    }
    return this.error('expected a value');
  }
}

function compare(op: string, a: Json | typeof NOT_FOUND, b: Json | typeof NOT_FOUND): boolean {
  if (a === NOT_FOUND || b === NOT_FOUND) return op === '!=' && a !== b;
  switch (op) {
    case '==':
      return jsonEquals(a, b);
    case '!=':
      return !jsonEquals(a, b);
  }
  if (!((typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string')))
    return false;
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    default:
      return a >= b;
  }
}

/** Deep JSON equality (object key order ignored). */
export function jsonEquals(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEquals(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!Object.hasOwn(b, k) || !jsonEquals(a[k], b[k])) return false;
  return true;
}
