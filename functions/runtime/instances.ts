/**
 * Instances: one workflow running for one subject in one stack. Starting is idempotent on (workflow,
 * subject): a second start returns the instance that exists; only after an instance ended without
 * success (failed, aborted, timed out) does a start begin a new attempt, whose submissions live in a
 * partition of their own. Every change of an instance publishes InstanceChanged, ordered by version.
 */
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { InstanceStatus, InstanceSummary } from '../../contracts/events';
import type { ExecutionInput, InstanceRef } from '../../contracts/steps';
import type { WorkflowDefinition } from '../../workflows/model';
import { auditPut, SYSTEM_ACTOR } from '../core/audit';
import { queryAll, type TransactItem, transact } from '../core/db';
import { Conflict, NotFound, ValidationFailed } from '../core/errors';
import { newEvent, type OutboxEvent, outboxPut, publishOutbox } from '../core/events';
import { stableHash } from '../core/ids';
import { keys, stripKeys } from '../core/keys';
import { log } from '../core/log';
import { kitOf, type Runtime } from './context';
import type { Instance, SubjectOf } from './kit';

export type { Instance } from './kit';

/** Statuses after which a new start begins a new attempt. */
const RESTARTABLE: ReadonlySet<InstanceStatus> = new Set(['failed', 'aborted', 'timedOut']);
const SUBJECT = /^[A-Za-z0-9_.:-]{1,60}$/;

/** Reads the current instance of a workflow for a subject (strongly consistent). */
export async function getInstance(
  rt: Runtime,
  workflowId: string,
  subject: string,
): Promise<Instance | undefined> {
  const res = await rt.db.send(
    new GetCommand({ TableName: rt.table, Key: keys.instance(workflowId, subject), ConsistentRead: true }),
  );
  return res.Item ? (stripKeys(res.Item) as unknown as Instance) : undefined;
}

/** Every instance of a workflow in a year in this stack (one Query on gsi1), by subject. */
export async function listInstancesOfYear(
  rt: Runtime,
  workflowId: string,
  year: number,
): Promise<Instance[]> {
  const items = await queryAll(rt.db, rt.table, keys.instancesOfYearPk(workflowId, year), { index: 'gsi1' });
  return items.map((i) => stripKeys(i) as unknown as Instance);
}

/** The instance a ref names, only while the ref's attempt is the current one. */
export async function instanceOfRef(rt: Runtime, ref: InstanceRef): Promise<Instance> {
  const inst = await getInstance(rt, ref.workflowId, ref.subject);
  if (!inst || inst.attempt !== ref.attempt) {
    throw new NotFound(`no instance ${ref.workflowId}/${ref.subject} attempt ${ref.attempt}`);
  }
  return inst;
}

/** The summary events and read models carry. */
export function instanceSummary(i: Instance): InstanceSummary {
  const { kit: _k, workflowVersion: _v, input: _i, startedBy: _s, ...summary } = i;
  return summary;
}

/** The ref an execution carries. */
export function refOf(
  i: Pick<Instance, 'workflowId' | 'subject' | 'attempt' | 'stack' | 'year'>,
): InstanceRef {
  return { workflowId: i.workflowId, subject: i.subject, attempt: i.attempt, stack: i.stack, year: i.year };
}

/**
 * The execution name of an instance: `<workflow>-<subject>-<attempt>`, Step Functions' character
 * set, at most 80 characters (long subjects end in a hash). StartExecution is idempotent by it.
 */
export function executionName(ref: Pick<InstanceRef, 'workflowId' | 'subject' | 'attempt'>): string {
  const name = `${ref.workflowId}-${ref.subject.replace(/[^A-Za-z0-9_-]/g, '_')}-${ref.attempt}`;
  return name.length <= 80 ? name : `${name.slice(0, 60)}-${stableHash(name, 16)}-${ref.attempt}`;
}

/** A subject built without a kit: the input names it (`subject`, `year`, optional `label`). */
function defaultSubject(input: unknown): SubjectOf {
  const i = (input ?? {}) as Record<string, unknown>;
  const errors = [];
  if (typeof i.subject !== 'string' || !SUBJECT.test(i.subject)) {
    errors.push({ path: '/subject', message: '办理对象编号应为 1-60 位字母、数字或 _ . : -' });
  }
  if (!Number.isInteger(i.year) || (i.year as number) < 2000 || (i.year as number) > 2100) {
    errors.push({ path: '/year', message: '年度应为 2000-2100 之间的整数' });
  }
  if (errors.length) throw new ValidationFailed(errors);
  return { subject: i.subject as string, year: i.year as number, input: { ...i } };
}

/** What {@link startInstance} asks for. */
export interface StartRequestInput {
  workflowId: string;
  input: unknown;
  /** Who asked: a username, or `system` for triggers. */
  by: string;
  /** The stack's display name, when known. */
  stackName?: string;
}

/** The result of a start: the instance, and whether this call created it (or a new attempt). */
export interface StartResult {
  instance: Instance;
  created: boolean;
  executionArn?: string;
}

/** The live definition of a workflow this stack runs; throws NotFound otherwise. */
export async function liveDefinition(rt: Runtime, workflowId: string): Promise<WorkflowDefinition> {
  const def = await rt.definitions.workflow(workflowId);
  if (!def || (def.stack ?? 'county') !== rt.cfg.stackKind) throw new NotFound(`流程 ${workflowId} 不存在`);
  return def;
}

/**
 * Starts the live version of a workflow for the subject its kit builds from `input`: writes the
 * instance (once) with its audit entry and InstanceChanged event, then starts the execution. Safe
 * to repeat: an existing instance counts as started (its execution is started again by name, which
 * Step Functions answers idempotently).
 */
export async function startInstance(rt: Runtime, req: StartRequestInput): Promise<StartResult> {
  const def = await liveDefinition(rt, req.workflowId);
  const kit = kitOf(rt, def.kit);
  const subj = kit
    ? kit.subject(req.input, { code: rt.stack, name: req.stackName })
    : defaultSubject(req.input);
  if (!SUBJECT.test(subj.subject))
    throw new Error(`kit ${def.kit} built an unusable subject ${subj.subject}`);
  const arn = rt.cfg.stateMachineArns[def.id];
  if (!arn) throw new Error(`STATE_MACHINE_ARNS has no "${def.id}" entry`);

  let existing = await getInstance(rt, def.id, subj.subject);
  let created = false;
  let pending: OutboxEvent[] = [];
  for (let tries = 0; ; tries++) {
    if (existing && !RESTARTABLE.has(existing.status)) break;
    const now = rt.now();
    const at = now.toISOString();
    const instance: Instance = {
      workflowId: def.id,
      subject: subj.subject,
      attempt: existing ? existing.attempt + 1 : 1,
      stack: rt.stack,
      year: subj.year,
      countyName: req.stackName ?? rt.cfg.countyName,
      subjectLabel: subj.label,
      status: 'running',
      startedAt: at,
      version: (existing?.version ?? 0) + 1,
      kit: def.kit,
      workflowVersion: def.version,
      input: subj.input,
      startedBy: req.by,
    };
    const event = newEvent(rt.source, 'InstanceChanged', { instance: instanceSummary(instance) });
    try {
      await transact(
        rt.db,
        [
          {
            Put: {
              TableName: rt.table,
              Item: {
                ...keys.instance(def.id, subj.subject),
                ...keys.instanceByYear(def.id, subj.year, subj.subject),
                kind: 'instance',
                ...instance,
              },
              ConditionExpression: existing ? '#v = :v' : 'attribute_not_exists(pk)',
              ...(existing
                ? {
                    ExpressionAttributeNames: { '#v': 'version' },
                    ExpressionAttributeValues: { ':v': existing.version },
                  }
                : {}),
            },
          },
          auditPut(
            rt.table,
            keys.runPartition(def.id, subj.subject, instance.attempt),
            {
              at,
              action: 'instance.started',
              by: req.by === 'system' ? SYSTEM_ACTOR : { sub: req.by, name: req.by, org: rt.stack },
              round: { year: subj.year, attempt: instance.attempt },
              summary: `${def.title.zh}开始（第 ${instance.attempt} 次）`,
            },
            now,
          ),
          outboxPut(rt.table, event, at),
        ],
        () => new Conflict('instance exists', 'InstanceExists'),
      );
      created = true;
      pending = [event];
      existing = instance;
      break;
    } catch (e) {
      if (!(e instanceof Conflict) || tries >= 3) throw e;
      existing = await getInstance(rt, def.id, subj.subject);
    }
  }
  const instance = existing!;
  let executionArn: string | undefined;
  if (instance.status === 'running') {
    try {
      const res = await rt.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: arn,
          name: executionName(instance),
          input: JSON.stringify({ instance: refOf(instance) } satisfies ExecutionInput),
        }),
      );
      executionArn = res.executionArn;
    } catch (e) {
      // The execution of this attempt exists (a repeated start, or it already finished).
      if ((e as { name?: string }).name !== 'ExecutionAlreadyExists') throw e;
    }
  }
  if (pending.length) await publishSoon(rt, pending);
  return { instance, created, executionArn };
}

/**
 * The optimistic update of an instance's status and facts: applies only to the named attempt and
 * only if nobody moved the version meanwhile. Returns the transaction item and the event.
 */
export function instanceChange(
  rt: Runtime,
  inst: Instance,
  change: {
    status?: InstanceStatus;
    finishedAt?: string;
    reason?: string;
    facts?: Record<string, string | number | boolean>;
  },
): { item: TransactItem; event: OutboxEvent<'InstanceChanged'>; next: Instance } {
  const next: Instance = {
    ...inst,
    status: change.status ?? inst.status,
    ...(change.finishedAt ? { finishedAt: change.finishedAt } : {}),
    ...(change.reason ? { reason: change.reason } : {}),
    ...(change.facts ? { facts: { ...(inst.facts ?? {}), ...change.facts } } : {}),
    version: inst.version + 1,
  };
  const names: Record<string, string> = { '#status': 'status', '#v': 'version', '#a': 'attempt' };
  const values: Record<string, unknown> = {
    ':status': next.status,
    ':v': next.version,
    ':prev': inst.version,
    ':a': inst.attempt,
  };
  let set = 'SET #status = :status, #v = :v';
  for (const k of ['finishedAt', 'reason', 'facts'] as const) {
    if (next[k] === undefined || next[k] === inst[k]) continue;
    names[`#${k}`] = k;
    values[`:${k}`] = next[k];
    set += `, #${k} = :${k}`;
  }
  return {
    item: {
      Update: {
        TableName: rt.table,
        Key: keys.instance(inst.workflowId, inst.subject),
        UpdateExpression: set,
        ConditionExpression: '#v = :prev AND #a = :a',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    },
    event: newEvent(rt.source, 'InstanceChanged', { instance: instanceSummary(next) }),
    next,
  };
}

/** Publishes right after a commit; a failure leaves the events in the outbox for the sweeper. */
export async function publishSoon(rt: Runtime, events: OutboxEvent[]): Promise<void> {
  if (events.length === 0) return;
  try {
    await publishOutbox(
      { db: rt.db, table: rt.table, events: rt.events, busName: rt.cfg.eventBusName },
      events,
    );
  } catch (e) {
    log.warn('publish deferred to sweeper', { error: String(e) });
  }
}
