/**
 * Domain events: detail types and their shapes, the one definition publishers and consumers share.
 * Every event is published through the outbox of the stack that changed state, with that stack's
 * source (contracts/sources.ts). Consumers are idempotent on `eventId` and ordered by `version`.
 */
import type { CatalogueProject, ProjectSummary } from './domain';
import type { Role } from './roles';
import type { FanOutItem, InstanceRef, Outcome, Title } from './steps';

/** Who must act on a task; `org` is a concrete org unit id once the task is open. */
export interface Assignee {
  role: Role;
  org: string;
}

export type TaskStatus = 'open' | 'done' | 'cancelled';

/** A task as inboxes show it. */
export interface TaskSummary {
  id: string;
  /** The stack that holds it: a county code, or `city` for a city workflow's task. */
  county: string;
  countyName?: string;
  year: number;
  workflowId: string;
  subject: string;
  /** What the subject is, for people (`2027年度`, a project's name). */
  subjectLabel?: Title;
  step: string;
  title: Title;
  formId?: string;
  formVersion?: number;
  assignee: Assignee;
  item?: FanOutItem;
  status: TaskStatus;
  dueAt?: string;
  openedAt: string;
  completedAt?: string;
  completedBy?: string;
  outcome?: Outcome;
  /** Why a cancelled task was cancelled. */
  cancelReason?: string;
  /** 1 for the first time this step was done by this org, 2 after a return, ... */
  attempt: number;
  /** Increases with every change of the task; orders events. */
  version: number;
}

export type InstanceStatus = 'running' | 'completed' | 'rejected' | 'failed' | 'aborted' | 'timedOut';

/** A workflow instance as the city's overviews show it. */
export interface InstanceSummary extends InstanceRef {
  countyName?: string;
  subjectLabel?: Title;
  status: InstanceStatus;
  startedAt: string;
  finishedAt?: string;
  /** Why it ended when it did not succeed (Step Functions' error and cause, or who stopped it). */
  reason?: string;
  /** Small facts the kit keeps on the instance (e.g. how many projects it created). */
  facts?: Record<string, string | number | boolean>;
  version: number;
}

/** A reminder before a due date, an escalation after it, or a notice to acknowledge. */
export interface NotificationSummary {
  id: string;
  kind: 'reminder' | 'escalation' | 'notice';
  county: string;
  recipient: Assignee;
  taskId: string;
  workflowId: string;
  step: string;
  title: Title;
  dueAt?: string;
  at: string;
  version: number;
}

export interface TaskEvent {
  eventId: string;
  task: TaskSummary;
}

export interface InstanceEvent {
  eventId: string;
  instance: InstanceSummary;
}

export interface NotificationRaised {
  eventId: string;
  notification: NotificationSummary;
}

export interface ProjectEvent {
  eventId: string;
  project: ProjectSummary;
}

/**
 * Asks the stacks to start a workflow: the city publishes it for county workflows (every county, or
 * the listed ones), any stack for itself. The kit turns `input` into the instance's subject.
 */
export interface WorkflowStartRequested {
  eventId: string;
  workflowId: string;
  input: Record<string, unknown>;
  /** Stacks that start it; absent = every county. */
  counties?: { code: string; name?: string }[];
  requestedBy: string;
  at: string;
}

/** Detail type -> detail shape. */
export interface EventDetails {
  WorkflowStartRequested: WorkflowStartRequested;
  InstanceChanged: InstanceEvent;
  TaskOpened: TaskEvent;
  TaskCompleted: TaskEvent;
  TaskCancelled: TaskEvent;
  NotificationRaised: NotificationRaised;
  ProjectCreated: ProjectEvent;
}
export type DetailType = keyof EventDetails;

/** Detail types that workflow triggers may start on (contracts of `event` triggers). */
export const TRIGGER_EVENTS: readonly DetailType[] = ['InstanceChanged', 'ProjectCreated'];

export type { CatalogueProject };
