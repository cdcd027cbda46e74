/**
 * InboxProjector (city stack; rule on every stack's task, instance and notification events): keeps
 * the city inbox, the instance overview and the notifications. Ordered by version, so duplicates and
 * late events change nothing. A stack is trusted only about itself: the stack an event names must be
 * the stack whose source published it.
 */
import type { InstanceEvent, NotificationRaised, TaskEvent } from '../../contracts/events';
import { stackOfSource } from '../../contracts/sources';
import { dynamo } from '../core/clients';
import { config } from '../core/config';
import { createContext } from '../core/context';
import { log } from '../core/log';
import { projectInstance, projectNotification, projectTask } from '../runtime/views';
import type { BusEvent } from './bus-event';

const cfg = config({ table: true });
const ctx = createContext(cfg, { db: dynamo(cfg) });

type Event =
  | (BusEvent<TaskEvent> & { 'detail-type': 'TaskOpened' | 'TaskCompleted' | 'TaskCancelled' })
  | (BusEvent<InstanceEvent> & { 'detail-type': 'InstanceChanged' })
  | (BusEvent<NotificationRaised> & { 'detail-type': 'NotificationRaised' });

function trusted(event: Event, stack: string | undefined): boolean {
  const from = stackOfSource(event.source);
  if (from !== undefined && from === stack) return true;
  log.warn('event names another stack than its source; refused', { source: event.source, stack });
  return false;
}

export const handler = async (event: Event): Promise<{ applied: boolean }> => {
  switch (event['detail-type']) {
    case 'TaskOpened':
    case 'TaskCompleted':
    case 'TaskCancelled': {
      const d = event.detail as TaskEvent;
      if (!trusted(event, d.task?.county)) return { applied: false };
      return { applied: await projectTask(ctx, d.task, d.eventId) };
    }
    case 'InstanceChanged': {
      const d = event.detail as InstanceEvent;
      if (!trusted(event, d.instance?.stack)) return { applied: false };
      return { applied: await projectInstance(ctx, d.instance, d.eventId) };
    }
    case 'NotificationRaised': {
      const d = event.detail as NotificationRaised;
      if (!trusted(event, d.notification?.county)) return { applied: false };
      return { applied: await projectNotification(ctx, d.notification, d.eventId) };
    }
    default:
      throw new Error(`InboxProjector: unexpected ${(event as { 'detail-type': string })['detail-type']}`);
  }
};
