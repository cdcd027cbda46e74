/**
 * SubjectEvents (every stack; rule on its own InstanceChanged and ProjectCreated): executions
 * waiting for such an event about their subject resume, and the event triggers of this stack's live
 * workflows start the instances their kits list.
 */
import { stackOfSource } from '../../contracts/sources';
import { log } from '../core/log';
import { stepContext } from '../edge/runtime';
import { resumeWaiters, type SubjectEvent, startTriggered } from '../runtime/triggers';

const rt = stepContext({ table: true, bus: true }, { db: true, events: true, sfn: true });

export const handler = async (event: SubjectEvent) => {
  if (stackOfSource(event.source) !== rt.stack) {
    log.warn('event from another stack ignored', { source: event.source });
    return { resumed: 0, started: 0 };
  }
  const resumed = await resumeWaiters(rt, event);
  const started = await startTriggered(rt, event);
  if (resumed || started) log.info('subject event', { detailType: event['detail-type'], resumed, started });
  return { resumed, started };
};
