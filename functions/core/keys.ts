/**
 * Every key template of the single-table design, in one place (docs/single-table.md lists the
 * access patterns). Attribute names come from `table.ts`; entity modules never build keys by hand.
 * County tables hold the allocation, its tasks, submissions, projects and the delivery bookkeeping;
 * the city table holds rounds and the cross-county read model.
 */
import { TABLE_DEFINITION } from './table';

export const PK = TABLE_DEFINITION.partitionKey;
export const SK = TABLE_DEFINITION.sortKey;
export const GSI1 = TABLE_DEFINITION.indexes[0];
export const GSI2 = TABLE_DEFINITION.indexes[1];
export const TTL = TABLE_DEFINITION.ttlAttribute;

/** A primary key. */
export type Key = Record<string, string>;

function key(pk: string, sk: string): Key {
  return { [PK]: pk, [SK]: sk };
}

function gsi1(pk: string, sk: string): Key {
  return { [GSI1.partitionKey]: pk, [GSI1.sortKey]: sk };
}

function gsi2(pk: string, sk: string): Key {
  return { [GSI2.partitionKey]: pk, [GSI2.sortKey]: sk };
}

/** Sort-key prefix of audit entries; they live in the partition of the entity they describe. */
export const AUDIT_PREFIX = 'AUDIT#';
/** Sort-key prefix of submissions inside an allocation partition. */
export const SUBMISSION_PREFIX = 'SUB#';
/** Sort-key prefix of per-county progress rows inside a round partition (city). */
export const ROUND_COUNTY_PREFIX = 'COUNTY#';

export const keys = {
  // ---- county table -------------------------------------------------------------------------
  /** The allocation of one year in this county: `ALLOC#<year>` / `ALLOC`. */
  allocation: (year: number) => key(`ALLOC#${year}`, 'ALLOC'),
  /** Partition of everything per allocation (the item, its submissions, its audit). */
  allocationPartition: (year: number) => `ALLOC#${year}`,
  /** An immutable submission snapshot: `ALLOC#<year>` / `SUB#<id>` (ids sort by time). */
  submission: (year: number, id: string) => key(`ALLOC#${year}`, `${SUBMISSION_PREFIX}${id}`),
  /** A task: `TASK#<id>` / `TASK`. */
  task: (id: string) => key(`TASK#${id}`, 'TASK'),
  taskPartition: (id: string) => `TASK#${id}`,
  /** Tasks of an allocation, by opening time (gsi1). */
  taskByAllocation: (year: number, openedAt: string, id: string) =>
    gsi1(`ALLOC#${year}#TASKS`, `${openedAt}#${id}`),
  tasksOfAllocationPk: (year: number) => `ALLOC#${year}#TASKS`,
  /** A project (county × project of one year): `PROJECT#<id>` / `PROJECT`. */
  project: (id: string) => key(`PROJECT#${id}`, 'PROJECT'),
  projectPartition: (id: string) => `PROJECT#${id}`,
  /** Projects of a year in this county (gsi1). */
  projectByYear: (year: number, code: string) => gsi1(`PROJECTS#${year}`, code),
  projectsOfYearPk: (year: number) => `PROJECTS#${year}`,
  /** A stored answer to an idempotent request, scoped to the caller. */
  idempotency: (scope: string, idemKey: string) => key(`IDEM#${scope}#${idemKey}`, 'IDEM'),
  /** A decision written but not yet delivered to Step Functions. */
  resumeMarker: (taskId: string) => key(`RESUME#${taskId}`, 'RESUME'),
  /** Pending resume markers by age (gsi1), read by the sweeper. */
  resumePending: (at: string, taskId: string) => gsi1('PENDING#RESUME', `${at}#${taskId}`),
  resumePendingPk: 'PENDING#RESUME',
  /** An event written with a state change and not yet published. */
  outbox: (eventId: string) => key(`OUTBOX#${eventId}`, 'OUTBOX'),
  /** Pending outbox events by age (gsi1), read by the sweeper. */
  outboxPending: (at: string, eventId: string) => gsi1('PENDING#OUTBOX', `${at}#${eventId}`),
  outboxPendingPk: 'PENDING#OUTBOX',
  /** An audit entry in the partition `pk` of the entity it describes. */
  audit: (pk: string, at: string, id: string) => key(pk, `${AUDIT_PREFIX}${at}#${id}`),

  // ---- city table ---------------------------------------------------------------------------
  /** An allocation round (year) opened by the city office: `ROUND#<year>` / `ROUND`. */
  round: (year: number) => key(`ROUND#${year}`, 'ROUND'),
  roundPartition: (year: number) => `ROUND#${year}`,
  /** Rounds by year (gsi1). */
  roundByYear: (year: number) => gsi1('ROUNDS', String(year)),
  /** Progress of one county in a round (read model): `ROUND#<year>` / `COUNTY#<code>`. */
  roundCounty: (year: number, county: string) => key(`ROUND#${year}`, `${ROUND_COUNTY_PREFIX}${county}`),
  /** An open task of a county in a round (read model): `ROUND#<year>` / `COUNTY#<code>#OPEN#<taskId>`. */
  roundCountyOpenTask: (year: number, county: string, taskId: string) =>
    key(`ROUND#${year}`, `${ROUND_COUNTY_PREFIX}${county}#OPEN#${taskId}`),
  /** A task in the city inbox (read model): `INBOX#<taskId>` / `TASK`. */
  inboxItem: (taskId: string) => key(`INBOX#${taskId}`, 'TASK'),
  /** An assignee's inbox by status, open ordered by due date, done by completion (gsi1). */
  inboxByAssignee: (role: string, org: string, status: string, sortAt: string, taskId: string) =>
    gsi1(inboxAssigneePk(role, org, status), `${sortAt}#${taskId}`),
  inboxAssigneePk: (role: string, org: string, status: string) => inboxAssigneePk(role, org, status),
  /** A county's tasks by status (gsi2), for the county office's view of its own county. */
  inboxByCounty: (county: string, status: string, sortAt: string, taskId: string) =>
    gsi2(`INBOXC#${county}#${status}`, `${sortAt}#${taskId}`),
  inboxCountyPk: (county: string, status: string) => `INBOXC#${county}#${status}`,
  /** A project in the cross-county list (read model): `PROJECT#<county>#<id>` / `PROJECT`. */
  projectView: (county: string, id: string) => key(`PROJECT#${county}#${id}`, 'PROJECT'),
  /** Projects of a year across counties, by county then code (gsi1). */
  projectViewByYear: (year: number, county: string, code: string) =>
    gsi1(`PROJECTS#${year}`, `${county}#${code}`),
  projectViewsOfYearPk: (year: number) => `PROJECTS#${year}`,
  /** Projects of a year led by one department (gsi2). */
  projectViewByDept: (year: number, dept: string, county: string, code: string) =>
    gsi2(projectViewsOfDeptPk(year, dept), `${county}#${code}`),
  projectViewsOfDeptPk: (year: number, dept: string) => projectViewsOfDeptPk(year, dept),
} as const;

function inboxAssigneePk(role: string, org: string, status: string): string {
  return `INBOX#${role}#${org}#${status}`;
}

function projectViewsOfDeptPk(year: number, dept: string): string {
  return `PROJECTS#${year}#DEPT#${dept}`;
}

/** Strips the key attributes from a stored item before it leaves the core. */
export function stripKeys(item: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const drop = new Set<string>([
    PK,
    SK,
    GSI1.partitionKey,
    GSI1.sortKey,
    GSI2.partitionKey,
    GSI2.sortKey,
    TTL,
  ]);
  for (const [k, v] of Object.entries(item)) if (!drop.has(k)) out[k] = v;
  return out;
}
