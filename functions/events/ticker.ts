/**
 * Ticker (schedule, every minute, every stack): fires the reminders and escalations that are due,
 * then the schedule triggers of this stack's live workflows.
 */
import { log } from '../core/log';
import { stepContext } from '../edge/runtime';
import { fireTimers } from '../runtime/tasks/timers';
import { fireSchedules } from '../runtime/triggers';

const rt = stepContext({ table: true, bus: true }, { db: true, events: true, sfn: true });

export const handler = async () => {
  const now = rt.now();
  const timers = await fireTimers(rt, now);
  const started = await fireSchedules(rt, now);
  if (timers.fired || started) log.info('tick', { fired: timers.fired, started });
  return { fired: timers.fired, started };
};
