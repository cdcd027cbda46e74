/**
 * The HTTP API's request and response shapes, as the handlers build them and the web app reads
 * them. (Request bodies are also JSON Schemas in functions/http/schemas, checked at the edge.)
 */
import type { CatalogueProject, FundSource, ProjectSummary } from './domain';
import type { InstanceSummary, NotificationSummary, TaskSummary } from './events';
import type { Outcome, Title } from './steps';

/** `{code, message, errors?}`: every error body. */
export interface ApiErrorBody {
  code: string;
  message: string;
  errors?: { path: string; message: string }[];
}

/** `{items, nextToken}`: every list. */
export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/** Who did something, as the API records it. */
export interface Actor {
  sub: string;
  name: string;
  org: string;
}

/** `GET /me`. */
export interface Me {
  sub: string;
  username: string;
  name: string;
  roles: string[];
  org: string;
  county?: string;
}

/** A form version as a task pins it. */
export interface PinnedForm {
  id: string;
  version: number;
  title: Title;
  description?: Title;
  schema: Record<string, unknown>;
  uiSchema: Record<string, unknown>;
  i18n?: unknown;
  roles?: Record<string, string>;
  rules: string[];
}

/** One earlier submission a task shows beside its form. */
export interface PreviousSubmission {
  submissionId: string;
  step: string;
  stepTitle?: string;
  formId?: string;
  formVersion?: number;
  attempt: number;
  org: string;
  outcome: Outcome;
  by: Actor;
  at: string;
  comment?: string;
  data: unknown;
}

/** A reviewer's return that a reopened task answers. */
export interface ReturnNote {
  step: string;
  stepTitle?: string;
  org: string;
  by: Actor;
  at: string;
  comment?: string;
  lines: { key: string; label?: string; comment?: string }[];
}

/** `GET /tasks/{id}`. */
export interface TaskView extends TaskSummary {
  allowedOutcomes: Outcome[];
  returnTargets?: string[];
  /** The pinned form; absent for a notice. */
  form?: PinnedForm;
  /** A notice's text, its placeholders filled. */
  notice?: Title;
  /** What the form shows: the caller's draft, else the prefill (the submitted data once done). */
  data: unknown;
  prefill?: unknown;
  /** The facts the form's rules need: the browser runs the same rules with them. */
  facts: Record<string, unknown>;
  /** The draft's time and author, for the assignee only (others never see a draft). */
  draft: { savedAt: string; by: Actor } | null;
  submission?: { id: string; outcome: Outcome; comment?: string; at: string; by: Actor };
  returns: ReturnNote[];
  /** Earlier submissions, newest first. */
  previous: PreviousSubmission[];
  /** The earlier submission to compare with by default, if any. */
  compareWith?: string;
  canComplete: boolean;
}

/** `POST /tasks/{id}/complete` body. */
export interface CompleteRequest {
  outcome: Outcome;
  data: unknown;
  comment?: string;
  /** For a return with more than one possible target; defaults to the first. */
  returnTo?: string;
}

/** The answer to a completion (also what a repeat with the same Idempotency-Key gets). */
export interface CompleteResponse {
  id: string;
  status: 'done';
  version: number;
  outcome: Outcome;
  submissionId: string;
  returnTo?: string;
  completedAt: string;
}

/** `PUT /tasks/{id}/draft` answer. */
export interface DraftSaved {
  id: string;
  savedAt: string;
}

/** An inbox row (`GET /tasks`). */
export type InboxItem = TaskSummary;

/** A notification as `GET /notifications` lists it. */
export interface NotificationView extends NotificationSummary {
  read: boolean;
}

/** `GET /notifications`. */
export interface NotificationPage extends Page<NotificationView> {
  unread: number;
}

/** One stack's instance of a workflow for a subject, with its open steps (`GET /workflows/{id}/instances`). */
export interface InstanceView extends InstanceSummary {
  openSteps: { step: string; since: string }[];
}

/** `POST /workflows/{id}/instances` answer. */
export interface StartAnswer {
  workflowId: string;
  /** Stacks asked to start it. */
  stacks: string[];
}

/** A project as `GET /projects/{id}` answers it. */
export interface ProjectView extends ProjectSummary {
  targets?: string;
  crossYear?: boolean;
  deadline?: string;
  responsibleUnit?: string;
  matching?: { city: number; county: number };
  schedule?: unknown;
  /** One fund account per source (分账核算), in 万元. */
  accounts: Record<FundSource, { planned: number; received: number; disbursed: number }>;
  createdAt: string;
}

/** One change in a project's history (`GET /projects/{id}/history`). */
export interface HistoryEntry {
  at: string;
  by: Actor;
  action: string;
  /** The workflow step and attempt the change belongs to. */
  round: { year: number; step?: string; formId?: string; attempt?: number; submissionId?: string };
  summary: string;
  /** The project's line as that step left it. */
  values?: unknown;
}

export type { CatalogueProject };
