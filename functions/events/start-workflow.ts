/**
 * StartWorkflow (county stacks; rule on the city's WorkflowStartRequested): starts this county's
 * instance for the subject the workflow's kit builds from the input. Idempotent: a re-delivered event
 * starts nothing new.
 */
import type { WorkflowStartRequested } from '../../contracts/events';
import { log } from '../core/log';
import { stepContext } from '../edge/runtime';
import { startInstance } from '../runtime/instances';
import type { BusEvent } from './bus-event';

const rt = stepContext({ table: true, bus: true, workflows: true }, { db: true, events: true, sfn: true });

export const handler = async (event: BusEvent<WorkflowStartRequested>) => {
  if (event['detail-type'] !== 'WorkflowStartRequested')
    throw new Error(`StartWorkflow: unexpected ${event['detail-type']}`);
  const d = event.detail;
  const listed = d.counties?.find((c) => c.code === rt.stack);
  if (d.counties && !listed) return { started: false, reason: 'not listed' };
  const res = await startInstance(rt, {
    workflowId: d.workflowId,
    input: d.input,
    by: d.requestedBy,
    stackName: listed?.name ?? rt.cfg.countyName,
  });
  log.info('workflow start', {
    workflowId: d.workflowId,
    subject: res.instance.subject,
    attempt: res.instance.attempt,
    created: res.created,
  });
  return { started: true, created: res.created, executionArn: res.executionArn };
};
