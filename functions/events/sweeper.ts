/**
 * Sweeper (schedule, every minute, county and city stacks): delivers resume markers and publishes
 * outbox events a crash left behind.
 */

import { dynamo, eventBridge, stepFunctions } from '../core/clients';
import { config } from '../core/config';
import { createContext } from '../core/context';
import { sweep } from '../core/sweep';

const cfg = config();
const ctx = createContext(cfg, { db: dynamo(cfg), events: eventBridge(cfg), sfn: stepFunctions(cfg) });

export const handler = async (event?: { minAgeMs?: number }) => {
  const minAge = typeof event?.minAgeMs === 'number' && event.minAgeMs >= 0 ? event.minAgeMs : 10_000;
  const res = await sweep(ctx, minAge);
  if (res.resumed || res.published || res.failed)
    console.log(JSON.stringify({ level: 'info', msg: 'sweep', ...res }));
  return res;
};
