/**
 * Page tokens and sizes of list endpoints. A token is the DynamoDB start key (and a cursor position)
 * in base64url JSON; it is checked against the partition being read, so a forged token cannot point
 * a query anywhere else.
 */
import { ValidationFailed } from './errors';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

/** Parses `limit` from a query string: 1..MAX_PAGE_SIZE, default DEFAULT_PAGE_SIZE. */
export function pageSize(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_PAGE_SIZE;
  if (!/^\d{1,4}$/.test(raw)) throw new ValidationFailed([{ path: '/limit', message: 'limit 须为整数' }]);
  const n = Number(raw);
  if (n < 1 || n > MAX_PAGE_SIZE) {
    throw new ValidationFailed([{ path: '/limit', message: `每页条数须在 1 到 ${MAX_PAGE_SIZE} 之间` }]);
  }
  return n;
}

/** A cursor: which of several partitions (index `p`) and where in it (`k`). */
export interface Cursor {
  p: number;
  k?: Record<string, unknown>;
}

export function encodeCursor(c: Cursor | undefined): string | undefined {
  return c ? Buffer.from(JSON.stringify(c)).toString('base64url') : undefined;
}

/** Decodes a token; `partitionOf(p)` names the partition key value cursor position `p` must be in. */
export function decodeCursor(token: string | undefined, check: (c: Cursor) => boolean): Cursor {
  if (!token) return { p: 0 };
  const bad = () => new ValidationFailed([{ path: '/nextToken', message: '分页标记无效' }]);
  if (token.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(token)) throw bad();
  let c: Cursor;
  try {
    c = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Cursor;
  } catch {
    throw bad();
  }
  if (!c || typeof c !== 'object' || !Number.isInteger(c.p) || c.p < 0) throw bad();
  if (
    c.k !== undefined &&
    (typeof c.k !== 'object' || c.k === null || Object.values(c.k).some((v) => typeof v !== 'string'))
  )
    throw bad();
  if (!check(c)) throw bad();
  return c;
}
