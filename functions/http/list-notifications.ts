/** GET /notifications?limit=&nextToken= (city API): the caller's notifications and the unread count. */
import { dynamo } from '../core/clients';
import { pageSize } from '../core/paging';
import { listNotifications } from '../runtime/views';
import { httpHandler } from './middleware';

export const handler = httpHandler(
  { needs: { table: true }, clients: (cfg) => ({ db: dynamo(cfg) }), query: ['limit', 'nextToken'] },
  async (req) => ({
    body: await listNotifications(req.ctx, req.principal, {
      limit: pageSize(req.query.limit),
      nextToken: req.query.nextToken,
    }),
  }),
);
