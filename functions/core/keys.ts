/**
 * Every key template of the single-table design, in one place (docs/single-table.md lists the
 * access patterns). Attribute names come from `table.ts`; entity modules never build keys by hand.
 * The templates name no workflow: an instance is keyed by its workflow id and subject, whatever the
 * workflow; a kit's own records use the generic `record` templates.
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
/** Sort-key prefix of submissions inside an instance run's partition. */
export const SUBMISSION_PREFIX = 'SUB#';
/** Sort-key prefix of per-stack rows inside an instance view partition (city). */
export const VIEW_STACK_PREFIX = 'STACK#';

function run(workflowId: string, subject: string, attempt: number): string {
  return `RUN#${workflowId}#${subject}#${attempt}`;
}

export const keys = {
  // ---- every stack that runs workflows ------------------------------------------------------
  /** The current instance of a workflow for a subject: `INST#<workflow>#<subject>` / `INST`. */
  instance: (workflowId: string, subject: string) => key(`INST#${workflowId}#${subject}`, 'INST'),
  /** Instances of a workflow in a year, by subject (gsi1). */
  instanceByYear: (workflowId: string, year: number, subject: string) =>
    gsi1(`INSTANCES#${workflowId}#${year}`, subject),
  instancesOfYearPk: (workflowId: string, year: number) => `INSTANCES#${workflowId}#${year}`,
  /** The partition of one run (attempt) of an instance: its submissions and audit trail. */
  runPartition: run,
  /** An immutable submission snapshot: `RUN#...` / `SUB#<id>` (ids sort by time). */
  submission: (workflowId: string, subject: string, attempt: number, id: string) =>
    key(run(workflowId, subject, attempt), `${SUBMISSION_PREFIX}${id}`),
  /** A task: `TASK#<id>` / `TASK`. */
  task: (id: string) => key(`TASK#${id}`, 'TASK'),
  taskPartition: (id: string) => `TASK#${id}`,
  /** Tasks of a run, by opening time (gsi1). */
  taskByRun: (workflowId: string, subject: string, attempt: number, openedAt: string, id: string) =>
    gsi1(`${run(workflowId, subject, attempt)}#TASKS`, `${openedAt}#${id}`),
  tasksOfRunPk: (workflowId: string, subject: string, attempt: number) =>
    `${run(workflowId, subject, attempt)}#TASKS`,
  /** The next reminder or escalation of an open task, by due moment (gsi2, sparse). */
  timer: (at: string, taskId: string) => gsi2('TIMERS', `${at}#${taskId}`),
  timersPk: 'TIMERS',
  /** That a reminder/escalation of a task was raised (written once). */
  notificationMark: (taskId: string, kind: string) => key(`NOTIFIED#${taskId}`, kind),
  /** An execution waiting for an event about its subject. */
  waiter: (subject: string, detailType: string, taskId: string) =>
    key(`WAITERS#${subject}`, `${detailType}#${taskId}`),
  waitersPartition: (subject: string) => `WAITERS#${subject}`,
  /** When a schedule trigger of a workflow last fired. */
  triggerState: (workflowId: string, trigger: string) => key('TRIGGERS', `${workflowId}#${trigger}`),
  /** A project (county × project of one year): `PROJECT#<id>` / `PROJECT`. */
  project: (id: string) => key(`PROJECT#${id}`, 'PROJECT'),
  projectPartition: (id: string) => `PROJECT#${id}`,
  /** Projects of a year in this county (gsi1). */
  projectByYear: (year: number, code: string) => gsi1(`PROJECTS#${year}`, code),
  projectsOfYearPk: (year: number) => `PROJECTS#${year}`,
  /** A kit's own record: `REC#<type>#<id>` / `REC`, listed by type (gsi1). */
  record: (type: string, id: string) => key(`REC#${type}#${id}`, 'REC'),
  recordPartition: (type: string, id: string) => `REC#${type}#${id}`,
  recordByType: (type: string, sortKey: string) => gsi1(`RECS#${type}`, sortKey),
  recordsOfTypePk: (type: string) => `RECS#${type}`,
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

  // ---- city table: read models --------------------------------------------------------------
  /** A task in the city inbox: `INBOX#<stack>#<taskId>` / `TASK`. */
  inboxItem: (stack: string, taskId: string) => key(`INBOX#${stack}#${taskId}`, 'TASK'),
  /** An assignee's inbox by status, open ordered by due date, done by completion (gsi1). */
  inboxByAssignee: (role: string, org: string, status: string, sortAt: string, taskId: string) =>
    gsi1(inboxAssigneePk(role, org, status), `${sortAt}#${taskId}`),
  inboxAssigneePk: (role: string, org: string, status: string) => inboxAssigneePk(role, org, status),
  /** A county's tasks by status (gsi2), for the county office's view of its own county. */
  inboxByCounty: (county: string, status: string, sortAt: string, taskId: string) =>
    gsi2(`INBOXC#${county}#${status}`, `${sortAt}#${taskId}`),
  inboxCountyPk: (county: string, status: string) => `INBOXC#${county}#${status}`,
  /** Instances of a workflow for a subject across stacks (read model): `INSTV#<workflow>#<subject>`. */
  instanceViewPartition: (workflowId: string, subject: string) => `INSTV#${workflowId}#${subject}`,
  /** One stack's instance (status row). */
  instanceView: (workflowId: string, subject: string, stack: string) =>
    key(`INSTV#${workflowId}#${subject}`, `${VIEW_STACK_PREFIX}${stack}`),
  /** An open task of that instance (a row per open task, so nothing shared is counted). */
  instanceViewOpenTask: (workflowId: string, subject: string, stack: string, taskId: string) =>
    key(`INSTV#${workflowId}#${subject}`, `${VIEW_STACK_PREFIX}${stack}#OPEN#${taskId}`),
  /** Instance views of a workflow in a year, by stack then subject (gsi1). */
  instanceViewByYear: (workflowId: string, year: number, stack: string, subject: string) =>
    gsi1(`INSTVS#${workflowId}#${year}`, `${stack}#${subject}`),
  instanceViewsOfYearPk: (workflowId: string, year: number) => `INSTVS#${workflowId}#${year}`,
  /** A notification (read model): `NOTIF#<id>` / `NOTIF`. */
  notification: (id: string) => key(`NOTIF#${id}`, 'NOTIF'),
  /** A recipient's notifications, unread or read, newest last (gsi1). */
  notificationByRecipient: (role: string, org: string, state: 'unread' | 'read', at: string, id: string) =>
    gsi1(notificationsPk(role, org, state), `${at}#${id}`),
  notificationsPk: (role: string, org: string, state: 'unread' | 'read') => notificationsPk(role, org, state),
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

function notificationsPk(role: string, org: string, state: string): string {
  return `NOTIFS#${role}#${org}#${state}`;
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
