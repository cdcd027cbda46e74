/**
 * JSON pointers (RFC 6901) as the API returns them in `errors[].path`, mapped onto the nested
 * error shape react-jsonschema-form renders beside each field (`{ lines: { 3: { amount: { __errors } } } }`).
 * Pure: no React, so the mapping is unit-tested on its own.
 */

/** One field error as the API and the shared validators report it. */
export interface FieldError {
  /** JSON pointer into the submitted data, e.g. `/lines/3/funds/county`; `''` or `/` is the whole form. */
  path: string;
  message: string;
  /** The stable code (`schema.*`, `rule.*`, `decision.*`), when the check gave one. */
  code?: string;
}

/** The nested error tree rjsf accepts as `extraErrors`. */
export interface ErrorTree {
  __errors?: string[];
  [key: string]: ErrorTree | string[] | undefined;
}

/** Splits a JSON pointer into unescaped segments; accepts `#/a/b` fragment form and dotted `a.b[0]` as a fallback. */
export function parsePointer(path: string): string[] {
  let p = path.trim();
  if (p.startsWith('#')) p = decodeURIComponent(p.slice(1));
  if (p === '' || p === '/') return [];
  if (!p.startsWith('/')) {
    // ajv's legacy dataPath style (`.lines[3].amount`) still appears in some messages.
    return p
      .replace(/\[(\d+)\]/g, '.$1')
      .split('.')
      .filter((s) => s.length > 0);
  }
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Builds a JSON pointer from segments, escaping `~` and `/`. */
export function toPointer(segments: ReadonlyArray<string | number>): string {
  if (segments.length === 0) return '';
  return `/${segments.map((s) => String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Maps API field errors onto an rjsf error tree. Messages for the same field are kept in order and
 * de-duplicated; pointers naming prototype keys are attached to the root instead of walking into them.
 */
export function errorsToTree(errors: ReadonlyArray<FieldError>): ErrorTree {
  const root: ErrorTree = {};
  for (const e of errors) {
    const segs = parsePointer(e.path ?? '');
    let node: ErrorTree = root;
    if (!segs.some((s) => FORBIDDEN.has(s))) {
      for (const s of segs) {
        const next = node[s];
        if (next === undefined || Array.isArray(next)) {
          const created: ErrorTree = {};
          node[s] = created;
          node = created;
        } else node = next;
      }
    }
    const list = node.__errors ?? [];
    if (!list.includes(e.message)) list.push(e.message);
    node.__errors = list;
  }
  return root;
}

/** Counts the messages in an error tree (for the error summary badge). */
export function countErrors(tree: ErrorTree | undefined): number {
  if (!tree) return 0;
  let n = tree.__errors?.length ?? 0;
  for (const [k, v] of Object.entries(tree)) {
    if (k !== '__errors' && v && !Array.isArray(v)) n += countErrors(v);
  }
  return n;
}

/**
 * The indexes of array items under `arrayPath` that carry at least one error: the line table uses it
 * to jump to the page holding the first error.
 */
export function erroredIndexes(errors: ReadonlyArray<FieldError>, arrayPath: string): number[] {
  const base = parsePointer(arrayPath);
  const out = new Set<number>();
  for (const e of errors) {
    const segs = parsePointer(e.path ?? '');
    if (segs.length <= base.length) continue;
    if (!base.every((s, i) => segs[i] === s)) continue;
    const idx = Number(segs[base.length]);
    if (Number.isInteger(idx) && idx >= 0) out.add(idx);
  }
  return [...out].sort((a, b) => a - b);
}

/** Converts an rjsf field id (`root_lines_3_amount`) back into a JSON pointer given the data it points into. */
export function idToPointer(id: string, data: unknown, prefix = 'root'): string {
  if (!id.startsWith(prefix)) return '';
  let rest = id.slice(prefix.length).replace(/^_/, '');
  const segs: string[] = [];
  let node: unknown = data;
  while (rest.length > 0 && node !== null && typeof node === 'object') {
    let matched: string | undefined;
    if (Array.isArray(node)) {
      const m = /^(\d+)(?:_|$)/.exec(rest);
      if (m) matched = m[1];
    } else {
      // Longest key first, so `fund_county` wins over `fund` when both exist.
      const keys = Object.keys(node as object).sort((a, b) => b.length - a.length);
      matched = keys.find((k) => rest === k || rest.startsWith(`${k}_`));
    }
    if (matched === undefined) {
      segs.push(rest);
      break;
    }
    segs.push(matched);
    node = (node as Record<string, unknown>)[matched];
    rest = rest.slice(matched.length).replace(/^_/, '');
  }
  return toPointer(segs);
}
