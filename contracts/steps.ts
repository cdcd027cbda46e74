/**
 * The contract between compiled workflows (workflows/compiler.ts) and the functions they invoke:
 * the execution input, the payload each kind of step sends, and what each function answers. The
 * compiler builds exactly these shapes (its tests check them against these types) and the step
 * functions read nothing else.
 */
import type { Role } from './roles';

/** Text in Chinese and English. */
export interface Title {
  zh: string;
  en: string;
}

/** The instance an execution runs: one workflow for one subject (a county-year, a project, ...). */
export interface InstanceRef {
  workflowId: string;
  /** The subject key the workflow's kit built, e.g. `Y2027` or `P2027-MS01`. */
  subject: string;
  /** 1 for the first instance of (workflow, subject); more after an earlier one was cancelled. */
  attempt: number;
  /** The stack that runs it: `city` or a county code. */
  stack: string;
  /** The fiscal year the instance belongs to (dates like 06-30 are in it). */
  year: number;
}

/** What every execution starts with. The kit's own start input stays on the instance item. */
export interface ExecutionInput {
  instance: InstanceRef;
}

/** Outcomes a person can decide on a human step. */
export type Outcome = 'submit' | 'approve' | 'return' | 'reject' | 'acknowledge';
export const OUTCOMES: readonly Outcome[] = ['submit', 'approve', 'return', 'reject', 'acknowledge'];

/**
 * A deadline rule, resolved when a task opens. Working days skip weekends and the public holidays of
 * the calendar, and count the make-up working days (调休). `subjectDate` names a date the kit knows for
 * the subject (a cross-year project's own completion date); `fallback` applies when it has none.
 */
export interface DueRule {
  workingDays?: number;
  days?: number;
  /** MM-DD in the instance's year (end of that day, Asia/Shanghai). */
  date?: string;
  subjectDate?: string;
  fallback?: { workingDays?: number; days?: number; date?: string };
}

/** One element of a fan-out list: who acts (`org`) for which key. */
export interface FanOutItem {
  key: string;
  org?: string;
  label?: Title;
}

/** The payload a human step (task, review, notice) sends to `OpenTask` with `.waitForTaskToken`. */
export interface OpenTaskPayload {
  kind: 'openTask';
  taskToken: string;
  executionArn: string;
  instance: InstanceRef;
  workflowVersion: number;
  step: string;
  stepType: 'task' | 'review' | 'notice';
  title: Title;
  /** Absent for a notice, which shows its generated document instead of a form. */
  formId?: string;
  formVersion?: number;
  /** `org` is `county`, `city`, `item` (the fan-out item's org) or a literal org unit id. */
  assignee: { role: Role; org: string };
  /** Set inside a fan-out. */
  item?: FanOutItem;
  due?: DueRule;
  /** Working days before the due date. */
  reminder?: { daysBefore: number };
  /** Working days after the due date, and who is told. */
  escalation?: { daysAfter: number; to: { role: Role; org: string } };
  allowedOutcomes: Outcome[];
  /** Step ids a `return` may go back to; the first is used when the decision names none. */
  returnTargets?: string[];
  /** A notice's text; `{{name}}` placeholders are filled from the kit's facts. */
  notice?: Title;
}

/** The SendTaskSuccess output that completes a human task (small: documents stay in DynamoDB). */
export interface TaskDecision {
  outcome: Outcome;
  submissionId: string;
  by: string;
  at: string;
  comment?: string;
  /** For `return`: one of the payload's `returnTargets` (default: the first). */
  returnTo?: string;
}

/** What OpenTask answers (the execution waits for the token, so nobody reads it but the history). */
export interface OpenTaskResult {
  taskId: string;
  created: boolean;
}

/** The payload of a system step's function. Its return value lands in `$.steps.<stepId>.result`. */
export interface SystemStepPayload {
  kind: 'system';
  executionArn: string;
  instance: InstanceRef;
  workflowVersion: number;
  step: string;
}

/** The payload that asks the instance's kit for a fan-out list (the `FanOutList` function). */
export interface ListPayload {
  kind: 'list';
  instance: InstanceRef;
  step: string;
  list: string;
}

/** What `FanOutList` answers: the items the step fans out over (maybe none). */
export interface ListResult {
  items: FanOutItem[];
}

/** The payload of a wait-until-date step (the `WaitUntil` function answers the moment). */
export interface WaitPayload {
  kind: 'wait';
  instance: InstanceRef;
  step: string;
  until: DueRule;
}

/** What `WaitUntil` answers: the ISO moment the execution waits for (a Wait state's TimestampPath). */
export interface WaitResult {
  at: string;
}

/** The payload of a wait-for-event step (`AwaitEvent` with `.waitForTaskToken`). */
export interface AwaitEventPayload {
  kind: 'awaitEvent';
  taskToken: string;
  executionArn: string;
  instance: InstanceRef;
  step: string;
  /** The detail type awaited; the event must name this instance's subject (`detail.subject`). */
  detailType: string;
}

/** What a fan-out step leaves under `$.steps.<stepId>`. */
export interface FanOutResult {
  items: { key: string; outcome: Outcome; returnTo: string | null; decision: TaskDecision }[];
  outcomes: Outcome[];
  returnTos: (string | null)[];
  tally?: { anyReject: boolean; anyReturn: boolean; returnTo: Record<string, boolean> };
  /** Set when the list was empty, so nobody was asked. */
  skipped?: true;
}

/** Output of an end step, at `$.end` of the execution output. */
export interface EndMarker {
  result: 'success' | 'rejected';
  step: string;
}

/** Function ids of the runtime's own step functions (compiled ASL names them as `${<Id>Arn}`). */
export const STEP_FUNCTIONS = {
  openTask: 'OpenTask',
  fanOutList: 'FanOutList',
  waitUntil: 'WaitUntil',
  awaitEvent: 'AwaitEvent',
} as const;

/** Error names the compiled machine fails with. */
export const WORKFLOW_ERRORS = {
  stepFailed: 'Workflow.StepFailed',
  unexpectedOutcome: 'Workflow.UnexpectedOutcome',
} as const;
