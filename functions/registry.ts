/**
 * The one registry of Lambda functions: the runtime's own, then each kit's (functions/kits/*\/manifest.ts).
 * CDK creates a NodejsFunction per entry for each stack kind listed in `stacks`; the local twin's
 * invoker maps function names and ARNs to the same entry modules. Ids are PascalCase and stable:
 * they appear in ARNs, construct ids and definition substitutions (`${<Id>Arn}`) of compiled workflows.
 */
import type { FunctionSpec } from '../contracts/manifest';
import { KIT_MANIFESTS } from './kits/manifests';

export type { FunctionAccess, FunctionSpec, StackKind } from '../contracts/manifest';
export type FunctionId = string;

/** The runtime's functions: generic, for any workflow. */
export const RUNTIME_FUNCTIONS: readonly FunctionSpec[] = [
  {
    id: 'Health',
    entry: 'functions/http/health.ts',
    handler: 'handler',
    stacks: ['county', 'city'],
    description: 'GET /health: liveness of the API',
    access: [],
  },
  // ---- steps (invoked by compiled workflows) ----
  {
    id: 'OpenTask',
    entry: 'functions/steps/open-task.ts',
    handler: 'handler',
    stacks: ['county', 'city'],
    description: 'Human step (waitForTaskToken): stores the open task, its token, due date and timers',
    access: ['table:readWrite', 'catalogue:read', 'events:publish'],
  },
  {
    id: 'FanOutList',
    entry: 'functions/steps/fan-out-list.ts',
    handler: 'handler',
    stacks: ['county', 'city'],
    description: "Fan-out step: the list of items the instance's kit computes",
    access: ['table:read', 'catalogue:read'],
  },
  {
    id: 'WaitUntil',
    entry: 'functions/steps/wait-until.ts',
    handler: 'handler',
    stacks: ['county', 'city'],
    description: 'Wait step: the moment a date rule resolves to for the instance',
    access: ['table:read', 'catalogue:read'],
  },
  {
    id: 'AwaitEvent',
    entry: 'functions/steps/await-event.ts',
    handler: 'handler',
    stacks: ['county', 'city'],
    description: 'Wait-for-event step (waitForTaskToken): registers the execution as waiting for an event',
    access: ['table:readWrite'],
  },
  // ---- HTTP: city API ----
  {
    id: 'AuthLogin',
    entry: 'functions/http/auth-login.ts',
    handler: 'handler',
    stacks: ['city'],
    description: 'POST /auth/login: password login against the local identity (twin only)',
    access: [],
    twinOnly: true,
  },
  {
    id: 'Me',
    entry: 'functions/http/me.ts',
    handler: 'handler',
    stacks: ['city'],
    description: 'GET /me: the caller from the verified token',
    access: [],
  },
  {
    id: 'ListInbox',
    entry: 'functions/http/list-inbox.ts',
    handler: 'handler',
    stacks: ['city'],
    description: "GET /tasks: the caller's inbox across stacks (read model)",
    access: ['table:read'],
  },
  {
    id: 'ListNotifications',
    entry: 'functions/http/list-notifications.ts',
    handler: 'handler',
    stacks: ['city'],
    description: "GET /notifications: the caller's reminders, escalations and notices, with the unread count",
    access: ['table:read'],
  },
  {
    id: 'ReadNotification',
    entry: 'functions/http/read-notification.ts',
    handler: 'handler',
    stacks: ['city'],
    description: 'POST /notifications/{id}/read: marks a notification read',
    access: ['table:readWrite'],
  },
  {
    id: 'StartInstances',
    entry: 'functions/http/start-instances.ts',
    handler: 'handler',
    stacks: ['city'],
    description: 'POST /workflows/{id}/instances: a manual start by the roles the definition names',
    access: ['table:readWrite', 'catalogue:read', 'events:publish', 'workflows:start'],
  },
  {
    id: 'ListInstances',
    entry: 'functions/http/list-instances.ts',
    handler: 'handler',
    stacks: ['city'],
    description:
      'GET /workflows/{id}/instances?year=: each stack’s instances with their open steps (read model)',
    access: ['table:read'],
  },
  {
    id: 'ListProjects',
    entry: 'functions/http/list-projects.ts',
    handler: 'handler',
    stacks: ['city'],
    description: 'GET /projects?year=: projects the caller may see across counties (read model)',
    access: ['table:read'],
  },
  // ---- HTTP: the task API (county APIs; the city API for city workflows' tasks) ----
  {
    id: 'GetTask',
    entry: 'functions/http/get-task.ts',
    handler: 'handler',
    stacks: ['county', 'city'],
    description: 'GET /tasks/{id}: task, pinned form, prefill or draft, rule facts, earlier submissions',
    access: ['table:readWrite', 'catalogue:read', 'workflows:respond'],
  },
  {
    id: 'SaveDraft',
    entry: 'functions/http/save-draft.ts',
    handler: 'handler',
    stacks: ['county', 'city'],
    description: 'PUT /tasks/{id}/draft: keeps unfinished form data',
    access: ['table:readWrite'],
  },
  {
    id: 'CompleteTask',
    entry: 'functions/http/complete-task.ts',
    handler: 'handler',
    stacks: ['county', 'city'],
    description: 'POST /tasks/{id}/complete: records the decision once and resumes the workflow',
    access: ['table:readWrite', 'catalogue:read', 'events:publish', 'workflows:respond'],
  },
  {
    id: 'GetProject',
    entry: 'functions/http/get-project.ts',
    handler: 'handler',
    stacks: ['county'],
    description: 'GET /projects/{id}: one county project with its fund accounts',
    access: ['table:read'],
  },
  {
    id: 'GetProjectHistory',
    entry: 'functions/http/project-history.ts',
    handler: 'handler',
    stacks: ['county'],
    description: 'GET /projects/{id}/history: every change of a project',
    access: ['table:read', 'catalogue:read'],
  },
  // ---- events and schedules ----
  {
    id: 'StartWorkflow',
    entry: 'functions/events/start-workflow.ts',
    handler: 'handler',
    stacks: ['county'],
    description: 'WorkflowStartRequested -> starts the instance for its subject (idempotent)',
    access: ['table:readWrite', 'catalogue:read', 'events:publish', 'workflows:start'],
  },
  {
    id: 'SubjectEvents',
    entry: 'functions/events/subject-events.ts',
    handler: 'handler',
    stacks: ['county', 'city'],
    description: "The stack's own domain events -> event triggers start instances, waiting executions resume",
    access: ['table:readWrite', 'catalogue:read', 'events:publish', 'workflows:start', 'workflows:respond'],
  },
  {
    id: 'Lifecycle',
    entry: 'functions/events/lifecycle.ts',
    handler: 'handler',
    stacks: ['county', 'city'],
    description:
      'Step Functions execution status changes -> instance status; open tasks of ended executions cancelled',
    access: ['table:readWrite', 'events:publish'],
  },
  {
    id: 'Ticker',
    entry: 'functions/events/ticker.ts',
    handler: 'handler',
    stacks: ['county', 'city'],
    description: 'Every minute: reminders and escalations that are due, schedule triggers that fired',
    access: ['table:readWrite', 'catalogue:read', 'events:publish', 'workflows:start'],
    timeoutSeconds: 60,
  },
  {
    id: 'InboxProjector',
    entry: 'functions/events/inbox-projector.ts',
    handler: 'handler',
    stacks: ['city'],
    description:
      "Stacks' task, instance and notification events -> city inbox, instance overview, notifications",
    access: ['table:readWrite'],
  },
  {
    id: 'ProjectReadModel',
    entry: 'functions/events/project-read-model.ts',
    handler: 'handler',
    stacks: ['city'],
    description: "Counties' ProjectCreated -> cross-county project list (read model)",
    access: ['table:readWrite'],
  },
  {
    id: 'Sweeper',
    entry: 'functions/events/sweeper.ts',
    handler: 'handler',
    stacks: ['county', 'city'],
    description: 'Every minute: re-delivers resume markers and outbox events a crash left behind',
    access: ['table:readWrite', 'events:publish', 'workflows:respond'],
  },
];

/** Every function: the runtime's, then each kit's. */
export const FUNCTIONS: readonly FunctionSpec[] = [
  ...RUNTIME_FUNCTIONS,
  ...KIT_MANIFESTS.flatMap((k) => k.functions ?? []),
];

/** Looks a function up by id; throws on an unknown id so typos fail at synth/start, not at run time. */
export function functionSpec(id: string): FunctionSpec {
  const spec = FUNCTIONS.find((f) => f.id === id);
  if (!spec) throw new Error(`Unknown function id: ${id}`);
  return spec;
}

/** The functions CDK deploys: every entry but the twin-only ones. */
export function deployedFunctions(): readonly FunctionSpec[] {
  return FUNCTIONS.filter((f) => !f.twinOnly);
}
