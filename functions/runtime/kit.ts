/**
 * A kit holds what one family of workflows does that others don't: how its subject is keyed, what a
 * task's form starts with, the facts its form rules need, the lists it fans out over, what starts
 * it, and the checks and effects of its decisions. A workflow definition names its kit (`kit`); a
 * workflow without one runs on the runtime's defaults. Kits are registered in functions/kits/index.ts.
 */
import type { HistoryEntry } from '../../contracts/api';
import type { InstanceSummary } from '../../contracts/events';
import type { FanOutItem, Outcome, Title } from '../../contracts/steps';
import type { FormDefinition } from '../../forms/types';
import type { WorkflowDefinition } from '../../workflows/model';
import type { FieldError } from '../core/errors';
import type { Project } from '../core/project';
import type { Runtime } from './context';
import type { Submission } from './submissions';
import type { Task } from './tasks/model';

/** A stored instance: the summary plus what the runtime keeps for it. */
export interface Instance extends InstanceSummary {
  kit?: string;
  workflowVersion: number;
  /** The start input, as the kit normalised it. */
  input: Record<string, unknown>;
  startedBy?: string;
}

/** The subject of an instance, as the kit builds it from a start input. */
export interface SubjectOf {
  /** Key characters: letters, digits, `-`, `_`, `.`, `:`; at most 60. */
  subject: string;
  year: number;
  label?: Title;
  /** The input kept on the instance (normalised; only what the kit needs later). */
  input: Record<string, unknown>;
}

/** One instance a trigger asks to start. */
export interface StartRequest {
  input: Record<string, unknown>;
}

/** What a kit function knows about a task. */
export interface TaskArgs {
  rt: Runtime;
  instance: Instance;
  task: Task;
  /** Submissions of the instance's run before this task's own, oldest first. */
  submissions: readonly Submission[];
}

/** A decision about to be stored. */
export interface DecisionArgs extends TaskArgs {
  outcome: Outcome;
  data: unknown;
  comment?: string;
  /** The form the decision was made on (for the field roles it declares). */
  form?: FormDefinition;
  actor: { org: string; roles: readonly string[] };
}

export interface Kit {
  id: string;
  /**
   * Checks a start input and builds the instance's subject. Throws ValidationFailed (Chinese
   * messages) for an input it cannot start from.
   */
  subject(input: unknown, stack: { code: string; name?: string }): SubjectOf;
  /** Named dates of the subject (`YYYY-MM-DD`) for `due.subjectDate`. */
  subjectDates?(instance: Instance): Record<string, string>;
  /** The names {@link subjectDates} may return (the workflow validator checks `due.subjectDate` against them). */
  subjectDateNames?: readonly string[];
  /** The data a task's form opens with (undefined: the runtime's default). */
  prefill?(a: TaskArgs): unknown | Promise<unknown>;
  /** The facts the task form's rules need (the browser runs the same rules with them). */
  facts?(a: TaskArgs): Record<string, unknown> | Promise<Record<string, unknown>>;
  /** The earlier submissions a task shows beside its form, newest first (default: those of its form). */
  comparison?(a: TaskArgs): Submission[];
  /** The earlier submission a task compares against by default (its id). */
  compareWith?(a: TaskArgs): string | undefined;
  /** Fan-out lists by name. */
  lists?: Record<string, (a: { rt: Runtime; instance: Instance; step: string }) => Promise<FanOutItem[]>>;
  /** Trigger lists by name: which instances an event or a schedule starts. */
  triggers?: Record<
    string,
    (a: {
      rt: Runtime;
      definition: WorkflowDefinition;
      event?: unknown;
      at: string;
    }) => Promise<StartRequest[]>
  >;
  /** Who may make this decision on these lines (authority beyond being the assignee). */
  checkDecision?(a: DecisionArgs): FieldError[];
  /** The facts a notice's placeholders are filled from. */
  noticeFacts?(a: TaskArgs): Record<string, string | number>;
  /** What the kit adds to a project's history (e.g. its line through the rounds that created it). */
  projectHistory?(rt: Runtime, project: Project): Promise<HistoryEntry[]>;
}

/** The kits of this build, by id. */
export type KitRegistry = ReadonlyMap<string, Kit>;
