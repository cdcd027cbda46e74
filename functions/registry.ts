/**
 * The one registry of Lambda functions. CDK creates a NodejsFunction per entry for each stack kind
 * listed in `stacks`; the local twin's invoker maps function names and ARNs to the same entry
 * modules. Ids are PascalCase and stable: they appear in ARNs, construct ids and definition
 * substitutions (`${<Id>Arn}`) of compiled workflows.
 */
export type StackKind = 'county' | 'city';

/**
 * What a function may touch in its own stack. Infra grants exactly these (scoped to that stack's
 * resources) and sets the matching environment: 'table:*' -> TABLE_NAME, 'events:publish' ->
 * EVENT_BUS_NAME, 'workflows:start' -> STATE_MACHINE_ARNS (StartExecution, DescribeExecution,
 * GetExecutionHistory), 'workflows:respond' -> SendTaskSuccess/Failure/Heartbeat.
 */
export type FunctionAccess =
  | 'table:read'
  | 'table:readWrite'
  | 'events:publish'
  | 'workflows:start'
  | 'workflows:respond';

export interface FunctionSpec {
  /** Stable id, PascalCase. */
  id: string;
  /** Module path relative to the repository root. */
  entry: string;
  /** Exported handler name in the module. */
  handler: string;
  /** Which stacks deploy this function. */
  stacks: readonly StackKind[];
  description: string;
  timeoutSeconds?: number;
  memoryMb?: number;
  /**
   * Least-privilege declaration. When absent the function gets everything its stack offers (table
   * read/write, publish, start + respond to workflows; no 'workflows:start' for functions a workflow
   * itself invokes, which would be a dependency cycle). Declare it to narrow.
   */
  access?: readonly FunctionAccess[];
  /**
   * Exists only on the local twin (e.g. password login against the local issuer); CDK skips it,
   * since in AWS users sign in at Cognito or the OIDC issuer.
   */
  twinOnly?: boolean;
}

export const FUNCTIONS = [
  {
    id: 'Health',
    entry: 'functions/http/health.ts',
    handler: 'handler',
    stacks: ['county', 'city'],
    description: 'GET /health: liveness of the API',
    access: [],
  },
  {
    id: 'OpenTask',
    entry: 'functions/tasks/open-task.ts',
    handler: 'handler',
    stacks: ['county'],
    description: 'Workflow human step (waitForTaskToken): stores the open task, its token and due date',
    access: ['table:readWrite', 'events:publish'],
  },
  {
    id: 'CreateProjects',
    entry: 'functions/tasks/create-projects.ts',
    handler: 'handler',
    stacks: ['county'],
    description: 'Workflow system step: turns the approved 二下 lines into the county projects of the year',
    access: ['table:readWrite', 'events:publish'],
  },
  // ---- allocation API (issue 4): city API ----
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
    id: 'OpenRound',
    entry: 'functions/http/open-round.ts',
    handler: 'handler',
    stacks: ['city'],
    description: 'POST /allocation-rounds: the city office opens a year of 二上二下',
    access: ['table:readWrite', 'events:publish'],
  },
  {
    id: 'GetRound',
    entry: 'functions/http/get-round.ts',
    handler: 'handler',
    stacks: ['city'],
    description: 'GET /allocation-rounds/{year}: round progress per county (read model)',
    access: ['table:read'],
  },
  {
    id: 'ListInbox',
    entry: 'functions/http/list-inbox.ts',
    handler: 'handler',
    stacks: ['city'],
    description: "GET /tasks: the caller's inbox across counties (read model)",
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
  // ---- allocation API: county API ----
  {
    id: 'GetTask',
    entry: 'functions/http/get-task.ts',
    handler: 'handler',
    stacks: ['county'],
    description: 'GET /tasks/{id}: task, pinned form, prefill or draft, earlier rounds',
    access: ['table:readWrite', 'workflows:respond'],
  },
  {
    id: 'SaveDraft',
    entry: 'functions/http/save-draft.ts',
    handler: 'handler',
    stacks: ['county'],
    description: 'PUT /tasks/{id}/draft: keeps unfinished form data',
    access: ['table:readWrite'],
  },
  {
    id: 'CompleteTask',
    entry: 'functions/http/complete-task.ts',
    handler: 'handler',
    stacks: ['county'],
    description: 'POST /tasks/{id}/complete: records the decision once and resumes the workflow',
    access: ['table:readWrite', 'events:publish', 'workflows:respond'],
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
    description: 'GET /projects/{id}/history: every change of a project, by round',
    access: ['table:read'],
  },
  // ---- allocation events and schedules ----
  {
    id: 'StartAllocation',
    entry: 'functions/events/start-allocation.ts',
    handler: 'handler',
    stacks: ['county'],
    description: "AllocationRoundOpened -> starts the county's execution allocation-<year> (idempotent)",
    access: ['table:readWrite', 'events:publish', 'workflows:start'],
  },
  {
    id: 'InboxProjector',
    entry: 'functions/events/inbox-projector.ts',
    handler: 'handler',
    stacks: ['city'],
    description: "Counties' task and progress events -> city inbox and round progress (read model)",
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
] as const satisfies readonly FunctionSpec[];

export type FunctionId = (typeof FUNCTIONS)[number]['id'];

/** Looks a function up by id; throws on an unknown id so typos fail at synth/start, not at run time. */
export function functionSpec(id: string): FunctionSpec {
  const spec = (FUNCTIONS as readonly FunctionSpec[]).find((f) => f.id === id);
  if (!spec) throw new Error(`Unknown function id: ${id}`);
  return spec;
}

/** The functions CDK deploys: every entry but the twin-only ones. */
export function deployedFunctions(): readonly FunctionSpec[] {
  return (FUNCTIONS as readonly FunctionSpec[]).filter((f) => !f.twinOnly);
}
