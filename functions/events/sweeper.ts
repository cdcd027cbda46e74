/**
 * Sweeper (schedule, every minute, every stack): delivers resume markers and publishes outbox events
 * a crash left behind.
 */
import { log } from '../core/log';
import { stepContext } from '../edge/runtime';
import { sweep } from '../runtime/sweep';

const rt = stepContext({ table: true, bus: true }, { db: true, events: true, sfn: true });

export const handler = async (event?: { minAgeMs?: number }) => {
  const minAge = typeof event?.minAgeMs === 'number' && event.minAgeMs >= 0 ? event.minAgeMs : 10_000;
  const res = await sweep(rt, minAge);
  if (res.resumed || res.published || res.failed) log.info('sweep', res);
  return res;
};
