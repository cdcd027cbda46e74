/**
 * StartAllocation (county stacks; rule on AllocationRoundOpened): starts this county's execution
 * `allocation-<year>` with the round's catalogue. Idempotent: a re-delivered event starts nothing new.
 */
import { startAllocation } from '../core/allocation';
import { dynamo, eventBridge, stepFunctions } from '../core/clients';
import { config } from '../core/config';
import { createContext } from '../core/context';
import type { AllocationRoundOpened } from '../core/events';

const cfg = config({ table: true, bus: true, workflows: true });
const ctx = createContext(cfg, { db: dynamo(cfg), events: eventBridge(cfg), sfn: stepFunctions(cfg) });

interface BusEvent<T> {
  id?: string;
  'detail-type': string;
  source: string;
  detail: T;
}

export const handler = async (event: BusEvent<AllocationRoundOpened>) => {
  if (event['detail-type'] !== 'AllocationRoundOpened')
    throw new Error(`StartAllocation: unexpected ${event['detail-type']}`);
  const res = await startAllocation(ctx, event.detail);
  console.log(
    JSON.stringify({
      level: 'info',
      msg: 'allocation start',
      year: event.detail.year,
      county: ctx.cfg.countyCode,
      ...res,
    }),
  );
  return res;
};
