/**
 * Compiles a workflow definition to Amazon States Language (JSONPath).
 *
 * Shape of the compiled machine (the payload contract with `functions/tasks`):
 * - `Begin` (Pass) sets `$.steps = {}`; every step keeps its result under `$.steps.<stepId>`.
 * - A human step is a `lambda:invoke.waitForTaskToken` Task calling `${OpenTaskArn}` with the
 *   `openTask` payload ({@link HumanTaskPayload}); its result is the SendTaskSuccess output.
 * - A review routes on `outcome` (approve / return / reject) with Choice states; a return goes back
 *   to the named earlier step, whose reopened task sees the review under `$.steps.<reviewId>`.
 * - A parallel review is an inline Map over `$.steps.<source>.routing.leadDepts`; each iteration is
 *   one human review for that department; a Pass counts returns with States.ArrayContains and a
 *   Choice sends the work back if any department returned it.
 * - A system step is a `lambda:invoke` Task calling `${<FunctionId>Arn}`; `$.steps.<id>.result` is
 *   the function's return value.
 * - An end step is a Pass writing `$.end = { result, step }` and ending the execution.
 * - Lambda service errors are retried; anything else ends in the `StepFailed` Fail state
 *   (`Workflow.StepFailed`), an outcome the step does not allow in `UnexpectedOutcome`
 *   (`Workflow.UnexpectedOutcome`).
 *
 * Every ARN is a definition substitution (`${Partition}`, `${<FunctionId>Arn}`), so the output holds
 * no partition, region or account. The output is deterministic: states and keys are emitted in a
 * fixed order from the definition's step list, never from the input's key order.
 */
import {
  allowedOutcomes,
  type Due,
  type Escalation,
  edgesOf,
  forwardTarget,
  type HumanStep,
  isParallelReview,
  type Outcome,
  type Reminder,
  type ReviewStep,
  type Step,
  type SystemStep,
  type Title,
  type Who,
  type WorkflowDefinition,
} from './model';
import { validateWorkflow, type WorkflowChecks, type WorkflowError } from './validate';

/** Function id of the handler that opens every human task. */
export const OPEN_TASK_FUNCTION = 'OpenTask';
/** Definition substitution holding the partition (`aws`, `aws-cn`, ...). */
export const PARTITION_SUBSTITUTION = 'Partition';
/** Error names the compiled machine fails with. */
export const WORKFLOW_ERRORS = {
  stepFailed: 'Workflow.StepFailed',
  unexpectedOutcome: 'Workflow.UnexpectedOutcome',
} as const;
/** Lambda errors worth retrying: the service's, not the function's. */
export const LAMBDA_RETRY_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
] as const;

/** The definition substitution naming a function's ARN, e.g. `OpenTaskArn`. */
export function arnSubstitution(functionId: string): string {
  return `${functionId}Arn`;
}

/** The function id behind an ARN substitution (`CreateProjectsArn` -> `CreateProjects`), else undefined. */
export function functionIdOfSubstitution(name: string): string | undefined {
  return name !== PARTITION_SUBSTITUTION && name.endsWith('Arn') ? name.slice(0, -3) : undefined;
}

/**
 * Replaces every `${Name}` in compiled ASL text with `values[Name]`, as Step Functions does with
 * definition substitutions; throws when a value is missing so a half-substituted machine never runs.
 */
export function applySubstitutions(asl: string, values: Record<string, string>): string {
  return asl.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`No value for definition substitution \${${name}}`);
    return value;
  });
}

/** Payload the OpenTask function receives from a human step (after Step Functions fills the `.$` paths). */
export interface HumanTaskPayload {
  kind: 'openTask';
  taskToken: string;
  executionArn: string;
  workflowId: string;
  workflowVersion: number;
  step: string;
  stepType: 'task' | 'review';
  title: Title;
  formId: string;
  formVersion: number;
  /** `org` is `county`, `city`, `leadDept` or a literal org unit id; `leadDept` is set inside a parallel review. */
  assignee: { role: Who['role']; org: string; leadDept?: string };
  due: Due;
  reminder?: Reminder;
  escalation?: Escalation;
  allowedOutcomes: Outcome[];
  /** Step ids a `return` may go back to; the first is used when the decision names none. */
  returnTargets?: string[];
  /** The execution input (for allocation: year, county, roundId, projects). */
  execution: Record<string, unknown>;
  /** Decisions so far: `$.steps` (see {@link TaskDecision}, parallel reviews as {@link ParallelReviewResult}). */
  state: Record<string, unknown>;
}

/** The SendTaskSuccess output that completes a human task (kept small: documents stay in DynamoDB). */
export interface TaskDecision {
  outcome: Outcome;
  submissionId: string;
  by: string;
  at: string;
  comment?: string;
  /** For `return`: one of the payload's `returnTargets` (default: the first). */
  returnTo?: string;
  /** Facts later steps fan out over, e.g. the lead departments that have lines. */
  routing?: { leadDepts?: string[] };
}

/** What a parallel review leaves under `$.steps.<stepId>`. */
export interface ParallelReviewResult {
  reviews: { leadDept: string; outcome: Outcome; returnTo: string | null; decision: TaskDecision }[];
  outcomes: Outcome[];
  returnTos: (string | null)[];
  tally: { anyReject: boolean; anyReturn: boolean; returnTo: Record<string, boolean> };
  /** Set when the source step named no lead departments, so nobody was asked. */
  skipped?: true;
}

/** Payload a system step's function receives. Its return value lands in `$.steps.<stepId>.result`. */
export interface SystemStepPayload {
  kind: 'system';
  executionArn: string;
  workflowId: string;
  workflowVersion: number;
  step: string;
  execution: Record<string, unknown>;
  state: Record<string, unknown>;
}

/** Output of an end step, at `$.end` of the execution output. */
export interface EndMarker {
  result: 'success' | 'rejected';
  step: string;
}

export interface CompileOptions {
  /** Checks for form and function existence; defaults to the registries of this build. */
  checks?: Partial<WorkflowChecks>;
}

export interface CompiledWorkflow {
  /** ASL JSON text with `${...}` definition substitutions. */
  asl: string;
  /** The substitution names used, sorted, e.g. `['CreateProjectsArn', 'OpenTaskArn', 'Partition']`. */
  substitutions: string[];
}

/** Thrown by {@link compileWorkflow} for a definition that does not validate. */
export class WorkflowDefinitionError extends Error {
  override readonly name = 'WorkflowDefinitionError';
  readonly code = 'WORKFLOW_INVALID';
  constructor(readonly errors: WorkflowError[]) {
    super(`Invalid workflow definition: ${errors.map((e) => `${e.path} ${e.en}`).join('; ')}`);
  }
}

const BEGIN = 'Begin';
const STEP_FAILED = 'StepFailed';
const UNEXPECTED = 'UnexpectedOutcome';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type State = { [key: string]: Json };

/** Validates then compiles a definition; throws {@link WorkflowDefinitionError} if it is invalid. */
export function compileWorkflow(def: WorkflowDefinition, opts: CompileOptions = {}): CompiledWorkflow {
  const result = validateWorkflow(def, opts.checks);
  if (!result.ok) throw new WorkflowDefinitionError(result.errors);

  const states: Record<string, State> = {};
  states[BEGIN] = {
    Type: 'Pass',
    Comment: '开始：准备记录各步骤的办理结果 / Start: a place for each step’s result',
    Result: {},
    ResultPath: '$.steps',
    Next: def.steps[0].id,
  };
  def.steps.forEach((step, index) => {
    Object.assign(states, compileStep(def, step, index));
  });
  states[STEP_FAILED] = {
    Type: 'Fail',
    Comment: '步骤意外失败 / A step failed unexpectedly',
    Error: WORKFLOW_ERRORS.stepFailed,
    Cause: 'A step failed after its retries; the execution history holds the error.',
  };
  states[UNEXPECTED] = {
    Type: 'Fail',
    Comment: '收到该步骤不允许的结论 / A decision the step does not allow',
    Error: WORKFLOW_ERRORS.unexpectedOutcome,
    Cause: 'A task was completed with an outcome or return target its step does not allow.',
  };

  const machine: State = {
    Comment: `${def.title.zh} / ${def.title.en} (${def.id} v${def.version})`,
    StartAt: BEGIN,
    States: states,
  };
  const asl = JSON.stringify(machine, null, 2);
  const substitutions = [...new Set([...asl.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]))].sort();
  return { asl, substitutions };
}

function compileStep(def: WorkflowDefinition, step: Step, index: number): Record<string, State> {
  switch (step.type) {
    case 'task':
      return { [step.id]: humanTask(def, step, next(def, index), {}) };
    case 'review':
      return isParallelReview(step) ? parallelReview(def, step, index) : singleReview(def, step, index);
    case 'system':
      return { [step.id]: systemTask(def, step, next(def, index)) };
    case 'end':
      return {
        [step.id]: {
          Type: 'Pass',
          Comment: comment(step.title),
          Result: { result: step.result, step: step.id },
          ResultPath: '$.end',
          End: true,
        },
      };
  }
}

function next(def: WorkflowDefinition, index: number): string {
  return forwardTarget(def, index)!.to;
}

function comment(title: Title): string {
  return `${title.zh} / ${title.en}`;
}

function lambdaRetry(): Json[] {
  return [{ ErrorEquals: [...LAMBDA_RETRY_ERRORS], IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2 }];
}

function catchAll(failState: string): Json[] {
  return [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: failState }];
}

function humanPayload(def: WorkflowDefinition, step: HumanStep, inParallel: boolean): State {
  const assignee: State = { role: step.who.role, org: step.who.org };
  if (inParallel) assignee['leadDept.$'] = '$.leadDept';
  const payload: State = {
    kind: 'openTask',
    'taskToken.$': '$$.Task.Token',
    'executionArn.$': '$$.Execution.Id',
    workflowId: def.id,
    workflowVersion: def.version,
    step: step.id,
    stepType: step.type,
    title: { zh: step.title.zh, en: step.title.en },
    formId: step.form.id,
    formVersion: step.form.version,
    assignee,
    due: dueJson(step.due),
  };
  if (step.reminder) payload.reminder = { daysBefore: step.reminder.daysBefore };
  if (step.escalation) {
    payload.escalation = {
      daysAfter: step.escalation.daysAfter,
      to: { role: step.escalation.to.role, org: step.escalation.to.org },
    };
  }
  payload.allowedOutcomes = allowedOutcomes(step);
  if (step.type === 'review' && step.outcomes.return?.length)
    payload.returnTargets = [...step.outcomes.return];
  payload['execution.$'] = '$$.Execution.Input';
  payload['state.$'] = '$.steps';
  return payload;
}

function dueJson(due: Due): State {
  const out: State = {};
  if (due.workingDays !== undefined) out.workingDays = due.workingDays;
  if (due.days !== undefined) out.days = due.days;
  if (due.date !== undefined) out.date = due.date;
  return out;
}

function humanTask(
  def: WorkflowDefinition,
  step: HumanStep,
  nextState: string,
  where: { inParallel?: { resultPath: string; failState: string } },
): State {
  return {
    Type: 'Task',
    Comment: comment(step.title),
    Resource: `arn:\${${PARTITION_SUBSTITUTION}}:states:::lambda:invoke.waitForTaskToken`,
    Parameters: {
      FunctionName: `\${${arnSubstitution(OPEN_TASK_FUNCTION)}}`,
      Payload: humanPayload(def, step, Boolean(where.inParallel)),
    },
    ResultPath: where.inParallel?.resultPath ?? `$.steps.${step.id}`,
    Retry: lambdaRetry(),
    Catch: catchAll(where.inParallel?.failState ?? STEP_FAILED),
    Next: nextState,
  };
}

function systemTask(def: WorkflowDefinition, step: SystemStep, nextState: string): State {
  return {
    Type: 'Task',
    Comment: comment(step.title),
    Resource: `arn:\${${PARTITION_SUBSTITUTION}}:states:::lambda:invoke`,
    Parameters: {
      FunctionName: `\${${arnSubstitution(step.function)}}`,
      Payload: {
        kind: 'system',
        'executionArn.$': '$$.Execution.Id',
        workflowId: def.id,
        workflowVersion: def.version,
        step: step.id,
        'execution.$': '$$.Execution.Input',
        'state.$': '$.steps',
      },
    },
    ResultSelector: { 'result.$': '$.Payload' },
    ResultPath: `$.steps.${step.id}`,
    Retry: lambdaRetry(),
    Catch: catchAll(STEP_FAILED),
    Next: nextState,
  };
}

/** Where each outcome of a review leads, with return targets in workflow order (earliest first). */
function reviewTargets(def: WorkflowDefinition, index: number) {
  const edges = edgesOf(def, index);
  const approve = edges.find((e) => e.kind === 'approve')!.to;
  const reject = edges.find((e) => e.kind === 'reject')?.to;
  const returns = edges.filter((e) => e.kind === 'return').map((e) => e.to);
  const order = (id: string) => def.steps.findIndex((s) => s.id === id);
  return { approve, reject, returns, returnsEarliestFirst: [...returns].sort((a, b) => order(a) - order(b)) };
}

/** Choice on `returnTo` that runs only for a `return`: absent means the first target. */
function returnToChoice(
  path: string,
  returns: string[],
  stateFor: (target: string) => string,
  defaultTarget: string,
  unexpected: string,
): State {
  return {
    Type: 'Choice',
    Choices: [
      { Not: { Variable: path, IsPresent: true }, Next: defaultTarget },
      ...returns.map((t) => ({ Variable: path, StringEquals: t, Next: stateFor(t) })),
    ],
    Default: unexpected,
  };
}

function singleReview(def: WorkflowDefinition, step: ReviewStep, index: number): Record<string, State> {
  const t = reviewTargets(def, index);
  const decide = `${step.id}.decide`;
  const returnTo = `${step.id}.returnTo`;
  const at = `$.steps.${step.id}`;
  const choices: Json[] = [{ Variable: `${at}.outcome`, StringEquals: 'approve', Next: t.approve }];
  if (t.returns.length) choices.push({ Variable: `${at}.outcome`, StringEquals: 'return', Next: returnTo });
  if (t.reject) choices.push({ Variable: `${at}.outcome`, StringEquals: 'reject', Next: t.reject });
  const states: Record<string, State> = {
    [step.id]: humanTask(def, step, decide, {}),
    [decide]: {
      Type: 'Choice',
      Comment: '按审核结论分流 / Route on the decision',
      Choices: choices,
      Default: UNEXPECTED,
    },
  };
  if (t.returns.length) {
    states[returnTo] = {
      Comment: '退回修改：回到所选步骤 / Return for revision to the chosen step',
      ...returnToChoice(`${at}.returnTo`, t.returns, (x) => x, t.returns[0], UNEXPECTED),
    };
  }
  return states;
}

function parallelReview(
  def: WorkflowDefinition,
  step: ReviewStep & { eachLeadDeptOf: string },
  index: number,
): Record<string, State> {
  const t = reviewTargets(def, index);
  const id = step.id;
  const at = `$.steps.${id}`;
  const s = {
    each: `${id}.each`,
    none: `${id}.none`,
    tally: `${id}.tally`,
    decide: `${id}.decide`,
    review: `${id}.review`,
    check: `${id}.check`,
    returnTo: `${id}.returnTo`,
    keepReturn: `${id}.keepReturn`,
    defaultReturn: `${id}.defaultReturn`,
    noReturn: `${id}.noReturn`,
    failed: `${id}.failed`,
    unexpected: `${id}.unexpected`,
  };
  const leadDepts = `$.steps.${step.eachLeadDeptOf}.routing.leadDepts`;

  // One iteration: a human review for one department, summarised with an explicit returnTo
  // (a target name, null when nothing was returned, or copied from the decision).
  const summary = (returnTo: { value: string | null } | { copy: true }): State => {
    const out: State = { 'leadDept.$': '$.leadDept', 'outcome.$': '$.decision.outcome' };
    if ('copy' in returnTo) out['returnTo.$'] = '$.decision.returnTo';
    else out.returnTo = returnTo.value;
    out['decision.$'] = '$.decision';
    return { Type: 'Pass', Parameters: out, End: true };
  };
  const checkChoices: Json[] = [
    { Variable: '$.decision.outcome', StringEquals: 'approve', Next: s.noReturn },
  ];
  if (t.returns.length) {
    checkChoices.push({ Variable: '$.decision.outcome', StringEquals: 'return', Next: s.returnTo });
  }
  if (t.reject)
    checkChoices.push({ Variable: '$.decision.outcome', StringEquals: 'reject', Next: s.noReturn });
  const iteration: Record<string, State> = {
    [s.review]: humanTask(def, step, s.check, {
      inParallel: { resultPath: '$.decision', failState: s.failed },
    }),
    [s.check]: { Type: 'Choice', Choices: checkChoices, Default: s.unexpected },
  };
  if (t.returns.length) {
    iteration[s.returnTo] = returnToChoice(
      '$.decision.returnTo',
      t.returns,
      () => s.keepReturn,
      s.defaultReturn,
      s.unexpected,
    );
    iteration[s.keepReturn] = summary({ copy: true });
    iteration[s.defaultReturn] = summary({ value: t.returns[0] });
  }
  iteration[s.noReturn] = summary({ value: null });
  iteration[s.failed] = {
    Type: 'Fail',
    Error: WORKFLOW_ERRORS.stepFailed,
    Cause: 'A department review task failed after its retries.',
  };
  iteration[s.unexpected] = {
    Type: 'Fail',
    Error: WORKFLOW_ERRORS.unexpectedOutcome,
    Cause: 'A department review was completed with an outcome or return target the step does not allow.',
  };

  const returnFlags: State = {};
  for (const target of t.returnsEarliestFirst) {
    returnFlags[`${target}.$`] = `States.ArrayContains(${at}.returnTos, '${target}')`;
  }
  const decideChoices: Json[] = [];
  if (t.reject)
    decideChoices.push({ Variable: `${at}.tally.anyReject`, BooleanEquals: true, Next: t.reject });
  for (const target of t.returnsEarliestFirst) {
    decideChoices.push({ Variable: `${at}.tally.returnTo.${target}`, BooleanEquals: true, Next: target });
  }

  const states: Record<string, State> = {
    [id]: {
      Type: 'Choice',
      Comment: '有牵头部门时并行审核 / Parallel review when lead departments are named',
      Choices: [{ Variable: `${leadDepts}[0]`, IsPresent: true, Next: s.each }],
      Default: s.none,
    },
    [s.none]: {
      Type: 'Pass',
      Comment: '没有需要审核的牵头部门 / No lead department to review',
      Result: { reviews: [], outcomes: [], returnTos: [], skipped: true },
      ResultPath: at,
      Next: t.approve,
    },
    [s.each]: {
      Type: 'Map',
      Comment: `${comment(step.title)} (各牵头部门并行 / each lead department in parallel)`,
      ItemsPath: leadDepts,
      ItemSelector: { 'leadDept.$': '$$.Map.Item.Value', 'steps.$': '$.steps' },
      MaxConcurrency: step.maxParallel ?? 10,
      ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: s.review, States: iteration },
      ResultSelector: { 'reviews.$': '$', 'outcomes.$': '$[*].outcome', 'returnTos.$': '$[*].returnTo' },
      ResultPath: at,
      Catch: [
        { ErrorEquals: [WORKFLOW_ERRORS.unexpectedOutcome], ResultPath: '$.failure', Next: UNEXPECTED },
        ...catchAll(STEP_FAILED),
      ],
      Next: s.tally,
    },
    [s.tally]: {
      Type: 'Pass',
      Comment: '汇总各部门结论 / Count the departments’ decisions',
      Parameters: {
        'anyReject.$': `States.ArrayContains(${at}.outcomes, 'reject')`,
        'anyReturn.$': `States.ArrayContains(${at}.outcomes, 'return')`,
        returnTo: returnFlags,
      },
      ResultPath: `${at}.tally`,
      Next: decideChoices.length ? s.decide : t.approve,
    },
  };
  // A review that can only approve has nothing to decide (and a Choice needs at least one rule).
  if (decideChoices.length) {
    states[s.decide] = {
      Type: 'Choice',
      Comment: '任一部门不予通过或退回即照办，否则通过 / Any rejection or return wins; otherwise approved',
      Choices: decideChoices,
      Default: t.approve,
    };
  }
  return states;
}
