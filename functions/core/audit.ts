/**
 * Audit entries: who did what, when, in which round. An entry lives in the partition of the entity
 * it describes and is always written in the same transaction as the change itself.
 */
import type { Principal } from './auth';
import type { TransactItem } from './db';
import { sortableId } from './ids';
import { AUDIT_PREFIX, keys } from './keys';

/** Who acted: a user, or the system (a workflow step, a projector). */
export interface Actor {
  sub: string;
  name: string;
  org: string;
}

export const SYSTEM_ACTOR: Actor = { sub: 'system', name: '系统', org: 'system' };

/** The actor fields of a principal. */
export function actorOf(p: Principal): Actor {
  return { sub: p.sub, name: p.name, org: p.org };
}

/** One audit entry as stored and returned by history queries. */
export interface AuditEntry {
  id: string;
  at: string;
  action: string;
  by: Actor;
  /** The year, and the workflow step/submission the change belongs to, when it has one. */
  round?: { year: number; step?: string; submissionId?: string; attempt?: number };
  summary: string;
  details?: Record<string, unknown>;
}

/** The transaction item that writes an audit entry into partition `pk`. */
export function auditPut(table: string, pk: string, entry: Omit<AuditEntry, 'id'>, now: Date): TransactItem {
  const id = sortableId(now);
  return {
    Put: {
      TableName: table,
      Item: { ...keys.audit(pk, entry.at, id), kind: 'audit', id, ...entry },
    },
  };
}

/** The sort-key prefix history queries use. */
export const AUDIT_SK_PREFIX = AUDIT_PREFIX;
