/**
 * The shapes of the manifests every layer reads: Lambda functions, HTTP routes, event rules and
 * schedules. The runtime declares its own (functions/registry.ts, routes.ts, events.ts) and each kit
 * declares its additions in its `manifest.ts`; CDK and the twin deploy the union.
 */

export type StackKind = 'county' | 'city';

/**
 * What a function may touch in its own stack. Infra grants exactly these (scoped to that stack's
 * resources) and sets the matching environment: 'table:*' -> TABLE_NAME, 'catalogue:read' -> read
 * of the definition catalogue in the city table (CITY_TABLE_NAME), 'events:publish' ->
 * EVENT_BUS_NAME (only with the stack's own source), 'workflows:start' -> STATE_MACHINE_ARNS
 * (StartExecution, DescribeExecution, GetExecutionHistory), 'workflows:respond' ->
 * SendTaskSuccess/Failure/Heartbeat.
 */
export type FunctionAccess =
  | 'table:read'
  | 'table:readWrite'
  | 'catalogue:read'
  | 'events:publish'
  | 'workflows:start'
  | 'workflows:respond';

export interface FunctionSpec {
  /** Stable id, PascalCase: it appears in ARNs, construct ids and `${<Id>Arn}` substitutions. */
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
   * Least-privilege declaration. When absent the function gets everything its stack offers (no
   * 'workflows:start' for functions a workflow itself invokes, which would be a dependency cycle).
   */
  access?: readonly FunctionAccess[];
  /** Exists only on the local twin (password login against the local issuer); CDK skips it. */
  twinOnly?: boolean;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteSpec {
  api: StackKind;
  method: HttpMethod;
  /** API Gateway path syntax: `/tasks/{id}`. */
  path: string;
  fn: string;
  /** 'jwt' (default) verifies the bearer token as the HTTP API JWT authorizer does. */
  auth: 'jwt' | 'none';
  /** Served only by the local twin; CDK skips it (see FunctionSpec.twinOnly). */
  twinOnly?: boolean;
}

/**
 * Who published the events a rule takes: the city stack, any county stack, the rule's own stack
 * (`minsheng.county.<code>` for a county's rule), or Step Functions (`aws.states`, on the account's
 * default bus, for this stack's own state machines).
 */
export type EventOrigin = 'city' | 'anyCounty' | 'own' | 'stepFunctions';

export interface EventRuleSpec {
  /** Stable id, PascalCase; part of construct ids. */
  id: string;
  /** The stack whose function is the target. */
  stack: StackKind;
  from: readonly EventOrigin[];
  detailType: readonly string[];
  fn: string;
}

export interface ScheduleSpec {
  id: string;
  stack: StackKind;
  /** EventBridge Scheduler cron expression body, e.g. `0 9 1 * ? *` (min hour dom month dow year). */
  cron: string;
  timezone: 'Asia/Shanghai';
  fn: string;
  input?: unknown;
}

/** What a kit adds to the platform, as data (no code is loaded to read it). */
export interface KitManifest {
  id: string;
  /** Names of the fan-out lists the kit computes (`each.list` of a step). */
  lists: readonly string[];
  /** Names of the trigger lists the kit computes (`each` of an event or schedule trigger). */
  triggers: readonly string[];
  /** Names of the subject dates the kit knows (`due.subjectDate`). */
  subjectDates?: readonly string[];
  functions?: readonly FunctionSpec[];
  routes?: readonly RouteSpec[];
  eventRules?: readonly EventRuleSpec[];
  schedules?: readonly ScheduleSpec[];
}
