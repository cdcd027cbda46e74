/**
 * The sweeper (scheduled every minute): delivers resume markers and publishes outbox events that a
 * crash left behind. Young entries are skipped: they belong to requests still in flight.
 */
import type { Ctx } from './context';
import { pendingOutbox, publishOutbox } from './events';
import { sweepResumes } from './resume';

/** Runs one sweep; county stacks have both kinds of leftovers, the city only outbox events. */
export async function sweep(
  ctx: Ctx,
  minAgeMs = 10_000,
): Promise<{ resumed: number; published: number; failed: number }> {
  let resumed = 0;
  let failed = 0;
  if (ctx.cfg.stackKind === 'county') {
    const r = await sweepResumes(ctx, minAgeMs);
    resumed = r.delivered;
    failed = r.failed;
  }
  const olderThan = new Date(ctx.now().getTime() - minAgeMs).toISOString();
  const events = await pendingOutbox({ db: ctx.db, table: ctx.table }, olderThan);
  if (events.length) {
    try {
      await publishOutbox(
        { db: ctx.db, table: ctx.table, events: ctx.events, busName: ctx.cfg.eventBusName },
        events,
      );
    } catch (e) {
      failed += events.length;
      console.error(JSON.stringify({ level: 'error', msg: 'outbox publish failed', error: String(e) }));
      return { resumed, published: 0, failed };
    }
  }
  return { resumed, published: events.length, failed };
}
