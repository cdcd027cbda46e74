/** Identifier helpers: time-sortable ids and stable hashes. */
import { createHash, randomBytes } from 'node:crypto';

/** A time-sortable id: 9 base-36 chars of epoch ms, then 12 random hex chars. */
export function sortableId(now: Date = new Date()): string {
  return now.getTime().toString(36).padStart(9, '0') + randomBytes(6).toString('hex');
}

/** A stable short hash of a string (hex, `len` chars), e.g. a task id derived from its token. */
export function stableHash(value: string, len = 24): string {
  return createHash('sha256').update(value).digest('hex').slice(0, len);
}

/** A random UUID (event ids). */
export function uuid(): string {
  return crypto.randomUUID();
}
