/**
 * What changed between two submissions of a table of lines (a resubmission, or the next stage's form).
 * Lines are matched by their project code when they carry one, otherwise by position; each line's
 * leaves are compared by JSON pointer so nested fund breakdowns are compared field by field.
 */
import { toPointer } from './pointer';

export type LineStatus = 'added' | 'removed' | 'changed' | 'same';

/** One leaf (string, number, boolean, null) of a line, by its pointer relative to the line. */
export type Leaves = Map<string, unknown>;

export interface LineDiff {
  key: string;
  status: LineStatus;
  /** Index in the current round, or -1 for a removed line. */
  index: number;
  /** Index in the previous round, or -1 for an added line. */
  prevIndex: number;
  /** Pointers (relative to the line) whose value differs. */
  changed: string[];
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

const KEY_FIELDS = ['projectCode', 'project', 'code', 'lineId', 'id'];

/**
 * The identity of a line across submissions: the field the form declares as its `lineKey` role, else
 * a common key field, else `#<index>`.
 */
export function lineKey(line: unknown, index: number, keyField?: string): string {
  if (line && typeof line === 'object') {
    const rec = line as Record<string, unknown>;
    if (keyField && (typeof rec[keyField] === 'string' || typeof rec[keyField] === 'number')) {
      return String(rec[keyField]);
    }
    for (const f of KEY_FIELDS) {
      const v = rec[f];
      if (typeof v === 'string' && v.length > 0) return v;
      if (typeof v === 'number') return String(v);
      // `project: {code, name}` as some forms nest it.
      if (v && typeof v === 'object' && typeof (v as Record<string, unknown>).code === 'string') {
        return (v as Record<string, string>).code;
      }
    }
  }
  return `#${index}`;
}

/** Flattens a value into its leaves keyed by JSON pointer (arrays by index). */
export function leaves(value: unknown, prefix: Array<string | number> = [], out: Leaves = new Map()): Leaves {
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
    if (entries.length === 0) out.set(toPointer(prefix), Array.isArray(value) ? [] : {});
    for (const [k, v] of entries) leaves(v, [...prefix, k], out);
  } else {
    out.set(toPointer(prefix), value);
  }
  return out;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  // Empty and missing are the same to a reader of the table.
  const emptyA = a === undefined || a === null || a === '';
  const emptyB = b === undefined || b === null || b === '';
  if (emptyA && emptyB) return true;
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) < 1e-9;
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Compares two rounds' lines; the result lists current lines in order, then removed ones. With
 * `commonOnly` (submissions of different forms) only fields both have are compared.
 */
export function diffLines(
  previous: ReadonlyArray<unknown>,
  current: ReadonlyArray<unknown>,
  opts: { commonOnly?: boolean; keyField?: string } = {},
): LineDiff[] {
  const prevByKey = new Map<string, number>();
  previous.forEach((l, i) => {
    prevByKey.set(lineKey(l, i, opts.keyField), i);
  });
  const seen = new Set<string>();
  const out: LineDiff[] = [];
  current.forEach((line, index) => {
    const key = lineKey(line, index, opts.keyField);
    seen.add(key);
    const prevIndex = prevByKey.get(key);
    if (prevIndex === undefined) {
      out.push({
        key,
        status: 'added',
        index,
        prevIndex: -1,
        changed: [],
        after: line as Record<string, unknown>,
      });
      return;
    }
    const before = leaves(previous[prevIndex]);
    const after = leaves(line);
    const changed: string[] = [];
    for (const p of new Set([...before.keys(), ...after.keys()])) {
      if (opts.commonOnly && !(before.has(p) && after.has(p))) continue;
      if (!same(before.get(p), after.get(p))) changed.push(p);
    }
    out.push({
      key,
      status: changed.length ? 'changed' : 'same',
      index,
      prevIndex,
      changed: changed.sort(),
      before: previous[prevIndex] as Record<string, unknown>,
      after: line as Record<string, unknown>,
    });
  });
  previous.forEach((line, prevIndex) => {
    const key = lineKey(line, prevIndex, opts.keyField);
    if (!seen.has(key)) {
      out.push({
        key,
        status: 'removed',
        index: -1,
        prevIndex,
        changed: [],
        before: line as Record<string, unknown>,
      });
    }
  });
  return out;
}

/** Finds the first array of objects in a form's data (the table of lines), with its pointer. */
export function findLines(
  data: unknown,
  preferred = ['lines', 'items', 'rows'],
): { path: string; lines: unknown[] } {
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    const rec = data as Record<string, unknown>;
    for (const k of preferred)
      if (Array.isArray(rec[k])) return { path: toPointer([k]), lines: rec[k] as unknown[] };
    for (const [k, v] of Object.entries(rec)) {
      if (Array.isArray(v) && v.every((x) => x && typeof x === 'object'))
        return { path: toPointer([k]), lines: v };
    }
  }
  if (Array.isArray(data)) return { path: '', lines: data };
  return { path: '', lines: [] };
}
