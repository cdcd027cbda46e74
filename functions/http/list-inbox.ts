/** GET /tasks?status=open|done&limit=&nextToken= (city API): the caller's inbox across counties. */

import { dynamo } from '../core/clients';
import { ValidationFailed } from '../core/errors';
import { pageSize } from '../core/paging';
import { listInbox } from '../runtime/views';
import { httpHandler } from './middleware';

export const handler = httpHandler(
  {
    needs: { table: true },
    clients: (cfg) => ({ db: dynamo(cfg) }),
    query: ['status', 'limit', 'nextToken'],
  },
  async (req) => {
    const status = req.query.status ?? 'open';
    if (status !== 'open' && status !== 'done')
      throw new ValidationFailed([{ path: '/status', message: 'status 只能是 open 或 done' }]);
    return {
      body: await listInbox(req.ctx, req.principal, {
        status,
        limit: pageSize(req.query.limit),
        nextToken: req.query.nextToken,
      }),
    };
  },
);
