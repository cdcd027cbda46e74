/**
 * The workflow language's types (generated from `workflow.schema.json`) and the graph reading
 * shared by the validator and the compiler, so both agree on where every step leads.
 */
import type { Outcome } from '../contracts/steps';
import type {
  EndStep,
  FanOut,
  NoticeStep,
  ReviewStep,
  Step,
  SystemStep,
  TaskStep,
  WaitStep,
  WorkflowDefinition,
} from './workflow.types.gen';

export type { Outcome } from '../contracts/steps';
export type {
  Due,
  EndStep,
  Escalation,
  EventWait,
  FanOut,
  FormRef,
  NoticeStep,
  Outcomes,
  PlainDue,
  Reminder,
  ReviewStep,
  Role,
  Step,
  StepId,
  SystemStep,
  TaskStep,
  Text,
  Title,
  Trigger,
  WaitStep,
  Who,
  WorkflowDefinition,
} from './workflow.types.gen';

/** A step a person works on: it opens a task (with a form, or a notice to acknowledge). */
export type HumanStep = TaskStep | ReviewStep | NoticeStep;
/** A step a person fills a form on. */
export type FormStep = TaskStep | ReviewStep;

/** Org values with a meaning of their own; any other `who.org` is a literal org unit id. */
export const ORG_COUNTY = 'county';
export const ORG_CITY = 'city';
/** The org of the fan-out item a task is opened for. */
export const ORG_ITEM = 'item';

/** Why one step leads to another; `path` is the JSON pointer of the field that says so. */
export interface Edge {
  kind: 'next' | 'approve' | 'return' | 'reject' | 'timeout';
  to: string;
  path: string;
}

export function isHuman(step: Step): step is HumanStep {
  return step.type === 'task' || step.type === 'review' || step.type === 'notice';
}

export function hasForm(step: Step): step is FormStep {
  return step.type === 'task' || step.type === 'review';
}

/** A task or review worked once per item of a kit list. */
export function isFanOut(step: Step): step is FormStep & { each: FanOut } {
  return (step.type === 'task' || step.type === 'review') && step.each !== undefined;
}

export function isWait(step: Step): step is WaitStep {
  return step.type === 'wait';
}

export function isEnd(step: Step): step is EndStep {
  return step.type === 'end';
}

export function isSystem(step: Step): step is SystemStep {
  return step.type === 'system';
}

/**
 * Where a step goes when it finishes normally: its `next` (or, for a review, `outcomes.approve`),
 * else the step after it in the list; undefined for an end step or the last step without one.
 */
export function forwardTarget(
  def: WorkflowDefinition,
  index: number,
): { to: string; path: string } | undefined {
  const step = def.steps[index];
  const base = `/steps/${index}`;
  if (step.type === 'end') return undefined;
  if (step.type === 'review' && step.outcomes.approve) {
    return { to: step.outcomes.approve, path: `${base}/outcomes/approve` };
  }
  if (step.type !== 'review' && step.next) {
    return { to: step.next, path: `${base}/next` };
  }
  const following = def.steps[index + 1];
  return following ? { to: following.id, path: base } : undefined;
}

/** Every transition out of the step at `index`, in a fixed order: forward, returns, reject. */
export function edgesOf(def: WorkflowDefinition, index: number): Edge[] {
  const step = def.steps[index];
  const edges: Edge[] = [];
  const forward = forwardTarget(def, index);
  if (forward) edges.push({ kind: step.type === 'review' ? 'approve' : 'next', ...forward });
  if (step.type === 'review') {
    (step.outcomes.return ?? []).forEach((to, j) => {
      edges.push({ kind: 'return', to, path: `/steps/${index}/outcomes/return/${j}` });
    });
    if (step.outcomes.reject) {
      edges.push({ kind: 'reject', to: step.outcomes.reject, path: `/steps/${index}/outcomes/reject` });
    }
  }
  if (step.type === 'wait' && step.event?.onTimeout) {
    edges.push({ kind: 'timeout', to: step.event.onTimeout, path: `/steps/${index}/event/onTimeout` });
  }
  return edges;
}

/** The outcomes a person may choose at a human step, in a fixed order. */
export function allowedOutcomes(step: HumanStep): Outcome[] {
  if (step.type === 'task') return ['submit'];
  if (step.type === 'notice') return ['acknowledge'];
  const out: Outcome[] = ['approve'];
  if (step.outcomes.return?.length) out.push('return');
  if (step.outcomes.reject) out.push('reject');
  return out;
}

/** Function ids a definition's system steps call, each once, sorted (the runtime's step functions not included). */
export function systemFunctions(def: WorkflowDefinition): string[] {
  const ids = new Set<string>();
  for (const step of def.steps) if (step.type === 'system') ids.add(step.function);
  return [...ids].sort();
}

/** Form references of every human step, each once, in step order. */
export function formsOf(def: WorkflowDefinition): { id: string; version: number }[] {
  const seen = new Set<string>();
  const out: { id: string; version: number }[] = [];
  for (const step of def.steps) {
    if (!hasForm(step)) continue;
    const key = `${step.form.id}@${step.form.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ id: step.form.id, version: step.form.version });
  }
  return out;
}
