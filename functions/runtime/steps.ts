/**
 * The runtime's step functions that are not human tasks: the fan-out list of a step (asked of the
 * instance's kit), the moment a wait-until step waits for, and the registration of an execution
 * waiting for an event about its subject.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type {
  AwaitEventPayload,
  FanOutItem,
  ListPayload,
  ListResult,
  WaitPayload,
  WaitResult,
} from '../../contracts/steps';
import { stableHash } from '../core/ids';
import { keys } from '../core/keys';
import { kitOf, type Runtime } from './context';
import { resolveStartOfDay } from './due';
import { instanceOfRef } from './instances';

/** At most this many items in one fan-out (a Map of thousands is a design mistake, not a workload). */
export const MAX_FAN_OUT = 500;

/** FanOutList: the items of the kit's list `payload.list` for the instance. */
export async function fanOutList(rt: Runtime, payload: ListPayload): Promise<ListResult> {
  if (payload?.kind !== 'list' || !payload.instance || typeof payload.list !== 'string') {
    throw new Error('FanOutList: payload is not a list request');
  }
  const instance = await instanceOfRef(rt, payload.instance);
  const list = kitOf(rt, instance.kit)?.lists?.[payload.list];
  if (!list) throw new Error(`FanOutList: kit ${instance.kit ?? '(none)'} has no list ${payload.list}`);
  const items = await list({ rt, instance, step: payload.step });
  const seen = new Set<string>();
  const out: FanOutItem[] = [];
  for (const item of items) {
    if (typeof item?.key !== 'string' || item.key === '' || seen.has(item.key)) continue;
    seen.add(item.key);
    out.push(item);
  }
  if (out.length > MAX_FAN_OUT) throw new Error(`FanOutList: ${out.length} items exceed ${MAX_FAN_OUT}`);
  return { items: out };
}

/** WaitUntil: the start of the day the wait's date rule resolves to (now, when the subject has no such date). */
export async function waitUntil(rt: Runtime, payload: WaitPayload): Promise<WaitResult> {
  if (payload?.kind !== 'wait' || !payload.instance)
    throw new Error('WaitUntil: payload is not a wait request');
  const instance = await instanceOfRef(rt, payload.instance);
  const kit = kitOf(rt, instance.kit);
  const now = rt.now();
  const at = resolveStartOfDay(payload.until, now, instance.year, kit?.subjectDates?.(instance) ?? {});
  return { at: at ?? now.toISOString() };
}

/** A registered waiter: an execution waiting for an event about its subject. */
export interface Waiter {
  subject: string;
  detailType: string;
  token: string;
  executionArn: string;
  step: string;
  at: string;
}

/** AwaitEvent: registers the execution as waiting (idempotent on the token); the event resumes it. */
export async function awaitEvent(rt: Runtime, payload: AwaitEventPayload): Promise<{ waiting: true }> {
  if (payload?.kind !== 'awaitEvent' || typeof payload.taskToken !== 'string' || !payload.instance) {
    throw new Error('AwaitEvent: payload is not an awaitEvent request');
  }
  const waiter: Waiter = {
    subject: payload.instance.subject,
    detailType: payload.detailType,
    token: payload.taskToken,
    executionArn: payload.executionArn,
    step: payload.step,
    at: rt.now().toISOString(),
  };
  await rt.db.send(
    new PutCommand({
      TableName: rt.table,
      Item: {
        ...keys.waiter(waiter.subject, waiter.detailType, stableHash(waiter.token)),
        kind: 'waiter',
        ...waiter,
      },
    }),
  );
  return { waiting: true };
}
