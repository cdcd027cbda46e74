/**
 * A human task as stored, and the readings every task path shares: load one, summarise it for
 * events and inboxes, resolve who it is for.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Assignee, TaskStatus, TaskSummary } from '../../../contracts/events';
import { CITY_OFFICE_ORG } from '../../../contracts/roles';
import type { DueRule, FanOutItem, InstanceRef, Outcome, Title } from '../../../contracts/steps';
import type { Actor } from '../../core/audit';
import type { Ctx } from '../../core/context';
import { keys, stripKeys } from '../../core/keys';

/** A task as stored. */
export interface Task {
  id: string;
  /** The stack that holds it: a county code, or `city`. */
  county: string;
  countyName: string;
  year: number;
  workflowId: string;
  workflowVersion: number;
  subject: string;
  subjectLabel?: Title;
  /** The run (instance attempt) it belongs to. */
  attempt: number;
  kit?: string;
  executionArn: string;
  step: string;
  stepType: 'task' | 'review' | 'notice';
  title: Title;
  formId?: string;
  formVersion?: number;
  assignee: Assignee;
  item?: FanOutItem;
  dueRule?: DueRule;
  dueAt?: string;
  reminder?: { daysBefore: number };
  escalation?: { daysAfter: number; to: { role: string; org: string } };
  /** The next timer of the task: a reminder or an escalation, and when. */
  timer?: { kind: 'reminder' | 'escalation'; at: string };
  allowedOutcomes: Outcome[];
  returnTargets?: string[];
  notice?: Title;
  status: TaskStatus;
  version: number;
  token: string;
  openedAt: string;
  /** 1 for the first time this step was done by this org, 2 after a return, ... */
  taskAttempt: number;
  draft?: { data: unknown; savedAt: string; by: Actor };
  completedAt?: string;
  completedBy?: Actor;
  outcome?: Outcome;
  submissionId?: string;
  comment?: string;
  cancelledAt?: string;
  cancelReason?: string;
}

/** The instance ref of a task. */
export function instanceRefOf(t: Task): InstanceRef {
  return { workflowId: t.workflowId, subject: t.subject, attempt: t.attempt, stack: t.county, year: t.year };
}

/**
 * Resolves a workflow `who.org` to a concrete org id: `county` is the stack's county, `city` the
 * city office, `item` the org of the fan-out item; anything else is an org unit id.
 */
export function resolveOrg(org: string, facts: { county?: string; item?: FanOutItem }): string {
  if (org === 'county') {
    if (!facts.county) throw new Error('assignee org "county" in a workflow without a county');
    return facts.county;
  }
  if (org === 'city') return CITY_OFFICE_ORG;
  if (org === 'item') {
    const itemOrg = facts.item?.org ?? facts.item?.key;
    if (!itemOrg) throw new Error('assignee org "item" outside a fan-out');
    return itemOrg;
  }
  return org;
}

/** The inbox summary of a task (what events carry). */
export function summaryOf(t: Task): TaskSummary {
  return {
    id: t.id,
    county: t.county,
    countyName: t.countyName,
    year: t.year,
    workflowId: t.workflowId,
    subject: t.subject,
    subjectLabel: t.subjectLabel,
    step: t.step,
    title: t.title,
    formId: t.formId,
    formVersion: t.formVersion,
    assignee: t.assignee,
    item: t.item,
    status: t.status,
    dueAt: t.dueAt,
    openedAt: t.openedAt,
    completedAt: t.completedAt,
    completedBy: t.completedBy?.name,
    outcome: t.outcome,
    cancelReason: t.cancelReason,
    attempt: t.taskAttempt,
    version: t.version,
  };
}

/** Reads a task (strongly consistent); undefined for an id that cannot be one. */
export async function getTask(ctx: Ctx, id: string): Promise<Task | undefined> {
  if (!/^[0-9a-f]{24}$/.test(id)) return undefined;
  const res = await ctx.db.send(
    new GetCommand({ TableName: ctx.table, Key: keys.task(id), ConsistentRead: true }),
  );
  return res.Item ? (stripKeys(res.Item) as unknown as Task) : undefined;
}
