/**
 * Lifecycle (every stack; rule on Step Functions' Execution Status Change events of the stack's own
 * state machines): the instance takes its final status, and an execution that ended without success
 * cancels its open tasks.
 */
import { EXECUTION_STATUS_CHANGE } from '../../contracts/sources';
import { log } from '../core/log';
import { stepContext } from '../edge/runtime';
import { type ExecutionStatusDetail, onExecutionStatus } from '../runtime/lifecycle';
import type { BusEvent } from './bus-event';

const rt = stepContext({ table: true, bus: true }, { db: true, events: true });

export const handler = async (event: BusEvent<ExecutionStatusDetail>) => {
  if (event['detail-type'] !== EXECUTION_STATUS_CHANGE)
    throw new Error(`Lifecycle: unexpected ${event['detail-type']}`);
  const res = await onExecutionStatus(rt, event.detail);
  if (!res.ignored) log.info('execution status', { executionArn: event.detail.executionArn, ...res });
  return res;
};
