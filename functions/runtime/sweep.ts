/**
 * The sweeper (scheduled every minute): delivers resume markers and publishes outbox events that a
 * crash left behind. Young entries are skipped: they belong to requests still in flight.
 */
import { pendingOutbox, publishOutbox } from '../core/events';
import { log } from '../core/log';
import type { Runtime } from './context';
import { sweepResumes } from './tasks/deliver';

/** Runs one sweep of this stack's leftovers. */
export async function sweep(
  rt: Runtime,
  minAgeMs = 10_000,
): Promise<{ resumed: number; published: number; failed: number }> {
  const r = await sweepResumes(rt, minAgeMs);
  let failed = r.failed;
  const olderThan = new Date(rt.now().getTime() - minAgeMs).toISOString();
  const events = await pendingOutbox({ db: rt.db, table: rt.table }, olderThan);
  if (events.length) {
    try {
      await publishOutbox(
        { db: rt.db, table: rt.table, events: rt.events, busName: rt.cfg.eventBusName },
        events,
      );
    } catch (e) {
      failed += events.length;
      log.error('outbox publish failed', { error: String(e) });
      return { resumed: r.delivered, published: 0, failed };
    }
  }
  return { resumed: r.delivered, published: events.length, failed };
}
