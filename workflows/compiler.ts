/**
 * Compiles a workflow definition to Amazon States Language (JSONPath).
 *
 * Shape of the compiled machine (the payloads are the contracts of contracts/steps.ts):
 * - `Begin` (Pass) keeps `$.instance` and adds `$.steps`, `$.lists` and `$.waits`; every step keeps its
 *   result under `$.steps.<stepId>`.
 * - A human step (task, review, notice) is a `lambda:invoke.waitForTaskToken` Task calling
 *   `${OpenTaskArn}` with an {@link OpenTaskPayload}; its result is the SendTaskSuccess output
 *   ({@link TaskDecision}).
 * - A review routes on `outcome` (approve / return / reject) with Choice states; a return goes back
 *   to the named earlier step.
 * - A fan-out step (`each`) first asks `${FanOutListArn}` for the kit's list (`$.lists.<stepId>`),
 *   then runs an inline Map with one human task per item. With policy `anyReturn` a Pass counts the
 *   outcomes with States.ArrayContains and a Choice sends the work back if any item was returned
 *   (or rejected); with `independent` every decision stands for its own item.
 * - A wait until a date asks `${WaitUntilArn}` for the moment and waits for it (TimestampPath); a
 *   wait for an event is a `.waitForTaskToken` Task calling `${AwaitEventArn}`, with an optional
 *   timeout that goes on to `onTimeout`.
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
  type AwaitEventPayload,
  type DueRule,
  type ListPayload,
  type OpenTaskPayload,
  STEP_FUNCTIONS,
  type SystemStepPayload,
  type WaitPayload,
  WORKFLOW_ERRORS,
} from '../contracts/steps';
import {
  allowedOutcomes,
  type Due,
  edgesOf,
  type FanOut,
  type FormStep,
  forwardTarget,
  type HumanStep,
  isFanOut,
  type ReviewStep,
  type Step,
  type SystemStep,
  type Title,
  type WaitStep,
  type WorkflowDefinition,
} from './model';
import { validateWorkflow, type WorkflowChecks, type WorkflowError } from './validate';

export type {
  EndMarker,
  FanOutResult,
  OpenTaskPayload,
  SystemStepPayload,
  TaskDecision,
} from '../contracts/steps';
export { WORKFLOW_ERRORS } from '../contracts/steps';

/** Function id of the handler that opens every human task. */
export const OPEN_TASK_FUNCTION = STEP_FUNCTIONS.openTask;
/** Definition substitution holding the partition (`aws`, `aws-cn`, ...). */
export const PARTITION_SUBSTITUTION = 'Partition';
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

export interface CompileOptions {
  /** Checks for form, function and kit existence; defaults to the registries of this build. */
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
const INSTANCE = '$$.Execution.Input.instance';

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
    Parameters: { 'instance.$': '$.instance', steps: {}, lists: {}, waits: {} },
    Next: def.steps[0].id,
  };
  def.steps.forEach((step, index) => {
    Object.assign(states, compileStep(def, step, index));
  });
  // The two Fail states only when some state leads to them (an unreachable state is invalid ASL).
  const text = JSON.stringify(states);
  const reached = (name: string) => text.includes(`"Next":"${name}"`) || text.includes(`"Default":"${name}"`);
  if (reached(STEP_FAILED)) {
    states[STEP_FAILED] = {
      Type: 'Fail',
      Comment: '步骤意外失败 / A step failed unexpectedly',
      Error: WORKFLOW_ERRORS.stepFailed,
      Cause: 'A step failed after its retries; the execution history holds the error.',
    };
  }
  if (reached(UNEXPECTED)) {
    states[UNEXPECTED] = {
      Type: 'Fail',
      Comment: '收到该步骤不允许的结论 / A decision the step does not allow',
      Error: WORKFLOW_ERRORS.unexpectedOutcome,
      Cause: 'A task was completed with an outcome or return target its step does not allow.',
    };
  }

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
    case 'review':
      if (isFanOut(step)) return fanOut(def, step, index);
      if (step.type === 'review') return singleReview(def, step, index);
      return { [step.id]: humanTask(def, step, next(def, index), {}) };
    case 'notice':
      return { [step.id]: humanTask(def, step, next(def, index), {}) };
    case 'wait':
      return waitStep(step, next(def, index));
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

function lambdaResource(callback: boolean): string {
  return `arn:\${${PARTITION_SUBSTITUTION}}:states:::lambda:invoke${callback ? '.waitForTaskToken' : ''}`;
}

function functionName(id: string): string {
  return `\${${arnSubstitution(id)}}`;
}

/** A JSON payload template: `.$` keys are filled by Step Functions, the rest is literal. */
type Template<T> = { [K in keyof T as K extends string ? K | `${K}.$` : never]?: Json };

function humanPayload(def: WorkflowDefinition, step: HumanStep, inFanOut: boolean): State {
  const payload: Template<OpenTaskPayload> = {
    kind: 'openTask',
    'taskToken.$': '$$.Task.Token',
    'executionArn.$': '$$.Execution.Id',
    'instance.$': INSTANCE,
    workflowVersion: def.version,
    step: step.id,
    stepType: step.type,
    title: { zh: step.title.zh, en: step.title.en },
  };
  if (step.type !== 'notice') {
    payload.formId = step.form.id;
    payload.formVersion = step.form.version;
  }
  payload.assignee = { role: step.who.role, org: step.who.org };
  if (inFanOut) payload['item.$'] = '$.item';
  payload.due = dueJson(step.due);
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
  if (step.type === 'notice') payload.notice = { zh: step.text.zh, en: step.text.en };
  return payload as State;
}

function dueJson(due: Due): State {
  const out: Template<DueRule> = {};
  if (due.workingDays !== undefined) out.workingDays = due.workingDays;
  if (due.days !== undefined) out.days = due.days;
  if (due.date !== undefined) out.date = due.date;
  if (due.subjectDate !== undefined) out.subjectDate = due.subjectDate;
  if (due.fallback !== undefined) out.fallback = dueJson(due.fallback);
  return out as State;
}

function humanTask(
  def: WorkflowDefinition,
  step: HumanStep,
  nextState: string,
  where: { inFanOut?: { resultPath: string; failState: string } },
): State {
  return {
    Type: 'Task',
    Comment: comment(step.title),
    Resource: lambdaResource(true),
    Parameters: {
      FunctionName: functionName(OPEN_TASK_FUNCTION),
      Payload: humanPayload(def, step, Boolean(where.inFanOut)),
    },
    ResultPath: where.inFanOut?.resultPath ?? `$.steps.${step.id}`,
    Retry: lambdaRetry(),
    Catch: catchAll(where.inFanOut?.failState ?? STEP_FAILED),
    Next: nextState,
  };
}

function systemTask(def: WorkflowDefinition, step: SystemStep, nextState: string): State {
  const payload: Template<SystemStepPayload> = {
    kind: 'system',
    'executionArn.$': '$$.Execution.Id',
    'instance.$': INSTANCE,
    workflowVersion: def.version,
    step: step.id,
  };
  return {
    Type: 'Task',
    Comment: comment(step.title),
    Resource: lambdaResource(false),
    Parameters: { FunctionName: functionName(step.function), Payload: payload as State },
    ResultSelector: { 'result.$': '$.Payload' },
    ResultPath: `$.steps.${step.id}`,
    Retry: lambdaRetry(),
    Catch: catchAll(STEP_FAILED),
    Next: nextState,
  };
}

function waitStep(step: WaitStep, nextState: string): Record<string, State> {
  if (step.until) {
    const payload: Template<WaitPayload> = {
      kind: 'wait',
      'instance.$': INSTANCE,
      step: step.id,
      until: dueJson(step.until),
    };
    return {
      [step.id]: {
        Type: 'Task',
        Comment: `${comment(step.title)} (到期时间 / the moment)`,
        Resource: lambdaResource(false),
        Parameters: { FunctionName: functionName(STEP_FUNCTIONS.waitUntil), Payload: payload as State },
        ResultSelector: { 'at.$': '$.Payload.at' },
        ResultPath: `$.waits.${step.id}`,
        Retry: lambdaRetry(),
        Catch: catchAll(STEP_FAILED),
        Next: `${step.id}.wait`,
      },
      [`${step.id}.wait`]: {
        Type: 'Wait',
        Comment: comment(step.title),
        TimestampPath: `$.waits.${step.id}.at`,
        Next: nextState,
      },
    };
  }
  const event = step.event!;
  const payload: Template<AwaitEventPayload> = {
    kind: 'awaitEvent',
    'taskToken.$': '$$.Task.Token',
    'executionArn.$': '$$.Execution.Id',
    'instance.$': INSTANCE,
    step: step.id,
    detailType: event.detailType,
  };
  const state: State = {
    Type: 'Task',
    Comment: comment(step.title),
    Resource: lambdaResource(true),
    Parameters: { FunctionName: functionName(STEP_FUNCTIONS.awaitEvent), Payload: payload as State },
    ResultPath: `$.steps.${step.id}`,
    Retry: lambdaRetry(),
    Catch: [
      ...(event.timeoutDays !== undefined
        ? [
            {
              ErrorEquals: ['States.Timeout'],
              ResultPath: `$.steps.${step.id}`,
              Next: event.onTimeout ?? nextState,
            },
          ]
        : []),
      ...catchAll(STEP_FAILED),
    ],
    Next: nextState,
  };
  if (event.timeoutDays !== undefined) state.TimeoutSeconds = event.timeoutDays * 86_400;
  return { [step.id]: state };
}

/** Where each outcome of a review leads, with return targets in workflow order (earliest first). */
function reviewTargets(def: WorkflowDefinition, index: number) {
  const edges = edgesOf(def, index);
  const approve = (edges.find((e) => e.kind === 'approve') ?? edges.find((e) => e.kind === 'next'))!.to;
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

function fanOut(
  def: WorkflowDefinition,
  step: FormStep & { each: FanOut },
  index: number,
): Record<string, State> {
  const review = step.type === 'review';
  const t = review
    ? reviewTargets(def, index)
    : { approve: next(def, index), reject: undefined, returns: [], returnsEarliestFirst: [] };
  const anyReturn = review && (step.each.policy ?? 'anyReturn') === 'anyReturn';
  const id = step.id;
  const at = `$.steps.${id}`;
  const items = `$.lists.${id}.items`;
  const s = {
    any: `${id}.any`,
    each: `${id}.each`,
    none: `${id}.none`,
    tally: `${id}.tally`,
    decide: `${id}.decide`,
    task: `${id}.task`,
    check: `${id}.check`,
    returnTo: `${id}.returnTo`,
    keepReturn: `${id}.keepReturn`,
    defaultReturn: `${id}.defaultReturn`,
    noReturn: `${id}.noReturn`,
    failed: `${id}.failed`,
    unexpected: `${id}.unexpected`,
  };

  // One iteration: a human task for one item, summarised with an explicit returnTo (a target name,
  // null when nothing was returned, or copied from the decision).
  const summary = (returnTo: { value: string | null } | { copy: true }): State => {
    const out: State = { 'key.$': '$.item.key', 'outcome.$': '$.decision.outcome' };
    if ('copy' in returnTo) out['returnTo.$'] = '$.decision.returnTo';
    else out.returnTo = returnTo.value;
    out['decision.$'] = '$.decision';
    return { Type: 'Pass', Parameters: out, End: true };
  };
  const allowed = allowedOutcomes(step);
  const checkChoices: Json[] = allowed
    .filter((o) => o !== 'return')
    .map((o) => ({ Variable: '$.decision.outcome', StringEquals: o, Next: s.noReturn }));
  if (t.returns.length) {
    checkChoices.push({ Variable: '$.decision.outcome', StringEquals: 'return', Next: s.returnTo });
  }
  const iteration: Record<string, State> = {
    [s.task]: humanTask(def, step, s.check, { inFanOut: { resultPath: '$.decision', failState: s.failed } }),
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
    Cause: 'A fanned-out task failed after its retries.',
  };
  iteration[s.unexpected] = {
    Type: 'Fail',
    Error: WORKFLOW_ERRORS.unexpectedOutcome,
    Cause: 'A fanned-out task was completed with an outcome or return target the step does not allow.',
  };

  const listPayload: Template<ListPayload> = {
    kind: 'list',
    'instance.$': INSTANCE,
    step: id,
    list: step.each.list,
  };
  const states: Record<string, State> = {
    [id]: {
      Type: 'Task',
      Comment: `${comment(step.title)} (分发名单 / the list to fan out over)`,
      Resource: lambdaResource(false),
      Parameters: { FunctionName: functionName(STEP_FUNCTIONS.fanOutList), Payload: listPayload as State },
      ResultSelector: { 'items.$': '$.Payload.items' },
      ResultPath: `$.lists.${id}`,
      Retry: lambdaRetry(),
      Catch: catchAll(STEP_FAILED),
      Next: s.any,
    },
    [s.any]: {
      Type: 'Choice',
      Comment: '名单不为空时分发 / Fan out when the list has items',
      Choices: [{ Variable: `${items}[0]`, IsPresent: true, Next: s.each }],
      Default: s.none,
    },
    [s.none]: {
      Type: 'Pass',
      Comment: '名单为空，无需办理 / Nobody to ask',
      Result: { items: [], outcomes: [], returnTos: [], skipped: true },
      ResultPath: at,
      Next: t.approve,
    },
    [s.each]: {
      Type: 'Map',
      Comment: `${comment(step.title)} (逐项并行 / each item in parallel)`,
      ItemsPath: items,
      ItemSelector: { 'item.$': '$$.Map.Item.Value' },
      MaxConcurrency: step.each.maxParallel ?? 10,
      ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: s.task, States: iteration },
      ResultSelector: { 'items.$': '$', 'outcomes.$': '$[*].outcome', 'returnTos.$': '$[*].returnTo' },
      ResultPath: at,
      Catch: [
        { ErrorEquals: [WORKFLOW_ERRORS.unexpectedOutcome], ResultPath: '$.failure', Next: UNEXPECTED },
        ...catchAll(STEP_FAILED),
      ],
      Next: anyReturn ? s.tally : t.approve,
    },
  };
  if (!anyReturn) return states;

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
  states[s.tally] = {
    Type: 'Pass',
    Comment: '汇总各项结论 / Count the decisions',
    Parameters: {
      'anyReject.$': `States.ArrayContains(${at}.outcomes, 'reject')`,
      'anyReturn.$': `States.ArrayContains(${at}.outcomes, 'return')`,
      returnTo: returnFlags,
    },
    ResultPath: `${at}.tally`,
    Next: decideChoices.length ? s.decide : t.approve,
  };
  // A review that can only approve has nothing to decide (and a Choice needs at least one rule).
  if (decideChoices.length) {
    states[s.decide] = {
      Type: 'Choice',
      Comment: '任一项不予通过或退回即照办，否则通过 / Any rejection or return wins; otherwise approved',
      Choices: decideChoices,
      Default: t.approve,
    };
  }
  return states;
}
